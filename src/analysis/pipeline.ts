/**
 * The one analysis pipeline behind `report`, `compare --html`, `advise --profile` and the collector's
 * report page:
 *
 *   host set (files grouped by label, baseline picked once: hostset.ts)
 *     -> each other label compared against the baseline ONCE (compareRunSets: replicate runs per side)
 *     -> advice re-weights the overall only, from the same rows (a profile's weights and resembled ids)
 *     -> report model (src/report/model.ts).
 *
 * The comparisons run one after another here (`compareHosts`, with an injectable compare function for
 * tests) or across worker threads (workers.ts, `compareHostsInWorkers`); both give the same comparisons,
 * since each is pure and seeded with the same seed.
 */
import { idMatches } from '../results/ids.js';
import { advise } from '../advise/advise.js';
import { compareOptionsFor } from '../advise/profile.js';
import type { Advice, Profile } from '../advise/types.js';
import { renderReport } from '../report/html.js';
import { buildReportModel, type ReportModel } from '../report/model.js';
import type { Reweighting } from '../stats/compare.js';
import type { CompareOptions, Comparison } from '../stats/types.js';
import type { ResultsFile } from '../types.js';
import { VERSION } from '../version.js';
import { asInputError, memoisedCompare, type CompareHostFn, type HostComparison } from './compare-host.js';
import { candidates, hostSetOf, type HostSet } from './hostset.js';

export { asInputError, memoisedCompare, type CompareHostFn, type HostComparison } from './compare-host.js';

/** What a profile changes in the comparison: the overall's weights and the workloads it rests on. */
export function reweightingFor(profile: Profile | null): Reweighting | null {
  if (!profile) return null;
  const o = compareOptionsFor(profile);
  return { ...(o.weights ? { weights: o.weights } : {}), ...(o.onlyIds ? { onlyIds: o.onlyIds } : {}) };
}

/** Compare every other label with the baseline, once each, one after another. */
export function compareHosts(set: HostSet, reweighting: Reweighting | null, compare: CompareHostFn = memoisedCompare()): HostComparison[] {
  return candidates(set).map((g) => {
    try {
      const r = compare(set.base.runs, g.runs, set.opts, reweighting);
      return { label: g.label, comparison: r.comparison, reweighted: r.reweighted };
    } catch (e) {
      throw asInputError(e);
    }
  });
}

/** Only these ids (prefix match, as compareRunSets' onlyIds). */
/** Whether `id` is selected by any of the user's patterns (results/ids.ts: exact ids, families and globs). */
function matches(id: string, only: readonly string[]): boolean {
  return only.some((o) => idMatches(id, o));
}

/**
 * Placement advice from the comparisons already made: each host's rows (narrowed to the profile's
 * resembled workloads) with its re-weighted overall. Nothing is compared again.
 */
export function adviceFrom(set: HostSet, profile: Profile, compared: readonly HostComparison[]): Advice {
  const only = compareOptionsFor(profile).onlyIds;
  const comparisons = compared.map((h): Comparison => ({
    ...h.comparison,
    rows: only?.length ? h.comparison.rows.filter((r) => matches(r.id, only)) : h.comparison.rows,
    overall: h.reweighted,
  }));
  // One option per host class: its first run stands for its fingerprint and cost key.
  return advise({ profile, files: set.groups.map((g) => g.runs[0] as ResultsFile), baseline: set.base.label, comparisons });
}

/** Everything a reader needs: the comparisons, the advice (with a profile) and the report model. */
export interface Analysis {
  set: HostSet;
  compared: HostComparison[];
  advice: Advice | null;
  model: ReportModel;
}

export interface AnalysisOptions {
  profile?: Profile | null;
  /** When the report was made (passed in so the model is reproducible). */
  now: Date;
  title?: string;
}

/** The report model of a host set and its comparisons. */
export function modelOf(set: HostSet, compared: readonly HostComparison[], advice: Advice | null, o: AnalysisOptions): ReportModel {
  return buildReportModel({
    files: set.files,
    baseline: set.base.label,
    comparisons: compared.map((h) => h.comparison),
    noisePct: set.noisePct,
    advice,
    generatedAt: o.now.toISOString(),
    toolVersion: VERSION,
    ...(o.title !== undefined ? { title: o.title } : {}),
  });
}

/** The pipeline with the comparisons already made (by compareHosts or compareHostsInWorkers). */
export function analysisOf(set: HostSet, compared: HostComparison[], o: AnalysisOptions): Analysis {
  const advice = o.profile ? adviceFrom(set, o.profile, compared) : null;
  return { set, compared, advice, model: modelOf(set, compared, advice, o) };
}

/** The whole pipeline in this thread (the collector's render worker, tests with a counting compare). */
export function analyse(set: HostSet, o: AnalysisOptions & { compare?: CompareHostFn }): Analysis {
  const compared = compareHosts(set, reweightingFor(o.profile ?? null), o.compare);
  return analysisOf(set, compared, o);
}

/**
 * The report of one comparison already made (`compare --html`, `duel --html`): each side is one host and
 * its files are that host's runs. Sides are labelled as the comparison labels them; an A/A comparison (one
 * label on both sides) tells its sides apart as "(base)" and "(candidate)".
 */
export function comparisonModel(baseRuns: readonly ResultsFile[], candRuns: readonly ResultsFile[], c: Comparison, now: Date): ReportModel {
  const same = c.base.label === c.cand.label;
  const baseLabel = same ? `${c.base.label} (base)` : c.base.label;
  const candLabel = same ? `${c.cand.label} (candidate)` : c.cand.label;
  const files = [...baseRuns.map((f) => ({ ...f, label: baseLabel })), ...candRuns.map((f) => ({ ...f, label: candLabel }))];
  const relabelled: Comparison = { ...c, base: { ...c.base, label: baseLabel }, cand: { ...c.cand, label: candLabel } };
  const set = hostSetOf(files, { noisePct: c.settings.noisePct, baseline: baseLabel });
  return modelOf(set, [{ label: candLabel, comparison: relabelled, reweighted: null }], null, { now });
}

/** The self-contained HTML of one comparison (same renderer as `virtax report`); `lead` goes first (gate --html). */
export function comparisonHtml(
  baseRuns: readonly ResultsFile[],
  candRuns: readonly ResultsFile[],
  c: Comparison,
  now: Date = new Date(),
  lead = '',
): string {
  const model = comparisonModel(baseRuns, candRuns, c, now);
  return renderReport(model, undefined, lead);
}
