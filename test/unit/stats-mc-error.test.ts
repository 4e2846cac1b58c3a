/**
 * Beyond the exact bootstrap distribution's reach (~25 rounds per side), the bounds come from Monte Carlo; their
 * error is kept within 1% of the interval's width by drawing the bounds again from more resamples (issue 22), while
 * the replicates the overall index sums keep the requested count. Synthetic log-normal rounds, fixed seeds.
 */
import { describe, expect, it } from 'vitest';
import { bootstrapLogRatio, MC_ERROR_TARGET } from '../../src/stats/bootstrap.js';
import { createRng } from '../../src/stats/random.js';

const rng = createRng(3);
const normal = () => Math.sqrt(-2 * Math.log(1 - rng.float())) * Math.cos(2 * Math.PI * rng.float());
const side = (n: number) => {
  const figures = Array.from({ length: n }, () => 100 * Math.exp(0.05 * normal()));
  return { figures, samples: figures.map((f) => [f]) };
};

describe('Monte Carlo error of the bounds', () => {
  it('is at most 1% of the width at 60 rounds per side, and the index keeps the requested replicates', () => {
    let redrawn = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const r = bootstrapLogRatio(side(60), side(60), { better: 'lower', resamples: 10_000, level: 0.95, seed });
      expect(r.exact).toBeUndefined();
      expect(r.mcError).toBeLessThanOrEqual(MC_ERROR_TARGET * (r.hi - r.lo));
      expect(r.replicates.length).toBe(10_000);
      if (r.resamplesForBounds) redrawn++;
    }
    // At this size 10,000 resamples are not always enough: the rule must have acted.
    expect(redrawn).toBeGreaterThan(0);
  });
});
