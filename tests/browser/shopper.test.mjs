// Mystery-shopper visits on a 390 px phone: the marketer makes an outside shopper's link for
// this week's visit; the shopper opens it without an account, loses the connection, answers
// every question (a "no" on a critical one) and takes a photo — all kept on the phone — and
// when the connection returns the answers and the photo reach the server once; the shopper
// signs off and sees the score. The marketer then sees the score and the corrective task, and
// the link no longer opens the form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, startBrowser, hydrated, screenshot, PHONE } from './lib.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
// A real picture, as a phone camera would give one.
const PHOTO = path.join(root, 'public/icons/icon-192.png');

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

/** Network failures while the phone is offline are expected; nothing else may be logged. */
function realErrors(errors) {
  return errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::|status of 4\d\d/.test(e));
}

test('an outside shopper answers offline on a phone, the answers and photo upload once back online, signs off; the marketer sees the score and the corrective task', async () => {
  const marketer = await startBrowser({ viewport: { width: 1280, height: 860 } });
  const phone = await startBrowser({ viewport: PHONE, serviceWorkers: 'block' });
  try {
    const m = await marketer.page();
    await signInAsMarketer(m);

    // The marketer's page: this week's visits, chosen by the rotation (with why), and the link.
    await m.getByRole('link', { name: 'Проверки', exact: true }).click();
    await m.waitForURL(/\/shopper-visits/);
    await hydrated(m);
    const card = m.locator('#this-week .visit-card').first();
    await card.waitFor();
    const visitId = Number(await card.getAttribute('data-visit'));
    assert.match(await card.locator('.reason').innerText(), /не проверялся|проверялся|выбран маркетологом/);
    assert.match(await card.locator('.reason').innerText(), /в день|маркетологом/);
    await m.locator('#trends tbody tr').first().waitFor();
    await screenshot(m, 'shopper-board-1280');
    await card.locator('summary', { hasText: 'Ссылка для внешнего покупателя' }).click();
    await card.locator('input[name=shopper_name]').fill('Мария Внешняя');
    await card.getByRole('button', { name: 'Создать ссылку' }).click();
    const made = m.locator(`.visit-card[data-visit="${visitId}"] .link-made input.invite-url`);
    await made.waitFor();
    const url = await made.inputValue();
    assert.match(url, new RegExp(`^${server.url}/v/[A-Za-z0-9_-]{20,}$`), 'the link is shown once, in full');
    // (The demo's shopper may have begun this visit: whatever the server has stays until the
    // phone sends more.)
    const before = await (await m.request.get(`${server.url}/api/v1/shopper-visits/${visitId}`)).json();
    assert.equal(before.visit.state, 'planned');

    // The shopper's phone opens the link: no account, the form of that visit.
    const page = await phone.page();
    await page.goto(url);
    await hydrated(page);
    await page.locator('#shopper-form[data-bound]').waitFor();
    assert.match(await page.locator('.facts').first().innerText(), new RegExp(before.visit.store_name));
    const questions = await page.locator('fieldset[data-question]').evaluateAll((list) =>
      list.map((f) => ({ no: Number(f.dataset.question), kind: f.dataset.kind, critical: !!f.querySelector('legend .badge') })));
    assert.ok(questions.length >= 3, 'the default list has its questions');
    assert.ok(questions.some((q) => q.kind === 'photo'), 'and asks for a photo');

    // Signing off before everything is answered: each missing question is marked.
    const photoQ = questions.find((q) => q.kind === 'photo');
    await page.getByRole('button', { name: 'Подписать и отправить' }).click();
    await page.locator(`#q${photoQ.no}[data-invalid] [data-error-for="q${photoQ.no}"]`, { hasText: 'заполните поле' }).waitFor();
    await page.locator('#shopper-status', { hasText: 'Проверьте отмеченные вопросы' }).waitFor();
    const start = (await (await m.request.get(`${server.url}/api/v1/shopper-visits/${visitId}`)).json()).visit;

    // The connection drops in the store; every answer and the photo are kept on the phone.
    await phone.context.setOffline(true);
    const critical = questions.find((q) => q.critical && q.kind === 'yes_no');
    assert.ok(critical, 'a critical yes/no question');
    for (const q of questions) {
      const fs = page.locator(`#q${q.no}`);
      if (q.kind === 'yes_no') {
        await fs.locator('label.choice', { hasText: q === critical ? /^нет$/ : /^да$/ }).click();
      } else if (q.kind === 'score5' || q.kind === 'score10') {
        await fs.locator('label.choice').last().click();
      } else if (q.kind === 'choice') {
        await fs.locator('label.choice').first().click();
      } else if (q.kind === 'text') {
        await fs.locator('textarea').fill('Плакат у кассы, сертификат предложили только после вопроса');
      } else if (q.kind === 'photo') {
        await page.setInputFiles(`#p${q.no}`, PHOTO);
        await fs.locator('.photo-queue li', { hasText: 'ждёт отправки' }).waitFor();
      }
    }
    await page.locator('#shopper-status', { hasText: 'Нет связи: ответы и фото сохранены на телефоне и отправятся сами' }).waitFor({ timeout: 10000 });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 0, 'no sideways scrolling at 390 px');
    await screenshot(page, 'shopper-form-offline-390');
    // The phone keeps them in IndexedDB: nothing reached the server yet.
    const kept = await page.evaluate(() => new Promise((resolve) => {
      const open = indexedDB.open('sarafan-shopper', 1);
      open.onsuccess = () => {
        const tx = open.result.transaction(['answers', 'photos'], 'readonly');
        const a = tx.objectStore('answers').getAll();
        const p = tx.objectStore('photos').getAll();
        tx.oncomplete = () => resolve({ answers: a.result.length, photos: p.result.length, dirty: a.result.every((r) => r.dirty) });
      };
    }));
    assert.deepEqual(kept, { answers: 1, photos: 1, dirty: true }, 'answers and the photo are kept on the phone');
    const meanwhile = await (await m.request.get(`${server.url}/api/v1/shopper-visits/${visitId}`)).json();
    assert.equal(meanwhile.visit.answers, start.answers, 'nothing reached the server while offline');
    assert.equal(meanwhile.visit.photos, start.photos);

    // Back online: the answers, then the photo, go up by themselves.
    await phone.context.setOffline(false);
    await page.locator('#shopper-status', { hasText: 'Ответы и фото сохранены на сервере' }).waitFor({ timeout: 30000 });
    await page.locator('.photo-queue li', { hasText: 'отправлено' }).waitFor();
    const synced = await (await m.request.get(`${server.url}/api/v1/shopper-visits/${visitId}`)).json();
    const scored = questions.filter((q) => q.kind !== 'photo').length;
    assert.equal(synced.visit.answers, scored, 'every answer is on the server');
    assert.equal(synced.visit.photos, start.photos + 1, 'the photo is on the server, once');
    assert.equal(synced.visit.state, 'planned', 'not signed off yet');
    assert.equal(synced.questions.find((q) => q.no === critical.no).value, 'no');

    // Sign off: the score, and the form is locked.
    await page.getByRole('button', { name: 'Подписать и отправить' }).click();
    const status = page.locator('#shopper-status', { hasText: 'Проверка подписана и отправлена' });
    await status.waitFor({ timeout: 30000 });
    assert.match(await status.innerText(), /Оценка: \d+ из 100 · не пройдена \(провален критичный вопрос\)/);
    assert.equal(await page.locator('#shopper-form[data-locked] textarea[disabled]').count() > 0, true, 'the form is locked');
    await screenshot(page, 'shopper-form-signed-off-390');

    // The link has done its job: it no longer opens the form, and says why.
    await page.reload();
    await hydrated(page);
    await page.locator('#link-error', { hasText: 'ссылка больше не действует' }).waitFor();
    assert.equal(await page.locator('#shopper-form').count(), 0);

    // The marketer: the score, the failed critical question, the photo, the corrective task.
    const done = await (await m.request.get(`${server.url}/api/v1/shopper-visits/${visitId}`)).json();
    assert.equal(done.visit.state, 'signed_off');
    assert.equal(done.visit.signed_off_by, 'Мария Внешняя');
    await m.goto(`${server.url}/shopper-visits/${visitId}`);
    await hydrated(m);
    await m.locator('#visit-score', { hasText: `${done.visit.score} из 100` }).waitFor();
    assert.match(await m.locator(`.answer[data-question="${critical.no}"]`).innerText(), /нет[\s\S]*не выполнено/);
    const img = m.locator('#visit-result .photos img').first();
    await img.waitFor();
    await m.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    const task = m.locator('#corrective-tasks a[href^="/tasks/"]').first();
    await task.waitFor();
    assert.match(await task.innerText(), /Тайный покупатель/);
    assert.match(await m.locator('#signed-off').innerText(), /Мария Внешняя/);
    await screenshot(m, 'shopper-visit-marketer-1280');
    await task.click();
    await m.waitForURL(/\/tasks\/\d+$/);
    await hydrated(m);
    assert.match(await m.locator('#task').innerText(), /Тайный покупатель/);

    // The store's trend on the board shows the new score.
    await m.goto(`${server.url}/shopper-visits`);
    await hydrated(m);
    const row = m.locator(`#trends tr[data-store="${done.visit.store_id}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`${done.visit.score}`));
    // And beside the store's figures on the campaign page.
    await m.goto(`${server.url}/campaigns/${done.visit.campaign_id}`);
    await hydrated(m);
    await m.locator(`#attribution-stores tr[data-store-id="${done.visit.store_id}"] .shopper-score`, { hasText: String(done.visit.score) }).waitFor();

    assert.deepEqual(realErrors(phone.errors), [], 'no console or page errors on the phone');
    assert.deepEqual(marketer.errors, [], 'no console or page errors for the marketer');
  } catch (e) {
    const p = phone.context.pages()[0];
    if (p) { await screenshot(p, 'shopper-failure-phone').catch(() => {}); console.log('phone at', p.url(), phone.errors); }
    const mp = marketer.context.pages()[0];
    if (mp) { await screenshot(mp, 'shopper-failure-marketer').catch(() => {}); console.log('marketer at', mp.url(), marketer.errors); }
    throw e;
  } finally {
    await Promise.all([marketer.close(), phone.close()]);
  }
});

