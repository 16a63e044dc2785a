// Runs the built CLI (bin/jitr.mjs) in a child process, as a user does: only the environment
// given, stdout and stderr captured, the exit code returned (never thrown).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './e2e-bundle.js';

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runJitr(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  try {
    const r = await run(process.execPath, [join(repoRoot, 'bin', 'jitr.mjs'), ...args], {
      env: { PATH: process.env.PATH ?? '', AWS_MAX_ATTEMPTS: '1', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
