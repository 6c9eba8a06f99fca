/* Service worker, for offline use and instant repeat visits (docs/about-performance.md). The build writes it
   into the site with its version (build_tools/service_worker.py); what to cache comes from the build's
   sw-manifest.json, never from a list kept here.
   - install: caches every page and asset of this version (`precache`) in a cache of its own; a visitor
     who had the engine cached also gets this version's runtime at once. The new version then waits:
     the pages show "A new version of this site is available — Reload" (assets/js/offline.js), and
     pages of the old version keep running on the old version's files until the visitor reloads.
   - activate: drops the caches of older versions and the runtime files no longer listed.
   - fetch: runtime files (Pyodide, stdlib, engine, snapshot) from the runtime cache by their hashed
     names, else the network (and then cached); pages and assets from this version's cache, else the
     network; an uncached page asked for offline gets the cached 404 page.
   Written with an empty version (under `mkdocs serve`) it only removes itself and its caches. */
const VERSION = "__TCG_SW_VERSION__";
const CDN = "__TCG_SW_CDN__"; // the pinned Pyodide directory on the CDN, or "" for a local copy
const ROOT = new URL("./", self.location).href;
const SITE = "tcg-site " + ROOT + " "; // + version
const RUNTIME = "tcg-runtime " + ROOT;
const MANIFEST = new URL("sw-manifest.json", ROOT).href;

const absolute = (url) => new URL(url, ROOT).href;
const runtimeKey = (url, hash) => url + "?tcg=" + hash;

function prepare(m) {
  const runtime = new Map(Object.entries(m.runtime).map(([url, hash]) => [absolute(url), runtimeKey(absolute(url), hash)]));
  return { raw: m, runtime, prefetch: m.prefetch.map((url) => [absolute(url), runtime.get(absolute(url))]) };
}

let manifest = null;
function getManifest() {
  if (!manifest) {
    manifest = caches
      .match(MANIFEST, { cacheName: SITE + VERSION })
      .then((r) => (r ? r.json() : Promise.reject(new Error("sw: no manifest cached for " + VERSION))))
      .then(prepare);
    manifest.catch(() => (manifest = null));
  }
  return manifest;
}

/** Fetch the runtime files a boot needs into the runtime cache (mostly from the HTTP cache: a page just used
    them), one at a time, skipping those already there. */
async function cacheRuntime(m) {
  const cache = await caches.open(RUNTIME);
  for (const [url, key] of m.prefetch) {
    try {
      if (await cache.match(key)) continue;
      const r = await fetch(url);
      if (r.ok && r.status === 200) await cache.put(key, r);
    } catch (e) {
      console.warn("sw: could not cache " + url + " (" + e + ")");
    }
  }
}

async function install() {
  const response = await fetch(MANIFEST, { cache: "no-store" });
  const raw = await response.clone().json();
  if (raw.version !== VERSION) throw new Error("sw: sw-manifest.json is version " + raw.version + ", not " + VERSION);
  const cache = await caches.open(SITE + VERSION);
  // revalidated, not taken from the HTTP cache as it is; at low priority, behind what the open page asks for
  await cache.addAll(raw.precache.map(([url]) => new Request(absolute(url), { cache: "no-cache", priority: "low" })));
  const used = (await caches.has(RUNTIME)) && (await (await caches.open(RUNTIME)).keys()).length > 0;
  if (used) await cacheRuntime(prepare(raw));
  await cache.put(MANIFEST, response); // last: a version's cache with its manifest is complete
}

async function activate() {
  const m = await getManifest();
  for (const name of await caches.keys()) {
    if (name.startsWith(SITE) && name !== SITE + VERSION) await caches.delete(name);
  }
  const keep = new Set(m.runtime.values());
  const runtime = (await caches.has(RUNTIME)) ? await caches.open(RUNTIME) : null;
  for (const request of runtime ? await runtime.keys() : []) if (!keep.has(request.url)) await runtime.delete(request);
  // no clients.claim(): a page (and its engine worker) keeps the network it started with; a first visit's page
  // asks for the runtime its engine used once it answered ("cache-runtime"), and the next page is controlled
}

// lookups go through caches.match with a cache name: caches.open would create a cache just removed
async function fromRuntime(event, key) {
  const hit = await caches.match(key, { cacheName: RUNTIME });
  if (hit) return hit;
  const response = await fetch(event.request);
  if (response.ok && response.status === 200 && response.type !== "opaque") {
    const copy = response.clone();
    event.waitUntil(caches.open(RUNTIME).then((cache) => cache.put(key, copy)).catch(() => {}));
  }
  return response;
}

async function answer(event) {
  const request = event.request;
  let m;
  try {
    m = await getManifest();
  } catch (e) {
    return fetch(request); // the cache was cleared under us: the network, as without a worker
  }
  const key = m.runtime.get(request.url.split("?")[0]);
  if (key) return fromRuntime(event, key);
  const site = { cacheName: SITE + VERSION, ignoreVary: true };
  // an exact lookup first: with ignoreSearch the Cache API goes through every entry, which cost
  // each script of a page 10-30 ms on a second tab; only an address with a query needs it
  const hit =
    (await caches.match(request, site)) ||
    (new URL(request.url).search && (await caches.match(request, { ...site, ignoreSearch: true })));
  if (hit) return hit;
  try {
    return await fetch(request);
  } catch (e) {
    const missing = request.mode === "navigate" && (await caches.match(absolute("404.html"), site));
    if (!missing) throw e;
    return new Response(missing.body, { status: 404, headers: missing.headers });
  }
}

if (VERSION) {
  self.addEventListener("install", (event) => event.waitUntil(install()));
  self.addEventListener("activate", (event) => event.waitUntil(activate()));
  self.addEventListener("message", (event) => {
    const type = event.data && event.data.type;
    if (type === "skip-waiting") self.skipWaiting(); // the visitor chose Reload
    else if (type === "cache-runtime") event.waitUntil(getManifest().then(cacheRuntime));
  });
  self.addEventListener("fetch", (event) => {
    const url = event.request.url;
    if (event.request.method !== "GET" || !(url.startsWith(ROOT) || (CDN && url.startsWith(CDN)))) return;
    if (url === absolute("sw.js") || url.startsWith(MANIFEST)) return;
    event.respondWith(answer(event));
  });
} else {
  self.addEventListener("install", () => self.skipWaiting());
  self.addEventListener("activate", (event) =>
    event.waitUntil(
      (async () => {
        for (const name of await caches.keys()) {
          if (name.startsWith(SITE) || name === RUNTIME) await caches.delete(name);
        }
        await self.registration.unregister();
        for (const client of await self.clients.matchAll({ type: "window" })) {
          client.navigate(client.url).catch(() => {}); // a page already going away
        }
      })(),
    ),
  );
}
