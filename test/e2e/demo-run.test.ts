// The `npm run demo` entry point as a process: exit code, output, and cleanup on Ctrl-C.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureHandlerBundle, repoRoot } from '../helpers/e2e-bundle.js';

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
}

/** Starts the demo in its own process group (as a terminal would) and collects its output. */
function startDemo(): {
  child: ChildProcess;
  output: () => string;
  errors: () => string;
  finished: Promise<Finished>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'infra', 'demo', 'run.ts')], {
    cwd: repoRoot,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const finished = new Promise<Finished>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stdout }));
  });
  return { child, output: () => stdout, errors: () => stderr, finished };
}

async function waitFor(output: () => string, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`"${text}" never appeared in:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function refusesConnections(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code === 'ECONNREFUSED';
  }
}

describe('npm run demo (infra/demo/run.ts)', () => {
  beforeAll(async () => {
    await ensureHandlerBundle();
  });

  it('prints the device table and exits 0 when every story ends as expected', async () => {
    // Act
    const { finished } = startDemo();
    const { code, stdout } = await finished;

    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/^1 {2}demo-good-001 +ACTIVE +demo-good-001 +demo-fleet /m);
    expect(stdout).toMatch(/^2 {2}demo-revoked-002 +REVOKED /m);
    expect(stdout).toMatch(/^4 {2}demo-denied-004 +PENDING_ACTIVATION /m);
    expect(stdout).toMatch(/^5 {2}demo-denied-004 +ACTIVE +demo-denied-004 /m);
    expect(stdout).toMatch(/missing permission iot:CreateThing/);
    expect(stdout).toMatch(/^CertificateActivated +— +Count +2 +2 /m);
    expect(stdout).toMatch(/All 5 stories ended as expected in \d+\.\d s\.\n$/);
    expect(stdout).toMatch(
      /^Time to first connect \(story 1: refused → registered → activated → connected\): \d+\.\d\d s$/m,
    );
  }, 60_000);

  it('stops every server and removes its temp dir on Ctrl-C', async () => {
    // Prepare
    const { child, output, errors, finished } = startDemo();
    await waitFor(output, '1/5 a good device connects', 30_000);
    const workDir = /working in (\S+)/.exec(output())?.[1];
    const iotEndpoint = /sandbox up: IoT (\S+),/.exec(output())?.[1];

    // Act
    child.kill('SIGINT');
    const { code } = await finished;

    // Assess
    expect(code).toBe(130);
    expect(errors()).toContain('SIGINT: stopping every server the demo started');
    expect(workDir).toMatch(/jitr-demo-/);
    expect(existsSync(workDir ?? '')).toBe(false);
    expect(iotEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await refusesConnections(`${iotEndpoint}/things/x`)).toBe(true);
  }, 60_000);
});
