// The conventions every `jitr` command follows (README, "Command-line tool"): usage errors are
// reported as such with exit 2, failures with exit 1, never with a stack trace; required options
// are marked in the help and every command has an example and takes --json.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure } from '../../../lib/cli/errors.js';
import { buildJitrProgram } from '../../../lib/cli/jitr-program.js';
import { runProgram } from '../../../lib/cli/program.js';
import { createCliRuntime } from '../../../lib/runtime/cli-runtime.js';
import { captureOutput } from '../../helpers/capture-output.js';

const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

async function jitr(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { value, stdout, stderr } = await captureOutput(() =>
    runProgram(buildJitrProgram(version, createCliRuntime({})), ['node', 'jitr', ...args]),
  );
  return { code: value, stdout, stderr };
}

function leaves(command: Command): Command[] {
  return command.commands.length === 0 ? [command] : command.commands.flatMap(leaves);
}

function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitr-cli-conventions-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('jitr help', () => {
  const program = buildJitrProgram(version, createCliRuntime({}));
  const commands = leaves(program);

  it.each(
    commands.map((c) => [c.parent?.name() === 'jitr' ? c.name() : `${c.parent?.name()} ${c.name()}`, c]),
  )('%s marks its required options, shows an example and takes --json', (_name, command) => {
    // Act
    const help = helpOf(command as Command);
    // Assess
    for (const option of (command as Command).options.filter((o) => o.mandatory)) {
      expect(help).toMatch(new RegExp(`${option.long} [^\\n]*\\n?[^\\n]*\\(required\\)`));
    }
    expect(help).toMatch(/\nExample:\n {2}\$ npx jitr /);
    expect((command as Command).options.some((o) => o.long === '--json')).toBe(true);
  });

  it('documents the exit codes in the top-level help', () => {
    expect(helpOf(program)).toContain(
      'Exit codes: 0 ok, 1 a check or operation failed, 2 usage error, 130 interrupted.',
    );
  });
});

describe('jitr exit codes and errors', () => {
  it('prints the version and exits 0', async () => {
    expect(await jitr('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('reports a misspelt option as unknown (not the required option it misses), exit 2', async () => {
    expect(await jitr('template', 'render', '--tempalte', 'x.json')).toEqual({
      code: 2,
      stdout: '',
      stderr: [
        "error InvalidCommandLine: unknown option '--tempalte'",
        '  while: jitr template render',
        '  remedy: Run jitr template render --help for its options and an example.',
        '',
      ].join('\n'),
    });
  });

  it('reports a malformed value without a stack trace, exit 2', async () => {
    const result = await jitr('sandbox', 'start', '--port', 'abc');
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      "error InvalidCommandLine: option '--port <n>' argument 'abc' is invalid. expected a port number from 1 to 65529 (the sandbox uses N to N+6), got abc",
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a queue name where a queue URL is needed, with how to find the URL', async () => {
    const result = await jitr('replay', '--queue-url', 'jitr-dlq', '--local', '--dry-run');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('aws sqs get-queue-url --queue-name jitr-dlq');
  });

  it('names a missing file by its option, exit 1; with --json stdout holds the error as JSON', async () => {
    const missing = join(dir, 'nope.json');
    const human = await jitr('template', 'check', missing);
    const json = await jitr('template', 'render', '--template', missing, '--json');
    expect(human).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        `error FileNotFound: the template ${missing} does not exist`,
        '  while: jitr template check',
        `  remedy: Check the path (a relative path starts at ${process.cwd()}).`,
        '',
      ].join('\n'),
    });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).error).toMatchObject({
      code: 'FileNotFound',
      step: 'jitr template render',
      message: `--template ${missing} does not exist`,
    });
    const explain = await jitr('template', 'explain', '--template', missing, '--cert', missing);
    expect([explain.code, explain.stderr.split('\n').slice(0, 2)]).toEqual([
      1,
      [`error FileNotFound: --template ${missing} does not exist`, '  while: jitr template explain'],
    ]);
  });

  it('takes a DER CA in crl inspect, as its help promises', async () => {
    const { createCa, buildCrl } = await import('../../../lib/pki/index.js');
    const { writeFile } = await import('node:fs/promises');
    const ca = createCa({ keyType: 'ec', subject: 'CN=DER CA' });
    await writeFile(join(dir, 'ca.der'), ca.certificateDer);
    await writeFile(
      join(dir, 'crl.der'),
      buildCrl({
        ca,
        entries: [],
        crlNumber: 1n,
        thisUpdate: new Date(),
        nextUpdate: new Date(Date.now() + 86_400_000),
      }),
    );
    const result = await jitr('crl', 'inspect', '--crl', join(dir, 'crl.der'), '--ca', join(dir, 'ca.der'));
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, signatureValid: true });
  });

  it('reports a port in use as PortInUse and names LocalStack, exit 1', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const result = await jitr('sandbox', 'start', '--port', String(port));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`error PortInUse: port 127.0.0.1:${port} is already in use`);
      expect(result.stderr).toContain('LocalStack also uses 4566');
      expect(result.stderr).toContain('the sandbox uses N to N+6');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.each([
    [
      ['sandbox', 'start', '--jitr', '--host', '0.0.0.0'],
      'error InvalidCommandLine: --host cannot be used with --jitr (its endpoints listen on 127.0.0.1; its bucket and queue are --crl-bucket and --dlq)',
    ],
    [
      ['sandbox', 'start', '--jitr', '--bucket', 'b', '--queue', 'q'],
      'error InvalidCommandLine: --bucket, --queue cannot be used with --jitr (its endpoints listen on 127.0.0.1; its bucket and queue are --crl-bucket and --dlq)',
    ],
    [
      ['sandbox', 'start', '--crl-bucket', 'crls'],
      'error InvalidCommandLine: --crl-bucket only apply with --jitr',
    ],
  ])('refuses a sandbox option its form would ignore, exit 2: %s', async (args, first) => {
    // Act
    const result = await jitr(...args);
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').slice(0, 2)).toEqual([first, '  while: jitr sandbox start']);
  });

  it.each([
    [['device', 'connect', '--endpoint', 'a b', '--cert', 'c.pem', '--key', 'k.pem'], 'jitr device connect'],
    [['device', 'fleet', '--dir', 'pki', '--count', '0', '--endpoint', '127.0.0.1'], 'jitr device fleet'],
  ])('names the device subcommand an error happened in: %s', async (args, command) => {
    // Act
    const result = await jitr(...args);
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[1]).toBe(`  while: ${command}`);
    expect(result.stderr).toContain(`remedy: Give `);
  });

  it.each([
    [
      ['revocation', 'sweep', '--ca', 'a'.repeat(64)],
      'error ConfigurationInvalid: REGISTRATION_STATE_TABLE is not set but the revocation sweep reads the ledger in that table',
      '  while: jitr revocation sweep',
      '  remedy: Set REGISTRATION_STATE_TABLE to the name of the registration-state table (stack output RegistrationStateTableName) in the environment (or pass --table), then run jitr revocation sweep again.',
    ],
    [
      ['reconcile', '--ca', 'a'.repeat(64)],
      'error ConfigurationInvalid: CRL_BUCKET is not set but CRL_MODE is required',
      '  while: jitr reconcile',
      '  remedy: Set CRL_BUCKET to the name of the S3 bucket holding the CRLs (or CRL_MODE=optional) in the environment, then run jitr reconcile again.',
    ],
  ])(
    'gives a configuration error the remedy of a shell, not of the deployed function: %s',
    async (args, ...lines) => {
      // Act
      const result = await jitr(...args);
      // Assess
      expect(result).toEqual({ code: 1, stdout: '', stderr: `${lines.join('\n')}\n` });
    },
  );
});

