// What a directory walk pays per file that the pricing workloads do not see (docs/advise.md, "Validated on real
// programs": the walk program's gap). sys.stat and sys.open price one path, called again and again; a walk touches
// thousands of distinct files once each, and a sandbox may cache only so many (gVisor keeps a bounded set of
// unreferenced dentries). Times, per call, stat and open+close over 1 to 16,000 distinct files under DIR (cycled),
// and readFileSync (openat, fstat, read until EOF, close) of 1 and of 4,000 distinct files. Run it on the host and
// inside a platform, e.g.
//
//   node scripts/cold-paths.mjs node_modules
//   scripts/gvisor-agent.sh -- node scripts/cold-paths.mjs "$PWD/node_modules"
//   scripts/uml-agent.sh -- node scripts/cold-paths.mjs "$PWD/node_modules"
import { closeSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'node_modules');
const files = [];
(function walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (files.length >= 16_000) return;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isFile()) files.push(p);
  }
})(root);
if (files.length < 1000) {
  console.error(`cold-paths: ${root} holds ${files.length} files; point it at a tree of a few thousand (node_modules)`);
  process.exit(2);
}

let sink = 0;
function time(label, n, unit, f) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += f(i);
  console.log(`${label.padEnd(42)} ${(Number(process.hrtime.bigint() - t0) / n / 1000).toFixed(2)} us/${unit}`);
}
for (const k of [1, 300, 1000, 4000, files.length]) {
  const set = files.slice(0, k);
  const n = Math.max(4000, 2 * k);
  time(`stat, ${k} distinct files`, n, 'call', (i) => statSync(set[i % k]).size);
  time(`open+close, ${k} distinct files`, n, 'pair', (i) => {
    closeSync(openSync(set[i % k], 'r'));
    return 1;
  });
}
for (const k of [1, Math.min(4000, files.length)])
  time(`readFileSync, ${k} distinct files`, 8000, 'file', (i) => readFileSync(files[i % k]).length);
console.log(`(${files.length} files under ${root}; ${sink > 0 ? 'done' : ''})`);
