/**
 * Client side of the collector: POST one results file to `<collector>/api/v1/results` with undici,
 * retrying connection failures, 5xx, 408 and 429 with exponential backoff and full jitter, and waiting at
 * least what a Retry-After header asks (up to a bound). A rejection (other 4xx, 413 included) is final:
 * sending the same bytes again would get the same answer.
 *
 * An upload counts as done only when the answer is a collector's: JSON `{ id, status, url }` naming the id of
 * the uploaded file, with status `created` (201) or `duplicate` (200). Anything else (a proxy's welcome page,
 * a captive portal) is a `bad-answer`. Text from the server is stripped of control characters before it
 * reaches a terminal.
 *
 * Each attempt has one overall deadline (`attemptTimeoutMs`, `--attempt-timeout`, default 60 s) covering
 * connecting, sending the file and reading the whole answer, on top of the 10 s silence limits: a server
 * that trickles its answer a byte at a time cannot hold the client. Answers are read up to 64 KiB
 * (MAX_ANSWER_BYTES) and the rest dropped with the connection: a collector's answers are a few hundred bytes.
 */
import { readFileSync } from 'node:fs';
import { Agent, request, type Dispatcher } from 'undici';
import { cleanToken } from '../collector/tokens.js';
import { InputError } from '../errors.js';

export interface UploadOptions {
  /** Collector base URL (http://host:7070) or the full endpoint URL. */
  url: string;
  token?: string | null;
  /** Retries after the first attempt (default 5). */
  retries?: number;
  /** First backoff in ms (default 500); doubles each retry up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per-attempt silence limit in ms for connecting, the answer's headers and each part of its body (default 10 s). */
  timeoutMs?: number;
  /** Overall deadline of one attempt in ms, from connecting to the answer's last byte (default 60 s). */
  attemptTimeoutMs?: number;
  /** Longest wait a Retry-After header can impose (default 120 s). */
  maxRetryAfterMs?: number;
  /** Extra CA certificates (PEM) for an https collector with a private CA; NODE_EXTRA_CA_CERTS works too. */
  ca?: string | Buffer;
  /** Called before each wait, for a progress line. */
  onRetry?: (attempt: number, delayMs: number, why: string) => void;
  /** Random source for jitter, in [0, 1) (injectable for tests). */
  random?: () => number;
}

/** Outcome of one upload, tagged by `status`. */
export type UploadOutcome =
  | { status: 'stored' | 'duplicate'; id: string; url: string; attempts: number }
  | { status: 'rejected'; httpStatus: number; reason: string; attempts: number }
  | { status: 'bad-answer'; httpStatus: number; reason: string; attempts: number }
  | { status: 'unreachable'; reason: string; attempts: number };

