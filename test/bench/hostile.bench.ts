// `npm run bench -- hostile [--runs 20] [--mb 1]`
//
// Issue 9, class 6: adversarial PEM of about 1 MB must decode or fail in ≤ 50 ms. Builds
// inputs that defeat a backtracking PEM reader (endless BEGIN lines, BEGIN without END, a label
// that never closes, mismatched and nested boundaries, a huge well-formed block of random
// base64, dashes only), then times, in this process, `pemToDer` itself (no size cap), `loadCrl`
// (the CRL cap of 64 MiB lets 1 MB through to the decoder) and `parseCertificate` (its 64 KiB
// cap refuses first). Reports the worst of `--runs` per input and path, and writes
// test/bench/results/hostile.json.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCertificate } from '../../lib/certificate/index.js';
import { pemToDer } from '../../lib/certificate/pem.js';
import { loadCrl } from '../../lib/crl/index.js';
import { isJitrError } from '../../lib/errors/jitr-error.js';
import { createCa } from '../../lib/pki/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TARGET_MS = 50;

function option(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : fallback;
}

function fill(unit: string, bytes: number): string {
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

function inputs(bytes: number): Record<string, string> {
  const base64 = randomBytes(Math.floor((bytes * 3) / 4) - 64).toString('base64');
  return {
    'repeated BEGIN lines': fill('-----BEGIN X509 CRL-----\n', bytes),
    'BEGIN, then base64 without END': `-----BEGIN X509 CRL-----\n${fill('QUFB', bytes - 25)}`,
    'a label that never closes': `-----BEGIN ${fill('X', bytes - 11)}`,
    'BEGIN/END pairs with mismatched labels': fill(
      '-----BEGIN X509 CRL-----\nQUFB\n-----END CERTIFICATE-----\n',
      bytes,
    ),
    'skipped blocks of another label': fill(
      '-----BEGIN PUBLIC KEY-----\nQUFB\n-----END PUBLIC KEY-----\n',
      bytes,
    ),
    'nested BEGIN lines': fill('-----BEGIN X509 CRL-----\n-----BEGIN CRL-----\n', bytes),
    'dashes only': fill('-', bytes),
    'one huge block of random base64': `-----BEGIN X509 CRL-----\n${base64.replace(/.{64}/g, '$&\n')}\n-----END X509 CRL-----\n`,
    'bare base64 with a bad tail': `${fill('QUFB', bytes - 1)}!`,
  };
}

function worstMs(runs: number, fn: () => void): { worstMs: number; outcome: string } {
  let worst = 0;
  let outcome = 'ok';
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    try {
      fn();
      outcome = 'ok';
    } catch (error) {
      outcome = isJitrError(error) ? error.code : error instanceof Error ? error.name : 'thrown';
    }
    worst = Math.max(worst, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { worstMs: Number(worst.toFixed(2)), outcome };
}

export async function run(argv: string[]): Promise<void> {
  const runs = Number(option(argv, 'runs', '20'));
  const megabytes = Number(option(argv, 'mb', '1'));
  const bytes = Math.round(megabytes * 1024 * 1024);
  const ca = createCa({ keyType: 'ec', subject: 'CN=Bench CA' });
  const caFacts = parseCertificate(ca.certificatePem);
  const now = new Date();
  const rows: Record<string, unknown>[] = [];
  for (const [name, text] of Object.entries(inputs(bytes))) {
    const asBytes = Buffer.from(text, 'latin1');
    const pem = worstMs(runs, () => pemToDer(text, ['X509 CRL', 'CRL']));
    const crl = worstMs(runs, () => loadCrl(asBytes, caFacts, { now, maxStalenessSeconds: 0 }));
    const cert = worstMs(runs, () => parseCertificate(text));
    rows.push({
      input: name,
      bytes: text.length,
      pemToDer_ms: pem.worstMs,
      pemToDer: pem.outcome,
      loadCrl_ms: crl.worstMs,
      loadCrl: crl.outcome,
      parseCertificate_ms: cert.worstMs,
      parseCertificate: cert.outcome,
    });
  }
  const worst = Math.max(
    ...rows.flatMap((r) => [r.pemToDer_ms, r.loadCrl_ms, r.parseCertificate_ms] as number[]),
  );
  // loadCrl and parseCertificate must answer or throw a JitrError (outcome = its code), never
  // another exception (outcome = its class name, e.g. RangeError).
  const untyped = rows.filter((r) =>
    [r.loadCrl, r.parseCertificate].some((o) => String(o).endsWith('Error') || o === 'thrown'),
  );
  console.table(rows);
  const summary = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    loadavg: loadavg().map((x) => Number(x.toFixed(2))),
    runsPerCell: runs,
    inputBytes: bytes,
    targetMs: TARGET_MS,
    worstMs: worst,
    met: worst <= TARGET_MS && untyped.length === 0,
    rows,
  };
  writeFileSync(
    join(root, 'test', 'bench', 'results', 'hostile.json'),
    `${JSON.stringify(summary, null, 2)}\n`,
  );
  console.log(
    `worst ${worst} ms over ${rows.length} adversarial inputs of ${bytes} bytes (target ≤ ${TARGET_MS} ms): ${summary.met ? 'met' : 'NOT met'}; load average ${summary.loadavg.join(' ')}`,
  );
  if (!summary.met) process.exitCode = 1;
}
