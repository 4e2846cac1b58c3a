// Validation program (docs/advise.md, scripts/validate-advise.sh): an SQLite workload with better-sqlite3 on a
// file database in WAL mode: inserts in transactions of 500 rows, indexed point lookups, a range aggregate.
// Usage: node sqlite.mjs [ROWS]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const rows = Number(process.argv[2] ?? 60000);
const dir = mkdtempSync(join(tmpdir(), 'virtax-sqlite-'));
try {
  const db = new Database(join(dir, 'app.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER, amount REAL, note TEXT)');
  db.exec('CREATE INDEX orders_customer ON orders (customer)');
  const insert = db.prepare('INSERT INTO orders (customer, amount, note) VALUES (?, ?, ?)');
  const batch = db.transaction((from, to) => {
    for (let i = from; i < to; i++) insert.run(i % 997, (i * 7919) % 10007 / 100, `order ${i}`);
  });
  for (let i = 0; i < rows; i += 500) batch(i, Math.min(rows, i + 500));
  const byCustomer = db.prepare('SELECT count(*) AS n, sum(amount) AS s FROM orders WHERE customer = ?');
  let total = 0;
  for (let i = 0; i < rows / 4; i++) total += byCustomer.get(i % 997).n;
  const range = db.prepare('SELECT avg(amount) AS a FROM orders WHERE id BETWEEN ? AND ?');
  for (let i = 0; i < 200; i++) total += range.get(i * 100, i * 100 + 5000).a;
  db.close();
  process.stdout.write(`${rows} rows, ${Math.round(total)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
