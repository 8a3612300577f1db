// Every page, every role, full load: each kind of person signs in on a 390 px phone and opens
// every page the access policy lets them open by typing its address (a reload, a bookmark, a
// link from a message — no client-side navigation), then the window widens to 1280 px. No page
// may log a console error, panic while hydrating, or scroll sideways. The pass also records what
// each page weighs on a first visit (compressed bytes over the network).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, hydrated, screenshot, signIn, invitePerson, acceptInviteLink, lightPage, PHONE } from './lib.mjs';

let server;
before(async () => { server = await startServer({ demo: true }); });
after(async () => { await server?.stop(); });

const LAPTOP = { width: 1280, height: 860 };

const signInAsMarketer = (page) => signIn(page, server.url);
const invite = (page, name, role, store) => invitePerson(page, server.url, name, role, store);
const acceptInvite = (page, link) => acceptInviteLink(page, server.url, link);

/** The page's width beyond the window, in CSS pixels (0 when nothing scrolls sideways). */
async function overflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** Compressed bytes the page and everything it loaded took over the network. */
async function weight(page) {
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    return [nav, ...res].reduce((n, e) => n + (e?.transferSize ?? 0), 0);
  });
}

/** Full-loads each path at 390 px, then at 1280 px; returns {path: bytes}. */
async function visitAll(browser, role, paths, { signedIn = true } = {}) {
  const page = await browser.page();
  const cdp = await page.context().newCDPSession(page);
  const weights = {};
  for (const path of paths) {
    await page.setViewportSize(PHONE);
    // Every page weighed as on a phone that has never seen Sarafan.
    await cdp.send('Network.clearBrowserCache');
    const before = browser.errors.length;
    const response = await page.goto(`${server.url}${path}`);
    assert.equal(response.status(), 200, `${role} may open ${path}`);
    if (lightPage(path)) {
      // A participant's page is plain HTML: no bundle to hydrate it.
      await page.waitForLoadState('load');
      assert.equal(await page.locator('html[data-hydrated]').count(), 0, `${path} is not hydrated`);
    } else {
      await hydrated(page).catch((e) => {
        throw new Error(`${role}: ${path} did not hydrate: ${browser.errors.slice(before).join('\n')}\n${e}`);
      });
    }
    // Resources that load after hydration (lists, forms) must settle too.
    await page.waitForLoadState('networkidle');
    weights[path] = await weight(page);
    const name = `every-page-${role}-${path.replaceAll('/', '_') || 'home'}`;
    assert.equal(await overflow(page), 0, `${role}: ${path} does not scroll sideways at 390 px`);
    if (signedIn) {
      assert.equal(await page.locator('.form-error', { hasText: /недостаточно прав/i }).count(), 0,
        `${role}: ${path} is not refused`);
    }
    await screenshot(page, `${name}-390`);
    await page.setViewportSize(LAPTOP);
    assert.equal(await overflow(page), 0, `${role}: ${path} does not scroll sideways at 1280 px`);
    await screenshot(page, `${name}-1280`);
    assert.deepEqual(browser.errors.slice(before), [], `${role}: ${path} loads without a console error`);
  }
  return weights;
}

