/**
 * `virtax serve`: the HTTP collector. Probes POST results files; people and tools list and read them.
 *
 *   POST /api/v1/results        bearer token with the write scope (and the label allowed), Content-Type
 *                               application/json, size/depth/count/string limits, JSON Schema, finite
 *                               numbers, real dates, clean labels (validate.ts); 201 stored, 200 already
 *                               stored (same content), 409 same id with other content;
 *                               400/401/403/408/413/415/422 with one line, nothing written
 *   GET  /api/v1/results        ?label&platform&hypervisor&host&since&until&limit&offset  (newest first)
 *   GET  /api/v1/results/:id    the stored file
 *   GET  /api/v1/history?label  per-workload trend and change-point verdict of one label
 *   GET  /report?ids=a,b|label  HTML report: the ids compared against the first, or one label's history
 *   GET  /healthz, GET /metrics (Prometheus text)
 *
 * Reads need a token with the read scope when reads are protected (the default off loopback). Pages that
 * take long to build are built in a worker thread (renderer.ts), so `/healthz` and uploads keep answering;
 * when its queue is full the answer is 503 with Retry-After.
 *
 * No single request can stall the event loop: an upload's depth and counts are scanned as its bytes arrive
 * (refused at the first element over a limit, before it is read whole), and a body larger than
 * INLINE_CHECK_BYTES is parsed, validated and turned into its stored form in a worker thread with a deadline
 * (upload-check.ts, upload-worker.ts), which hands back bytes. The connection cap evicts connections that
 * have no request in progress, then slow bodies, before it turns anyone away (connections.ts), so probes get
 * through a flood of slow or idle connections.
 *
 * Browsers: a request whose Host is not one this collector answers to is 421 (DNS rebinding); a request
 * whose Origin is another site is 403; without any token (loopback only) a browser-shaped write (Origin,
 * Sec-Fetch-*, Cookie) is 403, so a web page cannot post to a local collector.
 *
 * Every error answer is JSON `{ "error": "<one line>" }` without file paths or stacks. A result is
 * acknowledged only after its file is fsynced and renamed into place and indexed (see store.ts).
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP, type AddressInfo } from 'node:net';
import { InputError } from '../errors.js';
import { changedWorkloadModules } from '../results/workload-modules.js';
import { ConnectionGuard } from './connections.js';
import { PageRenderer, RenderError, WorkerQueue, type RenderJob } from './renderer.js';
import {
  EmbeddedStore,
  isResultId,
  StoreReadError,
  StoreUnavailableError,
  type DocumentSource,
  type ListQuery,
  type OpenReport,
  type ResultsStore,
} from './store.js';
import { labelAllowed, TokenTable, type Grant, type Scope } from './tokens.js';
import { checkUpload, type UploadCheck } from './upload-check.js';
import type { UploadJob } from './upload-worker.js';
import { DEFAULT_SHAPE_LIMITS, JsonShapeScanner, parseStrictIsoTime, type ShapeLimits } from './validate.js';

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_PORT = 7070;
export const DEFAULT_BIND = '127.0.0.1';
/** Most ids one comparison report takes (after removing repeats). */
export const MAX_REPORT_IDS = 20;
/** Most results of one label a history page or history JSON covers (the newest). */
export const MAX_HISTORY_RESULTS = 500;
/** Bodies up to this size are checked on the event loop (a few milliseconds); larger ones in the upload worker. */
export const INLINE_CHECK_BYTES = 256 * 1024;

