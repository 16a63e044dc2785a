/**
 * Template parameter names filled from a device certificate.
 *
 * The `AWS::IoT::Certificate::*` names have exactly JITP's meaning: subject attributes (first
 * value when an attribute repeats) and the certificate id. `JITR::Certificate::*` are this
 * project's own extras that JITP cannot give; a template using them is not portable to JITP.
 */
export const AWS_CERTIFICATE_PARAMETERS = {
  Country: 'AWS::IoT::Certificate::Country',
  Organization: 'AWS::IoT::Certificate::Organization',
  OrganizationalUnit: 'AWS::IoT::Certificate::OrganizationalUnit',
  DistinguishedNameQualifier: 'AWS::IoT::Certificate::DistinguishedNameQualifier',
  StateName: 'AWS::IoT::Certificate::StateName',
  CommonName: 'AWS::IoT::Certificate::CommonName',
  /** The subject's serialNumber attribute (2.5.4.5), not the X.509 serial. */
  SerialNumber: 'AWS::IoT::Certificate::SerialNumber',
  /** The certificate id AWS assigns (lowercase hex SHA-256 of the DER). */
  Id: 'AWS::IoT::Certificate::Id',
} as const;

export const JITR_CERTIFICATE_PARAMETERS = {
  /** X.509 serial, lowercase hex of the DER INTEGER content bytes (leading 00 kept). */
  X509SerialNumber: 'JITR::Certificate::X509SerialNumber',
  /** Lowercase hex SHA-256 of the DER. */
  Fingerprint: 'JITR::Certificate::Fingerprint',
  /** Subject localityName (L). */
  Locality: 'JITR::Certificate::Locality',
  /** First subjectAltName dNSName. */
  SanDns: 'JITR::Certificate::SanDns',
  /** First subjectAltName uniformResourceIdentifier. */
  SanUri: 'JITR::Certificate::SanUri',
  /** Issuer commonName. */
  IssuerCommonName: 'JITR::Certificate::IssuerCommonName',
} as const;

/** Subject attribute (short name, OID) behind each subject-derived parameter, for error messages. */
export const SUBJECT_ATTRIBUTE_OF_PARAMETER: Readonly<Record<string, { shortName: string; oid: string }>> = {
  [AWS_CERTIFICATE_PARAMETERS.Country]: { shortName: 'C', oid: '2.5.4.6' },
  [AWS_CERTIFICATE_PARAMETERS.Organization]: { shortName: 'O', oid: '2.5.4.10' },
  [AWS_CERTIFICATE_PARAMETERS.OrganizationalUnit]: { shortName: 'OU', oid: '2.5.4.11' },
  [AWS_CERTIFICATE_PARAMETERS.DistinguishedNameQualifier]: { shortName: 'dnQualifier', oid: '2.5.4.46' },
  [AWS_CERTIFICATE_PARAMETERS.StateName]: { shortName: 'ST', oid: '2.5.4.8' },
  [AWS_CERTIFICATE_PARAMETERS.CommonName]: { shortName: 'CN', oid: '2.5.4.3' },
  [AWS_CERTIFICATE_PARAMETERS.SerialNumber]: { shortName: 'serialNumber', oid: '2.5.4.5' },
  [JITR_CERTIFICATE_PARAMETERS.Locality]: { shortName: 'L', oid: '2.5.4.7' },
};
