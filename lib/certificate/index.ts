// Public surface of the certificate area.

export { checkExtensions, RECOGNISED_CRITICAL_EXTENSIONS } from './check-extensions.js';
export type { DistributionPointName } from './distribution-points.js';
export {
  CertificateExpiredError,
  CertificateIsCaError,
  CertificateMalformedError,
  CertificateNotIssuedByCaError,
  CertificateNotYetValidError,
  CertificateSignatureInvalidError,
  CertificateUnsupportedAlgorithmError,
  CertificateUnsupportedCriticalExtensionError,
} from './errors.js';
export { namesEqual } from './name.js';
export { KEY_USAGE_BITS, MAX_CERTIFICATE_BYTES, parseCertificate } from './parse-certificate.js';
export { certificatePolicyVariables } from './policy-variables.js';
export type {
  AsnStringType,
  CertificateExtension,
  CertificateFacts,
  DistinguishedName,
  KeyAlgorithm,
  NameAttribute,
  SignatureAlgorithm,
} from './types.js';
export { checkValidity, DEFAULT_VALIDITY_SKEW_SECONDS, verifyIssuedBy } from './verify.js';
