// Public surface of the certificate area.

export {
  CertificateExpiredError,
  CertificateMalformedError,
  CertificateNotIssuedByCaError,
  CertificateNotYetValidError,
  CertificateSignatureInvalidError,
  CertificateUnsupportedAlgorithmError,
} from './errors.js';
export { namesEqual } from './name.js';
export { certificateParameters } from './parameters.js';
export { parseCertificate } from './parse-certificate.js';
export type {
  AsnStringType,
  CertificateFacts,
  DistinguishedName,
  KeyAlgorithm,
  NameAttribute,
  SignatureAlgorithm,
} from './types.js';
export { checkValidity, DEFAULT_VALIDITY_SKEW_SECONDS, verifyIssuedBy } from './verify.js';
