// Lighthouse (mobile form factor, default simulated throttling) on the pages Sarafan serves to
// phones: a participant's certificate `/c/{code}`, self-registration `/join/{campaign}/{store}`,
// the store staff home `/` and reception's check-in `/` and one of its answers (each signed in
// from an invite); and, for comparison, the marketer's home (the app's WebAssembly bundle). A
// bench, not a test: it prints the figures and fails only when something breaks. Run it with `bench/lighthouse.sh [--runs N]`.
//
// The server is the browser tests' one (tests/browser/lib.mjs: a fresh SQLite database, the demo
// clinic, the clinic clock at TEST_NOW); SARAFAN_BIN and SARAFAN_SITE_ROOT choose the build.
// Lighthouse drives Debian's Chromium (CHROMIUM, default /usr/bin/chromium). Full HTML reports
// are left in target/lighthouse/.
import fs from 'node:fs';
import path from 'node:path';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { startServer, startBrowser, signIn, invitePerson, acceptInviteLink } from '../../tests/browser/lib.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const reports = path.join(root, 'target/lighthouse');

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 1;
if (!(RUNS >= 1)) throw new Error('--runs takes a number ≥ 1');

/** The pages to measure, found on the demo clinic as a marketer: a handed-out certificate,
 * a campaign's poster link for a store, and a store employee's session (from an invite). */
async function pages(base) {
  const marketer = await startBrowser({ serviceWorkers: 'block' });
  try {
    const m = await marketer.page();
    await signIn(m, base);
    const json = async (p) => {
      const r = await m.request.get(`${base}${p}`);
      if (!r.ok()) throw new Error(`GET ${p}: ${r.status()}`);
      return r.json();
    };
    const campaign = (await json('/api/v1/campaigns'))[0];
    const stores = await json('/api/v1/stores');
    const store = stores.find((s) => s.name === 'Атлет на Тверской') ?? stores[0];
    const cert = (await json(`/api/v1/campaigns/${campaign.id}/certificates?state=handed_out&limit=1`))[0];
    if (!cert) throw new Error('the demo has no handed-out certificate');
    /** The session cookie of a person invited with `role` (signed in from the invite). */
    const session = async (name, role, storeName) => {
      const link = await invitePerson(m, base, name, role, storeName);
      const b = await startBrowser({ serviceWorkers: 'block' });
      try {
        await acceptInviteLink(await b.page(), base, link);
        return (await b.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      } finally {
        await b.close();
      }
    };
    const staff = await session('Лайтхаус Тест', 'store_staff', 'Фитнес-клуб «Атлет» — Атлет на Тверской');
    const desk = await session('Лайтхаус Ресепшн', 'reception');
    const marketerCookie = (await marketer.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    return [
      { name: 'certificate /c/{code}', url: `${base}${new URL(cert.url).pathname}` },
      { name: 'self-registration /join/{campaign}/{store}', url: `${base}/join/${campaign.id}/${store.id}` },
      { name: 'store staff home /', url: `${base}/`, headers: { Cookie: staff } },
      { name: 'reception check-in /', url: `${base}/`, headers: { Cookie: desk } },
      { name: 'check-in answer /checkin?code=…', url: `${base}/checkin?code=${cert.code}`, headers: { Cookie: desk } },
      { name: 'marketer home /', url: `${base}/`, headers: { Cookie: marketerCookie } },
    ];
  } finally {
    await marketer.close();
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

const server = await startServer({ demo: true });
let chrome;
let failed = false;
try {
  const targets = await pages(server.url);
  chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  fs.mkdirSync(reports, { recursive: true });
  const rows = [];
  for (const t of targets) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const result = await lighthouse(t.url, {
        port: chrome.port,
        output: 'html',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility'],
        extraHeaders: t.headers,
      });
      const { lhr } = result;
      if (lhr.runtimeError) throw new Error(`${t.name}: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
      for (const w of lhr.runWarnings ?? []) console.warn(`warning: ${t.name}: ${w}`);
      if (new URL(lhr.finalDisplayedUrl).pathname !== new URL(t.url).pathname) {
        throw new Error(`${t.name}: ended on ${lhr.finalDisplayedUrl}, not ${t.url} (signed out?)`);
      }
      const file = `${t.name.split(' ').slice(0, 2).join('-').replace(/[^\p{L}\p{N}-]/gu, '')}${RUNS > 1 ? `-${i + 1}` : ''}.html`;
      fs.writeFileSync(path.join(reports, file), result.report);
      const a = lhr.audits;
      runs.push({
        performance: Math.round(lhr.categories.performance.score * 100),
        accessibility: Math.round(lhr.categories.accessibility.score * 100),
        lcp: Math.round(a['largest-contentful-paint'].numericValue),
        tbt: Math.round(a['total-blocking-time'].numericValue),
        bytes: Math.round(a['total-byte-weight'].numericValue),
      });
    }
    const row = { page: t.name };
    for (const k of Object.keys(runs[0])) row[k] = median(runs.map((r) => r[k]));
    rows.push(row);
    console.log(`lighthouse: ${row.page}: performance ${row.performance}, accessibility ${row.accessibility}, LCP ${row.lcp} ms, TBT ${row.tbt} ms, ${row.bytes} bytes (${(row.bytes / 1024).toFixed(1)} KB) transferred${RUNS > 1 ? ` (median of ${RUNS})` : ''}`);
  }
  console.log(`\nLighthouse ${RUNS > 1 ? `(median of ${RUNS} runs) ` : ''}mobile, simulated throttling; server ${process.env.SARAFAN_BIN ?? 'target/debug/sarafan'}`);
  console.table(rows);
  console.log(`reports: ${reports}`);
} catch (e) {
  failed = true;
  console.error(`lighthouse bench failed: ${e.stack ?? e}`);
  if (server) console.error(`server output:\n${server.output().slice(-4000)}`);
} finally {
  if (chrome) chrome.kill();
  await server.stop();
}
process.exit(failed ? 1 : 0);
