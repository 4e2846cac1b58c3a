/**
 * Mann-Whitney U test (Wilcoxon rank-sum), two-sided, as R's `wilcox.test(x, y)` computes it:
 * - W = (sum of the ranks of x) - nx(nx+1)/2, mid-ranks for ties;
 * - exact p-value from the null distribution of W when there are no ties and both samples have fewer
 *   than 50 values (the distribution by the recursion of Mann & Whitney 1947, in probabilities);
 * - otherwise the normal approximation with the tie-corrected variance
 *   σ² = nx·ny/12 · ((n + 1) - Σ(t³ - t) / (n(n - 1))) and a continuity correction of 1/2
 *   (Hollander & Wolfe 1999, §4.1; R's `correct = TRUE`).
 */
import { normCdf } from './distributions.js';

export interface MannWhitneyResult {
  /** R's W statistic for x (equals U of x). */
  w: number;
  /** Two-sided p-value in [0, 1]. */
  p: number;
  method: 'exact' | 'normal';
}

/** Ranks with ties averaged (mid-ranks), 1-based, in the order of `xs`; plus Σ(t³ - t) over tie groups. */
export function midRanks(xs: readonly number[]): { ranks: number[]; tieSum: number } {
  const idx = xs.map((_, i) => i).sort((a, b) => (xs[a] as number) - (xs[b] as number));
  const ranks = new Array<number>(xs.length).fill(0);
  let tieSum = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && xs[idx[j + 1] as number] === xs[idx[i] as number]) j++;
    const r = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[idx[k] as number] = r;
    const t = j - i + 1;
    tieSum += t * t * t - t;
    i = j + 1;
  }
  return { ranks, tieSum };
}

/** P(W <= q) under H0 for sample sizes m and n, no ties (R's pwilcox). */
export function pWilcoxExact(q: number, m: number, n: number): number {
  if (q < 0) return 0;
  if (q >= m * n) return 1;
  // dist[i][j] is the distribution of W for sizes (i, j); built bottom-up in probabilities:
  // P_{i,j}(k) = i/(i+j) · P_{i-1,j}(k - j) + j/(i+j) · P_{i,j-1}(k).
  let prevRow: Float64Array[] = [];
  for (let i = 0; i <= m; i++) {
    const row: Float64Array[] = [];
    for (let j = 0; j <= n; j++) {
      const d = new Float64Array(i * j + 1);
      if (i === 0 || j === 0) d[0] = 1;
      else {
        const up = prevRow[j] as Float64Array; // sizes (i-1, j)
        const left = row[j - 1] as Float64Array; // sizes (i, j-1)
        const wi = i / (i + j);
        const wj = j / (i + j);
        for (let k = 0; k < d.length; k++) {
          const a = k - j >= 0 && k - j < up.length ? (up[k - j] as number) : 0;
          const b = k < left.length ? (left[k] as number) : 0;
          d[k] = wi * a + wj * b;
        }
      }
      row.push(d);
    }
    prevRow = row;
  }
  const dist = prevRow[n] as Float64Array;
  let s = 0;
  for (let k = 0; k <= Math.floor(q); k++) s += dist[k] as number;
  return Math.min(1, s);
}

/** Two-sided Mann-Whitney U test of x against y. Needs at least one value on each side. */
export function mannWhitney(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const nx = x.length;
  const ny = y.length;
  if (nx === 0 || ny === 0) return { w: 0, p: 1, method: 'normal' };
  const { ranks, tieSum } = midRanks([...x, ...y]);
  let rx = 0;
  for (let i = 0; i < nx; i++) rx += ranks[i] as number;
  const w = rx - (nx * (nx + 1)) / 2;
  if (tieSum === 0 && nx < 50 && ny < 50) {
    const p = w > (nx * ny) / 2 ? 1 - pWilcoxExact(w - 1, nx, ny) : pWilcoxExact(w, nx, ny);
    return { w, p: Math.min(1, 2 * p), method: 'exact' };
  }
  const n = nx + ny;
  const z0 = w - (nx * ny) / 2;
  const sigma = Math.sqrt(((nx * ny) / 12) * (n + 1 - tieSum / (n * (n - 1))));
  if (!(sigma > 0)) return { w, p: 1, method: 'normal' };
  const z = (z0 - Math.sign(z0) * 0.5) / sigma;
  const p = 2 * Math.min(normCdf(z), normCdf(-z));
  return { w, p: Math.min(1, p), method: 'normal' };
}
