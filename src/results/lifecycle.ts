/**
 * The one reader of a `virtax lifecycle` file's figures (docs/lifecycle.md): medians over rounds with min and max,
 * the memory fit (fixed + per-instance cost, with its interval) and the platform's name. Used by the lifecycle
 * table (src/probes/lifecycle/summary.ts) and by fleet sizing by memory (src/advise/density.ts).
 */
import type { ResultsFile, WorkloadOk } from '../types.js';

/** A fitted coefficient with its interval (null bounds: too few points for one). */
export interface FitCoefficientJson {
  point: number;
  lo: number | null;
  hi: number | null;
}

/** Host memory of k idle instances = fixedMiB + k x perInstanceMiB, fitted over every round's 1, 4, 16 instances. */
export interface MemoryFit {
  fixedMiB: FitCoefficientJson;
  perInstanceMiB: FitCoefficientJson;
  level: number;
}

export interface Figure {
  median: number;
  min: number;
  max: number;
  rounds: number;
}

/** Whether a results file was written by `virtax lifecycle`. */
export function isLifecycleFile(f: ResultsFile): boolean {
  return f.config.suite === 'lifecycle' || f.workloads.some((w) => w.category === 'lifecycle');
}

function okOf(f: ResultsFile, id: string): WorkloadOk | null {
  const w = f.workloads.find((x) => x.id === id);
  return w && w.status === 'ok' ? w : null;
}

/** A lifecycle figure's median over rounds with its min and max; null where it was not measured. */
export function lifecycleFigure(f: ResultsFile, id: string): Figure | null {
  const w = okOf(f, id);
  return w ? { median: w.summary.median, min: w.summary.min, max: w.summary.max, rounds: w.summary.rounds } : null;
}

const isCoefficient = (c: unknown): c is FitCoefficientJson =>
  typeof c === 'object' &&
  c !== null &&
  Number.isFinite((c as FitCoefficientJson).point) &&
  ((c as FitCoefficientJson).lo === null || Number.isFinite((c as FitCoefficientJson).lo)) &&
  ((c as FitCoefficientJson).hi === null || Number.isFinite((c as FitCoefficientJson).hi));

/** life.memory's fit, or null when the file has none (or a malformed one). */
export function memoryFitOf(f: ResultsFile): MemoryFit | null {
  const fit = okOf(f, 'life.memory')?.extra?.fit as Partial<MemoryFit> | undefined;
  if (!fit || !isCoefficient(fit.fixedMiB) || !isCoefficient(fit.perInstanceMiB) || typeof fit.level !== 'number') return null;
  return { fixedMiB: fit.fixedMiB, perInstanceMiB: fit.perInstanceMiB, level: fit.level };
}

/** The platform a lifecycle file measured (extra.platform.name), else its label less "-lifecycle". */
export function lifecyclePlatformOf(f: ResultsFile): string {
  const measured = f.workloads.find((w): w is WorkloadOk => w.status === 'ok');
  const named = (measured?.extra?.platform as { name?: unknown } | undefined)?.name;
  return typeof named === 'string' ? named : f.label.replace(/-lifecycle$/, '');
}
