/**
 * The host set every reader of many results files starts from (`report`, `compare --html`, `advise`, the
 * collector's report page): the files grouped by label, one group per host class, and the baseline label
 * picked once. Several files with one label are replicate runs of one platform (separately launched
 * runs), compared with runs as the top level (src/stats/runs.ts); they are neither refused nor renamed.
 */
import { InputError } from '../errors.js';
import { loadResults } from '../results/io.js';
import type { CompareOptions } from '../stats/types.js';
import type { ResultsFile } from '../types.js';

/** One host class: its label and its runs (one results file each, in the order given; at least one). */
export interface RunGroup {
  label: string;
  runs: ResultsFile[];
}

/** The results grouped by label, the baseline group, and the comparison options every reader shares. */
export interface HostSet {
  /** Every results file, in the order given. */
  files: ResultsFile[];
  /** One group per label, in order of first appearance. */
  groups: RunGroup[];
  /** The baseline group (the first label unless one was named). */
  base: RunGroup;
  /** Noise threshold δ in percent. */
  noisePct: number;
  opts: CompareOptions;
}

/** What a reader chose: the baseline label and the comparison settings (already parsed by the CLI). */
export interface HostSetOptions {
  baseline?: string;
  noisePct: number;
  seed?: number;
  resamples?: number;
}

/** Files grouped by label, in order of first appearance; a group keeps its files' order. */
export function groupByLabel(files: readonly ResultsFile[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const f of files) {
    const g = groups.get(f.label);
    if (g) g.runs.push(f);
    else groups.set(f.label, { label: f.label, runs: [f] });
  }
  return [...groups.values()];
}

/** The host set of files already read (the collector's, a duel's two sides). Throws InputError on bad input. */
export function hostSetOf(files: readonly ResultsFile[], o: HostSetOptions): HostSet {
  if (files.length === 0) throw new InputError('name at least one results file');
  if (o.seed !== undefined && !Number.isInteger(o.seed)) throw new InputError('--seed: expected an integer');
  const groups = groupByLabel(files);
  const base = o.baseline === undefined ? groups[0] : groups.find((g) => g.label === o.baseline);
  if (!base)
    throw new InputError(`--baseline ${o.baseline}: no results file has that label (labels: ${groups.map((g) => g.label).join(', ')})`);
  const opts: CompareOptions = {
    noisePct: o.noisePct,
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.resamples !== undefined ? { resamples: o.resamples } : {}),
  };
  return { files: [...files], groups, base, noisePct: o.noisePct, opts };
}

/** Read and validate the files (one-line InputError naming a bad one), then group them. */
export function loadHostSet(paths: readonly string[], o: HostSetOptions): HostSet {
  if (paths.length === 0) throw new InputError('name at least one results file');
  return hostSetOf(
    paths.map((p) => loadResults(p)),
    o,
  );
}

/** The groups compared against the baseline, in order. */
export function candidates(set: HostSet): RunGroup[] {
  return set.groups.filter((g) => g !== set.base);
}
