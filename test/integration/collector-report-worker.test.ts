import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REPORT_IDS, startCollector, type ListeningCollector } from '../../src/collector/server.js';
import type { ResultsFile } from '../../src/types.js';
import { makeResults } from '../helpers/collector-fixtures.js';
import { spawnServe, waitExit } from '../helpers/collector-helpers.js';

// Issue 16 item 1: `/report?ids=` with 60 copies of one id built the page on the event loop for 11 s and
// `/healthz` (the liveness probe) waited 10 s behind it.

const dir = mkdtempSync(join(tmpdir(), 'virtax-report-worker-'));
let c: ListeningCollector;
const files: ResultsFile[] = [];

/** A result whose comparison takes real work: 10 rounds of 400 samples each. */
function heavy(i: number): ResultsFile {
  const f = makeResults({ label: `host-${i}`, figure: 1000 + i });
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
  return f;
}

beforeAll(async () => {
  c = await startCollector({ dataDir: dir, token: null, port: 0 });
  for (let i = 0; i < MAX_REPORT_IDS; i++) {
    const f = heavy(i);
    files.push(f);
    await c.collector.store.put(f);
  }
});
afterAll(async () => {
  await c.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string) {
  const res = await request(`${c.url}${path}`);
  return { status: res.statusCode, text: await res.body.text() };
}

describe('report pages do not stall the collector', () => {
  it('/healthz answers while a heavy report is being built (generous bound), and the report arrives', async () => {
    // The collector in its own process: in this one, a blocked event loop would hold up the test's own
    // requests too and hide the stall.
    const server = await spawnServe(['--port', '0', '--data', join(dir, 'spawned')], { VIRTAX_TOKEN: 'worker-token' });
    try {
      for (const f of files) {
        const res = await request(`${server.url}/api/v1/results`, {
          method: 'POST',
          body: JSON.stringify(f),
          headers: { authorization: 'Bearer worker-token', 'content-type': 'application/json' },
        });
        expect(res.statusCode).toBe(201);
        await res.body.text();
      }
      let reportDone = false;
      const report = request(`${server.url}/report?ids=${files.map((f) => f.id).join(',')}`).then(async (res) => {
        const text = await res.body.text();
        reportDone = true;
        return { status: res.statusCode, text };
      });
      await new Promise((r) => setTimeout(r, 100));
      const t0 = performance.now();
      const health = await request(`${server.url}/healthz`);
      await health.body.text();
      const healthMs = performance.now() - t0;
      const reportDoneAtHealth = reportDone;
      expect(health.statusCode).toBe(200);
      // Order, not time: the liveness answer did not wait for the page.
      expect(reportDoneAtHealth).toBe(false);
      expect(healthMs).toBeLessThan(2000);
      const r = await report;
      expect(r.status).toBe(200);
      expect(r.text).toContain('host-19');
      console.log(`healthz answered in ${healthMs.toFixed(1)} ms while a ${MAX_REPORT_IDS}-result report was being built`);
    } finally {
      server.child.kill('SIGTERM');
      await waitExit(server.child);
    }
  });

  it('60 copies of one id are one id; more than the cap of different ids is a 400', async () => {
    const one = Array.from({ length: 60 }, () => files[0]!.id).join(',');
    const r = await get(`/report?ids=${one}`);
    expect(r.status).toBe(200);
    const upper = await get(`/report?ids=${files[0]!.id},${files[0]!.id.toUpperCase()}`);
    expect(upper.status).toBe(200);
    const extra = makeResults();
    await c.collector.store.put(extra);
    const tooMany = await get(`/report?ids=${[...files.map((f) => f.id), extra.id].join(',')}`);
    expect(tooMany.status).toBe(400);
    expect(JSON.parse(tooMany.text).error).toMatch(/at most 20 different ids/);
  });

  it('a full page queue answers 503 with Retry-After instead of queueing without bound', async () => {
    const ids = files.map((f) => f.id);
    // Distinct requests (not cached): each a different pair.
    const many = Array.from({ length: 12 }, (_, i) =>
      request(`${c.url}/report?ids=${ids[i]},${ids[(i + 5) % ids.length]},${ids[(i + 9) % ids.length]}`),
    );
    const answers = await Promise.all(
      many.map(async (p) => {
        const res = await p;
        await res.body.text();
        return { status: res.statusCode, retryAfter: res.headers['retry-after'] };
      }),
    );
    const busy = answers.filter((a) => a.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    for (const b of busy) expect(b.retryAfter).toBe('5');
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(0);
  });
});
