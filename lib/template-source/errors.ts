// Error types of the template-source area (see lib/errors/jitr-error.ts for the model).
import { s3ObjectArn } from '../arn/arn.js';
import { type Disposition, JitrError } from '../errors/jitr-error.js';

/** Why a template source cannot be read: the kind and its facts. */
export type TemplateSourceProblem =
  | { kind: 'too-large'; characters: number; max: number }
  | { kind: 'not-json'; said: string }
  | { kind: 'unknown-bundled'; bundled: readonly string[] }
  /** `errno`: the file system's code (ENOENT, EACCES…). */
  | { kind: 'file-unreadable'; errno: string }
  | { kind: 'no-body' }
  /** `awsErrorName`: S3's answer (AccessDenied, or Forbidden to a HEAD-like read). */
  | { kind: 'access-denied'; bucket: string; key: string; awsErrorName: string }
  /** `awsErrorName`: S3's answer (NoSuchKey, NoSuchBucket, NotFound). */
  | { kind: 'object-missing'; awsErrorName: string };

function unreadableReason(p: TemplateSourceProblem): string {
  switch (p.kind) {
    case 'too-large':
      return `${p.characters} characters, more than the ${p.max} accepted (AWS allows 10,240 characters of template body)`;
    case 'not-json':
      return `not valid JSON (${p.said})`;
    case 'unknown-bundled':
      return `no bundled template of that name (bundled: ${p.bundled.join(', ')})`;
    case 'file-unreadable':
      return `cannot read the file (${p.errno})`;
    case 'no-body':
      return 'the object has no body';
    case 'access-denied':
      return `access denied (the function role needs s3:GetObject on ${s3ObjectArn(p.bucket, p.key)})`;
    case 'object-missing':
      return `${p.awsErrorName}: the object does not exist`;
  }
}

/** The provisioning template could not be read (missing object, access denied, not JSON, unknown name). */
export class TemplateSourceUnreadableError extends JitrError {
  readonly code = 'TemplateSourceUnreadable';
  readonly disposition: Disposition = 'configuration';
  readonly problem: TemplateSourceProblem;

  constructor(source: string, problem: TemplateSourceProblem, options: { cause?: unknown } = {}) {
    super(`template source ${source} is unreadable: ${unreadableReason(problem)}`, {
      step: 'template-load',
      remedy: `Make ${source} exist and contain a JSON provisioning template readable by the function's role (check with: jitr template check), then replay the DLQ.`,
      details: { templateSource: source },
      ...('awsErrorName' in problem ? { awsErrorName: problem.awsErrorName } : {}),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.problem = problem;
  }
}

/** Reading the template failed for a reason a retry can fix (throttling, 5xx, network). */
export class TemplateSourceUnavailableError extends JitrError {
  readonly code = 'TemplateSourceUnavailable';
  readonly disposition: Disposition = 'transient';

  constructor(source: string, reason: string, options: { awsErrorName?: string; cause?: unknown } = {}) {
    super(`template source ${source} is temporarily unavailable: ${reason}`, {
      step: 'template-load',
      remedy:
        'None needed if it recovers: Lambda retries. If it persists, check the S3 / IoT service health.',
      details: { templateSource: source },
      ...(options.awsErrorName === undefined ? {} : { awsErrorName: options.awsErrorName }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
  }
}
