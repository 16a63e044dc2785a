// The README is the contract with users: its tables and command lines must match the code.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildJitrProgram } from '../../lib/cli/jitr-program.js';
import { CONFIG_VARIABLES } from '../../lib/config/config.js';
import { documentedDefault } from '../../lib/config/declare.js';
import { credentialsMissing, regionMissing } from '../../lib/errors/system-errors.js';
import { COUNT_METRICS, DIMENSIONED_METRICS, DURATION_METRICS } from '../../lib/observability.js';
import { REGISTRATION_OUTCOMES } from '../../lib/registration/result.js';
import { createCliRuntime } from '../../lib/runtime/cli-runtime.js';

const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The text between a `### title` (or `## title`) heading and the next heading of any level. */
function section(title: string): string {
  const start = readme.indexOf(`${title}\n`);
  if (start < 0) throw new Error(`README has no heading ${title}`);
  const rest = readme.slice(start + title.length + 1);
  const end = rest.search(/^#{2,4} /m);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Whether a path exists. */
function statSyncOrNull(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The cells of every table row in a text (header and separator rows left out). */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
    .slice(1)
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

/** Every error class in lib/ with a literal code and disposition: code → disposition. */
function declaredCodes(dir: string, out = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) declaredCodes(path, out);
    else if (name.endsWith('.ts')) {
      const source = readFileSync(path, 'utf8');
      for (const match of source.matchAll(/class \w+ extends \w+ \{(.*?)\n\}/gs)) {
        const body = match[1] ?? '';
        const code = /readonly code(?:: string)? = '(\w+)'/.exec(body)?.[1];
        const disposition = /readonly disposition(?:: Disposition)? = '([\w-]+)'/.exec(body)?.[1];
        if (code !== undefined && disposition !== undefined) out.set(code, disposition);
      }
    }
  }
  return out;
}

/** The commander program exactly as lib/cli/main.ts builds it (without parsing argv). */
function cliProgram(): Command {
  return buildJitrProgram('0.0.0', createCliRuntime({}));
}

/** `jitr …` command lines in the README: fenced code (continuations joined) and inline code. */
function commandLines(): string[] {
  const lines: string[] = [];
  for (const block of readme.matchAll(/```[a-z]*\n(.*?)```/gs)) {
    const joined: string[] = [];
    for (const line of (block[1] ?? '').split('\n')) {
      const previous = joined.at(-1);
      if (previous !== undefined && (previous.endsWith('\\') || /^\s+--|^\s+\[/.test(line)))
        joined[joined.length - 1] = `${previous.replace(/\\$/, '')} ${line.trim()}`;
      else joined.push(line);
    }
    lines.push(...joined.filter((line) => /(^|\s|\$\()(npx )?jitr [a-z]/.test(line)));
  }
  for (const inline of readme.matchAll(/`((?:npx )?jitr [a-z][^`]*)`/g)) lines.push(inline[1] ?? '');
  return lines;
}

describe('README', () => {
  it('starts with the two quickstart commands', () => {
    // Act
    const block = /## Quickstart\n[^`]*```sh\n(.*?)```/s.exec(readme)?.[1] ?? '';
    // Assess
    expect(block.split('\n').map((line) => line.replace(/\s+#.*$/, ''))).toEqual([
      'npm ci && npm run demo',
      'npm ci && npm test',
      '',
    ]);
  });

  it('names every folder and file of lib/ in the layout table, and nothing that does not exist', () => {
    // Prepare
    const layout = section('## Layout');
    const named = [...layout.matchAll(/`(lib\/[\w./-]*)`/g)].map((m) => (m[1] ?? '').replace(/\/$/, ''));
    // Act
    const inTree = readdirSync(join(root, 'lib')).map((name) => `lib/${name}`);
    // Assess
    expect(inTree.filter((path) => !named.includes(path))).toEqual([]);
    expect(named.filter((path) => !statSyncOrNull(join(root, path)))).toEqual([]);
  });

  it('lists every configuration variable with the default the code applies', () => {
    // Act
    const rows = tableRows(section('### Configuration')).filter((row) => /^`[A-Z_0-9]+`$/.test(row[0] ?? ''));
    // Assess
    expect(rows.map((row) => row[0]?.slice(1, -1))).toEqual(CONFIG_VARIABLES.map((v) => v.name));
    for (const variable of CONFIG_VARIABLES) {
      const row = rows.find((r) => r[0] === `\`${variable.name}\``);
      const stated = (row?.[1] ?? '').replaceAll('`', '');
      const expected = documentedDefault(variable).replace(/\)$/, '');
      expect(stated.startsWith(expected), `${variable.name}: README "${stated}"`).toBe(true);
    }
  });

  it('lists every outcome of the use case, plus the thrown `failed`', () => {
    // Prepare
    const outcomes = [...REGISTRATION_OUTCOMES];
    // Act
    const documented = tableRows(section('### Outcomes')).map((row) => row[0]?.replaceAll('`', ''));
    // Assess
    expect(outcomes.length).toBeGreaterThan(5);
    expect([...documented].sort()).toEqual([...outcomes, 'failed'].sort());
  });

  it('gives every handler error code with the disposition its class declares', () => {
    // Prepare: the CLI's own codes are documented with the commands, not in this table.
    const codes = declaredCodes(join(root, 'lib'));
    const cliOnly = declaredCodes(join(root, 'lib', 'cli'), declaredCodes(join(root, 'lib', 'pki')));
    const operationsOnly = declaredCodes(join(root, 'lib', 'operations'));
    // Policy evaluation runs in `jitr template explain` and the sandbox's MQTT endpoint, never in the handler.
    const policyOnly = declaredCodes(join(root, 'lib', 'policy'));
    // The revocation sweep's and the ledger's codes are documented in their own section (the
    // handler logs a ledger failure and goes on; it never throws one).
    const sweepOnly = declaredCodes(
      join(root, 'lib', 'revocation'),
      declaredCodes(join(root, 'lib', 'ledger')),
    );
    // Act
    const table = new Map<string, string>();
    for (const row of tableRows(section('### Error codes'))) {
      for (const code of (row[0] ?? '').matchAll(/`(\w+)`/g)) table.set(code[1] ?? '', row[1] ?? '');
    }
    // Assess
    const handlerCodes = [...codes].filter(
      ([code]) =>
        !cliOnly.has(code) && !operationsOnly.has(code) && !policyOnly.has(code) && !sweepOnly.has(code),
    );
    // The IoT adapter's answer to a call without credentials or region (a local run).
    const localRun = [credentialsMissing(new Error('no credentials'), 'x'), regionMissing(new Error(), 'x')];
    for (const error of localRun) handlerCodes.push([error.code, error.disposition]);
    expect(handlerCodes.length).toBeGreaterThan(50);
    expect(handlerCodes.filter(([code, disposition]) => table.get(code) !== disposition)).toEqual([]);
    expect([...table.keys()].filter((code) => !codes.has(code))).toEqual([
      'AwsCredentialsMissing',
      'AwsRegionMissing',
      'UnexpectedError',
    ]);
  });

  it('names every metric the handler emits, and no other', () => {
    // Prepare
    const emitted = [...COUNT_METRICS, ...DIMENSIONED_METRICS, ...DURATION_METRICS];
    // Act
    const documented = tableRows(
      section('### Metrics (EMF, namespace `POWERTOOLS_METRICS_NAMESPACE`, dimension `service`)'),
    ).map((row) => row[0]?.replaceAll('`', ''));
    // Assess
    expect(emitted).toHaveLength(16);
    expect([...documented].sort()).toEqual([...emitted].sort());
  });

  it('shows only commands and options the CLI defines', () => {
    // Prepare
    const program = cliProgram();
    const lines = commandLines();
    // Act
    const unknown: string[] = [];
    for (const line of lines) {
      const words = line.slice(line.indexOf('jitr ') + 5).split(/\s+/);
      let command = program.commands.find((c) => c.name() === words[0]);
      // Prose may name a command group alone (`jitr pki`, `jitr pki …`).
      if (command !== undefined && command.commands.length > 0 && !/^[a-z]/.test(words[1] ?? '')) continue;
      if (command !== undefined && command.commands.length > 0)
        command = command.commands.find((c) => c.name() === words[1]);
      if (command === undefined) {
        unknown.push(`no command: ${line}`);
        continue;
      }
      const flags = new Set(command.options.map((o) => o.long));
      flags.add('--help');
      for (const flag of line.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)) {
        if (!flags.has(flag[0])) unknown.push(`${command.name()} ${flag[0]}: ${line}`);
      }
    }
    // Assess
    expect(lines.length).toBeGreaterThan(25);
    expect(unknown).toEqual([]);
  });

  it('cites nothing a user cannot follow (issue numbers, internal perf anchors)', () => {
    expect(readme).not.toMatch(/\b[Ii]ssue \d|perf anchors|§[A-Z]/);
  });

  it("ignores ./pki, where the README's jitr pki examples write a CA key", () => {
    // Act: git's own answer for the files create-ca writes at the repository root.
    const ignored = execFileSync('git', ['check-ignore', '--no-index', 'pki/ca.key', 'pki/ca.pem'], {
      cwd: root,
      encoding: 'utf8',
    });
    // Assess
    expect(ignored.trim().split('\n')).toEqual(['pki/ca.key', 'pki/ca.pem']);
  });
});
