// Shared helpers for the browser tests: a real `sarafan` server on a fresh database and
// Debian's headless Chromium driven by playwright-core (never a downloaded browser).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const bin = process.env.SARAFAN_BIN ?? path.join(root, 'target/debug/sarafan');
const siteRoot = process.env.SARAFAN_SITE_ROOT ?? path.join(root, 'target/site');

export const PHONE = { width: 390, height: 844 };

/** The clinic clock of every test server starts here (and runs on): no test depends on the
 * real date. Monday 30 November 2026, 10:00 in Moscow. */
export const TEST_NOW = '2026-11-30T10:00:00+03:00';

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts `sarafan serve` on a fresh SQLite database; resolves once it listens. */
export async function startServer({ demo = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sarafan-browser-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = demo ? ['serve', '--demo'] : ['serve'];
  const child = spawn(bin, args, {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${dir}/sarafan.db`,
      SARAFAN_ADDR: `127.0.0.1:${port}`,
      SARAFAN_PUBLIC_URL: url,
      SARAFAN_SITE_ROOT: siteRoot,
      SARAFAN_LOG: 'warn',
      SARAFAN_NOW: TEST_NOW,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30000);
    const onData = (d) => {
      output += d.toString();
      if (output.includes('is listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  const setupLink = output.match(/(http:\/\/\S+\/setup\/\S+)/)?.[1];
  return {
    url,
    setupLink,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh Chromium profile; `errors` collects console errors and uncaught page errors.
 * `args`: more Chromium switches (e.g. a fake camera, see `cameraFilming`). */
export async function startBrowser({ viewport = PHONE, locale = 'ru-RU', serviceWorkers = 'allow', phoneClock = false, javaScript = true, args = [] } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sarafan-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ...args,
    ],
    viewport,
    locale,
    serviceWorkers,
    javaScriptEnabled: javaScript,
    isMobile: viewport.width < 600,
    hasTouch: viewport.width < 600,
  });
  // The phone's clock agrees with the server's clinic clock, for tests of records queued offline
  // (they carry the phone's time). Only where needed: it also stops the Performance timeline
  // that the page-weight tests read.
  if (phoneClock) await context.clock.setSystemTime(new Date(TEST_NOW));
  const errors = [];
  const watch = (page) => {
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    errors,
    async page() {
      return context.pages()[0] ?? context.newPage();
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until the page is interactive: the WASM bundle has hydrated the server-rendered page,
 * or, on a page sent without the bundle (html[data-light], the staff home), its script has
 * bound the form.
 */
export async function hydrated(page) {
  await page.waitForSelector('html[data-hydrated="true"], html[data-light][data-script-ready="true"]', { timeout: 30000 });
}

/** Signs in on the sign-in page (the demo's marketer unless told). */
export async function signIn(page, base, email = 'marketer@demo.sarafan', password = 'sarafan-demo-2026') {
  await page.goto(`${base}/login`);
  await hydrated(page);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/`);
}

/** Invites a person from the People page (as a signed-in marketer); returns the one-time link. */
export async function invitePerson(page, base, name, role, store) {
  await page.goto(`${base}/people`);
  await hydrated(page);
  await page.fill('input[name=name]', name);
  await page.selectOption('select[name=role]', role);
  if (store) await page.selectOption('select[name=store_id]', { label: store });
  await page.getByRole('button', { name: 'Пригласить' }).first().click();
  const card = page.locator('#new-invite', { hasText: name });
  await card.waitFor();
  return card.locator('input.invite-url').inputValue();
}

/** Accepts an invite link: the page is then signed in as that person. */
export async function acceptInviteLink(page, base, link) {
  await page.goto(link);
  await hydrated(page);
  await page.getByRole('button', { name: /Войти|Принять/ }).click();
  await page.waitForURL(`${base}/`);
}

/** The participants' public pages, sent without the app's WebAssembly. */
export function lightPage(path) {
  return /^\/(c|join)\//.test(path);
}

/** Runs `load` (a navigation, a form post) and weighs what it brought over the network: every
 * response's bytes as they came (compressed, with headers: CDP's encodedDataLength), redirects
 * included. Resolves to { total, entries: [{ url, bytes }] }. Clear the cache first for a first
 * visit. */
export async function weigh(page, load) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const urls = new Map();
  const entries = [];
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.redirectResponse) entries.push({ url: urls.get(e.requestId), bytes: e.redirectResponse.encodedDataLength ?? 0 });
    urls.set(e.requestId, e.request.url);
  });
  cdp.on('Network.loadingFinished', (e) => {
    const url = urls.get(e.requestId);
    if (/^https?:/.test(url ?? '')) entries.push({ url, bytes: e.encodedDataLength }); // not data: URLs
  });
  await load();
  await page.waitForLoadState('networkidle');
  await cdp.detach();
  return { total: entries.reduce((n, e) => n + e.bytes, 0), entries };
}

/** Screenshots go to target/browser-screenshots for people to look at. */
export async function screenshot(page, name) {
  const dir = path.join(root, 'target/browser-screenshots');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** Chromium switches for a fake camera that films the first page of `pdf`, as if the page
 * were held before it: the page is rendered grey by pdftoppm (poppler-utils), fitted into a
 * 640×480 frame on white (`zoom` > 1: closer, the frame centred on `at`, fractions of the
 * page's width and height from its top left) and written as a one-frame Y4M video, which
 * Chromium plays in a loop. Permission prompts are answered yes. */
export function cameraFilming(pdf, { zoom = 1, at = [0.5, 0.5] } = {}) {
  const W = 640;
  const H = 480;
  const base = pdf.replace(/\.pdf$/, '');
  execFileSync('pdftoppm', ['-gray', '-f', '1', '-l', '1', '-singlefile', '-scale-to', String(Math.round(H * zoom)), pdf, base]);
  // A binary PGM: "P5", width, height, maximum value, one whitespace, then a byte a pixel.
  const pgm = fs.readFileSync(`${base}.pgm`);
  const header = pgm.toString('latin1', 0, 64).match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  if (!header) throw new Error(`pdftoppm wrote no PGM for ${pdf}`);
  const [head, w, h] = [header[0].length, Number(header[1]), Number(header[2])];
  const luma = Buffer.alloc(W * H, 235); // white paper under room light
  const left = Math.floor(W / 2 - w * at[0]);
  const top = Math.floor(H / 2 - h * at[1]);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const sx = x - left;
      const sy = y - top;
      if (sx >= 0 && sx < w && sy >= 0 && sy < h) luma[y * W + x] = pgm[head + sy * w + sx];
    }
  }
  // Y4M (4:2:0): the grey page is the luma plane; both chroma planes are neutral.
  const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
  const video = `${base}.y4m`;
  fs.writeFileSync(video, Buffer.concat([
    Buffer.from(`YUV4MPEG2 W${W} H${H} F15:1 Ip A1:1 C420jpeg\nFRAME\n`, 'latin1'), luma, chroma,
  ]));
  fs.rmSync(`${base}.pgm`, { force: true });
  return [
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`,
  ];
}
