import { createHash, X509Certificate } from 'node:crypto';
import { ServiceError } from './service-error.js';

/** What the sandbox needs from a certificate PEM. */
export interface ParsedPem {
  x509: X509Certificate;
  /** Lowercase hex SHA-256 of the DER: the id AWS IoT assigns. */
  id: string;
  notBefore: number;
  notAfter: number;
}

function certificateValidation(message: string): ServiceError {
  return new ServiceError('CertificateValidationException', 400, message);
}

/** Parses a PEM certificate; the id is the SHA-256 of its DER (computed here, on purpose independent of lib/). */
export function parsePem(pem: unknown, member: string): ParsedPem {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw certificateValidation(`${member} is not a PEM certificate`);
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(pem);
  } catch {
    throw certificateValidation(`${member} could not be parsed`);
  }
  return {
    x509,
    id: createHash('sha256').update(x509.raw).digest('hex'),
    notBefore: Date.parse(x509.validFrom),
    notAfter: Date.parse(x509.validTo),
  };
}

/** True when `cert` names `ca` as issuer and carries a valid signature by it. */
export function isIssuedBy(cert: X509Certificate, ca: X509Certificate): boolean {
  try {
    return cert.checkIssued(ca) && cert.verify(ca.publicKey);
  } catch {
    return false;
  }
}

/** The subject CN of a certificate (for the registration-code check). */
export function commonName(x509: X509Certificate): string | undefined {
  for (const line of x509.subject.split('\n')) {
    if (line.startsWith('CN=')) return line.slice(3);
  }
  return undefined;
}
