// Templates built into the function bundle, selectable with TEMPLATE_SOURCE=bundled:<name>.
// esbuild inlines the JSON, so the deployed function needs no file next to it.
import defaultTemplate from './templates/default.json' with { type: 'json' };

export const BUNDLED_TEMPLATES: Readonly<Record<string, unknown>> = {
  default: defaultTemplate,
};
