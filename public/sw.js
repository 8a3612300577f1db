/* Sarafan service worker — dependency-free.
 *
 * - App shell (offline page, stylesheet, manifest, icon, the scripts of the pages that come
 *   without the app's WebAssembly) is pre-cached on install. The WebAssembly bundle is not: the
 *   pages kept for offline use (the staff home, reception's check-in) never load it, so a staff
 *   phone never downloads it for its work. Once fetched through here it is kept (cache-first).
 * - Navigations: network-first. Only pages the server marks `X-Sarafan-Offline: keep` (the
 *   store's hand-out form, reception's check-in) are kept, so they open offline; nothing else
 *   private stays on a phone. Fallback is /offline.html.
 * - A navigation the server answers with a redirect (to the sign-in page: the session ended,
 *   here or elsewhere) drops every kept page.
 * - /pkg/, /icons/, /manifest.webmanifest, /favicon.ico and the light pages' scripts:
 *   cache-first, and kept once fetched.
 *   The camera's QR decoder (/pkg/scanner.js, /pkg/scanner_bg.wasm) is deliberately not in
 *   SHELL: a phone fetches it the first time a camera opens (most never need it: their browser
 *   has BarcodeDetector), and from then on it comes from here, offline too.
 * - Never touches non-GET, cross-origin or /api/ requests.
 * - A page may post {type: 'keep-page', path} to have itself kept for offline use.
 *
 * /pkg/ file names are not content-hashed: `cargo xtask build` replaces 'dev' below with a
 * hash of the bundle, so each new build gets fresh caches and the old ones are dropped.
 */
const VERSION = 'dev';
const SHELL_CACHE = `sarafan-shell-${VERSION}`;
const PAGES_CACHE = `sarafan-pages-${VERSION}`;
const MAX_PAGES = 30;
const OFFLINE_URL = '/offline.html';

/** The scripts the pages without the bundle run (the staff home, reception's check-in). */
const SCRIPTS = ['/light.js', '/handout.js', '/checkin.js', '/scan.js'];

const SHELL = [
  OFFLINE_URL,
  '/pkg/sarafan.css',
  '/manifest.webmanifest',
  '/icons/icon-192.png',
  ...SCRIPTS,
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      // The offline page is required; the rest is best-effort so one missing
      // asset (e.g. in dev) does not stop the worker from installing.
      await cache.add(new Request(OFFLINE_URL, { cache: 'reload' }));
      await Promise.all(
        SHELL.filter((u) => u !== OFFLINE_URL).map((u) =>
          cache.add(new Request(u, { cache: 'reload' })).catch(() => {}),
        ),
      );
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const keep = new Set([SHELL_CACHE, PAGES_CACHE]);
      const names = await caches.keys();
      await Promise.all(
        names.filter((n) => n.startsWith('sarafan-') && !keep.has(n)).map((n) => caches.delete(n)),
      );
      await self.clients.claim();
    })(),
  );
});

// The page may post {type: 'clear-pages'} on sign-out so cached private pages
// do not outlive the session on a shared phone.
self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'clear-pages') {
    event.waitUntil(caches.delete(PAGES_CACHE));
  }
  // A page reached by client-side navigation (no request passed through here) asks to be kept,
  // so the staff home opens offline even if it was never loaded by a full navigation.
  if (event.data && event.data.type === 'keep-page' && typeof event.data.path === 'string') {
    const url = new URL(event.data.path, self.location.origin);
    if (url.origin === self.location.origin && !url.pathname.startsWith('/api/')) {
      event.waitUntil(
        fetch(url.href, { credentials: 'same-origin' })
          .then((res) => (isCacheablePage(res) ? storePage(new Request(url.href), res) : null))
          .catch(() => {}),
      );
    }
  }
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/sw.js') return;

  if (req.mode === 'navigate') {
    event.respondWith(networkFirstPage(event));
    return;
  }
  if (
    url.pathname.startsWith('/pkg/') ||
    SCRIPTS.includes(url.pathname) ||
    url.pathname.startsWith('/icons/') ||
    url.pathname === '/manifest.webmanifest' ||
    url.pathname === '/favicon.ico'
  ) {
    event.respondWith(cacheFirst(req));
  }
  // Anything else: let the browser handle it normally.
});

async function networkFirstPage(event) {
  const req = event.request;
  try {
    const res = await fetch(req);
    if (res.type === 'opaqueredirect' || res.redirected || (res.status >= 300 && res.status < 400)) {
      // Sent to sign in: the session is over, and so is everything kept for it.
      event.waitUntil(caches.delete(PAGES_CACHE));
    }
    if (isCacheablePage(res)) {
      const copy = res.clone();
      event.waitUntil(storePage(req, copy));
    }
    return res;
  } catch (err) {
    const cached = await caches.match(req, { cacheName: PAGES_CACHE });
    if (cached) return cached;
    const offline = await caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE });
    return offline || new Response('Нет связи с сервером / Offline', {
      status: 503,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
}

function isCacheablePage(res) {
  if (!res || !res.ok || res.type !== 'basic') return false;
  // A redirected response cannot be replayed for a navigation (redirect: manual).
  if (res.redirected) return false;
  const cc = res.headers.get('Cache-Control') || '';
  if (/no-store/i.test(cc)) return false;
  if (res.headers.get('X-Sarafan-Offline') !== 'keep') return false;
  return (res.headers.get('Content-Type') || '').includes('text/html');
}

async function storePage(req, res) {
  const cache = await caches.open(PAGES_CACHE);
  await cache.put(req, res);
  // Keep the page cache small: drop the oldest entries (keys are in insertion order).
  const keys = await cache.keys();
  for (let i = 0; i < keys.length - MAX_PAGES; i++) await cache.delete(keys[i]);
}

async function cacheFirst(req) {
  const cached = await caches.match(req, { cacheName: SHELL_CACHE });
  if (cached) return cached;
  const res = await fetch(req);
  if (res.ok && res.type === 'basic') {
    const cache = await caches.open(SHELL_CACHE);
    await cache.put(req, res.clone());
  }
  return res;
}
