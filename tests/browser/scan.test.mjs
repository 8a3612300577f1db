// Camera scanning where the browser has no BarcodeDetector (iPhone Safari, Firefox, desktop
// Chromium — and Debian's Chromium here): a fake camera films our own printed certificate, our
// WebAssembly decoder reads it, fetched only once the camera opens. A store employee's hand-out
// form fills the code from the camera and saves; reception redeems from the camera; a poster's
// QR code is not taken for a certificate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer, startBrowser, cameraFilming, hydrated, screenshot, PHONE, invitePerson } from './lib.mjs';

let server;
let marketer;
let m;
let campaign;
let store;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sarafan-camera-'));
before(async () => {
  server = await startServer({ demo: true });
  marketer = await startBrowser({ viewport: { width: 1280, height: 860 } });
  m = await marketer.page();
  await m.goto(`${server.url}/login`);
  await hydrated(m);
  await m.fill('input[name=email]', 'marketer@demo.sarafan');
  await m.fill('input[name=password]', 'sarafan-demo-2026');
  await m.click('button[type=submit]');
  await m.waitForURL(`${server.url}/`);
  const campaigns = await (await m.request.get(`${server.url}/api/v1/campaigns`)).json();
  campaign = campaigns.find((c) => c.name === 'Сарафанное радио: зима');
  const stores = await (await m.request.get(`${server.url}/api/v1/stores`)).json();
  store = stores.find((s) => s.name === 'Атлет в Сокольниках');
});
after(async () => {
  await marketer?.close();
  await server?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

/** A printed certificate of the store not handed out yet, and its one-page PDF on disk. */
async function printedCertificate(skip) {
  const list = await (await m.request.get(
    `${server.url}/api/v1/campaigns/${campaign.id}/certificates?store_id=${store.id}&state=printed&limit=${skip + 1}`)).json();
  const cert = list[skip];
  const pdf = await m.request.get(
    `${server.url}/api/v1/campaigns/${campaign.id}/certificates/pdf?from=${cert.serial}&to=${cert.serial}&layout=single`);
  assert.equal(pdf.status(), 200);
  const file = path.join(work, `certificate-${cert.serial}.pdf`);
  fs.writeFileSync(file, await pdf.body());
  return { code: cert.code, pdf: file };
}


/** A phone whose camera films `pdf`, with BarcodeDetector taken away (as on an iPhone) and the
 * camera's streams recorded, so a test can see they were released. */
async function phoneFilming(pdf, viewport = PHONE, framing = {}, phoneClock = false) {
  const phone = await startBrowser({ viewport, phoneClock, args: cameraFilming(pdf, framing) });
  await phone.context.grantPermissions(['camera']);
  await phone.context.addInitScript(() => {
    delete window.BarcodeDetector;
    window.__cameraStreams = [];
    const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await getUserMedia(constraints);
      window.__cameraStreams.push(stream);
      return stream;
    };
  });
  const decoderRequests = [];
  phone.context.on('request', (r) => { if (r.url().includes('/pkg/scanner')) decoderRequests.push(r.url()); });
  return { phone, decoderRequests };
}

async function signIn(page, link) {
  await page.goto(link);
  await hydrated(page);
  await page.getByRole('button', { name: /Войти|Принять/ }).click();
  // Signing in reaches the home page by a client-side navigation: the invite page's document
  // (and its Permissions-Policy, which allows the camera) stays.
  await page.waitForURL(`${server.url}/`);
  await hydrated(page);
}

const cameraReleased = (page) => page.evaluate(() =>
  window.__cameraStreams.length > 0
  && window.__cameraStreams.every((s) => s.getTracks().every((t) => t.readyState === 'ended')));

test('a store employee scans a printed certificate with the camera, and the hand-out is saved', async () => {
  const { code, pdf } = await printedCertificate(0);
  const link = await invitePerson(m, server.url, 'Светлана Котова', 'store_staff', 'Фитнес-клуб «Атлет» — Атлет в Сокольниках');
  // The phone's clock agrees with the clinic's: a hand-out carries the moment it happened.
  const { phone, decoderRequests } = await phoneFilming(pdf, PHONE, {}, true);
  try {
    const page = await phone.page();
    await signIn(page, link);
    await page.getByRole('heading', { name: 'Выдать сертификат' }).waitFor();
    await hydrated(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30000 });
    assert.deepEqual(decoderRequests, [], 'the decoder is not part of the page’s first load');

    const opened = Date.now();
    await page.locator('#handout').getByRole('button', { name: 'Камера' }).click();
    await page.waitForFunction((c) => document.getElementById('h-code').value === c, code, { timeout: 20000, polling: 20 });
    console.log(`camera: open to decoded code ${Date.now() - opened} ms on the fake camera (decoder download included)`);
    assert.ok(decoderRequests.some((u) => u.endsWith('/pkg/scanner_bg.wasm')), 'our decoder read the frames');
    assert.equal(await page.locator('.scan-overlay').count(), 0, 'the overlay closed');
    assert.ok(await cameraReleased(page), 'the camera was released');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'h-name', 'the name field is next');

    await page.fill('#h-name', 'Мария Петрова');
    await page.fill('#h-phone', '8 916 555-12-34');
    await page.check('#h-consent');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.locator('#handout-status', { hasText: 'Сохранено: Мария Петрова' }).waitFor();
    const list = await (await m.request.get(`${server.url}/api/v1/handouts?store_id=${store.id}&limit=500`)).json();
    assert.equal(list.filter((h) => h.code === code && h.employee_name === 'Светлана Котова').length, 1);

    const kept = await page.evaluate(async () => {
      const names = (await caches.keys()).filter((n) => n.startsWith('sarafan-shell-'));
      const found = [];
      for (const n of names) {
        for (const f of ['/pkg/scanner.js', '/pkg/scanner_bg.wasm']) if (await (await caches.open(n)).match(f)) found.push(f);
      }
      return found.sort();
    });
    assert.deepEqual(kept, ['/pkg/scanner.js', '/pkg/scanner_bg.wasm'], 'the service worker keeps the decoder for offline use');

    const wasm = fs.readFileSync(path.join(process.env.SARAFAN_SITE_ROOT ?? 'target/site', 'pkg/scanner_bg.wasm'));
    const js = fs.readFileSync(path.join(process.env.SARAFAN_SITE_ROOT ?? 'target/site', 'pkg/scanner.js'));
    const br = (b) => zlib.brotliCompressSync(b).length;
    const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
    console.log(`camera: decoder scanner_bg.wasm ${wasm.length} bytes, ${br(wasm)} brotli, ${gz(wasm)} gzip; scanner.js ${js.length} bytes, ${br(js)} brotli`);
    assert.deepEqual(phone.errors, [], 'no console or page errors on the phone');
  } catch (e) {
    const p = phone.context.pages()[0];
    if (p) await screenshot(p, 'scan-handout-failure').catch(() => {});
    throw e;
  } finally {
    await phone.close();
  }
});

