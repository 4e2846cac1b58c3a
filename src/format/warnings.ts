/**
 * The words of every comparison warning (the closed set `ComparisonWarning` in src/types.ts), in one place:
 * the engine stores codes and numbers, and compare, report, gate, duel and advise print these sentences.
 */
import type { ComparisonWarning, SideName } from '../types.js';

/** The sentence every reader prints when each side has one run (src/stats/environment.ts `scopeOf`). */
export const ONE_RUN_PER_SIDE =
  'one run per side: the intervals and verdicts cover these two runs only; run-to-run variation is not in them (launch several runs per side with `virtax run --runs N` and compare them with --base/--cand to speak about the platforms)';

const runOf = (run: number | null) => (run === null ? '' : ` (run ${run})`);

/** "base fc-vm (run 2)", "candidate uml", or the label alone when the file is named on its own. */
function whose(side: SideName | null, label: string, run: number | null): string {
  return `${side === null ? '' : `${side} `}${label}${runOf(run)}`;
}

/** One warning in words. */
export function warningText(w: ComparisonWarning): string {
  switch (w.code) {
    case 'cpu-models-differ':
      return `CPU MODELS DIFFER (base "${w.base}", candidate "${w.cand}"): this compares two machines, not the cost of virtualization`;
    case 'cpu-model-hidden': {
      const side = (name: string, model: string, by: string | null) => `${name} "${model}"${by ? ` under ${by}` : ''}`;
      const flags =
        w.baseFlags === w.candFlags
          ? 'the CPU flags agree, so the same hardware is likely'
          : `but the CPU flags differ (${w.baseFlags} vs ${w.candFlags}): it may be another machine`;
      return `nested guest: CPU model hidden by the guest kernel (${side('base', w.base, w.baseHiddenBy)}, ${side('candidate', w.cand, w.candHiddenBy)}); ${flags}`;
    }
    case 'schemas-differ':
      return `different results schemas (${w.schemas.join(', ')})`;
    case 'same-run':
      return 'both files are the same run (same id): nothing independent to compare';
    case 'partial-run':
      return `${w.side} file${w.run === null ? '' : ` ${w.run}`} is partial (finishedAt is null: interrupted or still running); only the rounds it has are compared`;
    case 'partial-runs':
      return w.of === 1 ? 'partial results: the run did not finish' : `partial results: ${w.partial} of ${w.of} runs did not finish`;
    case 'run-given-twice':
      return `${w.side}: the same run is given twice (same id): it counts once per copy, which overstates agreement`;
    case 'mixed-host-class':
      return `${w.side} runs are not one host class: ${w.diffs.map((d) => `${d.field} "${d.base}" vs "${d.cand}"`).join(', ')}`;
    case 'versions-differ':
      return `different virtax versions (${w.versions.join(', ')}): workloads may have changed`;
    case 'suites-differ':
      return `different suites (base ${w.base.suite}/${w.base.rounds} rounds, candidate ${w.cand.suite}/${w.cand.rounds} rounds): batch and round lengths differ`;
    case 'round-counts-differ':
      return `different round counts (both ${w.suite}; base ${w.baseRounds} rounds, candidate ${w.candRounds}): the two sides' intervals are not equally tight`;
    case 'one-run-per-side':
      return ONE_RUN_PER_SIDE;
    case 'contended-rounds': {
      const n = w.workloads.reduce((s, r) => s + r.contended, 0);
      const list = w.workloads.map((r) => `${r.id} ${r.contended}/${r.rounds}`).join(', ');
      return `CONTENDED ROUNDS in ${whose(w.side, w.label, w.run)}: ${n} round(s) were starved by other work on the host (run-queue delay up to ${w.worstPct.toFixed(0)}% of a round; ${list}); they are dropped where enough clean rounds remain, otherwise the verdict is marked not trustworthy`;
    }
    case 'overall-leaves-out-contended':
      return `the overall index leaves out ${w.workloads.length} workload(s) measured mostly on contended rounds: ${w.workloads.join(', ')}`;
    case 'nothing-compared':
      return 'no workload could be compared (see the not-compared rows)';
    case 'no-overall-user-only':
      return 'no overall index: only user.* workloads were compared (your own workloads join the index only when a profile weighs them)';
    case 'no-overall-weights':
      return 'no overall index: the given weights give no compared category a positive weight';
    case 'duel-partial':
      return 'the duel ended early: partial results (measured rounds only)';
    case 'duel-stopped':
      return `duel ${w.status}: ${w.error}`;
    case 'duet':
      return `duet: both rounds of each pair ran at the same time, each side on its own CPUs${w.interleaved.length ? `; ran interleaved instead: ${w.interleaved.map((x) => `${x.id} (${x.reason})`).join('; ')}` : ''}`;
    case 'text':
      return w.text;
  }
}

/** A comparison's warnings as codes; a comparison written before codes existed gives its words as `text`. */
export function warningCodesOf(c: { warnings: readonly string[]; warningCodes?: readonly ComparisonWarning[] }): ComparisonWarning[] {
  return c.warningCodes ? [...c.warningCodes] : c.warnings.map((text) => ({ code: 'text', text }));
}
