/**
 * Ordinary least squares fit of y = a + b·x with Student t intervals on the intercept a and the slope b
 * (the textbook simple-regression inference, e.g. Montgomery, Peck & Vining, "Introduction to Linear Regression
 * Analysis", §2.3): residual variance s² = SSE / (n - 2), se(b) = s / √Sxx, se(a) = s·√(1/n + x̄²/Sxx),
 * bounds point ± t_{n-2}(1 - α/2)·se. `virtax lifecycle` fits the host memory of n idle instances this way: a is
 * the fixed cost, b the cost per instance (docs/lifecycle.md).
 *
 * With exactly two distinct x and two points the line passes through both and nothing is left to estimate the
 * spread: the intervals are then null (the point still stands). Fewer than two distinct x: no fit.
 */
import { tQuantile } from './distributions.js';

/** An interval of a fitted coefficient: the point, and bounds when the residuals allow them. */
export interface FitCoefficient {
  point: number;
  /** Bounds at `level`, null when n - 2 = 0 degrees of freedom leave no residual spread to estimate. */
  lo: number | null;
  hi: number | null;
  /** Standard error, null with no degrees of freedom. */
  stdErr: number | null;
}

export interface LinearFit {
  /** y at x = 0 (the fixed cost). */
  intercept: FitCoefficient;
  /** dy/dx (the cost per unit of x). */
  slope: FitCoefficient;
  /** Points fitted. */
  n: number;
  /** Residual degrees of freedom (n - 2). */
  df: number;
  /** Residual standard deviation, null with df = 0. */
  residualSd: number | null;
  level: number;
  method: 'ols-t';
}

/** The OLS fit of ys on xs at confidence `level`; null with fewer than two distinct x or mismatched input. */
export function linearFit(xs: readonly number[], ys: readonly number[], level = 0.95): LinearFit | null {
  const n = xs.length;
  if (n !== ys.length || n < 2 || !(level > 0 && level < 1)) return null;
  if (![...xs, ...ys].every(Number.isFinite)) return null;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i] as number;
    sy += ys[i] as number;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    sxx += dx * dx;
    sxy += dx * ((ys[i] as number) - my);
  }
  if (!(sxx > 0)) return null;
  const b = sxy / sxx;
  const a = my - b * mx;
  const df = n - 2;
  if (df === 0) {
    return {
      intercept: { point: a, lo: null, hi: null, stdErr: null },
      slope: { point: b, lo: null, hi: null, stdErr: null },
      n,
      df,
      residualSd: null,
      level,
      method: 'ols-t',
    };
  }
  let sse = 0;
  for (let i = 0; i < n; i++) sse += ((ys[i] as number) - a - b * (xs[i] as number)) ** 2;
  const s = Math.sqrt(sse / df);
  const t = tQuantile(1 - (1 - level) / 2, df);
  const seB = s / Math.sqrt(sxx);
  const seA = s * Math.sqrt(1 / n + (mx * mx) / sxx);
  return {
    intercept: { point: a, lo: a - t * seA, hi: a + t * seA, stdErr: seA },
    slope: { point: b, lo: b - t * seB, hi: b + t * seB, stdErr: seB },
    n,
    df,
    residualSd: s,
    level,
    method: 'ols-t',
  };
}
