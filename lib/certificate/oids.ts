// Object identifiers used by the certificate and CRL code.

/**
 * Directory attribute types by OID with their RFC 4514 / LDAP short names. Types not listed
 * here are shown by dotted OID (RFC 4514 §2.3).
 */
export const ATTRIBUTE_SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.17': 'postalCode',
  '2.5.4.42': 'GN',
  '2.5.4.43': 'initials',
  '2.5.4.44': 'generationQualifier',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.65': 'pseudonym',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/** Short name (case-insensitive) → OID, the inverse of {@link ATTRIBUTE_SHORT_NAMES} plus common aliases. */
export const ATTRIBUTE_OIDS: Readonly<Record<string, string>> = Object.fromEntries([
  ...Object.entries(ATTRIBUTE_SHORT_NAMES).map(([o, n]) => [n.toLowerCase(), o]),
  ['commonname', '2.5.4.3'],
  ['countryname', '2.5.4.6'],
  ['localityname', '2.5.4.7'],
  ['stateorprovincename', '2.5.4.8'],
  ['s', '2.5.4.8'],
  ['organizationname', '2.5.4.10'],
  ['organizationalunitname', '2.5.4.11'],
  ['surname', '2.5.4.4'],
  ['givenname', '2.5.4.42'],
  ['email', '1.2.840.113549.1.9.1'],
]);

/** The OID of an attribute short name; throws for a name the table does not know (a bug). */
export function attributeOid(shortName: string): string {
  const oid = ATTRIBUTE_OIDS[shortName.toLowerCase()];
  if (oid === undefined) throw new Error(`unknown attribute short name ${shortName}`);
  return oid;
}

export const OID = {
  // Extensions
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  cRLNumber: '2.5.29.20',
  reasonCode: '2.5.29.21',
  invalidityDate: '2.5.29.24',
  deltaCRLIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  certificateIssuer: '2.5.29.29',
  cRLDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  // Keys
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  ecPublicKey: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  mgf1: '1.2.840.113549.1.1.8',
} as const;

/** Signature algorithm OIDs with a fixed hash (no parameters to read). */
export const FIXED_SIGNATURE_ALGORITHMS: Readonly<
  Record<string, { name: string; hash: 'sha256' | 'sha384' | 'sha512' | null; key: 'rsa' | 'ec' | 'ed25519' }>
> = {
  '1.2.840.113549.1.1.11': { name: 'rsa-pkcs1-sha256', hash: 'sha256', key: 'rsa' },
  '1.2.840.113549.1.1.12': { name: 'rsa-pkcs1-sha384', hash: 'sha384', key: 'rsa' },
  '1.2.840.113549.1.1.13': { name: 'rsa-pkcs1-sha512', hash: 'sha512', key: 'rsa' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-sha256', hash: 'sha256', key: 'ec' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-sha384', hash: 'sha384', key: 'ec' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-sha512', hash: 'sha512', key: 'ec' },
  '1.3.101.112': { name: 'ed25519', hash: null, key: 'ed25519' },
};

export const HASH_OIDS: Readonly<Record<string, 'sha1' | 'sha256' | 'sha384' | 'sha512'>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
