// `npm run bench -- coldstart [--runs N]`: the handler bundle's size and module-init time.
//
// Method (shared perf anchors §B): each load is a fresh `node --no-warnings -e "require(X)"`;
// every case runs once to warm the file cache, then N times round-robin; the value is the
// median wall time minus the median of `node -e 0`. Next to dist/handlers/jitr.cjs (built by
// `npm run build`, which `npm run bench` runs first) a bundle holding only `new IoTClient()` is
// built in the same run with the same esbuild options, so the ratio is machine-independent.
// Targets (issue 4): bundle ≤ 1 MB, init ≤ 1.8 × the bare IoTClient.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAX_BYTES = 1_000_000;
const MAX_RATIO = 1.8;

interface Case {
  name: string;
  file: string | null;
}

interface Row {
  bundle: string;
  bytes: number;
  gzipBytes: number;
  medianMs: number;
  initOverNodeMs: number;
  minMs: number;
  maxMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Builds the bare-IoTClient bundle with the handler's esbuild options. */
async function buildBareClient(dir: string): Promise<string> {
  const build = (await import(pathToFileURL(join(ROOT, 'scripts', 'build.mjs')).href)) as {
    handlerBuildOptions: esbuild.BuildOptions;
  };
  const outfile = join(dir, 'iot-client-only.cjs');
  await esbuild.build({
    ...build.handlerBuildOptions,
    stdin: {
      // What a Lambda does at minimum: one client at module scope.
      contents:
        "import { IoTClient } from '@aws-sdk/client-iot';\nconst iot = new IoTClient({});\nexport const handler = async () => iot.config.region();\n",
      resolveDir: ROOT,
      sourcefile: 'iot-client-only.ts',
      loader: 'ts',
    },
    outfile,
  });
  return outfile;
}

function timeOnce(file: string | null, env: NodeJS.ProcessEnv): number {
  const args = file === null ? ['-e', '0'] : ['--no-warnings', '-e', `require(${JSON.stringify(file)})`];
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${file ?? 'node -e 0'} failed: ${result.stderr}`);
  return ms;
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string', default: '10' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  const handler = join(ROOT, 'dist', 'handlers', 'jitr.cjs');
  statSync(handler); // npm run bench builds it first
  const dir = mkdtempSync(join(tmpdir(), 'jitr-coldstart-'));
  try {
    const bare = await buildBareClient(dir);
    const cases: Case[] = [
      { name: 'node -e 0', file: null },
      { name: 'iot-client-only.cjs', file: bare },
      { name: 'dist/handlers/jitr.cjs', file: handler },
    ];
    // A valid configuration, so that module init builds everything a deployed container does.
    const env = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      CRL_BUCKET: 'bench-crls',
      POWERTOOLS_SERVICE_NAME: 'jitr',
    };
    const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
    for (let round = -1; round < runs; round++) {
      for (const c of cases) {
        const ms = timeOnce(c.file, env);
        if (round >= 0) samples.get(c.name)?.push(ms);
      }
    }
    const base = median(samples.get('node -e 0') ?? []);
    const rows: Row[] = cases.map((c) => {
      const ms = samples.get(c.name) ?? [];
      const bytes = c.file === null ? 0 : readFileSync(c.file).length;
      return {
        bundle: c.name,
        bytes,
        gzipBytes: c.file === null ? 0 : gzipSync(readFileSync(c.file), { level: 9 }).length,
        medianMs: +median(ms).toFixed(1),
        initOverNodeMs: +(median(ms) - base).toFixed(1),
        minMs: +Math.min(...ms).toFixed(1),
        maxMs: +Math.max(...ms).toFixed(1),
      };
    });
    const bareRow = rows[1] as Row;
    const handlerRow = rows[2] as Row;
    const ratio = +(handlerRow.initOverNodeMs / bareRow.initOverNodeMs).toFixed(2);
    const result = {
      node: process.version,
      runs,
      rows,
      ratio,
      targets: {
        bundleBytes: { max: MAX_BYTES, actual: handlerRow.bytes, ok: handlerRow.bytes <= MAX_BYTES },
        initRatio: { max: MAX_RATIO, actual: ratio, ok: ratio <= MAX_RATIO },
      },
    };
    const table = [
      '| bundle | bytes | gzip -9 | median ms | init over `node -e 0` (ms) | min | max |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map(
        (r) =>
          `| ${r.bundle} | ${r.bytes.toLocaleString('en')} | ${r.gzipBytes.toLocaleString('en')} | ${r.medianMs} | ${r.initOverNodeMs} | ${r.minMs} | ${r.maxMs} |`,
      ),
    ];
    process.stdout.write(`${table.join('\n')}\n\n`);
    process.stdout.write(
      `bundle ${handlerRow.bytes.toLocaleString('en')} B (target ≤ ${MAX_BYTES.toLocaleString('en')}): ${result.targets.bundleBytes.ok ? 'OK' : 'MISSED'}\n` +
        `init ${ratio}× the bare IoTClient (target ≤ ${MAX_RATIO}×): ${result.targets.initRatio.ok ? 'OK' : 'MISSED'}\n`,
    );
    const out = join(ROOT, 'test', 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'coldstart.json'), `${JSON.stringify(result, null, 2)}\n`);
    if (!result.targets.bundleBytes.ok || !result.targets.initRatio.ok) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
