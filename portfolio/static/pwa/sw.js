// Vakbekwaam's service worker: the app shell and static files from a cache, a Dutch offline
// page for a page that cannot be fetched. Pages themselves are never cached (they are personal
// and sent with Cache-Control: no-store), so nobody's portfolio is ever kept on the device by
// this worker. Log-out clears the caches (the server's Clear-Site-Data and a "clear" message).
const VERSION = "__VERSION__";
const SHELL = `vakbekwaam-shell-${VERSION}`;
const OFFLINE = "/offline";
const PRECACHE = [OFFLINE, ...__STATIC_FILES__];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== SHELL).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "clear") {
    event.waitUntil(caches.keys().then((keys) => Promise.all(keys.map((key) => caches.delete(key)))));
  }
});

// Static files: from the cache at once, refreshed from the network behind the scenes.
function staleWhileRevalidate(request) {
  return caches.open(SHELL).then((cache) =>
    cache.match(request).then((hit) => {
      const fresh = fetch(request)
        .then((response) => {
          if (response.ok) cache.put(request, response.clone());
          return response;
        })
        .catch(() => hit);
      return hit || fresh;
    }),
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || request.method !== "GET") return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staleWhileRevalidate(request));
  } else if (url.pathname === OFFLINE) {
    event.respondWith(caches.match(OFFLINE).then((hit) => hit || fetch(request)));
  } else if (request.mode === "navigate") {
    // Always the network; only when it fails, the offline page (never a cached copy of a page).
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
  }
});
