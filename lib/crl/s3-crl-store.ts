// The CRL store: one DER (or PEM) CRL object per CA in S3, verified once per object version
// and kept in memory across warm invocations.
//
// Primary course of get(caCertificateId, ca):
//  1. Cached and checked less than refreshSeconds ago (and not past its nextUpdate): use it.
//  2. Otherwise one conditional GET (If-None-Match: cached ETag), shared by every concurrent
//     caller for that CA. 304 keeps the cached state; 200 verifies the new object with loadCrl
//     before it replaces the cached one; NoSuchKey caches "no CRL".
//  3. Check the freshness of the CRL against the clock (every call, cached or not).
// getOnceKnown(caCertificateId, ca): the same, but when the container knows nothing about the
// CA's CRL yet (cold), the download starts before the CA certificate is known; the object is
// verified against it once it arrives (the GET needs only the CA id, the verification the CA).
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import type { CertificateFacts } from '../certificate/index.js';
import { CrlMalformedError } from './errors.js';
import { checkCrlFreshness, loadCrl, MAX_CRL_BYTES, type VerifiedCrl } from './index.js';
import { crlObjectKey, DEFAULT_CRL_KEY_TEMPLATE } from './object-key.js';
import {
  CrlAccessDeniedError,
  CrlBucketNotFoundError,
  type CrlObjectLocation,
  CrlUnavailableError,
} from './store-errors.js';

export interface S3CrlStoreOptions {
  s3: S3Client;
  bucket: string;
  /** Object key with a `{caCertificateId}` placeholder; default {@link DEFAULT_CRL_KEY_TEMPLATE}. */
  keyTemplate?: string;
  /** Re-check S3 at most this often per CA (a cached CRL past its nextUpdate is re-checked at once). */
  refreshSeconds: number;
  /** Grace after nextUpdate during which a CRL still counts as fresh (passed to the CRL module). */
  maxStalenessSeconds: number;
  clock: () => Date;
}

/** What the store last saw in S3 for one CA. An invalid object is remembered as its error. */
type CachedState =
  | { kind: 'crl'; crl: VerifiedCrl }
  | { kind: 'absent' }
  | { kind: 'invalid'; error: unknown };

/** What one GET answered, before any verification. */
type Downloaded =
  | { kind: 'not-modified'; at: Date }
  | { kind: 'absent'; at: Date }
  | { kind: 'refused'; error: unknown; etag: string | undefined; at: Date }
  | { kind: 'object'; bytes: Uint8Array; etag: string | undefined; at: Date };

interface CacheEntry {
  state: CachedState;
  /** ETag of the object the state was derived from (absent: undefined). */
  etag: string | undefined;
  /** Clock time (ms) of the last successful S3 answer (200, 304 or 404). */
  checkedAtMs: number;
}

/**
 * Entries are per CA id *and* CA certificate: a CRL verified against one CA certificate is
 * never served (or revalidated by ETag) for another that claims the same id.
 */
function cacheKey(caCertificateId: string, ca: CertificateFacts): string {
  return `${caCertificateId}/${ca.sha256}`;
}

/**
 * S3-backed CRL store with an in-memory cache, conditional refresh and single-flight downloads.
 *
 * Failure policy (fail closed): a newly published object that fails verification replaces the
 * cached CRL as an error state, so every `get` throws the CRL module's error until a valid
 * object is published (the object is downloaded and verified again every refreshSeconds, not on
 * every call). A failed S3 request throws and leaves the cache as it was, with no refresh
 * recorded, so the next call asks S3 again.
 */
export class S3CrlStore {
  readonly #s3: S3Client;
  readonly #bucket: string;
  readonly #keyTemplate: string;
  readonly #refreshMs: number;
  readonly #maxStalenessSeconds: number;
  readonly #clock: () => Date;
  readonly #cache = new Map<string, CacheEntry>();
  readonly #inFlight = new Map<string, Promise<CacheEntry>>();
  /** Downloads started before the CA certificate was known, per CA id. */
  readonly #early = new Map<string, Promise<Downloaded>>();

  constructor(options: S3CrlStoreOptions) {
    this.#s3 = options.s3;
    this.#bucket = options.bucket;
    this.#keyTemplate = options.keyTemplate ?? DEFAULT_CRL_KEY_TEMPLATE;
    this.#refreshMs = options.refreshSeconds * 1000;
    this.#maxStalenessSeconds = options.maxStalenessSeconds;
    this.#clock = options.clock;
  }

