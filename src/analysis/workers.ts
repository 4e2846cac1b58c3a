/**
 * The host comparisons of the pipeline across worker threads (node:worker_threads): `virtax report` over
 * 50 hosts spends nearly all its time in the bootstrap, one host after another. Each worker gets the
 * baseline's runs once (and resamples them once, its own SideMemo), then one host at a time from a shared
 * queue, so a slow host does not hold up the others. A worker calls the same pure, seeded function with
 * the same options as `compareHosts`, so the comparisons are identical to the single-threaded ones.
 *
 * Protocol (structured clone, tagged): the worker's `workerData` is a WorkerSetup; the parent sends
 * `compare` jobs, one at a time per worker; the worker answers each with `compared` or `failed`; the parent
 * terminates the workers when every host is done.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../proc/worker-thread.js';
import type { Reweighting } from '../stats/compare.js';
import type { CompareOptions, Comparison } from '../stats/types.js';
import type { ResultsFile } from '../types.js';
import { candidates, type HostSet } from './hostset.js';
import { asInputError, type CompareHostFn, type HostComparison } from './compare-host.js';
import { analysisOf, compareHosts, reweightingFor, type Analysis, type AnalysisOptions } from './pipeline.js';

/** What every worker starts with. */
export interface WorkerSetup {
  base: ResultsFile[];
  opts: CompareOptions;
  reweighting: Reweighting | null;
}

export type ToWorker = { kind: 'compare'; index: number; cand: ResultsFile[] };

export type FromWorker =
  | { kind: 'compared'; index: number; comparison: Comparison; reweighted: Comparison['overall'] }
  | { kind: 'failed'; index: number; message: string; range: boolean };

/** compare-worker beside this module (src/proc/worker-thread.ts: dist JS, or TypeScript through tsx). */
const startWorker = (setup: WorkerSetup): Worker => startModuleWorker('compare-worker', import.meta.url, { workerData: setup });

export interface ParallelOptions {
  /** Worker threads (default: one per CPU, at most one per host). */
  workers?: number;
  /** Compare in this thread with this function instead (tests count its calls). */
  compare?: CompareHostFn;
}

/** The whole pipeline (analysisOf) with the comparisons across worker threads: `virtax report`, `advise`. */
export async function analyseInWorkers(set: HostSet, o: AnalysisOptions & ParallelOptions): Promise<Analysis> {
  const compared = await compareHostsInWorkers(set, reweightingFor(o.profile ?? null), o);
  return analysisOf(set, compared, o);
}

/** Worker threads to use: one per CPU, never more than hosts to compare. */
export function workerCount(hosts: number, wanted?: number): number {
  return Math.max(1, Math.min(hosts, wanted ?? availableParallelism()));
}

/**
 * compareHosts across worker threads: the same comparisons, in the same order. With one host to compare
 * (or `workers: 1`) it runs in this thread and starts no worker.
 */
export async function compareHostsInWorkers(
  set: HostSet,
  reweighting: Reweighting | null,
  o: ParallelOptions = {},
): Promise<HostComparison[]> {
  const todo = candidates(set);
  // An injected compare function (tests) cannot cross into a worker: it runs here, once per host.
  if (o.compare) return compareHosts(set, reweighting, o.compare);
  const n = workerCount(todo.length, o.workers);
  if (n <= 1) return compareHosts(set, reweighting);
  const setup: WorkerSetup = { base: set.base.runs, opts: set.opts, reweighting };
  const out: (HostComparison | undefined)[] = new Array(todo.length);
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let done = 0;
      const feed = (w: Worker) => {
        if (next >= todo.length) return; // idle until all are done; terminated below
        const index = next++;
        w.postMessage({ kind: 'compare', index, cand: (todo[index] as (typeof todo)[number]).runs } satisfies ToWorker);
      };
      for (let i = 0; i < n; i++) {
        const w = startWorker(setup);
        workers.push(w);
        w.on('message', (m: FromWorker) => {
          if (m.kind === 'failed') {
            reject(m.range ? asInputError(new RangeError(m.message)) : new Error(m.message));
            return;
          }
          out[m.index] = { label: (todo[m.index] as (typeof todo)[number]).label, comparison: m.comparison, reweighted: m.reweighted };
          if (++done === todo.length) resolve();
          else feed(w);
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (done < todo.length) reject(new Error(`comparison worker stopped (exit ${code}) before the comparisons were done`));
        });
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out as HostComparison[];
}
