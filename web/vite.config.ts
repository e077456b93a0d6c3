import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

// In development Vite serves the pages and forwards the API and the socket to the server.
const api = process.env.TIENDO_API ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    proxy: {
      '/api': api,
      '/socket.io': { target: api, ws: true },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'happy-dom',
  },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
});
