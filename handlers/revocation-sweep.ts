// The revocation sweep function: a new CRL object (S3 event notification or EventBridge) or the
// hourly schedule → the CA's newly revoked certificates that are ACTIVE become REVOKED.
// Wiring only; logic in lib/revocation/.
import { loadAwsSettings } from '../lib/config/config.js';
import type { SweepReport } from '../lib/revocation/sweep.js';
import { handleSweepInvocation } from '../lib/revocation/sweep-invocation.js';
import { createSweepRuntime } from '../lib/runtime/sweep-runtime.js';

// Built once per container; a configuration error is thrown on every invocation (visible, alarmed).
const runtime = createSweepRuntime(process.env, { aws: loadAwsSettings(process.env) });

/** Lambda entry point (`Handler: revocation-sweep.handler`). Returns one report per CA swept. */
export async function handler(
  event: unknown,
  context: { getRemainingTimeInMillis(): number },
): Promise<SweepReport[]> {
  return handleSweepInvocation(runtime, event, context);
}
