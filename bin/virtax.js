#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm run build`; `npm ci` runs it via `prepare`,
// `npm pack` via `prepack`, so a packed or published virtax carries dist/ and needs no TypeScript).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    `virtax: not built (${entry.pathname} is missing): run \`npm ci\` (or \`npm run build\`) in ${new URL('..', import.meta.url).pathname}\n`,
  );
  process.exit(2);
}
const { main } = await import(entry.href);
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`virtax: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  },
);
