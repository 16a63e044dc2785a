#!/usr/bin/env node
// `npm test`: the typecheck, lint and build scripts of package.json at once (they are
// independent, and tsc alone keeps one core busy for ~10 s while the other waits), each one's
// output printed whole under its name; then, once all three passed, every test (`vitest run`,
// with the arguments given to `npm test -- …`). Exits with the code of the first step that failed.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// What `npm run` puts first on PATH.
const env = {
  ...process.env,
  PATH: `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
};

/** A child's exit code, or the shell's for the signal that ended it (128 + its number). */
function exitCode(code, signal) {
  return code ?? 128 + (constants.signals[signal] ?? 0);
}

/** Runs a package.json script as `npm run` does (sh -c), its output captured. */
function runScript(name) {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', scripts[name]], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => output.push(Buffer.from(`${error.message}\n`)));
    child.on('close', (code, signal) => resolve({ name, code: exitCode(code, signal), output }));
  });
}

const checks = await Promise.all(['typecheck', 'lint', 'build'].map(runScript));
for (const { name, code, output } of checks) {
  process.stdout.write(`\n> ${name}: ${scripts[name]}\n`);
  for (const chunk of output) process.stdout.write(chunk);
  if (code !== 0) process.stdout.write(`> ${name} failed (exit ${code})\n`);
}
const failed = checks.find((c) => c.code !== 0);
if (failed !== undefined) process.exit(failed.code);

process.stdout.write(`\n> vitest run ${process.argv.slice(2).join(' ')}\n`);
const vitest = spawn('vitest', ['run', ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
// Not found or not runnable: its message, not a stack trace ('close' then gives the exit code).
vitest.on('error', (error) => process.stdout.write(`${error.message}\n`));
vitest.on('close', (code, signal) => process.exit(exitCode(code, signal)));
