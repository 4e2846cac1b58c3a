// Validation program (docs/advise.md, scripts/validate-advise.sh): a compression job: read files and gzip each
// (zlib level 6), the way a log shipper or an asset pipeline does, up to a number of input bytes.
// Usage: node gzip.mjs [DIR] [MAX-MIB]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = process.argv[2] ?? new URL('../../node_modules/typescript/lib', import.meta.url).pathname;
const max = Number(process.argv[3] ?? 12) * 1024 * 1024;
let inBytes = 0;
let outBytes = 0;
for (const name of readdirSync(dir).sort()) {
  const p = join(dir, name);
  if (!statSync(p).isFile()) continue;
  const data = readFileSync(p);
  outBytes += gzipSync(data, { level: 6 }).length;
  inBytes += data.length;
  if (inBytes >= max) break;
}
process.stdout.write(`${inBytes} bytes -> ${outBytes} bytes\n`);
