import { defineConfig } from 'vitest/config';

// Each file starts real server processes: run files one at a time on these small machines.
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts', 'browser/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
