/**
 * Contended rounds (docs/compare.md, contention): a round whose run-queue delay shows that other work
 * starved the probe carries `conditions.contended` (set by the probe, src/proc/steal.ts). No clean verdict may
 * rest on such rounds.
 *
 * Method, chosen once for every reader: per side, drop the contended rounds when enough clean ones remain
 * (at least MIN_CLEAN_ROUNDS and at least half of the side's rounds); otherwise keep them all and mark the
 * row untrustworthy, which turns a `slower`/`faster`/`same` verdict into `inconclusive` with the reason.
 * Quota throttling and noisy-neighbour aggressors never mark a round (they are the cost being measured), so
 * capped-container duels keep their verdicts. Pure: no clock, no file system.
 */
import type { ComparisonWarning, ResultsFile, Round, RowNote, SideName } from '../types.js';

/** Clean rounds a side needs for its contended rounds to be dropped rather than the row distrusted. */
export const MIN_CLEAN_ROUNDS = 3;

/** One side's rounds after the contention rule. */
export interface ContentionFilter {
  /** The rounds the statistics use: clean ones when enough remain, else all. */
  rounds: Round[];
  /** Contended rounds the side had. */
  contended: number;
  /** Of those, how many were dropped (0 or `contended`). */
  dropped: number;
  /** False when contended rounds had to be kept: the row's verdict cannot be clean. */
  trustworthy: boolean;
  /** The largest share of a round's wall time other work took (percent), null when none was contended. */
  worstPct: number | null;
}

const isContended = (r: Round): boolean => r.conditions?.contended === true;

/** Apply the contention rule to one side's rounds. */
export function filterContended(rounds: readonly Round[]): ContentionFilter {
  const bad = rounds.filter(isContended);
  const clean = rounds.filter((r) => !isContended(r));
  const pcts = bad.map((r) => r.conditions?.contentionPct).filter((x): x is number => typeof x === 'number');
  const worstPct = pcts.length ? Math.max(...pcts) : null;
  if (bad.length === 0) return { rounds: [...rounds], contended: 0, dropped: 0, trustworthy: true, worstPct: null };
  if (clean.length >= MIN_CLEAN_ROUNDS && 2 * clean.length >= rounds.length) {
    return { rounds: clean, contended: bad.length, dropped: bad.length, trustworthy: true, worstPct };
  }
  return { rounds: [...rounds], contended: bad.length, dropped: 0, trustworthy: false, worstPct };
}

/** Per-workload notes for a compared row: what was dropped or why the verdict is not clean. */
export function contentionNotes(base: ContentionFilter, cand: ContentionFilter): RowNote[] {
  const out: RowNote[] = [];
  for (const [side, f] of [
    ['base', base],
    ['candidate', cand],
  ] as const) {
    if (f.contended === 0) continue;
    // Dropped: the filter's rounds are the clean ones; kept: they are all of them.
    const kept = !f.dropped;
    const of = kept ? f.rounds.length : f.rounds.length + f.contended;
    out.push({
      code: 'contended-rounds',
      side,
      contended: f.contended,
      of,
      clean: of - f.contended,
      kept,
      worstPct: f.worstPct,
      need: MIN_CLEAN_ROUNDS,
    });
  }
  return out;
}

/** Contended rounds per workload of a results file (only workloads with at least one). */
export function contendedRounds(file: ResultsFile): { id: string; contended: number; rounds: number; worstPct: number | null }[] {
  const out: { id: string; contended: number; rounds: number; worstPct: number | null }[] = [];
  for (const w of file.workloads ?? []) {
    if (w.status !== 'ok') continue;
    const f = filterContended(w.rounds);
    if (f.contended) out.push({ id: w.id, contended: f.contended, rounds: w.rounds.length, worstPct: f.worstPct });
  }
  return out;
}

/**
 * One headline warning for a results file with contended rounds (null when it has none): the file on its own
 * (`side` null) or as a side of a comparison, `run` its 1-based index when that side has several.
 */
export function contentionWarning(
  file: ResultsFile,
  where: { side?: SideName | null; label?: string; run?: number | null } = {},
): Extract<ComparisonWarning, { code: 'contended-rounds' }> | null {
  const rows = contendedRounds(file);
  if (rows.length === 0) return null;
  return {
    code: 'contended-rounds',
    side: where.side ?? null,
    label: where.label ?? file.label,
    run: where.run ?? null,
    rounds: rows.reduce((s, r) => s + r.contended, 0),
    worstPct: Math.max(...rows.map((r) => r.worstPct ?? 0)),
    workloads: rows.map((r) => ({ id: r.id, contended: r.contended, rounds: r.rounds })),
  };
}

/**
 * The same rule for paired rounds (duels): a pair is contended when either member is; contended pairs are
 * dropped when enough clean pairs remain, else all are kept and the row is not trustworthy.
 */
export function filterContendedPairs(
  a: readonly Round[],
  b: readonly Round[],
): { a: Round[]; b: Round[]; notes: RowNote[]; trustworthy: boolean } {
  const n = Math.min(a.length, b.length);
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (!isContended(a[i] as Round) && !isContended(b[i] as Round)) keep.push(i);
  const bad = n - keep.length;
  if (bad === 0) return { a: [...a], b: [...b], notes: [], trustworthy: true };
  if (keep.length >= MIN_CLEAN_ROUNDS && 2 * keep.length >= n) {
    return {
      a: keep.map((i) => a[i] as Round),
      b: keep.map((i) => b[i] as Round),
      notes: [{ code: 'contended-pairs', contended: bad, of: n, clean: keep.length, kept: false, need: MIN_CLEAN_ROUNDS }],
      trustworthy: true,
    };
  }
  return {
    a: [...a],
    b: [...b],
    notes: [{ code: 'contended-pairs', contended: bad, of: n, clean: keep.length, kept: true, need: MIN_CLEAN_ROUNDS }],
    trustworthy: false,
  };
}
