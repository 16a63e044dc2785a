#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
// Entry point of the `jitr` CLI. The CLI is built into dist/ by `npm ci` (prepare) and
// `npm run build`; if dist/ is missing (fresh clone before any build), build it first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli/jitr.mjs', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  const build = fileURLToPath(new URL('../scripts/build.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [build, '--quiet'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
await import(cli.href);