  /** The S3 object key the store reads for a CA. */
  keyFor(caCertificateId: string): string {
    return crlObjectKey(this.#keyTemplate, caCertificateId);
  }

  /**
   * The verified, fresh CRL of a CA, or null when no CRL object exists.
   * @throws {@link CrlAccessDeniedError} the role may not read the object (configuration).
   * @throws {@link CrlBucketNotFoundError} the bucket does not exist (configuration).
   * @throws {@link CrlUnavailableError} network, 5xx, throttling (transient).
   * @throws the CRL module's error when the object fails verification or the CRL is stale.
   */
  async get(caCertificateId: string, ca: CertificateFacts): Promise<VerifiedCrl | null> {
    const key = cacheKey(caCertificateId, ca);
    let entry = this.#cache.get(key);
    if (entry === undefined || this.#needsRefresh(entry)) {
      entry = await this.#refreshShared(key, caCertificateId, ca);
    }
    switch (entry.state.kind) {
      case 'absent':
        return null;
      case 'invalid':
        throw entry.state.error;
      case 'crl':
        // The cached CRL may have gone stale since it was loaded: check on every call.
        checkCrlFreshness(entry.state.crl, this.#clock(), this.#maxStalenessSeconds);
        return entry.state.crl;
    }
  }

  /**
   * {@link get} for a CA certificate still being read: when nothing is cached or in flight for
   * this CA id (a cold container), the download starts now and is verified against `ca` once it
   * resolves, so the CRL read costs no round trip after the CA's. Otherwise as `get` once `ca`
   * is known. Same answers and errors as `get`.
   */
  async getOnceKnown(caCertificateId: string, ca: Promise<CertificateFacts>): Promise<VerifiedCrl | null> {
    const early =
      this.#early.get(caCertificateId) ??
      (this.#knowsCa(caCertificateId) ? null : this.#earlyDownload(caCertificateId));
    const facts = await ca;
    if (early !== null) {
      const key = cacheKey(caCertificateId, facts);
      if (!this.#cache.has(key) && !this.#inFlight.has(key)) {
        // Concurrent callers for this CA find it in flight (single flight, as for a refresh).
        const request = early
          .then((answer) => this.#settle(key, answer, facts, undefined))
          .finally(() => this.#inFlight.delete(key));
        this.#inFlight.set(key, request);
      }
    }
    return this.get(caCertificateId, facts);
  }

  /** Whether anything is cached or in flight for this CA id (for any CA certificate). */
  #knowsCa(caCertificateId: string): boolean {
    const prefix = `${caCertificateId}/`;
    return [...this.#cache.keys(), ...this.#inFlight.keys()].some((key) => key.startsWith(prefix));
  }

  /** One unconditional GET per CA id at a time, before the CA certificate is known. */
  #earlyDownload(caCertificateId: string): Promise<Downloaded> {
    const request = this.#download(caCertificateId, undefined).finally(() =>
      this.#early.delete(caCertificateId),
    );
    request.catch(() => undefined); // surfaces where it is awaited
    this.#early.set(caCertificateId, request);
    return request;
  }

  #needsRefresh(entry: CacheEntry): boolean {
    const nowMs = this.#clock().getTime();
    if (nowMs - entry.checkedAtMs >= this.#refreshMs) return true;
    // Past nextUpdate the issuer should have published a newer CRL: look for it now.
    const nextUpdate = entry.state.kind === 'crl' ? entry.state.crl.nextUpdate : null;
    return nextUpdate !== null && nowMs > nextUpdate.getTime();
  }

  /** Single flight: concurrent callers for one CA await the same request. */
  #refreshShared(key: string, caCertificateId: string, ca: CertificateFacts): Promise<CacheEntry> {
    const running = this.#inFlight.get(key);
    if (running !== undefined) return running;
    const request = this.#refresh(key, caCertificateId, ca).finally(() => {
      this.#inFlight.delete(key);
    });
    this.#inFlight.set(key, request);
    return request;
  }

