/**
 * Collector under load: 50 concurrent clients POST distinct results for 20 s (autocannon), against
 * `virtax serve` running as its own process. Checks there were no errors and that every acknowledged upload
 * is listed afterwards; prints uploads/s and latency percentiles, listing latency with that many results
 * stored (10,000 generated results are stored before the load starts), and how long rebuilding the index from
 * the files takes.
 *
 * Then, on a fresh collector, hostile load (issue 27): /healthz latency while a 7.5-million-element results
 * file (15 MB, under the 16 MiB limit) is being uploaded, and while 300 connections are open that send their
 * headers one byte a second or send nothing.
 * Environment: BENCH_COLLECTOR_SECONDS (default 20), BENCH_COLLECTOR_CONNECTIONS (default 50),
 * BENCH_COLLECTOR_ONLY=hostile (only the hostile part).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { request } from 'undici';
import { ResultStore } from '../src/collector/store.js';
import { makeResults } from '../test/helpers/collector-fixtures.js';
import { spawnServe, waitExit } from '../test/helpers/collector-helpers.js';
import { quantileSorted, sortedOf } from '../src/stats/describe.js';

const TOKEN = 'bench-token';
const ID_SLOT = '00000000-0000-4000-8000-000000000000';

/** Type-7 quantile (src/stats/describe.ts, the one definition). */
const quantile = (xs: readonly number[], q: number): number => quantileSorted(sortedOf(xs), q);

export async function run(): Promise<void> {
  if (process.env.BENCH_COLLECTOR_ONLY !== 'hostile') await load();
  await hostile();
}

async function load(): Promise<void> {
  const seconds = Number(process.env.BENCH_COLLECTOR_SECONDS ?? 20);
  const connections = Number(process.env.BENCH_COLLECTOR_CONNECTIONS ?? 50);
  const dir = mkdtempSync(join(tmpdir(), 'virtax-bench-collector-'));
  const seeded = Number(process.env.BENCH_COLLECTOR_SEED_RESULTS ?? 10_000);
  mkdirSync(join(dir, 'results'));
  for (let i = 0; i < seeded; i++) {
    const f = makeResults({
      label: `seed-${i % 10}`,
      hostname: `host-${i % 100}`,
      startedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    });
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
        w.rounds = Array.from({ length: 10 }, (_, r) => ({
          figure: 1000 + i + r,
          operations: 1000,
          seconds: 1,
          samples: Array.from({ length: 400 }, (_, k) => 1000 + i + ((k * 7 + r) % 50)),
          stealPct: 0,
        }));
        w.summary.rounds = 10;
      }
      const res = await request(`${server.url}/api/v1/results`, {
        method: 'POST',
        body: JSON.stringify(f),
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      });
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
    console.log(
      `  uploads/s: mean ${result.requests.average.toFixed(0)}, p50 ${result.requests.p50}, min ${result.requests.min} (per-second samples)`,
    );
    console.log(
      `  upload latency (ms, autocannon whole-ms resolution): p50 ${result.latency.p50}, p99 ${result.latency.p99}, max ${result.latency.max}`,
    );
    console.log(
      `  errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}; listed afterwards ${listed.size} of total ${listedTotal}; acknowledged but not listed: ${missing}`,
    );
    const stored = rebuilt.indexed;
    console.log(
      `  listing with ${stored} stored, label+platform filter, 100 rows: p50 ${quantile(listMs, 0.5).toFixed(2)} ms, p99 ${quantile(listMs, 0.99).toFixed(2)} ms`,
    );
    console.log(
      `  listing with ${stored} stored, newest 100: p50 ${quantile(newestMs, 0.5).toFixed(2)} ms, p99 ${quantile(newestMs, 0.99).toFixed(2)} ms`,
    );
    console.log(
      `  /healthz during a 20-result report (${reportStatus}, built in ${reportMs.toFixed(0)} ms): ${healthMs.length} probes, p50 ${quantile(healthMs, 0.5).toFixed(2)} ms, p99 ${quantile(healthMs, 0.99).toFixed(2)} ms, max ${(healthMs[healthMs.length - 1] ?? NaN).toFixed(2)} ms`,
    );
    console.log(`  index rebuild from ${rebuilt.indexed} files: ${rebuildS.toFixed(2)} s`);
    console.log(ok ? '  PASS: no errors, every acknowledged upload listed' : '  FAIL: errors or missing uploads');
    if (!ok) process.exitCode = 1;
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGTERM');
    await waitExit(server.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One GET on a new connection (as a load balancer's probe): its status, or the error, and how long it took. */
function probe(url: string, timeoutMs: number): Promise<{ status: number | string; ms: number }> {
  const t0 = process.hrtime.bigint();
  const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
  return new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: ms() }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ status: e.code ?? e.message, ms: ms() }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ status: e.code ?? e.message, ms: ms() }));
  });
}

