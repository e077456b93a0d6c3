import { defineConfig } from 'vitest/config';

// Benchmarks print figures and are run on demand, never as part of the test suite.
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
