/**
 * `npm run bench [names...]`: runs every bench/*.bench.ts (or the named ones) one after another and
 * prints what each reports. Benchmarks report ratios measured side by side in one run.
 */
import { readdirSync } from 'node:fs';

const dir = new URL('.', import.meta.url);
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
if (files.length === 0) {
  console.error(`no benchmarks match ${wanted.join(' ') || '(any)'}`);
  process.exitCode = 2;
}
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const mod = (await import(new URL(f, dir).href)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') throw new Error(`${f} must export async function run()`);
  await mod.run();
}