test('the marketer corrects a signed-off visit on the record, and edits the question list as a new version', async () => {
  const marketer = await startBrowser({ viewport: PHONE });
  try {
    const m = await marketer.page();
    await signInAsMarketer(m);
    // A signed-off visit with a failed yes/no question (the first test signed one off).
    const visits = await (await m.request.get(`${server.url}/api/v1/shopper-visits?state=signed_off`)).json();
    let v = null, detail = null, failed = null;
    for (const candidate of visits) {
      const d = await (await m.request.get(`${server.url}/api/v1/shopper-visits/${candidate.id}`)).json();
      const f = d.questions.find((q) => q.failed && q.question.kind === 'yes_no');
      if (f) { v = candidate; detail = d; failed = f; break; }
    }
    assert.ok(v, 'a signed-off visit with a failed yes/no question');
    await m.goto(`${server.url}/shopper-visits/${v.id}`);
    await hydrated(m);
    await m.locator('#correction summary').click();
    // The marketer puts the "no" right after a call with the store.
    await m.locator(`#correction-form fieldset[data-question="${failed.no}"] label.choice`, { hasText: /^да$/ }).click();
    await m.getByRole('button', { name: 'Сохранить исправление' }).click();
    await m.locator('#corrected', { hasText: 'Анна Маркетова' }).waitFor();
    const after = await (await m.request.get(`${server.url}/api/v1/shopper-visits/${v.id}`)).json();
    assert.equal(after.questions.find((q) => q.no === failed.no).value, 'yes');
    assert.ok(after.visit.score > detail.visit.score, 'rescored');
    assert.equal(await m.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 0);

    // The question list: a new question, saved as version 2.
    await m.goto(`${server.url}/campaigns/${v.campaign_id}/shopper-questions`);
    await hydrated(m);
    const current = await (await m.request.get(`${server.url}/api/v1/campaigns/${v.campaign_id}/shopper-questions`)).json();
    await m.locator('#questions-version', { hasText: `Версия ${current.version}` }).waitFor();
    const rows = await m.locator('.question-row').count();
    await m.getByRole('button', { name: 'Добавить вопрос' }).click();
    const added = m.locator('.question-row').nth(rows);
    await added.locator('textarea[name$="[text]"]').fill('Сотрудник назвал адрес клиники');
    await added.locator('select[name$="[kind]"]').selectOption('choice');
    await added.locator('textarea[name$="[choices]"]').fill('Точно = 100\nПримерно = 50\nНет = 0');
    await m.getByRole('button', { name: 'Сохранить новой версией' }).click();
    await m.locator('#questions-version', { hasText: `Версия ${current.version + 1}` }).waitFor();
    const list = await (await m.request.get(`${server.url}/api/v1/campaigns/${v.campaign_id}/shopper-questions`)).json();
    assert.equal(list.version, current.version + 1);
    assert.equal(list.questions.length, rows + 1);
    assert.deepEqual(list.questions.at(-1).choices.map((c) => c.points), [100, 50, 0]);
    assert.deepEqual(marketer.errors, [], 'no console or page errors');
  } finally {
    await marketer.close();
  }
});

