/**
 * Use case: register one device certificate announced by AWS IoT's JITR event.
 *
 * Primary course:
 *  1. Validate the event (exact fields and types). Malformed: logged and dropped. Claim the
 *     certificate in the registration-state table (duplicate-gate.ts): a duplicate that finds
 *     it settled or leased stops without any IoT call. Then the reads of steps 2–5 all go out
 *     at once (certificate-reads.ts) and are awaited in this order.
 *  2. DescribeCertificate. PENDING_ACTIVATION continues; ACTIVE is an idempotent no-op
 *     (duplicate delivery); any other status is skipped.
 *  3. DescribeCACertificate (cached per CA in the warm container): the CA must be ACTIVE;
 *     warn when the CA carries a JITP template (AWS would run JITP and race this handler).
 *  4. Checks: issued by that CA (name + signature), inside its validity window (with skew),
 *     no unrecognised critical extension and not itself a CA, not on the CA's CRL.
 *  5. Load the template for the CA and render it with the certificate's values.
 *  6. Execute the plan in JITP's order (thing, groups, billing group, policies, attachments).
 *  7. Set the certificate status **last** (ACTIVE unless the template says INACTIVE).
 *  8. Emit metrics and one summary log line.
 *
 * Alternative courses:
 *  - A check fails (revoked, expired, not yet valid, wrong issuer, bad signature, unknown
 *    critical extension, a CA certificate, unsafe subject value): the certificate is set
 *    REVOKED (revoked) or REJECTED_CERTIFICATE_STATUS and the use case returns normally: the
 *    device is at fault, a retry cannot help.
 *  - A configuration or transient error: nothing is activated; the error is rethrown so
 *    Lambda retries and the event finally lands in the DLQ for replay. Every step is
 *    idempotent, so a retry completes the remaining steps.
 */
import { performance } from 'node:perf_hooks';
import {
  type CertificateFacts,
  certificatePolicyVariables,
  checkExtensions,
  checkValidity,
  parseCertificate,
  verifyIssuedBy,
} from '../certificate/index.js';
import { DEFAULT_FIRST_PUBLICATION_WINDOW_MS } from '../config/variables.js';
import { type CrlStore, checkRevocation, type RevocationDecision } from '../crl/revocation-check.js';
import { isJitrError } from '../errors/jitr-error.js';
import { activateCertificate } from '../provisioning/activate-certificate.js';
import { emptyExecutionResult, executePlan } from '../provisioning/execute-plan.js';
import type { CertificateDescription } from '../provisioning/iot-registry.js';
import { isFinalOutcome } from '../registration-state/state-store.js';
import { certificateParameters } from '../template/certificate-parameters.js';
import { render } from '../template/render.js';
import { type CertificateReads, startReads } from './certificate-reads.js';
import type { RegistrationDeps } from './deps.js';
import { claim, conclude, type Delivery, localDelivery } from './duplicate-gate.js';
import { CertificateCaMismatchError } from './errors.js';
import { parseRegisteredEvent, type RegisteredEvent, unknownEventFields } from './event.js';
import { handleFailure } from './failure-policy.js';
import { decideFastPath, type FastPathDecision } from './fast-path.js';
import { recordInLedger } from './ledger-entry.js';
import {
  emptyTrace,
  type RegistrationResult,
  type RegistrationTrace,
  result,
  type StepTimer,
  summaryFields,
} from './result.js';

export type { RegistrationDeps } from './deps.js';
export type { RegistrationOutcome, RegistrationResult } from './result.js';

/**
 * Registers the certificate named by a JITR event: checks, provisions and activates it, or
 * rejects it. Returns normally for every outcome the device causes; throws for outcomes an
 * operator or a retry must fix.
 *
 * @example
 * const result = await registerCertificate(event, deps);
 * // result.outcome === 'activated'
 * @throws any configuration or transient `JitrError` (access denied, thing group missing,
 *   template unreadable, CA not active, throttling, CRL unavailable…), after logging it.
 */
export async function registerCertificate(
  payload: unknown,
  deps: RegistrationDeps,
  delivery: Delivery = localDelivery(),
): Promise<RegistrationResult> {
  // The events of an SQS batch run at once: each counts its own IoT calls.
  return registerWith(payload, { ...deps, iot: deps.iot.scoped() }, delivery);
}

async function registerWith(
  payload: unknown,
  deps: RegistrationDeps,
  delivery: Delivery,
): Promise<RegistrationResult> {
  const now = monotonic(deps);
  const trace = emptyTrace(deps.iot.callCount, now());
  const step: StepTimer = async (name, fn) => {
    const started = now();
    try {
      return await fn();
    } finally {
      trace.timings[name] = Math.round((now() - started) * 10) / 10;
    }
  };
  const outcome = await attempt(payload, deps, trace, step, delivery);
  // After the outcome (activation first), the ledger record and the registration-state settle
  // go out together (one round trip, not two: they write different attributes of the item);
  // both are awaited before returning, and the ledger write can never change the outcome.
  const ledgerWrite =
    trace.duplicate === null ? recordInLedger(deps, trace, outcome.result, outcome.error) : undefined;
  // Record a final outcome for duplicates, or give the lease up (not for a duplicate itself).
  if (trace.event !== null && trace.duplicate === null) {
    await conclude(trace.event, delivery, trace.claimed, outcome.result, deps);
  }
  if (trace.event !== null && trace.inMemory) {
    deps.memory?.end(trace.event.certificateId, isSettled(trace, outcome.result));
  }
  finish(deps, trace, outcome.result, now, outcome.error);
  await ledgerWrite;
  if (outcome.result === null) throw outcome.error;
  return outcome.result;
}

