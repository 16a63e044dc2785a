/**
 * What the registration use case reports: its result, the failure classification (reject the
 * certificate, drop the event, or rethrow for a retry) and the one summary log line.
 */

import { CertificateRevokedError } from '../crl/errors.js';
import type { RevocationDecision } from '../crl/revocation-check.js';
import { errorRecord } from '../errors/jitr-error.js';
import type { RegisteredEvent } from './event.js';
import type { FastPathDecision } from './fast-path.js';

/** Every outcome the use case returns (a thrown error is reported as `failed`). */
export const REGISTRATION_OUTCOMES = [
  'activated',
  'provisioned-inactive',
  'already-active',
  'duplicate',
  'skipped',
  'revoked',
  'rejected',
  'dropped',
] as const;

export type RegistrationOutcome = (typeof REGISTRATION_OUTCOMES)[number];

export interface RegistrationResult {
  outcome: RegistrationOutcome;
  certificateId: string | null;
  caCertificateId: string | null;
  /** The certificate's status when the use case ended (null when never read). */
  certificateStatus: string | null;
  thingName: string | null;
  policies: string[];
  /** The error code behind `rejected`, `revoked` and `dropped` (and a `duplicate` of one); null otherwise. */
  code: string | null;
}

/** Facts gathered along the way, for the result and the summary line. */
export interface RegistrationTrace {
  event: RegisteredEvent | null;
  certificateStatus: string | null;
  thingName: string | null;
  policies: string[];
  templateSource: string | null;
  /** The loaded template (for the ledger's template hash); undefined until loaded. */
  template: unknown;
  /** The certificate's X.509 serial (lowercase hex) once parsed. */
  serial: string | null;
  crl: RevocationDecision | null;
  /** What executePlan did (per-step timings, created and reused resources). */
  execution: Record<string, unknown> | null;
  timings: Record<string, number>;
  iotCallsAtStart: number;
  startedAt: number;
  /** This delivery holds the certificate's lease in the registration-state table. */
  claimed: boolean;
  /** Set when the table said this event is a duplicate (no IoT call was made). */
  duplicate: { reason: 'settled' | 'in-progress'; outcome: string | null; code: string | null } | null;
  /** With the registration-state table: whether DescribeCertificate went out with the claim, and why not. */
  path: FastPathDecision | null;
  /** The event was counted in the container's certificate memory (and must leave it). */
  inMemory: boolean;
}

/** The trace of an event before anything is known. */
export function emptyTrace(iotCallsAtStart: number, startedAt: number): RegistrationTrace {
  return {
    event: null,
    certificateStatus: null,
    thingName: null,
    policies: [],
    templateSource: null,
    template: undefined,
    serial: null,
    crl: null,
    execution: null,
    timings: {},
    iotCallsAtStart,
    startedAt,
    claimed: false,
    duplicate: null,
    path: null,
    inMemory: false,
  };
}

/** Runs one named step and records its duration in the trace. */
export type StepTimer = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/** Builds the result from the trace. */
export function result(
  trace: RegistrationTrace,
  outcome: RegistrationOutcome,
  code: string | null,
): RegistrationResult {
  return {
    outcome,
    certificateId: trace.event?.certificateId ?? null,
    caCertificateId: trace.event?.caCertificateId ?? null,
    certificateStatus: trace.certificateStatus,
    thingName: trace.thingName,
    policies: trace.policies,
    code,
  };
}

function crlFields(decision: RevocationDecision | null): Record<string, unknown> | null {
  if (decision === null) return null;
  if (!decision.checked) return { checked: false, reason: decision.reason };
  const { crlNumber, thisUpdate, nextUpdate, entryCount } = decision.evidence;
  return {
    checked: true,
    crlNumber: crlNumber === null || crlNumber === undefined ? null : String(crlNumber),
    thisUpdate: thisUpdate instanceof Date ? thisUpdate.toISOString() : thisUpdate,
    nextUpdate: nextUpdate instanceof Date ? nextUpdate.toISOString() : (nextUpdate ?? null),
    entryCount,
  };
}

/** The fields of the one summary line per event. `outcome` null: the error is rethrown. */
export function summaryFields(
  trace: RegistrationTrace,
  outcome: RegistrationResult | null,
  iotApiCalls: number,
  durationMs: number,
  error: unknown,
): Record<string, unknown> {
  const revokedEvidence = error instanceof CertificateRevokedError ? { revocation: error.details } : {};
  return {
    outcome: outcome?.outcome ?? 'failed',
    certificateId: trace.event?.certificateId ?? null,
    caCertificateId: trace.event?.caCertificateId ?? null,
    certificateStatus: trace.certificateStatus,
    thingName: trace.thingName,
    policies: trace.policies,
    templateSource: trace.templateSource,
    crl: crlFields(trace.crl),
    ...revokedEvidence,
    ...(trace.duplicate === null ? {} : { duplicate: trace.duplicate }),
    ...(trace.path === null ? {} : { claimPath: trace.path }),
    timingsMs: trace.timings,
    ...(trace.execution === null ? {} : { execution: trace.execution }),
    durationMs,
    iotApiCalls,
    ...(error === undefined ? {} : { error: errorRecord(error) }),
  };
}