  async #refresh(key: string, caCertificateId: string, ca: CertificateFacts): Promise<CacheEntry> {
    const previous = this.#cache.get(key);
    // Revalidate by ETag only a verified CRL. An invalid object is downloaded again, because its
    // verdict may depend on the time (a thisUpdate slightly in the future becomes valid later).
    const etag = previous?.state.kind === 'crl' ? previous.etag : undefined;
    const answer = await this.#download(caCertificateId, etag);
    return this.#settle(key, answer, ca, previous);
  }

  /** The CA's object location (for errors and details). */
  #location(caCertificateId: string): CrlObjectLocation {
    return { bucket: this.#bucket, key: this.keyFor(caCertificateId), caCertificateId };
  }

  /** One GET of the CA's object (conditional on `etag`); S3 failures thrown as the store's errors. */
  async #download(caCertificateId: string, etag: string | undefined): Promise<Downloaded> {
    const location = this.#location(caCertificateId);
    let response: GetObjectCommandOutput;
    try {
      response = await this.#s3.send(
        new GetObjectCommand({
          Bucket: location.bucket,
          Key: location.key,
          ...(etag === undefined ? {} : { IfNoneMatch: etag }),
        }),
      );
    } catch (error) {
      const status = httpStatusOf(error);
      if (status === 304 && etag !== undefined) return { kind: 'not-modified', at: this.#clock() };
      const name = errorNameOf(error);
      if (name === 'NoSuchKey' || (status === 404 && name !== 'NoSuchBucket')) {
        return { kind: 'absent', at: this.#clock() };
      }
      throw mapS3Error(error, location);
    }
    const at = this.#clock();
    if (response.ContentLength !== undefined && response.ContentLength > MAX_CRL_BYTES) {
      // Refused before downloading: the object could be gigabytes.
      (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
      const error = new CrlMalformedError({
        kind: 'too-large',
        bytes: response.ContentLength,
        maxBytes: MAX_CRL_BYTES,
        location: { ...location },
      });
      return { kind: 'refused', error, etag: response.ETag, at };
    }
    try {
      if (response.Body === undefined) throw new Error('GetObject returned no body');
      return { kind: 'object', bytes: await response.Body.transformToByteArray(), etag: response.ETag, at };
    } catch (error) {
      throw new CrlUnavailableError(location, { cause: error });
    }
  }

  /** The cache entry a download makes for one CA certificate (verified against it). */
  #settle(
    key: string,
    answer: Downloaded,
    ca: CertificateFacts,
    previous: CacheEntry | undefined,
  ): CacheEntry {
    const checkedAtMs = answer.at.getTime();
    switch (answer.kind) {
      case 'not-modified':
        if (previous === undefined) throw new Error('304 without a cached CRL'); // never sent without one
        return this.#store(key, { ...previous, checkedAtMs });
      case 'absent':
        return this.#store(key, { state: { kind: 'absent' }, etag: undefined, checkedAtMs });
      case 'refused':
        return this.#store(key, {
          state: { kind: 'invalid', error: answer.error },
          etag: answer.etag,
          checkedAtMs,
        });
      case 'object': {
        let state: CachedState;
        try {
          state = {
            kind: 'crl',
            crl: loadCrl(answer.bytes, ca, {
              now: answer.at,
              maxStalenessSeconds: this.#maxStalenessSeconds,
            }),
          };
        } catch (error) {
          // Fail closed: the newly published object is what the issuer wants enforced; an older
          // cached CRL could lack its revocations, so the bad object replaces it as an error.
          state = { kind: 'invalid', error };
        }
        return this.#store(key, { state, etag: answer.etag, checkedAtMs });
      }
    }
  }

  #store(key: string, entry: CacheEntry): CacheEntry {
    this.#cache.set(key, entry);
    return entry;
  }
}

/** The HTTP status of an SDK error, when AWS answered. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

/** The AWS error name of an SDK error. */
export function errorNameOf(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** Maps an S3 SDK error to the store's error model. */
export function mapS3Error(error: unknown, location: CrlObjectLocation): Error {
  const name = errorNameOf(error);
  const status = httpStatusOf(error);
  if (name === 'AccessDenied' || status === 403) {
    return new CrlAccessDeniedError(location, { awsErrorName: name, cause: error });
  }
  if (name === 'NoSuchBucket') {
    return new CrlBucketNotFoundError(location, { awsErrorName: name, cause: error });
  }
  // Network errors, timeouts, 5xx and throttling (after the SDK's own retries), and any other
  // S3 answer: retrying later is the only thing the handler can do.
  const isAwsAnswer = status !== undefined;
  return new CrlUnavailableError(location, {
    ...(isAwsAnswer && name !== undefined ? { awsErrorName: name } : {}),
    ...(status === undefined ? {} : { httpStatusCode: status }),
    cause: error,
  });
}
