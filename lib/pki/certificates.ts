// CA, device and verification certificates with real crypto: node:crypto keys and signatures,
// the certificate assembled by PKI.js/asn1js; names (der-writer/names.ts) keep every subject
// string type and serial the caller chooses. CRLs are NOT built with PKI.js (build-crl.ts).
import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { KEY_USAGE_BITS, parseCertificate } from '../certificate/index.js';
import {
  algorithmIdentifier,
  defaultSignatureAlgorithm,
  generateKeyPair,
  type KeySpec,
  keyIdentifier,
  type SignatureAlgorithmName,
  signWith,
  spkiDer,
} from './algorithms.js';
import {
  octetString,
  oid,
  positiveIntegerContent,
  sequence,
  serialMagnitude,
  TRUE,
  tlv,
} from './der-writer.js';
import { nameDer, type SubjectInput } from './names.js';
import type { Ca, RawExtension } from './types.js';

export type { Ca } from './types.js';

/** A certificate issued by a {@link Ca}, with its private key. */
export interface IssuedCertificate {
  certificatePem: string;
  certificateDer: Buffer;
  privateKeyPem: string;
  /** Lowercase hex SHA-256 of the DER: the id AWS IoT gives the certificate. */
  certificateId: string;
  /** DER INTEGER content bytes of the X.509 serial. */
  serialBytes: Buffer;
}

export type KeyUsage = (typeof KEY_USAGE_BITS)[number];

export interface CreateCaOptions extends KeySpec {
  subject?: SubjectInput;
  /**
   * The CA's keyUsage bits (default keyCertSign + cRLSign); `null` omits the extension. Tests use
   * it for CAs that may not sign CRLs (CrlSignerNotAuthorized).
   */
  keyUsage?: readonly KeyUsage[] | null;
  days?: number;
  now?: Date;
  serial?: Uint8Array | string;
  signatureAlgorithm?: SignatureAlgorithmName;
}

export interface IssueCertificateOptions extends KeySpec {
  ca: Ca;
  subject: SubjectInput;
  /** Unsigned magnitude (bytes or hex); default 16 random bytes. Encoded in minimal DER (00 added when the high bit is set). */
  serial?: Uint8Array | string;
  notBefore?: Date;
  /** Default: notBefore + `days` (default 365). */
  notAfter?: Date;
  days?: number;
  /** Default: now − 1 minute when neither notBefore nor now is given. */
  now?: Date;
  san?: { dns?: string[]; uri?: string[] };
  signatureAlgorithm?: SignatureAlgorithmName;
  /** Override the authorityKeyIdentifier (tests); `null` omits the extension. */
  authorityKeyIdentifier?: Uint8Array | null;
  /** Use an existing public key instead of generating a key pair (privateKeyPem is then empty). */
  publicKey?: KeyObject;
  /**
   * Extra extensions (tests: unknown critical ones, a critical SAN, a CA certificate issued as a
   * device). One with the OID of a default extension (basicConstraints, keyUsage, extKeyUsage,
   * SKI, AKI, SAN) replaces it in place; the others are appended in the given order.
   */
  extensions?: RawExtension[];
}

const DAY_MS = 86_400_000;

function extension(extnId: string, critical: boolean, value: Uint8Array): RawExtension {
  return { oid: extnId, critical, value };
}

/** The defaults (OID → extension) with `extra` replacing same-OID entries, then appended. */
function mergeExtensions(defaults: [string, RawExtension][], extra: RawExtension[]): RawExtension[] {
  const merged = new Map(defaults);
  for (const e of extra) merged.set(e.oid, e);
  return [...merged.values()];
}

/** The keyUsage extension value: a DER BIT STRING with trailing zero bits dropped (X.690 §11.2.2). */
export function keyUsageDer(usages: readonly KeyUsage[]): Buffer {
  const bits = new Set(usages.map((u) => KEY_USAGE_BITS.indexOf(u)));
  const highest = Math.max(-1, ...bits);
  const bytes = Buffer.alloc(Math.ceil((highest + 1) / 8));
  for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  const unused = bytes.length * 8 - (highest + 1);
  return tlv(0x03, Buffer.from([unused]), bytes);
}

function pem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

