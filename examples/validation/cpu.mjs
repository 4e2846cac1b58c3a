// Validation program (docs/advise.md, scripts/validate-advise.sh): CPU-bound: a JSON parse/stringify and
// integer-hashing loop over an in-memory document, no I/O after start-up. Usage: node cpu.mjs [ROUNDS]
const rounds = Number(process.argv[2] ?? 120);
const doc = { items: Array.from({ length: 5000 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ['a', 'b', String(i % 7)], price: i * 1.25 })) };
let h = 0;
for (let r = 0; r < rounds; r++) {
  const text = JSON.stringify(doc);
  const back = JSON.parse(text);
  for (let i = 0; i < text.length; i += 7) h = (h * 31 + text.charCodeAt(i)) | 0;
  h ^= back.items.length;
}
process.stdout.write(`${h}\n`);
