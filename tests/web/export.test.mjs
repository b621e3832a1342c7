// The exports in a real browser (Debian's chromium, JavaScript off): the
// team's admin finds the security.txt publishing steps on the team page in
// both languages, also at 360 px; the directory page links the JSON export
// scopes the reader may use.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startServer, stopTest } from '../http/harness.mjs';
import { PASSWORD, cloneUser, csrfIn, setupSecretariat, sql } from '../http/accounts.mjs';
import { launch, newPage, overflowsX, shot } from './browser.mjs';

const srv = await startServer({ args: ['--base-url', 'https://directory.example.jp'] });
let browser;
let fpr;

before(async () => {
  browser = await launch();
  const sec = await setupSecretariat(srv, { email: 'sec@example.jp' });
  cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'admin@example.jp', name: 'Admin', orgName: 'Team A', orgKind: 'member', role: 'team_admin' });
  sql(srv, "INSERT INTO teams (org_id, slug, name_en, created_at, updated_at) SELECT id, 'team-a', 'Team A', 0, 0 FROM orgs WHERE name = 'Team A'");
  const page = await srv.request('/account', { jar: sec.jar });
  const h = { 'content-type': 'application/json', 'x-csrf-token': csrfIn(page.text) };
  const p = await srv.request('/api/v1/teams/team-a', { method: 'PATCH', jar: sec.jar, headers: h, body: JSON.stringify({
    name: { en: 'Team A', ja: 'チームA' }, country: 'JP', website: 'https://csirt.a.example.jp/',
    contacts: [{ kind: 'email_incident', value: 'csirt@a.example.jp' }],
  }) });
  assert.equal(p.status, 200, p.text);
  const home = mkdtempSync(join(tmpdir(), 'shisa-web-gpg-'));
  try {
    const gpg = (...args) => execFileSync('gpg', ['--homedir', home, '--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    gpg('--quick-gen-key', 'Team A CSIRT <pgp@a.example.jp>', 'ed25519', 'sign', '1y');
    const k = await srv.request('/api/v1/teams/team-a/keys', { method: 'POST', jar: sec.jar, headers: h, body: JSON.stringify({ armored: gpg('--armor', '--export') }) });
    assert.equal(k.status, 201, k.text);
    fpr = k.json.fingerprint;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
after(async () => {
  await browser?.close();
});

async function signedIn(locale, width) {
  const page = await newPage(browser, { locale, width });
  await page.goto(srv.base + '/signin?lang=en');
  await page.getByLabel('Email address').fill('admin@example.jp');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

test('the team admin sees how to sign and publish the security.txt, in English and Japanese', async () => {
  const page = await signedIn('en-US', 1100);
  await page.goto(srv.base + '/directory/team-a?lang=en');
  const card = page.getByRole('region', { name: 'Publish a security.txt' });
  assert.match(await card.textContent(), new RegExp(`gpg --local-user ${fpr} --output security\\.txt --clearsign team-a-security\\.txt`));
  assert.match(await card.textContent(), /https:\/\/csirt\.a\.example\.jp\/\.well-known\/security\.txt/);
  assert.equal(await card.getByRole('link', { name: 'Download the file' }).getAttribute('href'), '/directory/team-a/security.txt');
  await shot(page, 'team-securitytxt-en');
  await page.goto(srv.base + '/directory/team-a?lang=ja');
  assert.ok(await page.getByRole('region', { name: 'security.txt の公開' }).isVisible());
  assert.ok(await page.getByRole('link', { name: 'security.txt', exact: true }).isVisible(), 'the link next to the other exports');
});

test('the directory links the JSON export scopes; the team page with its publishing steps fits 360 px', async () => {
  const page = await signedIn('ja-JP', 360);
  await page.goto(srv.base + '/directory?lang=ja');
  for (const name of ['公開', '最小限', '会員向け'])
    assert.ok(await page.getByRole('link', { name, exact: true }).isVisible(), name);
  await page.goto(srv.base + '/directory/team-a?lang=ja');
  assert.equal(await overflowsX(page), false, 'the team page overflows at 360 px');
  await shot(page, 'team-securitytxt-narrow');
  const anon = await newPage(browser, { locale: 'en-US' });
  await anon.goto(srv.base + '/directory?lang=en');
  assert.ok(await anon.getByRole('link', { name: 'minimal', exact: true }).isVisible());
  assert.equal(await anon.getByRole('link', { name: 'members', exact: true }).count(), 0, 'members is not offered to the public');
});

stopTest(srv);
