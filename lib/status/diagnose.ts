/**
 * "Why is this device not online?" (pure): from what `jitr status` read — the live certificate,
 * its things, groups and policies, and the ledger record — the one-line verdict and what to do
 * next. A part that could not be read is never taken as fine.
 */
import type { LedgerRecord } from '../ledger/record.js';

export interface StatusFacts {
  certificateId: string;
  /** null: AWS IoT does not know the certificate. undefined: it could not be read. */
  status: string | null | undefined;
  caCertificateId: string | null;
  /** undefined: could not be read. */
  things: { thingName: string; groups: string[] | undefined }[] | undefined;
  policies: string[] | undefined;
  /** null: the ledger has no record; undefined: not consulted (not configured or unreadable). */
  ledger: LedgerRecord | null | undefined;
}

export interface Diagnosis {
  /** Whether AWS IoT accepts the certificate's connections as far as these reads can tell. */
  online: boolean;
  verdict: string;
  next: string[];
}

function revokedWhy(ledger: LedgerRecord | null | undefined): string {
  const sweep = ledger?.revokedBySweep;
  if (sweep != null) {
    return `the revocation sweep set it ${sweep.status} at ${sweep.at}: CRL number ${sweep.crlNumber} lists serial ${ledger?.serial ?? '?'} (reason ${sweep.reason ?? 'unspecified'}, revoked ${sweep.revocationDate})`;
  }
  if (ledger?.outcome === 'revoked') {
    return `the handler found serial ${ledger.serial ?? '?'} on the CA's CRL (number ${ledger.crlNumber ?? '?'}) at registration`;
  }
  return 'no JITR record explains it (set outside the handler and the sweep)';
}

/**
 * @example
 * diagnose({ certificateId, status: 'PENDING_ACTIVATION', ledger: { lastError: { code: 'AccessDenied', … } }, … })
 * // { online: false, verdict: 'registration keeps failing: AccessDenied …', next: ['…', 'jitr replay …'] }
 */
export function diagnose(facts: StatusFacts): Diagnosis {
  const { status, ledger } = facts;
  if (status === undefined) {
    return {
      online: false,
      verdict: 'the certificate could not be read from AWS IoT',
      next: [
        'Fix the read error above (credentials, region, iot:DescribeCertificate), then run jitr status again.',
      ],
    };
  }
  if (status === null) {
    return {
      online: false,
      verdict: 'AWS IoT does not know this certificate in this account and region',
      next: [
        'Check --region and the account: the certificate id is the SHA-256 of the device certificate (jitr pki issue-device prints it).',
        'A device that never connected has no certificate in AWS IoT yet: let it connect once (JITR registers it).',
      ],
    };
  }
  const lastError = ledger?.lastError ?? null;
  switch (status) {
    case 'ACTIVE': {
      if (facts.things === undefined || facts.policies === undefined) {
        return {
          online: false,
          verdict: 'ACTIVE, but its things or policies could not be read',
          next: [
            'Fix the read error above (iot:ListPrincipalThings, iot:ListAttachedPolicies), then run jitr status again.',
          ],
        };
      }
      if (facts.policies.length === 0) {
        return {
          online: false,
          verdict: 'ACTIVE but no policy is attached: AWS IoT refuses every MQTT action of the device',
          next: [
            "Attach the template's policy (aws iot attach-policy --policy-name <name> --target <certificate ARN>), or check the template renders one (jitr template render).",
          ],
        };
      }
      if (facts.things.length === 0) {
        return {
          online: false,
          verdict:
            'ACTIVE but attached to no thing: policies using iot:Connection.Thing variables deny the device',
          next: [
            'Attach it (aws iot attach-thing-principal --thing-name <name> --principal <certificate ARN>), or check the template has a thing.',
          ],
        };
      }
      return {
        online: true,
        verdict: `ACTIVE, attached to ${facts.things.map((t) => t.thingName).join(', ')} with ${facts.policies.length} polic${facts.policies.length === 1 ? 'y' : 'ies'}: AWS IoT accepts it`,
        next: [
          'If the device still does not connect: check its endpoint (aws iot describe-endpoint --endpoint-type iot:Data-ATS), that its MQTT client id is what the policy allows (the demo policy: the thing name), and its clock.',
        ],
      };
    }
    case 'REVOKED':
      return {
        online: false,
        verdict: `REVOKED: ${revokedWhy(ledger)}`,
        next: [
          'REVOKED is final in AWS IoT: issue the device a new certificate (jitr pki issue-device) if it should come back.',
        ],
      };
    case 'INACTIVE': {
      if (ledger?.revokedBySweep != null) {
        return {
          online: false,
          verdict: `INACTIVE: ${revokedWhy(ledger)}`,
          next: [
            'When the CA lifts the hold (the serial leaves the CRL): aws iot update-certificate --certificate-id <id> --new-status ACTIVE.',
          ],
        };
      }
      if (ledger?.outcome === 'rejected' || ledger?.outcome === 'provisioned-inactive') {
        const why =
          lastError === null
            ? (ledger.reasonCode ?? ledger.outcome)
            : `${lastError.code}: ${lastError.message}`;
        return {
          online: false,
          verdict: `INACTIVE: the handler ${ledger.outcome === 'rejected' ? 'rejected it' : 'provisioned it inactive as the template says'} (${why})`,
          next: [lastError?.remedy ?? 'Check the template (jitr template render --cert).'],
        };
      }
      return {
        online: false,
        verdict: 'INACTIVE, and no JITR record explains it (set by an operator?)',
        next: ['aws iot update-certificate --certificate-id <id> --new-status ACTIVE if it should connect.'],
      };
    }
    case 'PENDING_ACTIVATION': {
      if (lastError !== null) {
        return {
          online: false,
          verdict: `registration keeps failing (${ledger?.attempts ?? 0} attempt(s)): ${lastError.code}${lastError.step === null ? '' : ` at step ${lastError.step}`}: ${lastError.message}`,
          next: [
            lastError.remedy ?? 'Fix the cause (jitr doctor names it).',
            'Then re-drive it: jitr replay --queue-url <DeadLetterQueueUrl> --function-name <FunctionName> --certificate-id <id>, or jitr reconcile --ca <caId>.',
          ],
        };
      }
      return {
        online: false,
        verdict:
          ledger === undefined
            ? 'PENDING_ACTIVATION; the ledger was not consulted'
            : 'PENDING_ACTIVATION and the handler never recorded an attempt: the registered event did not reach the function',
        next: [
          'jitr doctor --stack <stack> --ca <caId> (rule enabled, topic names this CA, invoke permission).',
          `Then: jitr reconcile --ca ${facts.caCertificateId ?? '<caId>'} --older-than 1m.`,
        ],
      };
    }
    default:
      return {
        online: false,
        verdict: `${status}: not a status JITR sets`,
        next: ['See aws iot describe-certificate; JITR only handles PENDING_ACTIVATION certificates.'],
      };
  }
}
