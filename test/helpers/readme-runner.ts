// Runs the README's runnable examples as a new user would: in order, from the root of a fresh
// copy of the repository, each `run` block in its own `bash` (set -euo pipefail), the `start`
// blocks (the sandbox) in the background with their `export …` lines applied to the blocks
// after them. What the runner changes, and why, is all here:
//   - the copy is the working tree's tracked and not-ignored files (a fresh clone of what is
//     committed, in CI), committed into a new git repository so that `git status` can show what
//     the examples leave behind;
//   - `npm ci` is not run: the copy links the node_modules that CI's own `npm ci` installed; its
//     `prepare` script, which builds dist/, runs when the runner's first `npx jitr` (below) links
//     the copy into npx's cache, before any example; `npm test` is not run: CI runs it (and this
//     runner is part of it);
//   - the README's fixed sandbox ports 4566–4572 become a random free range (tests never use
//     fixed ports), in the blocks and in the copy's events/sandbox-env.json;
//   - `aws` is a stand-in (test/helpers/aws-stand-in.ts) that sends exactly the AWS CLI calls
//     the sandbox walkthrough makes, with the SDK; anything else it refuses;
//   - `npx jitr …` in a `run` block runs the file npx itself runs for `npx jitr` in the copy,
//     with the node npx runs it with: the runner asks the real npx once (a probe loaded into
//     every node process it starts reports the script and the node binary) and puts an `npx`
//     first on PATH that `exec`s exactly that, saving npm's ~1 s start per example; any other
//     `npx` goes to the real one. The `start` blocks (the sandboxes) keep the real npx, whose
//     handling of Ctrl-C the stop test pins; `npm run …` stays the real npm.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ReadmeBlock } from './readme-examples.js';

export interface BlockRun {
  line: number;
  kind: 'run' | 'start' | 'stop';
  expectedExit: number;
  exit: number | null;
  /** The signal that ended it (npx ends by the Ctrl-C it forwarded, as a terminal shows: 130). */
  signal: NodeJS.Signals | null;
  /** What a `start` block exported (its endpoints). */
  exports: Record<string, string>;
  ms: number;
  stdout: string;
  stderr: string;
}

/** What the real `npx jitr` runs in the copy: `node` is the binary, `script` the file's real path. */
export interface NpxResolution {
  node: string;
  script: string;
}

/** A node process the real `npx jitr --version` started. */
export interface NpxProcess extends NpxResolution {
  args: string[];
}

export interface ReadmeRun {
  /** The copy of the repository the examples ran in. */
  copy: string;
  /**
   * Every node process the real `npx jitr --version` started, in order: npx's own, the copy's
   * `prepare` build (npx links the copy into its cache first), then jitr's.
   */
  npxProcesses: NpxProcess[];
  runs: BlockRun[];
  /** `git status --porcelain` of the copy after every example ran and the sandboxes stopped. */
  leftBehind: string[];
}

/** Commands of the README the runner does not run, and why (see the header). */
const NOT_RUN = new Map([
  ['npm ci', 'the copy uses the node_modules CI installed with npm ci'],
  ['npm test', 'CI runs it; this runner is part of it'],
]);

const FIRST_SANDBOX_PORT = 4566;
/** Files of the copy that name the README's sandbox ports. */
const PORT_FILES = ['events/sandbox-env.json'];
const SANDBOX_PORTS = 7;

/** Copies the repository's files (not node_modules, dist or anything ignored) into `target`. */
export function copyRepository(repoRoot: string, target: string, base: number): void {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
  });
  for (const file of listed.toString('utf8').split('\0')) {
    if (file === '' || !existsSync(join(repoRoot, file))) continue;
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(join(repoRoot, file), join(target, file), { verbatimSymlinks: true });
  }
  for (const file of PORT_FILES) {
    const path = join(target, file);
    if (lstatSync(path).isFile()) writeFileSync(path, movePorts(readFileSync(path, 'utf8'), base));
  }
  const git = (...args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=readme', '-c', 'user.email=readme@example.invalid', ...args], {
      cwd: target,
      stdio: 'ignore',
    });
  };
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '--no-verify', '-m', 'copy');
  // The link below is a symlink, which the copy's `node_modules/` pattern does not match.
  writeFileSync(join(target, '.git', 'info', 'exclude'), '/node_modules\n');
  symlinkSync(join(repoRoot, 'node_modules'), join(target, 'node_modules'), 'dir');
}

