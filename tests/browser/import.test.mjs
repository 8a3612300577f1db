// Typing in paper forms on the marketer's page: a CSV of three forms is uploaded, the preview
// shows what each row will do and why one is refused, nothing is saved until the marketer
// confirms, and the upload then shows as saved in the history.
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

test('the marketer uploads typed-in paper forms, sees each row\'s fate, and confirms', async () => {
  const browser = await startBrowser({ viewport: PHONE, serviceWorkers: 'block' });
  try {
    const page = await browser.page();
    await signInAsMarketer(page);
    const campaign = (await (await page.request.get(`${server.url}/api/v1/campaigns`)).json())[0];
    const store = (await (await page.request.get(`${server.url}/api/v1/stores`)).json())
      .find((s) => s.name === 'Атлет на Тверской');
    const cert = (await (await page.request.get(
      `${server.url}/api/v1/campaigns/${campaign.id}/certificates?store_id=${store.id}&state=printed&limit=1`)).json())[0];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sarafan-import-'));
    const file = path.join(dir, 'анкеты.csv');
    fs.writeFileSync(file, '\ufeffФИО;Телефон;Номер сертификата;Магазин;Согласие\n'
      + `Тест Браузеров;+7 999 100-00-01;${cert.serial};Атлет на Тверской;да\n`
      + 'Дубль Телефона;8 999 100-00-01;;Атлет на Тверской;да\n'
      + 'Контакт Без Сертификата;+7 999 100-00-03;;Атлет на Тверской;да\n');

    // From the campaign page, one tap to the import page.
    await page.goto(`${server.url}/campaigns/${campaign.id}`);
    await hydrated(page);
    await page.getByRole('link', { name: 'Ввод анкет' }).click();
    await page.waitForURL(`${server.url}/campaigns/${campaign.id}/import`);
    await hydrated(page);
    await page.getByText('анкеты-неделя-2.csv').waitFor();

    await page.setInputFiles('#f-file', file);
    await page.getByRole('button', { name: 'Загрузить и проверить' }).click();
    await page.waitForURL(/\/import\?upload=\d+/);
    await hydrated(page);
    assert.equal(await page.locator('#good-rows').innerText(), '2');
    assert.equal(await page.locator('#refused-rows').innerText(), '1');
    await page.locator('#import-rows tr.row-refused', { hasText: 'Телефон: повторяется в файле выше' }).waitFor();
    await page.locator('#import-rows tr.row-good', { hasText: 'выдача сертификата' }).waitFor();
    await page.locator('#import-rows tr.row-good', { hasText: 'контакт без сертификата' }).waitFor();
    await screenshot(page, 'import-preview-390');
    // Nothing is saved before the confirmation.
    const before = await (await page.request.get(`${server.url}/api/v1/participants?q=${encodeURIComponent('+79991000001')}`)).json();
    assert.equal(before.length, 0, 'nothing saved yet');

    await page.getByRole('button', { name: 'Подтвердить и сохранить хорошие строки' }).click();
    await page.locator('#import-confirmed').waitFor();
    const saved = await (await page.request.get(`${server.url}/api/v1/participants?q=${encodeURIComponent('+79991000001')}`)).json();
    assert.equal(saved.length, 1, 'the participant is saved once');
    await page.locator('#import-history', { hasText: 'анкеты.csv' }).waitFor();
    await screenshot(page, 'import-confirmed-390');
    assert.deepEqual(browser.errors, [], 'no console errors');
    fs.rmSync(dir, { recursive: true, force: true });
  } finally {
    await browser.close();
  }
});