export interface CollectorOptions {
  /** Data directory of the embedded store (files + SQLite); ignored when `store` is given. */
  dataDir: string;
  /** Another store behind the same interface (PostgreSQL); default: the embedded store on `dataDir`. */
  store?: ResultsStore;
  /** Admin bearer token (read and write, any label); null: none. */
  token: string | null;
  /** Per-probe token file (see tokens.ts); null or absent: none. */
  tokensFile?: string | null;
  /** How often the token file is checked for changes, at most (default 1000 ms). */
  tokensReloadMs?: number;
  /** Require a token with the read scope on read endpoints (default false here; startCollector: off loopback). */
  protectReads?: boolean;
  /** Largest accepted upload in bytes (default 16 MiB). */
  maxBodyBytes?: number;
  /** Host names (without port) requests may be addressed to; default: loopback names when bound to loopback, any otherwise. */
  allowedHosts?: string[] | null;
  /** True when listening on loopback only: Host must then be a loopback name. */
  loopbackOnly?: boolean;
  /** Page renderer limits (tests make them small). */
  renderTimeoutMs?: number;
  renderQueue?: number;
  shapeLimits?: ShapeLimits;
  /** Largest body checked on the event loop (default INLINE_CHECK_BYTES; 0: every body in the worker). */
  inlineCheckBytes?: number;
  /** Longest the upload worker may take over one body before the upload is answered 503 (default 30 s). */
  uploadCheckTimeoutMs?: number;
  /** Large uploads waiting for or in the upload worker, at most (default 16; more are answered 503). */
  uploadCheckQueue?: number;
  /** Longest a refused request's body is read and discarded before the connection is cut (default 10 s). */
  drainBodyMs?: number;
}

/** Reasons an upload is rejected; each is a label of virtax_upload_rejections_total. */
export type RejectReason =
  | 'missing_token'
  | 'bad_token'
  | 'forbidden'
  | 'unsupported_type'
  | 'too_large'
  | 'malformed_json'
  | 'bad_id'
  | 'schema_invalid'
  | 'conflict';

const REJECT_REASONS: RejectReason[] = [
  'missing_token',
  'bad_token',
  'forbidden',
  'unsupported_type',
  'too_large',
  'malformed_json',
  'bad_id',
  'schema_invalid',
  'conflict',
];

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason?: RejectReason,
    readonly retryAfterS?: number,
  ) {
    super(message);
  }
}

function oneLine(s: string): string {
  return s.split('\n')[0]?.slice(0, 500) ?? '';
}

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};
/** JSON and text answers run nothing. */
const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";
/**
 * Report pages run their inline chart code (vega compiles expressions, hence 'unsafe-eval') but may load
 * nothing and send nothing anywhere (connect-src, form-action none), so an injected string cannot exfiltrate.
 */
const PAGE_CSP =
  "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

function send(res: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8'): void {
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'content-type': type,
    'content-security-policy': type.startsWith('text/html') ? PAGE_CSP : DATA_CSP,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, `${JSON.stringify(value)}\n`);
}

/** True for loopback addresses and the name localhost (exact: `127.0.0.1.example.com` is not loopback). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

/** The host name of a Host header, without the port. */
function hostName(header: string): string {
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(header.trim());
  return (m?.[1] ?? header).toLowerCase();
}

/** The collector's request handler and state, without a listening socket (tests and `serve` share it). */
export class Collector {
  readonly store: ResultsStore;
  readonly tokens: TokenTable;
  readonly protectReads: boolean;
  readonly maxBodyBytes: number;
  private readonly allowedHosts: Set<string> | null;
  private readonly loopbackOnly: boolean;
  private readonly limits: ShapeLimits;
  private readonly renderer: PageRenderer;
  private readonly checker: WorkerQueue<UploadJob, UploadCheck>;
  private readonly inlineCheckBytes: number;
  private readonly drainBodyMs: number;
  private readonly uploads = { created: 0, duplicate: 0 };
  private readonly rejections = new Map<RejectReason, number>();
  /** Requests being handled now (drained on shutdown). */
  inFlight = 0;
  private draining = false;
  private readonly idle: Array<() => void> = [];