/**
 * The lowest port the kernel hands out for outgoing connections (and `listen(0)`): a range the
 * runner picks below it cannot be taken by another test's client socket between the check
 * and the sandbox's start (seen as PortInUse on a busy machine).
 */
function ephemeralPortsStart(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(low) && low > 12_000) return low;
  } catch {
    // Not Linux: the IANA dynamic range.
  }
  return 49_152;
}

/** A base port with the sandbox's 7 consecutive ports free on 127.0.0.1, below the ephemeral range. */
export async function freePortRange(count = SANDBOX_PORTS): Promise<number> {
  const span = ephemeralPortsStart() - count - 10_000;
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * span);
    let free = true;
    for (let port = base; port < base + count && free; port++) free = await portIsFree(port);
    if (free) return base;
  }
  throw new Error('no free port range on 127.0.0.1');
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The README's sandbox ports (4566…4572) moved to `base`…`base + 6`. */
export function movePorts(text: string, base: number): string {
  return text.replace(/\b45(6[6-9]|7[0-2])\b/g, (port) => String(base + Number(port) - FIRST_SANDBOX_PORT));
}

/** A block's text without the commands CI runs itself (`npm ci`, `npm test`, joined by `&&`). */
export function withoutCiCommands(body: string): string {
  return body
    .split('\n')
    .map((line) => {
      const [command = '', comment] = line.split(/\s+#/, 2);
      const kept = command.split('&&').map((part) => part.trim());
      if (!kept.some((part) => NOT_RUN.has(part))) return line;
      const rest = kept.filter((part) => !NOT_RUN.has(part));
      return rest.length === 0 ? '' : `${rest.join(' && ')}${comment === undefined ? '' : `  #${comment}`}`;
    })
    .join('\n');
}

/** Writes `bin/aws`, the AWS CLI stand-in, and returns the directory to put first on PATH. */
function awsStandIn(work: string, repoRoot: string): string {
  const bin = join(work, 'bin');
  mkdirSync(bin, { recursive: true });
  const script = join(repoRoot, 'test', 'helpers', 'aws-stand-in.ts');
  writeFileSync(join(bin, 'aws'), `#!/bin/sh\nexec "${process.execPath}" --import tsx "${script}" "$@"\n`);
  chmodSync(join(bin, 'aws'), 0o755);
  return bin;
}

/** Reports the script and node binary of every node process started while NODE_OPTIONS loads it. */
const NPX_PROBE = `import { appendFileSync, realpathSync } from 'node:fs';
appendFileSync(process.env.README_NPX_PROBE_OUT, JSON.stringify({ node: process.execPath, script: realpathSync(process.argv[1]), args: process.argv.slice(2) }) + '\\n');
`;

/**
 * Runs the real `npx jitr --version` in `copy` once and returns every node process it started.
 * @throws Error when it fails.
 */
function probeNpx(work: string, copy: string, env: NodeJS.ProcessEnv): NpxProcess[] {
  const probe = join(work, 'npx-probe.mjs');
  const out = join(work, 'npx-probe.jsonl');
  writeFileSync(probe, NPX_PROBE);
  execFileSync('npx', ['jitr', '--version'], {
    cwd: copy,
    env: { ...env, NODE_OPTIONS: `--import=${pathToFileURL(probe).href}`, README_NPX_PROBE_OUT: out },
    stdio: 'ignore',
  });
  return readFileSync(out, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as NpxProcess);
}

/**
 * Writes `npx` into `bin` (a directory to put first on PATH): `npx jitr …` execs what the real
 * npx runs (`resolved`), anything else goes to the real npx (`real`).
 */
function npxStandIn(bin: string, resolved: NpxResolution, real: string): void {
  const quote = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'npx'),
    [
      '#!/bin/sh',
      `if [ "$1" = jitr ]; then shift; exec ${quote(resolved.node)} ${quote(resolved.script)} "$@"; fi`,
      `exec ${quote(real)} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(join(bin, 'npx'), 0o755);
}

interface Started {
  line: number;
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  exited: Promise<{ exit: number | null; signal: NodeJS.Signals | null }>;
  exports: Record<string, string>;
  startedAt: number;
}

function launch(script: string, cwd: string, env: NodeJS.ProcessEnv): Started & { line: number } {
  const child = spawn('bash', ['-c', script], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString('utf8');
  });
  const exited = new Promise<{ exit: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (exit, signal) => resolve({ exit, signal })),
  );
  return { line: 0, child, output, exited, exports: {}, startedAt: Date.now() };
}

async function waitForText(started: Started, text: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let ended = false;
  void started.exited.then(() => {
    ended = true;
  });
  while (!started.output.stdout.includes(text)) {
    if (ended || Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** Runs `blocks` in a copy of `repoRoot` made in `work` (an empty temp directory). */
export async function runReadmeExamples(
  blocks: readonly ReadmeBlock[],
  repoRoot: string,
  work: string,
  timeoutMs = 180_000,
): Promise<ReadmeRun> {
  const copy = join(work, 'clone');
  const base = await freePortRange();
  copyRepository(repoRoot, copy, base);
  const env: NodeJS.ProcessEnv = {
    PATH: `${awsStandIn(work, repoRoot)}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? work,
    LANG: 'C.UTF-8',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
  };
  const npxProcesses = probeNpx(work, copy, env);
  const jitr = npxProcesses.filter((p) => p.args.join(' ') === '--version');
  if (jitr.length !== 1 || jitr[0] === undefined)
    throw new Error(`npx jitr --version: ${jitr.length} node processes got --version, not 1`);
  const realNpx = execFileSync('sh', ['-c', 'command -v npx'], { env }).toString('utf8').trim();
  const npxBin = join(work, 'npx-bin');
  npxStandIn(npxBin, jitr[0], realNpx);
  /** The environment of a `run` block: the `npx` stand-in first on PATH. */
  const runEnv = (): NodeJS.ProcessEnv => ({ ...env, PATH: `${npxBin}:${env.PATH ?? ''}` });
  const runs: BlockRun[] = [];
  const started: Started[] = [];
  try {
    for (const block of blocks) {
      const body = movePorts(withoutCiCommands(block.body), base);
      if (block.kind === 'start') {
        const s = { ...launch(body, copy, { ...env }), line: block.line };
        started.push(s);
        const ready = await waitForText(s, 'Press Ctrl-C', 60_000);
        for (const match of s.output.stdout.matchAll(/^export ([A-Z_][A-Z0-9_]*)=(.*)$/gm))
          s.exports[match[1] ?? ''] = match[2] ?? '';
        Object.assign(env, s.exports);
        runs.push({
          line: block.line,
          kind: 'start',
          expectedExit: 0,
          exit: ready ? 0 : -1,
          signal: null,
          exports: s.exports,
          ms: Date.now() - s.startedAt,
          ...s.output,
        });
      } else if (block.kind === 'run') {
        const s = launch(`set -euo pipefail\n${body}`, copy, runEnv());
        const timer = setTimeout(() => process.kill(-(s.child.pid ?? 0), 'SIGKILL'), timeoutMs);
        const { exit, signal } = await s.exited;
        clearTimeout(timer);
        runs.push({
          line: block.line,
          kind: 'run',
          expectedExit: block.exit,
          exit,
          signal,
          exports: {},
          ms: Date.now() - s.startedAt,
          ...s.output,
        });
      }
    }
  } finally {
    for (const s of started.reverse()) {
      const stoppedAt = Date.now();
      try {
        process.kill(-(s.child.pid ?? 0), 'SIGINT');
      } catch {
        // Already gone: its exit code says how.
      }
      const timer = setTimeout(() => process.kill(-(s.child.pid ?? 0), 'SIGKILL'), 30_000);
      const { exit, signal } = await s.exited;
      clearTimeout(timer);
      runs.push({
        line: s.line,
        kind: 'stop',
        expectedExit: 0,
        exit,
        signal,
        exports: s.exports,
        ms: Date.now() - stoppedAt,
        ...s.output,
      });
    }
  }
  const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: copy });
  return {
    copy,
    npxProcesses,
    runs,
    leftBehind: status
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== ''),
  };
}
