// `npm run bench -- crl [--sizes 1000,100000,1000000] [--runs 5] [--keep]`
//
// Generates 1k / 100k / 1M-entry CRLs (pure-Node builder, EC P-256 CA, random 16-byte serials,
// a reasonCode on every 4th entry: the perf anchors' §A.0 mix) in a temp dir, then measures,
// each in fresh processes, (1) in-process loadCrl time, peak RSS, lookup ns and full-GC ms with
// the CRL cached (test/bench/crl/measure.ts, bundled with esbuild), (2) whole-process
// `node bin/jitr.mjs crl inspect` against `openssl crl -inform DER -noout -verify -CAfile`
// on the same files in the same run, (3) device-certificate parse µs. Prints a table with
// ratios and the issue 3 targets, and writes test/bench/results/crl.json. Cells are medians
// over the fresh processes; inside a process, lookup and GC times are the minimum of their
// repeats (preemption on a shared machine only adds time), and load also shows the best run.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { buildCrl, type CrlEntryInput, createCa, issueDeviceCertificate } from '../../lib/pki/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TARGETS = {
  load_ms_1m: 200,
  rss_mb_1m: 150,
  lookup_ns: 1000,
  gc_ms: 5,
  inspect_ratio: 0.5,
  parse_us: 20,
};
const REASONS = ['keyCompromise', 'superseded', 'cessationOfOperation', 'affiliationChanged'] as const;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const round = (x: number, d = 1): number => Number(x.toFixed(d));

function option(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : fallback;
}

function* entries(serials: Buffer, n: number): Generator<CrlEntryInput> {
  const base = Date.UTC(2025, 0, 1);
  for (let i = 0; i < n; i++) {
    yield {
      serial: serials.subarray(16 * i, 16 * i + 16),
      revocationDate: new Date(base + ((i * 37) % 31_536_000) * 1000),
      ...((i & 3) === 0 ? { reason: REASONS[(i >> 2) & 3] } : {}),
    };
  }
}

