/**
 * The error model shared by every part of the handler and the CLI.
 *
 * Every failure is a {@link JitrError} subclass with a stable `code` (never reworded once
 * released), the `step` it happened in, its `disposition`, a one-line `remedy`, and, when
 * AWS answered, the AWS error name. Each area defines its own subclasses in its own
 * `errors.ts`, next to the code that throws them; there is no barrel (it would make every area
 * depend on every other).
 */

/**
 * What happens to an event that failed with the error (its disposition; not the registration
 * outcome, which is what happened to the certificate):
 *
 * - `rejected`: the device's fault (revoked, expired, wrong issuer, unsafe subject). Not retried.
 * - `configuration`: an operator must act (access denied, missing group, bad template). Thrown,
 *   so the event ends in the DLQ and can be replayed after the fix.
 * - `transient`: throttling, 5xx, network, CRL unavailable. Thrown, so Lambda retries.
 * - `invalid-input`: the input itself is malformed (an event that is not a JITR event, a file
 *   that is not a certificate). Logged and dropped; retrying cannot help.
 */
export type Disposition = 'rejected' | 'configuration' | 'transient' | 'invalid-input';

export interface JitrErrorOptions {
  /** Pipeline step, e.g. `template-render`, `crl`, `create-thing`. */
  step: string;
  /** One line telling the operator (or device maker) what to do. */
  remedy: string;
  /** JSON path into the template or document, when the error is about one. */
  path?: string;
  /** The AWS error name (`ResourceNotFoundException`, …) when AWS answered. */
  awsErrorName?: string;
  /** Extra facts for the log line (names, limits, values). Must be JSON-serialisable. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export abstract class JitrError extends Error {
  /** Stable machine-readable code, PascalCase (e.g. `MissingParameter`). */
  abstract readonly code: string;
  abstract readonly disposition: Disposition;
  readonly step: string;
  readonly remedy: string;
  readonly path: string | undefined;
  readonly awsErrorName: string | undefined;
  readonly details: Record<string, unknown>;

  constructor(message: string, options: JitrErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.step = options.step;
    this.remedy = options.remedy;
    this.path = options.path;
    this.awsErrorName = options.awsErrorName;
    this.details = options.details ?? {};
  }

  /**
   * `<Code>Error`, derived from the stable code rather than the class name: minifiers rename
   * classes (SAM's esbuild build has no keep-names option), and `name` is what Lambda reports
   * as `errorType` in DLQ records, which `jitr replay` groups by.
   */
  override get name(): string {
    return this.code.endsWith('Error') ? this.code : `${this.code}Error`;
  }

  /** Whether Lambda should retry (and the event eventually land in the DLQ). */
  get retryable(): boolean {
    return this.disposition === 'transient' || this.disposition === 'configuration';
  }

  /** {@link errorRecord}: what `JSON.stringify` writes for the error. */
  toJSON(): Record<string, unknown> {
    return errorRecord(this);
  }
}

export function isJitrError(value: unknown): value is JitrError {
  return value instanceof JitrError;
}

/**
 * The one serialised form of an error, for log lines (the use case's summary line, the
 * handler's configuration-error line) and JSON output: everything an operator needs to act.
 * IAM facts (`missingPermission`, `resource`, `statement`) are lifted out of `details` so a log
 * query can filter on them. Anything that is not a JitrError is an `UnexpectedError` (a bug).
 */
export function errorRecord(error: unknown): Record<string, unknown> {
  if (!isJitrError(error)) {
    return {
      code: 'UnexpectedError',
      disposition: 'transient',
      name: error instanceof Error ? error.name : typeof error,
      message: error instanceof Error ? error.message : String(error),
    };
  }
  const details = error.details;
  return {
    name: error.name,
    code: error.code,
    disposition: error.disposition,
    step: error.step,
    message: error.message,
    remedy: error.remedy,
    ...(error.path === undefined ? {} : { path: error.path }),
    ...(error.awsErrorName === undefined ? {} : { awsErrorName: error.awsErrorName }),
    ...(typeof details.missingPermission === 'string'
      ? { missingPermission: details.missingPermission }
      : {}),
    ...(typeof details.resource === 'string' ? { resource: details.resource } : {}),
    ...(details.statement === undefined ? {} : { statement: details.statement }),
    ...(Object.keys(details).length === 0 ? {} : { details }),
  };
}
