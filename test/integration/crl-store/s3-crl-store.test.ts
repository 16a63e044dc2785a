// S3CrlStore against a real S3-compatible server (s3rver) on loopback: every request the SDK
// sends is recorded by the server front, so the counts and conditional headers are exact.
import { describe, expect, it } from 'vitest';
import {
  advance,
  codeOf,
  crl,
  HOUR,
  put,
  REFRESH_SECONDS,
  store,
  T0,
  takeGets,
  useStoreFixture,
} from './store-fixture.js';

const f = useStoreFixture();

describe('S3CrlStore', () => {
  it('downloads and verifies the CRL on first use, then serves it from memory within refreshSeconds', async () => {
    // Prepare
    await put(f, `crl/${f.caId}.crl`, crl(f, { crlNumber: 1, revoked: true }));
    f.server.requests.length = 0;
    const crls = store(f);

    // Act
    const first = await crls.get(f.caId, f.caFacts);
    const firstGets = takeGets(f);
    advance(f, (REFRESH_SECONDS - 1) * 1000);
    const second = await crls.get(f.caId, f.caFacts);

    // Assess
    expect(firstGets).toEqual([[undefined, 200]]);
    expect(takeGets(f)).toEqual([]);
    expect(second).toBe(first);
    expect(first?.crlNumber).toBe('1');
    expect(first?.entryCount).toBe(1);
    expect(first?.lookup(f.deviceSerial)).toEqual({
      serialHex: '00ff0102',
      revocationDate: T0,
      reason: 'keyCompromise',
    });
  });

  it('revalidates with If-None-Match after refreshSeconds and keeps the cache on 304', async () => {
    // Prepare
    const etag = await put(f, `crl/${f.caId}.crl`, crl(f, { crlNumber: 1 }));
    const crls = store(f);
    const first = await crls.get(f.caId, f.caFacts);
    takeGets(f);

    // Act
    advance(f, REFRESH_SECONDS * 1000);
    const revalidated = await crls.get(f.caId, f.caFacts);
    const conditional = takeGets(f);
    advance(f, (REFRESH_SECONDS - 1) * 1000);
    const cached = await crls.get(f.caId, f.caFacts);

    // Assess
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(conditional).toEqual([[etag, 304]]);
    expect(revalidated).toBe(first);
    // The 304 restarted the refresh interval.
    expect(takeGets(f)).toEqual([]);
    expect(cached).toBe(first);
  });

  it('verifies a changed object and swaps it in', async () => {
    // Prepare
    const etag1 = await put(f, `crl/${f.caId}.crl`, crl(f, { crlNumber: 1 }));
    const crls = store(f);
    const first = await crls.get(f.caId, f.caFacts);
    await put(f, `crl/${f.caId}.crl`, crl(f, { crlNumber: 2, revoked: true }));
    takeGets(f);

    // Act
    advance(f, REFRESH_SECONDS * 1000);
    const second = await crls.get(f.caId, f.caFacts);

    // Assess
    expect(takeGets(f)).toEqual([[etag1, 200]]);
    expect(first?.lookup(f.deviceSerial)).toBeNull();
    expect(second).not.toBe(first);
    expect(second?.crlNumber).toBe('2');
    expect(second?.lookup(f.deviceSerial)?.reason).toBe('keyCompromise');
  });

  it('fails closed when the new object is invalid, without re-downloading it until refreshSeconds pass', async () => {
    // Prepare
    await put(f, `crl/${f.caId}.crl`, crl(f, { crlNumber: 1 }));
    const crls = store(f);
    await crls.get(f.caId, f.caFacts);
    // A flipped bit in the signature: the object no longer verifies with the CA's key.
    const tampered = Buffer.from(crl(f, { crlNumber: 2 }));
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 0x01;
    await put(f, `crl/${f.caId}.crl`, tampered);
    takeGets(f);

    // Act
    advance(f, REFRESH_SECONDS * 1000);
    const afterSwap = await codeOf(crls.get(f.caId, f.caFacts));
    const swapGets = takeGets(f);
    advance(f, 1000);
    const cachedVerdict = await codeOf(crls.get(f.caId, f.caFacts));
    const cachedGets = takeGets(f);
    advance(f, REFRESH_SECONDS * 1000);
    const recheck = await codeOf(crls.get(f.caId, f.caFacts));
    const recheckGets = takeGets(f);
    await put(f, `crl/${f.caId}.crl`, crl(f, { crlNumber: 3, revoked: true }));
    advance(f, REFRESH_SECONDS * 1000);
    const recovered = await crls.get(f.caId, f.caFacts);

    // Assess
    expect([afterSwap, cachedVerdict, recheck]).toEqual([
      'CrlSignatureInvalid',
      'CrlSignatureInvalid',
      'CrlSignatureInvalid',
    ]);
    expect(swapGets).toHaveLength(1);
    expect(swapGets[0]?.[1]).toBe(200);
    expect(cachedGets).toEqual([]);
    // An invalid object is fetched unconditionally: its verdict may depend on the time.
    expect(recheckGets).toEqual([[undefined, 200]]);
    expect(recovered?.crlNumber).toBe('3');
  });

  it('returns null for a missing object, remembers that for refreshSeconds, then picks up a new CRL', async () => {
    // Prepare
    const crls = store(f);

    // Act
    const missing = await crls.get(f.caId, f.caFacts);
    const missingGets = takeGets(f);
    const again = await crls.get(f.caId, f.caFacts);
    const againGets = takeGets(f);
    await put(f, `crl/${f.caId}.crl`, crl(f, { crlNumber: 1 }));
    takeGets(f);
    advance(f, REFRESH_SECONDS * 1000);
    const published = await crls.get(f.caId, f.caFacts);

    // Assess
    expect(missing).toBeNull();
    expect(missingGets).toEqual([[undefined, 404]]);
    expect(again).toBeNull();
    expect(againGets).toEqual([]);
    expect(takeGets(f)).toEqual([[undefined, 200]]);
    expect(published?.crlNumber).toBe('1');
  });

  it('shares one download between 20 concurrent gets for one CA', async () => {
    // Prepare
    await put(f, `crl/${f.caId}.crl`, crl(f, { crlNumber: 7 }));
    takeGets(f);
    const crls = store(f);

    // Act
    const results = await Promise.all(Array.from({ length: 20 }, () => crls.get(f.caId, f.caFacts)));

    // Assess
    expect(takeGets(f)).toEqual([[undefined, 200]]);
    expect(new Set(results).size).toBe(1);
    expect(results[0]?.crlNumber).toBe('7');
  });

  it('shares one conditional request between 20 concurrent gets after refreshSeconds', async () => {
    // Prepare
    const etag = await put(f, `crl/${f.caId}.crl`, crl(f, { crlNumber: 1 }));
    const crls = store(f);
    const first = await crls.get(f.caId, f.caFacts);
    takeGets(f);
    advance(f, REFRESH_SECONDS * 1000);

    // Act
    const results = await Promise.all(Array.from({ length: 20 }, () => crls.get(f.caId, f.caFacts)));

    // Assess
    expect(takeGets(f)).toEqual([[etag, 304]]);
    expect(results.every((r) => r === first)).toBe(true);
  });

  it('re-checks the freshness of the cached CRL on every get and revalidates it once past nextUpdate', async () => {
    // Prepare
    const nextUpdate = new Date(T0.getTime() + 2 * HOUR);
    const etag = await put(f, `crl/${f.caId}.crl`, crl(f, { crlNumber: 1, nextUpdate }));
    const crls = store(f, { maxStalenessSeconds: 60 });
    const first = await crls.get(f.caId, f.caFacts);
    takeGets(f);

    // Act
    f.now = new Date(nextUpdate.getTime() + 30_000); // past nextUpdate, inside the 60 s grace
    const inGrace = await crls.get(f.caId, f.caFacts);
    const graceGets = takeGets(f);
    f.now = new Date(nextUpdate.getTime() + 61_000); // past the grace
    const stale = await codeOf(crls.get(f.caId, f.caFacts));
    const staleGets = takeGets(f);

    // Assess
    expect(inGrace).toBe(first);
    // Past nextUpdate the issuer should have published a newer CRL, so the store asks at once.
    expect(graceGets).toEqual([[etag, 304]]);
    expect(stale).toBe('CrlStale');
    expect(staleGets).toEqual([[etag, 304]]);
  });

  it('reads the key the template names', async () => {
    // Prepare
    await put(f, `tenants/acme/${f.caId}/crl.der`, crl(f, { crlNumber: 4 }));
    takeGets(f);
    const crls = store(f, { keyTemplate: 'tenants/acme/{caCertificateId}/crl.der' });

    // Act
    const result = await crls.get(f.caId, f.caFacts);

    // Assess
    expect(crls.keyFor(f.caId)).toBe(`tenants/acme/${f.caId}/crl.der`);
    expect(takeGets(f, `tenants/acme/${f.caId}/crl.der`)).toEqual([[undefined, 200]]);
    expect(result?.crlNumber).toBe('4');
  });
});
