/* Floor service worker (served as /sw.js, scope /). The shell — CSS, scanner script, htmx, icon —
   comes from the cache; pages come from the network, with a small offline page when there is none.
   Scans are never cached or replayed here: scanner.js keeps them, with their keys, until the
   network is back. */
'use strict';
// The shell by the names in static/. /sw.js (floor/views.py) writes in the names the pages link
// (hashed after collectstatic) and a VERSION of its own: a deploy that changes a file is a new
// worker, which caches the new names and drops the old cache. What the pages link, and only that:
// the browser has the page's copies at hand, and the manifest's large icon is the browser's own
// business when the app is installed (2 KB more on a first visit, of no use offline).
const SHELL = [
  '/static/css/floor.css',
  '/static/js/scanner.js',
  '/static/django_htmx/htmx-2.min.js',  // what {% htmx_script %} renders
  '/static/img/icon-192.png',
];
const VERSION = 'floor-shell';
const STYLESHEET = SHELL[0];
const OFFLINE = '/__floor-offline';
// A name with its content's hash in it (floor.b402055e2733.css) never changes what it holds.
const HASHED = /\.[0-9a-f]{12}\.\w+$/;

function escape(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

// Built inline so that it needs nothing from the network; scanner.js sends the words in the
// person's language, and they are kept in the cache.
function offlinePage(text, retry, lang, label) {
  const html = `<!doctype html><html lang="${escape(lang || 'en')}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Floor</title>
<link rel="stylesheet" href="${escape(STYLESHEET)}"></head><body>
<header class="bar"><span class="bar-title">Floor</span><span class="bar-net" data-state="offline">${escape(label || 'offline')}</span></header>
<main class="offline"><div class="feedback feedback-warning"><span class="icon" aria-hidden="true">⚠</span> ${escape(text)}</div>
<a class="btn btn-primary btn-block" href="">${escape(retry)}</a></main>
<script>addEventListener('online', () => location.reload());</script></body></html>`;
  return new Response(html, { headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' } });
}
const DEFAULT_OFFLINE = ['Offline — scans wait until the network is back', 'Try again', 'en', 'offline'];

self.addEventListener('install', (event) => {
  // One missing file must not stop the rest from being cached.
  event.waitUntil(
    caches.open(VERSION)
      .then((cache) => Promise.all(SHELL.map((url) => cache.add(url).catch(() => null))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('floor-') && k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// A page tells the worker what its shell really is (hashed names included) and the offline words.
self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type !== 'shell') return;
  event.waitUntil(caches.open(VERSION).then((cache) => {
    const urls = (data.urls || []).filter((u) => {
      try { const url = new URL(u); return url.origin === self.location.origin && url.pathname.startsWith('/static/'); } catch (e) { return false; }
    });
    const jobs = urls.map((u) => cache.match(u).then((hit) => hit || cache.add(u)).catch(() => null));
    if (data.offline) jobs.push(cache.put(OFFLINE, offlinePage(data.offline, data.retry || DEFAULT_OFFLINE[1], data.lang, data.label)));
    return Promise.all(jobs);
  }));
});

// Background Sync: the browser wakes the worker when the network is back, for the tag a page
// registered as it kept a scan offline. The scans wait in the pages' IndexedDB and go with a page's
// session and token, so the worker only tells the open pages to send them (scanner.js).
self.addEventListener('sync', (event) => {
  if (event.tag !== 'floor-scans') return;
  event.waitUntil(self.clients.matchAll({ type: 'window' })
    .then((pages) => pages.forEach((page) => page.postMessage({ type: 'send-scans' }))));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;  // scans and every other POST go straight to the network
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === '/healthz' || url.pathname === '/sw.js' || url.pathname.startsWith('/ws/')) return;

  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request).catch(() => caches.open(VERSION)
        .then((cache) => cache.match(OFFLINE))
        .then((page) => page || offlinePage(...DEFAULT_OFFLINE))),
    );
    return;
  }
  if (url.pathname.startsWith('/static/')) {
    // Cache first, so the shell loads at once and offline. A plain name (DEBUG) is refreshed
    // behind the scenes, so that an edit still reaches the handheld; a hashed one cannot change.
    event.respondWith(caches.open(VERSION).then((cache) => cache.match(request).then((hit) => {
      if (hit && HASHED.test(url.pathname)) return hit;
      const fresh = fetch(request).then((response) => {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
      if (hit) {
        event.waitUntil(fresh.catch(() => null));
        return hit;
      }
      return fresh;
    })));
  }
});
