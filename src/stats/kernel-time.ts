/**
 * Second figures beside a compared row (pure, seeded): kernel time per operation and the loopback label.
 *
 * Kernel time per operation (`Round.kernelSecondsPerOp`, the round process's system CPU seconds over its
 * operations) is what the platform changes without Node's own user-space share: a doubled syscall cost reads
 * as +35-45% on the wall-time figure of sys.read but as about +100% here. Compared like the main figure: the
 * log ratio of the medians of the round values (candidate over base, lower is better) with the same hierarchical
 * bootstrap (bootstrap.ts; one value per round, so it resamples rounds) and the same seed.
 */
import type { Round, WorkloadOk } from '../types.js';
import { bootstrapLogRatio, medianOf } from './bootstrap.js';
import { pct } from './overall.js';

const kernelOf = (rounds: readonly Round[]): number[] =>
  rounds.map((r) => r.kernelSecondsPerOp).filter((x): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0);

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;
}

/** Seconds per operation in a readable unit. */
export function perOpText(seconds: number): string {
  if (seconds >= 1e-3) return `${(seconds * 1e3).toPrecision(3)} ms`;
  if (seconds >= 1e-6) return `${(seconds * 1e6).toPrecision(3)} us`;
  return `${(seconds * 1e9).toPrecision(3)} ns`;
}

/** "kernel time per op" for two sides' rounds, with an interval when both have two or more rounds; null when absent. */
export function kernelTimeNote(base: readonly Round[], cand: readonly Round[], opts: { level: number; seed: number; resamples: number }): string | null {
  const kb = kernelOf(base);
  const kc = kernelOf(cand);
  if (kb.length === 0 || kc.length === 0) return null;
  const mb = medianOf(kb);
  const mc = medianOf(kc);
  let text = `kernel time per op (system CPU, median of rounds): base ${perOpText(mb)}, candidate ${perOpText(mc)}`;
  if (kb.length >= 2 && kc.length >= 2) {
    const b = bootstrapLogRatio(
      { figures: kb, samples: kb.map((k) => [k]) },
      { figures: kc, samples: kc.map((k) => [k]) },
      { better: 'lower', resamples: Math.min(opts.resamples, 2000), level: opts.level, seed: opts.seed },
    );
    text += `, ${signed(pct(b.point))} [${signed(pct(b.lo))}, ${signed(pct(b.hi))}]`;
  } else text += `, ${signed(100 * (mc / mb - 1))} (one round on a side: no interval)`;
  return text;
}

/** Notes a compared row carries beside its main figure: kernel time per op, and a loopback network label. */
export function secondFigureNotes(b: WorkloadOk, c: WorkloadOk, baseRounds: readonly Round[], candRounds: readonly Round[], opts: { level: number; seed: number; resamples: number }): string[] {
  const out: string[] = [];
  const k = kernelTimeNote(baseRounds, candRounds, opts);
  if (k) out.push(k);
  if (b.params?.link === 'loopback' || c.params?.link === 'loopback') {
    out.push('loopback: the traffic never left the kernel on a side (no NIC, virtual or real); measures the TCP stack and wake-ups, not a NIC');
  }
  return out;
}
