// The README's code-block markers (test/helpers/readme-examples.ts): every shell block says
// whether it runs, and a block that does not is refused unless it needs what we cannot have.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmeBlocks } from '../helpers/readme-examples.js';
import { movePorts, withoutCiCommands } from '../helpers/readme-runner.js';

const root = join(import.meta.dirname, '..', '..');

function problems(markdown: string): string {
  try {
    readmeBlocks(markdown);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('README code-block markers', () => {
  it('marks every block of the README, and runs its walkthrough, CLI and PKI examples', () => {
    // Act
    const blocks = readmeBlocks(readFileSync(join(root, 'README.md'), 'utf8'));
    const kinds = blocks.map((b) => b.kind);
    const run = blocks.filter((b) => b.kind === 'run').map((b) => b.body);
    // Assess
    expect(kinds.filter((k) => k === 'run').length).toBeGreaterThanOrEqual(9);
    expect(kinds.filter((k) => k === 'start')).toEqual(['start', 'start']);
    for (const command of [
      'npm run demo',
      'npx jitr template render',
      'npx jitr template explain',
      'npx jitr crl inspect',
      'npx jitr pki revoke',
      'npm run invoke',
      'npx jitr device connect',
    ])
      expect(
        run.some((body) => body.includes(command)),
        command,
      ).toBe(true);
  });

  it('reads each kind of marker', () => {
    // Prepare
    const markdown = [
      '<!-- example: run -->',
      '```sh',
      'true',
      '```',
      '<!-- example: run exit=1 -->',
      '```sh',
      'false',
      '```',
      '<!-- example: needs sam account -->',
      '```sh',
      'sam deploy',
      '```',
      '<!-- example: synopsis -->',
      '```text',
      'jitr x --id <id>',
      '```',
      '```json',
      '{}',
      '```',
    ].join('\n');
    // Act
    const blocks = readmeBlocks(markdown);
    // Assess
    expect(blocks.map((b) => [b.line, b.kind, b.exit, b.needs])).toEqual([
      [2, 'run', 0, []],
      [6, 'run', 1, []],
      [10, 'needs', 0, ['sam', 'account']],
      [14, 'synopsis', 0, []],
    ]);
  });

  it.each([
    ['an unmarked shell block', '```sh\nnpx jitr x\n```', 'line 1 (```sh): no marker'],
    ['an unmarked block without a language', 'text\n```\njitr x\n```', 'line 2 (```): no marker'],
    [
      'an excuse other than SAM, Docker or an account',
      '<!-- example: needs aws-cli -->\n```sh\naws x\n```',
      'names only sam, docker, account',
    ],
    [
      'a synopsis without placeholders',
      '<!-- example: synopsis -->\n```text\njitr x --json\n```',
      'mark it run',
    ],
    ['a runnable block that is not sh', '<!-- example: run -->\n```text\njitr x\n```', 'is a ```sh block'],
    ['an unknown option', '<!-- example: run quickly -->\n```sh\nx\n```', 'takes only exit=N'],
    [
      'a marker away from its block',
      '<!-- example: run -->\n\n```sh\nx\n```',
      'line 1: a marker must stand right before',
    ],
    ['an unknown kind', '<!-- example: maybe -->\n```sh\nx\n```', 'unknown marker "maybe"'],
  ])('refuses %s', (_name, markdown, problem) => {
    // Act / Assess
    expect(problems(markdown)).toContain(problem);
  });

  it('moves only the sandbox ports 4566-4572, and leaves out only what CI runs itself', () => {
    // Act / Assess
    expect(movePorts('--port 4566 127.0.0.1:4568 4572 4573 14566 4565', 30000)).toBe(
      '--port 30000 127.0.0.1:30002 30006 4573 14566 4565',
    );
    expect(
      withoutCiCommands(
        'npm ci && npm run demo    # the demo\nnpm ci && npm test        # tests\nnpm ci\nnpm run x',
      ),
    ).toBe('npm run demo  # the demo\n\n\nnpm run x');
  });
});
