/**
 * The one reader of noisy-neighbour figures in a results file (docs/workloads.md, noisy.*): typed NoisyExtra
 * (src/types.ts) as src/workloads/noisy.ts writes it, and, for older files whose `extra` had other shapes, a parser
 * of their numeric leaves by path. Either way the reader gets one list of figures: against which neighbour, which
 * metric, the values over rounds.
 */
import type { NoisyExtra, NoisyKindFigures, WorkloadOk } from '../types.js';

export type NoisyMetric = 'tail amplification' | 'slowdown' | 'steal %';

export interface NoisyFigure {
  /** The neighbour: a kind (cpu, memory, ...), "all neighbors", or a kind with the steal phase in parentheses. */
  against: string;
  metric: NoisyMetric;
  /** One value per round (the reader takes the median). */
  values: number[];
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const orNull = (x: unknown) => x === null || finite(x);

function isKindFigures(x: unknown): x is NoisyKindFigures {
  return isRecord(x) && finite(x.slowdown) && finite(x.tailAmplification) && orNull(x.stealPctAlone) && orNull(x.stealPctWith);
}

/** `extra` as NoisyExtra when it has that shape, else null (an older file: see legacyFigures). */
export function noisyExtraOf(extra: unknown): NoisyExtra | null {
  if (!isRecord(extra)) return null;
  const { tailAmplification, byKind } = extra;
  if (!Array.isArray(tailAmplification) || !tailAmplification.every(finite)) return null;
  if (!Array.isArray(byKind) || !byKind.every((r) => isRecord(r) && Object.values(r).every(isKindFigures))) return null;
  return extra as unknown as NoisyExtra;
}

function typedFigures(x: NoisyExtra): NoisyFigure[] {
  const out: NoisyFigure[] = [];
  if (x.tailAmplification.length) out.push({ against: 'all neighbors', metric: 'tail amplification', values: [...x.tailAmplification] });
  const kinds = [...new Set(x.byKind.flatMap((r) => Object.keys(r)))];
  const fields: [keyof NoisyKindFigures, NoisyMetric, (kind: string) => string][] = [
    ['slowdown', 'slowdown', (k) => k],
    ['tailAmplification', 'tail amplification', (k) => k],
    ['stealPctAlone', 'steal %', (k) => `${k} (stealPctAlone)`],
    ['stealPctWith', 'steal %', (k) => `${k} (stealPctWith)`],
  ];
  for (const kind of kinds) {
    for (const [field, metric, against] of fields) {
      const values = x.byKind.map((r) => r[kind]?.[field]).filter(finite);
      if (values.length) out.push({ against: against(kind), metric, values });
    }
  }
  return out;
}

/**
 * Numeric leaves of an older file's `extra`, whatever its shape: path -> values. Arrays (per-round lists appended by
 * the runner) contribute every element; an object with a string `kind`/`aggressor`/`name`/`phase` is keyed by that
 * string instead of its position, so phases stay apart.
 */
export function numericLeaves(x: unknown, path: string[] = [], out = new Map<string, number[]>(), depth = 0): Map<string, number[]> {
  if (depth > 8) return out;
  if (finite(x)) {
    const key = path.join('.');
    out.set(key, [...(out.get(key) ?? []), x]);
  } else if (Array.isArray(x)) {
    for (const v of x) numericLeaves(v, path, out, depth + 1);
  } else if (isRecord(x)) {
    const tag = ['kind', 'aggressor', 'name', 'phase'].map((k) => x[k]).find((v): v is string => typeof v === 'string');
    const here = tag ? [...path, tag] : path;
    for (const [k, v] of Object.entries(x)) numericLeaves(v, [...here, k], out, depth + 1);
  }
  return out;
}

const LEGACY_METRICS: { re: RegExp; metric: NoisyMetric }[] = [
  { re: /amplif/i, metric: 'tail amplification' },
  { re: /slowdown/i, metric: 'slowdown' },
  { re: /steal/i, metric: 'steal %' },
];

/** An older file's figures, read from the names of its numeric leaves (a parser of external data). */
function legacyFigures(extra: Record<string, unknown>): NoisyFigure[] {
  const out: NoisyFigure[] = [];
  const leaves = [...numericLeaves(extra)];
  // Per-phase raw figures repeat what per-kind summaries say; use them only when nothing else is there.
  const summary = leaves.filter(([path]) => !/^(phases|perPhase)\b/.test(path));
  const seen = new Set<string>();
  for (const [path, values] of summary.length ? summary : leaves) {
    const segs = path.split('.');
    const last = segs[segs.length - 1] ?? '';
    const m = LEGACY_METRICS.find((x) => x.re.test(last));
    if (!m || values.length === 0) continue;
    const where = segs
      .slice(0, -1)
      .filter((x) => !/^(byKind|phases|perPhase|kinds)$/.test(x))
      .join('.');
    const against = `${where || 'all neighbors'}${m.metric === 'steal %' ? ` (${last})` : ''}`;
    const key = `${against}|${m.metric}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ against, metric: m.metric, values });
  }
  return out;
}

/** A noisy.* workload's figures, typed when the file is new enough, else from its untyped `extra`. */
export function noisyFiguresOf(w: WorkloadOk): NoisyFigure[] {
  if (!isRecord(w.extra)) return [];
  const typed = noisyExtraOf(w.extra);
  return typed ? typedFigures(typed) : legacyFigures(w.extra);
}
