/** Tiny hand-made results files for the compare tests. */
import type { Better, Category, ResultsFile, WorkloadResult } from '../../src/types.js';
import { measuredWorkload, SYNTHETIC_METAL_HOST, syntheticResults } from '../../src/stats/synthetic.js';

export interface TinyWorkload {
  id: string;
  category?: Category;
  better?: Better;
  figures: number[];
  /** Per-round batch samples; default: none recorded. */
  samples?: number[][];
}

export function tinyWorkload(w: TinyWorkload): WorkloadResult {
  const better = w.better ?? 'lower';
  const rounds = w.figures.map((figure, i) => ({ figure, operations: 1000, seconds: 1, samples: w.samples?.[i] ?? [], stealPct: null }));
  return measuredWorkload({
    id: w.id,
    category: w.category ?? 'cpu',
    title: w.id,
    unit: better === 'lower' ? 'ns/op' : 'Mops/s',
    better,
    rounds,
  });
}

export function tinyFile(label: string, workloads: WorkloadResult[], id?: string): ResultsFile {
  const f = syntheticResults({
    label,
    seed: label.length * 7919 + (id ? 1 : 0),
    workloads: [],
    host: SYNTHETIC_METAL_HOST,
    ...(id ? { id } : {}),
  });
  return { ...f, workloads };
}
