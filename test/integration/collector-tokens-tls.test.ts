import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { startCollector } from '../../src/collector/server.js';
import { uploadResultsText } from '../../src/probes/upload.js';
import { makeResults } from '../helpers/collector-fixtures.js';
import { runCli } from '../helpers/cli.js';

// Issue 16 item 6: one fleet token let any probe post under any label; reads were public off loopback;
// no TLS (the token crossed the network in clear).

const dir = mkdtempSync(join(tmpdir(), 'virtax-tokens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const upload = (url: string, token: string, label: string) =>
  request(`${url}/api/v1/results`, {
    method: 'POST',
    body: JSON.stringify(makeResults({ label })),
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  }).then(async (r) => ({ status: r.statusCode, text: await r.body.text() }));
const list = (url: string, token?: string) =>
  request(`${url}/api/v1/results`, { headers: token ? { authorization: `Bearer ${token}` } : {} }).then(async (r) => ({
    status: r.statusCode,
    text: await r.body.text(),
  }));

describe('per-probe tokens', () => {
  it('a write token posts only under its labels and cannot read; a read token cannot write; edits apply without a restart', async () => {
    const file = join(dir, 'tokens.json');
    const write = (tokens: unknown[]) => writeFileSync(file, JSON.stringify({ tokens }));
    write([
      { name: 'metal-01', sha256: sha('probe-metal-01'), scopes: ['write'], labels: ['k8s-metal', 'metal-*'] },
      { name: 'planners', token: 'reader-secret', scopes: ['read'] },
    ]);
    const c = await startCollector({ dataDir: join(dir, 'd1'), token: null, tokensFile: file, tokensReloadMs: 0, port: 0 });
    try {
      expect((await upload(c.url, 'probe-metal-01', 'k8s-metal')).status).toBe(201);
      expect((await upload(c.url, 'probe-metal-01', 'metal-epyc')).status).toBe(201);
      const other = await upload(c.url, 'probe-metal-01', 'k8s-vm');
      expect(other.status).toBe(403);
      expect(JSON.parse(other.text).error).toMatch(/token metal-01 may not post results labelled "k8s-vm"/);
      expect((await upload(c.url, 'reader-secret', 'k8s-metal')).status).toBe(403);
      // With a token file, reads need the read scope even on loopback.
      expect((await list(c.url, 'probe-metal-01')).status).toBe(403);
      expect((await list(c.url, 'reader-secret')).status).toBe(200);
      // Revoke metal-01 by editing the file: no restart.
      write([{ name: 'planners', token: 'reader-secret', scopes: ['read'] }]);
      expect((await upload(c.url, 'probe-metal-01', 'k8s-metal')).status).toBe(401);
      // A broken edit keeps the previous table.
      writeFileSync(file, '{ not json');
      expect((await upload(c.url, 'probe-metal-01', 'k8s-metal')).status).toBe(401);
      expect(c.collector.tokens.fileTokens).toBe(1);
    } finally {
      await c.close();
    }
  });

  it('off loopback, reads need a read token by default; /healthz stays open', async () => {
    const c = await startCollector({ dataDir: join(dir, 'd2'), token: 'admin', port: 0, bind: '0.0.0.0' });
    try {
      const url = c.url.replace('0.0.0.0', '127.0.0.1');
      expect(c.collector.protectReads).toBe(true);
      expect((await list(url)).status).toBe(401);
      expect((await list(url, 'admin')).status).toBe(200);
      expect((await request(`${url}/healthz`)).statusCode).toBe(200);
    } finally {
      await c.close();
    }
  });
});

describe('TLS', () => {
  it('--tls-cert/--tls-key serve HTTPS; the upload client verifies the certificate against a given CA', async () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    const c = await startCollector({ dataDir: join(dir, 'd3'), token: 'tls-token', port: 0, tlsCert: cert, tlsKey: key });
    try {
      expect(c.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const f = makeResults();
      const ok = await uploadResultsText(JSON.stringify(f), { url: c.url, token: 'tls-token', ca: readFileSync(cert), retries: 0 });
      expect(ok).toMatchObject({ status: 'stored', id: f.id });
      // Without the CA the certificate is not trusted: no upload.
      const untrusted = await uploadResultsText(JSON.stringify(makeResults()), { url: c.url, token: 'tls-token', retries: 0 });
      expect(untrusted.status).toBe('unreachable');
      const agent = new Agent({ connect: { ca: readFileSync(cert) } });
      const res = await request(`${c.url}/healthz`, { dispatcher: agent });
      expect(res.statusCode).toBe(200);
      await res.body.text();
      await agent.close();
      // 300 connections that never start their TLS handshake do not lock out /healthz (issue 27).
      const { hostname, port } = new URL(c.url);
      const raw = await Promise.all(
        Array.from(
          { length: 300 },
          () =>
            new Promise<Socket>((resolve) => {
              const s = connect(Number(port), hostname, () => resolve(s));
              s.on('error', () => {});
            }),
        ),
      );
      try {
        for (let i = 0; i < 3; i++) {
          const probe = new Agent({ connect: { ca: readFileSync(cert) } });
          const h = await request(`${c.url}/healthz`, { dispatcher: probe });
          expect(h.statusCode).toBe(200);
          await h.body.text();
          await probe.close();
        }
        expect(c.connections.size).toBeLessThanOrEqual(256);
      } finally {
        for (const s of raw) s.destroy();
      }
    } finally {
      await c.close();
    }
  });

  it('serve refuses --tls-cert without --tls-key', async () => {
    const r = await runCli(['serve', '--port', '0', '--data', join(dir, 'd4'), '--tls-cert', join(dir, 'cert.pem')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--tls-cert and --tls-key go together/);
  });
});

describe('the admin token of serve', () => {
  it('comes from a file or the environment with surrounding whitespace removed; a token with a space is refused', async () => {
    const { resolveToken } = await import('../../src/cli/commands/serve.js');
    const file = join(dir, 'admin-token');
    writeFileSync(file, 'abc\n');
    expect(resolveToken(undefined, file, {})).toBe('abc');
    expect(resolveToken(undefined, undefined, { VIRTAX_TOKEN: 'abc\n' })).toBe('abc');
    expect(resolveToken(undefined, undefined, { VIRTAX_TOKEN_FILE: file })).toBe('abc');
    expect(resolveToken(undefined, undefined, {})).toBeNull();
    expect(() => resolveToken('a b', undefined, {})).toThrow(/printable ASCII without spaces/);
  });
});
