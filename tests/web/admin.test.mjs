// The secretariat's pages in a real browser, JavaScript off: add an
// organisation, add a user to it (who gets a welcome mail through a real
// MTA and sets a password from its link), see both in the lists, find the
// changes in the audit log, and a team admin who sees only their own team.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, stopTest } from '../http/harness.mjs';
import { PASSWORD, setupSecretariat, startSmtpSink } from '../http/accounts.mjs';
import { launch, newPage, overflowsX, shot } from './browser.mjs';

const sink = await startSmtpSink();
const srv = await startServer({ args: sink.serverArgs });
let browser;
before(async () => {
  browser = await launch();
  await setupSecretariat(srv, { email: 'sec@example.jp', name: '事務局 花子' });
});
after(async () => {
  await browser?.close();
  sink.stop();
});

async function signInAs(page, email, password) {
  await page.goto(srv.base + '/signin?lang=en');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('the secretariat adds an organisation and a team admin, who sets a password from the welcome mail', async () => {
  const page = await newPage(browser, { locale: 'en-US' });
  await signInAs(page, 'sec@example.jp', PASSWORD);
  await page.goto(srv.base + '/admin/orgs?lang=en');
  await page.getByLabel('Name', { exact: true }).fill('CSIRT Alpha');
  await page.locator('#kind').selectOption('member');
  await page.getByRole('button', { name: 'Add organisation' }).click();
  assert.match(await page.locator('main').textContent(), /CSIRT Alpha/);
  await shot(page, 'admin-orgs');

  await page.goto(srv.base + '/admin/users?lang=en');
  await page.getByLabel('Email address').fill('alpha-admin@example.jp');
  await page.getByLabel('Name', { exact: true }).fill('Alpha Admin');
  await page.getByLabel('Role').selectOption('team_admin');
  await page.getByLabel('Language').selectOption('en');
  await page.locator('#org_id').selectOption({ label: 'CSIRT Alpha' });
  await page.getByRole('button', { name: 'Add user' }).click();
  assert.match(await page.locator('main').textContent(), /alpha-admin@example\.jp/);
  await shot(page, 'admin-users');

  const mail = await sink.waitFor('alpha-admin@example.jp', /reset\/confirm\?token=/);
  const link = /(http:\/\/\S+\/reset\/confirm\?token=[A-Za-z0-9_-]{43})/.exec(mail.body)[1];
  const newcomer = await newPage(browser, { locale: 'en-US' });
  await newcomer.goto(link.replace(/^http:\/\/[^/]+/, srv.base));
  await newcomer.getByLabel('New password', { exact: true }).fill('alpha admin passphrase');
  await newcomer.getByLabel('New password again').fill('alpha admin passphrase');
  await newcomer.getByRole('button', { name: 'Set password' }).click();
  await signInAs(newcomer, 'alpha-admin@example.jp', 'alpha admin passphrase');
  await newcomer.goto(srv.base + '/admin/users');
  const text = await newcomer.locator('main').textContent();
  assert.match(text, /alpha-admin@example\.jp/);
  assert.doesNotMatch(text, /sec@example\.jp/, 'a team admin sees only their own organisation');
  await shot(newcomer, 'team-admin-users');
  const forbidden = await newcomer.goto(srv.base + '/admin/orgs');
  assert.equal(forbidden.status(), 403);
});

test('the audit log shows the changes and filters by action', async () => {
  const page = await newPage(browser, { locale: 'en-US' });
  await signInAs(page, 'sec@example.jp', PASSWORD);
  await page.goto(srv.base + '/admin/audit?lang=en');
  const all = await page.locator('main').textContent();
  for (const a of ['org.create', 'user.create', 'session.sign_in']) assert.match(all, new RegExp(a.replace('.', '\\.')));
  await shot(page, 'admin-audit');
  await page.getByLabel('Action (beginning with)').fill('org.');
  await page.getByRole('button', { name: 'Show' }).first().click();
  const filtered = await page.locator('tbody').textContent();
  assert.match(filtered, /org\.create/);
  assert.doesNotMatch(filtered, /user\.create/);
});

test('the admin pages in Japanese at 360 px do not scroll sideways', async () => {
  const page = await newPage(browser, { locale: 'ja-JP', width: 360, height: 740 });
  await signInAs(page, 'sec@example.jp', PASSWORD);
  for (const path of ['/admin/users?lang=ja', '/admin/orgs?lang=ja', '/admin/audit?lang=ja']) {
    await page.goto(srv.base + path);
    assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
    await shot(page, 'narrow' + path.replace(/[/?=]/g, '-'));
  }
});

stopTest(srv);
