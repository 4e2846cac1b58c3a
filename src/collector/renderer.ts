/**
 * Pages that take long to build (the comparison report, a label's history) are built in one worker thread,
 * one at a time, so `/healthz`, listings and uploads keep answering while a page is built. The queue is
 * short: when it is full the caller answers 503 with Retry-After. A page that takes longer than
 * `timeoutMs` has its worker terminated (a fresh one starts for the next page). Finished pages are kept in
 * a small cache keyed by the page kind and the exact ids it covers: stored results never change (the same id
with other content is refused), so a page for the same ids is the same page.
 *
 * The queue itself (WorkerQueue) also runs the checks of large uploads (upload-worker.ts), in a second worker.
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../proc/worker-thread.js';
import type { DocumentSource } from './store.js';

/** One page to build from stored results (files the worker reads, or their texts). */
export type RenderJob =
  | { kind: 'comparison'; docs: DocumentSource; allowChangedWorkloads?: boolean }
  | { kind: 'history-html'; label: string; docs: DocumentSource }
  | { kind: 'history-json'; label: string; docs: DocumentSource };

/** `refused`: the inputs cannot be compared as asked (a 409 for the client), not a failure of the worker. */
export type RenderReply<T = string> = { seq: number; ok: true; text: T } | { seq: number; ok: false; error: string; refused?: boolean };

/** Why a page was not built, tagged by `status`. */
export type RenderFailure =
  { status: 'busy' } | { status: 'timeout' } | { status: 'failed'; error: string } | { status: 'refused'; error: string };

export class RenderError extends Error {
  constructor(readonly failure: RenderFailure) {
    super(failure.status === 'failed' || failure.status === 'refused' ? failure.error : failure.status);
  }
}

export interface RendererOptions {
  /** Jobs waiting or running at most (default 4). */
  maxQueue?: number;
  /** Longest a page may take before its worker is terminated (default 60 s). */
  timeoutMs?: number;
  /** Finished pages kept (default 32). */
  cacheEntries?: number;
}

interface Pending<J, T> {
  seq: number;
  job: J;
  transfer: ArrayBuffer[];
  resolve: (text: T) => void;
  reject: (e: RenderError) => void;
}

/**
 * Jobs for one worker thread running module `module` (beside this one; src/proc/worker-thread.ts: dist JS,
 * or TypeScript through tsx), one at a time, with a bounded queue, a deadline per job and a small cache.
 */
export class WorkerQueue<J, T> {
  private worker: Worker | null = null;
  private readonly queue: Array<Pending<J, T>> = [];
  private running: Pending<J, T> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private seq = 0;
  private readonly cache = new Map<string, T>();
  private readonly maxQueue: number;
  private readonly timeoutMs: number;
  private readonly cacheEntries: number;

  constructor(
    private readonly module: string,
    o: RendererOptions = {},
  ) {
    this.maxQueue = o.maxQueue ?? 4;
    this.timeoutMs = o.timeoutMs ?? 60_000;
    this.cacheEntries = o.cacheEntries ?? 32;
  }

  /**
   * Run a job, or take its answer from the cache when `key` is not null (`key` must change whenever the job's
   * inputs change). `transfer`: buffers of the job moved to the worker, not copied.
   */
  run(key: string | null, job: J, transfer: ArrayBuffer[] = []): Promise<T> {
    const hit = key === null ? undefined : this.cache.get(key);
    if (key !== null && hit !== undefined) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return Promise.resolve(hit);
    }
    if (this.queue.length + (this.running ? 1 : 0) >= this.maxQueue) return Promise.reject(new RenderError({ status: 'busy' }));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ seq: ++this.seq, job, transfer, resolve, reject });
      this.next();
    }).then((text) => {
      if (key === null || this.cacheEntries === 0) return text;
      this.cache.set(key, text);
      while (this.cache.size > this.cacheEntries) this.cache.delete(this.cache.keys().next().value as string);
      return text;
    });
  }

  private spawn(): Worker {
    const w = startModuleWorker(this.module, import.meta.url);
    w.unref();
    w.on('message', (reply: RenderReply<T>) => {
      const p = this.running;
      if (!p || p.seq !== reply.seq) return;
      this.finish();
      if (reply.ok) p.resolve(reply.text);
      else p.reject(new RenderError(reply.refused ? { status: 'refused', error: reply.error } : { status: 'failed', error: reply.error }));
    });
    w.on('error', (e) => {
      const p = this.running;
      this.worker = null;
      this.finish();
      p?.reject(new RenderError({ status: 'failed', error: e.message.split('\n')[0] ?? 'worker error' }));
    });
    w.on('exit', () => {
      if (this.worker === w) this.worker = null;
    });
    return w;
  }

  private finish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = null;
    setImmediate(() => this.next());
  }

  private next(): void {
    if (this.running) return;
    const p = this.queue.shift();
    if (!p) return;
    this.running = p;
    this.worker ??= this.spawn();
    const w = this.worker;
    this.timer = setTimeout(() => {
      this.worker = null;
      void w.terminate();
      this.finish();
      p.reject(new RenderError({ status: 'timeout' }));
    }, this.timeoutMs);
    w.postMessage({ seq: p.seq, job: p.job }, p.transfer);
  }

  /** Stop the worker; queued pages fail as busy. */
  async close(): Promise<void> {
    for (const p of this.queue.splice(0)) p.reject(new RenderError({ status: 'busy' }));
    if (this.timer) clearTimeout(this.timer);
    const w = this.worker;
    this.worker = null;
    if (this.running) this.running.reject(new RenderError({ status: 'busy' }));
    this.running = null;
    if (w) await w.terminate();
  }
}

/** The page builder: comparison reports and histories, built by render-worker.ts. */
export class PageRenderer extends WorkerQueue<RenderJob, string> {
  constructor(o: RendererOptions = {}) {
    super('render-worker', o);
  }

  /** Build a page, or take it from the cache. `key` must change whenever the page's inputs change. */
  render(key: string, job: RenderJob): Promise<string> {
    return this.run(key, job);
  }
}
