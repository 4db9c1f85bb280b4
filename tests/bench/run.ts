/**
 * `npm run bench`: runs every tests/bench/*.bench.ts one after another (never in parallel: these machines
 * have two cores and the figures are ratios against a baseline measured in the same run).
 * `npm run bench -- peaks pool` runs only the benches whose names contain one of the words.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const dir = import.meta.dirname;
const filters = process.argv.slice(2);
const benches = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

let failed = 0;
for (const file of benches) {
  console.log(`\n━━ ${file} ━━`);
  const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, file)], {
    stdio: 'inherit',
    env: process.env,
  });
  if (res.status !== 0) {
    failed++;
    console.log(`✗ ${file} exited with ${res.status ?? res.signal}`);
  }
}
console.log(`\n${benches.length - failed} benches ran, ${failed} failed`);
process.exit(failed ? 1 : 0);
