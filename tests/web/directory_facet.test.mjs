// Filtering the directory by constituency type in a real browser (Debian's
// chromium, JavaScript off), in Japanese and in English: the list offers
// each type the reader may see with its count, however teams spelled it;
// a type seen only by members is not offered to the public.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, stopTest } from '../http/harness.mjs';
import { PASSWORD, cloneUser, csrfIn, setupSecretariat } from '../http/accounts.mjs';
import { launch, newPage, overflowsX, shot } from './browser.mjs';

const srv = await startServer();
let browser;

before(async () => {
  browser = await launch();
  const sec = await setupSecretariat(srv, { email: 'sec@example.jp' });
  cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'member@example.jp', name: 'Member', orgName: 'Some Team', orgKind: 'member' });
  const page = await srv.request('/account', { jar: sec.jar });
  const h = { 'content-type': 'application/json', 'x-csrf-token': csrfIn(page.text) };
  const type = (value, visibility = 'public') => ({ kind: 'type', value, visibility });
  const teams = [
    ['univ-csirt', { name: { en: 'University CSIRT', ja: '大学シーサート' }, sector: 'education', constituency: [type('学生と教職員'), type('Students and staff')] }],
    ['college-csirt', { name: { en: 'College CSIRT', ja: 'カレッジシーサート' }, sector: 'education', constituency: [type('students and staff ')] }],
    ['bank-csirt', { name: { en: 'Bank CSIRT', ja: '銀行シーサート' }, sector: 'finance', constituency: [type('Customers'), type('Group companies', 'members')] }],
  ];
  for (const [slug, body] of teams) {
    const r = await srv.request('/api/v1/teams', { method: 'POST', jar: sec.jar, headers: h, body: JSON.stringify({ slug, name_en: body.name.en }) });
    assert.equal(r.status, 201, r.text);
    const p = await srv.request(`/api/v1/teams/${slug}`, { method: 'PATCH', jar: sec.jar, headers: h, body: JSON.stringify(body) });
    assert.equal(p.status, 200, p.text);
  }
});
after(async () => {
  await browser?.close();
});

const names = (page) => page.locator('.team-name').allTextContents();

test('in Japanese, the public filters by a constituency type written two ways', async () => {
  const page = await newPage(browser, { locale: 'ja-JP' });
  await page.goto(srv.base + '/directory');
  const options = await page.getByLabel('対象種別').locator('option').allTextContents();
  assert.deepEqual(options, ['すべて', 'Customers (1)', 'Students and staff (2)', '学生と教職員 (1)']);
  await page.getByLabel('対象種別').selectOption({ label: 'Students and staff (2)' });
  await page.getByRole('button', { name: '表示' }).click();
  assert.deepEqual((await names(page)).sort(), ['カレッジシーサート', '大学シーサート']);
  assert.match(await page.locator('#results-title').textContent(), /2 チーム/);
  assert.equal(await page.getByLabel('対象種別').inputValue(), 'Students and staff', 'the choice stays selected');
  await shot(page, 'directory-constituency-type-ja');
});

test('in English, a member sees the members-only type too and combines it with industry', async () => {
  const page = await newPage(browser, { locale: 'en-US' });
  await page.goto(srv.base + '/signin?lang=en');
  await page.getByLabel('Email address').fill('member@example.jp');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.goto(srv.base + '/directory?lang=en');
  assert.ok((await page.getByLabel('Constituency type').locator('option').allTextContents()).includes('Group companies (1)'));
  await page.getByLabel('Industry').selectOption({ value: 'finance' });
  await page.getByLabel('Constituency type').selectOption({ label: 'Group companies (1)' });
  await page.getByRole('button', { name: 'Show' }).click();
  assert.deepEqual(await page.locator('.team-name').evaluateAll((as) => as.map((a) => a.getAttribute('href'))), ['/directory/bank-csirt']);
  // The member's own language (Japanese) applies after the form is sent: the same search in English.
  await page.goto(page.url() + '&lang=en');
  assert.equal(await page.getByLabel('Constituency type').inputValue(), 'Group companies');
  assert.match(await page.locator('#results-title').textContent(), /1 team/);
  await shot(page, 'directory-constituency-type-en');
  const anon = await newPage(browser, { locale: 'en-US' });
  await anon.goto(srv.base + '/directory?lang=en');
  assert.ok(!(await anon.getByLabel('Constituency type').locator('option').allTextContents()).some((o) => /Group companies/.test(o)),
    'not offered to the public');
});

test('the filters at 360 px do not scroll sideways', async () => {
  const page = await newPage(browser, { locale: 'ja-JP', width: 360, height: 740 });
  await page.goto(srv.base + '/directory?constituency_type=students%20and%20staff');
  assert.equal(await overflowsX(page), false);
  await shot(page, 'directory-constituency-type-narrow');
});

stopTest(srv);
