// Template parameters from a certificate (names in parameter-names.ts). It lives with the
// template engine, which defines the parameters; the certificate area knows nothing of templates.
import { attributeOid } from '../certificate/oids.js';
import type { AsnStringType, CertificateFacts, DistinguishedName } from '../certificate/types.js';
import {
  AWS_CERTIFICATE_PARAMETERS as AWS,
  JITR_CERTIFICATE_PARAMETERS as JITR,
  SUBJECT_ATTRIBUTE_OF_PARAMETER,
} from './parameter-names.js';

/**
 * String types whose bytes X.509 defines exactly, so their text may become a parameter.
 * TeletexString (T.61, read as Latin-1 for display) and non-string values never do.
 */
const EXACT_STRING_TYPES: ReadonlySet<AsnStringType> = new Set([
  'utf8',
  'printable',
  'ia5',
  'bmp',
  'universal',
  'numeric',
  'visible',
]);

/** First value (in DER order, i.e. the most significant RDN first) of an exactly decoded attribute. */
function first(name: DistinguishedName, oid: string): string | undefined {
  for (const rdn of name.rdns)
    for (const a of rdn) if (a.oid === oid && EXACT_STRING_TYPES.has(a.stringType)) return a.value;
  return undefined;
}

const ISSUER_COMMON_NAME = attributeOid('CN');

/**
 * The template parameters a certificate supplies: JITP's `AWS::IoT::Certificate::*` subject
 * attributes (first value when an attribute repeats; attributes the certificate lacks are
 * absent, not empty) and `Id`, plus the `JITR::Certificate::*` extras.
 *
 * @example
 * certificateParameters(facts, facts.sha256)['AWS::IoT::Certificate::CommonName']; // 'dev-001'
 */
export function certificateParameters(
  facts: CertificateFacts,
  certificateId: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  // The parameter → subject attribute table is the template engine's (one table for both).
  for (const [parameter, { oid }] of Object.entries(SUBJECT_ATTRIBUTE_OF_PARAMETER)) {
    const value = first(facts.subject, oid);
    if (value !== undefined) out[parameter] = value;
  }
  out[AWS.Id] = certificateId;
  out[JITR.X509SerialNumber] = facts.serialHex;
  out[JITR.Fingerprint] = facts.sha256;
  if (facts.sanDns[0] !== undefined) out[JITR.SanDns] = facts.sanDns[0];
  if (facts.sanUri[0] !== undefined) out[JITR.SanUri] = facts.sanUri[0];
  const issuerCn = first(facts.issuer, ISSUER_COMMON_NAME);
  if (issuerCn !== undefined) out[JITR.IssuerCommonName] = issuerCn;
  return out;
}
