#!/usr/bin/env node
// `npm prepare`: build dist/ when TypeScript is installed (a checkout after `npm ci`). A bare
// `npm install -g .` on a fresh clone links the folder without installing anything in it, so neither
// TypeScript nor the runtime dependencies are there: say how to install instead of `sh: tsc: not found`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url);
let tsc;
try {
  tsc = createRequire(new URL('package.json', root)).resolve('typescript/bin/tsc');
} catch {
  tsc = null;
}
if (tsc) {
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
if (existsSync(new URL('dist/cli/main.js', root)) && existsSync(new URL('node_modules/yargs', root))) process.exit(0);
process.stderr.write(
  [
    'virtax: this checkout is not installed yet (no node_modules, no dist/).',
    'virtax: install from a checkout with:   npm ci && npm install -g .',
    'virtax: or make a self-contained package: npm ci && npm pack && npm install -g ./virtax-*.tgz',
    '',
  ].join('\n'),
);
process.exit(1);
