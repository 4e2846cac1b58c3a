import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  MAX_ANSWER_BYTES,
  retryAfterMs,
  sanitizeServerText,
  uploadResultsText,
} from '../../src/probes/upload.js';
import { makeResults } from '../helpers/collector-fixtures.js';
import { runCli } from '../helpers/cli.js';

// Issue 16 item 5 (any 200 counted as success) and the client parts of items 8 and 13 (413 retried,
// Retry-After ignored, raw server text printed, token with a trailing newline, 30 s per silent attempt).

const dir = mkdtempSync(join(tmpdir(), 'virtax-answer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake server answering each request with `answer(n)`; returns its URL, the calls and a stop function. */
async function fake(answer: (n: number, req: IncomingMessage, res: ServerResponse) => void) {
  const calls: IncomingMessage[] = [];
  const s = createServer((req, res) => {
    calls.push(req);
    req.resume();
    req.on('end', () => answer(calls.length, req, res));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    calls,
    stop: () =>
      new Promise<void>((r) => {
        s.closeAllConnections();
        s.close(() => r());
      }),
  };
}

const f = makeResults();
const text = JSON.stringify(f);

describe('the client counts an upload only when a collector names the stored id', () => {
  it('a 200 text/html welcome page is a bad answer, not "already on the collector"', async () => {
    const s = await fake((_n, _q, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Welcome to nginx!</h1>'));
    try {
      const o = await uploadResultsText(text, { url: s.url, retries: 3, baseDelayMs: 1 });
      expect(o).toMatchObject({ status: 'bad-answer', httpStatus: 200, attempts: 1 });
      const file = join(dir, 'a.json');
      writeFileSync(file, text);
      const cli = await runCli(['upload', file, '--to', s.url]);
      expect(cli.code).toBe(1);
      expect(cli.err).toMatch(
        /not uploaded: .*a\.json: 127\.0\.0\.1:\d+ answered 200 with text\/html, not a collector's JSON \(is the URL a virtax collector\?\)/,
      );
      expect(cli.out).not.toMatch(/already on the collector/);
    } finally {
      await s.stop();
    }
  });

  it('JSON naming another id, or no id, is a bad answer', async () => {
    const other = '99999999-9999-4999-8999-999999999999';
    const s = await fake((n, _q, res) =>
      res
        .writeHead(201, { 'content-type': 'application/json' })
        .end(n === 1 ? `{"id":"${other}","status":"created","url":"/x"}` : '{"ok":true}'),
    );
    try {
      expect(await uploadResultsText(text, { url: s.url, retries: 0 })).toMatchObject({
        status: 'bad-answer',
        reason: expect.stringMatching(/naming another id/),
      });
      expect(await uploadResultsText(text, { url: s.url, retries: 0 })).toMatchObject({
        status: 'bad-answer',
        reason: expect.stringMatching(/without the stored id/),
      });
    } finally {
      await s.stop();
    }
  });
});

describe('retries', () => {
  it('413 is final: sent once', async () => {
    const s = await fake((_n, _q, res) =>
      res.writeHead(413, { 'content-type': 'application/json' }).end('{"error":"body exceeds the limit"}'),
    );
    try {
      expect(await uploadResultsText(text, { url: s.url, retries: 5, baseDelayMs: 1 })).toMatchObject({
        status: 'rejected',
        httpStatus: 413,
        attempts: 1,
      });
      expect(s.calls.length).toBe(1);
    } finally {
      await s.stop();
    }
  });

  it('Retry-After sets the least wait before the next attempt (bounded by maxRetryAfterMs)', async () => {
    const s = await fake((n, _q, res) => {
      if (n === 1) res.writeHead(503, { 'retry-after': '7', 'content-type': 'application/json' }).end('{"error":"busy"}');
      else
        res
          .writeHead(201, { 'content-type': 'application/json' })
          .end(`{"id":"${f.id}","status":"created","url":"/api/v1/results/${f.id}"}`);
    });
    try {
      const delays: number[] = [];
      const o = await uploadResultsText(text, {
        url: s.url,
        retries: 2,
        baseDelayMs: 1,
        maxRetryAfterMs: 30,
        random: () => 0,
        onRetry: (_n, ms) => delays.push(ms),
      });
      expect(o).toMatchObject({ status: 'stored', attempts: 2 });
      expect(delays).toEqual([30]);
    } finally {
      await s.stop();
    }
    expect(retryAfterMs('7')).toBe(7000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeNull();
  });

  it('a silent server costs the per-attempt timeout, not 30 s', async () => {
    expect(DEFAULT_ATTEMPT_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
    const s = await fake(() => {
      // never answers
    });
    try {
      const o = await uploadResultsText(text, { url: s.url, retries: 0, timeoutMs: 300 });
      expect(o.status).toBe('unreachable');
      expect(o.status === 'unreachable' && o.reason).toMatch(/HEADERS_TIMEOUT|Timeout/i);
    } finally {
      await s.stop();
    }
  });
});

describe('a slow or huge answer cannot hold the client (issue 27 items 3, 4)', () => {
  it('headers, then a byte every 200 ms: the attempt ends at its overall deadline, with a message saying so, and is retried', async () => {
    const timers: NodeJS.Timeout[] = [];
    const s = await fake((_n, _q, res) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      timers.push(setInterval(() => res.write(' '), 200));
    });
    try {
      // Never silent for the 10 s silence limit; only the deadline of the attempt ends it.
      const o = await uploadResultsText(text, { url: s.url, retries: 1, baseDelayMs: 1, attemptTimeoutMs: 1000 });
      expect(o).toMatchObject({ status: 'unreachable', attempts: 2 });
      expect(o.status === 'unreachable' && o.reason).toMatch(
        /no complete answer within 1 s \(the deadline of one attempt, --attempt-timeout\)/,
      );
      expect(s.calls.length).toBe(2);
    } finally {
      for (const t of timers) clearInterval(t);
      await s.stop();
    }
  });

  it('an endless 201 answer is read up to 64 KiB, then dropped: a bad answer; an endless error answer gives its first line', async () => {
    let written = 0;
    const s = await fake((n, _q, res) => {
      res.writeHead(n === 1 ? 201 : 500, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, n === 1 ? '{' : 'x');
      const more = () => {
        // Stops once the client has gone (the write fails or the socket closes).
        while (!res.destroyed && written < 1024 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
      };
      more();
    });
    try {
      const o = await uploadResultsText(text, { url: s.url, retries: 0 });
      expect(o).toMatchObject({
        status: 'bad-answer',
        httpStatus: 201,
        reason: expect.stringMatching(/answered 201 with more than 64 KiB \(the rest was dropped\), not a collector's answer/),
      });
      // Far less than the gigabyte on offer was sent before the client hung up.
      expect(written).toBeLessThan(256 * 1024 * 1024);
      const e = await uploadResultsText(text, { url: s.url, retries: 0 });
      expect(e).toMatchObject({ status: 'unreachable' });
      expect(e.status === 'unreachable' && e.reason).toMatch(/^HTTP 500: x{100,200}$/);
      expect(MAX_ANSWER_BYTES).toBe(65_536);
    } finally {
      await s.stop();
    }
  });

  it('--attempt-timeout is checked (exit 2); run --label refuses the labels a collector would refuse (exit 2, before running)', async () => {
    const file = join(dir, 'c.json');
    writeFileSync(file, text);
    const bad = await runCli(['upload', file, '--to', 'http://127.0.0.1:9', '--attempt-timeout', '0']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--attempt-timeout: expected a number of seconds above 0/);
    for (const [label, why] of [
      ['kvm-\u202eevil', /invisible or text-direction/],
      ['', /is empty/],
      ['kvm-\ud800', /not well-formed Unicode/],
    ] as const) {
      const r = await runCli(['run', '--label', label, '--only', 'cpu.int', '--out', join(dir, 'never.json'), '--no-progress']);
      expect(r.code, label).toBe(2);
      expect(r.err).toMatch(why);
      expect(r.err).toMatch(/--label .* a collector would refuse it/);
    }
  });
});

describe('server text and tokens', () => {
  it('control characters in a rejection reason are removed before printing', async () => {
    const s = await fake((_n, _q, res) =>
      res.writeHead(422, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'bad \u001b[2J\u001b[31mred\r\u202eevil' })),
    );
    try {
      const o = await uploadResultsText(text, { url: s.url, retries: 0 });
      expect(o).toMatchObject({ status: 'rejected', reason: 'bad [2J [31mred evil' });
    } finally {
      await s.stop();
    }
    expect(sanitizeServerText('a\u0007b\u009bc')).toBe('a b c');
  });

  it('a token file with a trailing newline works; a token with a space inside is refused with one line', async () => {
    const s = await fake((_n, req, res) => {
      const ok = req.headers.authorization === 'Bearer s3cret';
      res
        .writeHead(ok ? 201 : 401, { 'content-type': 'application/json' })
        .end(ok ? `{"id":"${f.id}","status":"created","url":"/api/v1/results/${f.id}"}` : '{"error":"bearer token not accepted"}');
    });
    try {
      const file = join(dir, 'b.json');
      writeFileSync(file, text);
      const tokenFile = join(dir, 'token');
      writeFileSync(tokenFile, 's3cret\n');
      const r = await runCli(['upload', file, '--to', s.url, '--token-file', tokenFile]);
      expect(r.code).toBe(0);
      const bad = await runCli(['upload', file, '--to', s.url, '--token', 'two words']);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/--token: a token may only hold printable ASCII without spaces/);
    } finally {
      await s.stop();
    }
  });
});
