// Freshness in a real browser (Debian's chromium, JavaScript off): after
// `shisa mail bounce` reads a DSN, the secretariat's stale records page
// lists the bouncing address next to the overdue record, in Japanese and
// English, and fits 360 px; the team's admin sees the address flagged on
// the team's page and the overdue notice, confirms, and both go away.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot, shisaBin, startServer, stopTest } from '../http/harness.mjs';
import { PASSWORD, cloneUser, setupSecretariat, sql } from '../http/accounts.mjs';
import { launch, newPage, overflowsX, shot } from './browser.mjs';

const srv = await startServer();
let browser;

before(async () => {
  browser = await launch();
  await setupSecretariat(srv, { email: 'sec@example.jp' });
  cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'admin@team-a.example.jp', name: 'Admin', orgName: 'Team A', orgKind: 'member', role: 'team_admin' });
  sql(srv, `INSERT INTO teams (org_id, slug, name_en, name_ja, last_verified, created_at, updated_at)
            SELECT id, 'team-a', 'Team A', 'チームA', CAST(strftime('%s', 'now') AS INTEGER) - 6 * 2629746, 0, 0 FROM orgs WHERE name = 'Team A';
            INSERT INTO team_contacts (team_id, kind, value, visibility) SELECT id, 'email_general', 'info@team-a.example.jp', 'public' FROM teams WHERE slug = 'team-a';`);
  const r = spawnSync(shisaBin, ['mail', 'bounce', '--db', srv.db], { input: readFileSync(join(repoRoot, 'tests', 'dsn', 'postfix_failed.eml')), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
after(async () => {
  await browser?.close();
});

async function signIn(page, email) {
  await page.goto(srv.base + '/signin?lang=ja');
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('パスワード', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'サインイン' }).click();
}

test('the secretariat sees the bouncing address and the overdue record, in both languages and at 360 px', async () => {
  const page = await newPage(browser, { locale: 'ja-JP' });
  await signIn(page, 'sec@example.jp');
  await page.goto(srv.base + '/admin/stale?lang=ja');
  const bounces = page.getByRole('region', { name: '配送できないアドレス' });
  assert.match(await bounces.textContent(), /info@team-a\.example\.jp\s*一般問い合わせ\s*5\.1\.1/);
  assert.match(await page.getByRole('region', { name: '最近確認されていないレコード' }).textContent(), /チームA/);
  await shot(page, 'stale-ja');
  await page.goto(srv.base + '/admin/stale?lang=en');
  assert.match(await page.getByRole('region', { name: 'Addresses that bounce' }).textContent(), /General enquiries/);
  await shot(page, 'stale-en');
  const narrow = await newPage(browser, { locale: 'ja-JP', width: 360, height: 740 });
  await signIn(narrow, 'sec@example.jp');
  await narrow.goto(srv.base + '/admin/stale');
  assert.equal(await overflowsX(narrow), false, '/admin/stale overflows at 360 px');
  await shot(narrow, 'stale-narrow');
});

test('the team admin sees the flag, confirms the record, and the notices go', async () => {
  const page = await newPage(browser, { locale: 'ja-JP' });
  await signIn(page, 'admin@team-a.example.jp');
  await page.goto(srv.base + '/directory/team-a?lang=ja');
  const main = page.locator('main');
  assert.match(await main.textContent(), /info@team-a\.example\.jp 配送不能/);
  assert.match(await main.textContent(), /このレコードは最近チームによって確認されていません/);
  assert.match(await main.textContent(), /最終確認日\d{4}-\d\d-\d\d \d\d:\d\d JST/, 'the date is shown in the reader\'s time zone');
  await shot(page, 'team-bounce-ja');
  await page.getByRole('button', { name: 'このレコードが最新であることを確認' }).click();
  assert.match(await main.textContent(), /本日確認済みとして記録しました/);
  assert.doesNotMatch(await main.textContent(), /配送不能|最近チームによって確認されていません/);
});

stopTest(srv);
