/** What each suite means: rounds per workload and how long a round measures. */
import type { Suite } from '../../types.js';
import type { RoundPlan } from '../../workloads/types.js';

export interface SuiteSpec {
  rounds: number;
  plan: RoundPlan;
  /** Only workloads marked `inQuick` run in this suite. */
  quickOnly: boolean;
}

export const SUITES: Record<Suite, SuiteSpec> = {
  // quick: under 2 minutes on 2 cores; enough rounds for an interval, not for small effects.
  quick: { rounds: 5, quickOnly: true, plan: { targetBatchSeconds: 0.005, roundSeconds: 0.2, minBatches: 10, maxBatches: 5000 } },
  // standard: about 10 minutes; what a real comparison uses.
  standard: { rounds: 10, quickOnly: false, plan: { targetBatchSeconds: 0.01, roundSeconds: 1.5, minBatches: 20, maxBatches: 20000 } },
  full: { rounds: 20, quickOnly: false, plan: { targetBatchSeconds: 0.02, roundSeconds: 3, minBatches: 30, maxBatches: 50000 } },
};

export function isSuite(s: string): s is Suite {
  return s === 'quick' || s === 'standard' || s === 'full';
}