test('reception redeems a certificate scanned with the camera', async () => {
  const { code, pdf } = await printedCertificate(1);
  const link = await invitePerson(m, server.url, 'Ирина Ресепшн', 'reception');
  const { phone: desk } = await phoneFilming(pdf, { width: 1280, height: 860 });
  try {
    const page = await desk.page();
    await signIn(page, link);
    await page.getByRole('heading', { name: 'Приём сертификата' }).waitFor();
    await hydrated(page);
    await page.getByRole('button', { name: 'Камера' }).click();
    const verdict = page.locator('#verdict');
    await verdict.getByText('Сертификат действителен').waitFor({ timeout: 20000 });
    assert.equal(await page.inputValue('#scan-code'), code);
    // The answer is a new page (the code went in its address): the camera ended with the page
    // that filmed, and nothing films on this one.
    assert.equal(new URL(page.url()).searchParams.get('code'), code, 'the scanned code was sent in the address');
    assert.equal(await page.locator('.scan-overlay').count(), 0, 'no camera overlay');
    assert.ok(await page.evaluate(() => window.__cameraStreams.every((s) => s.getTracks().every((t) => t.readyState === 'ended'))),
      'no camera running');
    await page.getByRole('button', { name: 'Погасить сертификат' }).click();
    await verdict.getByText('Сертификат погашен').waitFor();
    const redeemed = await (await m.request.get(
      `${server.url}/api/v1/campaigns/${campaign.id}/certificates?store_id=${store.id}&state=redeemed&limit=1000`)).json();
    assert.ok(redeemed.some((c) => c.code === code), 'the certificate is redeemed');
    assert.deepEqual(desk.errors, [], 'no console or page errors at the desk');
  } catch (e) {
    const p = desk.context.pages()[0];
    if (p) await screenshot(p, 'scan-checkin-failure').catch(() => {});
    throw e;
  } finally {
    await desk.close();
  }
});

test('a poster’s QR code held before the camera is not taken for a certificate', async () => {
  const poster = await m.request.get(`${server.url}/api/v1/campaigns/${campaign.id}/stores/${store.id}/poster/pdf`);
  assert.equal(poster.status(), 200);
  const pdf = path.join(work, 'poster.pdf');
  fs.writeFileSync(pdf, await poster.body());
  const link = await invitePerson(m, server.url, 'Олег Ресепшн', 'reception');
  // Held close to the poster's QR code (about two thirds down the page).
  const { phone: desk } = await phoneFilming(pdf, { width: 1280, height: 860 }, { zoom: 2, at: [0.5, 0.68] });
  try {
    const page = await desk.page();
    await signIn(page, link);
    await hydrated(page);
    await page.getByRole('button', { name: 'Камера' }).click();
    await page.locator('.scan-overlay .scan-status', { hasText: 'Это не сертификат Сарафана' }).waitFor({ timeout: 20000 });
    assert.match(await page.locator('.scan-overlay').getAttribute('data-foreign'), /\/join\//, 'it read the poster’s link');
    assert.equal(await page.inputValue('#scan-code'), '', 'nothing was typed into the code field');
    await screenshot(page, 'scan-not-a-certificate');
    await page.locator('.scan-overlay').getByRole('button', { name: 'Закрыть' }).click();
    assert.equal(await page.locator('.scan-overlay').count(), 0);
    assert.ok(await cameraReleased(page), 'closing the overlay released the camera');
    assert.equal(await page.locator('#verdict').count(), 0, 'nothing was checked');
    assert.deepEqual(desk.errors, [], 'no console or page errors at the desk');
  } finally {
    await desk.close();
  }
});
