import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { startCollector, type ListeningCollector } from '../../src/collector/server.js';
import { ResultStore } from '../../src/collector/store.js';
import { sortedJson } from '../../src/collector/upload-check.js';
import { makeResults } from '../helpers/collector-fixtures.js';

// Issue 27: no single body or connection flood stalls the collector. Items 1 (count limits, checks off the
// event loop), 2 (health under 300 slow or idle connections) and the index rebuild of item 6. Behaviour
// only: who answers, with what, and what is stored; no timings.

const dir = mkdtempSync(join(tmpdir(), 'virtax-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TOKEN = 'hostile-token';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

/** A GET on a fresh connection, as a load balancer probes: the status, or the error code. */
function probe(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: 20_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

function openSocket(url: string): Promise<Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname, () => resolve(s));
    s.resume();
    s.on('error', () => {});
    s.once('error', reject);
  });
}

/**
 * POST headers declaring `declared` bytes, then only `prefix`, and wait for the answer: an answer at all
 * means the server decided before the body was complete (it never will be).
 */
async function answerToPrefix(url: string, prefix: string, declared: number, token: string | null = TOKEN): Promise<string> {
  const s = await openSocket(url);
  let answer = '';
  const done = new Promise<string>((resolve) => {
    s.on('data', (d: Buffer) => {
      answer += d.toString();
      const m = /\r\ncontent-length: (\d+)\r\n[\s\S]*?\r\n\r\n([\s\S]*)$/i.exec(answer);
      if (m && Buffer.byteLength(m[2] as string) >= Number(m[1])) resolve(answer);
    });
    s.once('close', () => resolve(answer));
  });
  s.write(
    `POST /api/v1/results HTTP/1.1\r\nHost: 127.0.0.1\r\n${token ? `Authorization: Bearer ${token}\r\n` : ''}Content-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`,
  );
  s.write(prefix);
  const text = await done;
  s.destroy();
  return text;
}

const results = (c: ListeningCollector) => readdirSync(join(c.collector.store.where, 'results'));

