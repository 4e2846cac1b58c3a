/**
 * From results files to comparisons against one baseline: the step the report and the advisor share.
 * The comparison function is passed in (the real one is src/stats compareResults), so tests can use
 * hand-built comparisons and the report never computes a statistic itself.
 */
import { InputError } from '../errors.js';
import type { CompareOptions, Comparison } from '../stats/types.js';
import type { ResultsFile } from '../types.js';

export type CompareFn = (base: ResultsFile, cand: ResultsFile, opts: CompareOptions) => Comparison;

/** The baseline file: the one labelled `label`, or the first file. Labels must be unique. */
export function resolveBaseline(files: ResultsFile[], label?: string): ResultsFile {
  if (files.length === 0) throw new InputError('name at least one results file');
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.label)) throw new InputError(`two results files are labelled "${f.label}": give each host its own label (virtax run --label)`);
    seen.add(f.label);
  }
  if (label === undefined) return files[0] as ResultsFile;
  const base = files.find((f) => f.label === label);
  if (!base) throw new InputError(`--baseline ${label}: no results file has that label (labels: ${files.map((f) => f.label).join(', ')})`);
  return base;
}

/** Compare every other file against the baseline, in the files' order. */
export function compareAgainst(files: ResultsFile[], baseline: ResultsFile, compare: CompareFn, opts: CompareOptions): Comparison[] {
  return files
    .filter((f) => f !== baseline)
    .map((f) => {
      try {
        return compare(baseline, f, opts);
      } catch (e) {
        // compareResults throws RangeError for options out of range: that is bad usage (exit 2).
        if (e instanceof RangeError) throw new InputError(e.message);
        throw e;
      }
    });
}

/** Results that share a label (the same host class measured twice) told apart by start time, for the report. */
export function withDistinctLabels(files: ResultsFile[]): ResultsFile[] {
  const count = new Map<string, number>();
  for (const f of files) count.set(f.label, (count.get(f.label) ?? 0) + 1);
  const seen = new Map<string, number>();
  return files.map((f) => {
    if ((count.get(f.label) ?? 0) < 2) return f;
    const k = (seen.get(f.label) ?? 0) + 1;
    seen.set(f.label, k);
    return { ...f, label: `${f.label} @ ${f.startedAt}${k > 1 && files.filter((g) => g.label === f.label && g.startedAt === f.startedAt).length > 1 ? ` #${k}` : ''}` };
  });
}
