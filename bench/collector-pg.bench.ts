/**
 * Replicated collector on PostgreSQL: two `virtax serve --db` processes on one throwaway cluster, 50
 * autocannon connections for 20 s split over both (25 each), replica A SIGKILLed at half time. Prints the
 * surviving replica's uploads/s, latency and errors, acknowledged vs stored (every 201 from either replica
 * must be in the database), and filtered-listing latency with 10,000 and then 100,000 small results stored.
 * The same figures for the embedded store come from collector.bench.ts.
 * Environment: BENCH_COLLECTOR_SECONDS (default 20), BENCH_COLLECTOR_CONNECTIONS (default 50).
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import pg from 'pg';
import { request } from 'undici';
import { makeResults } from '../test/helpers/collector-fixtures.js';
import { spawnServe, waitExit } from '../test/helpers/collector-helpers.js';
import { startPostgres } from '../test/helpers/collector-pg-helpers.js';
import { quantileSorted, sortedOf } from '../src/stats/describe.js';

const TOKEN = 'bench-token';
const ID_SLOT = '00000000-0000-4000-8000-000000000000';

/** Type-7 quantile (src/stats/describe.ts, the one definition). */
const quantile = (xs: readonly number[], q: number): number => quantileSorted(sortedOf(xs), q);

/** Insert `n` small results in one statement (seeding, not the measured path). */
async function seed(url: string, n: number, offset: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const template = `${JSON.stringify(makeResults({ id: ID_SLOT, label: 'seed' }))}\n`;
  await client.query(
    `INSERT INTO virtax_results (id, label, platform, hypervisor, host, started_at, finished_at, received_at, workloads, bytes, sha256, doc)
     SELECT id, 'seed-' || (i % 10), CASE WHEN i % 3 = 0 THEN 'metal' ELSE 'vm' END, 'kvm', 'host-' || (i % 100),
       to_char(timestamp '2026-01-01' + (i || ' minutes')::interval, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), NULL,
       to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 1, length($1), md5(id), replace($1, $2, id)
     FROM (SELECT i, gen_random_uuid()::text AS id FROM generate_series($3::int, $4::int) AS i) s`,
    [template, ID_SLOT, offset, offset + n - 1],
  );
  await client.query('ANALYZE virtax_results');
  await client.end();
}

async function timeList(base: string, query: (i: number) => string): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = process.hrtime.bigint();
    const res = await request(`${base}/api/v1/results?${query(i)}`);
    await res.body.text();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return ms.sort((a, b) => a - b);
}

export async function run(): Promise<void> {
  const started = startPostgres();
  if ('skip' in started) {
    console.log(`collector on PostgreSQL: skipped (${started.skip})`);
    return;
  }
  const db = started.pg;
  const seconds = Number(process.env.BENCH_COLLECTOR_SECONDS ?? 20);
  const connections = Number(process.env.BENCH_COLLECTOR_CONNECTIONS ?? 50);
  const env = { VIRTAX_TOKEN: TOKEN, VIRTAX_DB: db.url };
  const a = await spawnServe(['--port', '0'], env);
  const b = await spawnServe(['--port', '0'], env);
  try {
    await seed(db.url, 10_000, 0);
    const template = JSON.stringify(makeResults({ id: ID_SLOT, label: 'bench' }));
    const acked = new Set<string>();
    const load = (url: string, conns: number) =>
      autocannon({
        url,
        connections: conns,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            path: '/api/v1/results',
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
            setupRequest: (req) => ({ ...req, body: template.replace(ID_SLOT, randomUUID()) }),
            onResponse: (status, body) => {
              if (status === 201) acked.add((JSON.parse(body) as { id: string }).id);
            },
          },
        ],
      });
    const half = Math.floor(connections / 2);
    const runA = load(a.url, half);
    const runB = load(b.url, connections - half);
    await new Promise((r) => setTimeout(r, (seconds * 1000) / 2));
    a.child.kill('SIGKILL');
    await waitExit(a.child);
    const [ra, rb] = await Promise.all([runA, runB]);

    const stored = new Set<string>();
    for (let offset = 0; ; offset += 1000) {
      const res = await request(`${b.url}/api/v1/results?label=bench&limit=1000&offset=${offset}`);
      const page = JSON.parse(await res.body.text()) as { items: Array<{ id: string }> };
      for (const i of page.items) stored.add(i.id);
      if (page.items.length < 1000) break;
    }
    const missing = [...acked].filter((id) => !stored.has(id)).length;

    const filtered = (i: number) => `label=seed-${i % 10}&platform=vm&limit=100&offset=${(i * 37) % 900}`;
    const at10k = await timeList(b.url, filtered);
    const newest10k = await timeList(b.url, () => 'limit=100');
    await seed(db.url, 90_000, 10_000);
    const at100k = await timeList(b.url, filtered);
    const newest100k = await timeList(b.url, () => 'limit=100');
    const total = JSON.parse(await (await request(`${b.url}/readyz`)).body.text()) as { stored: number };

    const ok = rb.errors === 0 && rb.non2xx === 0 && missing === 0;
    console.log(
      `collector on PostgreSQL: 2 replicas, ${connections} connections for ${seconds} s (${half} per replica), replica A SIGKILLed at ${seconds / 2} s`,
    );
    console.log(
      `  replica B (survived): uploads/s mean ${rb.requests.average.toFixed(0)}, latency p50 ${rb.latency.p50} ms, p99 ${rb.latency.p99} ms, max ${rb.latency.max} ms; errors ${rb.errors}, timeouts ${rb.timeouts}, non-2xx ${rb.non2xx}`,
    );
    console.log(
      `  replica A (killed): uploads/s mean ${ra.requests.average.toFixed(0)} over the whole run (0 after the kill), latency p50 ${ra.latency.p50} ms, p99 ${ra.latency.p99} ms; connection errors after the kill ${ra.errors} (autocannon retrying a dead port)`,
    );
    console.log(`  acknowledged (201) by either: ${acked.size}; stored: ${stored.size}; acknowledged but not stored: ${missing}`);
    console.log(
      `  listing at 10,000 seeded, label+platform filter, 100 rows: p50 ${quantile(at10k, 0.5).toFixed(2)} ms, p99 ${quantile(at10k, 0.99).toFixed(2)} ms; newest 100: p50 ${quantile(newest10k, 0.5).toFixed(2)} ms`,
    );
    console.log(
      `  listing at ${total.stored} stored, label+platform filter, 100 rows: p50 ${quantile(at100k, 0.5).toFixed(2)} ms, p99 ${quantile(at100k, 0.99).toFixed(2)} ms; newest 100: p50 ${quantile(newest100k, 0.5).toFixed(2)} ms`,
    );
    console.log(ok ? '  PASS: no errors on the surviving replica, every acknowledged upload stored' : '  FAIL: errors or missing uploads');
    if (!ok) process.exitCode = 1;
  } finally {
    for (const s of [a, b]) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
    await Promise.all([waitExit(a.child), waitExit(b.child)]);
    db.stop();
  }
}