  private constructor(
    options: CollectorOptions,
    store: ResultsStore,
    readonly openReport: OpenReport,
  ) {
    this.store = store;
    this.tokens = new TokenTable({ adminToken: options.token, file: options.tokensFile ?? null, reloadCheckMs: options.tokensReloadMs });
    this.protectReads = options.protectReads ?? false;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.allowedHosts = options.allowedHosts?.length ? new Set(options.allowedHosts.map((h) => h.toLowerCase())) : null;
    this.loopbackOnly = options.loopbackOnly ?? false;
    this.limits = options.shapeLimits ?? DEFAULT_SHAPE_LIMITS;
    this.renderer = new PageRenderer({ timeoutMs: options.renderTimeoutMs, maxQueue: options.renderQueue });
    this.checker = new WorkerQueue<UploadJob, UploadCheck>('upload-worker', {
      timeoutMs: options.uploadCheckTimeoutMs ?? 30_000,
      maxQueue: options.uploadCheckQueue ?? 16,
      cacheEntries: 0,
    });
    this.inlineCheckBytes = options.inlineCheckBytes ?? INLINE_CHECK_BYTES;
    this.drainBodyMs = options.drainBodyMs ?? 10_000;
  }

  /** Open the store (the embedded one takes the data directory's lock) and make the handler. */
  static async open(options: CollectorOptions): Promise<Collector> {
    // Tokens first: a bad token file is a usage error before anything is opened.
    new TokenTable({ adminToken: options.token, file: options.tokensFile ?? null });
    const store = options.store ?? new EmbeddedStore(options.dataDir);
    let report: OpenReport;
    try {
      report = await store.open();
    } catch (e) {
      await store.close().catch(() => {});
      if (e instanceof InputError) throw e;
      const err = e as NodeJS.ErrnoException;
      throw new InputError(`cannot open the store at ${store.where}: ${err.code ?? ''}${err.code ? ' ' : ''}${oneLine(err.message)}`);
    }
    return new Collector(options, store, report);
  }

  /** Close the store and the page worker (the embedded store releases the data directory). */
  async close(): Promise<void> {
    await this.renderer.close();
    await this.checker.close();
    await this.store.close();
  }

