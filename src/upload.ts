/**
 * Client side of the collector: POST one results file to `<collector>/api/v1/results` with undici,
 * retrying connection failures, 5xx, 408 and 429 with exponential backoff and full jitter.
 * A rejection (4xx) is final: sending the same bytes again would get the same answer.
 */
import { request } from 'undici';

export interface UploadOptions {
  /** Collector base URL (http://host:7070) or the full endpoint URL. */
  url: string;
  token?: string | null;
  /** Retries after the first attempt (default 5). */
  retries?: number;
  /** First backoff in ms (default 500); doubles each retry up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per-attempt timeout in ms (default 30 s). */
  timeoutMs?: number;
  /** Called before each wait, for a progress line. */
  onRetry?: (attempt: number, delayMs: number, why: string) => void;
  /** Random source for jitter, in [0, 1) (injectable for tests). */
  random?: () => number;
}

/** Outcome of one upload, tagged by `status`. */
export type UploadOutcome =
  | { status: 'stored' | 'duplicate'; id: string; url: string; attempts: number }
  | { status: 'rejected'; httpStatus: number; reason: string; attempts: number }
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Upload results JSON text (as written by `virtax run`). Never throws for network or HTTP problems. */
export async function uploadResultsText(text: string, options: UploadOptions): Promise<UploadOutcome> {
  const endpoint = uploadEndpoint(options.url);
  const retries = options.retries ?? 5;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let lastWhy = '';
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    try {
      const res = await request(endpoint, {
        method: 'POST',
        headers,
        body: text,
        headersTimeout: options.timeoutMs ?? 30_000,
        bodyTimeout: options.timeoutMs ?? 30_000,
      });
      const raw = await res.body.text();
      let parsed: { id?: string; url?: string; status?: string; error?: string } = {};
      try {
        parsed = JSON.parse(raw) as typeof parsed;
      } catch {
        // not JSON: keep the raw text as the reason
      }
      if (res.statusCode === 200 || res.statusCode === 201) {
        return {
          status: res.statusCode === 201 ? 'stored' : 'duplicate',
          id: parsed.id ?? '',
          url: new URL(parsed.url ?? '', endpoint).toString(),
          attempts: attempt,
        };
      }
      const reason = parsed.error ?? (raw.split('\n')[0]?.slice(0, 200) || `HTTP ${res.statusCode}`);
      if (!retryable(res.statusCode)) return { status: 'rejected', httpStatus: res.statusCode, reason, attempts: attempt };
      lastWhy = `HTTP ${res.statusCode}: ${reason}`;
    } catch (e) {
      const err = e as Error & { code?: string; cause?: { code?: string; message?: string } };
      lastWhy = err.cause?.code ?? err.code ?? err.message;
    }
    if (attempt <= retries) {
      const delay = Math.round(random() * Math.min(max, base * 2 ** (attempt - 1)));
      options.onRetry?.(attempt, delay, lastWhy);
      await sleep(delay);
    }
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
    case 'unreachable':
      return `could not upload ${path} after ${o.attempts} attempt(s): ${o.reason}`;
  }
}
