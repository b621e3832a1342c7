// The statistics in a real browser (Debian's chromium): with the Nippon
// CSIRT Association's history loaded by `shisa stats import`, /stats as it
// stood on 2017-07-01 draws every chart in Japanese and English without a
// console error, the growth chart shows the seed document's curve (6 teams
// in 2007, 235 on 1 July 2017) with its projection, every chart file is
// SVG the browser reads, members see their charts too, and nothing is
// wider than a 360 px screen. Screenshots in tests/web/screenshots/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot, shisaBin, startServer, stopTest } from '../http/harness.mjs';
import { PASSWORD, cloneUser, setupSecretariat } from '../http/accounts.mjs';
import { launch, newPage, overflowsX, shot } from './browser.mjs';

const srv = await startServer();
let browser;
const AS_OF = '2017-07-01';
const PUBLIC_CHARTS = ['growth', 'monthly', 'joins', 'sector', 'region', 'csirt_type'];
const MEMBER_CHARTS = [...PUBLIC_CHARTS, 'department', 'staff', 'applications', 'stages'];

before(async () => {
  browser = await launch();
  await setupSecretariat(srv, { email: 'sec@example.jp' });
  cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'member@example.jp', name: 'Member', orgName: 'Member Team', orgKind: 'member' });
  const out = execFileSync(shisaBin, ['stats', 'import', '--db', srv.db, join(repoRoot, 'tests', 'fixtures', 'stats', 'nca_history.csv')], { encoding: 'utf8' });
  assert.match(out, /235 rows imported/);
});
after(async () => {
  await browser?.close();
});

// A page that records console errors and uncaught exceptions. The
// browser's own request for /favicon.ico (which shisa does not serve) is
// not the page's doing and is left out.
async function watched(opts) {
  const page = await newPage(browser, opts);
  page.errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/\/favicon\.ico$/.test(m.location()?.url ?? ''))
      page.errors.push(`${m.text()} (${m.location()?.url})`);
  });
  page.on('pageerror', (e) => page.errors.push(e.message));
  return page;
}

async function signIn(page, email) {
  await page.goto(srv.base + '/signin');
  await page.getByLabel(/メールアドレス|Email address/).fill(email);
  await page.getByLabel(/^パスワード$|^Password$/).fill(PASSWORD);
  await page.getByRole('button', { name: /サインイン|Sign in/ }).click();
}

for (const [locale, lang, heading, growthTitle] of [['ja-JP', 'ja', '協議会の数字', '加盟数（累積）の推移'], ['en-US', 'en', 'The association in numbers', 'Members over the years']]) {
  test(`/stats in ${lang}: every chart drawn, no console error, the seed's curve`, async () => {
    const page = await watched({ locale });
    await page.goto(`${srv.base}/stats?as_of=${AS_OF}`);
    assert.equal(await page.locator('html').getAttribute('lang'), lang);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), heading);
    // Each chart: an image with its accessible name, drawn at a real size.
    for (const id of PUBLIC_CHARTS) {
      const svg = page.locator(`#chart-${id} svg[role="img"]`);
      assert.equal(await svg.count(), 1, id);
      const box = await svg.boundingBox();
      assert.ok(box && box.width > 300 && box.height > 100, `${id}: ${JSON.stringify(box)}`);
    }
    assert.equal(await page.getByRole('img', { name: growthTitle }).count(), 1);
    // The growth chart: 6 at the end of 2007, 235 on 1 July 2017, dashed on to 2020.
    const growth = page.locator('#chart-growth');
    assert.equal(await growth.locator('tbody tr').first().locator('td').first().textContent(), '6');
    assert.match(await growth.locator('svg').innerHTML(), />235</);
    assert.equal(await growth.locator('svg path[stroke-dasharray]').count(), 1);
    assert.match(await growth.locator('p').first().textContent(), lang === 'en' ? /reaches 3,000 members in 2022/ : /2022年に 3,000 チームに達します/);
    assert.equal(await page.locator('#chart-department').count(), 0, 'the public sees no department chart');
    await shot(page, `stats-${lang}`);
    await growth.screenshot({ path: join(repoRoot, 'tests', 'web', 'screenshots', `stats-growth-${lang}.png`) });
    assert.deepEqual(page.errors, []);
  });
}

test('every chart file is SVG the browser reads', async () => {
  const files = {};
  for (const id of PUBLIC_CHARTS) {
    const r = await srv.request(`/stats/${id}.svg?as_of=${AS_OF}`);
    assert.equal(r.status, 200, id);
    files[id] = r.text;
  }
  const page = await watched({ locale: 'en-US', javaScript: true });
  await page.goto(`${srv.base}/stats?as_of=${AS_OF}`);
  const problems = await page.evaluate((texts) => {
    const out = [];
    for (const [id, text] of Object.entries(texts)) {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      if (doc.querySelector('parsererror') || doc.documentElement.localName !== 'svg')
        out.push(`${id}: ${doc.querySelector('parsererror')?.textContent ?? doc.documentElement.localName}`);
      if (doc.querySelector('script, foreignObject, [style]'))
        out.push(`${id}: script, foreign object or style`);
    }
    return out;
  }, files);
  assert.deepEqual(problems, []);
  // And one opened on its own, as the link from the page does (a whole-page
  // screenshot of an SVG document never finishes in chromium: the viewport).
  await page.goto(`${srv.base}/stats/growth.svg?as_of=${AS_OF}`);
  assert.equal(await page.evaluate(() => document.documentElement.localName), 'svg');
  await page.screenshot({ path: join(repoRoot, 'tests', 'web', 'screenshots', 'stats-growth-file.png') });
  assert.deepEqual(page.errors, []);
});

test('a member sees the members\' charts too', async () => {
  const page = await watched({ locale: 'ja-JP' });
  await signIn(page, 'member@example.jp');
  await page.goto(`${srv.base}/stats?as_of=${AS_OF}`);
  for (const id of MEMBER_CHARTS)
    assert.equal(await page.locator(`#chart-${id} svg[role="img"]`).count(), 1, id);
  assert.match(await page.locator('#chart-department').textContent(), /情報システム管理部門系/);
  await shot(page, 'stats-member-ja');
  for (const id of ['department', 'staff', 'applications'])
    await page.locator(`#chart-${id} .chart-figure`).screenshot({ path: join(repoRoot, 'tests', 'web', 'screenshots', `stats-member-${id}.png`) });
  assert.deepEqual(page.errors, []);
});

test('at 360 px nothing is wider than the screen, and the charts shrink to fit', async () => {
  const page = await watched({ locale: 'ja-JP', width: 360 });
  await page.goto(`${srv.base}/stats?as_of=${AS_OF}`);
  assert.equal(await overflowsX(page), false);
  const box = await page.locator('#chart-growth svg').boundingBox();
  assert.ok(box.width <= 340, `the growth chart is ${box.width} px wide`);
  await shot(page, 'stats-360');
  assert.deepEqual(page.errors, []);
});

test('the date field shows the figures of another day', async () => {
  const page = await watched({ locale: 'en-US' });
  await page.goto(`${srv.base}/stats`);
  await page.getByLabel('As of', { exact: true }).fill('2013-12-31');
  await page.getByRole('button', { name: 'Show' }).click();
  assert.match(page.url(), /as_of=2013-12-31/);
  assert.match(await page.locator('main').textContent(), /45 members on 2013-12-31\./);
  assert.deepEqual(page.errors, []);
});

stopTest(srv);