/** Wall ms and peak RSS (MB, from /usr/bin/time) of one command; throws when it fails. */
function timeCommand(
  cmd: string,
  args: string[],
): { ms: number; rssMb: number; stdout: string; stderr: string } {
  const useTime = existsSync('/usr/bin/time');
  const t0 = process.hrtime.bigint();
  const r = useTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-600)}`);
  const lines = r.stderr.trim().split('\n');
  const rssMb = useTime ? Number(lines.pop()) / 1024 : Number.NaN;
  return { ms, rssMb, stdout: r.stdout, stderr: lines.join('\n') };
}

function hasOpenssl(): boolean {
  return spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
}

export async function run(argv: string[]): Promise<void> {
  const sizes = option(argv, 'sizes', '1000,100000,1000000').split(',').map(Number);
  const runs = Number(option(argv, 'runs', '5'));
  const dir = mkdtempSync(join(tmpdir(), 'jitr-crl-bench-'));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    // 1. Fixtures: CA, device certificate, CRLs and a sample of serials on each CRL.
    const ca = createCa({
      keyType: 'ec',
      curve: 'P-256',
      subject: 'C=US,O=Perf Anchors,CN=Perf Anchors Test CA',
    });
    const caPath = join(dir, 'ca.pem');
    writeFileSync(caPath, ca.certificatePem);
    const device = issueDeviceCertificate({
      ca,
      keyType: 'ec',
      serial: randomBytes(16).fill(0xf0, 0, 1),
      subject:
        'C=DE,ST=Bavaria,O=Example Devices GmbH,OU=Sensors Division,CN=sensor-0042.example.com,serialNumber=SN-000042-ABCDEF,dnQualifier=fleet-eu-1',
      san: { dns: ['sensor-0042.example.com'] },
    });
    const devicePath = join(dir, 'device.pem');
    writeFileSync(devicePath, device.certificatePem);
    const files: { n: number; crl: string; hits: string; bytes: number; genMs: number; probe: string }[] = [];
    for (const n of sizes) {
      const serials = randomBytes(16 * n);
      for (let i = 0; i < n; i++) serials[16 * i] = (serials[16 * i] as number) & 0x7f || 1; // positive, minimal
      const t0 = process.hrtime.bigint();
      const der = buildCrl({ ca, entries: entries(serials, n), thisUpdate: new Date(Date.now() - 60_000) });
      const genMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const crl = join(dir, `crl-${n}.der`);
      writeFileSync(crl, der);
      const step = Math.max(1, Math.floor(n / 4096));
      const sample: Buffer[] = [];
      for (let i = 0; i < n; i += step) sample.push(serials.subarray(16 * i, 16 * i + 16));
      const hits = join(dir, `hits-${n}.bin`);
      writeFileSync(hits, Buffer.concat(sample));
      files.push({ n, crl, hits, bytes: der.length, genMs, probe: serials.subarray(0, 16).toString('hex') });
      log(`generated ${n} entries: ${der.length} bytes in ${round(genMs)} ms`);
    }

    // 2. In-process measurements, one fresh process each.
    const measure = join(dir, 'measure.mjs');
    await esbuild.build({
      entryPoints: [join(root, 'test/bench/crl/measure.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: measure,
      logLevel: 'warning',
    });
    const inProcess = new Map<number, Record<string, number>>();
    for (const f of files) {
      const samples: Record<string, number>[] = [];
      for (let r = 0; r < runs; r++) {
        const out = timeCommand(process.execPath, ['--expose-gc', measure, 'load', f.crl, caPath, f.hits]);
        samples.push(JSON.parse(out.stdout) as Record<string, number>);
      }
      const keys = Object.keys(samples[0] ?? {});
      const agg: Record<string, number> = Object.fromEntries(
        keys.map((k) => [k, median(samples.map((s) => s[k] as number))]),
      );
      agg.load_ms_best = Math.min(...samples.map((s) => s.load_ms as number));
      inProcess.set(f.n, agg);
      log(`in-process ${f.n}: ${JSON.stringify(inProcess.get(f.n))}`);
    }
    const parseUs = median(
      Array.from(
        { length: runs },
        () =>
          (
            JSON.parse(timeCommand(process.execPath, [measure, 'certparse', devicePath]).stdout) as {
              parse_us: number;
            }
          ).parse_us,
      ),
    );

    // 3. Whole process: jitr crl inspect vs openssl crl -verify, interleaved, 1 warm-up each.
    const jitr = join(root, 'bin/jitr.mjs');
    const openssl = hasOpenssl();
    const whole = new Map<
      number,
      { jitrMs: number; jitrRss: number; opensslMs: number; opensslRss: number }
    >();
    for (const f of files) {
      const j: { ms: number; rssMb: number }[] = [];
      const o: { ms: number; rssMb: number }[] = [];
      for (let r = -1; r < runs; r++) {
        const a = timeCommand(process.execPath, [
          jitr,
          'crl',
          'inspect',
          '--crl',
          f.crl,
          '--ca',
          caPath,
          '--serial',
          f.probe,
        ]);
        const report = JSON.parse(a.stdout) as {
          valid: boolean;
          entryCount: number;
          serials: { revoked: boolean }[];
        };
        if (!report.valid || report.entryCount !== f.n || report.serials[0]?.revoked !== true) {
          throw new Error(`jitr crl inspect gave an unexpected report for ${f.crl}`);
        }
        const b = openssl
          ? timeCommand('openssl', [
              'crl',
              '-inform',
              'DER',
              '-in',
              f.crl,
              '-noout',
              '-verify',
              '-CAfile',
              caPath,
            ])
          : { ms: Number.NaN, rssMb: Number.NaN, stderr: 'verify OK' };
        if (!b.stderr.includes('verify OK')) throw new Error(`openssl did not verify ${f.crl}: ${b.stderr}`);
        if (r < 0) continue;
        j.push(a);
        o.push(b);
      }
      whole.set(f.n, {
        jitrMs: median(j.map((x) => x.ms)),
        jitrRss: median(j.map((x) => x.rssMb)),
        opensslMs: median(o.map((x) => x.ms)),
        opensslRss: median(o.map((x) => x.rssMb)),
      });
    }

    // 4. Report.
    const rows = files.map((f) => {
      const p = inProcess.get(f.n) ?? {};
      const w = whole.get(f.n) ?? {
        jitrMs: Number.NaN,
        jitrRss: Number.NaN,
        opensslMs: Number.NaN,
        opensslRss: Number.NaN,
      };
      return {
        entries: f.n,
        der_bytes: f.bytes,
        generate_ms: round(f.genMs),
        load_verify_index_ms: round(p.load_ms ?? Number.NaN, 2),
        load_best_ms: round(p.load_ms_best ?? Number.NaN, 2),
        peak_rss_mb: round(p.rss_peak_mb ?? Number.NaN),
        lookup_hit_ns: round(p.lookup_hit_ns ?? Number.NaN, 0),
        lookup_miss_ns: round(p.lookup_miss_ns ?? Number.NaN, 0),
        full_gc_ms: round(p.full_gc_ms ?? Number.NaN, 2),
        gc_without_crl_ms: round(p.full_gc_baseline_ms ?? Number.NaN, 2),
        inspect_ms: round(w.jitrMs),
        inspect_rss_mb: round(w.jitrRss),
        openssl_verify_ms: round(w.opensslMs),
        openssl_rss_mb: round(w.opensslRss),
        inspect_over_openssl: round(w.jitrMs / w.opensslMs, 2),
        // In-process load against openssl's whole run: machine-load-independent-ish (anchor 0.14×).
        load_over_openssl: round((p.load_ms ?? Number.NaN) / w.opensslMs, 3),
      };
    });
    const header = Object.keys(rows[0] ?? {});
    const table = [
      `| ${header.join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
      ...rows.map((r) => `| ${Object.values(r).join(' | ')} |`),
    ].join('\n');
    const big = rows.find((r) => r.entries === 1_000_000);
    const verdict = big
      ? {
          load_ms: `median ${big.load_verify_index_ms}, best ${big.load_best_ms} ≤ ${TARGETS.load_ms_1m}: ${big.load_verify_index_ms <= TARGETS.load_ms_1m} (median), ${big.load_best_ms <= TARGETS.load_ms_1m} (best)`,
          peak_rss_mb: `${big.peak_rss_mb} ≤ ${TARGETS.rss_mb_1m}: ${big.peak_rss_mb <= TARGETS.rss_mb_1m}`,
          lookup_miss_ns: `${big.lookup_miss_ns} ≤ ${TARGETS.lookup_ns}: ${big.lookup_miss_ns <= TARGETS.lookup_ns}`,
          lookup_hit_ns: `${big.lookup_hit_ns} ≤ ${TARGETS.lookup_ns}: ${big.lookup_hit_ns <= TARGETS.lookup_ns} (includes decoding the evidence)`,
          full_gc_ms: `${big.full_gc_ms} ≤ ${TARGETS.gc_ms}: ${big.full_gc_ms <= TARGETS.gc_ms}`,
          inspect_over_openssl: `${big.inspect_over_openssl} ≤ ${TARGETS.inspect_ratio}: ${big.inspect_over_openssl <= TARGETS.inspect_ratio}`,
        }
      : {};
    const parse = `device certificate parse + parameters: ${round(parseUs, 2)} µs (goal ≤ ${TARGETS.parse_us})`;
    const load = `load average during the run: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${cpus().length} CPUs`;
    process.stdout.write(
      `\n${table}\n\n${parse}\n${load}\n1M-entry targets: ${JSON.stringify(verdict, null, 1)}\n`,
    );
    const results = {
      bench: 'crl',
      date: new Date().toISOString(),
      node: process.version,
      openssl: openssl ? spawnSync('openssl', ['version'], { encoding: 'utf8' }).stdout.trim() : null,
      runs,
      loadavg: loadavg(),
      cpus: cpus().length,
      rows,
      certificate_parse_us: round(parseUs, 2),
      targets: TARGETS,
      verdict_1m: verdict,
    };
    mkdirSync(join(root, 'test/bench/results'), { recursive: true });
    writeFileSync(join(root, 'test/bench/results/crl.json'), `${JSON.stringify(results, null, 2)}\n`);
    log('wrote test/bench/results/crl.json');
  } finally {
    if (argv.includes('--keep')) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
