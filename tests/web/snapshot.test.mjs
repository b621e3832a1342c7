// The offline snapshot in a real browser (Debian's chromium, JavaScript
// off): a member finds the download box on the directory page, and the
// HTML snapshot, opened from a file as it would be when the platform is
// down, shows both languages, the 24/7 phones first, every team's record,
// loads nothing from anywhere, fits 360 px and prints. Screenshots in
// tests/web/screenshots/snapshot-*.png, the file itself beside them.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { startServer, stopTest } from '../http/harness.mjs';
import { PASSWORD, cloneUser, csrfIn, setupSecretariat, signIn, sql } from '../http/accounts.mjs';
import { launch, newPage, overflowsX, shot, shotDir } from './browser.mjs';

const srv = await startServer();
let browser, file;

before(async () => {
  browser = await launch();
  const sec = await setupSecretariat(srv, { email: 'sec@example.jp' });
  cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'member@example.jp', name: 'Member', orgName: 'Some Team', orgKind: 'member' });
  const page = await srv.request('/account', { jar: sec.jar });
  const h = { 'content-type': 'application/json', 'x-csrf-token': csrfIn(page.text) };
  const teams = [
    ['nca-security', { name: { en: 'NCA Security Team', ja: '日本セキュリティチーム' }, short_name: 'NCA-ST', sector: 'ict', region: 'kanto',
      csirt_type: 'coordination', website: 'https://nca.example.jp/', tz: 'Asia/Tokyo',
      business_hours: { en: 'Weekdays 9:00-17:30', ja: '平日 9:00〜17:30' }, address: { en: '1-1 Chiyoda, Tokyo', ja: '東京都千代田区1-1' },
      contacts: [{ kind: 'phone_emergency', value: '+81 3-1234-5678', hours: '24/7' }, { kind: 'email_incident', value: 'report@nca.example.jp' },
        { kind: 'phone_voice', value: '03-1234-0000', hours: '9-17' }],
      people: [{ name: '佐藤 一郎', role: 'primary_poc', email: 'sato@nca.example.jp', phone: '03-1234-0001' }],
      texts: { incident_reporting: { en: 'Mail report@nca.example.jp, encrypted with our key.', ja: 'report@nca.example.jp へ暗号化して送ってください。' } },
      constituency: [{ kind: 'domain', value: 'nca.example.jp' }, { kind: 'asn', value: 'AS64500' }, { kind: 'cidr', value: '192.0.2.0/24' }] }],
    ['bank-csirt', { name: { en: 'Bank CSIRT', ja: '銀行シーサート' }, sector: 'finance', region: 'kansai', csirt_type: 'organisational',
      contacts: [{ kind: 'email_incident', value: 'csirt@bank.example.jp' }] }],
    ['maker-psirt', { name: { en: 'Maker PSIRT', ja: 'メーカー PSIRT' }, sector: 'manufacturing', region: 'chubu', csirt_type: 'product',
      contacts: [{ kind: 'phone_emergency', value: '+81 52-000-1111', hours: '24/7' }] }],
  ];
  for (const [slug, body] of teams) {
    const r = await srv.request('/api/v1/teams', { method: 'POST', jar: sec.jar, headers: h, body: JSON.stringify({ slug, name_en: body.name.en }) });
    assert.equal(r.status, 201, r.text);
  }
  // An OpenPGP key row as the key API stores it (gpg is not needed to show one).
  sql(srv, `INSERT INTO team_keys (team_id, fingerprint, algo, created, expires, uids, armored, visibility)
            SELECT id, '0123456789ABCDEF0123456789ABCDEF01234567', 'ed25519', 1700000000, 1900000000,
                   '[{"name":"NCA Security Team","email":"report@nca.example.jp","comment":""}]', '', 'public'
            FROM teams WHERE slug = 'nca-security'`);
  // The records last: each edit asks the server for a new snapshot.
  for (const [slug, body] of teams) {
    const p = await srv.request(`/api/v1/teams/${slug}`, { method: 'PATCH', jar: sec.jar, headers: h, body: JSON.stringify(body) });
    assert.equal(p.status, 200, p.text);
  }
  const { jar } = await signIn(srv, 'member@example.jp', PASSWORD);
  let r;
  for (let i = 0; i < 200; i++) {
    r = await srv.request('/api/v1/directory/snapshot.html', { jar });
    if (r.status === 200 && r.text.includes('+81 52-000-1111') && r.text.includes('0123 4567')) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal(r.status, 200, r.text.slice(0, 300));
  // Kept beside the screenshots, for a person to open and print.
  file = join(shotDir, 'snapshot.html');
  writeFileSync(file, r.body);
});
after(async () => {
  await browser?.close();
});

