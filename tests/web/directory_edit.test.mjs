// Editing the directory in a real browser (Debian's chromium, JavaScript
// off), in Japanese and in English: a team admin opens their own record,
// changes fields, a contact and a constituency rule, and sees them on the
// team page; bad values come back next to the right field with the
// suggestion, everything else as typed, and nothing written; a team admin
// cannot open another team's form; the secretariat creates a team through
// /directory/new; and the directory's search, in both languages, with a
// filter. Screenshots at 1280 and 360 px go to tests/web/screenshots/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startServer, stopTest } from '../http/harness.mjs';
import { PASSWORD, cloneUser, csrfIn, setupSecretariat, sql, startSmtpSink } from '../http/accounts.mjs';
import { launch, newPage, overflowsX, shot } from './browser.mjs';

// A real MTA takes the sign-in notices at once, so no delivery retry
// writes to the database while a test compares its hash.
const sink = await startSmtpSink();
const srv = await startServer({ args: sink.serverArgs });
let browser;

// Each language's team admin, their team, and what they type.
const admins = {
  ja: { email: 'admin-a@example.jp', org: 'Team A', slug: 'team-a', nameField: '#f-name-ja', name: 'チームA セキュリティ室', rule: '198.51.100.0/24',
    phone: '03-1234-5678' },
  en: { email: 'admin-b@example.jp', org: 'Team B', slug: 'team-b', nameField: '#f-name-en', name: 'Team B Security Office', rule: 'AS64501',
    phone: '+81 6-1234-5678' },
};

before(async () => {
  browser = await launch();
  const sec = await setupSecretariat(srv, { email: 'sec@example.jp' });
  for (const a of Object.values(admins))
    cloneUser(srv, { fromEmail: 'sec@example.jp', email: a.email, name: a.org, orgName: a.org, orgKind: 'member', role: 'team_admin' });
  sql(srv, "UPDATE users SET lang = 'en' WHERE email IN ('admin-b@example.jp', 'sec@example.jp')");
  cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'admin-c@example.jp', name: 'Team C', orgName: 'Team C', orgKind: 'member', role: 'team_admin' });
  const page = await srv.request('/account', { jar: sec.jar });
  const h = { 'content-type': 'application/json', 'x-csrf-token': csrfIn(page.text) };
  const orgId = (name) => Number(sql(srv, `SELECT id FROM orgs WHERE name = '${name}'`));
  const teams = [
    ['team-a', { org_id: orgId('Team A') }, { name: { en: 'Team A', ja: 'チームA' }, sector: 'ict', region: 'kanto' }],
    ['team-b', { org_id: orgId('Team B') }, { name: { en: 'Team B', ja: 'チームB' }, sector: 'finance', region: 'kansai',
      contacts: [{ kind: 'email_incident', value: 'csirt@b.example.jp' }] }],
    ['nca-security', {}, { name: { en: 'NCA Security Team', ja: '日本セキュリティチーム' }, sector: 'ict', csirt_type: 'coordination',
      texts: { overview: { ja: '会員間の連携を支援します。', en: 'We help member teams work together.' } } }],
    ['maker-psirt', {}, { name: { en: 'Maker PSIRT', ja: 'メーカー PSIRT' }, sector: 'manufacturing', region: 'chubu', csirt_type: 'product' }],
  ];
  for (const [slug, create, body] of teams) {
    const r = await srv.request('/api/v1/teams', { method: 'POST', jar: sec.jar, headers: h, body: JSON.stringify({ slug, name_en: body.name.en, ...create }) });
    assert.equal(r.status, 201, r.text);
    const p = await srv.request(`/api/v1/teams/${slug}`, { method: 'PATCH', jar: sec.jar, headers: h, body: JSON.stringify(body) });
    assert.equal(p.status, 200, p.text);
  }
});
after(async () => {
  await browser?.close();
  sink.stop();
});

// The secretariat signed in at setup, from the same address: no notice.
const notified = new Set(['sec@example.jp']);
async function signedIn(email, { locale = 'ja-JP', width = 1280, height = 900 } = {}) {
  const page = await newPage(browser, { locale, width, height });
  await page.goto(srv.base + '/signin?lang=en');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The first sign-in from this address sends a notice: let it be delivered.
  if (!notified.has(email)) {
    await sink.waitFor(email);
    notified.add(email);
  }
  return page;
}

