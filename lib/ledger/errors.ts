// Error types of the provisioning ledger (see lib/errors.ts for the model).
import { JitrError } from '../errors/jitr-error.js';

const STEP = 'ledger';

interface LedgerCall {
  operation: string;
  tableName: string;
}

/** The role may not use the table (an IAM statement is missing). */
export class LedgerAccessDeniedError extends JitrError {
  readonly code = 'LedgerAccessDenied';
  readonly disposition = 'configuration' as const;
  constructor(call: LedgerCall, awsErrorName: string, cause: unknown) {
    super(`Access denied: dynamodb:${call.operation} on table ${call.tableName}`, {
      step: STEP,
      awsErrorName,
      remedy: `Allow dynamodb:${call.operation} on the table ${call.tableName} (template.yaml grants it to the stack's functions).`,
      details: { ...call },
      cause,
    });
  }
}

/** The table does not exist (wrong name, region or account). */
export class LedgerTableNotFoundError extends JitrError {
  readonly code = 'LedgerTableNotFound';
  readonly disposition = 'configuration' as const;
  constructor(call: LedgerCall, awsErrorName: string, cause: unknown) {
    super(`The ledger table ${call.tableName} does not exist`, {
      step: STEP,
      awsErrorName,
      remedy:
        'Set REGISTRATION_STATE_TABLE (or --table) to the stack output RegistrationStateTableName, in its region.',
      details: { ...call },
      cause,
    });
  }
}

/** Throttling, 5xx, network, or keys left unprocessed: try again later. */
export class LedgerUnavailableError extends JitrError {
  readonly code = 'LedgerUnavailable';
  readonly disposition = 'transient' as const;
  constructor(call: LedgerCall, awsErrorName: string | undefined, cause: unknown) {
    super(
      `DynamoDB ${call.operation} on ${call.tableName} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        step: STEP,
        ...(awsErrorName === undefined ? {} : { awsErrorName }),
        remedy:
          'Transient: retried by the caller; if it persists, check the table and DynamoDB service health.',
        details: { ...call },
        cause,
      },
    );
  }
}

/** Maps an SDK failure of a ledger call to its error. */
export function ledgerError(error: unknown, call: LedgerCall): Error {
  const name = error instanceof Error ? error.name : undefined;
  const answered = typeof error === 'object' && error !== null && '$metadata' in error;
  if (answered && (name === 'AccessDeniedException' || name === 'UnrecognizedClientException')) {
    return new LedgerAccessDeniedError(call, name, error);
  }
  if (answered && name === 'ResourceNotFoundException')
    return new LedgerTableNotFoundError(call, name, error);
  return new LedgerUnavailableError(call, answered ? name : undefined, error);
}
