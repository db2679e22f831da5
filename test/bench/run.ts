import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench`: runs every `test/bench/*.bench.ts` in its own process (so memory figures are not
 * mixed) and passes their JSON lines through on stdout. Progress goes to stderr.
 * `npm run bench -- journal` runs only the files whose name contains "journal".
 */
const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();
const tsx = resolve('node_modules/.bin/tsx');
let failed = 0;
for (const [i, file] of files.entries()) {
  process.stderr.write(`[${i + 1}/${files.length}] ${file}\n`);
  const r = spawnSync(tsx, [join(here, file)], { stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  if (r.status !== 0) {
    failed += 1;
    process.stderr.write(`bench ${file} failed with exit code ${r.status}\n`);
  }
}
process.exit(failed === 0 ? 0 : 1);
