import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // 2-core CI machine: keep parallelism modest so timing-based workloads in integration tests are not starved.
    maxWorkers: 2,
  },
});
