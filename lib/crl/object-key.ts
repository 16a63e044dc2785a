// Where a CA's CRL lives in the bucket (pure: no SDK), shared by the S3 store, the config
// declaration of CRL_KEY_TEMPLATE, `jitr pki publish-crl` and doctor.

/** The default `CRL_KEY_TEMPLATE` (lib/config/variables.ts declares the variable with it). */
export const DEFAULT_CRL_KEY_TEMPLATE = 'crl/{caCertificateId}.crl';

/** The one placeholder a key template may hold. */
export const CA_ID_PLACEHOLDER = '{caCertificateId}';

/**
 * Expands a key template for one CA.
 * @example crlObjectKey('crl/{caCertificateId}.crl', 'ab12') // 'crl/ab12.crl'
 */
export function crlObjectKey(keyTemplate: string, caCertificateId: string): string {
  return keyTemplate.split(CA_ID_PLACEHOLDER).join(caCertificateId);
}
