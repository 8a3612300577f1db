// Page weight on a first visit (no cache, no service worker): every response's compressed bytes,
// headers included, summed per page and printed. The participants' own pages — self-registration
// from a poster, its success screen (the certificate), the certificate opened from its QR — come
// without the app's WebAssembly and must stay within 60 KB each; none registers a service worker.
// The sign-in pages (60 KB), the staff home and reception's check-in (300 KB each) come without
// it too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, hydrated, signIn, invitePerson, acceptInviteLink, weigh, PHONE } from './lib.mjs';

/** What a participant's phone may download for one page, everything included. */
const PARTICIPANT_BUDGET = 60 * 1024;
/** What the staff home or reception's check-in may download on a first visit. */
const WORK_BUDGET = 300 * 1024;

let server;
before(async () => { server = await startServer({ demo: true }); });
after(async () => { await server?.stop(); });

function print(name, { total, entries }) {
  for (const e of entries) console.log(`weight: ${name}: ${new URL(e.url).pathname}${new URL(e.url).search ? '?…' : ''} ${e.bytes} bytes`);
  console.log(`page weight (first visit, compressed): ${name} ${total} bytes (${(total / 1024).toFixed(1)} KB), ${entries.length} responses`);
}

/** Service workers registered for the page's origin, asked from the page itself. */
async function serviceWorkers(page) {
  return page.evaluate(async () => (navigator.serviceWorker ? (await navigator.serviceWorker.getRegistrations()).length : 0));
}

