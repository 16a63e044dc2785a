// Error types of the operations area: replay, reconcile, doctor, status, the revocation sweep's
// command (see lib/errors/jitr-error.ts for the model). Built from the problem's facts; the
// class writes the message and the remedy.
import { type Disposition, JitrError } from '../errors/jitr-error.js';
import { TEMPLATE_SOURCE_FORMS } from '../template-source/source-ref.js';

/** What is wrong with an operations command's options: the kind and the facts. */
export type OperationsOptionProblem =
  /** `jitr replay` runs the deployed function or the use case in process: it needs one of the two. */
  | { kind: 'replay-target' }
  | { kind: 'not-a-duration'; option: string; value: string }
  /** `of`: what the id names (a CA, or a device certificate). */
  | { kind: 'not-a-certificate-id'; option: string; value: string; of: 'ca' | 'certificate' }
  | { kind: 'not-a-template-source'; option: string; value: string }
  | { kind: 'no-crl-bucket'; option: string };

const CERTIFICATE_ID_WORDING = {
  ca: { noun: 'a CA certificate id', expected: 'the 64-hex id of the CA' },
  certificate: { noun: 'a certificate id', expected: 'the 64-hex certificate id' },
} as const;

function describe(p: OperationsOptionProblem): { option: string; problem: string; remedy: string } {
  switch (p.kind) {
    case 'replay-target':
      return {
        option: '--function-name / --local',
        problem: 'exactly one of them is needed',
        remedy:
          'Give --function-name <name> to invoke the deployed function, or --local to run the pipeline in process.',
      };
    case 'not-a-duration':
      return {
        option: p.option,
        problem: `${p.value} is not a duration`,
        remedy: `Give ${p.option} as a duration like 90s, 10m, 2h or 1d.`,
      };
    case 'not-a-certificate-id': {
      const { noun, expected } = CERTIFICATE_ID_WORDING[p.of];
      return {
        option: p.option,
        problem: `${p.value} is not ${noun}`,
        remedy: `Give ${p.option} as ${expected}.`,
      };
    }
    case 'not-a-template-source':
      return {
        option: p.option,
        problem: `${p.value} is not a template source`,
        remedy: `Give ${p.option} as ${TEMPLATE_SOURCE_FORMS.slice(0, -1).join(', ')} or ${TEMPLATE_SOURCE_FORMS.at(-1)}.`,
      };
    case 'no-crl-bucket':
      return {
        option: p.option,
        problem: 'no CRL bucket given and CRL_BUCKET is not set',
        remedy: `Give ${p.option} as the bucket holding the CRLs.`,
      };
  }
}

/** A `jitr replay | reconcile | doctor | status | revocation sweep` option is missing, contradictory or malformed. */
export class InvalidOperationsOptionError extends JitrError {
  readonly code = 'InvalidOperationsOption';
  readonly disposition: Disposition = 'invalid-input';
  readonly problem: OperationsOptionProblem;

  constructor(problem: OperationsOptionProblem) {
    const { option, problem: text, remedy } = describe(problem);
    super(`${option}: ${text}`, { step: 'cli', remedy, details: { option } });
    this.problem = problem;
  }
}

/** The Lambda reasons of a throttled synchronous invoke, and what each asks the operator to do. */
const THROTTLE_REMEDIES: Readonly<Record<string, string>> = {
  ReservedFunctionConcurrentInvocationLimitExceeded:
    "The function's reserved concurrency is in use (live registrations come first): run the command again later or with a lower --rate, or raise the reservation. Nothing was deleted from the queue.",
  ConcurrentInvocationLimitExceeded:
    "The account's Lambda concurrency in this region is in use: run the command again later or with a lower --rate, or ask for a higher concurrency quota. Nothing was deleted from the queue.",
};

/**
 * Lambda refused the synchronous Invoke of `jitr replay | reconcile --function-name` with 429
 * TooManyRequestsException every time it was tried (the function never ran).
 */
export class LambdaInvokeThrottledError extends JitrError {
  readonly code = 'LambdaInvokeThrottled';
  readonly disposition: Disposition = 'transient';

  constructor(functionName: string, reason: string | undefined, tries: number) {
    super(
      `Lambda throttled the synchronous Invoke of ${functionName} ${tries} time(s)${reason === undefined ? '' : ` (${reason})`}`,
      {
        step: 'invoke',
        awsErrorName: 'TooManyRequestsException',
        remedy:
          THROTTLE_REMEDIES[reason ?? ''] ??
          'Lambda is throttling the function: run the command again later or with a lower --rate. Nothing was deleted from the queue.',
        details: { functionName, tries, ...(reason === undefined ? {} : { reason }) },
      },
    );
  }
}
