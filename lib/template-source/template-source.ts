/**
 * Where the handler gets its provisioning template: a bundled template, a file, an S3
 * object or an AWS IoT provisioning template, chosen per CA (`TEMPLATE_SOURCE_BY_CA`, else
 * `TEMPLATE_SOURCE`). Remote templates are cached in the warm container and re-read after
 * `refreshSeconds`; concurrent loads of one source share one request; when a refresh fails
 * transiently the previous copy keeps serving (logged), because a template that worked a
 * minute ago is a better answer than a retry storm.
 */
import { readFile } from 'node:fs/promises';
import type { JitrLogger } from '../observability.js';
import type { IotRegistry } from '../provisioning/iot-registry.js';
import { BUNDLED_TEMPLATES } from './bundled-templates.js';
import { TemplateSourceUnreadableError } from './errors.js';
import type { ObjectReader } from './object-reader.js';
import { formatTemplateSourceRef, type TemplateSourceRef } from './source-ref.js';

export interface LoadedTemplate {
  /** Canonical source text (`s3://b/k`, `iot:name`, …) for logs. */
  source: string;
  /** The template as `render()` accepts it (object or JSON text). */
  template: unknown;
}

/** The port the registration use case loads templates through. */
export interface TemplateSource {
  forCa(caCertificateId: string): Promise<LoadedTemplate>;
  /**
   * Whether `forCa` would call AWS IoT now (an `iot:` source not fresh in the cache). Absent:
   * assume it might.
   */
  callsIot?(caCertificateId: string): boolean;
}

export interface TemplateSourceOptions {
  defaultSource: TemplateSourceRef;
  byCa: Readonly<Record<string, TemplateSourceRef>>;
  refreshSeconds: number;
  objects: ObjectReader;
  iot: Pick<IotRegistry, 'describeProvisioningTemplate'>;
  clock: () => Date;
  logger: JitrLogger;
}

interface CacheEntry {
  template: unknown;
  loadedAt: number;
}

/**
 * Largest template file or object read: 1 MiB. AWS allows 10,240 characters of template body;
 * a pretty-printed file may be larger, but not by a hundredfold. Checked before JSON.parse.
 */
export const MAX_TEMPLATE_SOURCE_CHARS = 1024 * 1024;

function parseJson(source: string, text: string): unknown {
  if (text.length > MAX_TEMPLATE_SOURCE_CHARS) {
    throw new TemplateSourceUnreadableError(source, {
      kind: 'too-large',
      characters: text.length,
      max: MAX_TEMPLATE_SOURCE_CHARS,
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TemplateSourceUnreadableError(
      source,
      { kind: 'not-json', said: (error as Error).message },
      { cause: error },
    );
  }
}

/**
 * Builds the cached, per-CA template source.
 *
 * @example
 * const templates = createTemplateSource({ ...config.templates, objects, iot, clock, logger });
 * const { template } = await templates.forCa(caCertificateId);
 * @throws {@link TemplateSourceUnreadableError} (configuration) or
 *   {@link TemplateSourceUnavailableError} (transient) from `forCa`; IoT errors pass through.
 */
export function createTemplateSource(options: TemplateSourceOptions): TemplateSource {
  const cache = new Map<string, CacheEntry>();
  const inFlight = new Map<string, Promise<unknown>>();

  async function read(ref: TemplateSourceRef, source: string): Promise<unknown> {
    switch (ref.kind) {
      case 'bundled': {
        const template = BUNDLED_TEMPLATES[ref.name];
        if (template === undefined) {
          throw new TemplateSourceUnreadableError(source, {
            kind: 'unknown-bundled',
            bundled: Object.keys(BUNDLED_TEMPLATES),
          });
        }
        return template;
      }
      case 'file': {
        let text: string;
        try {
          text = await readFile(ref.path, 'utf8');
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? 'read error';
          throw new TemplateSourceUnreadableError(
            source,
            { kind: 'file-unreadable', errno: code },
            { cause: error },
          );
        }
        return parseJson(source, text);
      }
      case 's3':
        return parseJson(source, await options.objects.getObjectText(ref.bucket, ref.key));
      case 'iot': {
        const described = await options.iot.describeProvisioningTemplate(ref.templateName);
        if (!described.enabled) {
          options.logger.warn('provisioning template is disabled in AWS IoT; using it anyway', {
            templateSource: source,
          });
        }
        return described.templateBody;
      }
    }
  }

  function load(ref: TemplateSourceRef, source: string): Promise<unknown> {
    const pending = inFlight.get(source);
    if (pending !== undefined) return pending;
    const promise = read(ref, source)
      .then((template) => {
        cache.set(source, { template, loadedAt: options.clock().getTime() });
        return template;
      })
      .finally(() => inFlight.delete(source));
    inFlight.set(source, promise);
    return promise;
  }

  const refOf = (caCertificateId: string) =>
    options.byCa[caCertificateId.toLowerCase()] ?? options.defaultSource;
  const fresh = (entry: CacheEntry) =>
    options.clock().getTime() - entry.loadedAt < options.refreshSeconds * 1000;

  return {
    callsIot(caCertificateId) {
      const ref = refOf(caCertificateId);
      if (ref.kind !== 'iot') return false;
      const cached = cache.get(formatTemplateSourceRef(ref));
      return cached === undefined || !fresh(cached);
    },
    async forCa(caCertificateId) {
      const ref = refOf(caCertificateId);
      const source = formatTemplateSourceRef(ref);
      const cached = cache.get(source);
      const local = ref.kind === 'bundled' || ref.kind === 'file';
      if (cached !== undefined) {
        const ageMs = options.clock().getTime() - cached.loadedAt;
        if (local || fresh(cached)) return { source, template: cached.template };
        try {
          return { source, template: await load(ref, source) };
        } catch (error) {
          const transient = (error as { disposition?: string }).disposition === 'transient';
          if (!transient) throw error;
          options.logger.warn('template refresh failed; serving the cached copy', {
            templateSource: source,
            ageSeconds: Math.round(ageMs / 1000),
            error: error instanceof Error ? error.message : String(error),
          });
          return { source, template: cached.template };
        }
      }
      return { source, template: await load(ref, source) };
    },
  };
}
