// `jitr pki publish-crl`: verify the CA directory's CRL exactly as the handler will, then upload
// it to the key the handler reads (CRL_KEY_TEMPLATE expanded with the CA certificate id).
import { readFile } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { certificateIdFrom } from '../certificate/certificate-id.js';
import { parseCertificate } from '../certificate/index.js';
import { loadCrl } from '../crl/index.js';
import { CA_ID_PLACEHOLDER, crlObjectKey, DEFAULT_CRL_KEY_TEMPLATE } from '../crl/object-key.js';
import { caPaths, DEFAULT_CA_DIR, readCaCertificate } from '../pki/ca-store.js';
import { PkiCaNotFoundError, PkiInvalidArgumentError } from '../pki/errors.js';
import { putCrlObject } from '../pki/publish-crl.js';

export interface PublishCrlInput {
  dir?: string;
  bucket: string;
  /** Default: the SHA-256 of the CA certificate's DER (the id AWS IoT gives the CA). */
  caCertificateId?: string;
  keyTemplate?: string;
  /** Default: `<dir>/crl.der`. */
  crl?: string;
  region?: string;
}

export interface PublishCrlDeps {
  /** The S3 client, built when the CRL is ready to upload (the CLI runtime's `aws(region).s3`). */
  s3: () => Promise<S3Client>;
  now?: Date;
}

/**
 * Verifies the CRL against the CA (signature, issuer, critical extensions, not stale: the same
 * loadCrl the handler runs, with no grace) and uploads it.
 * @throws the CRL module's error when the CRL would be rejected by the handler.
 * @throws {@link PkiPublishFailedError} when the upload fails.
 */
export async function publishCrlAction(input: PublishCrlInput, deps: PublishCrlDeps) {
  const dir = input.dir ?? DEFAULT_CA_DIR;
  const caCertificateId =
    input.caCertificateId === undefined ? undefined : certificateIdFrom(input.caCertificateId);
  if (caCertificateId === null) {
    throw new PkiInvalidArgumentError({ kind: 'ca-certificate-id' });
  }
  const keyTemplate = input.keyTemplate ?? DEFAULT_CRL_KEY_TEMPLATE;
  if (!keyTemplate.includes(CA_ID_PLACEHOLDER)) {
    throw new PkiInvalidArgumentError({ kind: 'key-template-placeholder' });
  }
  const ca = parseCertificate(await readCaCertificate(dir));
  const crlPath = input.crl ?? caPaths(dir).crl;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(crlPath);
  } catch (error) {
    throw new PkiCaNotFoundError(crlPath, error);
  }
  const crl = loadCrl(bytes, ca, { now: deps.now ?? new Date(), maxStalenessSeconds: 0 });
  const id = caCertificateId ?? ca.sha256;
  const key = crlObjectKey(keyTemplate, id);
  const { etag } = await putCrlObject({ s3: await deps.s3(), bucket: input.bucket, key, crl: bytes });
  return {
    bucket: input.bucket,
    key,
    etag: etag ?? null,
    caCertificateId: id,
    crlNumber: crl.crlNumber,
    thisUpdate: crl.thisUpdate.toISOString(),
    nextUpdate: crl.nextUpdate === null ? null : crl.nextUpdate.toISOString(),
    entryCount: crl.entryCount,
  };
}
