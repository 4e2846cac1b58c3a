// Validation program (docs/advise.md, scripts/validate-advise.sh): what a build tool, a package manager or a
// static-site generator does: walk a directory tree in sorted order, list every directory, stat every entry and
// read every regular file, up to a number of files. Usage: node walk.mjs [DIR] [MAX-FILES]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2] ?? new URL('../../node_modules', import.meta.url).pathname;
const max = Number(process.argv[3] ?? 4000);
let files = 0;
let bytes = 0;
let dirs = 0;
const queue = [root];
while (queue.length && files < max) {
  const dir = queue.shift();
  dirs++;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) queue.push(p);
    else if (st.isFile() && files < max) {
      bytes += readFileSync(p).length;
      files++;
    }
  }
}
process.stdout.write(`${dirs} directories, ${files} files, ${bytes} bytes\n`);