test('a participant\'s pages weigh at most 60 KB each on a first visit, with no WebAssembly and no service worker (figures printed)', async () => {
  const marketer = await startBrowser({ serviceWorkers: 'block' });
  let campaign;
  let store;
  try {
    const m = await marketer.page();
    await signIn(m, server.url);
    campaign = (await (await m.request.get(`${server.url}/api/v1/campaigns`)).json())[0];
    store = (await (await m.request.get(`${server.url}/api/v1/stores`)).json()).find((s) => s.name === 'Атлет на Тверской');
  } finally {
    await marketer.close();
  }
  const figures = {};
  const check = async (name, page, browser, weight) => {
    figures[name] = weight;
    print(name, weight);
    const wasm = weight.entries.filter((e) => /\.wasm(\?|$)/.test(e.url));
    assert.deepEqual(wasm, [], `${name}: no WebAssembly requested`);
    assert.equal(await page.locator('html[data-hydrated]').count(), 0, `${name}: nothing hydrates the page`);
    assert.equal(await serviceWorkers(page), 0, `${name}: no service worker registered`);
    assert.equal(browser.context.serviceWorkers().length, 0, `${name}: no service worker running`);
    assert.deepEqual(browser.errors, [], `${name}: no console or page errors`);
  };

  // A phone that has never seen Sarafan scans the poster (service workers allowed: none may come).
  const phone = await startBrowser({ viewport: PHONE });
  let code;
  try {
    const page = await phone.page();
    const cdp = await phone.context.newCDPSession(page);
    await cdp.send('Network.clearBrowserCache');
    await check('participant /join/{campaign}/{store}', page, phone,
      await weigh(page, () => page.goto(`${server.url}/join/${campaign.id}/${store.id}`)));
    await page.fill('input[name=name]', 'Лёгкая Страница');
    await page.fill('input[name=phone]', '8 (916) 404-40-40');
    await page.getByLabel('Я даю согласие на обработку моих персональных данных').check();
    // The success screen as if first seen: the post, its redirect and the certificate page.
    await cdp.send('Network.clearBrowserCache');
    const done = await weigh(page, () => Promise.all([
      page.waitForURL(/\/c\/[0-9A-Z]+\?new=1$/),
      page.getByRole('button', { name: 'Получить сертификат' }).click(),
    ]));
    await page.locator('#fresh-certificate').waitFor();
    assert.equal(await page.locator('.qr svg').count(), 1, 'the certificate\'s QR code');
    await check('participant join success (/c/{code}?new=1)', page, phone, done);
    code = (await page.locator('.big-code').textContent()).trim().replaceAll('-', '');
    // The phone confirmation by the SMS code (when the clinic sends one) is a plain form too:
    // a wrong code comes back with the reason at the field.
    if (await page.locator('#confirm-phone').count()) {
      await page.fill('input[name=sms_code]', '000000');
      await page.getByRole('button', { name: 'Подтвердить телефон' }).click();
      await page.locator('#confirm-phone', { hasText: 'неверный код из SMS' }).waitFor();
      assert.match(new URL(page.url()).pathname, /^\/c\//, 'back on the certificate');
      console.log('light pages: the SMS confirmation form answered a wrong code without WebAssembly');
    }
  } finally {
    await phone.close();
  }

  // Later, another phone opens the certificate from its QR code.
  const other = await startBrowser({ viewport: PHONE });
  try {
    const page = await other.page();
    await check('participant /c/{code}', page, other, await weigh(page, () => page.goto(`${server.url}/c/${code}`)));
    assert.equal(await page.locator('.qr svg').count(), 1, 'the QR code to show at reception');
  } finally {
    await other.close();
  }

  for (const [name, { total }] of Object.entries(figures)) {
    assert.ok(total <= PARTICIPANT_BUDGET, `${name} weighs ${total} bytes, over ${PARTICIPANT_BUDGET}`);
  }
});

test('signing in weighs at most 60 KB, the staff home and reception\'s check-in at most 300 KB each on a first visit, all without WebAssembly (figures printed)', async () => {
  const marketer = await startBrowser({ serviceWorkers: 'block' });
  const sessions = {};
  try {
    const m = await marketer.page();
    const login = await weigh(m, async () => {
      await m.goto(`${server.url}/login`);
      await hydrated(m);
    });
    print('sign-in /login', login);
    assert.deepEqual(login.entries.filter((e) => /\.wasm(\?|$)/.test(e.url)), [], 'no WebAssembly on the sign-in page');
    assert.ok(login.total <= PARTICIPANT_BUDGET, `the sign-in page weighs ${login.total} bytes`);
    await signIn(m, server.url);
    const people = {
      'store staff /': ['Лена Лёгкая', 'store_staff', 'Фитнес-клуб «Атлет» — Атлет на Тверской', '/'],
      'reception /checkin': ['Ира Лёгкая', 'reception', undefined, '/checkin'],
    };
    for (const [name, [person, role, storeName, path]] of Object.entries(people)) {
      const link = await invitePerson(m, server.url, person, role, storeName);
      const b = await startBrowser({ viewport: PHONE, serviceWorkers: 'block' });
      try {
        // Signing in from the invite on a new phone is plain HTML too: no bundle to sign in.
        const page = await b.page();
        const invite = await weigh(page, async () => {
          await page.goto(link);
          await hydrated(page);
        });
        print(`${name}: the invite`, invite);
        assert.deepEqual(invite.entries.filter((e) => /\.wasm(\?|$)/.test(e.url)), [], `${name}: no WebAssembly on the invite page`);
        assert.ok(invite.total <= PARTICIPANT_BUDGET, `${name}: the invite page weighs ${invite.total} bytes`);
        await acceptInviteLink(page, server.url, link);
        sessions[name] = { cookies: await b.context.cookies(), path };
      } finally {
        await b.close();
      }
    }
  } finally {
    await marketer.close();
  }
  for (const [name, { cookies, path }] of Object.entries(sessions)) {
    // A fresh profile with the session cookie and no service worker: everything over the network.
    const b = await startBrowser({ viewport: PHONE, serviceWorkers: 'block' });
    try {
      await b.context.addCookies(cookies);
      const page = await b.page();
      const weight = await weigh(page, async () => {
        await page.goto(`${server.url}${path}`);
        await hydrated(page);
      });
      print(name, weight);
      // The hand-out form runs on public/handout.js, the check-in on public/checkin.js.
      assert.deepEqual(weight.entries.filter((e) => /\.wasm(\?|$)/.test(e.url)), [], `${name}: no WebAssembly requested`);
      assert.equal(await page.locator('html[data-hydrated]').count(), 0, `${name}: nothing hydrates the page`);
      assert.ok(weight.total <= WORK_BUDGET, `${name} weighs ${weight.total} bytes, over ${WORK_BUDGET}`);
      assert.deepEqual(b.errors, [], `${name}: no console or page errors`);
    } finally {
      await b.close();
    }
  }
});
