// The demo clinic in a real browser: sign in, hydrate, create a store, install the app.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, hydrated, screenshot } from './lib.mjs';

let server;
before(async () => { server = await startServer({ demo: true }); });
after(async () => { await server?.stop(); });

async function signInAsDemoMarketer(page) {
  await page.goto(`${server.url}/login`);
  await hydrated(page);
  await page.fill('input[name=email]', 'marketer@demo.sarafan');
  await page.fill('input[name=password]', 'sarafan-demo-2026');
  await page.click('button[type=submit]');
  await page.waitForURL(`${server.url}/`);
}

test('the demo marketer signs in, creates a store and sees it listed after hydration without a page reload', async () => {
  const browser = await startBrowser();
  try {
    const page = await browser.page();
    await signInAsDemoMarketer(page);
    await page.getByRole('heading', { name: 'Обзор акций' }).waitFor();
    await screenshot(page, 'marketer-home');

    await page.getByRole('link', { name: 'Партнёры', exact: true }).click();
    await page.getByRole('link', { name: /Атлет/ }).first().click();
    await page.waitForURL(/\/partners\/\d+$/);
    await hydrated(page);
    // A full page load would wipe this; a hydrated page keeps it through the submit.
    await page.evaluate(() => { window.__sameDocument = true; });

    await page.fill('input[name=name]:below(:text("Новый магазин"))', 'Атлет в Митино');
    await page.fill('input[name=address]', 'Москва, Пятницкое ш., 18');
    await page.fill('input[name=opening_hours]', '07:00–23:00');
    await page.fill('input[name=admin_name]', 'Пётр Орлов');
    await page.fill('input[name=admin_phone]', '8 (916) 555-44-33');
    await page.getByRole('button', { name: 'Создать' }).last().click();

    const row = page.locator('table tr', { hasText: 'Атлет в Митино' });
    await row.waitFor();
    assert.match(await row.innerText(), /\+7 916 555-44-33/, 'the administrator phone is shown normalised');
    assert.equal(await row.locator('a[href="tel:+79165554433"]').count(), 1, 'the phone is a click-to-call link');
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the store was created by the hydrated page, not a reload');
    await screenshot(page, 'partner-stores');

    await page.reload();
    await page.locator('table tr', { hasText: 'Атлет в Митино' }).waitFor();
    assert.deepEqual(browser.errors, [], 'no console or page errors');
  } finally {
    await browser.close();
  }
});

test('a bad store form shows the field error in Russian and keeps what was typed', async () => {
  const browser = await startBrowser();
  try {
    const page = await browser.page();
    await signInAsDemoMarketer(page);
    await page.goto(`${server.url}/partners`);
    await page.getByRole('link', { name: /Лепесток/ }).first().click();
    await page.waitForURL(/\/partners\/\d+$/);
    await hydrated(page);
    await page.fill('input[name=name]:below(:text("Новый магазин"))', 'Лепесток — Арбат');
    await page.fill('input[name=admin_phone]', '12345');
    await page.getByRole('button', { name: 'Создать' }).last().click();
    const errors = page.locator('.field-error');
    await errors.first().waitFor();
    const text = (await errors.allInnerTexts()).join(' | ');
    assert.match(text, /телефон/i, `the phone field is named: ${text}`);
    assert.equal(await page.locator('table tr', { hasText: 'Лепесток — Арбат' }).count(), 1, 'nothing was added');
    assert.deepEqual(browser.errors.filter((e) => !e.includes('status of 422')), [], 'only the expected 422 answer');
  } finally {
    await browser.close();
  }
});

