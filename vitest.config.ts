import { configDefaults, defineConfig } from 'vitest/config';

// Real-guest duels (test/guest-*.test.ts: User-Mode Linux, gVisor, podman) boot kernels and sandboxes and would
// starve each other and the timing-based tests: they run in their own project, after every other test
// (groupOrder 1), one file at a time.
const GUESTS = 'test/guest-*.test.ts';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // 2-core CI machine: keep parallelism modest so timing-based workloads in integration tests are not starved.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, GUESTS] } },
      { extends: true, test: { name: 'guests', include: [GUESTS], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
