// Error types of the revocation sweep (see lib/errors.ts for the model).
import { JitrError } from '../errors/jitr-error.js';

const STEP = 'revocation-sweep';

/** The CRL's number is not greater than the CA's last swept CRL number (older or replayed CRL). */
export class CrlNotNewerError extends JitrError {
  readonly code = 'CrlNotNewer';
  readonly disposition = 'configuration' as const;
  constructor(caCertificateId: string, crlNumber: string, lastSweptCrlNumber: string) {
    super(
      `CRL number ${crlNumber} of CA ${caCertificateId} is not greater than the last swept CRL number ${lastSweptCrlNumber}; nothing was changed`,
      {
        step: STEP,
        remedy:
          "Publish the CA's newest CRL with a higher cRLNumber (RFC 5280 §5.2.3); an older or replayed CRL object would undo revocations, so it is never swept.",
        details: { caCertificateId, crlNumber, lastSweptCrlNumber },
      },
    );
  }
}

/** The CRL has no cRLNumber extension, so it cannot be ordered against earlier sweeps. */
export class CrlNumberMissingError extends JitrError {
  readonly code = 'CrlNumberMissing';
  readonly disposition = 'configuration' as const;
  constructor(caCertificateId: string) {
    super(`The CRL of CA ${caCertificateId} has no cRLNumber extension; nothing was changed`, {
      step: STEP,
      remedy: 'Publish a v2 CRL with a cRLNumber extension (jitr pki crl writes one).',
      details: { caCertificateId },
    });
  }
}

/** Some certificates could not be set; the sweep saved nothing, so the next run takes them again. */
export class SweepIncompleteError extends JitrError {
  readonly code = 'SweepIncomplete';
  readonly disposition = 'transient' as const;
  constructor(caCertificateId: string, failed: number, firstCode: string) {
    super(`${failed} certificate(s) of CA ${caCertificateId} could not be revoked (first: ${firstCode})`, {
      step: STEP,
      remedy:
        'Fix the cause shown per certificate (permissions: iot:UpdateCertificate; throttling: lower SWEEP_UPDATE_SHARE), then run jitr revocation sweep again; finished certificates are skipped.',
      details: { caCertificateId, failed, firstCode },
    });
  }
}

/** Another sweep of the CA holds its lease: this one changed nothing (that one sweeps again when done). */
export class SweepInProgressError extends JitrError {
  readonly code = 'SweepInProgress';
  readonly disposition = 'transient' as const;
  constructor(caCertificateId: string, holder: string, leaseUntil: string) {
    super(
      `Another sweep of CA ${caCertificateId} is running (lease held by ${holder} until ${leaseUntil}); nothing was changed`,
      {
        step: STEP,
        remedy:
          'Nothing to do: the running sweep was asked to sweep the newest CRL again when it finishes (one sweep per CA at a time, so the UpdateCertificate share is never spent twice). If its holder died, the lease expires within a minute; run jitr revocation sweep again then.',
        details: { caCertificateId, holder, leaseUntil },
      },
    );
  }
}

/** The sweep stopped before the function's timeout; the retry (or the next run) continues. */
export class SweepStoppedError extends JitrError {
  readonly code = 'SweepStopped';
  readonly disposition = 'transient' as const;
  constructor(caCertificateId: string, revoked: number, toRevoke: number) {
    super(
      `The sweep of CA ${caCertificateId} stopped before the function's timeout with ${revoked} of ${toRevoke} certificate(s) revoked; nothing saved, the lease given up`,
      {
        step: STEP,
        remedy:
          'Nothing to do: Lambda retries the invocation and the retry continues, skipping what the ledger shows as done (10,000 revocations take ≈ 2,000 s at 5/s: several runs). Or run jitr revocation sweep, which has no time limit.',
        details: { caCertificateId, revoked, toRevoke },
      },
    );
  }
}
