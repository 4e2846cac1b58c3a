import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCollector } from '../../src/collector/server.js';
import { uploadEndpoint, uploadResultsText } from '../../src/probes/upload.js';
import { makeResults } from '../helpers/collector-fixtures.js';
import { runCli as capture } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-upload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A port nothing listens on: bind one, then close it. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

beforeEach(() => {
  process.env.VIRTAX_UPLOAD_BACKOFF_MS = '5';
  process.env.VIRTAX_UPLOAD_RETRIES = '2';
});
afterEach(() => {
  delete process.env.VIRTAX_UPLOAD_BACKOFF_MS;
  delete process.env.VIRTAX_UPLOAD_RETRIES;
});

describe('upload client', () => {
  it('appends /api/v1/results to a base URL and keeps a full endpoint', () => {
    expect(uploadEndpoint('http://c:7070').toString()).toBe('http://c:7070/api/v1/results');
    expect(uploadEndpoint('http://c:7070/api/v1/results').toString()).toBe('http://c:7070/api/v1/results');
    expect(() => uploadEndpoint('ftp://c')).toThrow(/http or https/);
  });

  it('retries a down collector with backoff and reports unreachable', async () => {
    const port = await deadPort();
    const delays: number[] = [];
    const o = await uploadResultsText('{}', {
      url: `http://127.0.0.1:${port}`,
      retries: 3,
      baseDelayMs: 10,
      random: () => 0.999,
      onRetry: (_n, ms) => delays.push(ms),
    });
    expect(o).toMatchObject({ status: 'unreachable', attempts: 4, reason: 'ECONNREFUSED' });
    expect(delays).toEqual([10, 20, 40]);
  });

  it('retries 503 and then succeeds; does not retry a 4xx rejection', async () => {
    const ID = '11111111-2222-4333-8444-555555555555';
    let calls = 0;
    const flaky: Server = createServer((req, res) => {
      req.resume();
      calls++;
      if (calls < 3) {
        res.writeHead(503).end('{"error":"busy"}');
      } else if (calls === 3) {
        res.writeHead(201, { 'content-type': 'application/json' }).end(`{"id":"${ID}","status":"created","url":"/api/v1/results/${ID}"}`);
      } else res.writeHead(422).end('{"error":"upload: invalid results file"}');
    });
    await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`;
    try {
      expect(await uploadResultsText(`{"id":"${ID}"}`, { url, retries: 5, baseDelayMs: 1 })).toMatchObject({
        status: 'stored',
        attempts: 3,
      });
      expect(await uploadResultsText(`{"id":"${ID}"}`, { url, retries: 5, baseDelayMs: 1 })).toMatchObject({
        status: 'rejected',
        httpStatus: 422,
        attempts: 1,
      });
      expect(calls).toBe(4);
    } finally {
      await new Promise((r) => flaky.close(r));
    }
  });
});

describe('virtax upload', () => {
  it('uploads files to a collector, and a second time reports them as already there', async () => {
    const c = await startCollector({ dataDir: join(dir, 'data'), token: 't', port: 0 });
    try {
      const a = join(dir, 'a.json');
      const b = join(dir, 'b.json');
      writeFileSync(a, JSON.stringify(makeResults()));
      writeFileSync(b, JSON.stringify(makeResults()));
      const first = await capture(['upload', a, b, '--to', c.url, '--token', 't']);
      expect(first.code).toBe(0);
      expect(first.out).toMatch(/uploaded .*a\.json -> http:\/\/127\.0\.0\.1:\d+\/api\/v1\/results\/[0-9a-f-]{36}/);
      expect(await c.collector.store.count()).toBe(2);
      const second = await capture(['upload', a, '--to', c.url, '--token', 't']);
      expect(second.code).toBe(0);
      expect(second.out).toMatch(/already on the collector/);
      const wrong = await capture(['upload', a, '--to', c.url, '--token', 'bad']);
      expect(wrong.code).toBe(1);
      expect(wrong.err).toMatch(/rejected .* \(HTTP 401\): bearer token not accepted/);
    } finally {
      await c.close();
    }
  });

  it('against a collector that is down: retries, exits 1, keeps the local file', async () => {
    const f = join(dir, 'keep.json');
    const text = JSON.stringify(makeResults());
    writeFileSync(f, text);
    const port = await deadPort();
    const r = await capture(['upload', f, '--to', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/attempt 1 failed \(ECONNREFUSED\)/);
    expect(r.err).toMatch(/attempt 2 failed/);
    expect(r.err).toMatch(/could not upload .*keep\.json after 3 attempt\(s\)/);
    expect(readFileSync(f, 'utf8')).toBe(text);
  });

  it('refuses an invalid local file with one line, exit 2 (bad input), and does not send it', async () => {
    const f = join(dir, 'bad.json');
    writeFileSync(f, '{"schema": "nope"}');
    const r = await capture(['upload', f, '--to', 'http://127.0.0.1:9']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not a virtax results file/);
  });
});

describe('virtax run --upload', () => {
  it('against a collector that is down: keeps the results file and says where it is', async () => {
    const out = join(dir, 'run.json');
    const port = await deadPort();
    const r = await capture([
      'run',
      '--only',
      'cpu.int',
      '--rounds',
      '1',
      '--out',
      out,
      '--no-progress',
      '--upload',
      `http://127.0.0.1:${port}`,
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/could not upload .*run\.json after 3 attempt\(s\)/);
    expect(r.err).toContain(`the results are kept in ${out}`);
    expect(JSON.parse(readFileSync(out, 'utf8')).workloads[0].id).toBe('cpu.int');
  });

  it('uploads at the end to a running collector', async () => {
    const c = await startCollector({ dataDir: join(dir, 'data-run'), token: 'tok', port: 0 });
    try {
      const out = join(dir, 'run2.json');
      const r = await capture([
        'run',
        '--only',
        'cpu.int',
        '--rounds',
        '1',
        '--out',
        out,
        '--no-progress',
        '--upload',
        c.url,
        '--token',
        'tok',
      ]);
      expect(r.err).toMatch(/uploaded .*run2\.json -> /);
      expect(r.code).toBe(0);
      const id = JSON.parse(readFileSync(out, 'utf8')).id as string;
      expect(JSON.parse((await c.collector.store.getText(id)) ?? 'null')?.id).toBe(id);
    } finally {
      await c.close();
    }
  });

  it('rejects a malformed --upload URL before running anything', async () => {
    const r = await capture(['run', '--only', 'cpu.int', '--upload', 'not a url']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--upload: not a URL/);
  });
});