test('the app is installable: a complete manifest, a service worker in control, an offline page, and nothing private kept after sign-out', async () => {
  const browser = await startBrowser();
  try {
    const page = await browser.page();
    await signInAsDemoMarketer(page);
    await hydrated(page);

    const href = await page.getAttribute('link[rel=manifest]', 'href');
    assert.ok(href, 'the page links a manifest');
    const manifest = await (await page.request.get(new URL(href, server.url).href)).json();
    assert.ok(manifest.name && manifest.short_name, 'name and short_name');
    assert.equal(manifest.display, 'standalone');
    assert.ok(manifest.start_url, 'start_url');
    assert.match(manifest.theme_color, /^#[0-9a-f]{6}$/i);
    const sizes = manifest.icons.map((i) => i.sizes);
    assert.ok(sizes.includes('192x192') && sizes.includes('512x512'), 'icons 192 and 512');
    assert.ok(manifest.icons.some((i) => (i.purpose ?? '').includes('maskable')), 'a maskable icon');
    for (const icon of manifest.icons) {
      const r = await page.request.get(new URL(icon.src, server.url).href);
      assert.equal(r.status(), 200, `icon ${icon.src} is served`);
      assert.equal(r.headers()['content-type'], 'image/png');
    }

    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await hydrated(page);
    assert.equal(await page.evaluate(() => !!navigator.serviceWorker.controller), true, 'the service worker controls the page');

    // The check-in page, seen online, opens offline; the marketer's other pages are never kept
    // on the device (they hold the clinic's figures and people's data): offline page instead.
    await page.goto(`${server.url}/checkin`);
    await hydrated(page);
    await page.goto(`${server.url}/partners`);
    await page.getByText('Фитнес-клуб «Атлет»').first().waitFor();
    await browser.context.setOffline(true);
    await page.goto(`${server.url}/checkin`);
    await page.locator('#scan-code').waitFor();
    await page.goto(`${server.url}/partners`).catch(() => {});
    await page.getByText('Нет связи с сервером').first().waitFor();
    assert.equal(await page.getByText('Фитнес-клуб «Атлет»').count(), 0, 'the partners page was not kept');
    await screenshot(page, 'offline');
    await browser.context.setOffline(false);

    // Signing out forgets the kept pages: the next person on this phone cannot read them offline.
    await page.goto(`${server.url}/checkin`);
    await hydrated(page);
    await page.getByRole('button', { name: 'Выйти' }).click();
    await page.waitForURL(`${server.url}/login`);
    await browser.context.setOffline(true);
    await page.goto(`${server.url}/checkin`).catch(() => {});
    await page.getByText('Нет связи с сервером').first().waitFor();
    assert.equal(await page.locator('#scan-code').count(), 0, 'no check-in page offline after sign-out');
    await browser.context.setOffline(false);
  } finally {
    await browser.close();
  }
});

test('the marketer home weighs under 1 MB compressed on a first visit of a release build (figures printed)', async () => {
  const signedIn = await startBrowser();
  let cookies;
  try {
    const page = await signedIn.page();
    await signInAsDemoMarketer(page);
    cookies = await signedIn.context.cookies();
  } finally {
    await signedIn.close();
  }
  // A fresh profile with the session cookie and no service worker: everything over the network.
  const fresh = await startBrowser({ serviceWorkers: 'block' });
  try {
    await fresh.context.addCookies(cookies);
    const page = await fresh.page();
    await page.goto(`${server.url}/`);
    await hydrated(page);
    const entries = await page.evaluate(() => [
      ...performance.getEntriesByType('navigation'),
      ...performance.getEntriesByType('resource'),
    ].map((e) => ({ name: new URL(e.name).pathname, transfer: e.transferSize, body: e.encodedBodySize, decoded: e.decodedBodySize })));
    const total = entries.reduce((sum, e) => sum + e.body, 0);
    const decoded = entries.reduce((sum, e) => sum + e.decoded, 0);
    for (const e of entries) console.log(`weight: ${e.name} ${e.body} bytes compressed (${e.decoded} uncompressed)`);
    console.log(`weight: marketer home total ${total} bytes compressed, ${decoded} uncompressed, ${entries.length} requests`);
    assert.ok(entries.some((e) => e.name.endsWith('.wasm')), 'the WASM bundle was loaded');
    if (process.env.SARAFAN_BUILD !== 'dev') {
      assert.ok(total < 1024 * 1024, `the first visit fits 1 MB compressed (${total} bytes)`);
    }
  } finally {
    await fresh.close();
  }
});
