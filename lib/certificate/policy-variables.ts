// The values AWS IoT substitutes for `${iot:Certificate.…}` policy variables at connect time
// (cert-policy-variables.html), taken from a parsed certificate. A template's policy that uses
// them lets certificate text into the policy without passing through the template engine, so
// the registration checks these values too (lib/template/certificate-variables.ts).
import { attributeOid } from './oids.js';
import type { CertificateFacts, DistinguishedName } from './types.js';

/**
 * AWS's attribute names for `iot:Certificate.Subject.<Name>` / `Issuer.<Name>`, with the X.509
 * short names (lib/certificate/oids.ts) they come from. The policy evaluator reads it too.
 */
export const CERTIFICATE_NAME_ATTRIBUTES: Readonly<Record<string, string>> = {
  Country: 'C',
  Organization: 'O',
  OrganizationalUnit: 'OU',
  DistinguishedNameQualifier: 'dnQualifier',
  State: 'ST',
  CommonName: 'CN',
  SerialNumber: 'serialNumber',
  Title: 'title',
  Surname: 'SN',
  GivenName: 'GN',
  Initials: 'initials',
  Pseudonym: 'pseudonym',
  GenerationQualifier: 'generationQualifier',
};

const NAME_ATTRIBUTE_OIDS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(CERTIFICATE_NAME_ATTRIBUTES).map(([awsName, shortName]) => [
    awsName,
    attributeOid(shortName),
  ]),
);

function valuesOf(name: DistinguishedName, oid: string): string[] {
  return name.rdns.flatMap((rdn) => rdn.filter((a) => a.oid === oid).map((a) => a.value));
}

/**
 * Every value each modelled certificate policy variable can take for this certificate, keyed
 * without the index suffix (`Subject.CommonName` stands for `.1`, `.2`, … and `.List`):
 * subject and issuer attributes (every value, whatever its string type), the subjectAltName
 * DNS names and URIs, and the serial.
 *
 * @example certificatePolicyVariables(facts)['Subject.CommonName'] // ['dev-001']
 */
export function certificatePolicyVariables(facts: CertificateFacts): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, oid] of Object.entries(NAME_ATTRIBUTE_OIDS)) {
    out[`Subject.${name}`] = valuesOf(facts.subject, oid);
    out[`Issuer.${name}`] = valuesOf(facts.issuer, oid);
  }
  out['SubjectAlternativeName.DNSName'] = [...facts.sanDns];
  out['SubjectAlternativeName.UniformResourceIdentifier'] = [...facts.sanUri];
  out.SerialNumber = [facts.serialHex];
  return out;
}
