// The directory in a real browser (Debian's chromium, JavaScript off):
// search in Japanese and English, filter by industry, open a team's page;
// a member team sees the emergency phone, the public does not.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, stopTest } from '../http/harness.mjs';
import { PASSWORD, cloneUser, csrfIn, setupSecretariat, signIn } from '../http/accounts.mjs';
import { launch, newPage, overflowsX, shot } from './browser.mjs';

const srv = await startServer();
let browser;

before(async () => {
  browser = await launch();
  const sec = await setupSecretariat(srv, { email: 'sec@example.jp' });
  cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'member@example.jp', name: 'Member', orgName: 'Some Team', orgKind: 'member' });
  const page = await srv.request('/account', { jar: sec.jar });
  const h = { 'content-type': 'application/json', 'x-csrf-token': csrfIn(page.text) };
  const teams = [
    ['nca-security', { name: { en: 'NCA Security Team', ja: '日本セキュリティチーム' }, short_name: 'NCA-ST', sector: 'ict', region: 'kanto', csirt_type: 'coordination',
      contacts: [{ kind: 'email_incident', value: 'report@nca.example.jp' }, { kind: 'phone_emergency', value: '+81 3-1234-5678', hours: '24/7' }],
      texts: { overview: { ja: '会員間の連携を支援します。', en: 'We help member teams work together.' } },
      constituency: [{ kind: 'domain', value: 'nca.example.jp' }] }],
    ['bank-csirt', { name: { en: 'Bank CSIRT', ja: '銀行シーサート' }, sector: 'finance', region: 'kansai', csirt_type: 'organisational' }],
    ['maker-psirt', { name: { en: 'Maker PSIRT', ja: 'メーカー PSIRT' }, sector: 'manufacturing', region: 'chubu', csirt_type: 'product' }],
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

test('search in Japanese finds a word inside a name, and the team page opens', async () => {
  const page = await newPage(browser, { locale: 'ja-JP' });
  await page.goto(srv.base + '/directory');
  assert.match(await page.locator('#results-title').textContent(), /3 チーム/);
  await shot(page, 'directory-ja');
  await page.getByLabel('名称・組織・説明文').fill('セキュリティ');
  await page.getByRole('button', { name: '検索' }).click();
  const names = await page.locator('.team-name').allTextContents();
  assert.deepEqual(names, ['日本セキュリティチーム']);
  await page.getByRole('link', { name: '日本セキュリティチーム' }).click();
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), '日本セキュリティチーム (NCA-ST)');
  const text = await page.locator('main').textContent();
  assert.match(text, /report@nca\.example\.jp/);
  assert.doesNotMatch(text, /\+81 3-1234-5678/, 'the emergency phone is for members only');
  assert.match(text, /会員間の連携を支援します/);
  await shot(page, 'team-public-ja');
});

test('in English, filter by industry; a member team sees the emergency phone', async () => {
  const page = await newPage(browser, { locale: 'en-US' });
  await page.goto(srv.base + '/signin?lang=en');
  await page.getByLabel('Email address').fill('member@example.jp');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.goto(srv.base + '/directory?lang=en');
  await page.getByLabel('Industry').selectOption({ label: 'Finance and insurance (1)' });
  await page.getByRole('button', { name: 'Show' }).click();
  // The member's own language setting (Japanese) applies after the form is sent.
  assert.deepEqual(await page.locator('.team-name').evaluateAll((as) => as.map((a) => a.getAttribute('href'))), ['/directory/bank-csirt']);
  await shot(page, 'directory-filtered-en');
  await page.goto(srv.base + '/directory/nca-security?lang=en');
  assert.match(await page.locator('main').textContent(), /24\/7 emergency phone: \+81 3-1234-5678/);
  await shot(page, 'team-member-en');
});

test('the directory at 360 px does not scroll sideways', async () => {
  const page = await newPage(browser, { locale: 'ja-JP', width: 360, height: 740 });
  for (const path of ['/directory', '/directory/nca-security']) {
    await page.goto(srv.base + path);
    assert.equal(await overflowsX(page), false, `${path} overflows at 360 px`);
  }
  await shot(page, 'team-narrow');
});

stopTest(srv);
