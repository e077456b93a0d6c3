import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const postgres = process.env.DATABASE_URL;

// SWC, not esbuild: Nest's dependency injection needs decorator metadata.
// Integration tests (*.int.test.ts) run on the embedded database always, and again on
// PostgreSQL when DATABASE_URL is set.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'], exclude: ['src/**/*.int.test.ts'] } },
      { extends: true, test: { name: 'pglite', include: ['src/**/*.int.test.ts'], env: { DATABASE_URL: '' } } },
      ...(postgres ? [{ extends: true, test: { name: 'postgresql', include: ['src/**/*.int.test.ts'], env: { DATABASE_URL: postgres } } }] : []),
    ],
  },
});
