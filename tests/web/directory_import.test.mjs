// The secretariat's import page in a real browser, JavaScript off: paste
// an RFC 2350 document with a bad value, read the refusal in the report
// (in Japanese), correct it, check it with a dry run, import it, and find
// the team in the directory; then upload a file with the file input
// instead. At 360 px the page does not scroll sideways.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, stopTest } from '../http/harness.mjs';
import { PASSWORD, setupSecretariat } from '../http/accounts.mjs';
import { launch, newPage, overflowsX, shot } from './browser.mjs';

const srv = await startServer();
let browser;
before(async () => {
  browser = await launch();
  await setupSecretariat(srv, { email: 'sec@example.jp', name: '事務局 花子' });
});
after(async () => {
  await browser?.close();
});

async function signIn(page) {
  await page.goto(srv.base + '/signin?lang=en');
  await page.getByLabel('Email address').fill('sec@example.jp');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const doc = `Description of Browser Team, according to RFC 2350

2.1 Name of the Team
   Browser Team (BT)
2.3 Time Zone
   JST
2.7 Electronic Mail Address
   csirt@bt.example.jp (24/7)
3.1 Mission Statement
   We click.
9. Appendix
   Extra.
`;

test('paste, read the refusal, correct, dry run, import: in Japanese, without JavaScript', async () => {
  const page = await newPage(browser, { locale: 'ja-JP' });
  await signIn(page);
  await page.goto(srv.base + '/admin/directory/import?lang=ja');
  await page.getByRole('link', { name: 'チームの取り込み' }).first().waitFor();
  await page.getByLabel('形式').selectOption('');
  await page.getByLabel('ファイルの内容').fill(doc);
  await page.getByRole('button', { name: '取り込む' }).click();
  const report = page.locator('#import-report').locator('..');
  assert.match(await report.textContent(), /拒否された行があるため、何も書き込んでいません/);
  assert.match(await report.textContent(), /Asia\/Tokyo/, 'the refusal suggests the zone');
  assert.match(await report.textContent(), /9\. Appendix/, 'the unknown section is listed');
  await shot(page, 'admin-import-refused-ja');

  /* The pasted text is still there to correct. */
  const area = page.getByLabel('ファイルの内容');
  await area.fill((await area.inputValue()).replace('JST', 'Asia/Tokyo'));
  await page.getByLabel('ドライラン（確認のみ）').check();
  await page.getByRole('button', { name: '取り込む' }).click();
  assert.match(await page.locator('main').textContent(), /確認のみ（ドライラン）：何も書き込んでいません/);
  assert.match(await page.locator('main').textContent(), /作成されるチーム/);

  await page.getByLabel('ドライラン（確認のみ）').uncheck();
  await page.getByRole('button', { name: '取り込む' }).click();
  assert.match(await page.locator('main').textContent(), /取り込みました/);
  await shot(page, 'admin-import-done-ja');
  await page.getByRole('link', { name: 'bt', exact: true }).click();
  assert.match(await page.locator('main').textContent(), /Browser Team/);
});

test('upload a file instead of pasting: a refused CSV, then the corrected one, chosen with the file input', async () => {
  const page = await newPage(browser, { locale: 'ja-JP' });
  await signIn(page);
  await page.goto(srv.base + '/admin/directory/import?lang=ja');
  await page.getByLabel('ファイル', { exact: true }).setInputFiles({ name: 'チーム.csv', mimeType: 'text/csv', buffer: Buffer.from('slug,name_en,country\r\nup-web,Uploaded Team,XX\r\n') });
  await page.getByRole('button', { name: '取り込む' }).click();
  const main = page.locator('main');
  assert.match(await main.textContent(), /拒否された行があるため、何も書き込んでいません/);
  assert.match(await main.textContent(), /ファイル： チーム\.csv/);
  assert.match(await main.textContent(), /country: XX/);
  assert.equal(await page.getByLabel('ファイルの内容').inputValue(), '', 'the file is not pasted back');
  await shot(page, 'admin-import-upload-refused-ja');

  /* The page starts as a dry run: check the corrected file, then import
   * it (a file input is empty again on each page, so choose it again). */
  const fixed = { name: 'teams-fixed.csv', mimeType: 'text/csv', buffer: Buffer.from('slug,name_en,country\r\nup-web,Uploaded Team,JP\r\n') };
  await page.getByLabel('ファイル', { exact: true }).setInputFiles(fixed);
  await page.getByRole('button', { name: '取り込む' }).click();
  assert.match(await main.textContent(), /確認のみ（ドライラン）：何も書き込んでいません/);
  assert.match(await main.textContent(), /作成されるチーム\s*1 up-web/);
  await page.getByLabel('ドライラン（確認のみ）').uncheck();
  await page.getByLabel('ファイル', { exact: true }).setInputFiles(fixed);
  await page.getByRole('button', { name: '取り込む' }).click();
  assert.match(await main.textContent(), /取り込みました/);
  assert.match(await main.textContent(), /ファイル： teams-fixed\.csv/);
  await page.getByRole('link', { name: 'up-web', exact: true }).click();
  assert.match(await main.textContent(), /Uploaded Team/);
});

test('the import page at 360 px does not scroll sideways, nor does its report', async () => {
  const page = await newPage(browser, { locale: 'en-US', width: 360, height: 740 });
  await signIn(page);
  await page.goto(srv.base + '/admin/directory/import?lang=en');
  assert.equal(await overflowsX(page), false);
  await page.getByLabel('Contents of the file').fill(doc.replace('Browser Team (BT)', 'Narrow Team (NT)'));
  await page.getByRole('button', { name: 'Import' }).click();
  await page.locator('p.notice.bad[role=alert]').waitFor();
  assert.equal(await overflowsX(page), false, 'the report fits');
  await shot(page, 'admin-import-360-en');
});

stopTest(srv);
