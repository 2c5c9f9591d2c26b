// The app's service worker: the app loads without a network. Every file of the build is cached when the
// worker installs (the list is written into this file by the build, so a new build is a new worker);
// pages come from the network when there is one and from the cache when not; /v1 is never touched.
// A module: `self` below is the worker's own scope, typed as a service worker's.
export type {};

declare const self: ServiceWorkerGlobalScope;
/** Replaced by the build (scripts/build-web.ts) with the built files and a hash of them. */
declare const __PRECACHE_FILES__: string[];
declare const __PRECACHE_VERSION__: string;

const cacheName = `kaiku-app-${__PRECACHE_VERSION__}`;
const files: string[] = __PRECACHE_FILES__;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(cacheName)
      .then((cache) => cache.addAll(['/', ...files]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((name) => name !== cacheName).map((name) => caches.delete(name))),
      )
      .then(() => self.clients.claim()),
  );
});

async function fromNetworkElseCache(request: Request, fallback: string): Promise<Response> {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(cacheName);
      await cache.put(fallback, response.clone());
    }
    return response;
  } catch {
    return (await caches.match(fallback)) ?? Response.error();
  }
}

async function fromCacheElseNetwork(request: Request): Promise<Response> {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && new URL(request.url).pathname.startsWith('/assets/')) {
    const cache = await caches.open(cacheName);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/v1/'))
    return;
  // Any page of the app is index.html (client-side routes).
  if (request.mode === 'navigate') event.respondWith(fromNetworkElseCache(request, '/'));
  else event.respondWith(fromCacheElseNetwork(request));
});
