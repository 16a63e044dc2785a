import { attributeOid } from '../certificate/oids.js';

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

/** The subject attribute (RFC 4514 short name) behind each subject-derived parameter. */
const SUBJECT_SHORT_NAME_OF_PARAMETER: Readonly<Record<string, string>> = {
  [AWS_CERTIFICATE_PARAMETERS.Country]: 'C',
  [AWS_CERTIFICATE_PARAMETERS.Organization]: 'O',
  [AWS_CERTIFICATE_PARAMETERS.OrganizationalUnit]: 'OU',
  [AWS_CERTIFICATE_PARAMETERS.DistinguishedNameQualifier]: 'dnQualifier',
  [AWS_CERTIFICATE_PARAMETERS.StateName]: 'ST',
  [AWS_CERTIFICATE_PARAMETERS.CommonName]: 'CN',
  [AWS_CERTIFICATE_PARAMETERS.SerialNumber]: 'serialNumber',
  [JITR_CERTIFICATE_PARAMETERS.Locality]: 'L',
};

/** Subject attribute (short name, OID from the one OID table) behind each subject-derived parameter. */
export const SUBJECT_ATTRIBUTE_OF_PARAMETER: Readonly<Record<string, { shortName: string; oid: string }>> =
  Object.fromEntries(
    Object.entries(SUBJECT_SHORT_NAME_OF_PARAMETER).map(([parameter, shortName]) => [
      parameter,
      { shortName, oid: attributeOid(shortName) },
    ]),
  );
