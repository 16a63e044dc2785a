// The values AWS IoT substitutes for `${iot:Certificate.…}` policy variables at connect time
// (cert-policy-variables.html), taken from a parsed certificate. A template's policy that uses
// them lets certificate text into the policy without passing through the template engine, so
// the registration checks these values too (lib/template/certificate-variables.ts).
import type { CertificateFacts, DistinguishedName } from './types.js';

/** AWS's attribute names for `iot:Certificate.Subject.<Name>` / `Issuer.<Name>`, with their OIDs. */
const NAME_ATTRIBUTES: Readonly<Record<string, string>> = {
  Country: '2.5.4.6',
  Organization: '2.5.4.10',
  OrganizationalUnit: '2.5.4.11',
  DistinguishedNameQualifier: '2.5.4.46',
  State: '2.5.4.8',
  CommonName: '2.5.4.3',
  SerialNumber: '2.5.4.5',
  Title: '2.5.4.12',
  Surname: '2.5.4.4',
  GivenName: '2.5.4.42',
  Initials: '2.5.4.43',
  Pseudonym: '2.5.4.65',
  GenerationQualifier: '2.5.4.44',
};

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
  for (const [name, oid] of Object.entries(NAME_ATTRIBUTES)) {
    out[`Subject.${name}`] = valuesOf(facts.subject, oid);
    out[`Issuer.${name}`] = valuesOf(facts.issuer, oid);
  }
  out['SubjectAlternativeName.DNSName'] = [...facts.sanDns];
  out['SubjectAlternativeName.UniformResourceIdentifier'] = [...facts.sanUri];
  out.SerialNumber = [facts.serialHex];
  return out;
}
