// A small CPU-bound application (used by docs/advise.md and test/integration/record-cli.test.ts):
// integer arithmetic in a loop, almost no syscalls. Usage: node cpu-bound.mjs [iterations]
const n = Number(process.argv[2] ?? 300_000_000);
let acc = 1;
for (let i = 0; i < n; i++) acc = (acc * 1_103_515_245 + 12_345) % 2_147_483_648;
process.stdout.write(`${acc}\n`);
