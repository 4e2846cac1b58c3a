// Your own workloads for virtax: tinybench tasks, run as user.<name> beside the built-ins.
//   virtax run --workload examples/workloads/json-zlib.mjs --only user cpu.int
// virtax times batches of calls itself (tinybench's per-call timing is below the timer's resolution for calls
// this fast), so only the task functions and their hooks matter here, not the Bench's time or iterations.
import { deflateSync } from 'node:zlib';
import { Bench } from 'tinybench';

let doc;
let text;
let sink = 0;

const bench = new Bench({ name: 'json and zlib' });

bench.add(
  'json round trip',
  () => {
    const back = JSON.parse(JSON.stringify(doc));
    sink ^= back.items.length;
  },
  {
    // Runs once per round before the first batch: build a 100-item document (about 8 KB of JSON).
    beforeAll() {
      doc = { id: 'order-1', items: Array.from({ length: 100 }, (_, i) => ({ sku: `sku-${i}`, qty: i % 7, price: i * 1.25, tags: ['a', 'b'] })) };
    },
  },
);

bench.add(
  'zlib deflate',
  () => {
    sink ^= deflateSync(text, { level: 6 }).length;
  },
  {
    beforeAll() {
      text = Buffer.from(JSON.stringify(Array.from({ length: 400 }, (_, i) => ({ line: i, msg: `request ${i} served in ${i % 13} ms` }))));
    },
  },
);

export default bench;
