import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // The server mounts the built handler, so pages, API and socket share one port.
    adapter: adapter({ out: 'build' }),
    // Only the field pages register the service worker (src/lib/field/sw.ts): a wall has no use for it.
    serviceWorker: { register: false },
    // Pages load only from their own origin. SvelteKit gives its inline start-up script a nonce
    // per page; style attributes in components need 'unsafe-inline' for styles only.
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:', 'blob:'],
        'font-src': ['self', 'data:'],
        'connect-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
  },
};
