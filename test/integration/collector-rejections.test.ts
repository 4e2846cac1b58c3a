import { Readable } from 'node:stream';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCollector, type ListeningCollector } from '../../src/collector/server.js';
import { makeResults } from '../helpers/collector-fixtures.js';

let dir: string;
let c: ListeningCollector;
const TOKEN = 'test-token';

async function post(body: string | Buffer, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
  const res = await request(`${c.url}/api/v1/results`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
  const text = await res.body.text();
  return { status: res.statusCode, text, json: JSON.parse(text) as { error?: string; id?: string; status?: string } };
}

async function get(path: string) {
  const res = await request(`${c.url}${path}`);
  const text = await res.body.text();
  return { status: res.statusCode, text, headers: res.headers };
}

/** Nothing under the data directory's results/ (no file, no temp file). */
function storedNames(): string[] {
  return readdirSync(join(dir, 'results'));
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'virtax-collector-'));
  c = await startCollector({ dataDir: dir, token: TOKEN, port: 0, maxBodyBytes: 8 * 1024 });
});
afterEach(async () => {
  await c.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('collector rejects bad uploads with the right status, one line, and writes nothing', () => {
  const cases: Array<[string, () => Promise<{ status: number; json: { error?: string } }>, number, RegExp, string]> = [
    ['no token', () => post(JSON.stringify(makeResults()), {}), 401, /missing bearer token/, 'missing_token'],
    ['wrong token', () => post(JSON.stringify(makeResults()), { authorization: 'Bearer nope' }), 401, /not accepted/, 'bad_token'],
    [
      'oversized body',
      () => post(JSON.stringify({ ...makeResults(), pad: 'x'.repeat(20_000) })),
      413,
      /exceeds the limit of 8192 bytes/,
      'too_large',
    ],
    ['malformed JSON', () => post('{"schema": "virtax.results/v1", "id": '), 400, /malformed JSON/, 'malformed_json'],
    [
      'schema-invalid JSON',
      () => post(JSON.stringify({ ...makeResults(), workloads: 'none' })),
      422,
      /invalid results file: \/workloads must be array/,
      'schema_invalid',
    ],
    [
      'path-like id',
      () => post(JSON.stringify(makeResults({ id: '../../etc' }))),
      400,
      /id must be a UUID \(got "..\/..\/etc"\)/,
      'bad_id',
    ],
  ];
  for (const [name, send, status, reason, metric] of cases) {
    it(`${name}: ${status}`, async () => {
      const r = await send();
      expect(r.status).toBe(status);
      expect(r.json.error).toMatch(reason);
      expect(r.json.error).not.toContain('\n');
      expect(storedNames()).toEqual([]);
      const metrics = (await get('/metrics')).text;
      expect(metrics).toContain(`virtax_upload_rejections_total{reason="${metric}"} 1`);
      expect(metrics).toContain('virtax_stored_results 0');
    });
  }

  it('rejects a path-like id on reads too', async () => {
    expect((await get('/api/v1/results/..%2F..%2Fetc%2Fpasswd')).status).toBe(400);
    expect((await get('/report?ids=../../etc')).status).toBe(400);
  });

  it('oversized body without content-length (chunked) is cut off with 413', async () => {
    const big = Buffer.from(JSON.stringify({ ...makeResults(), pad: 'x'.repeat(50_000) }));
    async function* chunks() {
      for (let i = 0; i < big.length; i += 4096) yield big.subarray(i, i + 4096);
    }
    const res = await request(`${c.url}/api/v1/results`, {
      method: 'POST',
      body: Readable.from(chunks()),
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    }).catch((e: Error) => e);
    // The server answers 413 and closes; a client still sending may instead see the connection reset.
    if (!(res instanceof Error)) {
      expect(res.statusCode).toBe(413);
      await res.body.text();
    }
    expect(storedNames()).toEqual([]);
  });
});

describe('collector stores idempotently on the result id', () => {
  it('201 then 200 for the same content, 409 for other content under the same id', async () => {
    const f = makeResults();
    const first = await post(JSON.stringify(f, null, 2));
    expect(first.status).toBe(201);
    expect(first.json.status).toBe('created');
    const again = await post(JSON.stringify(f));
    expect(again.status).toBe(200);
    expect(again.json.status).toBe('duplicate');
    const other = await post(JSON.stringify({ ...f, label: 'changed' }));
    expect(other.status).toBe(409);
    expect(other.json.error).toMatch(/already stored with different content/);
    expect(storedNames()).toEqual([`${f.id}.json`]);
    const stored = await get(`/api/v1/results/${f.id}`);
    expect(stored.status).toBe(200);
    expect(JSON.parse(stored.text)).toEqual(f);
    expect((await get(`/api/v1/results/${f.id.replace(/^./, f.id[0] === '0' ? '1' : '0')}`)).status).toBe(404);
    const metrics = (await get('/metrics')).text;
    expect(metrics).toContain('virtax_uploads_total{result="created"} 1');
    expect(metrics).toContain('virtax_uploads_total{result="duplicate"} 1');
    expect(metrics).toContain('virtax_upload_rejections_total{reason="conflict"} 1');
  });

  it('reads are public by default and /healthz answers', async () => {
    expect((await get('/healthz')).text).toContain('"status":"ok"');
    expect((await get('/api/v1/results')).status).toBe(200);
  });
});

describe('collector with --protect-reads', () => {
  it('needs the token to list, not for /healthz', async () => {
    const p = await startCollector({ dataDir: join(dir, 'p'), token: TOKEN, port: 0, protectReads: true });
    try {
      expect((await request(`${p.url}/api/v1/results`)).statusCode).toBe(401);
      expect((await request(`${p.url}/api/v1/results`, { headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(200);
      expect((await request(`${p.url}/healthz`)).statusCode).toBe(200);
    } finally {
      await p.close();
    }
  });

  it('refuses a non-loopback bind without a token', async () => {
    await expect(startCollector({ dataDir: join(dir, 'q'), token: null, port: 0, bind: '0.0.0.0' })).rejects.toThrow(/without a token/);
  });
});
