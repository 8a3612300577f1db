// Reception checks in a certificate that a store employee handed out, redeems it, records two
// paid visits; scanning it again says "already used"; the marketer sees the revenue credited to
// the store and the employee.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, hydrated, screenshot, PHONE, invitePerson, acceptInviteLink } from './lib.mjs';

let server;
before(async () => { server = await startServer({ demo: true }); });
after(async () => { await server?.stop(); });

const LAPTOP = { width: 1280, height: 860 };
const digits = (s) => Number((s ?? '').replace(/[^0-9]/g, ''));

async function storeRevenue(page, campaignUrl, store) {
  await page.goto(campaignUrl);
  await hydrated(page);
  const row = page.locator('#attribution-stores tbody tr', { hasText: store });
  await row.waitFor();
  return digits(await row.locator('td').last().textContent());
}

test('reception redeems a certificate handed out by a store employee, records two visits, and the store and employee are credited', async () => {
  const marketer = await startBrowser({ viewport: LAPTOP });
  const staff = await startBrowser({ viewport: PHONE });
  const desk = await startBrowser({ viewport: LAPTOP });
  try {
    const m = await marketer.page();
    await m.goto(`${server.url}/login`);
    await hydrated(m);
    await m.fill('input[name=email]', 'marketer@demo.sarafan');
    await m.fill('input[name=password]', 'sarafan-demo-2026');
    await m.click('button[type=submit]');
    await m.waitForURL(`${server.url}/`);
    const campaigns = await (await m.request.get(`${server.url}/api/v1/campaigns`)).json();
    const campaign = campaigns.find((c) => c.name === 'Сарафанное радио: зима');
    const campaignUrl = `${server.url}/campaigns/${campaign.id}`;
    const stores = await (await m.request.get(`${server.url}/api/v1/stores`)).json();
    const store = stores.find((s) => s.name === 'Атлет на Тверской');
    const before = await storeRevenue(m, campaignUrl, 'Атлет на Тверской');
    assert.ok(before > 0, 'the demo store already has revenue');

    const staffLink = await invitePerson(m, server.url, 'Светлана Котова', 'store_staff', `Фитнес-клуб «Атлет» — Атлет на Тверской`);
    const deskLink = await invitePerson(m, server.url, 'Ирина Ресепшн', 'reception');
    const printed = await (await m.request.get(
      `${server.url}/api/v1/campaigns/${campaign.id}/certificates?store_id=${store.id}&state=printed&limit=1`)).json();
    const code = printed[0].code;

    // The store employee, signed in from the invite on her phone, records the hand-out.
    const phone = await staff.page();
    await acceptInviteLink(phone, server.url, staffLink);
    const handout = await phone.request.post(`${server.url}/api/v1/handouts`, {
      headers: { Origin: server.url },
      data: { code, name: 'Мария Петрова', phone: '8 916 555-12-34', consent: true, idempotency_key: crypto.randomUUID() },
    });
    assert.equal(handout.status(), 201, await handout.text());

    // Reception, signed in from the invite, lands on the check-in page.
    const page = await desk.page();
    await acceptInviteLink(page, server.url, deskLink);
    await page.getByRole('heading', { name: 'Приём сертификата' }).waitFor();
    const input = page.locator('#scan-code');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'scan-code', 'the code field has the focus');

    // A typo is caught as it is typed, before any lookup.
    const last = code.at(-1);
    const typo = code.slice(0, -1) + (last === '0' ? '1' : '0');
    await input.fill(typo);
    await page.getByText('Контрольный символ не сходится').waitFor();

    // The scanner types the code and Enter.
    await input.fill(code);
    await input.press('Enter');
    const verdict = page.locator('#verdict');
    await verdict.getByText('Сертификат действителен').waitFor();
    await verdict.getByText('Светлана Котова').waitFor();
    await verdict.getByText('Мария Петрова').waitFor();
    await verdict.getByText('+7 *** ***-12-34').waitFor();
    await screenshot(page, 'checkin-valid');
    await page.getByRole('button', { name: 'Погасить сертификат' }).click();
    await verdict.getByText('Сертификат погашен').waitFor();

    for (const [service, amount, rows] of [['Консультация', '3 500', 1], ['Терапия', '12 000', 2]]) {
      const form = page.locator('#visit');
      await form.getByLabel(service).check();
      await form.locator('input[name=amount]').fill(amount);
      await form.locator('input[name=doctor]').fill('Петрова И. В.');
      await form.getByRole('button', { name: 'Записать визит' }).click();
      await page.locator('table.visits tbody tr').nth(rows - 1).waitFor();
      assert.equal(await page.locator('table.visits tbody tr').count(), rows);
    }
    await screenshot(page, 'checkin-visits');

    // Scanning it again: already used, when and by whom.
    await input.fill(code);
    await input.press('Enter');
    await verdict.getByText('Уже использован').waitFor();
    await verdict.getByText(/Погашен \d\d\.\d\d\.\d{4} \d\d:\d\d, кем Ирина Ресепшн/).waitFor();
    assert.equal(await verdict.getAttribute('class').then((c) => c.includes('verdict-bad')), true, 'shown in red');
    await screenshot(page, 'checkin-already-used');
    assert.deepEqual(desk.errors, [], 'no console or page errors at reception');

    // The marketer sees 15 500 ₽ more for the store, and exactly that for the employee.
    const after = await storeRevenue(m, campaignUrl, 'Атлет на Тверской');
    assert.equal(after - before, 15500, `store revenue ${before} → ${after}`);
    const employee = m.locator('#attribution-employees tbody tr', { hasText: 'Светлана Котова' });
    assert.equal(digits(await employee.locator('td').last().textContent()), 15500);
    await screenshot(m, 'campaign-attribution');

    // The marketer adds a service to the list reception picks from.
    await m.goto(`${server.url}/settings`);
    await hydrated(m);
    await m.locator('#services input[name=name]').fill('Отбеливание');
    await m.locator('#services').getByRole('button', { name: 'Добавить' }).click();
    await m.locator('#services li', { hasText: 'Отбеливание' }).waitFor();
    assert.deepEqual(marketer.errors, [], 'no console or page errors for the marketer');
  } catch (e) {
    console.log('marketer errors', marketer.errors, 'desk errors', desk.errors);
    throw e;
  } finally {
    await Promise.all([marketer.close(), staff.close(), desk.close()]);
  }
});
