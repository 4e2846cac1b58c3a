/**
 * Worker thread of the pipeline's host comparisons (workers.ts): compares one host at a time with the
 * baseline it was started with, resampling the baseline once (its SideMemo), and sends the comparison
 * back. The same function and options as the single-threaded path.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { memoisedCompare } from './compare-host.js';
import type { FromWorker, ToWorker, WorkerSetup } from './workers.js';

const setup = workerData as WorkerSetup;
const compare = memoisedCompare();

parentPort?.on('message', (m: ToWorker) => {
  let reply: FromWorker;
  try {
    const r = compare(setup.base, m.cand, setup.opts, setup.reweighting);
    reply = { kind: 'compared', index: m.index, comparison: r.comparison, reweighted: r.reweighted };
  } catch (e) {
    reply = {
      kind: 'failed',
      index: m.index,
      message: e instanceof Error ? (e.message.split('\n')[0] ?? 'error') : String(e),
      range: e instanceof RangeError,
    };
  }
  parentPort?.postMessage(reply);
});
