// The JITR Lambda: wiring only. Invoked by the IoT rule on
// $aws/events/certificates/registered/<caCertificateId> (asynchronously), by replays, and,
// when enabled, by the DLQ as an SQS event source. All logic lives in lib/registration/;
// the runtime is built by the composition root (lib/runtime/).
import { ConfigurationInvalidError } from '../lib/config/errors.js';
import { errorRecord } from '../lib/errors/jitr-error.js';
import {
  handleInvocation,
  type LambdaContext,
  lambdaError,
  type SqsBatchResponse,
} from '../lib/lambda/invocation.js';
import type { RegistrationResult } from '../lib/registration/register-certificate.js';
import { createRuntimeFromEnv, type Runtime } from '../lib/runtime/runtime.js';

// Built once per container (cold start); no network call happens here.
let runtime: Runtime | null = null;
let configError: ConfigurationInvalidError | null = null;
try {
  runtime = createRuntimeFromEnv(process.env);
} catch (error) {
  if (!(error instanceof ConfigurationInvalidError)) throw error;
  configError = error;
}

/**
 * Lambda entry point (`Handler: jitr.handler`). Returns the use case's result for a registered
 * event and a partial-batch response for an SQS batch; throws configuration and transient
 * errors so Lambda retries and the event ends in the DLQ.
 */
export async function handler(
  event: unknown,
  context: LambdaContext,
): Promise<RegistrationResult | SqsBatchResponse> {
  if (runtime === null) {
    // Logged as a single JSON line (no logger without a valid config), then thrown: retried → DLQ.
    process.stderr.write(
      `${JSON.stringify({ level: 'ERROR', message: 'configuration invalid', error: errorRecord(configError) })}\n`,
    );
    throw lambdaError(configError);
  }
  return handleInvocation(runtime, event, context);
}
