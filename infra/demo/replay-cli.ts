/**
 * Runs the real `jitr replay` command (bin/jitr.mjs, the built CLI) against the sandbox: the
 * DLQ over SQS, the deployed function over the sandbox's Lambda Invoke endpoint, the status
 * over IoT — exactly what an operator types, with the sandbox's endpoints in the environment.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReplayReport } from '../../lib/operations/replay/engine.js';

const JITR_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'jitr.mjs');

export interface CliReplay {
  /** The command line, as an operator would type it. */
  command: string;
  exitCode: number;
  report: ReplayReport | null;
  stderr: string;
}

export interface CliReplayOptions {
  queueUrl: string;
  functionName: string;
  certificateIds: readonly string[];
  /** The registration-state table: why queue-path events (bare in the DLQ) failed. */
  table?: string;
  /** The whole environment of the CLI process besides PATH (endpoints, region, credentials). */
  env: Record<string, string>;
}

/** The `jitr replay` arguments, and the command line an operator would type. */
export function replayCommand(options: CliReplayOptions): { args: string[]; command: string } {
  const args = [
    'replay',
    '--queue-url',
    options.queueUrl,
    '--function-name',
    options.functionName,
    '--rate',
    '10',
    '--visibility-timeout',
    '30',
    ...(options.table === undefined ? [] : ['--table', options.table]),
    ...(options.certificateIds.length === 0 ? [] : ['--certificate-id', ...options.certificateIds]),
  ];
  return { args, command: `jitr ${args.join(' ')}` };
}

/**
 * `jitr replay --queue-url URL --function-name NAME --certificate-id ID… --json`, with only the
 * sandbox's endpoints, region and credentials in the environment (never the caller's AWS
 * profile).
 */
export function replayWithCli(options: CliReplayOptions): Promise<CliReplay> {
  const { args, command } = replayCommand(options);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [JITR_BIN, ...args, '--json'],
      {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        let report: ReplayReport | null = null;
        try {
          report = JSON.parse(stdout) as ReplayReport;
        } catch {
          report = null;
        }
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ command, exitCode: code, report, stderr });
      },
    );
  });
}
