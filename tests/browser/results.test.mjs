// The campaign's results and the staff's motivation in the demo clinic: the marketer opens the
// final report from the campaign page, sees the charts drawn on the server, downloads the report
// as an Excel workbook, as CSV and as a printable PDF, marks the finished week as paid; a new
// employee of a store sees this week's standing on the phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
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

test('the marketer reads the final report with its charts, downloads it as Excel, CSV and PDF, and pays the finished week', async () => {
  const marketer = await startBrowser({ viewport: { width: 1280, height: 860 } });
  try {
    const m = await marketer.page();
    await signInAsMarketer(m);
    const campaigns = await (await m.request.get(`${server.url}/api/v1/campaigns`)).json();
    await m.goto(`${server.url}/campaigns/${campaigns[0].id}`);
    await hydrated(m);
    await m.locator('#link-report').click();
    await m.waitForURL(/\/report$/);
    await hydrated(m);
    for (const id of ['#chart-funnel', '#chart-cumulative', '#chart-revenue-profit', '#chart-weekly']) {
      await m.locator(`${id} svg`).waitFor();
    }
    assert.match(await m.locator('#chart-funnel svg').getAttribute('aria-label'), /Воронка/);
    assert.ok(await m.locator('#report-stores tbody tr').count() >= 6, 'every store has its line');
    assert.match(await m.locator('#report-profit').innerText(), /₽/);
    await screenshot(m, 'results-report-1280');

    const [xlsx] = await Promise.all([m.waitForEvent('download'), m.locator('#report-xlsx').click()]);
    assert.match(xlsx.suggestedFilename(), /^report-\d+\.xlsx$/);
    const bytes = await fs.readFile(await xlsx.path());
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an XLSX is a zip file');
    assert.ok(bytes.length > 5000, `the workbook has its sheets (${bytes.length} bytes)`);
    const [csv] = await Promise.all([m.waitForEvent('download'), m.locator('#report-csv').click()]);
    const text = await fs.readFile(await csv.path(), 'utf8');
    assert.ok(text.startsWith('\ufeff'), 'a BOM so Excel reads the Cyrillic');
    assert.match(text, /Атлет на Тверской;Фитнес-клуб «Атлет»;/);
    const [pdf] = await Promise.all([m.waitForEvent('download'), m.locator('#report-pdf').click()]);
    assert.match(pdf.suggestedFilename(), /^report-\d+\.pdf$/);
    const pdfBytes = await fs.readFile(await pdf.path());
    assert.equal(pdfBytes.subarray(0, 5).toString(), '%PDF-');
    assert.ok(pdfBytes.length > 20000, `the report has its fonts, charts and tables (${pdfBytes.length} bytes)`);

    // Motivation: the last finished week waits for its payout; paying it writes it once.
    await m.goto(`${server.url}/campaigns/${campaigns[0].id}/motivation`);
    await hydrated(m);
    const waiting = m.locator('.motivation-week', { has: m.locator('button.pay-week') }).first();
    await waiting.waitFor();
    const before = await m.locator('#motivation-paid-total').innerText();
    const week = await waiting.getAttribute('data-week');
    await waiting.locator('button.pay-week').click();
    await m.waitForFunction((b) => document.querySelector('#motivation-paid-total')?.innerText !== b, before);
    const status = m.locator(`.motivation-week[data-week="${week}"] .week-status`);
    await assert.doesNotReject(status.filter({ hasText: 'Выплачено' }).waitFor());
    assert.equal(await m.locator(`.motivation-week[data-week="${week}"] button.pay-week`).count(), 0);
    await screenshot(m, 'results-motivation-1280');
    assert.deepEqual(marketer.errors, []);
  } finally {
    await marketer.close();
  }
});

test('a store employee sees this week\'s standing on the phone', async () => {
  const marketer = await startBrowser({ viewport: { width: 1280, height: 860 } });
  const phone = await startBrowser({ viewport: PHONE, serviceWorkers: 'block' });
  try {
    const m = await marketer.page();
    await signInAsMarketer(m);
    await m.goto(`${server.url}/people`);
    await hydrated(m);
    await m.fill('input[name=name]', 'Ольга Новенькая');
    await m.selectOption('select[name=role]', 'store_staff');
    await m.selectOption('select[name=store_id]', { label: 'Фитнес-клуб «Атлет» — Атлет на Тверской' });
    await m.getByRole('button', { name: 'Пригласить' }).first().click();
    const card = m.locator('#new-invite', { hasText: 'Ольга Новенькая' });
    await card.waitFor();
    const link = await card.locator('input.invite-url').inputValue();

    const p = await phone.page();
    await p.goto(link);
    await hydrated(p);
    await p.getByRole('button', { name: /Войти|Принять/ }).click();
    await p.waitForURL(`${server.url}/`);
    await hydrated(p);
    const standing = p.locator('#my-standing');
    await standing.waitFor();
    assert.match(await standing.locator('#standing-rank').innerText(), /^\d+ из \d+$/);
    assert.match(await standing.locator('#standing-store-rank').innerText(), /^\d+ из 6$/, 'six stores take part');
    assert.match(await standing.locator('#standing-earned').innerText(), /₽/);
    await screenshot(p, 'results-staff-standing-390');
    assert.deepEqual(phone.errors, []);
  } finally {
    await marketer.close();
    await phone.close();
  }
});