/** The endpoint for a collector URL: `/api/v1/results` appended unless already there. */
export function uploadEndpoint(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`not a URL: ${JSON.stringify(url)} (expected e.g. http://collector:7070)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`collector URL must be http or https (got ${u.protocol})`);
  if (!u.pathname.replace(/\/+$/, '').endsWith('/api/v1/results')) u.pathname = `${u.pathname.replace(/\/+$/, '')}/api/v1/results`;
  return u;
}

function retryable(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** Per-attempt limit for connecting, the answer's headers and its body: a silent server costs this much. */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;
/** Overall deadline of one attempt: a 16 MiB file at 1 MiB/s, plus the collector's checks, fits. */
export const DEFAULT_ATTEMPT_DEADLINE_MS = 60_000;
/** Most of an answer read; the rest is dropped with the connection. */
export const MAX_ANSWER_BYTES = 64 * 1024;

/** The first `max` bytes of an answer's body as text; `cut` when there was more (the rest is not read). */
async function readAnswer(
  body: AsyncIterable<Buffer | Uint8Array> & { destroy(): unknown },
  max = MAX_ANSWER_BYTES,
): Promise<{ text: string; cut: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let cut = false;
  for await (const c of body) {
    const b = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    if (size + b.length > max) {
      chunks.push(b.subarray(0, max - size));
      cut = true;
      break;
    }
    chunks.push(b);
    size += b.length;
  }
  if (cut) body.destroy();
  return { text: Buffer.concat(chunks).toString('utf8'), cut };
}

/** The attempt's deadline passed (aborts the request and the reading of its answer). */
class AttemptDeadline extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Server text made safe for a terminal: control characters (ANSI escapes, CR, bidi overrides) become spaces. */
export function sanitizeServerText(s: string, max = 200): string {
  return s
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim()
    .slice(0, max);
}

/** Milliseconds a Retry-After header asks for (delta-seconds or an HTTP date), or null. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | null {
  const v = Array.isArray(header) ? header[0] : header;
  if (v === undefined || v.trim() === '') return null;
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The id inside results JSON text, lower case, or null. */
function idOf(text: string): string | null {
  try {
    const id = (JSON.parse(text) as { id?: unknown }).id;
    return typeof id === 'string' && UUID.test(id) ? id.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** Check a 200/201 answer is a collector's acknowledgement of `expectedId`; the reason it is not, or null. */
function checkAnswer(
  statusCode: number,
  contentType: string,
  raw: string,
  expectedId: string | null,
): { id: string; url: string } | string {
  if (!/^application\/json\b/i.test(contentType))
    return `answered ${statusCode} with ${contentType || 'no content type'}, not a collector's JSON`;
  let body: { id?: unknown; status?: unknown; url?: unknown };
  try {
    body = JSON.parse(raw) as typeof body;
  } catch {
    return `answered ${statusCode} with text that is not JSON`;
  }
  const want = statusCode === 201 ? 'created' : 'duplicate';
  if (typeof body?.id !== 'string' || !UUID.test(body.id)) return `answered ${statusCode} without the stored id`;
  if (expectedId !== null && body.id.toLowerCase() !== expectedId)
    return `answered ${statusCode} naming another id (${body.id.slice(0, 36)})`;
  if (body.status !== want)
    return `answered ${statusCode} with status ${JSON.stringify(String(body.status).slice(0, 20))}, expected "${want}"`;
  if (typeof body.url !== 'string') return `answered ${statusCode} without the stored result's url`;
  return { id: body.id.toLowerCase(), url: body.url };
}

/** Upload results JSON text (as written by `virtax run`). Never throws for network or HTTP problems. */
export async function uploadResultsText(text: string, options: UploadOptions): Promise<UploadOutcome> {
  const endpoint = uploadEndpoint(options.url);
  const retries = options.retries ?? 5;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const maxRetryAfter = options.maxRetryAfterMs ?? 120_000;
  const random = options.random ?? Math.random;
  const deadline = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_DEADLINE_MS;
  const timeout = Math.min(options.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS, deadline);
  const expectedId = idOf(text);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = options.token?.trim();
  if (token) headers.authorization = `Bearer ${token}`;
  const dispatcher: Dispatcher = new Agent({
    connect: { timeout, ...(options.ca ? { ca: options.ca } : {}) },
    headersTimeout: timeout,
    bodyTimeout: timeout,
  });
  let lastWhy = '';
  try {
    for (let attempt = 1; attempt <= retries + 1; attempt++) {
      let waitAtLeast = 0;
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(new AttemptDeadline()), deadline);
      try {
        const res = await request(endpoint, { method: 'POST', headers, body: text, dispatcher, signal: abort.signal });
        // A collector's answers are small: read at most 64 KiB of whatever came back, drop the rest.
        const { text: raw, cut } = await readAnswer(res.body);
        if (res.statusCode === 200 || res.statusCode === 201) {
          const ok = cut
            ? `answered ${res.statusCode} with more than ${MAX_ANSWER_BYTES / 1024} KiB (the rest was dropped), not a collector's answer`
            : checkAnswer(res.statusCode, String(res.headers['content-type'] ?? ''), raw, expectedId);
          if (typeof ok === 'string')
            return { status: 'bad-answer', httpStatus: res.statusCode, reason: `${endpoint.host} ${ok}`, attempts: attempt };
          return {
            status: res.statusCode === 201 ? 'stored' : 'duplicate',
            id: ok.id,
            url: new URL(ok.url, endpoint).toString(),
            attempts: attempt,
          };
        }
        let error: unknown;
        try {
          error = (JSON.parse(raw) as { error?: unknown }).error;
        } catch {
          // not JSON (or cut at 64 KiB): the first line of the text is the reason
        }
        const reason = sanitizeServerText(typeof error === 'string' ? error : (raw.split('\n')[0] ?? '')) || `HTTP ${res.statusCode}`;
        if (!retryable(res.statusCode)) return { status: 'rejected', httpStatus: res.statusCode, reason, attempts: attempt };
        lastWhy = `HTTP ${res.statusCode}: ${reason}`;
        waitAtLeast = Math.min(maxRetryAfter, retryAfterMs(res.headers['retry-after']) ?? 0);
      } catch (e) {
        const err = e as Error & { code?: string; cause?: { code?: string; message?: string } };
        lastWhy = abort.signal.aborted
          ? `no complete answer within ${deadline / 1000} s (the deadline of one attempt, --attempt-timeout)`
          : sanitizeServerText(err.cause?.code ?? err.code ?? err.message);
      } finally {
        clearTimeout(timer);
      }
      if (attempt <= retries) {
        const delay = Math.max(waitAtLeast, Math.round(random() * Math.min(max, base * 2 ** (attempt - 1))));
        options.onRetry?.(attempt, delay, lastWhy);
        await sleep(delay);
      }
    }
  } finally {
    await dispatcher.close();
  }
  return { status: 'unreachable', reason: lastWhy, attempts: retries + 1 };
}

