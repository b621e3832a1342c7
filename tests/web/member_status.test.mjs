// Member status in a real browser, JavaScript off: the secretariat finds a
// member organisation in the list, opens its page, is told at the field
// what is wrong with an empty reason, suspends it, sees the status and the
// history; the organisation's admin is turned away at sign-in with the
// reason; the page in Japanese at 360 px does not scroll sideways.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, stopTest } from '../http/harness.mjs';
import { PASSWORD, cloneUser, setupSecretariat, sql } from '../http/accounts.mjs';
import { launch, newPage, overflowsX, shot } from './browser.mjs';

const srv = await startServer();
let browser, orgId;
before(async () => {
  browser = await launch();
  await setupSecretariat(srv, { email: 'sec@example.jp', name: '事務局 花子' });
  sql(srv, "UPDATE users SET lang = 'en' WHERE email = 'sec@example.jp'");
  cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'admin@kappa.example.jp', name: 'Kappa Admin', orgName: 'CSIRT Kappa', orgKind: 'member', role: 'team_admin' });
  orgId = sql(srv, "SELECT id FROM orgs WHERE name = 'CSIRT Kappa'");
  sql(srv, `INSERT INTO teams (org_id, slug, name_en, created_at, updated_at) VALUES (${orgId}, 'kappa', 'Kappa CSIRT', 0, 0)`);
});
after(async () => {
  await browser?.close();
});

async function signInAs(page, email, lang = 'en') {
  await page.goto(`${srv.base}/signin?lang=${lang}`);
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form[action="/signin"] button[type="submit"]').click();
}

test('the secretariat suspends an organisation from its page, told at the field what is missing', async () => {
  const page = await newPage(browser, { locale: 'en-US' });
  await signInAs(page, 'sec@example.jp');
  await page.goto(srv.base + '/admin/orgs?lang=en');
  await page.getByRole('link', { name: 'CSIRT Kappa' }).click();
  assert.match(page.url(), new RegExp(`/admin/orgs/${orgId}$`));
  assert.match(await page.locator('main').textContent(), /Membership status\s*Active/);
  await page.getByLabel('New status').selectOption('suspended');
  await page.getByLabel('Reason').fill('   ');
  await page.getByRole('button', { name: 'Change status' }).click();
  const error = page.locator('#reason-err');
  assert.equal(await error.textContent(), 'Required.');
  assert.equal(await page.getByLabel('Reason').getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Reason').fill('Annual dues unpaid.');
  await page.getByRole('button', { name: 'Change status' }).click();
  const main = await page.locator('main').textContent();
  assert.match(main, /The status was changed/);
  assert.match(main, /Suspended \(since/);
  assert.match(main, /Annual dues unpaid\./);
  assert.match(main, /事務局 花子/);
  await shot(page, 'admin-org-suspended');
  await page.goto(srv.base + '/admin/orgs?status=suspended&lang=en');
  assert.match(await page.locator('tbody').textContent(), /CSIRT Kappa/);
  await page.goto(srv.base + '/directory/kappa?lang=en');
  assert.match(await page.locator('main').textContent(), /hidden from everyone but the secretariat/);
});

test('the suspended organisation\'s admin is told why at sign-in', async () => {
  const page = await newPage(browser, { locale: 'en-US' });
  await signInAs(page, 'admin@kappa.example.jp');
  assert.match(await page.locator('[role="alert"]').textContent(), /membership is suspended, so you cannot sign in\. Contact the secretariat\./);
  await shot(page, 'signin-suspended');
  const ja = await newPage(browser);
  await signInAs(ja, 'admin@kappa.example.jp', 'ja');
  assert.match(await ja.locator('[role="alert"]').textContent(), /会員資格が停止されているため/);
});

test('the organisation page in Japanese at 360 px does not scroll sideways', async () => {
  const page = await newPage(browser, { locale: 'ja-JP', width: 360, height: 740 });
  await signInAs(page, 'sec@example.jp', 'ja');
  await page.goto(`${srv.base}/admin/orgs/${orgId}?lang=ja`);
  assert.match(await page.locator('main').textContent(), /資格停止中/);
  assert.equal(await overflowsX(page), false);
  await shot(page, 'narrow-admin-org-ja');
});

stopTest(srv);
