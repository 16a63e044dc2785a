// scripts/test.mjs (`npm test`): typecheck, lint and build run at once, each failure is printed
// under its own name and fails the run with its exit code, and vitest runs only once all passed.
// Run over a copy of the script next to a package.json whose scripts are small shell lines.
import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'test.mjs');
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A project whose package.json has these scripts, and a `vitest` on its node_modules/.bin. */
async function project(scripts: Record<string, string>, vitest?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jitr-npm-test-'));
  dirs.push(dir);
  await mkdir(join(dir, 'scripts'));
  await mkdir(join(dir, 'node_modules', '.bin'), { recursive: true });
  await copyFile(SCRIPT, join(dir, 'scripts', 'test.mjs'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ scripts }));
  if (vitest === undefined) return dir;
  const bin = join(dir, 'node_modules', '.bin', 'vitest');
  await writeFile(bin, `#!/bin/sh\n${vitest}\n`);
  await chmod(bin, 0o755);
  return dir;
}

function run(
  dir: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dir, 'scripts', 'test.mjs'), ...args], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout }));
  });
}

describe('npm test (scripts/test.mjs)', () => {
  it('prints every failing check under its name, exits with the first one’s code and runs no test', async () => {
    const dir = await project(
      {
        typecheck: 'echo typecheck-said; exit 3',
        lint: 'echo lint-said >&2; exit 5',
        build: 'echo built',
      },
      'echo vitest-ran',
    );
    expect(await run(dir)).toEqual({
      status: 3,
      stdout:
        '\n> typecheck: echo typecheck-said; exit 3\ntypecheck-said\n> typecheck failed (exit 3)\n' +
        '\n> lint: echo lint-said >&2; exit 5\nlint-said\n> lint failed (exit 5)\n' +
        '\n> build: echo built\nbuilt\n',
    });
  });

  it('fails with the shell’s code for a check ended by a signal (128 + SIGTERM)', async () => {
    const dir = await project({ typecheck: 'true', lint: 'true', build: 'kill -TERM $$' }, 'echo vitest-ran');
    expect(await run(dir)).toEqual({
      status: 143,
      stdout: '\n> typecheck: true\n\n> lint: true\n\n> build: kill -TERM $$\n> build failed (exit 143)\n',
    });
  });

  it('runs the checks at once, then vitest with the arguments given, and exits with its code', async () => {
    // typecheck waits (at most 5 s) for the file build writes: it passes only if both run at once.
    const wait = 'i=0; until [ -f built ] || [ $i -ge 100 ]; do sleep 0.05; i=$((i+1)); done; [ -f built ]';
    const dir = await project(
      { typecheck: `${wait} && echo saw-build`, lint: 'true', build: 'touch built' },
      'echo "vitest $*"; exit 4',
    );
    expect(await run(dir, ['test/unit/x.test.ts'])).toEqual({
      status: 4,
      stdout:
        `\n> typecheck: ${wait} && echo saw-build\nsaw-build\n` +
        '\n> lint: true\n\n> build: touch built\n' +
        '\n> vitest run test/unit/x.test.ts\nvitest run test/unit/x.test.ts\n',
    });
  });

  it('says so, without a stack trace, and fails when vitest cannot be started', async () => {
    const dir = await project({ typecheck: 'true', lint: 'true', build: 'true' });
    // No vitest on node_modules/.bin nor on this PATH (sh is in /bin).
    expect(await run(dir, [], { PATH: '/usr/bin:/bin' })).toEqual({
      // 'close' after ENOENT carries code -2: exit(-2) is 254.
      status: 254,
      stdout: '\n> typecheck: true\n\n> lint: true\n\n> build: true\n\n> vitest run \nspawn vitest ENOENT\n',
    });
  });
});
