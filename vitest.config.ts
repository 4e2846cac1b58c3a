import { defineConfig } from 'vitest/config';

/**
 * Three tiers, chosen by folder (ARCHITECTURE.md "Tests"):
 * - `test/unit/`: pure tests (statistics, models, exporters, parsers, fake executors and clocks, the CLI in this
 *   process on committed files) that start no process, server, namespace or browser: `npm run test:unit`, under a
 *   minute here.
 * - `test/integration/`: real rounds, peers, collectors, PostgreSQL, containers, Chromium.
 * - `test/guests/`: real-guest duels and lifecycles (User-Mode Linux, gVisor, podman) that boot kernels and
 *   sandboxes, and the tests whose large effects come from CPU time on this host's two cores (a real duet pins its
 *   two sides to CPU 0 and CPU 1; a hog shares CPU 0 with the probe): they would starve each other and the
 *   timing-based tests, so they run after every other test (groupOrder 1), one file at a time.
 * `npm test` runs all three. Shared fixtures and helpers live in `test/helpers/`, data in `test/fixtures/`.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // 2-core CI machine: keep parallelism modest so timing-based workloads in integration tests are not starved.
    maxWorkers: 2,
    // fast-check with a fixed seed (FC_SEED=random to explore): test/helpers/fast-check-seed.ts.
    setupFiles: ['test/helpers/fast-check-seed.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'guests', include: ['test/guests/**/*.test.ts'], fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
