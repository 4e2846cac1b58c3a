/**
 * One host compared with the baseline: the function type the pipeline injects (tests count its calls) and
 * the real one. Kept apart from pipeline.ts so a comparison worker loads only the statistics.
 */
import { InputError } from '../errors.js';
import type { SideMemo } from '../stats/bootstrap.js';
import { compareRunSetsReweighted, type Reweighting, type ReweightedComparison } from '../stats/compare.js';
import type { CompareOptions, Comparison } from '../stats/types.js';
import type { ResultsFile } from '../types.js';

/** Compare one host's runs with the baseline's, with the overall re-weighted for a profile when asked. */
export type CompareHostFn = (
  base: readonly ResultsFile[],
  cand: readonly ResultsFile[],
  opts: CompareOptions,
  reweighting: Reweighting | null,
) => ReweightedComparison;

/** One non-baseline host compared with the baseline. */
export interface HostComparison {
  label: string;
  comparison: Comparison;
  /** The overall index under the profile's weights (null without a profile, or when nothing is weighted). */
  reweighted: Comparison['overall'];
}

/** The real compare function; the baseline's sides are resampled once for all hosts (`memo`). */
export function memoisedCompare(memo: SideMemo = new Map()): CompareHostFn {
  return (base, cand, opts, reweighting) => compareRunSetsReweighted(base, cand, opts, reweighting, memo);
}

/** Options out of range are bad usage (exit 2), as everywhere else. */
export function asInputError(e: unknown): unknown {
  return e instanceof RangeError ? new InputError(e.message) : e;
}
