/**
 * `virtax serve`: the HTTP collector. Probes POST results files; people and tools list and read them.
 *
 *   POST /api/v1/results        bearer token, size limit, JSON Schema; 201 stored, 200 already stored (same
 *                               content), 409 same id with other content; 400/401/413/422 with one line
 *   GET  /api/v1/results        ?label&platform&hypervisor&host&since&until&limit&offset  (newest first)
 *   GET  /api/v1/results/:id    the stored file
 *   GET  /api/v1/history?label  per-workload trend and change-point verdict of one label
 *   GET  /report?ids=a,b|label  HTML report: the ids compared against the first, or one label's history
 *   GET  /healthz, GET /metrics (Prometheus text)
 *
 * Every error answer is JSON `{ "error": "<one line>" }`. A result is acknowledged only after its file is
 * fsynced and renamed into place and indexed (see store.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError } from '../errors.js';
import { asResultsFile } from '../results/io.js';
import { changedWorkloadModules } from '../results/workload-modules.js';
import type { ResultsFile } from '../types.js';
import { buildHistory } from './history.js';
import { renderComparisonReport, renderHistoryReport } from './report.js';
import { isResultId, ResultStore, type ListQuery, type OpenReport } from './store.js';

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_PORT = 7070;
export const DEFAULT_BIND = '127.0.0.1';

export interface CollectorOptions {
  dataDir: string;
  /** Bearer token required for uploads (and reads when `protectReads`); null: no token (loopback only). */
  token: string | null;
  /** Require the token on read endpoints too (default false: reads are public). */
  protectReads?: boolean;
  /** Largest accepted upload in bytes (default 16 MiB). */
  maxBodyBytes?: number;
}

/** Reasons an upload is rejected; each is a label of virtax_upload_rejections_total. */
export type RejectReason = 'missing_token' | 'bad_token' | 'too_large' | 'malformed_json' | 'bad_id' | 'schema_invalid' | 'conflict';

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly reason?: RejectReason) {
    super(message);
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function oneLine(s: string): string {
  return s.split('\n')[0]?.slice(0, 500) ?? '';
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, `${JSON.stringify(value)}\n`);
}

/** The collector's request handler and state, without a listening socket (tests and `serve` share it). */
export class Collector {
  readonly store: ResultStore;
  readonly openReport: OpenReport;
  private readonly tokenDigest: Buffer | null;
  private readonly protectReads: boolean;
  readonly maxBodyBytes: number;
  private readonly uploads = { created: 0, duplicate: 0 };
  private readonly rejections = new Map<RejectReason, number>();

