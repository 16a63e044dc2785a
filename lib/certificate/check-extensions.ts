// Extension checks on a device (end-entity) certificate: RFC 5280 §4.2 critical extensions.
import { CertificateIsCaError, CertificateUnsupportedCriticalExtensionError } from './errors.js';
import { OID } from './oids.js';
import type { CertificateFacts } from './types.js';

/**
 * The extensions a device certificate may mark critical. RFC 5280 §4.2: a certificate-using
 * system MUST reject a certificate with a critical extension it does not recognise or cannot
 * process, so this list holds only what the handler reads or what, on an end entity, cannot
 * change the answer of its checks:
 * - basicConstraints: read (`isCa`; a CA certificate is refused as a device, see below);
 * - keyUsage, extKeyUsage: the standard end-entity purposes; AWS IoT uses the key for TLS
 *   client authentication, the handler decides nothing from them;
 * - subjectAltName: read (DNS and URI names become template parameters);
 * - subjectKeyIdentifier, authorityKeyIdentifier: read (AKI is matched to the CA's SKI);
 *   RFC 5280 asks CAs to mark them non-critical, but a critical one is understood all the same;
 * - certificatePolicies: the registered CA is the trust anchor, so the path is this one
 *   certificate, and RFC 5280 §6.1 policy processing with the handler's inputs (any policy
 *   acceptable, no explicit policy required) accepts whatever policies it names.
 *
 * Deliberately not recognised (critical → rejected): nameConstraints, policyConstraints and
 * inhibitAnyPolicy belong in CA certificates only (§4.2.1.10, §4.2.1.11, §4.2.1.14; a
 * requireExplicitPolicy of 0 in the leaf would even change the §6.1.5 outcome, and the handler
 * implements no policy constraints); cRLDistributionPoints, because the handler reads the CRL
 * from its configured bucket, not from the points the certificate names; anything else.
 */
export const RECOGNISED_CRITICAL_EXTENSIONS: ReadonlySet<string> = new Set([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.certificatePolicies,
]);

/**
 * Checks the extensions of a device certificate: no critical extension outside
 * {@link RECOGNISED_CRITICAL_EXTENSIONS} (non-critical unknown ones are ignored, as RFC 5280
 * allows), and the certificate is not a CA (basicConstraints cA=TRUE): a CA certificate must not
 * be activated as a device, whatever CA issued it.
 *
 * @example
 * checkExtensions(parseCertificate(devicePem));
 * @throws {@link CertificateUnsupportedCriticalExtensionError} `details: { oid }` (the first one).
 * @throws {@link CertificateIsCaError} basicConstraints cA is TRUE.
 */
export function checkExtensions(cert: CertificateFacts): void {
  for (const extension of cert.extensions) {
    if (extension.critical && !RECOGNISED_CRITICAL_EXTENSIONS.has(extension.oid)) {
      throw new CertificateUnsupportedCriticalExtensionError(extension.oid);
    }
  }
  if (cert.isCa === true) {
    throw new CertificateIsCaError();
  }
}
