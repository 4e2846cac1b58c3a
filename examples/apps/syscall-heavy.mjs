// A small application with a known, syscall-heavy mix (used by docs/advise.md and
// test/integration/record-cli.test.ts): stat calls, small file reads, fresh memory (page faults) and some CPU.
// Usage: node syscall-heavy.mjs [iterations]
import { readFileSync, statSync } from 'node:fs';

const n = Number(process.argv[2] ?? 100_000);
let acc = 0;
for (let i = 0; i < n; i++) {
  acc += statSync('/etc/hostname').size;
  if (i % 10 === 0) acc += readFileSync('/etc/hostname').length;
  if (i % 1000 === 0) acc += Buffer.alloc(1 << 20, 1)[i % 1024] ?? 0; // a fresh MiB: ~256 page faults
  for (let k = 0; k < 200; k++) acc = (acc * 31 + k) % 1_000_003;
}
process.stdout.write(`${acc}\n`);
