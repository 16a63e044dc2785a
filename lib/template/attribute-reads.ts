/**
 * Thing attributes that a policy reads back through `${iot:Connection.Thing.Attributes[name]}`.
 * AWS substitutes the attribute's value into the policy at connect time, so a certificate value
 * stored in such an attribute reaches the policy without passing through the document checks:
 * AWS's attribute pattern allows `#`, `/`, `,`, `[`, `]` and the empty string, and `#` is
 * literal in a policy resource while the device can use it as a wildcard in a subscription.
 */
import { UnsafeCertificateValueError } from './errors.js';
import { POLICY_SAFE_VALUE } from './limits.js';
import { type TString, taintedSegments } from './tainted.js';
import { isPlainObject } from './template-types.js';

const ATTRIBUTE_VARIABLE = /\$\{iot:Connection\.Thing\.Attributes\[([^\]]*)\]\}/g;

/** One policy reading one thing attribute, as `jitr template check` reports it. */
export interface AttributeRead {
  attribute: string;
  /** Logical name of the policy resource that reads it. */
  policy: string;
  /** Whether the template fills the attribute from a certificate value. */
  certificateDerived: boolean;
  /** Whether the template lists it in Metadata `JITR::UncheckedPolicyAttributes`. */
  unchecked: boolean;
}

/** Names of the thing attributes a rendered policy document reads (keys and values scanned). */
export function attributesReadBy(document: unknown): string[] {
  const names = new Set<string>();
  const scan = (text: string): void => {
    for (const match of text.matchAll(ATTRIBUTE_VARIABLE)) names.add(match[1] ?? '');
  };
  // The document's depth is bounded (checkDepth), so a plain stack walk is enough.
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') scan(node);
    else if (Array.isArray(node)) for (const item of node) stack.push(item);
    else if (isPlainObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        scan(key);
        stack.push(value);
      }
    }
  }
  return [...names];
}

/**
 * Checks every certificate-derived part of a thing attribute that a policy reads against the
 * policy-safe set, unless the template opted the attribute out.
 *
 * @throws {@link UnsafeCertificateValueError}
 */
export function checkAttributeRead(read: AttributeRead, value: TString, path: string): void {
  if (read.unchecked) return;
  for (const segment of taintedSegments(value)) {
    if (POLICY_SAFE_VALUE.test(segment.text)) continue;
    const parameter = segment.source ?? '';
    throw new UnsafeCertificateValueError(
      {
        kind: 'attribute-read',
        parameter,
        attribute: read.attribute,
        policy: read.policy,
        length: segment.text.length,
      },
      path,
    );
  }
}
