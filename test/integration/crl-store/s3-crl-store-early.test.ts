// S3CrlStore.getOnceKnown: on a cold container the CRL download needs only the CA id, so it
// starts before the CA certificate is read; the object is verified against the CA once known.
// Same answers as get(); a warm store behaves exactly like get().
import { describe, expect, it } from 'vitest';
import type { CertificateFacts } from '../../../lib/certificate/index.js';
import {
  advance,
  codeOf,
  crl,
  put,
  REFRESH_SECONDS,
  store,
  takeGets,
  useStoreFixture,
} from './store-fixture.js';

const f = useStoreFixture();

/** A CA read the test answers when it says (the CA's DescribeCACertificate, still in flight). */
function pendingCa(): {
  ca: Promise<CertificateFacts>;
  answer(facts: CertificateFacts): void;
  fail(error: Error): void;
} {
  let answer: (facts: CertificateFacts) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const ca = new Promise<CertificateFacts>((resolve, reject) => {
    answer = resolve;
    fail = reject;
  });
  return { ca, answer, fail };
}

/** Resolves once the server answered a GET of this test's CRL (the CA still unknown meanwhile). */
async function getSeen(): Promise<void> {
  for (let waited = 0; !f.server.gets(`crl/${f.caId}.crl`).some((r) => r.status !== 0); waited += 5) {
    if (waited > 5000) throw new Error('no GET of the CRL reached the server');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('S3CrlStore.getOnceKnown', () => {
  it('downloads a cold CA’s CRL before the CA is known, verifies it once it is, then serves it from memory', async () => {
    // Prepare
    await put(f, `crl/${f.caId}.crl`, crl(f, { crlNumber: 4, revoked: true }));
    takeGets(f);
    const crls = store(f);
    const read = pendingCa();

    // Act
    const result = crls.getOnceKnown(f.caId, read.ca);
    await getSeen();
    const beforeCa = takeGets(f);
    read.answer(f.caFacts);
    const first = await result;
    const second = await crls.getOnceKnown(f.caId, Promise.resolve(f.caFacts));
    const third = await crls.get(f.caId, f.caFacts);

    // Assess
    expect(beforeCa).toEqual([[undefined, 200]]);
    expect(takeGets(f)).toEqual([]);
    expect([first?.crlNumber, first?.lookup(f.deviceSerial)?.reason]).toEqual(['4', 'keyCompromise']);
    expect([second, third]).toEqual([first, first]);
  });

  it('shares one early download between concurrent events of one cold CA', async () => {
    // Prepare
    await put(f, `crl/${f.caId}.crl`, crl(f, { crlNumber: 5 }));
    takeGets(f);
    const crls = store(f);
    const reads = Array.from({ length: 5 }, () => pendingCa());

    // Act
    const results = reads.map((r) => crls.getOnceKnown(f.caId, r.ca));
    await getSeen();
    for (const r of reads.reverse()) r.answer(f.caFacts);
    const answers = await Promise.all(results);

    // Assess
    expect(takeGets(f)).toEqual([[undefined, 200]]);
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]?.crlNumber).toBe('5');
  });

  it('fails closed on an object the CA does not verify, as get does', async () => {
    // Prepare: a flipped bit in the signature.
    const tampered = Buffer.from(crl(f, { crlNumber: 6 }));
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 0x01;
    await put(f, `crl/${f.caId}.crl`, tampered);
    takeGets(f);
    const crls = store(f);

    // Act
    const early = await codeOf(crls.getOnceKnown(f.caId, Promise.resolve(f.caFacts)));
    const cached = await codeOf(crls.get(f.caId, f.caFacts));

    // Assess
    expect([early, cached]).toEqual(['CrlSignatureInvalid', 'CrlSignatureInvalid']);
    expect(takeGets(f)).toEqual([[undefined, 200]]);
  });

  it('answers null for a missing object, and fails with the CA read’s error caching nothing', async () => {
    // Prepare
    const crls = store(f);
    const failing = pendingCa();

    // Act
    const missing = await crls.getOnceKnown(f.caId, Promise.resolve(f.caFacts));
    const otherCa = `${f.caId.slice(0, -1)}0`;
    const result = crls.getOnceKnown(otherCa, failing.ca);
    failing.fail(new Error('CA not active'));
    const error = await result.then(
      () => null,
      (e: Error) => e.message,
    );
    await put(f, `crl/${otherCa}.crl`, crl(f, { crlNumber: 1 }));
    takeGets(f, `crl/${otherCa}.crl`);
    const afterwards = await crls.get(otherCa, f.caFacts);

    // Assess
    expect([missing, error, afterwards?.crlNumber]).toEqual([null, 'CA not active', '1']);
  });

  it('sends no early request for a CA it knows: after refreshSeconds it revalidates with If-None-Match', async () => {
    // Prepare
    const etag = await put(f, `crl/${f.caId}.crl`, crl(f, { crlNumber: 8 }));
    const crls = store(f);
    const first = await crls.get(f.caId, f.caFacts);
    takeGets(f);
    advance(f, REFRESH_SECONDS * 1000);

    // Act
    const revalidated = await crls.getOnceKnown(f.caId, Promise.resolve(f.caFacts));

    // Assess: the conditional request only (an early GET would be unconditional).
    expect(takeGets(f)).toEqual([[etag, 304]]);
    expect(revalidated).toBe(first);
  });
});
