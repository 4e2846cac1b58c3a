/**
 * Everything `virtax report` does short of writing files, as one library call: load the host set, refuse
 * user.* workloads that ran from changed modules (unless allowed), read the profile, and run the analysis
 * pipeline with the hosts compared across worker threads (`o.compare` runs them in this thread: tests).
 * headlineText is the model's headline in a few terminal lines.
 */
import { loadProfile } from '../advise/profile.js';
import { InputError } from '../errors.js';
import { signedPct } from '../format/text.js';
import { coverageText, type ReportModel } from '../report/model.js';
import { changedWorkloadModules } from '../results/workload-modules.js';
import type { ResultsFile } from '../types.js';
import { loadHostSet, type HostSetOptions } from './hostset.js';
import { analyseInWorkers, type ParallelOptions } from './workers.js';

export interface ReportRequest {
  results: readonly string[];
  hostSet: HostSetOptions;
  /** Path of an application profile (advice section and capacity line), or none. */
  profile?: string;
  allowChangedWorkloads?: boolean;
}

export async function reportModelFrom(req: ReportRequest, now: Date, o: ParallelOptions = {}): Promise<ReportModel> {
  const set = loadHostSet(req.results, req.hostSet);
  for (const f of set.files) {
    const base = set.base.runs[0] as ResultsFile;
    const changed = set.base.runs.includes(f) ? null : changedWorkloadModules(set.base.runs, [f]);
    if (changed && !req.allowChangedWorkloads)
      throw new InputError(changed.replace('between the files', `between ${base.label} and ${f.label}`));
  }
  const profile = req.profile ? loadProfile(req.profile) : null;
  return (await analyseInWorkers(set, { profile, now, ...o })).model;
}

/** The headline in a few terminal lines. */
export function headlineText(m: ReportModel): string {
  return m.headlines
    .map((h) => {
      const o = h.overall
        ? `${signedPct(h.overall.point)} [${signedPct(h.overall.lo)}, ${signedPct(h.overall.hi)}] ${h.overallVerdict} (${coverageText(h.coverage)})`
        : h.worst.length
          ? 'no overall index (no compared workload weighs in it; user.* count only when a profile weighs them)'
          : 'nothing compared';
      const worst = h.worst.map((w) => `${w.id} ${signedPct(w.overheadPct.point)}`).join(', ');
      return `${h.label} vs ${h.baseline}: ${o}${worst ? `; worst ${worst}` : ''}${h.capacity ? `\n  ${h.capacity}` : ''}`;
    })
    .join('\n');
}
