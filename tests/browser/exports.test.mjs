// The campaign's data row by row in the demo clinic: the marketer opens the final report, finds
// the «Выгрузки» card at its end and downloads the participants as an Excel workbook and the
// visits as CSV for Excel with Russian settings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { startServer, startBrowser, hydrated, screenshot } from './lib.mjs';

let server;
before(async () => { server = await startServer({ demo: true }); });
after(async () => { await server?.stop(); });

test('the marketer downloads the participants as Excel and the visits as CSV from the report page', async () => {
  const marketer = await startBrowser({ viewport: { width: 1280, height: 860 } });
  try {
    const m = await marketer.page();
    await m.goto(`${server.url}/login`);
    await hydrated(m);
    await m.fill('input[name=email]', 'marketer@demo.sarafan');
    await m.fill('input[name=password]', 'sarafan-demo-2026');
    await m.click('button[type=submit]');
    await m.waitForURL(`${server.url}/`);
    await hydrated(m);
    const campaigns = await (await m.request.get(`${server.url}/api/v1/campaigns`)).json();
    await m.goto(`${server.url}/campaigns/${campaigns[0].id}/report`);
    await hydrated(m);
    const card = m.locator('#exports');
    await card.scrollIntoViewIfNeeded();
    assert.match(await card.locator('h2').innerText(), /Выгрузки/);
    assert.equal(await card.locator('a[download]').count(), 8, 'XLSX and CSV of four exports');
    await screenshot(m, 'exports-report-card-1280');

    const [xlsx] = await Promise.all([m.waitForEvent('download'), m.locator('#export-participants-xlsx').click()]);
    assert.match(xlsx.suggestedFilename(), /^Участники — .+\.xlsx$/, 'a Russian file name');
    const book = await fs.readFile(await xlsx.path());
    assert.ok(book.length > 3000, `the workbook has its rows (${book.length} bytes)`);
    assert.equal(book.subarray(0, 2).toString(), 'PK', 'an XLSX is a zip file');

    const [csv] = await Promise.all([m.waitForEvent('download'), m.locator('#export-visits-csv').click()]);
    assert.match(csv.suggestedFilename(), /^Визиты — .+\.csv$/);
    const text = await fs.readFile(await csv.path(), 'utf8');
    assert.ok(text.startsWith('\ufeff'), 'a BOM so Excel reads the Cyrillic');
    assert.ok(text.startsWith('\ufeffДата визита;№ сертификата;Код сертификата;Магазин;'), text.slice(0, 200));
    assert.ok(text.split('\r\n').length > 10, 'the demo\'s visits, a line each');
    assert.match(text, /;(первый \(по сертификату\)|повторный);\d+\r\n/);
    assert.deepEqual(marketer.errors, []);
  } finally {
    await marketer.close();
  }
});