describe('count limits are enforced as the body arrives (item 1)', () => {
  it('7.5 million samples, 5 million workloads or a million keys: 413 before the body is complete, nothing stored, /healthz answers', async () => {
    const c = await startCollector({ dataDir: join(dir, 'counts'), token: TOKEN, port: 0 });
    try {
      const head = JSON.stringify(makeResults());
      const at = head.indexOf('"samples":[') + '"samples":['.length;
      // The prefix holds 60,000 samples of the 7.5 million the headers announce.
      const samples = await answerToPrefix(c.url, head.slice(0, at) + '1,'.repeat(60_000), 15_000_000);
      expect(samples).toMatch(/^HTTP\/1\.1 413 /);
      expect(samples).toMatch(/\/workloads\/0\/rounds\/0\/samples holds more than 50,000 elements \(the limit for one round's samples/);
      const workloads = await answerToPrefix(c.url, `{"workloads":[${'{},'.repeat(2000)}`, 15_000_000);
      expect(workloads).toMatch(/^HTTP\/1\.1 413 /);
      expect(workloads).toMatch(/\/workloads holds more than 1,000 elements/);
      const keys = await answerToPrefix(c.url, `{"params":{${Array.from({ length: 2000 }, (_, i) => `"k${i}":1`).join(',')},`, 15_000_000);
      expect(keys).toMatch(/^HTTP\/1\.1 413 /);
      expect(keys).toMatch(/\/params holds more than 1,000 keys/);
      // Escaped key names count as what they decode to.
      const escaped = await answerToPrefix(c.url, `{"\\u0077orkloads":[${'{},'.repeat(2000)}`, 15_000_000);
      expect(escaped).toMatch(/\/workloads holds more than 1,000 elements/);
      expect(await probe(`${c.url}/healthz`)).toBe(200);
      expect(results(c)).toEqual([]);
      const metrics = await (await request(`${c.url}/metrics`)).body.text();
      expect(metrics).toMatch(/virtax_upload_rejections_total\{reason="too_large"\} 4/);
    } finally {
      await c.close();
    }
  });

  it('large bodies are checked in the upload worker: a round of 50,000 samples is stored, the same refusals apply, an overrun deadline is 503', async () => {
    const c = await startCollector({ dataDir: join(dir, 'worker'), token: TOKEN, port: 0, inlineCheckBytes: 0 });
    try {
      const f = makeResults();
      const w = f.workloads[0]!;
      if (w.status === 'ok') w.rounds[0]!.samples = Array.from({ length: 50_000 }, (_, i) => 1000 + (i % 7));
      const ok = await request(`${c.url}/api/v1/results`, { method: 'POST', body: JSON.stringify(f), headers: auth });
      expect(ok.statusCode, await ok.body.text()).toBe(201);
      const again = await request(`${c.url}/api/v1/results`, { method: 'POST', body: JSON.stringify(f, null, 2), headers: auth });
      expect(again.statusCode, await again.body.text()).toBe(200);
      const stored = JSON.parse(await (await request(`${c.url}/api/v1/results/${f.id}`)).body.text());
      expect(stored).toEqual(f);
      const bad = await request(`${c.url}/api/v1/results`, {
        method: 'POST',
        body: JSON.stringify(makeResults({ label: 'kvm\u202e' })),
        headers: auth,
      });
      expect(bad.statusCode).toBe(422);
      expect(JSON.parse(await bad.body.text()).error).toMatch(/\/label contains an invisible or text-direction character/);
      expect(results(c)).toEqual([`${f.id}.json`]);
    } finally {
      await c.close();
    }
    // A worker that cannot finish in time: 503 with Retry-After, nothing stored, the server still answers.
    const slow = await startCollector({
      dataDir: join(dir, 'deadline'),
      token: TOKEN,
      port: 0,
      inlineCheckBytes: 0,
      uploadCheckTimeoutMs: 1,
    });
    try {
      const res = await request(`${slow.url}/api/v1/results`, { method: 'POST', body: JSON.stringify(makeResults()), headers: auth });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('30');
      expect(JSON.parse(await res.body.text()).error).toMatch(/took too long to check/);
      expect(await probe(`${slow.url}/healthz`)).toBe(200);
      expect(results(slow)).toEqual([]);
    } finally {
      await slow.close();
    }
  });
});

describe('health answers under a connection flood (item 2)', () => {
  for (const token of [TOKEN, null]) {
    it(`300 idle, trickling and slow-body connections (${token ? 'with' : 'without'} a token): /healthz, /readyz and an upload get through`, async () => {
      const c = await startCollector({ dataDir: join(dir, `flood-${token ? 't' : 'n'}`), token, port: 0 });
      const sockets: Socket[] = [];
      try {
        for (let i = 0; i < 300; i++) {
          const s = await openSocket(c.url);
          sockets.push(s);
          if (i % 3 === 1) s.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a');
          if (i % 3 === 2)
            s.write(
              `POST /api/v1/results HTTP/1.1\r\nHost: 127.0.0.1\r\n${token ? `Authorization: Bearer ${token}\r\n` : ''}Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a":`,
            );
        }
        for (let i = 0; i < 5; i++) {
          expect(await probe(`${c.url}/healthz`)).toBe(200);
          expect(await probe(`${c.url}/readyz`)).toBe(200);
        }
        const f = makeResults();
        const up = await request(`${c.url}/api/v1/results`, {
          method: 'POST',
          body: JSON.stringify(f),
          headers: token ? auth : { 'content-type': 'application/json' },
        });
        expect(up.statusCode, await up.body.text()).toBe(201);
        expect(c.connections.size).toBeLessThanOrEqual(256);
        expect(c.connections.evicted).toBeGreaterThan(0);
        expect(results(c)).toEqual([`${f.id}.json`]);
      } finally {
        for (const s of sockets) s.destroy();
        await c.close();
      }
    });
  }
});

describe('the index rebuild applies the upload checks (items 1, 5, 6)', () => {
  it('stored files that break the current rules are moved to rejected/ with a note; the others are indexed', () => {
    const data = join(dir, 'rebuild');
    mkdirSync(join(data, 'results'), { recursive: true });
    const good = makeResults();
    const many = makeResults();
    const w = many.workloads[0]!;
    if (w.status === 'ok') w.rounds[0]!.samples = Array.from({ length: 50_001 }, () => 1);
    const bidi = makeResults({ label: 'kvm\u202e' });
    const future = makeResults({ startedAt: '9999-12-31T23:59:59-23:59' });
    for (const f of [good, many, bidi, future]) writeFileSync(join(data, 'results', `${f.id}.json`), JSON.stringify(f));
    const s = new ResultStore(data);
    const r = s.open();
    s.close();
    expect(r).toMatchObject({ indexed: 1, recovered: 1, quarantined: 3 });
    expect(readdirSync(join(data, 'results'))).toEqual([`${good.id}.json`]);
    const note = (id: string) => readFileSync(join(data, 'rejected', `${id}.json.why`), 'utf8');
    expect(note(many.id)).toMatch(/samples holds more than 50,000 elements/);
    expect(note(bidi.id)).toMatch(/\/label contains an invisible or text-direction character/);
    expect(note(future.id)).toMatch(/\/startedAt must be .* in the years 1970-9999/);
    // Never lost: the files themselves are kept byte for byte.
    for (const f of [many, bidi, future]) {
      expect(existsSync(join(data, 'rejected', `${f.id}.json`))).toBe(true);
      expect(JSON.parse(readFileSync(join(data, 'rejected', `${f.id}.json`), 'utf8'))).toEqual(f);
    }
  });
});

describe('content hashes stay comparable with stored ones', () => {
  it('the hand-written sorted JSON is the text of JSON.stringify with a key-sorting replacer (what stored sha256 values hash)', () => {
    const replacer = (_k: string, v: unknown) =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, (v as Record<string, unknown>)[k]]),
          )
        : v;
    const docs: unknown[] = [
      makeResults({ label: 'é\u{1F600}', hostname: 'h"\\\n' }),
      JSON.parse(
        '{"__proto__":{"b":1,"a":[1,2,{"z":null,"y":"\\ud800"}]},"x":[[],[{}],[1,"a"],[-0,1e21,1.5e-7]],"":0,"10":1,"2":2,"4294967295":3,"-1":5,"01":6}',
      ),
    ];
    for (const d of docs) expect(sortedJson(d)).toBe(JSON.stringify(d, replacer));
  });
});
