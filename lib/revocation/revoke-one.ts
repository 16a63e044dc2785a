/**
 * One certificate the CRL lists: its status set (UpdateCertificate, idempotent), then the
 * ledger told why. Shared by the CRL sweep and the `--full` walk.
 */
import type { RevocationEntry } from '../crl/types.js';
import { isJitrError } from '../errors/jitr-error.js';
import type { SweepLedger } from '../ledger/ports.js';
import type { Clock } from '../pacing/token-bucket.js';
import type { IotRegistry } from '../provisioning/iot-registry.js';
import { sweepStatusFor } from './sweep-decision.js';

export type SweepMetric = 'CertificateRevokedBySweep' | 'RevocationSweepRefused' | 'RevocationSweepFailed';

export interface SweepMetrics {
  count(name: SweepMetric, value?: number): void;
}

export interface SweepFailure {
  certificateId: string;
  code: string;
  message: string;
}

/** Returns null when done, else the failure (never throws). */
export async function revokeOne(
  deps: {
    iot: Pick<IotRegistry, 'updateCertificateStatus'>;
    ledger: Pick<SweepLedger, 'recordRevocation'>;
    clock: Clock;
    metrics: SweepMetrics;
  },
  certificateId: string,
  entry: RevocationEntry,
  crlNumber: string | null,
): Promise<SweepFailure | null> {
  const status = sweepStatusFor(entry.reason);
  try {
    await deps.iot.updateCertificateStatus(certificateId, status);
    await deps.ledger.recordRevocation(certificateId, {
      crlNumber: crlNumber ?? '',
      at: new Date(deps.clock.now()).toISOString(),
      status,
      reason: entry.reason,
      revocationDate: entry.revocationDate.toISOString(),
    });
    deps.metrics.count('CertificateRevokedBySweep');
    return null;
  } catch (error) {
    return {
      certificateId,
      code: isJitrError(error) ? error.code : 'UnexpectedError',
      message: error instanceof Error ? error.message : String(error),
    };
  }
}
