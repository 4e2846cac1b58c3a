import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopback, startCollector, type ListeningCollector } from '../../src/collector/server.js';
import { makeResults } from '../helpers/collector-fixtures.js';

// Issue 16 item 4: a page on another origin could POST text/plain to a collector without a token and the
// result was listed; a foreign Host header got 200 (DNS rebinding).

const dir = mkdtempSync(join(tmpdir(), 'virtax-browser-'));
let open: ListeningCollector;
let tokened: ListeningCollector;

beforeAll(async () => {
  open = await startCollector({ dataDir: join(dir, 'open'), token: null, port: 0 });
  tokened = await startCollector({ dataDir: join(dir, 'tok'), token: 'tok', port: 0 });
});
afterAll(async () => {
  await open.close();
  await tokened.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw request (node:http lets the test set Host freely). */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const body = () => JSON.stringify(makeResults());
const stored = (name: string) => readdirSync(join(dir, name, 'results'));

describe('no-token loopback collector refuses what a browser page could send', () => {
  it('text/plain (a form or no-cors fetch) is 415', async () => {
    const r = await raw(open.url, 'POST', '/api/v1/results', { 'content-type': 'text/plain' }, body());
    expect(r.status).toBe(415);
    expect(stored('open')).toEqual([]);
  });

  it('a POST with Origin of another site is 403, even as application/json', async () => {
    const r = await raw(
      open.url,
      'POST',
      '/api/v1/results',
      { 'content-type': 'application/json', origin: 'https://evil.example' },
      body(),
    );
    expect(r.status).toBe(403);
    expect(stored('open')).toEqual([]);
  });

  it('a POST with browser fetch metadata is 403 even from the same origin', async () => {
    const host = new URL(open.url).host;
    const r = await raw(
      open.url,
      'POST',
      '/api/v1/results',
      { 'content-type': 'application/json', origin: `http://${host}`, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' },
      body(),
    );
    expect(r.status).toBe(403);
    expect(JSON.parse(r.text).error).toMatch(/no token: uploads from a browser are refused/);
  });

  it('a foreign Host (DNS rebinding) is 421 on reads and writes', async () => {
    const port = new URL(open.url).port;
    expect((await raw(open.url, 'GET', '/api/v1/results', { host: `attacker.example:${port}` })).status).toBe(421);
    expect(
      (
        await raw(
          open.url,
          'POST',
          '/api/v1/results',
          { host: `127.0.0.1.example.com:${port}`, 'content-type': 'application/json' },
          body(),
        )
      ).status,
    ).toBe(421);
    expect(stored('open')).toEqual([]);
  });

  it('curl-shaped uploads and local reads still work', async () => {
    const port = new URL(open.url).port;
    expect((await raw(open.url, 'POST', '/api/v1/results', { 'content-type': 'application/json' }, body())).status).toBe(201);
    expect((await raw(open.url, 'GET', '/api/v1/results', { host: `localhost:${port}` })).status).toBe(200);
    // A person typing the URL into a browser: Sec-Fetch-Site none.
    expect((await raw(open.url, 'GET', '/api/v1/results', { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' })).status).toBe(200);
    expect((await raw(open.url, 'GET', '/api/v1/results', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });
});

describe('a collector with a token', () => {
  it('requires application/json and refuses other origins before reading the body', async () => {
    const r = await raw(tokened.url, 'POST', '/api/v1/results', { authorization: 'Bearer tok', 'content-type': 'text/plain' }, body());
    expect(r.status).toBe(415);
    const o = await raw(
      tokened.url,
      'POST',
      '/api/v1/results',
      { authorization: 'Bearer tok', 'content-type': 'application/json', origin: 'https://evil.example' },
      body(),
    );
    expect(o.status).toBe(403);
    expect(
      (
        await raw(
          tokened.url,
          'POST',
          '/api/v1/results',
          { authorization: 'Bearer tok', 'content-type': 'application/json; charset=utf-8' },
          body(),
        )
      ).status,
    ).toBe(201);
  });
});

describe('loopback means loopback (item 13)', () => {
  it('only loopback addresses and localhost, exactly', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['127.0.0.1.example.com', '0.0.0.0', '10.0.0.1', 'localhost.evil', '::']) expect(isLoopback(h), h).toBe(false);
  });

  it('refuses to bind a name that merely starts with 127. without a token', async () => {
    await expect(startCollector({ dataDir: join(dir, 'x'), token: null, port: 0, bind: '127.0.0.1.example.com' })).rejects.toThrow(
      /without a token/,
    );
  });
});
