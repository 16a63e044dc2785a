// Error types of the config area (see lib/errors/jitr-error.ts for the model).
import { type Disposition, JitrError } from '../errors/jitr-error.js';

/** What is wrong with a variable: its malformed `value`, or why it may not be unset (`requiredBecause`). */
export type ConfigurationFacts = { variable: string; expected: string } & (
  | { value: string }
  | { requiredBecause: string }
);

/** An environment variable is missing or malformed (read once at cold start). */
export class ConfigurationInvalidError extends JitrError {
  readonly code = 'ConfigurationInvalid';
  readonly disposition: Disposition = 'configuration';
  readonly variable: string;

  constructor(facts: ConfigurationFacts) {
    const message =
      'value' in facts
        ? `${facts.variable}=${JSON.stringify(facts.value)} is invalid: expected ${facts.expected}`
        : `${facts.variable} is not set but ${facts.requiredBecause}`;
    super(message, {
      step: 'config',
      remedy: `Set ${facts.variable} to ${facts.expected} (template.yaml parameters or the function's environment), deploy, then replay the DLQ.`,
      details: { variable: facts.variable },
    });
    this.variable = facts.variable;
  }
}