const words = {
  ja: { edit: 'このレコードを編集', save: '保存', saved: 'レコードを保存しました。', summary: /保存されませんでした（修正が必要な項目: 3 件）/,
    hostBits: /ホスト部のビットが 0 になっていません。192\.0\.2\.0\/24 のこと/, tz: /Asia\/Tokyo/, line: /1 行目/ },
  en: { edit: 'Edit this record', save: 'Save', saved: 'The record was saved.', summary: /Not saved\. Problems to fix: 3/,
    hostBits: /Host bits are set: did you mean 192\.0\.2\.0\/24\?/, tz: /use an IANA name such as Asia\/Tokyo/, line: /Line 1:/ },
};

for (const [lang, a] of Object.entries(admins)) {
  const w = words[lang];

  test(`${lang}: a team admin edits their record, a contact and a constituency rule, and sees them on the team page`, async () => {
    const page = await signedIn(a.email, { locale: lang === 'ja' ? 'ja-JP' : 'en-US' });
    await page.goto(`${srv.base}/directory/${a.slug}`);
    await page.getByRole('link', { name: w.edit }).click();
    assert.equal(new URL(page.url()).pathname, `/directory/${a.slug}/edit`);
    await page.locator(a.nameField).fill(a.name);
    await page.locator('#f-csirt_type').selectOption('organisational');
    await page.locator('#f-established').fill('2004-04-01');
    await page.locator('#f-visibility-address').selectOption('secretariat');
    await page.locator('#f-address-ja').fill('東京都千代田区1-1');
    await page.locator('#f-constituency-public').fill(`${a.rule}\n*.${a.slug}.example.jp`);
    // The first blank contact row, whichever number it has.
    const row = lang === 'ja' ? 0 : 1;
    await page.locator(`#f-contacts-${row}-kind`).selectOption('phone_emergency');
    await page.locator(`#f-contacts-${row}-value`).fill(a.phone);
    await page.locator(`#f-contacts-${row}-hours`).fill('24/7');
    await page.locator('#f-texts-overview-ja').fill('地域の連携窓口です。\n二行目です。');
    await shot(page, `team-edit-filled-${lang}`);
    await page.getByRole('button', { name: w.save, exact: true }).click();

    assert.equal(new URL(page.url()).pathname, `/directory/${a.slug}`);
    const main = await page.locator('main').textContent();
    assert.match(main, new RegExp(w.saved.replace('.', '\\.')));
    assert.ok(main.includes(a.rule), 'the rule is on the team page');
    assert.ok(main.includes(a.phone), 'the contact is on the team page');
    assert.ok(main.includes('2004-04-01'));
    assert.ok(main.includes('地域の連携窓口です。'));
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), a.name);
    await shot(page, `team-saved-${lang}`);

    // What the public sees: the address is now for the secretariat only.
    const pub = await newPage(browser, { locale: 'en-US' });
    await pub.goto(`${srv.base}/directory/${a.slug}?lang=en`);
    const pubText = await pub.locator('main').textContent();
    assert.ok(!pubText.includes('東京都千代田区'), 'the address is hidden from the public');
    assert.ok(pubText.includes(a.rule), 'the public rule is public');
    assert.ok(!pubText.includes(a.phone), 'a new phone number is for member teams unless chosen otherwise');
    const rec = await srv.request(`/api/v1/teams/${a.slug}`, { jar: null });
    assert.deepEqual(rec.json.constituency.map((r) => r.value).sort(), [a.rule, `*.${a.slug}.example.jp`].sort());

    // The same form at 360 px: one column, nothing to scroll sideways.
    const narrow = await signedIn(a.email, { locale: lang === 'ja' ? 'ja-JP' : 'en-US', width: 360, height: 740 });
    await narrow.goto(`${srv.base}/directory/${a.slug}/edit`);
    assert.equal(await overflowsX(narrow), false, 'the edit form overflows at 360 px');
    await shot(narrow, `team-edit-${lang}-360`);
    await page.goto(`${srv.base}/directory/${a.slug}/edit`);
    await shot(page, `team-edit-${lang}-1280`);
  });

  test(`${lang}: bad values come back next to their fields with the suggestion, the rest as typed, nothing written`, async () => {
    const page = await signedIn(a.email, { locale: lang === 'ja' ? 'ja-JP' : 'en-US' });
    await page.goto(`${srv.base}/directory/${a.slug}/edit`);
    const before = srv.dbHash();
    await page.locator('#f-short_name').fill('SHORT-' + lang);
    await page.locator('#f-tz').fill('JST');
    await page.locator('#f-constituency-public').fill('192.0.2.1/24');
    await page.locator('#f-contacts-0-kind').selectOption('email_general');
    await page.locator('#f-contacts-0-value').fill('bad@@example.jp');
    await page.locator('#f-texts-mission-en').fill('Typed mission text');
    await page.getByRole('button', { name: w.save, exact: true }).click();

    assert.equal(new URL(page.url()).pathname, `/directory/${a.slug}/edit`);
    assert.equal(srv.dbHash(), before, 'nothing was written');
    const summary = page.locator('.error-summary');
    assert.match(await summary.locator('h2').textContent(), w.summary);
    // Each problem next to its own field, and the field points at it.
    assert.match(await page.locator('#f-constituency-public-err').textContent(), w.line);
    assert.match(await page.locator('#f-constituency-public-err').textContent(), w.hostBits);
    assert.match(await page.locator('#f-tz-err').textContent(), w.tz);
    assert.ok((await page.locator('#f-contacts-0-value-err').textContent()).length > 5);
    assert.equal(await page.locator('#f-tz').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#f-tz').getAttribute('aria-describedby'), /f-tz-err/);
    // The summary links to the fields.
    const hrefs = await summary.locator('a').evaluateAll((as) => as.map((x) => x.getAttribute('href')));
    assert.deepEqual(hrefs, ['#f-tz', '#f-contacts-0-value', '#f-constituency-public']);
    // Everything typed is still there.
    assert.equal(await page.locator('#f-short_name').inputValue(), 'SHORT-' + lang);
    assert.equal(await page.locator('#f-tz').inputValue(), 'JST');
    assert.equal(await page.locator('#f-contacts-0-value').inputValue(), 'bad@@example.jp');
    assert.equal(await page.locator('#f-contacts-0-kind').inputValue(), 'email_general');
    assert.equal(await page.locator('#f-texts-mission-en').inputValue(), 'Typed mission text');
    assert.equal(await page.locator('#f-constituency-public').inputValue(), '192.0.2.1/24');
    await shot(page, `team-edit-errors-${lang}-1280`);
    await page.setViewportSize({ width: 360, height: 740 });
    assert.equal(await overflowsX(page), false);
    await shot(page, `team-edit-errors-${lang}-360`);

    // Following the suggestion saves.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator('#f-tz').fill('Asia/Tokyo');
    await page.locator('#f-constituency-public').fill('192.0.2.0/24');
    await page.locator('#f-contacts-0-value').fill('info@example.jp');
    await page.getByRole('button', { name: w.save, exact: true }).click();
    assert.equal(new URL(page.url()).pathname, `/directory/${a.slug}`);
    assert.notEqual(srv.dbHash(), before);
  });
}

