// CAs for tests, generated at run time (never written to the repo) and cached per test worker:
// key generation (RSA-2048 especially) is the slow part of every PKI test.
import { type Ca, createCa } from '../../lib/pki/index.js';

/** A fixed clock for tests: certificates are issued relative to it. */
export const NOW = new Date('2026-06-01T12:00:00Z');

const cache = new Map<string, Ca>();

function cached(name: string, make: () => Ca): Ca {
  let ca = cache.get(name);
  if (ca === undefined) {
    ca = make();
    cache.set(name, ca);
  }
  return ca;
}

/** RSA-2048 CA signing with RSA PKCS#1 v1.5 SHA-256. */
export const rsaCa = (): Ca =>
  cached('rsa', () =>
    createCa({ keyType: 'rsa', rsaBits: 2048, subject: 'C=JP,O=Example Corp,CN=Example RSA CA', now: NOW }),
  );

/** EC P-256 CA signing with ECDSA SHA-256. */
export const ecCa = (): Ca =>
  cached('p256', () =>
    createCa({ keyType: 'ec', curve: 'P-256', subject: 'C=JP,O=Example Corp,CN=Example EC CA', now: NOW }),
  );

/** EC P-384 CA signing with ECDSA SHA-384. */
export const p384Ca = (): Ca =>
  cached('p384', () =>
    createCa({ keyType: 'ec', curve: 'P-384', subject: 'C=JP,O=Example Corp,CN=Example P-384 CA', now: NOW }),
  );

/** A second EC CA with the **same subject** as {@link ecCa} but another key (impostor). */
export const impostorEcCa = (): Ca =>
  cached('impostor', () =>
    createCa({ keyType: 'ec', curve: 'P-256', subject: 'C=JP,O=Example Corp,CN=Example EC CA', now: NOW }),
  );

/** An unrelated EC CA (different subject, different key). */
export const otherCa = (): Ca =>
  cached('other', () =>
    createCa({ keyType: 'ec', curve: 'P-256', subject: 'C=US,O=Other Inc,CN=Other CA', now: NOW }),
  );
