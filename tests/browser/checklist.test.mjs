// The checklist on a 390 px phone: a store employee counts the posters and asks for more
// forms, and the marketer sees the request on the home page; the marketer completes this
// week's mystery-shopper task with a photo taken on the phone (a file that is not a picture is
// refused with the reason on the page).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, startBrowser, hydrated, screenshot, PHONE } from './lib.mjs';

let server;
before(async () => { server = await startServer({ demo: true }); });
after(async () => { await server?.stop(); });

async function signInAsMarketer(page) {
  await page.goto(`${server.url}/login`);
  await hydrated(page);
  await page.fill('input[name=email]', 'marketer@demo.sarafan');
  await page.fill('input[name=password]', 'sarafan-demo-2026');
  await page.click('button[type=submit]');
  await page.waitForURL(`${server.url}/`);
  await hydrated(page);
}

test('a store employee counts the posters and asks for more forms; the marketer sees the request', async () => {
  const marketer = await startBrowser({ viewport: { width: 1280, height: 860 } });
  const phone = await startBrowser({ viewport: PHONE });
  try {
    const m = await marketer.page();
    await signInAsMarketer(m);
    await m.goto(`${server.url}/people`);
    await hydrated(m);
    await m.fill('input[name=name]', 'Светлана Котова');
    await m.selectOption('select[name=role]', 'store_staff');
    await m.selectOption('select[name=store_id]', { label: 'СПА-салон «Лотос» — Лотос в Хамовниках' });
    await m.getByRole('button', { name: 'Пригласить' }).first().click();
    const invite = await m.locator('#new-invite input.invite-url').inputValue();

    const page = await phone.page();
    await page.goto(invite);
    await hydrated(page);
    await page.getByRole('button', { name: /Войти|Принять/ }).click();
    await page.waitForURL(`${server.url}/`);
    // The stock page is one tap from the staff home.
    await page.getByRole('link', { name: 'Остатки', exact: true }).click();
    await page.waitForURL(`${server.url}/stock`);
    await hydrated(page);
    await page.getByText('Лотос в Хамовниках').first().waitFor();

    // The posters finally arrived: one is up.
    await page.selectOption('#f-count-kind', { label: 'Афишки (0)' });
    await page.fill('#count-form input[name=quantity]', '1');
    await page.fill('#count-form input[name=note]', 'Повесили у входа');
    await page.getByRole('button', { name: 'Сохранить пересчёт' }).click();
    await page.getByText('Пересчёт сохранён').waitFor();
    await page.locator('#f-count-kind option', { hasText: 'Афишки (1)' }).waitFor({ state: 'attached' });

    // A count that is not a number is refused, naming the field.
    await page.fill('#count-form input[name=quantity]', '-3');
    await page.getByRole('button', { name: 'Сохранить пересчёт' }).click();
    await page.locator('#count-form .field-error').waitFor();

    // Forms run out at the weekend: ask for 50.
    await page.selectOption('#f-request-kind', { label: 'Анкеты участников' });
    await page.fill('#request-form input[name=quantity]', '50');
    await page.fill('#request-form input[name=note]', 'К выходным');
    await page.getByRole('button', { name: 'Попросить ещё' }).click();
    await page.getByText('Запрос отправлен маркетологу').waitFor();
    await page.locator('#requests li', { hasText: 'Анкеты участников — 50' }).waitFor();
    assert.match(await page.locator('#requests li', { hasText: 'Анкеты участников — 50' }).innerText(), /ждёт/);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 0, 'no sideways scrolling');
    await screenshot(page, 'staff-stock-390');

    // The marketer's home lists the request, and the store's posters are no longer an alert.
    await m.goto(`${server.url}/`);
    await hydrated(m);
    const request = m.locator('#requests li', { hasText: 'Анкеты участников — 50' });
    await request.waitFor();
    assert.match(await request.innerText(), /Лотос в Хамовниках/);
    assert.equal(await m.locator('#stock-alerts li', { hasText: /Лотос в Хамовниках.*Афишки/ }).count(), 0);
    await screenshot(m, 'marketer-home-attention');
    assert.deepEqual([...marketer.errors, ...phone.errors].filter((e) => !e.includes('status of 422')), [],
      'no console or page errors but the refused count');
  } finally {
    await marketer.close();
    await phone.close();
  }
});

test('the marketer completes this week\'s mystery-shopper task with a photo from the phone', async () => {
  const phone = await startBrowser({ viewport: PHONE });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sarafan-photo-'));
  try {
    const page = await phone.page();
    await signInAsMarketer(page);
    // A real JPEG, as a phone camera would give: a picture of the page itself.
    const photo = path.join(dir, 'shop.jpg');
    fs.writeFileSync(photo, await page.screenshot({ type: 'jpeg', quality: 90, fullPage: true }));
    const notAPhoto = path.join(dir, 'receipt.jpg');
    fs.writeFileSync(notAPhoto, '%PDF-1.4 a receipt, not a picture');

    // This week's routine on the home page: the mystery shopper's visit.
    const task = page.locator('#this-week li.task[data-code="17а"] a');
    await task.click();
    await page.waitForURL(/\/tasks\/\d+$/);
    await hydrated(page);
    assert.match(await page.locator('#task').innerText(), /тайным покупателем/);

    // A file that is not a picture: refused, the reason shown on the task.
    await page.setInputFiles('#f-photo', notAPhoto);
    await page.getByRole('button', { name: 'Загрузить' }).click();
    await page.waitForURL(/photo_error=not_an_image/);
    await hydrated(page);
    await page.locator('#photo-error', { hasText: 'это не фотография' }).waitFor();

    // The photo: shrunk, stamped with the server's time, shown on the task.
    await page.setInputFiles('#f-photo', photo);
    await page.getByRole('button', { name: 'Загрузить' }).click();
    await page.waitForURL(/\/tasks\/\d+#photos$/);
    await hydrated(page);
    const img = page.locator('#photos figure img').first();
    await img.waitFor();
    assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth > 0), 'the photo loads');
    assert.match(await page.locator('#photos figcaption').first().innerText(), /Анна Маркетова · 30\.11\.2026 1\d:\d\d/);

    // Done, with a note.
    await page.fill('#task-form textarea[name=note]', 'Атлет в Сокольниках: об акции рассказали, сертификат и анкету дали');
    await page.getByRole('button', { name: 'Выполнено' }).click();
    await page.locator('#task-state', { hasText: 'выполнена' }).waitFor();
    assert.match(await page.locator('#task').innerText(), /Анна Маркетова/);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 0, 'no sideways scrolling');
    await screenshot(page, 'task-with-photo-390');

    // The week's routine counts it.
    await page.goto(`${server.url}/`);
    await hydrated(page);
    assert.match(await page.locator('.routine').first().innerText(), /17а.*1\/1/);
    assert.deepEqual(phone.errors, [], 'no console or page errors');
  } finally {
    await phone.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