describe('describeFailure', () => {
  it('turns an unreachable endpoint (Node 20 happy-eyeballs AggregateError) into EndpointUnreachable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 9,
    });
    const aggregate = Object.assign(new AggregateError([refused], ''), {
      code: 'ECONNREFUSED',
      $metadata: {},
    });
    const e = describeFailure(aggregate, 'jitr doctor');
    expect({ code: e.code, message: e.message, step: e.step }).toEqual({
      code: 'EndpointUnreachable',
      message: 'nothing answers at 127.0.0.1:9 (ECONNREFUSED)',
      step: 'jitr doctor',
    });
    expect(e.remedy).toContain('AWS_ENDPOINT_URL_');
  });

  it('turns a host that does not resolve into HostNotFound', () => {
    const e = describeFailure(
      Object.assign(new Error('getaddrinfo ENOTFOUND iot.eu-west-1.amazonaws.com'), {
        code: 'ENOTFOUND',
        hostname: 'iot.eu-west-1.amazonaws.com',
      }),
      'jitr reconcile',
    );
    expect([e.code, e.message]).toEqual([
      'HostNotFound',
      'cannot resolve iot.eu-west-1.amazonaws.com (ENOTFOUND)',
    ]);
  });

  it('keeps an AWS error name and says a bug is a bug', () => {
    const aws = describeFailure(
      Object.assign(new Error('Queue does not exist'), {
        name: 'QueueDoesNotExist',
        $metadata: { httpStatusCode: 400 },
      }),
      'jitr replay',
    );
    expect([aws.code, aws.awsErrorName]).toEqual(['AwsRequestFailed', 'QueueDoesNotExist']);
    expect(describeFailure(new TypeError('x is undefined'), 'jitr').code).toBe('UnexpectedError');
  });

  it('turns the SDK without a region (SQS, S3, Lambda clients) into AwsRegionMissing, not a bug', () => {
    const e = describeFailure(new Error('Region is missing'), 'jitr replay');
    expect([e.code, e.message, e.step]).toEqual([
      'AwsRegionMissing',
      'no AWS region is configured',
      'jitr replay',
    ]);
  });
});