test('a member sees the offline snapshot box on the directory page', async () => {
  const page = await newPage(browser, { locale: 'en-US' });
  await page.goto(srv.base + '/signin?lang=en');
  await page.getByLabel('Email address').fill('member@example.jp');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.goto(srv.base + '/directory?lang=en');
  const box = page.locator('section.snapshot');
  assert.equal(await box.getByRole('heading').textContent(), 'Offline snapshot');
  assert.equal(await box.getByRole('link', { name: 'Download (HTML, printable)' }).getAttribute('href'), '/api/v1/directory/snapshot.html');
  assert.match(await box.textContent(), /Signing key: ed25519:/);
  await box.scrollIntoViewIfNeeded();
  await shot(page, 'snapshot-box-en');
});

test('the HTML snapshot opens from a file with nothing loaded from anywhere, in both languages', async () => {
  const page = await newPage(browser, { locale: 'ja-JP' });
  const requests = [];
  page.on('request', (req) => requests.push(req.url()));
  await page.goto(pathToFileURL(file).href);
  assert.deepEqual(requests, [pathToFileURL(file).href], 'only the file itself');
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Team directory: offline snapshot / チームディレクトリ（オフライン版）');
  // The quick reference: one row per team, the 24/7 phone in its own column.
  const rows = page.locator('table.quick tbody tr:not(.letter)');
  assert.equal(await rows.count(), 3);
  const nca = rows.filter({ hasText: 'NCA Security Team' });
  assert.match(await nca.locator('td.em').textContent(), /\+81 3-1234-5678 \(24\/7\)/);
  assert.match(await nca.textContent(), /日本セキュリティチーム/);
  // Every record, with what a reader looks for when the platform is down.
  const text = await page.locator('body').innerText();
  for (const s of ['銀行シーサート', 'Bank CSIRT', 'Maker PSIRT', 'AS64500', 'nca.example.jp', '0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567',
    '平日 9:00〜17:30', 'Finance and insurance / 金融・保険', 'report@nca.example.jp へ暗号化して送ってください。', '佐藤 一郎'])
    assert.ok(text.includes(s), `the page shows "${s}" (and so the browser's find does)`);
  // The name links of the quick reference lead to the records.
  await nca.getByRole('link', { name: 'NCA Security Team' }).click();
  assert.match(page.url(), /#team-nca-security$/);
  await page.goto(pathToFileURL(file).href);
  await shot(page, 'snapshot-html');
});

test('the HTML snapshot fits 360 px and has a print layout', async () => {
  const narrow = await newPage(browser, { locale: 'ja-JP', width: 360, height: 740 });
  await narrow.goto(pathToFileURL(file).href);
  assert.equal(await overflowsX(narrow), false, 'no sideways scrolling at 360 px');
  await shot(narrow, 'snapshot-narrow');
  const print = await newPage(browser, { locale: 'ja-JP', width: 794, height: 1123 });
  await print.goto(pathToFileURL(file).href);
  await print.emulateMedia({ media: 'print' });
  assert.equal(await print.locator('nav.index').isVisible(), false, 'the on-screen index is not printed');
  assert.equal(await print.locator('article.team').first().evaluate((e) => getComputedStyle(e).breakInside), 'avoid', 'a record is not split across pages');
  await shot(print, 'snapshot-print');
  const pdf = await print.pdf({ format: 'A4' });
  assert.ok(pdf.length > 10000, 'chromium prints it');
});

stopTest(srv);
