// Shared fixtures of the CRL tests: a small CRL with three typical entries, a loader at the
// fixed clock, and an error-code probe.

import { parseCertificate } from '../../../lib/certificate/index.js';
import { loadCrl, type VerifiedCrl } from '../../../lib/crl/index.js';
import { type BuildCrlOptions, buildCrl, type Ca } from '../../../lib/pki/index.js';
import { NOW } from '../../helpers/pki-fixtures.js';

export const REVOKED_AT = new Date('2026-05-20T08:30:00Z');
export const NEXT = new Date('2026-06-08T12:00:00Z');

/** 0091f0 (keyCompromise), 05 (no reason), 7fee01 (cessationOfOperation, revoked in 2051). */
export function crlOf(ca: Ca, extra: Partial<BuildCrlOptions> = {}): Buffer {
  return buildCrl({
    ca,
    entries: [
      { serial: '0091f0', revocationDate: REVOKED_AT, reason: 'keyCompromise' },
      { serial: '05', revocationDate: REVOKED_AT },
      { serial: '7fee01', revocationDate: new Date('2051-01-01T00:00:00Z'), reason: 'cessationOfOperation' },
    ],
    thisUpdate: NOW,
    nextUpdate: NEXT,
    crlNumber: 77,
    ...extra,
  });
}

export const load = (bytes: Uint8Array, ca: Ca, now = NOW, maxStalenessSeconds = 0): VerifiedCrl =>
  loadCrl(bytes, parseCertificate(ca.certificatePem), { now, maxStalenessSeconds });

/** 'ok', or the JitrError code the call threw. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? `uncoded: ${String(error)}`;
  }
}
