import { certificateIdFrom } from '../certificate/certificate-id.js';
import { InvalidOperationsOptionError } from '../operations/errors.js';

/** What a command's id argument names: a CA's id (`--ca`) or a device certificate's. */
export type CertificateIdKind = 'ca' | 'certificate';

/**
 * The certificate id a command was given, by the one certificate-id rule.
 * @throws {@link InvalidOperationsOptionError} naming `option` when `value` is not an id.
 */
export function certificateIdOption(option: string, value: string, kind: CertificateIdKind): string {
  const id = certificateIdFrom(value);
  if (id !== null) return id;
  throw new InvalidOperationsOptionError({ kind: 'not-a-certificate-id', option, value, of: kind });
}
