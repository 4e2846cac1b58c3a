/**
 * Worker thread of the collector's page renderer (renderer.ts): reads the chosen results files, builds the
 * HTML report or the history JSON, and sends the text back. Building a page (bootstrap resampling,
 * change-point permutations) takes seconds for many results; here it never blocks the server's event loop.
 */
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { changedWorkloadModules } from '../results/workload-modules.js';
import type { ResultsFile } from '../types.js';
import { buildHistory } from '../stats/history.js';
import { renderComparisonReport, renderHistoryReport } from './report.js';
import type { RenderJob, RenderReply } from './renderer.js';
import type { DocumentSource } from './store.js';

/** The request cannot be served as asked (the server answers 409). */
class Refused extends Error {}

function load(docs: DocumentSource): ResultsFile[] {
  const texts = docs.kind === 'paths' ? docs.paths.map((p) => readFileSync(p, 'utf8')) : docs.texts;
  return texts.map((t) => JSON.parse(t) as ResultsFile);
}

function render(job: RenderJob): string {
  const files = load(job.docs);
  switch (job.kind) {
    case 'comparison': {
      // A user.* workload from an edited module is not comparable (src/results/workload-modules.ts).
      const changed = job.allowChangedWorkloads ? null : changedWorkloadModules(files.slice(0, 1), files.slice(1));
      if (changed) throw new Refused(changed.replace('--allow-changed-workloads', '&allowChangedWorkloads=1'));
      return renderComparisonReport(files);
    }
    case 'history-html':
      return renderHistoryReport(files, `virtax history (${files.length} results)`);
    case 'history-json':
      return `${JSON.stringify(buildHistory(files, job.label))}\n`;
  }
}

parentPort?.on('message', (msg: { seq: number; job: RenderJob }) => {
  let reply: RenderReply;
  try {
    reply = { seq: msg.seq, ok: true, text: render(msg.job) };
  } catch (e) {
    reply = {
      seq: msg.seq,
      ok: false,
      error: e instanceof Error ? (e.message.split('\n')[0] ?? 'error') : String(e),
      ...(e instanceof Refused ? { refused: true } : {}),
    };
  }
  parentPort?.postMessage(reply);
});
