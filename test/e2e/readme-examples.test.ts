// Every shell example in the README that needs no SAM CLI, Docker or AWS account runs as
// written, in order, from the root of a fresh copy of the repository, against the sandbox the
// README starts (test/helpers/readme-runner.ts says exactly what the runner changes: ports, the
// AWS CLI stand-in, npm ci/npm test). Following the examples leaves no file git would commit.
import { readFileSync, realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/e2e-bundle.js';
import { readmeBlocks } from '../helpers/readme-examples.js';
import { type ReadmeRun, runReadmeExamples } from '../helpers/readme-runner.js';

const blocks = readmeBlocks(readFileSync(join(repoRoot, 'README.md'), 'utf8'));
let work: string;
let result: ReadmeRun;

async function refuses(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
  }
}

function tail(text: string): string {
  return text.split('\n').slice(-15).join('\n');
}

describe('README examples, run as a new user runs them', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'jitr-readme-'));
    const started = Date.now();
    result = await runReadmeExamples(blocks, repoRoot, work);
    process.stderr.write(
      `README runner: ${result.runs.length} steps in ${((Date.now() - started) / 1000).toFixed(1)} s (${result.runs
        .map((r) => `${r.kind}@${r.line} ${(r.ms / 1000).toFixed(1)} s`)
        .join(', ')})\n`,
    );
  }, 600_000);

  afterAll(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('runs every runnable block with its documented exit code', () => {
    // Prepare
    const runnable = blocks.filter((b) => b.kind === 'run' || b.kind === 'start');
    // Act
    const ran = result.runs.filter((r) => r.kind !== 'stop');
    const failures = ran
      .filter((r) => r.exit !== r.expectedExit)
      .map(
        (r) =>
          `README line ${r.line}: exit ${r.exit}, expected ${r.expectedExit}\n--- stdout\n${tail(r.stdout)}\n--- stderr\n${tail(r.stderr)}`,
      );
    // Assess
    expect(ran.map((r) => r.line)).toEqual(runnable.map((b) => b.line));
    expect(failures).toEqual([]);
  });

  it('stops every sandbox it started with Ctrl-C, and nothing answers on its ports afterwards', async () => {
    // Act
    const stops = result.runs.filter((r) => r.kind === 'stop');
    const endpoints = stops.flatMap((r) =>
      Object.entries(r.exports)
        .filter(([name]) => name.startsWith('AWS_ENDPOINT_URL_'))
        .map(([, url]) => url),
    );
    const answering = (
      await Promise.all(endpoints.map(async (url) => ((await refuses(url)) ? [] : [url])))
    ).flat();
    // Assess: npx forwards the Ctrl-C to jitr (which ends with 0), then ends by the same signal.
    expect(stops.map((r) => [r.line, r.exit ?? r.signal])).toEqual(
      blocks
        .filter((b) => b.kind === 'start')
        .reverse()
        .map((b) => [b.line, 'SIGINT']),
    );
    expect(endpoints.length).toBeGreaterThanOrEqual(12);
    expect(answering).toEqual([]);
  });

  it('runs `npx jitr` as npx does in the copy: its package.json bin, bin/jitr.mjs, with this node', () => {
    // Prepare
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      bin: { jitr: string };
      scripts: { prepare: string };
    };
    const copy = realpathSync(result.copy);
    // Assess: the real npx (npm's npx-cli.js) linked the copy into its cache, which ran the
    // copy's `prepare` build (dist/, as npm ci does), then ran the copy's own bin for `jitr`, and
    // nothing else; the runner's `npx jitr` execs exactly that file with that node.
    expect(pkg.scripts.prepare).toBe('node scripts/build.mjs --quiet');
    expect(result.npxProcesses).toEqual([
      {
        node: process.execPath,
        script: expect.stringMatching(/\/npm\/bin\/npx-cli\.js$/),
        args: ['jitr', '--version'],
      },
      { node: process.execPath, script: join(copy, 'scripts', 'build.mjs'), args: ['--quiet'] },
      { node: process.execPath, script: join(copy, pkg.bin.jitr), args: ['--version'] },
    ]);
  });

  it('leaves no file behind that git would pick up (./pki is ignored)', () => {
    // Assess
    expect(result.leftBehind).toEqual([]);
  });

  it('shows what the README promises at the steps that matter', () => {
    // Act
    const byLine = new Map(result.runs.filter((r) => r.kind === 'run').map((r) => [r.line, r]));
    const output = (text: string): string => {
      const block = blocks.find((b) => b.kind === 'run' && b.body.includes(text));
      const run = block === undefined ? undefined : byLine.get(block.line);
      return `${run?.stdout ?? ''}${run?.stderr ?? ''}`;
    };
    // Assess
    expect(output('npm run demo')).toContain('All 5 stories ended as expected');
    expect(output('--param AWS::IoT::Certificate::Country=DE')).toContain(
      '"thingTypeName": "lightBulb-versionA"',
    );
    expect(output("--can subscribe 'devices/lamp-0043/#'")).toContain('"allowed": false');
    expect(output('npm run invoke')).toContain('CertificateNotFound');
    expect(output('npx jitr device connect')).toMatch(
      /published to devices\/lamp-0001\/hello \(acknowledged\)/,
    );
    expect(output('npx jitr device fleet')).toMatch(/"devices": 5,\s+"connected": 5,/);
  });
});
