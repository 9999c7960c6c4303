/* Floor service worker (served as /sw.js, scope /). The shell — CSS, scanner script, htmx, icon —
   comes from the cache; the scan screens come from the network, with the person's last copy of
   each kept for when there is none, and a small offline page for the rest.
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

/* The scan screens: each flow's page and the work list (tests/core/test_service_worker.py holds
   them to floor/urls.py). A GET navigation to one goes to the network first; its answer is kept,
   per URL, and shown again, marked as a saved copy, when the network is gone. A copy is the screen
   as it was last opened, not as the scans since have changed it.

   What a page needs offline besides itself (the current task's stops, say) it lists in a
   data-offline-cache attribute, URLs apart by spaces, on any element of the page as served:
     <main data-offline-cache="/pick/offline.json">
   scanner.js sends the list with the shell as the page loads; the worker fetches each at once, and
   from then on a GET of it (fetch, htmx) goes to the network first, its answer kept as a screen's
   is, and offline is answered with the last one kept. So list a fixed address that answers with
   the person's current state, and fetch it again whenever that changes: the copy follows.

   Kept: a 200, not redirected, that the server made for a signed-in person (its Floor-Person
   header, floor/accounts/middleware.py) and did not mark Cache-Control: no-store. Any other answer
   of the server's takes the copy away. POSTs are never looked at. */
const SCREENS = ['/', '/pick/', '/receive/', '/putaway/', '/move/', '/pack/', '/count/', '/inspect/'];
// Named after the release, beside its shell: an old release's screens link static names the new
// shell no longer holds, so they go with it (activate).
const SAVED = `${VERSION}-screens`;
// Whose copies SAVED holds. A handheld is shared: when the server answers for someone else, or for
// no one (the sign-in page after a sign-out), or a page says someone else is signed in, every copy
// goes, and a copy is only ever shown to the person it was made for.
const PERSON = '/__floor-person';
const NOBODY = 'none';
// A proxy's answer for a server that is down or restarting: as good as no network.
const NO_SERVER = [502, 503, 504];

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

function sameOrigin(href) {
  try {
    const url = new URL(href, self.location.origin);
    return url.origin === self.location.origin ? url : null;
  } catch (e) {
    return null;
  }
}
// Whom the server answered for: a person's id, NOBODY, or null for what is not the server's own
// answer (a static file, a proxy's page), which tells nothing.
function personOf(answer) { return answer.headers.get('Floor-Person'); }
function keepable(answer) {
  const person = personOf(answer);
  return answer.status === 200 && !answer.redirected && person !== null && person !== NOBODY
    && !/no-store/i.test(answer.headers.get('Cache-Control') || '');
}

// One change to SAVED at a time, so that a person's leaving never crosses a copy being kept.
let turn = Promise.resolve();
function inTurn(job) {
  turn = turn.catch(() => null).then(job);
  return turn;
}

// SAVED as it is for `person`: emptied first if it held someone else's copies. In turn only.
async function savedFor(person) {
  const saved = await caches.open(SAVED);
  const whose = await saved.match(PERSON);
  if (whose && (await whose.text()) === person) return saved;
  await caches.delete(SAVED);
  const fresh = await caches.open(SAVED);
  await fresh.put(PERSON, new Response(person));
  return fresh;
}

// The server answered `url`: it says who is signed in, and for a screen or a listed URL it is the
// new copy, or the end of the old one.
function learn(url, answer, keep) {
  const person = personOf(answer);
  if (person === null) return Promise.resolve();
  return inTurn(async () => {
    const saved = await savedFor(person);
    if (!keep) return;
    if (keepable(answer)) await saved.put(url, answer);
    else await saved.delete(url, { ignoreVary: true });
  });
}

// The copy of `url` kept for the person signed in, or null.
async function savedCopy(url) {
  if (!(await caches.has(SAVED))) return null;  // reading makes no cache (an old release's, say)
  const saved = await caches.open(SAVED);
  const [whose, copy] = await Promise.all([saved.match(PERSON), saved.match(url, { ignoreVary: true })]);
  if (!whose || !copy) return null;
  const person = await whose.text();
  return person !== NOBODY && personOf(copy) === person ? copy : null;
}

