import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inspectCrl } from '../../../lib/cli/crl-inspect.js';
import { buildCrl } from '../../../lib/pki/index.js';
import { createCliRuntime } from '../../../lib/runtime/cli-runtime.js';
import { issuingDistributionPointExtension } from '../../helpers/distribution-points.js';
import { ecCa, NOW, otherCa } from '../../helpers/pki-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'jitr-crl-inspect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function files(crl: Buffer): { crl: string; ca: string } {
  const name = `crl-${Math.random().toString(36).slice(2)}.der`;
  writeFileSync(join(dir, name), crl);
  writeFileSync(join(dir, 'ca.pem'), ecCa().certificatePem);
  return { crl: join(dir, name), ca: join(dir, 'ca.pem') };
}

const REVOKED_AT = new Date('2026-05-20T08:30:00Z');
const crl = (ca = ecCa()) =>
  buildCrl({
    ca,
    entries: [{ serial: '00c0ffee', revocationDate: REVOKED_AT, reason: 'keyCompromise' }],
    thisUpdate: NOW,
    nextUpdate: new Date('2026-06-08T12:00:00Z'),
    crlNumber: 9,
  });

/** The CLI runtime as lib/cli/main.ts builds it, over the (stubbed) process environment. */
const cli = () => createCliRuntime(process.env);

describe('inspectCrl', () => {
  beforeEach(() => vi.stubEnv('CRL_MAX_STALENESS', ''));
  afterEach(() => vi.unstubAllEnvs());

  it('reports a valid, fresh CRL and the status of each serial', async () => {
    // Prepare
    const paths = files(crl());
    // Act
    const report = await inspectCrl(
      {
        ...paths,
        serial: ['C0:FF:EE', '01'],
        now: NOW.toISOString(),
        maxStaleness: '0',
      },
      cli(),
    );
    // Assess
    expect(report).toEqual({
      crl: paths.crl,
      maxStalenessSeconds: 0,
      valid: true,
      signatureValid: true,
      fresh: true,
      issuer: 'CN=Example EC CA,O=Example Corp,C=JP',
      version: 2,
      crlNumber: '9',
      thisUpdate: '2026-06-01T12:00:00.000Z',
      nextUpdate: '2026-06-08T12:00:00.000Z',
      entryCount: 1,
      signatureAlgorithm: 'ecdsa-sha256',
      distributionPoints: null,
      serials: [
        {
          serial: 'C0:FF:EE',
          revoked: true,
          revocationDate: '2026-05-20T08:30:00.000Z',
          reason: 'keyCompromise',
        },
        { serial: '01', revoked: false, revocationDate: null, reason: null },
      ],
    });
  });

  it('shows the distribution point a partitioned CRL is limited to', async () => {
    // Prepare
    const partitioned = buildCrl({
      ca: ecCa(),
      entries: [],
      thisUpdate: NOW,
      nextUpdate: new Date('2026-06-08T12:00:00Z'),
      extensions: [issuingDistributionPointExtension(['http://crl.example.com/p1.crl'])],
    });
    // Act
    const report = await inspectCrl({ ...files(partitioned), now: NOW.toISOString() }, cli());
    // Assess
    expect(report.distributionPoints).toEqual(['http://crl.example.com/p1.crl']);
  });

  it('reports a stale CRL as invalid but still shows its facts', async () => {
    const report = await inspectCrl({ ...files(crl()), now: '2026-06-08T13:00:01Z' }, cli());
    expect([
      report.valid,
      report.signatureValid,
      report.fresh,
      report.maxStalenessSeconds,
      report.error?.code,
    ]).toEqual([false, true, false, 3600, 'CrlStale']);
    expect(report.entryCount).toBe(1);
  });

  it('takes the grace from CRL_MAX_STALENESS when --max-staleness is absent', async () => {
    vi.stubEnv('CRL_MAX_STALENESS', '7200');
    const report = await inspectCrl({ ...files(crl()), now: '2026-06-08T13:00:01Z' }, cli());
    expect([report.valid, report.fresh, report.maxStalenessSeconds]).toEqual([true, true, 7200]);
  });

  it('reports a CRL from another CA as invalid with the error code', async () => {
    const paths = files(crl(otherCa()));
    const report = await inspectCrl({ ...paths, now: NOW.toISOString() }, cli());
    expect(report).toEqual({
      crl: paths.crl,
      maxStalenessSeconds: 3600,
      valid: false,
      signatureValid: false,
      fresh: false,
      error: {
        code: 'CrlIssuerMismatch',
        message:
          'CRL issuer "CN=Other CA,O=Other Inc,C=US" is not the CA "CN=Example EC CA,O=Example Corp,C=JP"',
        remedy:
          "Publish this CA's own CRL at the CA's key (CRL_KEY_TEMPLATE); another CA's CRL says nothing about it.",
      },
    });
  });

  it('refuses a malformed --max-staleness and --now', async () => {
    await expect(inspectCrl({ ...files(crl()), maxStaleness: '-1' }, cli())).rejects.toThrow(
      '--max-staleness must be whole seconds ≥ 0, got "-1"',
    );
    await expect(inspectCrl({ ...files(crl()), now: 'yesterday' }, cli())).rejects.toThrow(
      '--now is not a date: yesterday',
    );
  });
});
