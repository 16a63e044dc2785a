// One measurement in a fresh process (bundled by crl.bench.ts, run as `node --expose-gc`).
//   load CRL CA HITS  → in-process loadCrl time, peak RSS, lookup ns (hit/miss), full-GC ms
//   certparse PEM     → parseCertificate µs per call (subject + serial extraction)
// Prints one JSON line.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseCertificate } from '../../../lib/certificate/index.js';
import { loadCrl } from '../../../lib/crl/index.js';
import { certificateParameters } from '../../../lib/template/certificate-parameters.js';

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
};
const gc = (globalThis as { gc?: () => void }).gc;

function measureLoad(crlPath: string, caPath: string, hitsPath: string): Record<string, number> {
  const ca = parseCertificate(readFileSync(caPath, 'utf8'));
  const bytes = readFileSync(crlPath);
  // Minimum of 7 full GCs: on a shared machine preemption only ever adds time, so the
  // minimum is the better estimate of the collector's own work.
  const gcTimes = (): number => {
    if (gc === undefined) return Number.NaN;
    gc();
    gc();
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = process.hrtime.bigint();
      gc();
      times.push(ms(t));
    }
    return Math.min(...times);
  };
  // Baseline: a full GC with nothing of the CRL retained but its bytes (the same process).
  const gcBaselineMs = gcTimes();
  const rssBefore = process.resourceUsage().maxRSS / 1024;
  const t0 = process.hrtime.bigint();
  const crl = loadCrl(bytes, ca, { now: new Date(), maxStalenessSeconds: 0 });
  const loadMs = ms(t0);
  const rssPeak = process.resourceUsage().maxRSS / 1024;

  // Full GC while the CRL (buffer + offset index) is retained, as in a warm Lambda.
  const gcMs = gcTimes();

  // Lookups: serials known to be on the CRL (hits) and random ones (misses).
  const hitBytes = readFileSync(hitsPath);
  const hits: Buffer[] = [];
  for (let i = 0; i + 16 <= hitBytes.length; i += 16) hits.push(hitBytes.subarray(i, i + 16));
  const misses = Array.from({ length: 4096 }, () => randomBytes(16));
  const run = (queries: Buffer[], n: number): [number, number] => {
    let found = 0;
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) if (crl.lookup(queries[i % queries.length] as Buffer) !== null) found++;
    return [(ms(t) * 1e6) / n, found];
  };
  const n = 200_000;
  run(hits, n);
  run(misses, n);
  const hitRuns: number[] = [];
  const missRuns: number[] = [];
  let hitFound = 0;
  let missFound = 0;
  for (let r = 0; r < 5; r++) {
    const [h, hf] = run(hits, n);
    const [m, mf] = run(misses, n);
    hitRuns.push(h);
    missRuns.push(m);
    hitFound = hf;
    missFound = mf;
  }
  if (hitFound !== n || missFound !== 0)
    throw new Error(`lookup check failed: ${hitFound}/${n} hits, ${missFound} false hits`);
  return {
    entries: crl.entryCount,
    load_ms: loadMs,
    rss_before_mb: rssBefore,
    rss_peak_mb: rssPeak,
    lookup_hit_ns: Math.min(...hitRuns),
    lookup_miss_ns: Math.min(...missRuns),
    full_gc_ms: gcMs,
    full_gc_baseline_ms: gcBaselineMs,
  };
}

function measureCertParse(pemPath: string): Record<string, number> {
  const pem = readFileSync(pemPath, 'utf8');
  let sink = 0;
  for (let i = 0; i < 2000; i++) sink += parseCertificate(pem).serialBytes.length;
  const times: number[] = [];
  for (let i = 0; i < 10_000; i++) {
    const t = process.hrtime.bigint();
    const facts = parseCertificate(pem);
    sink += certificateParameters(facts, facts.sha256)['AWS::IoT::Certificate::CommonName']?.length ?? 0;
    times.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  return { parse_us: median(times), sink };
}

const [mode, ...args] = process.argv.slice(2);
const out =
  mode === 'load'
    ? measureLoad(args[0] as string, args[1] as string, args[2] as string)
    : measureCertParse(args[0] as string);
process.stdout.write(`${JSON.stringify(out)}\n`);
