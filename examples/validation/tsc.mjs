// Validation program (docs/advise.md, scripts/validate-advise.sh): a TypeScript compile of a small project
// (examples/validation/tsc-project) with the checkout's tsc, emitting into a temporary directory.
// Usage: node tsc.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const project = new URL('./tsc-project/tsconfig.json', import.meta.url).pathname;
const tsc = new URL('../../node_modules/typescript/bin/tsc', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'virtax-tsc-'));
try {
  const r = spawnSync(process.execPath, [tsc, '-p', project, '--outDir', out], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`tsc exited ${r.status}`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
