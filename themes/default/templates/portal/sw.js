/* The portal's service worker (served at /sw.js by portal/core/webapp.py, scope "/").

   What it keeps, in the cache "portal-<version>": the offline page (fetched without
   cookies, so it names nobody) and static assets (the theme's CSS, scripts, images).
   Pages of the portal are never cached: they belong to the person logged in. When the
   network fails on a page load, the offline page is shown instead. API answers, media,
   files and anything sent with another method than GET go to the network untouched.
   Static assets are fetched from the network first (their names carry no version) and
   answered from the cache only when the network fails. */
"use strict";

const CONFIG = {{ config }};
const CACHE = "portal-" + CONFIG.version;
const STATIC_PREFIX = new URL(CONFIG.staticUrl, self.location).href;
const OFFLINE_URL = new URL(CONFIG.offlineUrl, self.location).href;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const offline = await fetch(OFFLINE_URL, { credentials: "omit", cache: "no-cache" });
    if (!offline.ok) { throw new Error("offline page: " + offline.status); }
    await cache.put(OFFLINE_URL, offline);
    await cache.addAll(CONFIG.precache.map((url) => new Request(url, { credentials: "omit" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("portal-") && name !== CACHE) { await caches.delete(name); }
    }
    await self.clients.claim();
  })());
});

function isStatic(request) {
  return request.url.startsWith(STATIC_PREFIX);
}

async function fromNetworkKeepingStatic(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    const cacheControl = response.headers.get("Cache-Control") || "";
    if (response.ok && response.type === "basic" && !/no-store/i.test(cacheControl)) {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await cache.match(request);
    if (cached) { return cached; }
    throw error;
  }
}

async function pageOrOffline(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await caches.match(OFFLINE_URL);
    if (cached) { return cached; }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") { return; }
  if (request.mode === "navigate") {
    event.respondWith(pageOrOffline(request));
  } else if (isStatic(request)) {
    event.respondWith(fromNetworkKeepingStatic(request));
  }
  // Anything else (API, media, files, WebSockets): the browser's own handling.
});