/** Whether the event ended with the certificate's outcome final (recorded, or found recorded). */
function isSettled(trace: RegistrationTrace, outcome: RegistrationResult | null): boolean {
  if (trace.duplicate !== null) return trace.duplicate.reason === 'settled';
  return outcome !== null && isFinalOutcome(outcome.outcome, outcome.certificateStatus);
}

/** The use case's result, or null with the error to rethrow; `error` also set for absorbed failures. */
async function attempt(
  payload: unknown,
  deps: RegistrationDeps,
  trace: RegistrationTrace,
  step: StepTimer,
  delivery: Delivery,
): Promise<{ result: RegistrationResult | null; error?: unknown }> {
  try {
    return { result: await run(payload, deps, trace, step, delivery) };
  } catch (error) {
    try {
      return { result: await handleFailure(error, deps, trace, step), error };
    } catch (secondary) {
      // Setting a rejected certificate's status failed. If its state forbids the change (it was
      // revoked meanwhile), a retry cannot help: drop. Anything else: retry.
      if (isJitrError(secondary) && secondary.disposition === 'invalid-input') {
        deps.metrics.count('EventDropped');
        return { result: result(trace, 'dropped', secondary.code), error: secondary };
      }
      return { result: null, error: secondary };
    }
  }
}

async function run(
  payload: unknown,
  deps: RegistrationDeps,
  trace: RegistrationTrace,
  step: StepTimer,
  delivery: Delivery,
): Promise<RegistrationResult> {
  // 1. The event.
  const event = parseRegisteredEvent(payload);
  trace.event = event;
  const extra = unknownEventFields(payload);
  if (extra.length > 0) deps.logger.warn('event carries unknown fields; ignoring them', { fields: extra });
  let reads: CertificateReads | null = null;
  try {
    // Duplicates stop at the claim (the registration-state table, when configured): claim first,
    // or, for a first publication that costs nobody anything, claim and DescribeCertificate at once.
    const useTable = deps.state !== undefined && deps.state !== null;
    if (!useTable) reads = startReads(event, deps);
    const path = useTable ? choosePath(event, deps) : null;
    trace.path = path;
    deps.memory?.begin(event.certificateId);
    trace.inMemory = true;
    const claimed = useTable
      ? step('claim', () => claim(event, delivery, deps))
      : Promise.resolve({ kind: 'proceed', claimed: false } as const);
    if (path?.path === 'fast') {
      reads = startReads(event, deps, { iotAfter: claimed.then((gate) => gate.kind === 'proceed') });
    }
    const gate = await claimed;
    if (gate.kind === 'duplicate') {
      trace.duplicate = { reason: gate.reason, outcome: gate.outcome, code: gate.code };
      deps.metrics.count('DuplicateSuppressed');
      // Its DescribeCertificate went out with the claim: counted, and nothing else follows.
      if (path?.path === 'fast') deps.metrics.count('SpeculativeDescribeWasted');
      return result(trace, 'duplicate', gate.code);
    }
    trace.claimed = gate.claimed;
    reads ??= startReads(event, deps);
    return await provision(event, reads, deps, trace, step);
  } finally {
    // A duplicate or an early end leaves reads running: wait for them, so none outlives the event.
    await reads?.settled();
  }
}

/** The fast path (claim ∥ DescribeCertificate) or claim first, and why (fast-path.ts). */
function choosePath(event: RegisteredEvent, deps: RegistrationDeps): FastPathDecision {
  return decideFastPath({
    timestamp: event.timestamp,
    certificateRegistrationTimestamp: event.certificateRegistrationTimestamp,
    windowMs: deps.config.registrationState?.firstPublicationWindowMs ?? DEFAULT_FIRST_PUBLICATION_WINDOW_MS,
    knownInContainer: deps.memory?.knows(event.certificateId) ?? false,
    describeBudgetFree: deps.iot.wouldSendAtOnce('DescribeCertificate'),
  });
}

