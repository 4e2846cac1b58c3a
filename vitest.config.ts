import { configDefaults, defineConfig } from 'vitest/config';

// Real-guest duels (test/guest-*.test.ts: User-Mode Linux, gVisor, podman) boot kernels and sandboxes and would
// starve each other and the timing-based tests: they run in their own project, after every other test
// (groupOrder 1), one file at a time.
// Also one at a time, after the rest: tests whose large effects come from CPU time on this host's two cores (a
// real duet pins its two sides to CPU 0 and CPU 1; a hog shares CPU 0 with the probe), which a parallel test file
// would disturb.
const GUESTS = ['test/guest-*.test.ts', 'test/duel-duet-real.test.ts', 'test/runner-contended-hog.test.ts'];

/**
 * Two tiers. `unit`: pure tests (statistics, models, exporters, parsers, fake executors and clocks) that
 * start no process, server, namespace or browser: `npm run test:unit`, well under a minute. `integration`:
 * everything else (real rounds, peers, collectors, containers, Chromium), and `guests` (below). `npm test` runs all three.
 * A new test file is integration until it is listed here.
 */
const unit = [
  'test/stats-*.test.ts',
  'test/compare-golden.test.ts',
  'test/compare-edge-cases.test.ts',
  'test/compare-replicate-runs.test.ts',
  'test/changepoint-*.test.ts',
  'test/gate-decide.test.ts',
  'test/gate-exporters.test.ts',
  'test/gate-synthetic-effects.test.ts',
  'test/gate-config.test.ts',
  'test/gate-baseline-pool.test.ts',
  'test/report-model.test.ts',
  'test/report-specs.test.ts',
  'test/report-html-escaping.test.ts',
  'test/report-first-screen.test.ts',
  'test/compare-table-width.test.ts',
  'test/results-schema.test.ts',
  'test/batch-sizing-fake-clock.test.ts',
  'test/calibrate-session.test.ts',
  'test/runner-fake-executor.test.ts',
  'test/run-orchestration.test.ts',
  'test/cli-run-fakes.test.ts',
  'test/duel-session.test.ts',
  'test/duel-duet-fakes.test.ts',
  'test/advise-capacity.test.ts',
  'test/advise-decides.test.ts',
  'test/advise-density.test.ts',
  'test/fingerprint-fixtures.test.ts',
  'test/net-sockperf-parse.test.ts',
  'test/workloads-openssl-speed-parse.test.ts',
  'test/workloads-helpers.test.ts',
  'test/workloads-pointer-chase.test.ts',
  'test/format-escape.test.ts',
  'test/run-exporters.test.ts',
  'test/compare-kernel-column.test.ts',
  'test/agent-session.test.ts',
  'test/record-parsers-and-prediction.test.ts',
  'test/advise-syscall-pricing.test.ts',
  'test/lifecycle-orchestration.test.ts',
  'test/architecture-imports.test.ts',
  'test/compare-one-answer-reference.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // 2-core CI machine: keep parallelism modest so timing-based workloads in integration tests are not starved.
    maxWorkers: 2,
    // fast-check with a fixed seed (FC_SEED=random to explore): test/helpers/fast-check-seed.ts.
    setupFiles: ['test/helpers/fast-check-seed.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: unit } },
      {
        extends: true,
        test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...unit, ...GUESTS] },
      },
      { extends: true, test: { name: 'guests', include: GUESTS, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
