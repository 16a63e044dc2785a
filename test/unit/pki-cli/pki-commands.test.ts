// The commander wiring of `jitr pki`: option names, defaults, lazy loading, JSON on stdout,
// typed errors on stderr with exit code 1.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerPkiCommands } from '../../../lib/cli/pki-commands.js';
import { JitrCommand } from '../../../lib/cli/program.js';
import { createCliRuntime } from '../../../lib/runtime/cli-runtime.js';
import { captureOutput } from '../../helpers/capture-output.js';

function program(): JitrCommand {
  const root = new JitrCommand('jitr').exitOverride().enablePositionalOptions();
  registerPkiCommands(root, createCliRuntime(process.env));
  return root;
}

async function run(
  args: string[],
): Promise<{ stdout: string; stderr: string; exitCode: number | undefined }> {
  const { stdout, stderr, exitCode } = await captureOutput(() =>
    program().parseAsync(['node', 'jitr', 'pki', ...args]),
  );
  return { stdout, stderr, exitCode };
}

describe('registerPkiCommands', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jitr-pki-cmd-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('registers the six pki commands', () => {
    // Act
    const pki = program().commands.find((c) => c.name() === 'pki');

    // Assess
    expect(pki?.commands.map((c) => c.name())).toEqual([
      'create-ca',
      'verification-cert',
      'issue-device',
      'revoke',
      'crl',
      'publish-crl',
    ]);
  });

  it('runs create-ca, issue-device, revoke and crl from the command line and prints JSON', async () => {
    // Act
    const ca = await run(['create-ca', '--dir', dir, '--key-type', 'ec', '--subject', 'CN=Cmd CA']);
    const device = await run(['issue-device', '--dir', dir, '--subject', 'CN=cmd-1', '--days', '10']);
    const serial = (JSON.parse(device.stdout) as { serial: string }).serial;
    const revoked = await run(['revoke', '--dir', dir, '--serial', serial, '--reason', 'superseded']);
    const crl = await run(['crl', '--dir', dir, '--next-update-days', '3']);

    // Assess
    expect([ca.exitCode, device.exitCode, revoked.exitCode, crl.exitCode]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(JSON.parse(ca.stdout)).toEqual(
      expect.objectContaining({ subject: 'CN=Cmd CA', keyAlgorithm: { type: 'ec', curve: 'P-256' } }),
    );
    expect(JSON.parse(revoked.stdout)).toEqual(
      expect.objectContaining({ serial, reason: 'superseded', alreadyRevoked: false }),
    );
    expect(JSON.parse(crl.stdout)).toEqual(expect.objectContaining({ crlNumber: 1, entryCount: 1 }));
    expect((await readFile(join(dir, 'crl.der'))).length).toBe(
      (JSON.parse(crl.stdout) as { bytes: number }).bytes,
    );
  });

  it('prints the error code and remedy and sets exit code 1 on a typed error', async () => {
    // Act
    const result = await run(['crl', '--dir', join(dir, 'missing')]);

    // Assess
    expect(result).toEqual({
      stdout: '',
      stderr:
        `error PkiCaNotFound: No CA found at ${join(dir, 'missing')}\n` +
        '  while: jitr pki crl (step pki)\n' +
        `  at: ${join(dir, 'missing')}\n` +
        '  remedy: Run jitr pki create-ca first, or pass --dir with the CA directory.\n',
      exitCode: 1,
    });
  });
});
