import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCollector, type ListeningCollector } from '../../src/collector/server.js';
import { ResultStore } from '../../src/collector/store.js';
import { parseStrictIsoTime } from '../../src/collector/validate.js';
import { makeResults } from '../helpers/collector-fixtures.js';

// Issue 16 items 2, 3, 7, 10 and the server parts of 13: every hostile upload is a 4xx with nothing written,
// and what was acknowledged stays readable (history, report, index rebuild).

let dir: string;
let c: ListeningCollector;
const TOKEN = 'validation-token';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

async function post(body: string) {
  const res = await request(`${c.url}/api/v1/results`, { method: 'POST', body, headers: auth });
  const text = await res.body.text();
  return { status: res.statusCode, text, json: JSON.parse(text) as { error?: string; id?: string; status?: string } };
}

async function get(path: string) {
  const res = await request(`${c.url}${path}`);
  return { status: res.statusCode, text: await res.body.text(), headers: res.headers };
}

const stored = () => readdirSync(join(dir, 'results'));

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'virtax-validation-'));
  c = await startCollector({ dataDir: dir, token: TOKEN, port: 0 });
});
afterEach(async () => {
  await c.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('hostile uploads are 4xx with nothing written', () => {
  const text = (f: object) => JSON.stringify(f);
  const cases: Array<[string, () => string, number, RegExp]> = [
    // item 2: 1e999 parses as Infinity and was stored as null, then broke the label
    [
      'a number too big to store',
      () => text(makeResults()).replace('"median":1000', '"median":1e999'),
      422,
      /\/workloads\/0\/summary\/median must be a finite number/,
    ],
    // item 3: a leap second passed the schema, was written, then answered 500
    ['a leap-second startedAt', () => text(makeResults({ startedAt: '2016-12-31T23:59:60Z' })), 422, /startedAt must be an ISO 8601 time/],
    ['an impossible calendar date', () => text(makeResults({ startedAt: '2026-02-30T10:00:00Z' })), 422, /startedAt/],
    // item 7: depth and size limits
    [
      '5,000-deep params',
      () => text(makeResults()).replace('"params":{}', `"params":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`),
      400,
      /nested deeper than 32 levels/,
    ],
    ['a body of [ only', () => '['.repeat(100_000), 400, /nested deeper/],
    ['a 100 kB hostname', () => text(makeResults({ hostname: 'h'.repeat(100_000) })), 422, /hostname is longer than 4096|longer than 200/],
    ['a long hostname', () => text(makeResults({ hostname: 'h'.repeat(300) })), 422, /\/host\/hostname is longer than 200 characters/],
    // item 13: U+2028 in a label broke every chart
    [
      'a line separator in the label',
      () => text(makeResults({ label: 'a\u2028b' })),
      422,
      /\/label contains a control character or line separator/,
    ],
    ['an escape character in the label', () => text(makeResults({ label: 'a\u001b[31mred' })), 422, /\/label contains a control character/],
    // issue 27 item 5: an offset pushed the year to +010000 (stored as the oldest result, missed by since=)
    [
      'a startedAt past the year 9999 in UTC',
      () => text(makeResults({ startedAt: '9999-12-31T23:59:59-23:59' })),
      422,
      /\/startedAt must be .* in the years 1970-9999/,
    ],
    [
      'a startedAt before 1970',
      () => text(makeResults({ startedAt: '1969-12-31T23:59:59Z' })),
      422,
      /\/startedAt must be .* in the years 1970-9999/,
    ],
    // issue 27 item 6: a lone surrogate could never be queried back; bidi and zero-width characters spoof listings
    ['a lone surrogate in the label', () => text(makeResults({ label: 'kvm-\ud800' })), 422, /\/label is not well-formed Unicode/],
    [
      'a right-to-left override in the label',
      () => text(makeResults({ label: 'kvm-\u202egpj.exe' })),
      422,
      /\/label contains an invisible or text-direction character/,
    ],
    ['a zero-width space in the label', () => text(makeResults({ label: 'kvm\u200b-a' })), 422, /\/label contains an invisible/],
    ['a BOM in the label', () => text(makeResults({ label: '\ufeffkvm' })), 422, /\/label contains an invisible/],
    ['an empty label', () => text(makeResults({ label: '' })), 422, /\/label is empty/],
    ['a blank label', () => text(makeResults({ label: '   ' })), 422, /\/label is empty/],
    ['a bidi isolate in the host name', () => text(makeResults({ hostname: 'db\u2067-1' })), 422, /\/host\/hostname contains an invisible/],
    ['an empty host name', () => text(makeResults({ hostname: '' })), 422, /\/host\/hostname is empty/],
  ];
  for (const [name, body, status, reason] of cases) {
    it(`${name}: ${status}`, async () => {
      const r = await post(body());
      expect(r.status, r.text).toBe(status);
      expect(r.json.error).toMatch(reason);
      expect(stored()).toEqual([]);
    });
  }

  it('strict ISO times: leap seconds, hour 24, bare numbers and offsets out of range are refused', () => {
    expect(parseStrictIsoTime('2026-11-25T10:00:00Z')).toBe(Date.UTC(2026, 10, 25, 10));
    expect(parseStrictIsoTime('2026-11-25T10:00:00.123+01:00')).toBe(Date.UTC(2026, 10, 25, 9, 0, 0, 123));
    for (const bad of [
      '2016-12-31T23:59:60Z',
      '2026-11-25T24:00:00Z',
      '1',
      '2026',
      '2026-11-25',
      '2026-11-25T10:00:00',
      '2026-11-25T10:00:00+25:00',
      '2025-02-29T00:00:00Z',
    ]) {
      expect(parseStrictIsoTime(bad), bad).toBeNull();
    }
    // Years 1970-9999 once normalised to UTC (issue 27 item 5).
    expect(parseStrictIsoTime('9999-12-31T23:59:59Z')).toBe(Date.UTC(9999, 11, 31, 23, 59, 59));
    expect(parseStrictIsoTime('1970-01-01T00:00:00Z')).toBe(0);
    for (const bad of [
      '9999-12-31T23:59:59-23:59',
      '9999-12-31T23:00:00-01:00',
      '1970-01-01T00:00:00+00:01',
      '1969-12-31T23:59:59Z',
      '0000-01-01T00:00:00Z',
    ]) {
      expect(parseStrictIsoTime(bad), bad).toBeNull();
    }
  });
});

describe('what is acknowledged stays readable', () => {
  it('an accepted result survives history, report and an index rebuild (no 500, nothing moved to rejected/)', async () => {
    for (let i = 0; i < 3; i++)
      expect((await post(JSON.stringify(makeResults({ label: 'L', startedAt: `2026-11-2${i}T10:00:00Z` })))).status).toBe(201);
    expect((await get('/api/v1/history?label=L')).status).toBe(200);
    expect((await get('/report?label=L')).status).toBe(200);
    await c.close();
    rmSync(join(dir, 'index.sqlite'));
    const store = new ResultStore(dir);
    const report = store.open();
    store.close();
    expect(report).toMatchObject({ rebuilt: true, indexed: 3, quarantined: 0 });
    c = await startCollector({ dataDir: dir, token: TOKEN, port: 0 });
  });
});

describe('duplicates do not depend on key order or id case (item 13)', () => {
  it('the same result with keys reordered or the id in upper case is a duplicate, not a conflict', async () => {
    const f = makeResults();
    expect((await post(JSON.stringify(f))).status).toBe(201);
    const reordered = Object.fromEntries(Object.entries(f).reverse());
    const r1 = await post(JSON.stringify(reordered));
    expect(r1.status, r1.text).toBe(200);
    const r2 = await post(JSON.stringify({ ...f, id: f.id.toUpperCase() }));
    expect(r2.status, r2.text).toBe(200);
    expect(r2.json.id).toBe(f.id);
    expect(stored()).toEqual([`${f.id}.json`]);
  });
});

describe('clean errors (item 10) and listing parameters (item 13)', () => {
  it('bad percent-encoding in a path is 400 with a clean message', async () => {
    const r = await get('/api/v1/results/%E0%A4%A');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error).toBe('the request path is not valid percent-encoding');
  });

  it('a stored file that cannot be read is 500 naming the id, not the path', async () => {
    const f = makeResults();
    expect((await post(JSON.stringify(f))).status).toBe(201);
    const p = join(dir, 'results', `${f.id}.json`);
    rmSync(p);
    symlinkSync(p, p); // ELOOP
    const r = await get(`/api/v1/results/${f.id}`);
    expect(r.status).toBe(500);
    expect(r.text).not.toContain(dir);
    expect(r.text).not.toMatch(/at .*\.ts|\/results\//);
    expect(JSON.parse(r.text).error).toBe(`stored result ${f.id} cannot be read (ELOOP)`);
  });

  it('since=1 is a 400, not the year 2001; a plain date is accepted', async () => {
    expect((await get('/api/v1/results?since=1')).status).toBe(400);
    expect((await get('/api/v1/results?since=2026-11-25')).status).toBe(200);
    expect((await get('/api/v1/results?limit=1e2')).status).toBe(400);
  });

  it('answers carry nosniff, a CSP and no-referrer; report pages may not connect anywhere', async () => {
    const f = makeResults();
    await post(JSON.stringify(f));
    const list = await get('/api/v1/results');
    expect(list.headers['x-content-type-options']).toBe('nosniff');
    expect(list.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    const page = await get(`/report?ids=${f.id}`);
    expect(page.headers['content-security-policy']).toMatch(/connect-src 'none'/);
    expect(page.headers['x-frame-options']).toBe('DENY');
  });
});
