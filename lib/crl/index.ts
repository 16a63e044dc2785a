// Public surface of the CRL area.
export {
  CrlIssuerMismatchError,
  CrlMalformedError,
  CrlNotYetValidError,
  CrlScopeMismatchError,
  CrlSignatureInvalidError,
  CrlSignerNotAuthorizedError,
  CrlStaleError,
  CrlUnsupportedAlgorithmError,
  CrlUnsupportedCriticalExtensionError,
} from './errors.js';
export {
  checkCrlFreshness,
  DEFAULT_CRL_CLOCK_SKEW_SECONDS,
  DEFAULT_CRL_MAX_STALENESS_SECONDS,
  type LoadCrlOptions,
  loadCrl,
  loadCrlIgnoringFreshness,
  MAX_CRL_BYTES,
} from './load-crl.js';
export { REVOCATION_REASON_CODES, type RevocationReason } from './reasons.js';
export type { RevocationEntry, VerifiedCrl } from './types.js';
export { serialBytesFromHex } from './verified-crl.js';