// A saved screen says so at the top of the page, in the words the page itself carries
// (templates/base.html, data-msg-saved-copy). A fresh answer swapped into #main takes it away.
async function marked(copy) {
  const html = await copy.text();
  const words = (html.match(/\sdata-msg-saved-copy="([^"]*)"/) || [])[1] || 'Saved copy of this screen';
  const mark = `<div class="feedback feedback-warning" role="status" data-saved-copy><span class="icon" aria-hidden="true">⚠</span> ${words}</div>`;
  const headers = new Headers(copy.headers);
  headers.delete('Content-Length');
  headers.delete('Content-Encoding');  // the body kept is the decoded one
  return new Response(html.replace(/<main\b[^>]*>/, (main) => main + mark), { status: copy.status, headers });
}

// Network first; without a network (or a server), the copy.
async function navigate(event) {
  const request = event.request;
  const screen = SCREENS.includes(new URL(request.url).pathname);
  let answer;
  try {
    answer = await fetch(request);
  } catch (e) {
    const copy = screen && (await savedCopy(request.url));
    if (copy) return marked(copy);
    const cache = await caches.open(VERSION);
    return (await cache.match(OFFLINE)) || offlinePage(...DEFAULT_OFFLINE);
  }
  if (NO_SERVER.includes(answer.status)) {
    const copy = screen && (await savedCopy(request.url));
    return copy ? marked(copy) : answer;
  }
  // A redirect comes back opaque, its headers unread: the browser asks again where it leads.
  if (answer.type === 'basic') event.waitUntil(learn(request.url, answer.clone(), screen));
  return answer;
}

async function listedGet(event, listedUrl) {
  const request = event.request;
  if (!listedUrl && !(await savedCopy(request.url))) return fetch(request);
  let answer;
  try {
    answer = await fetch(request);
  } catch (e) {
    return (await savedCopy(request.url)) || Response.error();
  }
  if (NO_SERVER.includes(answer.status)) return (await savedCopy(request.url)) || answer;
  event.waitUntil(learn(request.url, answer.clone(), true));
  return answer;
}

// The URLs pages listed, as far as this worker knows since it started; null until SAVED is read.
// It only grows: a listed URL whose copy went (a sign-out) is kept again at its next GET, for the
// person that answer is for.
let listed = null;
caches.has(SAVED)
  .then((any) => (any ? caches.open(SAVED).then((saved) => saved.keys()) : []))
  .then((requests) => { listed = new Set([...(listed || []), ...requests.map((r) => r.url)]); });

function refreshListed(urls) {
  listed = listed || new Set();
  return Promise.all(urls.map((url) => {
    listed.add(url);
    return fetch(url, { credentials: 'same-origin' })
      .then((answer) => (NO_SERVER.includes(answer.status) ? null : learn(url, answer, true)))
      .catch(() => null);  // offline: the copy stays
  }));
}

self.addEventListener('install', (event) => {
  // One missing file must not stop the rest from being cached.
  event.waitUntil(
    caches.open(VERSION)
      .then((cache) => Promise.all(SHELL.map((url) => cache.add(url).catch(() => null))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  // Every other release's caches go: its shell and the screens that link it.
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('floor-') && k !== VERSION && k !== SAVED).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// A page tells the worker what its shell really is (hashed names included), the offline words,
// who is signed in (data.person, its data-user: '' for no one) and what it lists for offline
// (data.cache: its data-offline-cache URLs).
self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type !== 'shell') return;
  const shell = caches.open(VERSION).then((cache) => {
    const urls = (data.urls || []).filter((u) => { const url = sameOrigin(u); return url && url.pathname.startsWith('/static/'); });
    const jobs = urls.map((u) => cache.match(u).then((hit) => hit || cache.add(u)).catch(() => null));
    if (data.offline) jobs.push(cache.put(OFFLINE, offlinePage(data.offline, data.retry || DEFAULT_OFFLINE[1], data.lang, data.label)));
    return Promise.all(jobs);
  });
  let screens = Promise.resolve();
  if (typeof data.person === 'string') {
    const cache = (data.cache || []).map(sameOrigin).filter((url) => url && !url.pathname.startsWith('/static/')).map((url) => url.href);
    screens = inTurn(() => savedFor(data.person || NOBODY)).then(() => (data.person ? refreshListed(cache) : null));
  }
  event.waitUntil(Promise.all([shell, screens]));
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
    event.respondWith(navigate(event));
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
    return;
  }
  // Only what a page listed; every other GET (htmx's partials) is not the worker's business.
  if (listed === null) event.respondWith(listedGet(event, false));
  else if (listed.has(request.url)) event.respondWith(listedGet(event, true));
});
