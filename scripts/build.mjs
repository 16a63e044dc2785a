#!/usr/bin/env node
// Builds every Lambda handler (handlers/*.ts) and the `jitr` CLI with esbuild.
// Handlers: one self-contained CommonJS file each, SDK bundled (bundled CJS cold-starts
// fastest, see shared perf anchors §B), module-first main fields (smaller SDK build).
// CLI: ESM with code splitting so that each subcommand loads only what it needs.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');

/** esbuild options shared by `npm run build`, SAM (template.yaml BuildProperties) and the benches. */
export const handlerBuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  treeShaking: true,
  mainFields: ['module', 'main'],
  legalComments: 'none',
  logLevel: 'warning',
};

export function handlerEntryPoints() {
  return readdirSync(join(root, 'handlers'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(root, 'handlers', f));
}

async function main() {
  const out = join(root, 'dist');
  mkdirSync(out, { recursive: true });
  const handlers = await esbuild.build({
    ...handlerBuildOptions,
    entryPoints: handlerEntryPoints(),
    outdir: join(out, 'handlers'),
    outExtension: { '.js': '.cjs' },
    metafile: true,
  });
  writeFileSync(join(out, 'handlers-meta.json'), JSON.stringify(handlers.metafile));
  await esbuild.build({
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    splitting: true,
    packages: 'external',
    entryPoints: { jitr: join(root, 'lib/cli/main.ts') },
    outdir: join(out, 'cli'),
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
  });
  if (!quiet) {
    for (const [file, info] of Object.entries(handlers.metafile.outputs)) {
      console.log(`${file.replace(`${root}/`, '')}  ${(info.bytes / 1024).toFixed(1)} KiB`);
    }
    console.log('dist/cli/jitr.mjs');
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
