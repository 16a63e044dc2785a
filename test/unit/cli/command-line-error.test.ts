// CommandLineError and InvalidOperationsOptionError are built from facts: the class writes the
// message and the remedy from the problem's kind; the codes stay what the README lists.
import { describe, expect, it } from 'vitest';
import { CommandLineError } from '../../../lib/cli/errors.js';
import { errorRecord } from '../../../lib/errors/jitr-error.js';
import { InvalidOperationsOptionError } from '../../../lib/operations/errors.js';

describe('CommandLineError', () => {
  it('builds message, remedy, step and details from the problem and the command', () => {
    // Act
    const error = new CommandLineError({ kind: 'required', option: '-e EVENT.json' }, 'npm run invoke');
    // Assess
    expect(errorRecord(error)).toEqual({
      name: 'InvalidCommandLineError',
      code: 'InvalidCommandLine',
      disposition: 'invalid-input',
      step: 'npm run invoke',
      message: '-e EVENT.json is required',
      remedy: 'Run npm run invoke -- --help for its options and an example.',
      details: { command: 'npm run invoke' },
    });
  });

  it.each([
    [
      { kind: 'parser', said: "unknown option '--tempalte'" },
      "unknown option '--tempalte'",
      'Run jitr x --help for its options and an example.',
    ],
    [
      {
        kind: 'not-a-choice',
        option: '--ingestion',
        value: 'fast',
        choices: ['queue', 'direct'],
        firstIsDefault: true,
      },
      '--ingestion fast is not queue or direct',
      'Give --ingestion queue (the default) or --ingestion direct.',
    ],
    [
      { kind: 'count-out-of-range', option: '--count', value: '0.5', max: 10_000 },
      '--count 0.5 is not a whole number up to 10000',
      'Give --count N with 1 ≤ N ≤ 10000.',
    ],
    [
      { kind: 'not-with-jitr', options: ['--bucket', '--queue'] },
      '--bucket, --queue cannot be used with --jitr (its endpoints listen on 127.0.0.1; its bucket and queue are --crl-bucket and --dlq)',
      'Drop the option, or start the sandbox without --jitr (--host, --bucket, --queue).',
    ],
    [
      { kind: 'parameter-without-value', parameter: 'ThingName' },
      'the template needs a value for ThingName, and there is no --cert to take it from',
      'Give --cert <device certificate> or --param ThingName=<value> (repeat --param for each parameter without a Default).',
    ],
  ] as const)('words %o', (problem, message, remedy) => {
    // Act
    const error = new CommandLineError(problem, 'jitr x');
    // Assess
    expect([error.code, error.message, error.remedy, error.problem]).toEqual([
      'InvalidCommandLine',
      message,
      remedy,
      problem,
    ]);
  });
});

describe('InvalidOperationsOptionError', () => {
  it.each([
    [
      { kind: 'replay-target' },
      '--function-name / --local: exactly one of them is needed',
      'Give --function-name <name> to invoke the deployed function, or --local to run the pipeline in process.',
    ],
    [
      { kind: 'not-a-duration', option: '--older-than', value: 'soon' },
      '--older-than: soon is not a duration',
      'Give --older-than as a duration like 90s, 10m, 2h or 1d.',
    ],
    [
      { kind: 'not-a-template-source', option: '--template', value: 'ftp://x' },
      '--template: ftp://x is not a template source',
      'Give --template as bundled:<name>, file:<path>, s3://bucket/key or iot:<template name>.',
    ],
    [
      { kind: 'no-crl-bucket', option: '--bucket' },
      '--bucket: no CRL bucket given and CRL_BUCKET is not set',
      'Give --bucket as the bucket holding the CRLs.',
    ],
  ] as const)('words %o', (problem, message, remedy) => {
    // Act
    const error = new InvalidOperationsOptionError(problem);
    // Assess
    expect([error.code, error.step, error.message, error.remedy, error.details]).toEqual([
      'InvalidOperationsOption',
      'cli',
      message,
      remedy,
      { option: message.split(':')[0] },
    ]);
  });
});
