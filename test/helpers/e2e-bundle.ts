// Builds the deployed artifact (dist/handlers/jitr.cjs) once for the end-to-end tests, with
// the same `node scripts/build.mjs` that `npm run build` and SAM use. Test files run in
// parallel processes, so the build is serialised with a lock directory and skipped when the
// bundle is newer than every source it is built from (as after `npm test`'s own build).
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const handlerBundle = join(repoRoot, 'dist', 'handlers', 'jitr.cjs');

const run = promisify(execFile);
const lockDir = join(tmpdir(), `jitr-e2e-build-${Buffer.from(repoRoot).toString('hex').slice(-24)}.lock`);

/** Newest modification time (ms) of any file under the given roots. */
function newestSource(roots: string[]): number {
  let newest = 0;
  const walk = (path: string): void => {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) walk(join(path, name));
    } else {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const root of roots) walk(join(repoRoot, root));
  return newest;
}

function bundleIsFresh(): boolean {
  try {
    const built = statSync(handlerBundle).mtimeMs;
    return (
      built >=
      newestSource([
        'handlers',
        'lib',
        'lib/template-source/templates',
        'package-lock.json',
        'scripts/build.mjs',
      ])
    );
  } catch {
    return false;
  }
}

async function acquireLock(timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      return () => rmdirSync(lockDir);
    } catch {
      // A lock older than the timeout belongs to a crashed run.
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > timeoutMs) rmdirSync(lockDir);
      } catch {
        // Released in between: retry.
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lockDir}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Returns the path of the handler bundle, building it first when it is missing or stale. */
export async function ensureHandlerBundle(): Promise<string> {
  if (bundleIsFresh()) return handlerBundle;
  const release = await acquireLock(60_000);
  try {
    if (!bundleIsFresh()) {
      await run(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), '--quiet'], { cwd: repoRoot });
    }
  } finally {
    release();
  }
  return handlerBundle;
}
