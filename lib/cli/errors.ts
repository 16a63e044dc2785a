/**
 * Errors of the command-line tools themselves: a command line that cannot be run, and what the
 * operating system or the network answered (a missing file, a port in use, an endpoint that
 * does not answer). `describeFailure` turns anything a command throws into one of these (or
 * keeps a JitrError as it is), so no stack trace ever reaches the user.
 */
import { ConfigurationInvalidError } from '../config/errors.js';
import { type Disposition, JitrError } from '../errors/jitr-error.js';
import { describeFailure, SystemError } from '../errors/system-errors.js';

export { describeFailure, SystemError };

/**
 * {@link describeFailure} for a command-line tool: a configuration error (the handler's own
 * configuration, read by `replay --local`, `reconcile`, `revocation sweep`, …) gets the remedy
 * of a shell (set the variable, run the command again), not the deployed function's.
 */
export function describeCliFailure(error: unknown, command: string): JitrError {
  const e = describeFailure(error, command);
  return e instanceof ConfigurationInvalidError && e.facts.command === undefined ? e.inCommand(command) : e;
}

/**
 * What makes a command line impossible to run: the kind and its facts (the option, the value
 * given). {@link CommandLineError} builds the message and the remedy from them; a throw site
 * never writes English.
 */
export type CommandLineProblem =
  /** The argument parser (commander, node:util parseArgs) refused the line; `said` is its words. */
  | { kind: 'parser'; said: string }
  | { kind: 'required'; option: string }
  | { kind: 'not-a-date'; option: string; value: string }
  | { kind: 'not-positive'; option: string; value: string }
  | { kind: 'count-out-of-range'; option: string; value: string; max: number }
  /** `choices[0]` is the default when `firstIsDefault`. */
  | {
      kind: 'not-a-choice';
      option: string;
      value: string;
      choices: readonly string[];
      firstIsDefault?: boolean;
    }
  | { kind: 'not-json'; option: string; file: string; reason: string }
  | { kind: 'max-staleness'; value: string; expected: string }
  | { kind: 'serial'; value: string; reason: string }
  | { kind: 'param'; pair: string }
  | { kind: 'parameter-without-value'; parameter: string }
  | { kind: 'can'; words: readonly string[] }
  | { kind: 'no-client-id' }
  | { kind: 'endpoint'; value: string }
  | { kind: 'not-a-private-key'; option: string }
  | { kind: 'not-a-certificate'; option: string }
  | { kind: 'not-with-jitr'; options: readonly string[] }
  | { kind: 'only-with-jitr'; options: readonly string[] }
  | { kind: 'unknown-function'; logicalId: string }
  | { kind: 'bundle-missing'; bundle: string };

/** `Run jitr x --help …` (`npm run invoke -- --help` for an npm script). */
function helpRemedy(command: string): string {
  const help = command.startsWith('npm run ') ? `${command} -- --help` : `${command} --help`;
  return `Run ${help} for its options and an example.`;
}

type Catalogue = {
  [K in CommandLineProblem['kind']]: (
    problem: Extract<CommandLineProblem, { kind: K }>,
    command: string,
  ) => { message: string; remedy: string };
};

