// The page's service worker: after one visit the page loads offline too. Network first, so a
// new build is picked up at once; what the network cannot give comes from the copy kept of the
// last answer. Only this origin's own files are ever fetched or kept (the page requests
// nothing else), and topologies never pass through here: they stay in the page.
const CACHE = "blastmap-v1";
const ASSETS = [
  "./",
  "./index.html",
  "./boot.js",
  "./blastmap-web.js",
  "./blastmap-web_bg.wasm",
  "./worker.js",
  "./blastmap-worker.js",
  "./blastmap-worker_bg.wasm",
  "./style.css",
  "./graph.css",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(ASSETS)).catch(() => {}));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((c) => c.put(request, copy));
        }
        return response;
      })
      .catch(() => caches.match(request, { ignoreSearch: true }).then((hit) => hit ?? Response.error())),
  );
});
