import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { buildHistory } from '../../src/stats/history.js';
import { startCollector } from '../../src/collector/server.js';
import { describeShape, renderHistoryHtml } from '../../src/report/history-html.js';
import { makeResults } from '../helpers/collector-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 24 nightly runs of one label: cpu.int steady at 1000 (±0.3%), dropping 8% from run 16 on. */
function nightly(label = 'kvm-m5') {
  const wobble = [0.3, -0.2, 0.1, -0.3, 0.2, 0, -0.1, 0.25];
  return Array.from({ length: 24 }, (_, i) =>
    makeResults({
      label,
      startedAt: new Date(Date.UTC(2026, 9, 1 + i, 2)).toISOString(),
      figure: (i < 16 ? 1000 : 920) * (1 + (wobble[i % 8] as number) / 100),
    }),
  );
}

describe('history of a label', () => {
  it('orders runs by time and flags the step at the run where it happened', () => {
    const files = nightly().reverse();
    const h = buildHistory([...files, makeResults({ label: 'other' })], 'kvm-m5');
    expect(h.results).toBe(24);
    const w = h.workloads[0]!;
    expect(w.id).toBe('cpu.int');
    expect(w.points.map((p) => p.at)).toEqual([...w.points.map((p) => p.at)].sort());
    expect(w.shape.shape).toBe('step');
    if (w.shape.shape === 'step') {
      expect(w.shape.changePoints.map((c) => c.index)).toEqual([16]);
      expect(w.shape.changePoints[0]!.changePct).toBeCloseTo(-8, 0);
    }
    expect(describeShape(w)).toMatch(/^step -8\.\d% at run 17 \(2026-10-17T02:00:00\.000Z, p = 0\.0\d+\)$/);
  });
});

describe('simple HTML report', () => {
  it('escapes every string from the files', () => {
    const html = renderHistoryHtml([makeResults({ label: '<script>alert(1)</script>', hostname: '"><img src=x>' })]);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('shows medians per result and a trend with the step for a label with history', () => {
    const html = renderHistoryHtml(nightly());
    expect(html).toContain('Trend of kvm-m5 (24 runs)');
    expect(html).toMatch(/class="step">step -8\.\d% at run 17/);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });
});

describe('collector history and report endpoints', () => {
  it('serves /api/v1/history, /report?label and /report?ids', async () => {
    const c = await startCollector({ dataDir: dir, token: null, port: 0 });
    try {
      const files = nightly();
      for (const f of files) expect((await c.collector.store.put(f)).status).toBe('created');
      const h = await request(`${c.url}/api/v1/history?label=kvm-m5`);
      const body = JSON.parse(await h.body.text()) as { results: number; workloads: Array<{ shape: { shape: string } }> };
      expect(body.results).toBe(24);
      expect(body.workloads[0]!.shape.shape).toBe('step');
      const byLabel = await request(`${c.url}/report?label=kvm-m5`);
      expect(byLabel.headers['content-type']).toMatch(/text\/html/);
      expect(await byLabel.body.text()).toContain('Trend of kvm-m5');
      const byIds = await request(`${c.url}/report?ids=${files[0]!.id},${files[1]!.id}`);
      const full = await byIds.body.text();
      // ids give the full comparison report (src/report): vega inlined, the first id is the baseline.
      expect(full).toContain('vega');
      // both results are labelled kvm-m5: replicate runs of one host, not renamed
      expect(full).toContain('2 replicate runs');
      const missing = await request(`${c.url}/report?ids=00000000-0000-4000-8000-000000000000`);
      expect(missing.statusCode).toBe(404);
      await missing.body.text();
      const listed = await request(`${c.url}/api/v1/results?label=kvm-m5&limit=10`);
      const page = JSON.parse(await listed.body.text()) as { total: number; items: unknown[]; next: string };
      expect(page.total).toBe(24);
      expect(page.items.length).toBe(10);
      expect(page.next).toBe('/api/v1/results?label=kvm-m5&limit=10&offset=10');
      const bad = await request(`${c.url}/api/v1/results?since=yesterday`);
      expect(bad.statusCode).toBe(400);
      expect(await bad.body.text()).toMatch(/since: expected an ISO time/);
    } finally {
      await c.close();
    }
  });
});