const CATALOGUE: Catalogue = {
  parser: (p, command) => ({ message: p.said, remedy: helpRemedy(command) }),
  required: (p, command) => ({ message: `${p.option} is required`, remedy: helpRemedy(command) }),
  'not-a-date': (p, command) => ({
    message: `${p.option} is not a date: ${p.value}`,
    remedy: helpRemedy(command),
  }),
  'not-positive': (p) => ({
    message: `${p.option} ${JSON.stringify(p.value)} is not a positive number`,
    remedy: `Give ${p.option} a number above 0.`,
  }),
  'count-out-of-range': (p) => ({
    message: `${p.option} ${p.value} is not a whole number up to ${p.max}`,
    remedy: `Give ${p.option} N with 1 ≤ N ≤ ${p.max}.`,
  }),
  'not-a-choice': (p) => ({
    message: `${p.option} ${p.value} is not ${p.choices.join(' or ')}`,
    remedy: `Give ${p.choices
      .map(
        (choice, i) => `${p.option} ${choice}${i === 0 && p.firstIsDefault === true ? ' (the default)' : ''}`,
      )
      .join(' or ')}.`,
  }),
  'not-json': (p) => ({
    message: `${p.option} ${p.file} is not JSON: ${p.reason}`,
    remedy: 'Give a JSON file (events/*.json are examples).',
  }),
  'max-staleness': (p, command) => ({
    message: `--max-staleness must be whole seconds ≥ 0, got "${p.value}" (expected ${p.expected})`,
    remedy: helpRemedy(command),
  }),
  serial: (p) => ({
    message: `--serial ${p.value}: ${p.reason}`,
    remedy:
      'Give --serial as hex, as jitr pki issue-device or openssl x509 -serial print it (e.g. 00c0ffee or C0:FF:EE).',
  }),
  param: (p) => ({
    message: `--param ${JSON.stringify(p.pair)} is not NAME=VALUE`,
    remedy: 'Write --param NAME=VALUE, e.g. --param AWS::IoT::Certificate::CommonName=lamp-1.',
  }),
  'parameter-without-value': (p) => ({
    message: `the template needs a value for ${p.parameter}, and there is no --cert to take it from`,
    remedy: `Give --cert <device certificate> or --param ${p.parameter}=<value> (repeat --param for each parameter without a Default).`,
  }),
  can: (p) => ({
    message: `--can ${p.words.join(' ')} is not "<publish|subscribe|connect|receive> <topic-or-id>"`,
    remedy:
      'Write e.g. --can publish devices/lamp-1/state, --can subscribe devices/lamp-1/#, --can connect lamp-1.',
  }),
  'no-client-id': () => ({
    message: 'the certificate has no CN to use as the client id',
    remedy: 'Give the MQTT client id the device uses: --client-id ID.',
  }),
  endpoint: (p) => ({
    message: `--endpoint ${JSON.stringify(p.value)} is not host[:port]`,
    remedy:
      'Give the endpoint as host[:port], e.g. abc123-ats.iot.eu-west-1.amazonaws.com or 127.0.0.1:8883 (the sandbox prints it).',
  }),
  'not-a-private-key': (p) => ({
    message: `${p.option} is not a PEM private key`,
    remedy: "Give the device's private key (PEM), e.g. the .key file jitr pki issue-device wrote.",
  }),
  'not-a-certificate': (p) => ({
    message: `${p.option} is not a PEM or DER certificate`,
    remedy: 'Give the device certificate issued for this device.',
  }),
  'not-with-jitr': (p) => ({
    message: `${p.options.join(', ')} cannot be used with --jitr (its endpoints listen on 127.0.0.1; its bucket and queue are --crl-bucket and --dlq)`,
    remedy: 'Drop the option, or start the sandbox without --jitr (--host, --bucket, --queue).',
  }),
  'only-with-jitr': (p) => ({
    message: `${p.options.join(', ')} only apply with --jitr`,
    remedy: 'Add --jitr, or create the bucket and queue with --bucket and --queue.',
  }),
  'unknown-function': (p) => ({
    message: `--function ${p.logicalId} is not a resource of template.yaml`,
    remedy: 'Give the logical id of a function in template.yaml, e.g. JitrFunction or ReconcileFunction.',
  }),
  'bundle-missing': (p) => ({
    message: `${p.bundle} is missing`,
    remedy: 'Run npm run build (npm run invoke does it first).',
  }),
};

/**
 * The command line cannot be run: unknown command or option, missing option, malformed value.
 * Built from the problem (`{ kind: 'required', option: '-e EVENT.json' }`, …) and the command it
 * is about (the step): the class writes the message and the remedy.
 */
export class CommandLineError extends JitrError {
  readonly code = 'InvalidCommandLine';
  readonly disposition: Disposition = 'invalid-input';
  readonly problem: CommandLineProblem;
  constructor(problem: CommandLineProblem, command: string) {
    const described = (
      CATALOGUE[problem.kind] as (
        p: CommandLineProblem,
        c: string,
      ) => {
        message: string;
        remedy: string;
      }
    )(problem, command);
    super(described.message, { step: command, remedy: described.remedy, details: { command } });
    this.problem = problem;
  }
}

/**
 * Reads a file named on the command line; a failure names the option it came from
 * (`--template nope.json does not exist`) with the code of its kind (`FileNotFound`, `NotAFile`, …).
 */
export async function readInputFile(file: string, option: string, command: string): Promise<Buffer> {
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(file);
  } catch (error) {
    // EISDIR from a read carries no path; the caller knows it.
    const e = describeFailure(
      typeof error === 'object' && error !== null && !('path' in error)
        ? Object.assign(error, { path: file })
        : error,
      command,
    );
    if (!(e instanceof SystemError) || !('file' in e.problem)) throw e;
    throw new SystemError({ ...e.problem, file, option }, command, error);
  }
}
