// The PKI toolkit: CAs, device and verification certificates, CRLs (real crypto, no openssl CLI).
export {
  type Curve,
  generateKeyPair,
  type KeySpec,
  type KeyType,
  type SignatureAlgorithmName,
} from './algorithms.js';
export { type BuildCrlOptions, buildCrl, type CrlEntryInput, type RawExtension } from './build-crl.js';
export {
  type Ca,
  type CreateCaOptions,
  createCa,
  createVerificationCertificate,
  type IssueCertificateOptions,
  type IssuedCertificate,
  issueDeviceCertificate,
  type KeyUsage,
  keyUsageDer,
  loadCa,
  toPem,
} from './certificates.js';
export {
  type AsnStringType,
  nameDer,
  parseSubjectString,
  type SubjectAttribute,
  type SubjectInput,
} from './names.js';
