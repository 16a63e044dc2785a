/**
 * The base of every error in the project (see lib/errors.ts). Kept in its own module so that
 * the area error modules can extend it without an import cycle through lib/errors.ts.
 */

/**
 * - `rejected`: the device's fault (revoked, expired, wrong issuer, unsafe subject). Not retried.
 * - `configuration`: an operator must act (access denied, missing group, bad template). Thrown,
 *   so the event ends in the DLQ and can be replayed after the fix.
 * - `transient`: throttling, 5xx, network, CRL unavailable. Thrown, so Lambda retries.
 * - `invalid-input`: the input itself is malformed (an event that is not a JITR event, a file
 *   that is not a certificate). Logged and dropped; retrying cannot help.
 */
export type Outcome = 'rejected' | 'configuration' | 'transient' | 'invalid-input';

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
  abstract readonly outcome: Outcome;
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
    return this.outcome === 'transient' || this.outcome === 'configuration';
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      outcome: this.outcome,
      step: this.step,
      message: this.message,
      remedy: this.remedy,
      ...(this.path === undefined ? {} : { path: this.path }),
      ...(this.awsErrorName === undefined ? {} : { awsErrorName: this.awsErrorName }),
      ...(Object.keys(this.details).length === 0 ? {} : { details: this.details }),
    };
  }
}

export function isJitrError(value: unknown): value is JitrError {
  return value instanceof JitrError;
}