interface TbsInput {
  serial: Buffer;
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  spki: Buffer;
  extensions: RawExtension[];
  signatureAlgorithm: SignatureAlgorithmName;
  signingKey: KeyObject;
}

/** Whole seconds: RFC 5280 §4.1.2.5 times carry no fraction. */
function validityTime(date: Date): pkijs.Time {
  const value = new Date(Math.floor(date.getTime() / 1000) * 1000);
  // UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5).
  const year = value.getUTCFullYear();
  return new pkijs.Time({ type: year >= 1950 && year < 2050 ? 0 : 1, value });
}

/**
 * Assembles and signs a v3 certificate with PKI.js (a well-kept encoder beats a hand-written one
 * where speed does not matter). Names and the SubjectPublicKeyInfo are taken as DER and kept
 * byte for byte (tests choose every string type); the signature is made with node:crypto.
 */
function signCertificate(t: TbsInput): Buffer {
  const algorithm = pkijs.AlgorithmIdentifier.fromBER(algorithmIdentifier(t.signatureAlgorithm));
  const certificate = new pkijs.Certificate({
    version: 2, // v3
    serialNumber: new asn1js.Integer({ valueHex: positiveIntegerContent(t.serial) }),
    signature: algorithm,
    issuer: pkijs.RelativeDistinguishedNames.fromBER(t.issuer),
    notBefore: validityTime(t.notBefore),
    notAfter: validityTime(t.notAfter),
    subject: pkijs.RelativeDistinguishedNames.fromBER(t.subject),
    subjectPublicKeyInfo: pkijs.PublicKeyInfo.fromBER(t.spki),
    extensions: t.extensions.map(
      (e) =>
        new pkijs.Extension({
          extnID: e.oid,
          critical: e.critical === true,
          extnValue: new Uint8Array(e.value).buffer,
        }),
    ),
  });
  const tbs = Buffer.from(certificate.encodeTBS().toBER(false));
  certificate.tbsView = new Uint8Array(tbs);
  certificate.signatureAlgorithm = pkijs.AlgorithmIdentifier.fromBER(
    algorithmIdentifier(t.signatureAlgorithm),
  );
  certificate.signatureValue = new asn1js.BitString({
    valueHex: new Uint8Array(signWith(t.signatureAlgorithm, tbs, t.signingKey)).buffer,
  });
  return Buffer.from(certificate.toSchema(false).toBER(false));
}

/**
 * Creates a self-signed CA (basicConstraints CA:TRUE, keyUsage keyCertSign + cRLSign unless
 * `keyUsage` says otherwise, SKI).
 *
 * @example
 * const ca = createCa({ keyType: 'ec', curve: 'P-256', subject: 'O=Example,CN=Example Device CA' });
 */
export function createCa(options: CreateCaOptions = {}): Ca {
  const { privateKey, publicKey } = generateKeyPair(options);
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - 60_000);
  const subjectDer = nameDer(options.subject ?? 'O=JITR Example,CN=JITR Example Device CA');
  const spki = spkiDer(publicKey);
  const ski = keyIdentifier(spki);
  const signatureAlgorithm = options.signatureAlgorithm ?? defaultSignatureAlgorithm(privateKey);
  const keyUsage = options.keyUsage === undefined ? (['keyCertSign', 'cRLSign'] as const) : options.keyUsage;
  const certificateDer = signCertificate({
    serial: options.serial === undefined ? randomBytes(16) : serialMagnitude(options.serial),
    issuer: subjectDer,
    subject: subjectDer,
    notBefore,
    notAfter: new Date(notBefore.getTime() + (options.days ?? 3650) * DAY_MS),
    spki,
    extensions: [
      extension('2.5.29.19', true, sequence(TRUE)),
      ...(keyUsage === null ? [] : [extension('2.5.29.15', true, keyUsageDer(keyUsage))]),
      extension('2.5.29.14', false, octetString(ski)),
    ],
    signatureAlgorithm,
    signingKey: privateKey,
  });
  return {
    certificatePem: pem('CERTIFICATE', certificateDer),
    certificateDer,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    privateKey,
    publicKey,
    subjectDer,
    subjectKeyIdentifier: ski,
    signatureAlgorithm,
  };
}