  /** Stop taking new requests on kept-alive connections; resolves when every request in flight has ended. */
  drain(): Promise<void> {
    this.draining = true;
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.inFlight++;
    if (this.draining) res.setHeader('connection', 'close');
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      if (--this.inFlight === 0) for (const f of this.idle.splice(0)) f();
    };
    res.once('close', end);
    res.once('finish', end);
    this.route(req, res).catch((e: unknown) => this.fail(req, res, e));
  };

  private fail(req: IncomingMessage, res: ServerResponse, e: unknown): void {
    if (e instanceof HttpError) {
      if (e.reason) this.rejections.set(e.reason, (this.rejections.get(e.reason) ?? 0) + 1);
      if (e.status === 401) res.setHeader('www-authenticate', 'Bearer realm="virtax"');
      if (e.retryAfterS !== undefined) res.setHeader('retry-after', String(e.retryAfterS));
      this.drainRequest(req);
      if (!res.headersSent) sendJson(res, e.status, { error: oneLine(e.message) });
      return;
    }
    if (e instanceof StoreUnavailableError) {
      process.stderr.write(`virtax serve: ${req.method} ${oneLine((req.url ?? '').slice(0, 200))}: ${e.message}\n`);
      if (!res.headersSent) {
        res.setHeader('retry-after', '5');
        sendJson(res, 503, { error: `storage unavailable: ${e.message}; try again shortly` });
      }
      return;
    }
    // The client went away mid-request: nothing to answer, nothing to log.
    if ((e as NodeJS.ErrnoException).code === 'ECONNRESET' || (e as Error).message === 'aborted') return;
    // One line in the log, no stack; nothing about files in the answer.
    const why =
      e instanceof StoreReadError
        ? e.message
        : `${e instanceof Error ? e.name : 'error'}: ${oneLine(e instanceof Error ? e.message : String(e))}`;
    process.stderr.write(`virtax serve: ${req.method} ${oneLine((req.url ?? '').slice(0, 200))}: ${why}\n`);
    if (!res.headersSent) sendJson(res, 500, { error: e instanceof StoreReadError ? e.message : 'internal error (see the collector log)' });
    else res.destroy();
  }

  /**
   * After an early refusal (413, 401, 415...) the client may still be sending. Closing now would reset the
   * connection and the client would see ECONNRESET instead of the answer (and retry, resending the body);
   * so read and discard the rest, up to a bound and a time limit, after which the connection is cut. A body
   * drained to its end leaves an ordinary kept-alive connection.
   */
  private drainRequest(req: IncomingMessage): void {
    if (req.complete) return;
    const socket = req.socket;
    const cap = Math.min(64 * 1024 * 1024, Math.max(4 * this.maxBodyBytes, 1024 * 1024));
    let seen = 0;
    const timer = setTimeout(() => socket.destroy(), this.drainBodyMs);
    timer.unref();
    req.on('data', (c: Buffer) => {
      seen += c.length;
      if (seen > cap) {
        clearTimeout(timer);
        socket.destroy();
      }
    });
    req.once('end', () => clearTimeout(timer));
    req.once('close', () => clearTimeout(timer));
    req.resume();
  }

  /** Host header this collector answers to (DNS rebinding: a foreign name that resolves to us). */
  private checkHost(req: IncomingMessage, write: boolean): void {
    const header = req.headers.host;
    if (header === undefined) return;
    const name = hostName(header);
    if (this.allowedHosts ? !this.allowedHosts.has(name) : this.loopbackOnly && !isLoopback(name)) {
      throw new HttpError(
        421,
        `this collector does not answer to host ${JSON.stringify(name.slice(0, 100))}`,
        write ? 'forbidden' : undefined,
      );
    }
  }

  /** A browser page of another site: Origin differs from Host, or the fetch metadata says cross-site. */
  private checkOrigin(req: IncomingMessage, write: boolean): void {
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    if (origin !== undefined) {
      let same = false;
      try {
        same = origin !== 'null' && new URL(origin).host.toLowerCase() === (req.headers.host ?? '').toLowerCase();
      } catch {
        same = false;
      }
      if (!same)
        throw new HttpError(
          403,
          `requests from another origin (${oneLine(origin).slice(0, 100)}) are refused`,
          write ? 'forbidden' : undefined,
        );
    }
    if (site === 'cross-site' || site === 'same-site')
      throw new HttpError(403, 'cross-site requests are refused', write ? 'forbidden' : undefined);
    // Without any token a local collector trusts whoever reaches it, so it must not be a browser page:
    // writes carrying browser markers are refused even from the same origin.
    if (
      write &&
      !this.tokens.required &&
      (origin !== undefined || site !== undefined || req.headers['sec-fetch-mode'] !== undefined || req.headers.cookie !== undefined)
    ) {
      throw new HttpError(403, 'this collector has no token: uploads from a browser are refused (use virtax upload or curl)', 'forbidden');
    }
  }

  /** The grant of the request's bearer token for `scope`; null when no token is configured. */
  private authorize(req: IncomingMessage, scope: Scope): Grant | null {
    if (!this.tokens.required) return null;
    const header = req.headers.authorization;
    const m = header ? /^Bearer[ ]+([\x21-\x7e]+)[ \t]*$/i.exec(header) : null;
    if (!m) throw new HttpError(401, 'missing bearer token (Authorization: Bearer <token>)', 'missing_token');
    const grant = this.tokens.lookup(m[1] as string);
    if (!grant) throw new HttpError(401, 'bearer token not accepted', 'bad_token');
    if (!grant.scopes.has(scope)) throw new HttpError(403, `token ${grant.name} may not ${scope}`, 'forbidden');
    return grant;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    let path: string;
    try {
      url = new URL(req.url ?? '/', 'http://collector');
      path = decodeURIComponent(url.pathname);
    } catch {
      req.resume();
      throw new HttpError(400, 'the request path is not valid percent-encoding');
    }
    const isUpload = path === '/api/v1/results' && req.method === 'POST';
    this.checkHost(req, isUpload);
    if (isUpload) return this.upload(req, res);
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${req.method} not allowed on ${path.slice(0, 100)}`);
    // Liveness: the process answers. Readiness: the store can serve (a database may be away).
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const why = await this.store.unready();
      if (why) throw new HttpError(503, `not ready: ${why}`, undefined, 5);
      return sendJson(res, 200, { status: 'ready', stored: await this.store.count() });
    }
    this.checkOrigin(req, false);
    if (this.protectReads) {
      try {
        this.authorize(req, 'read');
      } catch (e) {
        // Read refusals are not upload rejections: no metric label.
        throw new HttpError((e as HttpError).status, (e as HttpError).message);
      }
    }
    if (path === '/metrics') return send(res, 200, await this.metricsText(), 'text/plain; version=0.0.4; charset=utf-8');
    if (path === '/api/v1/results') return sendJson(res, 200, await this.list(url.searchParams));
    if (path.startsWith('/api/v1/results/')) {
      const id = path.slice('/api/v1/results/'.length);
      if (!isResultId(id)) throw new HttpError(400, `id must be a UUID (got ${JSON.stringify(id.slice(0, 60))})`);
      const text = await this.store.getText(id);
      if (text === null) throw new HttpError(404, `no result ${id}`);
      return send(res, 200, text);
    }
    if (path === '/api/v1/history') {
      const label = url.searchParams.get('label');
      if (!label) throw new HttpError(400, 'history needs ?label=<host label>');
      const { ids, docs } = await this.labelDocs(label);
      return send(res, 200, await this.page(ids, { kind: 'history-json', label, docs }));
    }
    if (path === '/report') {
      const label = url.searchParams.get('label');
      const { ids, docs } = label ? await this.labelDocs(label) : await this.reportDocs(url.searchParams);
      const allowChangedWorkloads = url.searchParams.get('allowChangedWorkloads') === '1';
      const job: RenderJob = label ? { kind: 'history-html', label, docs } : { kind: 'comparison', docs, allowChangedWorkloads };
      return send(res, 200, await this.page(ids, job), 'text/html; charset=utf-8');
    }
    throw new HttpError(404, `no such endpoint: ${path.slice(0, 100)}`);
  }

  /** Build a page in the worker, or take it from the cache (stored results never change: the ids are the key). */
  private async page(ids: readonly string[], job: RenderJob): Promise<string> {
    const key = `${job.kind}\n${job.kind === 'comparison' ? '' : job.label}\n${ids.join(',')}`;
    try {
      return await this.renderer.render(key, job);
    } catch (e) {
      if (!(e instanceof RenderError)) throw e;
      switch (e.failure.status) {
        case 'busy':
          throw new HttpError(503, 'busy building other pages; try again shortly', undefined, 5);
        case 'timeout':
          throw new HttpError(503, 'the page took too long to build; choose fewer results', undefined, 30);
        case 'refused':
          throw new HttpError(409, e.failure.error);
        case 'failed':
          throw new Error(`page: ${e.failure.error}`);
      }
    }
  }

  /**
   * Read the body with the size limit, scanning its depth and counts as it arrives: a 413 (or a 400 for
   * depth) is thrown at the first byte over a limit, and the rest is drained (see drainRequest). The body
   * comes back in one buffer of its own (so it can be moved to the upload worker).
   */
  private readBody(req: IncomingMessage): Promise<Buffer> {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.maxBodyBytes) {
      return Promise.reject(new HttpError(413, `body of ${declared} bytes exceeds the limit of ${this.maxBodyBytes} bytes`, 'too_large'));
    }
    const scanner = new JsonShapeScanner(this.limits);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxBodyBytes) {
          cleanup();
          reject(new HttpError(413, `body exceeds the limit of ${this.maxBodyBytes} bytes`, 'too_large'));
          return;
        }
        const problem = scanner.push(chunk);
        if (problem) {
          cleanup();
          reject(
            problem.kind === 'depth'
              ? new HttpError(400, problem.message, 'malformed_json')
              : new HttpError(413, `upload: ${problem.message}`, 'too_large'),
          );
          return;
        }
        chunks.push(chunk);
      };
      const onEnd = () => {
        cleanup();
        const body = Buffer.allocUnsafeSlow(size);
        let at = 0;
        for (const c of chunks) at += c.copy(body, at);
        resolve(body);
      };
      const onError = (e: Error) => {
        cleanup();
        reject(e);
      };
      const cleanup = () => {
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('error', onError);
      };
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', onError);
    });
  }

  /** Every check of an upload's bytes (upload-check.ts): here for small bodies, in the upload worker (with a deadline) for large ones. */
  private async checkBody(body: Buffer): Promise<UploadCheck> {
    if (body.length <= this.inlineCheckBytes) return checkUpload(body, this.limits, true);
    try {
      // The body's own buffer (allocUnsafeSlow in readBody) moves to the worker; it is unusable here after.
      return await this.checker.run(null, { body, limits: this.limits }, [body.buffer as ArrayBuffer]);
    } catch (e) {
      if (!(e instanceof RenderError)) throw e;
      switch (e.failure.status) {
        case 'busy':
          throw new HttpError(503, 'busy checking other large uploads; try again shortly', undefined, 5);
        case 'timeout':
          throw new HttpError(503, 'the upload took too long to check; try again later or send a smaller file', undefined, 30);
        default:
          throw new Error(`upload check: ${e.message}`);
      }
    }
  }

  private async upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Refused before the body is read: the body is then drained (bounded), see drainRequest.
    this.checkOrigin(req, true);
    const grant = this.authorize(req, 'write');
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      throw new HttpError(
        415,
        `Content-Type must be application/json (got ${JSON.stringify(oneLine(type ?? '').slice(0, 60))})`,
        'unsupported_type',
      );
    }
    const check = await this.checkBody(await this.readBody(req));
    if (!check.ok) throw new HttpError(check.status, check.message, check.reason);
    const file = check.result;
    if (grant && !labelAllowed(grant, file.label)) {
      throw new HttpError(403, `token ${grant.name} may not post results labelled ${JSON.stringify(file.label)}`, 'forbidden');
    }
    const outcome = await this.store.put(file);
    if (outcome.status === 'conflict') throw new HttpError(409, outcome.reason, 'conflict');
    this.uploads[outcome.status]++;
    const location = `/api/v1/results/${outcome.id}`;
    res.setHeader('location', location);
    sendJson(res, outcome.status === 'created' ? 201 : 200, { id: outcome.id, status: outcome.status, url: location });
  }

  private async list(params: URLSearchParams): Promise<unknown> {
    const q: ListQuery = {};
    for (const key of ['label', 'platform', 'hypervisor', 'host'] as const) {
      const v = params.get(key);
      if (v !== null) q[key] = v;
    }
    for (const key of ['since', 'until'] as const) {
      const v = params.get(key);
      if (v === null) continue;
      // Strict: Date.parse would read `since=1` as the year 2001.
      const t = /^\d{4}-\d{2}-\d{2}$/.test(v) ? parseStrictIsoTime(`${v}T00:00:00Z`) : parseStrictIsoTime(v);
      if (t === null)
        throw new HttpError(
          400,
          `${key}: expected an ISO time like 2026-11-25T10:00:00Z or a date like 2026-11-25, in the years 1970-9999 (got ${JSON.stringify(v.slice(0, 40))})`,
        );
      q[key] = new Date(t).toISOString();
    }
    const int = (key: string, dflt: number, lo: number, hi: number): number => {
      const v = params.get(key);
      if (v === null) return dflt;
      const n = /^\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n) || n < lo || n > hi) throw new HttpError(400, `${key}: expected a whole number from ${lo} to ${hi}`);
      return n;
    };
    q.limit = int('limit', 100, 1, 1000);
    q.offset = int('offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const { total, items } = await this.store.list(q);
    let next: string | null = null;
    if (q.offset + items.length < total) {
      const p = new URLSearchParams(params);
      p.set('offset', String(q.offset + items.length));
      p.set('limit', String(q.limit));
      next = `/api/v1/results?${p.toString()}`;
    }
    return { total, offset: q.offset, limit: q.limit, items: items.map((i) => ({ ...i, url: `/api/v1/results/${i.id}` })), next };
  }

  /** Stored results of one label, the newest MAX_HISTORY_RESULTS, oldest first. */
  private async labelDocs(label: string): Promise<{ ids: string[]; docs: DocumentSource }> {
    const ids = await this.store.idsForLabel(label, MAX_HISTORY_RESULTS);
    if (ids.length === 0) throw new HttpError(404, `no results with label ${JSON.stringify(label.slice(0, 100))}`);
    const docs = await this.store.documents(ids);
    if ('missing' in docs) throw new HttpError(404, `no result ${docs.missing}`);
    return { ids, docs };
  }

  /** Results of a comparison report: repeats removed (case-insensitive), at most MAX_REPORT_IDS. */
  private async reportDocs(params: URLSearchParams): Promise<{ ids: string[]; docs: DocumentSource }> {
    const raw = (params.get('ids') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (raw.length === 0) throw new HttpError(400, 'report needs ?ids=<id>,<id>... or ?label=<host label>');
    for (const id of raw) if (!isResultId(id)) throw new HttpError(400, `id must be a UUID (got ${JSON.stringify(id.slice(0, 60))})`);
    const ids = [...new Set(raw.map((s) => s.toLowerCase()))];
    if (ids.length > MAX_REPORT_IDS)
      throw new HttpError(400, `report: at most ${MAX_REPORT_IDS} different ids (each is compared with the first)`);
    const docs = await this.store.documents(ids);
    if ('missing' in docs) throw new HttpError(404, `no result ${docs.missing}`);
    return { ids, docs };
  }

  /** Prometheus text exposition format 0.0.4. */
  async metricsText(): Promise<string> {
    const lines = [
      '# HELP virtax_uploads_total Results accepted by the collector.',
      '# TYPE virtax_uploads_total counter',
      `virtax_uploads_total{result="created"} ${this.uploads.created}`,
      `virtax_uploads_total{result="duplicate"} ${this.uploads.duplicate}`,
      '# HELP virtax_upload_rejections_total Uploads rejected, by reason.',
      '# TYPE virtax_upload_rejections_total counter',
    ];
    for (const r of REJECT_REASONS) lines.push(`virtax_upload_rejections_total{reason="${r}"} ${this.rejections.get(r) ?? 0}`);
    lines.push(
      '# HELP virtax_stored_results Results stored under the data directory.',
      '# TYPE virtax_stored_results gauge',
      `virtax_stored_results ${await this.store.count()}`,
    );
    return `${lines.join('\n')}\n`;
  }
}

/** Socket limits of the listening server. */
export interface ServerLimits {
  /** Whole request, headers and body (default 60 s). */
  requestTimeoutMs?: number;
  /** Headers only (default 10 s). */
  headersTimeoutMs?: number;
  /** Idle kept-alive connection (default 5 s). */
  keepAliveTimeoutMs?: number;
  /**
   * Open connections at most (default 256). A connection over the cap takes the place of the one that has
   * waited longest without a request, else of the oldest slow body (connections.ts); it is closed only when
   * every open connection has a request being answered.
   */
  maxConnections?: number;
  /** Longest a shutdown waits for requests in flight (default 25 s). */
  drainTimeoutMs?: number;
}

export interface StartOptions extends CollectorOptions, ServerLimits {
  port?: number;
  bind?: string;
  /** PEM certificate and key files: serve HTTPS. */
  tlsCert?: string | null;
  tlsKey?: string | null;
}

export interface ListeningCollector {
  collector: Collector;
  server: Server;
  connections: ConnectionGuard;
  /** Base URL, e.g. http://127.0.0.1:7070 */
  url: string;
  /** Stop accepting, let requests in flight finish (bounded), then close the store. */
  close(): Promise<void>;
}

/**
 * Open the store and listen. Refuses a non-loopback bind without a token; off loopback (or with a token
 * file), reads need a read token unless `protectReads` is set to false explicitly.
 */
export async function startCollector(options: StartOptions): Promise<ListeningCollector> {
  const bind = options.bind ?? DEFAULT_BIND;
  const loopback = isLoopback(bind);
  if (!options.token && !options.tokensFile && !loopback) {
    throw new InputError(
      `refusing to listen on ${bind} without a token: set --token-file, VIRTAX_TOKEN or --tokens (only loopback may run without one)`,
    );
  }
  if (Boolean(options.tlsCert) !== Boolean(options.tlsKey)) throw new InputError('--tls-cert and --tls-key go together');
  let tls: { cert: Buffer; key: Buffer } | null = null;
  if (options.tlsCert && options.tlsKey) {
    try {
      tls = { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) };
    } catch (e) {
      throw new InputError(`cannot read the TLS certificate or key: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  // Reads are protected off loopback, and wherever a token file gives tokens a read scope to mean something.
  const protectReads = options.protectReads ?? (!loopback || Boolean(options.tokensFile));
  const collector = await Collector.open({ ...options, protectReads, loopbackOnly: loopback });
  const serverOptions = {
    requestTimeout: options.requestTimeoutMs ?? 60_000,
    headersTimeout: options.headersTimeoutMs ?? 10_000,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
    // How often the request and headers timeouts are checked (Node's default is 30 s).
    connectionsCheckingInterval: Math.min(1_000, options.headersTimeoutMs ?? 1_000),
  };
  const connections = new ConnectionGuard(options.maxConnections ?? 256);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    connections.request(req, res);
    collector.handle(req, res);
  };
  let server: Server;
  try {
    server = tls
      ? (createHttpsServer({ ...serverOptions, ...tls }, handler) as unknown as Server)
      : createHttpServer(serverOptions, handler);
  } catch (e) {
    await collector.close();
    throw new InputError(`cannot start the server: ${oneLine((e as Error).message)}`);
  }
  // The cap is the guard's (server.maxConnections would close every new connection at the cap).
  connections.attach(server);
  // Node closes a connection whose request (or first request) has not arrived within the headers and
  // request timeouts, checked every connectionsCheckingInterval; idle kept-alive ones after keepAliveTimeout.
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, bind, () => {
      server.off('error', reject);
      resolvePromise();
    });
  }).catch(async (e: NodeJS.ErrnoException) => {
    await collector.close();
    throw new InputError(`cannot listen on ${bind}:${options.port ?? DEFAULT_PORT}: ${e.code ?? e.message}`);
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closing: Promise<void> | null = null;
  return {
    collector,
    server,
    connections,
    url: `${tls ? 'https' : 'http'}://${host}:${addr.port}`,
    close: () =>
      (closing ??= (async () => {
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        const grace = new Promise<void>((r) => setTimeout(r, options.drainTimeoutMs ?? 25_000).unref());
        await Promise.race([collector.drain(), grace]);
        server.closeAllConnections();
        await closed;
        await collector.close();
      })()),
  };
}
