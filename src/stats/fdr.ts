/**
 * False-discovery-rate control across the workloads of one comparison: Benjamini & Hochberg (1995)
 * step-up adjusted p-values, q_(i) = min_{j >= i} min(1, m·p_(j)/j), identical to R's
 * `p.adjust(p, "BH")`.
 */

/** BH-adjusted p-values, in the order of `ps`. Non-finite inputs are treated as 1. */
export function benjaminiHochberg(ps: readonly number[]): number[] {
  const m = ps.length;
  const clean = ps.map((p) => (Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 1));
  const order = clean.map((_, i) => i).sort((a, b) => (clean[b] as number) - (clean[a] as number)); // descending
  const q = new Array<number>(m).fill(1);
  let running = 1;
  order.forEach((idx, k) => {
    const rank = m - k; // rank in ascending order
    running = Math.min(running, ((clean[idx] as number) * m) / rank);
    q[idx] = Math.min(1, running);
  });
  return q;
}