test('ja: keys on the edit page: a private key is refused with the reason, a public key is listed, then removed', async () => {
  const home = mkdtempSync(join(tmpdir(), 'shisa-gpg-'));
  const gpg = (...args) => execFileSync('gpg', ['--homedir', home, '--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  gpg('--quick-gen-key', 'Team A CSIRT <pgp@a.example.jp>', 'ed25519', 'default', '20d');
  const pub = gpg('--armor', '--export', 'pgp@a.example.jp');
  const priv = gpg('--armor', '--export-secret-keys', 'pgp@a.example.jp');
  rmSync(home, { recursive: true, force: true });
  const page = await signedIn(admins.ja.email);
  await page.goto(`${srv.base}/directory/team-a/edit`);
  await page.locator('#f-armored').fill(priv);
  await page.getByRole('button', { name: '鍵を追加' }).click();
  assert.match(await page.locator('#f-armored-err').textContent(), /秘密鍵/);
  assert.match(await page.locator('.error-summary h2').textContent(), /鍵は追加されませんでした/);
  await page.locator('#f-armored').fill(pub);
  await page.locator('#f-visibility').selectOption('members');
  await page.getByRole('button', { name: '鍵を追加' }).click();
  assert.match(await page.locator('.notice.ok').textContent(), /鍵を追加しました/);
  const key = page.locator('ul.keys > li');
  assert.equal(await key.count(), 1);
  assert.match(await key.textContent(), /pgp@a\.example\.jp/);
  assert.match(await key.textContent(), /30 日以内に期限切れ/, 'a key expiring soon is flagged');
  await page.locator('#keys').scrollIntoViewIfNeeded();
  await shot(page, 'team-edit-keys-ja');
  await key.getByRole('button', { name: /削除/ }).click();
  assert.match(await page.locator('.notice.ok').textContent(), /鍵を削除しました/);
  assert.equal(await page.locator('ul.keys > li').count(), 0);
});

test('a team admin cannot open or post to another team\'s edit form', async () => {
  const page = await signedIn(admins.ja.email);
  const r = await page.goto(`${srv.base}/directory/team-b/edit`);
  assert.equal(r.status(), 403);
  assert.match(await page.locator('main').textContent(), /チームの管理者と事務局だけ/);
  await page.goto(`${srv.base}/directory/team-b`);
  assert.equal(await page.getByRole('link', { name: 'このレコードを編集' }).count(), 0, 'no edit link on another team');
  const other = await signedIn('admin-c@example.jp');
  assert.equal((await other.goto(`${srv.base}/directory/new`)).status(), 403, 'only the secretariat creates records');
  await shot(page, 'team-edit-forbidden-ja');
});

test('the secretariat creates a team through /directory/new, then fills it in', async () => {
  const page = await signedIn('sec@example.jp', { locale: 'en-US' });
  await page.goto(`${srv.base}/directory`);
  await page.getByRole('link', { name: 'New team record' }).click();
  await page.getByLabel('Address in the directory (slug)').fill('Bad Slug');
  await page.getByLabel('English name').fill('Port CSIRT');
  await page.getByRole('button', { name: 'Create' }).click();
  assert.match(await page.locator('#f-slug-err').textContent(), /lowercase letters/);
  assert.equal(await page.getByLabel('English name').inputValue(), 'Port CSIRT');
  await shot(page, 'team-new-errors-en');
  await page.getByLabel('Address in the directory (slug)').fill('port-csirt');
  await page.getByLabel('Organisation (optional)').selectOption({ label: 'Team C' });
  await page.getByRole('button', { name: 'Create' }).click();
  assert.equal(new URL(page.url()).pathname, '/directory/port-csirt/edit');
  assert.match(await page.locator('.notice.ok').textContent(), /The team record was created/);
  await page.locator('#f-name-ja').fill('港湾シーサート');
  await page.locator('#f-sector').selectOption('transport');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  assert.equal(new URL(page.url()).pathname, '/directory/port-csirt');
  assert.match(await page.locator('main').textContent(), /Transport/);
  // Team C's admin may now edit it.
  const admin = await signedIn('admin-c@example.jp');
  assert.equal((await admin.goto(`${srv.base}/directory/port-csirt/edit`)).status(), 200);
  const page360 = await signedIn('sec@example.jp', { locale: 'en-US', width: 360, height: 740 });
  await page360.goto(`${srv.base}/directory/new`);
  assert.equal(await overflowsX(page360), false);
  await shot(page360, 'team-new-en-360');
});

test('search from the directory page in Japanese (inside a word) and in English, with a filter', async () => {
  const ja = await newPage(browser, { locale: 'ja-JP', width: 1280 });
  await ja.goto(srv.base + '/directory');
  await ja.getByLabel('名称・組織・説明文').fill('セキュリティ');
  await ja.getByRole('button', { name: '検索' }).click();
  const jaNames = await ja.locator('.team-name').allTextContents();
  assert.ok(jaNames.includes('日本セキュリティチーム'), jaNames.join(', '));
  assert.ok(jaNames.includes('チームA セキュリティ室'), 'the name saved through the form is searchable');
  assert.ok(!jaNames.includes('メーカー PSIRT'));
  await shot(ja, 'search-ja-1280');

  const en = await newPage(browser, { locale: 'en-US', width: 360, height: 740 });
  await en.goto(srv.base + '/directory?lang=en');
  await en.getByLabel('Name, organisation or text').fill('sec');
  await en.getByRole('button', { name: 'Search' }).click();
  const enSlugs = await en.locator('.team-name').evaluateAll((as) => as.map((x) => x.getAttribute('href')));
  assert.ok(enSlugs.includes('/directory/nca-security'), enSlugs.join(', '));
  assert.ok(enSlugs.includes('/directory/team-b'), 'Team B Security Office, saved through the form');
  assert.ok(!enSlugs.includes('/directory/maker-psirt'));
  await en.getByLabel('Industry').selectOption({ label: 'Finance and insurance (1)' });
  await en.getByRole('button', { name: 'Show' }).click();
  assert.deepEqual(await en.locator('.team-name').evaluateAll((as) => as.map((x) => x.getAttribute('href'))), ['/directory/team-b']);
  assert.equal(await overflowsX(en), false);
  await shot(en, 'search-en-360');
});

stopTest(srv);
