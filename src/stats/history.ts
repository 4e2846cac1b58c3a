/**
 * History of one host label: for each workload, its median over time (one point per stored result) and
 * the change-point verdict of that series (step, slow creep, flat), from src/stats/changepoint.ts. Numbers and
 * typed shapes only: src/report/history-html.ts puts them in words (the collector's `GET /report?label=L`).
 */
import { detectChangePoints, type SeriesShape } from './changepoint.js';
import type { Better, ResultsFile } from '../types.js';

export interface HistoryPoint {
  /** When the run started (ISO). */
  at: string;
  resultId: string;
  /** Median of the round figures, in the workload's unit. */
  median: number;
}

export interface WorkloadHistory {
  id: string;
  unit: string;
  better: Better;
  points: HistoryPoint[];
  shape: SeriesShape;
}

export interface LabelHistory {
  label: string;
  results: number;
  workloads: WorkloadHistory[];
}

/** Seed of the change-point permutation test: fixed, so the same history gives the same verdict. */
export const HISTORY_SEED = 20261125;

/** Build the history of `label` from results files (any order; other labels are ignored). */
export function buildHistory(files: readonly ResultsFile[], label: string, minSegment = 5): LabelHistory {
  const mine = files.filter((f) => f.label === label).sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
  const byWorkload = new Map<string, { unit: string; better: Better; points: HistoryPoint[] }>();
  for (const f of mine) {
    for (const w of f.workloads) {
      if (w.status !== 'ok') continue;
      const entry = byWorkload.get(w.id) ?? { unit: w.unit, better: w.better, points: [] };
      entry.points.push({ at: f.startedAt, resultId: f.id, median: w.summary.median });
      byWorkload.set(w.id, entry);
    }
  }
  const workloads = [...byWorkload.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([id, e]) => ({
      id,
      unit: e.unit,
      better: e.better,
      points: e.points,
      shape: detectChangePoints(
        e.points.map((p) => p.median),
        { seed: HISTORY_SEED, minSegment },
      ),
    }));
  return { label, results: mine.length, workloads };
}
