/** The field pages work without a connection once visited: they register the service worker that keeps their shell. */
import { dev } from '$app/environment';

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/service-worker.js', { type: dev ? 'module' : 'classic' }).catch(() => {
    // Not on this browser or address (plain http other than localhost): the page still works online.
  });
}