function probeLine(what: string, probes: Array<{ status: number | string; ms: number }>): string {
  const ok = probes.filter((p) => p.status === 200).map((p) => p.ms);
  const errors = new Map<string, number>();
  for (const p of probes) if (p.status !== 200) errors.set(String(p.status), (errors.get(String(p.status)) ?? 0) + 1);
  const errText = [...errors].map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
  const lat = ok.length ? `p50 ${quantile(ok, 0.5).toFixed(1)} ms, max ${Math.max(...ok).toFixed(1)} ms` : 'no answer';
  return `  /healthz ${what}: ${ok.length} of ${probes.length} probes answered 200 (${lat}); failed: ${errText}`;
}

/** /healthz during a 7.5M-element upload and under 300 slow or idle connections (issue 27). */
async function hostile(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'virtax-bench-collector-hostile-'));
  const server = await spawnServe(['--port', '0', '--data', dir, '--token', TOKEN]);
  try {
    const load = () =>
      loadavg()
        .map((x) => x.toFixed(1))
        .join(' ');
    console.log(
      `collector under hostile load (load average ${load()}, ${process.env.BENCH_COLLECTOR_ONLY === 'hostile' ? 'hostile part only' : 'after the load above'})`,
    );
    // 7.5 million samples, 15 MB, under the 16 MiB limit: all in one round (over the count limits since
    // issue 27), and spread over 150 rounds of 50,000 (within them: parsed and checked in full).
    const oneRound = makeResults({ label: 'hostile' });
    const oneRoundText = JSON.stringify(oneRound).replace('"samples":[1000]', `"samples":[${'1,'.repeat(7_499_999)}1]`);
    const spread = makeResults({ label: 'spread' });
    const w = spread.workloads[0]!;
    if (w.status === 'ok') {
      w.rounds = Array.from({ length: 150 }, () => ({
        figure: 1,
        operations: 1,
        seconds: 1,
        samples: new Array<number>(50_000).fill(1),
        stealPct: 0,
      }));
      w.summary.rounds = 150;
    }
    const spreadText = JSON.stringify(spread);
    const healthUrl = `${server.url}/healthz`;
    const base = await probe(healthUrl, 10_000);
    console.log(`  /healthz before: ${base.status} in ${base.ms.toFixed(1)} ms`);
    for (const [what, text] of [
      ['7.5M samples in one round', oneRoundText],
      ['7.5M samples in 150 rounds of 50,000', spreadText],
    ] as const) {
      const t0 = process.hrtime.bigint();
      let uploadMs = 0;
      const upload = request(`${server.url}/api/v1/results`, {
        method: 'POST',
        body: text,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        headersTimeout: 600_000,
        bodyTimeout: 600_000,
      }).then(
        async (res) => {
          const body = await res.body.text();
          uploadMs = Number(process.hrtime.bigint() - t0) / 1e6;
          return `${res.statusCode} ${body.trim().slice(0, 110)}`;
        },
        (e: Error) => {
          uploadMs = Number(process.hrtime.bigint() - t0) / 1e6;
          return `error ${e.message}`;
        },
      );
      // Probes every 50 ms while the upload is in flight (one at a time: a stalled probe counts in full).
      const during: Array<{ status: number | string; ms: number }> = [];
      while (uploadMs === 0) {
        await new Promise((r) => setTimeout(r, 50));
        if (uploadMs === 0) during.push(await probe(healthUrl, 120_000));
      }
      const uploadAnswer = await upload;
      console.log(
        `  upload of ${what} (${(text.length / 1e6).toFixed(1)} MB): ${uploadAnswer} after ${uploadMs.toFixed(0)} ms; load average ${load()}`,
      );
      console.log(probeLine('while it was in flight', during));
    }

    // 300 connections: half send a request's headers one byte a second, half send nothing; whichever the
    // collector closes is opened again at once (an attacker who reconnects). Probed for 15 s, past the 10 s
    // header deadline.
    const { hostname, port } = new URL(server.url);
    const head = `POST /api/v1/results HTTP/1.1\r\nHost: ${hostname}:${port}\r\nX-Slow: ${'a'.repeat(100)}`;
    let stopping = false;
    let reopened = 0;
    const sockets = new Set<Socket>();
    const open = (slow: boolean): void => {
      const s = connect(Number(port), hostname);
      sockets.add(s);
      let k = 0;
      const t = slow ? setInterval(() => s.write(head[k++ % head.length] as string), 1000) : null;
      s.on('error', () => {});
      s.on('close', () => {
        if (t) clearInterval(t);
        sockets.delete(s);
        if (!stopping) {
          reopened++;
          setTimeout(() => open(slow), 100);
        }
      });
    };
    for (let i = 0; i < 300; i++) open(i % 2 === 0);
    await new Promise((r) => setTimeout(r, 1000));
    const flood: Array<{ status: number | string; ms: number }> = [];
    for (let i = 0; i < 30; i++) {
      flood.push(await probe(healthUrl, 5_000));
      await new Promise((r) => setTimeout(r, 500));
    }
    stopping = true;
    for (const s of sockets) s.destroy();
    console.log(`  300 slow/idle connections, each reopened when closed (${reopened} reopened); load average ${load()}`);
    console.log(probeLine('under them', flood));
  } finally {
    server.child.kill('SIGTERM');
    await waitExit(server.child);
    rmSync(dir, { recursive: true, force: true });
  }
}
