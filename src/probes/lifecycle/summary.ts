/**
 * The end-of-lifecycle table and `--json` summary: one row per platform, built from the results files alone (so
 * the same figures can be recomputed from the files). Columns are defined once (LIFECYCLE_HEAD / lifecycleCells).
 */
import { formatTable } from '../../report/table.js';
import {
  lifecycleFigure,
  lifecyclePlatformOf,
  memoryFitOf,
  type Figure,
  type FitCoefficientJson,
  type MemoryFit,
} from '../../results/lifecycle.js';
import type { ResultsFile } from '../../types.js';

export type { Figure, FitCoefficientJson } from '../../results/lifecycle.js';

/** One platform's figures: medians over rounds with min and max, the memory fit, or why a figure is missing. */
export interface LifecycleRow {
  platform: string;
  label: string;
  rounds: number;
  startMs: Figure | null;
  stopMs: Figure | null;
  startNodeMs: Figure | null;
  memoryPerInstanceMiB: Figure | null;
  densityPerGiB: Figure | null;
  fit: MemoryFit | null;
  /** Metric id -> why it is missing (skipped or failed). */
  missing: Record<string, string>;
}

export function lifecycleRow(f: ResultsFile): LifecycleRow {
  const missing: Record<string, string> = {};
  for (const w of f.workloads) if (w.status !== 'ok') missing[w.id] = `${w.status}: ${w.reason}`;
  return {
    platform: lifecyclePlatformOf(f),
    label: f.label,
    rounds: f.config.rounds,
    startMs: lifecycleFigure(f, 'life.start'),
    stopMs: lifecycleFigure(f, 'life.stop'),
    startNodeMs: lifecycleFigure(f, 'life.start-node'),
    memoryPerInstanceMiB: lifecycleFigure(f, 'life.memory'),
    densityPerGiB: lifecycleFigure(f, 'life.density'),
    fit: memoryFitOf(f),
    missing,
  };
}

const num = (x: number, digits: number) => x.toFixed(digits);
const fig = (x: Figure | null, digits: number) => (x ? `${num(x.median, digits)} (${num(x.min, digits)}-${num(x.max, digits)})` : '-');
const coef = (c: FitCoefficientJson | undefined, digits: number) =>
  !c ? '-' : c.lo === null || c.hi === null ? num(c.point, digits) : `${num(c.point, digits)} [${num(c.lo, digits)}, ${num(c.hi, digits)}]`;

export const LIFECYCLE_HEAD = ['platform', 'start ms', 'stop ms', 'node start ms', 'fixed MiB', 'MiB/instance (fit)', 'per GiB'];

export function lifecycleCells(r: LifecycleRow): string[] {
  return [
    r.platform,
    fig(r.startMs, 1),
    fig(r.stopMs, 1),
    fig(r.startNodeMs, 0),
    coef(r.fit?.fixedMiB, 1),
    coef(r.fit?.perInstanceMiB, 2),
    fig(r.densityPerGiB, 0),
  ];
}

/** The terminal table, with the missing figures' reasons below it. */
export function formatLifecycleSummary(files: readonly ResultsFile[], width: number | null = null): string {
  const rows = files.map(lifecycleRow);
  const table = formatTable(LIFECYCLE_HEAD, rows.map(lifecycleCells), ['left', 'right', 'right', 'right', 'right', 'right', 'right'], {
    maxWidth: width,
  });
  const why = rows.flatMap((r) => Object.entries(r.missing).map(([id, reason]) => `${r.platform} ${id}: ${reason}`));
  const level = rows.find((r) => r.fit)?.fit?.level ?? 0.95;
  const notes = [
    `medians over rounds (min-max); memory is PSS of the host processes, fitted over all rounds as fixed + per-instance cost [${Math.round(level * 100)}% interval]`,
    ...why,
  ];
  return `${table}\n${notes.join('\n')}`;
}

export function lifecycleSummaryJson(files: readonly { path: string; file: ResultsFile }[], interrupted: boolean): string {
  return `${JSON.stringify({ interrupted, platforms: files.map(({ path, file }) => ({ ...lifecycleRow(file), file: path })) }, null, 2)}\n`;
}