test('what the phone kept comes back into the form after a reload and is sent when the server answers again', async () => {
  const marketer = await startBrowser({ viewport: { width: 1280, height: 860 } });
  const phone = await startBrowser({ viewport: PHONE, serviceWorkers: 'block' });
  try {
    const m = await marketer.page();
    await signInAsMarketer(m);
    // A second visit this week, and an outside shopper's link for it.
    const campaigns = await (await m.request.get(`${server.url}/api/v1/campaigns`)).json();
    const campaign = campaigns.find((c) => c.status === 'active');
    const list = await (await m.request.get(`${server.url}/api/v1/campaigns/${campaign.id}/shopper-questions`)).json();
    const saved = await m.request.put(`${server.url}/api/v1/campaigns/${campaign.id}/shopper-questions`, {
      data: { pass_mark: list.pass_mark, questions: list.questions, visits_per_week: 2 }, headers: { Origin: server.url },
    });
    assert.equal(saved.status(), 200);
    const board = await (await m.request.get(`${server.url}/api/v1/campaigns/${campaign.id}/shopper-board`)).json();
    const visit = board.this_week.find((v) => v.state === 'planned' && !v.link_expires);
    assert.ok(visit, 'a second planned visit this week');
    const made = await m.request.post(`${server.url}/api/v1/shopper-visits/${visit.id}/link`, {
      data: { shopper_name: 'Пётр Внешний' }, headers: { Origin: server.url },
    });
    assert.equal(made.status(), 201);
    const { path: linkPath } = await made.json();

    // The server cannot be reached (a captive Wi-Fi, say), though the page loads.
    const page = await phone.page();
    await page.goto(`${server.url}${linkPath}`);
    await hydrated(page);
    await page.locator('#shopper-form[data-bound]').waitFor();
    await page.route('**/api/v1/shopper-links/**', (r) => r.abort('internetdisconnected'));
    const yesNo = page.locator('fieldset[data-kind="yes_no"]').first();
    const no = Number(await yesNo.getAttribute('data-question'));
    await yesNo.locator('label.choice', { hasText: /^нет$/ }).click();
    const photoQ = page.locator('fieldset[data-kind="photo"]').first();
    const photoNo = Number(await photoQ.getAttribute('data-question'));
    await page.setInputFiles(`#p${photoNo}`, PHOTO);
    await page.locator('#shopper-status', { hasText: 'Нет связи' }).waitFor({ timeout: 10000 });

    // A reload: the answer is back in its place and the photo still waits.
    await page.reload();
    await hydrated(page);
    await page.locator(`#q${no} input[value="no"]:checked`).waitFor({ state: 'attached' });
    await page.locator(`#q${photoNo} .photo-queue li`, { hasText: 'ждёт отправки' }).waitFor();
    await page.locator('#shopper-status', { hasText: 'Нет связи' }).waitFor({ timeout: 10000 });

    // The server answers again: one press sends both, once.
    await page.unroute('**/api/v1/shopper-links/**');
    await page.getByRole('button', { name: 'Сохранить', exact: true }).click();
    await page.locator('#shopper-status', { hasText: 'Ответы и фото сохранены на сервере' }).waitFor({ timeout: 30000 });
    const detail = await (await m.request.get(`${server.url}/api/v1/shopper-visits/${visit.id}`)).json();
    assert.equal(detail.questions.find((q) => q.no === no).value, 'no');
    assert.equal(detail.visit.photos, 1);
    assert.deepEqual(realErrors(phone.errors), [], 'no console or page errors on the phone');
  } finally {
    await Promise.all([marketer.close(), phone.close()]);
  }
});
