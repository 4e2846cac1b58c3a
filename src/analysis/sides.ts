/**
 * The two sides of `virtax compare` and which workloads it compares: files given as BASE CAND, as several
 * files grouped by label (same label = replicate runs of one platform), or as --base/--cand lists; and
 * `--only` patterns resolved once against the files (a pattern that selects nothing is bad input, as in gate).
 */
import { InputError } from '../errors.js';
import { selectIds } from '../results/ids.js';
import { loadResults } from '../results/io.js';
import { mixedRunsReason } from '../results/replicates.js';
import type { ResultsFile } from '../types.js';

/** Where the files of each side come from. */
export interface SideFiles {
  /** Positional files: BASE CAND, or several files, grouped by label into two sides. */
  files?: string[];
  /** Several runs per side (replicate runs), each list possibly comma-separated. */
  base?: string[] | string;
  cand?: string[] | string;
  /** Pool runs of different labels or suites on one side (otherwise bad input: src/results/replicates.ts). */
  allowMixed?: boolean;
}

/**
 * The two sides from argv: `--base F... --cand F...`; or two positional files (base, candidate, whatever
 * their labels); or more positional files grouped by label, in order of first appearance: files with the
 * same label are replicate runs of one platform, and there must be exactly two labels.
 */
export function sidesOf(args: SideFiles, load: (p: string) => ResultsFile = loadResults): { base: ResultsFile[]; cand: ResultsFile[] } {
  const list = (x: string[] | string | undefined) =>
    (x === undefined ? [] : Array.isArray(x) ? x : [x]).flatMap((s) => s.split(',')).filter(Boolean);
  const base = list(args.base);
  const cand = list(args.cand);
  const files = args.files ?? [];
  if (base.length || cand.length) {
    if (!base.length || !cand.length) throw new InputError('compare: give both --base and --cand (one or more results files each)');
    if (files.length) throw new InputError('compare: give the files either as BASE CAND or with --base/--cand, not both');
    return checked({ base: base.map((p) => load(p)), cand: cand.map((p) => load(p)) }, args.allowMixed === true);
  }
  if (files.length < 2) throw new InputError('compare: expected two results files (BASE CAND) or --base F... --cand F...');
  const loaded = files.map((p) => load(p));
  if (loaded.length === 2) return { base: [loaded[0] as ResultsFile], cand: [loaded[1] as ResultsFile] };
  const labels = [...new Set(loaded.map((f) => f.label))];
  if (labels.length !== 2) {
    throw new InputError(
      `compare: ${files.length} files carry ${labels.length} label(s) (${labels.join(', ')}): files with the same label are runs of one side, so give exactly two labels, or use --base F... --cand F...`,
    );
  }
  return checked(
    { base: loaded.filter((f) => f.label === labels[0]), cand: loaded.filter((f) => f.label === labels[1]) },
    args.allowMixed === true,
  );
}

/** Each side's runs must be replicates of one platform measured one way, unless mixing is allowed. */
function checked(s: { base: ResultsFile[]; cand: ResultsFile[] }, allowMixed: boolean): { base: ResultsFile[]; cand: ResultsFile[] } {
  if (!allowMixed) {
    for (const [name, runs] of [
      ['--base', s.base],
      ['--cand', s.cand],
    ] as const) {
      const why = mixedRunsReason(runs, `compare ${name}`);
      if (why) throw new InputError(why);
    }
  }
  return s;
}

/** `--only` patterns -> the exact ids of any compared file they select; a pattern that selects nothing is exit 2 (as in gate). */
export function resolveOnly(patterns: string[], files: readonly ResultsFile[]): string[] {
  const ids = [...new Set(files.flatMap((f) => f.workloads.map((w) => w.id)))];
  const { selected, unknown } = selectIds(ids, patterns);
  if (unknown.length) throw new InputError(`--only: no workload ${unknown.join(', ')} in the compared files`);
  return selected;
}