test('every role full-loads every page it may open at 390 px and 1280 px without an error or sideways scrolling', async () => {
  const marketer = await startBrowser({ viewport: PHONE, serviceWorkers: 'block' });
  const weights = {};
  try {
    const m = await marketer.page();
    await signInAsMarketer(m);
    const campaigns = await (await m.request.get(`${server.url}/api/v1/campaigns`)).json();
    const campaign = campaigns[0];
    const partners = await (await m.request.get(`${server.url}/api/v1/partners`)).json();
    const stores = await (await m.request.get(`${server.url}/api/v1/stores`)).json();
    const store = stores.find((s) => s.name === 'Атлет на Тверской');
    const certs = await (await m.request.get(
      `${server.url}/api/v1/campaigns/${campaign.id}/certificates?store_id=${store.id}&state=printed&limit=1`)).json();

    const links = {
      reception: await invite(m, 'Ирина Ресепшн', 'reception'),
      store_staff: await invite(m, 'Светлана Котова', 'store_staff', 'Фитнес-клуб «Атлет» — Атлет на Тверской'),
      mystery_shopper: await invite(m, 'Олег Проверкин', 'mystery_shopper'),
    };

    const participants = await (await m.request.get(`${server.url}/api/v1/participants`)).json();
    const imports = await (await m.request.get(`${server.url}/api/v1/campaigns/${campaign.id}/imports`)).json();
    assert.ok(imports.length > 0, 'the demo has a past import of paper forms');
    // Mystery-shopper visits: looked up, never assumed (the rotation makes this week's on the
    // first look); a signed-off one when the demo has one, and a planned one.
    const board = await (await m.request.get(`${server.url}/api/v1/campaigns/${campaign.id}/shopper-board`)).json();
    const visits = await (await m.request.get(`${server.url}/api/v1/shopper-visits`)).json();
    const signedOff = visits.find((v) => v.state === 'signed_off');
    const planned = visits.find((v) => v.state === 'planned');
    assert.ok(planned, 'this week has a planned visit');
    const visitPages = [signedOff, planned].filter(Boolean).map((v) => `/shopper-visits/${v.id}`);
    const outbox = await (await m.request.get(`${server.url}/api/v1/messages`)).json();
    assert.ok(outbox.counts.sent > 0 && outbox.counts.failed > 0 && outbox.counts.unknown > 0,
      'the demo\'s outbox shows sent, failed and unknown messages');
    const tasks = await (await m.request.get(`${server.url}/api/v1/campaigns/${campaign.id}/tasks?state=all`)).json();
    const posterTask = tasks.find((t) => t.code === '10' && t.store_id === store.id);
    const briefingTask = tasks.find((t) => t.code === '7');
    const partnerTask = tasks.find((t) => t.code === '13');
    weights.marketer = await visitAll(marketer, 'marketer', [
      '/', '/campaigns', `/campaigns/${campaign.id}`, `/campaigns/${campaign.id}/certificates`,
      `/campaigns/${campaign.id}/stock`, `/campaigns/${campaign.id}/stock?sort=store`,
      '/checkin', '/partners', `/partners/${partners[0].id}`, '/people', '/settings',
      '/participants', `/participants?q=${encodeURIComponent(participants[0].name.split(' ')[0])}`,
      `/participants/${participants[0].id}`,
      '/tasks', '/tasks?state=all', `/tasks?campaign=${campaign.id}&state=done`, '/checklist',
      `/tasks/${posterTask.id}`, `/tasks/${briefingTask.id}`, `/tasks/${partnerTask.id}`,
      `/campaigns/${campaign.id}/stores/${store.id}`,
      '/shopper-visits', `/shopper-visits?campaign=${campaign.id}`, `/campaigns/${campaign.id}/shopper-questions`,
      `/campaigns/${campaign.id}/import`, `/campaigns/${campaign.id}/import?upload=${imports[0].id}`,
      `/campaigns/${campaign.id}/report`, `/campaigns/${campaign.id}/motivation`,
      '/messages', '/messages?status=failed',
      ...visitPages,
    ]);
    assert.ok(board.this_week.length > 0, 'the board shows this week\'s visits');

    const pages = {
      reception: ['/', '/checkin'],
      store_staff: ['/', '/handout', '/stock'],
      mystery_shopper: ['/'],
    };
    /** The visit pages a role may open, looked up through the API as that role. */
    async function ownVisits(role, page) {
      const list = async () => (await (await page.request.get(`${server.url}/api/v1/shopper-visits`)).json());
      if (role === 'mystery_shopper') {
        let mine = await list();
        if (!mine.length) {
          // A new shopper account has nothing yet: the marketer assigns this week's visit.
          const shoppers = (await (await m.request.get(`${server.url}/api/v1/campaigns/${campaign.id}/shopper-board`)).json()).shoppers;
          const me = shoppers.find(([, name]) => name === 'Олег Проверкин');
          const r = await m.request.put(`${server.url}/api/v1/shopper-visits/${planned.id}`, { data: { shopper_id: me[0] }, headers: { Origin: server.url } });
          assert.equal(r.status(), 200, 'the marketer assigns the visit');
          mine = await list();
        }
        return mine.slice(0, 2).map((v) => `/shopper-visits/${v.id}`);
      }
      if (role === 'store_staff') {
        let seen = await list();
        if (!seen.length) {
          // The store's staff see a visit once it is announced (or signed off).
          const r = await m.request.put(`${server.url}/api/v1/shopper-visits/${planned.id}`, { data: { store_id: store.id, announced: true }, headers: { Origin: server.url } });
          assert.equal(r.status(), 200, 'the marketer announces a visit to the store');
          seen = await list();
        }
        assert.ok(seen.length > 0, 'the store sees its announced visit');
        return seen.slice(0, 2).map((v) => `/shopper-visits/${v.id}`);
      }
      return [];
    }
    for (const [role, paths] of Object.entries(pages)) {
      const b = await startBrowser({ viewport: PHONE, serviceWorkers: 'block' });
      try {
        const page = await b.page();
        await acceptInvite(page, links[role]);
        weights[role] = await visitAll(b, role, [...paths, ...await ownVisits(role, page)]);
        // A page the role may not open: 403 and a plain "no access", still without an error.
        const r = await page.goto(`${server.url}/campaigns/${campaign.id}/certificates`);
        assert.equal(r.status(), 403, `${role} may not open the printing page`);
        await hydrated(page);
        await page.locator('.form-error', { hasText: /недостаточно прав/i }).waitFor();
      } finally {
        await b.close();
      }
    }

    // An outside shopper's link (made for a planned visit) and one that no longer works.
    const open = visits.find((v) => v.state === 'planned' && v.id !== planned.id) ?? planned;
    const made = await m.request.post(`${server.url}/api/v1/shopper-visits/${open.id}/link`, { data: { shopper_name: 'Внешний покупатель' }, headers: { Origin: server.url } });
    assert.equal(made.status(), 201, 'the marketer makes an outside shopper\'s link');
    const link = (await made.json()).path;
    const anonymous = await startBrowser({ viewport: PHONE, serviceWorkers: 'block' });
    try {
      weights.anonymous = await visitAll(anonymous, 'anonymous', [
        '/login', `/c/${certs[0].code}`, `/join/${campaign.id}/${store.id}`,
        link, '/v/no-such-link',
      ], { signedIn: false });
      const page = await anonymous.page();
      await page.goto(`${server.url}${link}`);
      await hydrated(page);
      await page.locator('#shopper-form[data-bound]').waitFor();
      await page.goto(`${server.url}/v/no-such-link`);
      await hydrated(page);
      await page.locator('#link-error', { hasText: 'ссылка больше не действует' }).waitFor();
    } finally {
      await anonymous.close();
    }
  } finally {
    await marketer.close();
  }
  for (const [role, pages] of Object.entries(weights)) {
    for (const [path, bytes] of Object.entries(pages)) {
      console.log(`page weight (first visit, compressed): ${role} ${path} ${(bytes / 1024).toFixed(1)} KB`);
    }
  }
});

test('a signed-out visitor who opens a private page is sent to sign in', async () => {
  const b = await startBrowser({ viewport: PHONE, serviceWorkers: 'block' });
  try {
    const page = await b.page();
    const r = await page.goto(`${server.url}/campaigns`);
    assert.equal(new URL(page.url()).pathname, '/login', 'signed out: to the sign-in page');
    assert.equal(r.status(), 200);
    await hydrated(page);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
