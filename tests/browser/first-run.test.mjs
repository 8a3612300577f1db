// What a new clinic does on day one, in a real browser: the one-time setup link, a partner
// with a store, a campaign, and a store employee invited and signed in on their phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, hydrated, screenshot, PHONE } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

test('a new marketer sets up the clinic, creates a partner, store and campaign, and invites a store employee who signs in on a phone', async () => {
  assert.ok(server.setupLink, `the first start prints a setup link:\n${server.output()}`);
  const marketer = await startBrowser({ viewport: { width: 1280, height: 900 } });
  let inviteUrl;
  try {
    const page = await marketer.page();
    await page.goto(server.setupLink);
    await hydrated(page);
    await page.fill('input[name=name]', 'Мария Соколова');
    await page.fill('input[name=email]', 'maria@smile.clinic');
    await page.fill('input[name=password]', 'улыбка-2026-зима');
    await page.getByRole('button', { name: 'Создать и войти' }).click();
    // First stop: the clinic's own details.
    await page.waitForURL(`${server.url}/settings`);
    await page.getByText('Мария Соколова').first().waitFor();

    // The setup link works once.
    const again = await page.request.get(server.setupLink);
    assert.match(await again.text(), /уже выполнена/, 'a used setup link says so');

    // An integration: a webhook added on the settings page shows its signing secret once.
    await hydrated(page);
    const hooks = page.locator('#webhooks');
    await hooks.locator('input[name=url]').fill('https://crm.smile.clinic/sarafan');
    await hooks.getByLabel('погашение').uncheck();
    await hooks.getByRole('button', { name: 'Добавить вебхук' }).click();
    const secret = (await hooks.locator('code.token').textContent()).trim();
    assert.match(secret, /^\S{24,}$/, 'the secret is shown');
    const row = hooks.locator('li', { hasText: 'https://crm.smile.clinic/sarafan' });
    await row.waitFor();
    assert.match(await row.textContent(), /выдача, визит/, 'the events ticked');
    await page.reload();
    await hydrated(page);
    assert.equal(await page.locator('#webhooks code.token').count(), 0, 'the secret is shown only once');
    await page.locator('#webhooks').getByRole('button', { name: 'Удалить https://crm.smile.clinic/sarafan' }).click();
    await page.locator('#webhooks').getByText('Вебхуков нет.').waitFor();

    await page.getByRole('link', { name: 'Партнёры', exact: true }).click();
    await page.waitForURL(`${server.url}/partners`);
    await hydrated(page);
    await page.fill('input[name=name]', 'Фитнес-клуб «Прайм»');
    await page.fill('input[name=contact_person]', 'Олег Зимин');
    await page.fill('input[name=phone]', '+7 (903) 111-22-33');
    await page.getByRole('button', { name: 'Создать' }).click();
    await page.waitForURL(/\/partners\/\d+$/);
    await hydrated(page);
    await page.fill('input[name=name]:below(:text("Новый магазин"))', 'Прайм на Соколе');
    await page.fill('input[name=address]', 'Ленинградский пр., 74');
    await page.fill('input[name=admin_name]', 'Ирина Лис');
    await page.fill('input[name=admin_phone]', '89031112244');
    await page.getByRole('button', { name: 'Создать' }).last().click();
    await page.locator('table tr', { hasText: 'Прайм на Соколе' }).waitFor();

    await page.getByRole('link', { name: 'Акции' }).click();
    await page.waitForURL(`${server.url}/campaigns`);
    await hydrated(page);
    await page.fill('input[name=name]', 'Зимняя улыбка');
    await page.fill('input[name=start_date]', '2026-12-01');
    await page.fill('input[name=end_date]', '2027-02-28');
    await page.fill('input[name=face_value]', '500');
    await page.fill('input[name=valid_until]', '2027-03-31');
    await page.getByLabel('Фитнес-клуб «Прайм»').check();
    await page.getByRole('button', { name: 'Создать' }).click();
    await page.waitForURL(/\/campaigns\/\d+$/);
    await hydrated(page);
    assert.equal(await page.inputValue('input[name=face_value]'), '500', 'the face value is kept');
    assert.equal(await page.getByLabel('Фитнес-клуб «Прайм»').isChecked(), true, 'the partner is in the campaign');

    await page.getByRole('link', { name: 'Люди', exact: true }).click();
    await page.waitForURL(`${server.url}/people`);
    await hydrated(page);
    await page.fill('input[name=name]', 'Светлана Котова');
    await page.fill('input[name=phone]', '+7 925 000-11-22');
    await page.selectOption('select[name=role]', 'store_staff');
    await page.selectOption('select[name=store_id]', { label: 'Фитнес-клуб «Прайм» — Прайм на Соколе' });
    await page.getByRole('button', { name: 'Пригласить' }).first().click();
    const card = page.locator('#new-invite');
    await card.waitFor();
    assert.equal(await card.locator('.qr svg').count(), 1, 'the invite is shown as a QR code');
    inviteUrl = await card.locator('input.invite-url').inputValue();
    assert.match(inviteUrl, new RegExp(`^${server.url}/invite/[A-Za-z0-9_-]{20,}$`));
    await screenshot(page, 'invite');
    assert.deepEqual(marketer.errors, [], 'no console or page errors for the marketer');
  } finally {
    await marketer.close();
  }

  const phone = await startBrowser({ viewport: PHONE });
  try {
    const page = await phone.page();
    await page.goto(inviteUrl);
    await hydrated(page);
    await page.getByText('Светлана Котова').first().waitFor();
    await page.getByRole('button', { name: /Войти|Принять/ }).click();
    await page.waitForURL(`${server.url}/`);
    await page.getByRole('heading', { name: 'Ваш магазин' }).waitFor();
    await page.getByText('Прайм на Соколе').first().waitFor();
    await screenshot(page, 'staff-phone');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `the staff page fits a phone screen (${width}px wide)`);

    // Staff cannot reach the marketer's pages: the access policy answers 403 and says why.
    const refused = await page.goto(`${server.url}/partners`);
    assert.equal(refused.status(), 403);
    await page.getByText(/нет доступа|недостаточно прав/i).first().waitFor();
    assert.deepEqual(phone.errors.filter((e) => !e.includes('status of 403')), [],
      'no console or page errors on the phone but the refused page itself');
  } finally {
    await phone.close();
  }

  // The invite link was used up.
  const reuse = await startBrowser({ viewport: PHONE });
  try {
    const page = await reuse.page();
    await page.goto(inviteUrl);
    await page.getByText(/использован|недействительн/i).first().waitFor();
  } finally {
    await reuse.close();
  }
});
