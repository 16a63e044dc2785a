/**
 * `${iot:Certificate.…}` policy variables in a template's own policies. AWS substitutes the
 * certificate's value at connect time and refuses only values with `* $ + ? #` (it leaves the
 * variable literal); `/`, an empty value or other text would reach the policy unchecked. So when
 * the registration knows the certificate's values (see `certificatePolicyVariables`), each value
 * a policy reads must pass the policy-safe set, like any certificate value in a template.
 */
import { UnsafeCertificateValueError } from './errors.js';
import { POLICY_SAFE_VALUE } from './limits.js';
import { isPlainObject } from './template-types.js';

const CERTIFICATE_VARIABLE = /\$\{iot:Certificate\.([A-Za-z0-9.]+)\}/g;

/** `Subject.CommonName.2` / `Subject.CommonName.List` → `Subject.CommonName`. */
export function certificateVariableKey(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 && (parts[2] === 'List' || /^\d+$/.test(parts[2] ?? '')))
    return parts.slice(0, 2).join('.');
  return name;
}

/** The certificate policy variables a rendered policy document reads (keys and values scanned). */
export function certificateVariablesReadBy(document: unknown): string[] {
  const names = new Set<string>();
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const node = stack.pop();
    const texts = typeof node === 'string' ? [node] : isPlainObject(node) ? Object.keys(node) : [];
    for (const text of texts)
      for (const match of text.matchAll(CERTIFICATE_VARIABLE)) names.add(match[1] ?? '');
    if (Array.isArray(node)) for (const item of node) stack.push(item);
    else if (isPlainObject(node)) for (const value of Object.values(node)) stack.push(value);
  }
  return [...names];
}

/**
 * Checks every known value of each certificate variable the policy reads.
 *
 * @throws {@link UnsafeCertificateValueError}
 */
export function checkCertificateVariables(
  document: unknown,
  values: Readonly<Record<string, readonly string[]>>,
  policy: string,
  path: string,
): void {
  for (const name of certificateVariablesReadBy(document)) {
    const key = certificateVariableKey(name);
    for (const value of Object.hasOwn(values, key) ? (values[key] ?? []) : []) {
      if (POLICY_SAFE_VALUE.test(value)) continue;
      throw new UnsafeCertificateValueError(
        { kind: 'certificate-variable', variable: `iot:Certificate.${name}`, policy, length: value.length },
        path,
      );
    }
  }
}