/** Loads an existing CA from its certificate and private key (PEM). */
export function loadCa(input: { certificatePem: string; privateKeyPem: string }): Ca {
  const facts = parseCertificate(input.certificatePem);
  const privateKey = createPrivateKey(input.privateKeyPem);
  const certificateDer = Buffer.from(facts.der);
  if (!new X509Certificate(certificateDer).checkPrivateKey(privateKey)) {
    throw new RangeError('the private key does not belong to the CA certificate');
  }
  return {
    certificatePem: pem('CERTIFICATE', certificateDer),
    certificateDer,
    privateKeyPem: input.privateKeyPem,
    privateKey,
    publicKey: createPublicKey(privateKey),
    subjectDer: Buffer.from(facts.subject.der),
    subjectKeyIdentifier:
      facts.subjectKeyIdentifier === null ? null : Buffer.from(facts.subjectKeyIdentifier, 'hex'),
    signatureAlgorithm: defaultSignatureAlgorithm(privateKey),
  };
}

/**
 * Issues an end-entity certificate (clientAuth, digitalSignature) signed by `ca`.
 *
 * @example
 * const dev = issueDeviceCertificate({ ca, subject: 'C=JP,O=Example,CN=dev-001,serialNumber=SN1' });
 */
export function issueDeviceCertificate(options: IssueCertificateOptions): IssuedCertificate {
  const pair = options.publicKey === undefined ? generateKeyPair(options) : null;
  const publicKey = options.publicKey ?? (pair as { publicKey: KeyObject }).publicKey;
  const notBefore = options.notBefore ?? new Date((options.now ?? new Date()).getTime() - 60_000);
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + (options.days ?? 365) * DAY_MS);
  const serial = options.serial === undefined ? randomBytes(16) : serialMagnitude(options.serial);
  const spki = spkiDer(publicKey);
  const defaults: [string, RawExtension][] = [
    ['2.5.29.19', extension('2.5.29.19', true, sequence())],
    ['2.5.29.15', extension('2.5.29.15', true, keyUsageDer(['digitalSignature']))],
    ['2.5.29.37', extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.2')))], // clientAuth
    ['2.5.29.14', extension('2.5.29.14', false, octetString(keyIdentifier(spki)))],
  ];
  const aki =
    options.authorityKeyIdentifier === undefined
      ? options.ca.subjectKeyIdentifier
      : options.authorityKeyIdentifier;
  if (aki !== null) defaults.push(['2.5.29.35', extension('2.5.29.35', false, sequence(tlv(0x80, aki)))]);
  const dns = options.san?.dns ?? [];
  const uri = options.san?.uri ?? [];
  if (dns.length + uri.length > 0) {
    const names = [
      ...dns.map((d) => tlv(0x82, Buffer.from(d, 'latin1'))),
      ...uri.map((u) => tlv(0x86, Buffer.from(u, 'latin1'))),
    ];
    defaults.push(['2.5.29.17', extension('2.5.29.17', false, sequence(...names))]);
  }
  const extensions = mergeExtensions(defaults, options.extensions ?? []);
  const certificateDer = signCertificate({
    serial,
    issuer: options.ca.subjectDer,
    subject: nameDer(options.subject),
    notBefore,
    notAfter,
    spki,
    extensions,
    signatureAlgorithm: options.signatureAlgorithm ?? options.ca.signatureAlgorithm,
    signingKey: options.ca.privateKey,
  });
  const facts = parseCertificate(certificateDer);
  return {
    certificatePem: pem('CERTIFICATE', certificateDer),
    certificateDer,
    privateKeyPem: pair === null ? '' : pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificateId: facts.sha256,
    serialBytes: Buffer.from(facts.serialBytes),
  };
}

/**
 * The verification certificate `aws iot register-ca-certificate --verification-cert` needs:
 * issued by the CA, with the registration code (`aws iot get-registration-code`) as its CN.
 */
export function createVerificationCertificate(
  options: { ca: Ca; registrationCode: string; days?: number; now?: Date } & KeySpec,
): IssuedCertificate {
  return issueDeviceCertificate({
    ...options,
    subject: [{ type: 'CN', value: options.registrationCode }],
  });
}

export { pem as toPem };
