/**
 * Collector under load: 50 concurrent clients POST distinct results for 20 s (autocannon), against
 * `virtax serve` running as its own process. Checks there were no errors and that every acknowledged upload
 * is listed afterwards; prints uploads/s and latency percentiles, listing latency with that many results
 * stored (10,000 generated results are stored before the load starts), and how long rebuilding the index from
 * the files takes.
 * Environment: BENCH_COLLECTOR_SECONDS (default 20), BENCH_COLLECTOR_CONNECTIONS (default 50).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { request } from 'undici';
import { ResultStore } from '../src/collector/store.js';
import { makeResults } from '../test/collector-fixtures.js';
import { spawnServe, waitExit } from '../test/collector-helpers.js';
import { quantileSorted, sortedOf } from '../src/stats/describe.js';

const TOKEN = 'bench-token';
const ID_SLOT = '00000000-0000-4000-8000-000000000000';

/** Type-7 quantile (src/stats/describe.ts, the one definition). */
const quantile = (xs: readonly number[], q: number): number => quantileSorted(sortedOf(xs), q);

export async function run(): Promise<void> {
  const seconds = Number(process.env.BENCH_COLLECTOR_SECONDS ?? 20);
  const connections = Number(process.env.BENCH_COLLECTOR_CONNECTIONS ?? 50);
  const dir = mkdtempSync(join(tmpdir(), 'virtax-bench-collector-'));
  const seeded = Number(process.env.BENCH_COLLECTOR_SEED_RESULTS ?? 10_000);
  mkdirSync(join(dir, 'results'));
  for (let i = 0; i < seeded; i++) {
    const f = makeResults({ label: `seed-${i % 10}`, hostname: `host-${i % 100}`, startedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString() });
    writeFileSync(join(dir, 'results', `${f.id}.json`), JSON.stringify(f));
  }
  const tStart = process.hrtime.bigint();
  const server = await spawnServe(['--port', '0', '--data', dir, '--token', TOKEN]);
  const startS = Number(process.hrtime.bigint() - tStart) / 1e9;
  try {
    // One template; each request gets a fresh id, so every upload is a new result (no duplicates).
    const template = JSON.stringify(makeResults({ id: ID_SLOT, label: 'bench' }));
    const acked = new Set<string>();
    let sent = 0;
    const result = await autocannon({
      url: server.url,
      connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/api/v1/results',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          setupRequest: (req) => {
            sent++;
            return { ...req, body: template.replace(ID_SLOT, randomUUID()) };
          },
          onResponse: (status, body) => {
            if (status === 201) acked.add((JSON.parse(body) as { id: string }).id);
          },
        },
      ],
    });
    const listed = new Set<string>();
    let listedTotal = 0;
    for (let offset = 0; ; offset += 1000) {
      const res = await request(`${server.url}/api/v1/results?label=bench&limit=1000&offset=${offset}`);
      const page = JSON.parse(await res.body.text()) as { total: number; items: Array<{ id: string }> };
      listedTotal = page.total;
      for (const i of page.items) listed.add(i.id);
      if (page.items.length < 1000) break;
    }
    const missing = [...acked].filter((id) => !listed.has(id)).length;

    // Listing latency with everything stored: a filtered first page, measured here (sub-millisecond clock).
    const timeList = async (query: (i: number) => string): Promise<number[]> => {
      const ms: number[] = [];
      for (let i = 0; i < 200; i++) {
        const t0 = process.hrtime.bigint();
        const res = await request(`${server.url}/api/v1/results?${query(i)}`);
        await res.body.text();
        ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      return ms.sort((a, b) => a - b);
    };
    const listMs = await timeList((i) => `label=seed-${i % 10}&platform=vm&limit=100&offset=${(i * 37) % 900}`);
    const newestMs = await timeList(() => 'limit=100');

    // /healthz while the heaviest page is built: a 20-result comparison report (worker thread).
    const heavyIds: string[] = [];
    for (let i = 0; i < 20; i++) {
      const f = makeResults({ label: `heavy-${i}`, figure: 1000 + i });
      const w = f.workloads[0]!;
      if (w.status === 'ok') {
        w.rounds = Array.from({ length: 10 }, (_, r) => ({ figure: 1000 + i + r, operations: 1000, seconds: 1, samples: Array.from({ length: 400 }, (_, k) => 1000 + i + ((k * 7 + r) % 50)), stealPct: 0 }));
        w.summary.rounds = 10;
      }
      const res = await request(`${server.url}/api/v1/results`, { method: 'POST', body: JSON.stringify(f), headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } });
      await res.body.text();
      heavyIds.push(f.id);
    }
    const tReport = process.hrtime.bigint();
    let reportMs = 0;
    const report = request(`${server.url}/report?ids=${heavyIds.join(',')}`).then(async (res) => {
      await res.body.text();
      reportMs = Number(process.hrtime.bigint() - tReport) / 1e6;
      return res.statusCode;
    });
    // Every probe started while the page was being built counts, including one the page held up.
    const healthMs: number[] = [];
    await new Promise((r) => setTimeout(r, 20));
    while (reportMs === 0) {
      const t0 = process.hrtime.bigint();
      const res = await request(`${server.url}/healthz`);
      await res.body.text();
      healthMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      await new Promise((r) => setTimeout(r, 10));
    }
    const reportStatus = await report;
    healthMs.sort((a, b) => a - b);

    server.child.kill('SIGTERM');
    await waitExit(server.child);
    rmSync(join(dir, 'index.sqlite'), { force: true });
    rmSync(join(dir, 'index.sqlite-wal'), { force: true });
    rmSync(join(dir, 'index.sqlite-shm'), { force: true });
    const t0 = process.hrtime.bigint();
    const store = new ResultStore(dir);
    const rebuilt = store.open();
    const rebuildS = Number(process.hrtime.bigint() - t0) / 1e9;
    store.close();

    const ok = result.errors === 0 && result.timeouts === 0 && result.non2xx === 0 && missing === 0;
    console.log(`collector start with ${seeded} results on disk and no index: ${startS.toFixed(2)} s (includes tsx start-up)`);
    console.log(`collector load: ${connections} connections for ${seconds} s, ${sent} requests sent, ${acked.size} acknowledged (201)`);
    console.log(`  uploads/s: mean ${result.requests.average.toFixed(0)}, p50 ${result.requests.p50}, min ${result.requests.min} (per-second samples)`);
    console.log(`  upload latency (ms, autocannon whole-ms resolution): p50 ${result.latency.p50}, p99 ${result.latency.p99}, max ${result.latency.max}`);
    console.log(`  errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}; listed afterwards ${listed.size} of total ${listedTotal}; acknowledged but not listed: ${missing}`);
    const stored = rebuilt.indexed;
    console.log(`  listing with ${stored} stored, label+platform filter, 100 rows: p50 ${quantile(listMs, 0.5).toFixed(2)} ms, p99 ${quantile(listMs, 0.99).toFixed(2)} ms`);
    console.log(`  listing with ${stored} stored, newest 100: p50 ${quantile(newestMs, 0.5).toFixed(2)} ms, p99 ${quantile(newestMs, 0.99).toFixed(2)} ms`);
    console.log(`  /healthz during a 20-result report (${reportStatus}, built in ${reportMs.toFixed(0)} ms): ${healthMs.length} probes, p50 ${quantile(healthMs, 0.5).toFixed(2)} ms, p99 ${quantile(healthMs, 0.99).toFixed(2)} ms, max ${(healthMs[healthMs.length - 1] ?? NaN).toFixed(2)} ms`);
    console.log(`  index rebuild from ${rebuilt.indexed} files: ${rebuildS.toFixed(2)} s`);
    console.log(ok ? '  PASS: no errors, every acknowledged upload listed' : '  FAIL: errors or missing uploads');
    if (!ok) process.exitCode = 1;
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGTERM');
    await waitExit(server.child);
    rmSync(dir, { recursive: true, force: true });
  }
}
