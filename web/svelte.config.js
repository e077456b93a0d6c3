import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // The server mounts the built handler, so pages, API and socket share one port.
    adapter: adapter({ out: 'build' }),
  },
};
