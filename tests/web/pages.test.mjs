// The main pages in a real browser (Debian's chromium), in Japanese and
// English, with JavaScript off: sign in, the second factor, the account
// page (language, tokens, MFA), sign out; layout at 360 px; focus visible.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, stopTest } from '../http/harness.mjs';
import { PASSWORD, setupSecretariat, totp } from '../http/accounts.mjs';
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

async function signInAs(page, email, password) {
  await page.goto(srv.base + '/signin');
  await page.getByLabel(/メールアドレス|Email address/).fill(email);
  await page.getByLabel(/^パスワード$|^Password$/).fill(password);
  await page.getByRole('button', { name: /サインイン|Sign in/ }).click();
}

test('sign-in page in Japanese by default, English on request, and the switcher works', async () => {
  const page = await newPage(browser, { locale: 'ja-JP' });
  await page.goto(srv.base + '/signin');
  assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'サインイン');
  await shot(page, 'signin-ja');
  await page.getByRole('link', { name: 'English' }).click();
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in');
  await shot(page, 'signin-en');
  const en = await newPage(browser, { locale: 'en-US' });
  await en.goto(srv.base + '/signin');
  assert.equal(await en.locator('html').getAttribute('lang'), 'en');
});

test('a wrong password shows a readable error; the right one signs in', async () => {
  const page = await newPage(browser, { locale: 'en-US' });
  await signInAs(page, 'sec@example.jp', 'not the password at all');
  assert.match(await page.getByRole('alert').textContent(), /Email address or password is wrong/);
  await signInAs(page, 'sec@example.jp', PASSWORD);
  assert.match(await page.locator('main').textContent(), /Signed in as|サインイン中/);
  await shot(page, 'home-signed-in');
});

test('account page: change language to English, create an API token shown once', async () => {
  const page = await newPage(browser, { locale: 'ja-JP' });
  await signInAs(page, 'sec@example.jp', PASSWORD);
  await page.goto(srv.base + '/account');
  await shot(page, 'account-ja');
  await page.getByLabel('言語', { exact: true }).selectOption('en');
  await page.getByRole('button', { name: '保存' }).click();
  assert.match(await page.getByRole('status').textContent(), /Saved/);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.getByLabel('Name', { exact: true }).last().fill('deploy bot');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = await page.locator('#new-token').textContent();
  assert.match(token, /^shisa_/);
  await shot(page, 'account-token');
  await page.goto(srv.base + '/account');
  assert.equal(await page.locator('#new-token').count(), 0, 'shown only once');
});

test('two-step verification: enrol with a real code, then sign-in asks for it', async () => {
  const page = await newPage(browser, { locale: 'en-US' });
  await signInAs(page, 'sec@example.jp', PASSWORD);
  await page.goto(srv.base + '/account/mfa?lang=en');
  await page.getByRole('button', { name: 'Start' }).click();
  await page.goto(srv.base + '/account/mfa?lang=en');
  const key = (await page.locator('#mfa-secret').textContent()).trim();
  await shot(page, 'mfa-enrol');
  await page.getByLabel('Six-digit code').fill(totp(key));
  await page.getByRole('button', { name: 'Turn on' }).click();
  assert.equal(await page.locator('#recovery-codes li').count(), 10);
  await shot(page, 'mfa-recovery-codes');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();

  await signInAs(page, 'sec@example.jp', PASSWORD);
  assert.match(page.url(), /\/signin\/mfa/);
  await shot(page, 'mfa-signin');
  await page.getByLabel(/authenticator app/).fill(totp(key, Date.now() / 1000, 1));
  await page.getByRole('button', { name: 'Verify' }).click();
  assert.match(page.url(), /\/$/);
});

test('at 360 px wide nothing scrolls sideways', async () => {
  const page = await newPage(browser, { locale: 'ja-JP', width: 360, height: 740 });
  for (const path of ['/', '/signin', '/reset', '/no-such-page']) {
    await page.goto(srv.base + path);
    assert.equal(await overflowsX(page), false, `${path} overflows at 360 px`);
  }
  await signInAs(page, 'sec@example.jp', PASSWORD);
  await shot(page, 'narrow-after-signin');
});

test('keyboard focus is visible on links and buttons', async () => {
  const page = await newPage(browser, { locale: 'en-US', javaScript: true });
  await page.goto(srv.base + '/signin');
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
});

stopTest(srv);
