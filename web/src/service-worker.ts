/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * Keeps the app's shell on the phone, so that the field pages open, and show the records kept
 * on the phone, without a connection. The app's files are immutable per build: kept at install,
 * served from the store, dropped with the build. Pages are asked of the network first; without
 * it, the kept page answers (every page is the same client-rendered shell). The API and the
 * socket are never answered from here: the pages keep their own data, and a record is sent only
 * by its page's queue.
 */
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const STORE = `tiendo-${version}`;
/** The pages that must open without a connection. */
const PAGES = ['/bao-cao', '/don-doc'];
const ASSETS = new Set([...build, ...files.filter((f) => /^\/(manifest\.webmanifest|favicon\.svg|icons\/)/.test(f))]);

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const store = await caches.open(STORE);
      await store.addAll([...ASSETS, ...PAGES]);
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== STORE) await caches.delete(name);
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== sw.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/socket.io/')) return;
  if (ASSETS.has(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((kept) => kept ?? fetch(request)));
  } else if (request.mode === 'navigate') {
    event.respondWith(page(request, url));
  }
});

/** A page from the network, kept when it is a field page; without a network, the kept one. */
async function page(request: Request, url: URL): Promise<Response> {
  const store = await caches.open(STORE);
  try {
    const response = await fetch(request);
    if (response.ok && PAGES.includes(url.pathname)) await store.put(url.pathname, response.clone());
    return response;
  } catch (error) {
    const kept = (await store.match(url.pathname)) ?? (await store.match(PAGES[0]));
    if (kept) return kept;
    throw error;
  }
}
