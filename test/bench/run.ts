// `npm run bench -- <name> [options]`: runs test/bench/<name>.bench.ts, which exports
// `run(argv: string[]): Promise<void>`. Without a name, lists the benchmarks.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const names = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();
const [name, ...rest] = process.argv.slice(2);

if (name === undefined || !names.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <${names.join('|')}> [options]\n`);
  process.exit(name === undefined ? 0 : 2);
}
const bench = (await import(pathToFileURL(`${here}/${name}.bench.ts`).href)) as {
  run: (argv: string[]) => Promise<void>;
};
await bench.run(rest);