/** One line for a person: what happened to the upload of `path`. */
export function describeUpload(path: string, o: UploadOutcome): string {
  switch (o.status) {
    case 'stored':
      return `uploaded ${path} -> ${o.url}`;
    case 'duplicate':
      return `already on the collector: ${path} -> ${o.url}`;
    case 'rejected':
      return `collector rejected ${path} (HTTP ${o.httpStatus}): ${o.reason}`;
    case 'bad-answer':
      return `not uploaded: ${path}: ${o.reason} (is the URL a virtax collector?)`;
    case 'unreachable':
      return `could not upload ${path} after ${o.attempts} attempt(s): ${o.reason}`;
  }
}

/**
 * Retry settings shared by `upload` and `run --upload`: flags, else VIRTAX_UPLOAD_RETRIES /
 * VIRTAX_UPLOAD_BACKOFF_MS / VIRTAX_UPLOAD_ATTEMPT_TIMEOUT (seconds).
 */
export function retrySettings(
  retries?: number,
  backoffMs?: number,
  attemptTimeoutS?: number,
): Pick<UploadOptions, 'retries' | 'baseDelayMs' | 'attemptTimeoutMs'> {
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  const r = retries ?? num(process.env.VIRTAX_UPLOAD_RETRIES) ?? 5;
  const b = backoffMs ?? num(process.env.VIRTAX_UPLOAD_BACKOFF_MS) ?? 500;
  const t = attemptTimeoutS ?? num(process.env.VIRTAX_UPLOAD_ATTEMPT_TIMEOUT) ?? DEFAULT_ATTEMPT_DEADLINE_MS / 1000;
  if (!Number.isInteger(r) || r < 0 || r > 100) throw new InputError('--retries: expected a whole number from 0 to 100');
  if (!Number.isFinite(b) || b < 0) throw new InputError('--backoff-ms: expected a number of milliseconds');
  if (!Number.isFinite(t) || t <= 0 || t > 3600)
    throw new InputError(
      `--attempt-timeout: expected a number of seconds above 0, at most 3600 (got ${attemptTimeoutS ?? process.env.VIRTAX_UPLOAD_ATTEMPT_TIMEOUT})`,
    );
  return { retries: r, baseDelayMs: b, attemptTimeoutMs: Math.round(t * 1000) };
}

/**
 * The client's token: `--token-file` or $VIRTAX_TOKEN_FILE, else `--token` (visible in ps), else
 * $VIRTAX_TOKEN; whitespace around it (a file's trailing newline) removed, and refused with one line when
 * it cannot travel in a header.
 */
export function clientToken(flag?: string, file?: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const path = file ?? (env.VIRTAX_TOKEN_FILE || undefined);
  if (path) {
    try {
      return cleanToken(readFileSync(path, 'utf8'), `token file ${path}`);
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(`token file ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const raw = flag ?? (env.VIRTAX_TOKEN || undefined);
  return raw === undefined ? null : cleanToken(raw, flag !== undefined ? '--token' : 'VIRTAX_TOKEN');
}

/** Check a collector URL early so a typo is a usage error, not a failed upload at the end of a run. */
export function checkCollectorUrl(url: string, flag: string): void {
  try {
    uploadEndpoint(url);
  } catch (e) {
    throw new InputError(`${flag}: ${(e as Error).message}`);
  }
}