/** Steps 2–7, with the reads already in flight. */
async function provision(
  event: RegisteredEvent,
  reads: CertificateReads,
  deps: RegistrationDeps,
  trace: RegistrationTrace,
  step: StepTimer,
): Promise<RegistrationResult> {
  const { certificateId, caCertificateId } = event;

  // 2. The certificate as AWS IoT holds it.
  const certificate = await step('describe-certificate', () => reads.certificate);
  trace.certificateStatus = certificate.status;
  if (certificate.caCertificateId?.toLowerCase() !== caCertificateId) {
    throw new CertificateCaMismatchError(caCertificateId, certificate.caCertificateId);
  }
  if (certificate.status === 'ACTIVE') {
    deps.metrics.count('CertificateAlreadyActive');
    return result(trace, 'already-active', null);
  }
  if (certificate.status !== 'PENDING_ACTIVATION') {
    deps.logger.info('certificate is not PENDING_ACTIVATION; leaving it as it is', {
      status: certificate.status,
    });
    deps.metrics.count('CertificateSkipped');
    return result(trace, 'skipped', null);
  }

  // 3. The CA.
  const ca = await step('describe-ca', () => reads.ca);

  // 4. Checks. Any failure here is the device's (rejected) and never activates anything.
  const facts = await step('check-certificate', async () =>
    checkCertificate(certificate, ca.facts, deps, trace),
  );
  trace.crl = await step('crl', () => checkCrl(event, ca.facts, facts, reads.crlStore, deps));

  // 5. Template → plan.
  const loaded = await step('template-load', () => reads.template);
  trace.templateSource = loaded.source;
  trace.template = loaded.template;
  const plan = await step('template-render', async () =>
    render(loaded.template, certificateParameters(facts, certificateId), {
      certificateVariables: certificatePolicyVariables(facts),
    }),
  );
  trace.thingName = plan.thing?.thingName ?? null;
  trace.policies = plan.policies.map((policy) => policy.policyName);

  // 6. Provision (idempotent; never touches the certificate's status). Every check has passed:
  // only now may anything be written.
  const target = { certificateId, certificateArn: certificate.certificateArn };
  // Filled as the plan runs, so the summary of a failed attempt says what it created.
  const execution = emptyExecutionResult(plan);
  try {
    await step('execute-plan', () =>
      executePlan(
        plan,
        target,
        {
          iot: deps.iot,
          logger: deps.logger,
          policyCache: deps.policyCache,
          clock: monotonic(deps),
          thingPrincipalPolicy: deps.config.provisioning?.thingPrincipalPolicy ?? 'exclusive',
        },
        execution,
      ),
    );
  } finally {
    trace.thingName = execution.thingName;
    trace.policies = execution.policyNames;
    trace.execution = {
      timings: execution.timings,
      created: execution.created,
      reused: execution.reused,
      thingGroups: execution.thingGroups,
    };
  }

  // 7. Status last: only now may the device connect.
  const status = await step('activate', () =>
    activateCertificate(plan, target, { iot: deps.iot, logger: deps.logger }),
  );
  trace.certificateStatus = status;
  if (status === 'ACTIVE') {
    deps.metrics.count('CertificateActivated');
    const registeredAt = event.certificateRegistrationTimestamp;
    if (registeredAt !== null) {
      deps.metrics.milliseconds('TimeToActive', deps.clock().getTime() - Number(registeredAt));
    }
    return result(trace, 'activated', null);
  }
  return result(trace, 'provisioned-inactive', null);
}

function monotonic(deps: RegistrationDeps): () => number {
  return deps.monotonic ?? (() => performance.now());
}

function checkCertificate(
  certificate: CertificateDescription,
  ca: CertificateFacts,
  deps: RegistrationDeps,
  trace: RegistrationTrace,
): CertificateFacts {
  const facts = parseCertificate(certificate.certificatePem);
  trace.serial = facts.serialHex;
  verifyIssuedBy(facts, ca);
  checkValidity(facts, deps.clock(), deps.config.certificate.clockSkewSeconds);
  checkExtensions(facts);
  return facts;
}

async function checkCrl(
  event: RegisteredEvent,
  ca: CertificateFacts,
  cert: CertificateFacts,
  store: CrlStore | null,
  deps: RegistrationDeps,
): Promise<RevocationDecision> {
  const decision: RevocationDecision =
    store === null
      ? { checked: false, reason: 'no-crl' }
      : await checkRevocation({
          store,
          mode: deps.config.crl.mode,
          caCertificateId: event.caCertificateId,
          ca,
          cert,
          now: deps.clock(),
        });
  if (!decision.checked) {
    deps.logger.warn('no CRL for this CA (CRL_MODE=optional): revocation not checked', {
      crlBucket: deps.config.crl.bucket,
    });
    deps.metrics.count('CrlMissing');
  }
  return decision;
}

/** Emits the per-event metrics and the one summary line; `outcome` null = the error is rethrown. */
function finish(
  deps: RegistrationDeps,
  trace: RegistrationTrace,
  outcome: RegistrationResult | null,
  now: () => number,
  error?: unknown,
): void {
  const iotApiCalls = deps.iot.callCount - trace.iotCallsAtStart;
  deps.metrics.count('IotApiCalls', iotApiCalls);
  const durationMs = Math.round((now() - trace.startedAt) * 10) / 10;
  if (outcome?.outcome === 'activated' || outcome?.outcome === 'provisioned-inactive') {
    deps.metrics.milliseconds('ProvisioningDuration', durationMs);
  }
  const fields = summaryFields(trace, outcome, iotApiCalls, durationMs, error);
  if (outcome === null) deps.logger.error('registration summary', fields);
  else if (outcome.outcome === 'dropped') deps.logger.warn('registration summary', fields);
  else deps.logger.info('registration summary', fields);
}