  constructor(options: CollectorOptions) {
    this.store = new ResultStore(options.dataDir);
    this.openReport = this.store.open();
    this.tokenDigest = options.token ? digest(options.token) : null;
    this.protectReads = options.protectReads ?? false;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  close(): void {
    this.store.close();
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.route(req, res).catch((e: unknown) => {
      if (e instanceof HttpError) {
        if (e.reason) this.rejections.set(e.reason, (this.rejections.get(e.reason) ?? 0) + 1);
        if (e.status === 413) res.setHeader('connection', 'close');
        if (e.status === 401) res.setHeader('www-authenticate', 'Bearer realm="virtax"');
        if (!res.headersSent) sendJson(res, e.status, { error: oneLine(e.message) });
        if (e.status === 413) res.on('finish', () => req.destroy());
        return;
      }
      process.stderr.write(`virtax serve: ${req.method} ${req.url}: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      if (!res.headersSent) sendJson(res, 500, { error: `internal error: ${oneLine(e instanceof Error ? e.message : String(e))}` });
    });
  };

  private authorize(req: IncomingMessage): void {
    if (!this.tokenDigest) return;
    const header = req.headers.authorization;
    const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!m) throw new HttpError(401, 'missing bearer token (Authorization: Bearer <token>)', 'missing_token');
    if (!timingSafeEqual(digest(m[1] as string), this.tokenDigest)) throw new HttpError(401, 'bearer token not accepted', 'bad_token');
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://collector');
    const path = url.pathname;
    if (path === '/api/v1/results' && req.method === 'POST') return this.upload(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${req.method} not allowed on ${path}`);
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok', stored: this.store.count() });
    // Reads: public unless --protect-reads. Drain any body a GET carries.
    req.resume();
    if (this.protectReads) {
      try {
        this.authorize(req);
      } catch (e) {
        throw new HttpError((e as HttpError).status, (e as HttpError).message);
      }
    }
    if (path === '/metrics') return send(res, 200, this.metricsText(), 'text/plain; version=0.0.4; charset=utf-8');
    if (path === '/api/v1/results') return sendJson(res, 200, this.list(url.searchParams));
    if (path.startsWith('/api/v1/results/')) {
      const id = decodeURIComponent(path.slice('/api/v1/results/'.length));
      if (!isResultId(id)) throw new HttpError(400, `id must be a UUID (got ${JSON.stringify(id.slice(0, 60))})`);
      const text = this.store.getText(id);
      if (text === null) throw new HttpError(404, `no result ${id}`);
      return send(res, 200, text);
    }
    if (path === '/api/v1/history') {
      const label = url.searchParams.get('label');
      if (!label) throw new HttpError(400, 'history needs ?label=<host label>');
      return sendJson(res, 200, buildHistory(this.filesForLabel(label), label));
    }
    if (path === '/report') {
      const files = this.reportFiles(url.searchParams);
      if (!url.searchParams.get('label') && url.searchParams.get('allowChangedWorkloads') !== '1') {
        // A user.* workload from an edited module is not comparable (src/results/workload-modules.ts).
        const changed = changedWorkloadModules(files.slice(0, 1), files.slice(1));
        if (changed) throw new HttpError(409, changed.replace('--allow-changed-workloads', '&allowChangedWorkloads=1'));
      }
      const html = url.searchParams.get('label')
        ? renderHistoryReport(files, `virtax history (${files.length} results)`)
        : renderComparisonReport(files);
      return send(res, 200, html, 'text/html; charset=utf-8');
    }
    throw new HttpError(404, `no such endpoint: ${path}`);
  }

  private async readBody(req: IncomingMessage): Promise<Buffer> {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.maxBodyBytes) {
      throw new HttpError(413, `body of ${declared} bytes exceeds the limit of ${this.maxBodyBytes} bytes`, 'too_large');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > this.maxBodyBytes) throw new HttpError(413, `body exceeds the limit of ${this.maxBodyBytes} bytes`, 'too_large');
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  private async upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.authorize(req);
    const body = await this.readBody(req);
    let data: unknown;
    try {
      data = JSON.parse(body.toString('utf8'));
    } catch (e) {
      throw new HttpError(400, `malformed JSON: ${oneLine((e as Error).message)}`, 'malformed_json');
    }
    const id = typeof data === 'object' && data !== null ? (data as { id?: unknown }).id : undefined;
    if (typeof id !== 'string' || !isResultId(id)) {
      throw new HttpError(400, `id must be a UUID (got ${JSON.stringify(typeof id === 'string' ? id.slice(0, 60) : id ?? null)})`, 'bad_id');
    }
    let file: ResultsFile;
    try {
      file = asResultsFile(data, 'upload');
    } catch (e) {
      if (e instanceof InputError) throw new HttpError(422, e.message, 'schema_invalid');
      throw e;
    }
    const outcome = await this.store.put(file);
    if (outcome.status === 'conflict') throw new HttpError(409, outcome.reason, 'conflict');
    this.uploads[outcome.status]++;
    const location = `/api/v1/results/${outcome.id}`;
    res.setHeader('location', location);
    sendJson(res, outcome.status === 'created' ? 201 : 200, { id: outcome.id, status: outcome.status, url: location });
  }

  private list(params: URLSearchParams): unknown {
    const q: ListQuery = {};
    for (const key of ['label', 'platform', 'hypervisor', 'host'] as const) {
      const v = params.get(key);
      if (v !== null) q[key] = v;
    }
    for (const key of ['since', 'until'] as const) {
      const v = params.get(key);
      if (v === null) continue;
      const t = Date.parse(v);
      if (Number.isNaN(t)) throw new HttpError(400, `${key}: expected an ISO time like 2026-11-25T10:00:00Z (got ${JSON.stringify(v.slice(0, 40))})`);
      q[key] = new Date(t).toISOString();
    }
    const int = (key: string, dflt: number, lo: number, hi: number): number => {
      const v = params.get(key);
      if (v === null) return dflt;
      const n = Number(v);
      if (!Number.isInteger(n) || n < lo || n > hi) throw new HttpError(400, `${key}: expected a whole number from ${lo} to ${hi}`);
      return n;
    };
    q.limit = int('limit', 100, 1, 1000);
    q.offset = int('offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const { total, items } = this.store.list(q);
    let next: string | null = null;
    if (q.offset + items.length < total) {
      const p = new URLSearchParams(params);
      p.set('offset', String(q.offset + items.length));
      p.set('limit', String(q.limit));
      next = `/api/v1/results?${p.toString()}`;
    }
    return { total, offset: q.offset, limit: q.limit, items: items.map((i) => ({ ...i, url: `/api/v1/results/${i.id}` })), next };
  }

  private filesForLabel(label: string): ResultsFile[] {
    return this.store.idsForLabel(label).flatMap((id) => this.store.get(id) ?? []);
  }

  private reportFiles(params: URLSearchParams): ResultsFile[] {
    const label = params.get('label');
    if (label) {
      const files = this.filesForLabel(label);
      if (files.length === 0) throw new HttpError(404, `no results with label ${JSON.stringify(label)}`);
      return files;
    }
    const ids = (params.get('ids') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (ids.length === 0) throw new HttpError(400, 'report needs ?ids=<id>,<id>... or ?label=<host label>');
    if (ids.length > 60) throw new HttpError(400, 'report: at most 60 ids (each is compared with the first)');
    return ids.map((id) => {
      if (!isResultId(id)) throw new HttpError(400, `id must be a UUID (got ${JSON.stringify(id.slice(0, 60))})`);
      const f = this.store.get(id);
      if (!f) throw new HttpError(404, `no result ${id}`);
      return f;
    });
  }

  /** Prometheus text exposition format 0.0.4. */
  metricsText(): string {
    const lines = [
      '# HELP virtax_uploads_total Results accepted by the collector.',
      '# TYPE virtax_uploads_total counter',
      `virtax_uploads_total{result="created"} ${this.uploads.created}`,
      `virtax_uploads_total{result="duplicate"} ${this.uploads.duplicate}`,
      '# HELP virtax_upload_rejections_total Uploads rejected, by reason.',
      '# TYPE virtax_upload_rejections_total counter',
    ];
    const reasons: RejectReason[] = ['missing_token', 'bad_token', 'too_large', 'malformed_json', 'bad_id', 'schema_invalid', 'conflict'];
    for (const r of reasons) lines.push(`virtax_upload_rejections_total{reason="${r}"} ${this.rejections.get(r) ?? 0}`);
    lines.push('# HELP virtax_stored_results Results stored under the data directory.', '# TYPE virtax_stored_results gauge', `virtax_stored_results ${this.store.count()}`);
    return `${lines.join('\n')}\n`;
  }
}

function isLoopback(bind: string): boolean {
  return bind === 'localhost' || bind === '::1' || /^127\./.test(bind);
}

export interface ListeningCollector {
  collector: Collector;
  server: Server;
  /** Base URL, e.g. http://127.0.0.1:7070 */
  url: string;
  close(): Promise<void>;
}

/** Open the store and listen. Refuses a non-loopback bind without a token. */
export async function startCollector(options: CollectorOptions & { port?: number; bind?: string }): Promise<ListeningCollector> {
  const bind = options.bind ?? DEFAULT_BIND;
  if (!options.token && !isLoopback(bind)) {
    throw new InputError(`refusing to listen on ${bind} without a token: set --token or VIRTAX_TOKEN (only loopback may run without one)`);
  }
  const collector = new Collector(options);
  const server = createServer(collector.handle);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, bind, () => {
      server.off('error', reject);
      resolvePromise();
    });
  }).catch((e: NodeJS.ErrnoException) => {
    collector.close();
    throw new InputError(`cannot listen on ${bind}:${options.port ?? DEFAULT_PORT}: ${e.code ?? e.message}`);
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    collector,
    server,
    url: `http://${host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolvePromise) => {
        server.close(() => {
          collector.close();
          resolvePromise();
        });
        server.closeAllConnections();
      }),
  };
}
