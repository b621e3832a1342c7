// Joining the association through the web pages alone, in a real browser
// (Debian's chromium, JavaScript off), against the real server, a real
// MTA peer (postfix's smtp-sink) and the real command line: an
// organisation fills in /apply (first with mistakes, which come back
// beside their fields, everything else as typed), its contact follows the
// mailed link and chooses a password, completes the draft, names two
// sponsors from different groups of companies, accepts the rules and
// submits; each sponsor's team admin signs in and supports it with a
// statement; the community window opens (every member team is mailed) and
// a third member team objects, with a reason only the secretariat reads;
// the window ends (`shisa membership close-windows`, as an operator would
// run it); the secretariat reads everything and approves; and then the
// team is in the directory for anyone. Screenshots of the main pages in
// both languages, at 1100 and 360 px, go to tests/web/screenshots/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { SANITIZER_REPORT, shisaBin, startServer, stopTest } from '../http/harness.mjs';
import { PASSWORD, cloneUser, setupSecretariat, sql, startSmtpSink } from '../http/accounts.mjs';
import { launch, newPage, overflowsX, shot } from './browser.mjs';

const BASE_URL = 'https://shisa.example.jp';
const sink = await startSmtpSink();
const srv = await startServer({ args: [...sink.serverArgs, '--base-url', BASE_URL, '--set', 'instance_name=NCA'] });
let browser;

const APPLICANT = 'taro@example-sec.jp';

// A member organisation with one active team and its team admin.
function memberTeam(slug, orgName, group, admin, lang) {
  cloneUser(srv, { fromEmail: 'sec@example.jp', email: admin, name: `Admin of ${orgName}`, orgName, orgKind: 'member', role: 'team_admin' });
  sql(srv, `UPDATE orgs SET org_group = '${group}' WHERE name = '${orgName}';
            UPDATE users SET lang = '${lang}' WHERE email = '${admin}';
            INSERT INTO teams (org_id, slug, name_en, name_ja, state, created_at, updated_at)
            SELECT id, '${slug}', '${orgName} CSIRT', '${orgName} シーサート', 'active', 0, 0 FROM orgs WHERE name = '${orgName}'`);
}

before(async () => {
  browser = await launch();
  await setupSecretariat(srv, { email: 'sec@example.jp' });
  sql(srv, "UPDATE users SET lang = 'en' WHERE email = 'sec@example.jp'");
  // The window closes when the operator says so (below), not by the
  // server's own task in the middle of the test.
  for (let i = 0; i < 100 && !sql(srv, "SELECT last_at FROM periodic_tasks WHERE name = 'membership.close_windows'"); i++)
    await new Promise((r) => setTimeout(r, 100));
  sql(srv, "UPDATE periodic_tasks SET next_at = 9999999999 WHERE name = 'membership.close_windows'");
  memberTeam('alpha-csirt', 'Alpha Corp', 'Alpha Group', 'admin@alpha.example.jp', 'ja');
  memberTeam('beta-csirt', 'Beta Inc', 'Beta Holdings', 'admin@beta.example.jp', 'en');
  memberTeam('gamma-csirt', 'Gamma Ltd', '', 'admin@gamma.example.jp', 'ja');
});
after(async () => {
  await browser?.close();
  await srv.kill();
  sink.stop();
});

async function signedIn(email, { locale = 'ja-JP', width = 1100 } = {}) {
  const page = await newPage(browser, { locale, width });
  await page.goto(srv.base + '/signin?lang=en');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  assert.doesNotMatch(page.url(), /\/signin/, `signed in as ${email}`);
  return page;
}

// A page at 360 px: nothing wider than the screen.
async function narrow(path, name, { locale = 'ja-JP', context = null } = {}) {
  const page = context ? await context.newPage() : await newPage(browser, { locale, width: 360, height: 800 });
  if (context) await page.setViewportSize({ width: 360, height: 800 });
  await page.goto(srv.base + path);
  assert.equal(await overflowsX(page), false, `${path} fits 360 px`);
  await shot(page, name);
  await page.close();
}

let appPath;   // "/applications/N"

test('the public form, in both languages: mistakes come back beside their fields, then "check your mail"', async () => {
  const en = await newPage(browser, { locale: 'en-US' });
  await en.goto(srv.base + '/apply?lang=en');
  await shot(en, 'apply-form-en');
  await en.close();
  await narrow('/apply?lang=ja', 'apply-form-ja-360');

  const page = await newPage(browser, { locale: 'ja-JP' });
  await page.goto(srv.base + '/');
  await page.getByRole('navigation').getByRole('link', { name: '加盟申請' }).click();
  assert.match(page.url(), /\/apply$/);
  await shot(page, 'apply-form-ja');
  // No organisation name, a broken address: nothing is sent.
  await page.getByLabel('組織名（日本語）').fill('例セキュリティ株式会社');
  await page.getByLabel('氏名').fill('例 太郎');
  await page.getByLabel('メールアドレス', { exact: true }).fill('taro@@example-sec.jp');
  await page.locator('#f-team-name-en').fill('Example CSIRT');
  await page.getByRole('button', { name: '申請フォームを送信' }).click();
  assert.match(await page.locator('.error-summary h2').innerText(), /送信されませんでした（修正が必要な項目: 2 件）/);
  assert.match(await page.locator('#f-org_name-err').innerText(), /必須項目です/);
  assert.ok((await page.locator('#f-contact_email-err').innerText()).length > 0);
  assert.equal(await page.locator('#f-org_name_ja').inputValue(), '例セキュリティ株式会社', 'kept as typed');
  assert.equal(await page.locator('#f-team-name-en').inputValue(), 'Example CSIRT');
  await shot(page, 'apply-form-errors-ja');
  assert.equal(sql(srv, 'SELECT count(*) FROM application_requests'), '0');

  await page.getByLabel('組織名', { exact: true }).fill('Example Security KK');
  await page.getByLabel('企業グループ').fill('Alpha Group');
  await page.getByLabel('メールアドレス', { exact: true }).fill(APPLICANT);
  await page.locator('#f-team-name-ja').fill('例シーサート');
  await page.getByLabel('略称').fill('EX-CSIRT');
  await page.locator('#f-team-host_org-en').fill('Example Security KK');
  await page.getByLabel('地域').selectOption('kanto');
  await page.getByLabel('業種').selectOption('ict');
  await page.getByLabel('CSIRT の種類').selectOption('organisational');
  await page.getByLabel('ウェブサイト').fill('https://www.example-sec.jp/');
  await page.getByLabel('ディレクトリ上のアドレス（スラッグ）').fill('example-csirt');
  await page.locator('#f-team-contacts-0-value').fill('csirt@example-sec.jp');
  await page.getByRole('button', { name: '申請フォームを送信' }).click();
  await page.getByRole('heading', { name: 'メールをご確認ください' }).waitFor();
  assert.match(await page.locator('main').innerText(), /taro@example-sec\.jp にリンクを送信しました/);
  await shot(page, 'apply-sent-ja');
  assert.equal(sql(srv, 'SELECT count(*) FROM applications'), '0', 'nothing but the request until the address is verified');
  await page.close();
});

test('the contact follows the mailed link, chooses a password, and lands signed in on the draft', async () => {
  const mail = await sink.waitFor(APPLICANT, /apply\/verify\?token=/);
  const link = /https:\/\/shisa\.example\.jp(\/apply\/verify\?token=[A-Za-z0-9_-]+)/.exec(mail.body);
  assert.ok(link, mail.body);
  const page = await newPage(browser, { locale: 'ja-JP' });
  await page.goto(srv.base + link[1]);
  assert.equal(await page.locator('#account-email').inputValue(), APPLICANT);
  await shot(page, 'apply-verify-ja');
  await page.getByLabel('新しいパスワード', { exact: true }).fill(PASSWORD);
  await page.getByLabel('新しいパスワード（確認）').fill(PASSWORD);
  await page.getByRole('button', { name: '確認して続ける' }).click();
  assert.match(page.url(), /\/applications\/\d+\?done=verified$/);
  appPath = new URL(page.url()).pathname;
  assert.match(await page.locator('.notice.ok').innerText(), /サインインしました/);
  assert.equal(await page.locator('.page-head .state').innerText(), '下書き');
  assert.equal(await page.locator('#f-team-name-en').inputValue(), 'Example CSIRT', 'the draft holds the form');
  assert.equal(await page.locator('#f-team_slug').inputValue(), 'example-csirt');

  // The same link again: a page that says it was used.
  const again = await newPage(browser, { locale: 'ja-JP' });
  const r = await again.goto(srv.base + link[1]);
  assert.equal(r.status(), 400);
  assert.match(await again.locator('main').innerText(), /使用済み/);
  await again.close();
  await page.close();
});

test('the applicant completes the draft, names two sponsors, accepts the rules and submits', async () => {
  const page = await signedIn(APPLICANT, { locale: 'ja-JP' });
  await page.goto(srv.base + appPath + '?lang=ja');
  await page.getByLabel('推薦チーム 1').fill('alpha-csirt');
  await page.getByLabel('推薦チーム 2').fill('beta-csirt');
  await page.locator('#f-team-established').fill('2019-04-01');
  await page.getByRole('button', { name: '下書きを保存' }).click();
  assert.match(await page.locator('.notice.ok').innerText(), /下書きを保存しました/);
  assert.equal(await page.getByLabel('推薦チーム 2').inputValue(), 'beta-csirt');
  assert.match(await page.locator('#submit').innerText(), /未:\s*規約等への同意/);
  await shot(page, 'application-draft-ja');

  await page.getByLabel(/当組織として同意します/).check();
  await page.getByRole('button', { name: '同意する' }).click();
  assert.match(await page.locator('.notice.ok').innerText(), /同意しました/);
  assert.doesNotMatch(await page.locator('#submit').innerText(), /未:/, 'nothing left to do');
  await page.getByRole('button', { name: '申請を提出' }).click();
  assert.match(await page.locator('.notice.ok').innerText(), /申請を提出し/);
  assert.equal(await page.locator('.page-head .state').innerText(), '推薦チームの確認中');
  assert.equal(await page.locator('#draft-form').count(), 0, 'a submitted draft is no longer a form');
  await shot(page, 'application-submitted-ja');
  await page.close();
});

test('each sponsor team admin supports the application with a statement; the window opens and the members are told', async () => {
  await sink.waitFor('admin@alpha.example.jp', /推薦/);
  const alpha = await signedIn('admin@alpha.example.jp', { locale: 'ja-JP' });
  await alpha.goto(srv.base + '/applications');
  await alpha.getByRole('link', { name: '例セキュリティ株式会社' }).click();
  assert.equal(new URL(alpha.url()).pathname, appPath);
  await alpha.getByLabel('推薦する').check();
  await alpha.getByLabel('所見').fill('2019 年から共同で演習を行っています。');
  await alpha.getByRole('button', { name: '回答を送信' }).click();
  assert.match(await alpha.locator('.notice.ok').innerText(), /回答を記録しました/);
  assert.match(await alpha.locator('#sponsor-answers').innerText(), /2019 年から共同で演習を行っています。/);
  await shot(alpha, 'application-sponsor-ja');
  await alpha.close();

  const beta = await signedIn('admin@beta.example.jp', { locale: 'en-US' });
  await beta.goto(srv.base + appPath);
  assert.doesNotMatch(await beta.locator('main').innerText(), /2019 年から/, "another sponsor's statement is not shown");
  await beta.getByRole('button', { name: 'Send the answer' }).click();
  assert.match(await beta.locator('#f-answer-err').innerText(), /Required/);
  await beta.getByLabel('Support the application').check();
  await beta.getByLabel('Statement').fill('We have handled incidents together since 2020.');
  await beta.getByRole('button', { name: 'Send the answer' }).click();
  assert.match(await beta.locator('.notice.ok').innerText(), /answer is recorded/);
  assert.equal(await beta.locator('.page-head .state').innerText(), 'Community window');
  await shot(beta, 'application-sponsor-en');
  await beta.close();
  // Every active member team's admins are told, by the job runner.
  await sink.waitFor('admin@gamma.example.jp', /意見/);
});

test('a member team admin objects during the window, and sees when it ends', async () => {
  const gamma = await signedIn('admin@gamma.example.jp', { locale: 'ja-JP' });
  await gamma.goto(srv.base + appPath);
  assert.match(await gamma.locator('#opinion').innerText(), /まで意見を受け付けています/);
  await gamma.getByLabel('反対').check();
  await gamma.getByRole('button', { name: '意見を送信' }).click();
  assert.match(await gamma.locator('#f-reason-err').innerText(), /必須/, 'an objection needs a reason');
  await gamma.getByLabel('反対').check();
  await gamma.getByLabel('理由').fill('連絡体制がまだ整っていないと聞いています。');
  await gamma.getByRole('button', { name: '意見を送信' }).click();
  assert.match(await gamma.locator('.notice.ok').innerText(), /意見を記録しました/);
  assert.match(await gamma.locator('#opinion').innerText(), /貴チームの意見: 反対/);
  await shot(gamma, 'application-member-ja');
  await gamma.close();

  // The applicant never learns who objected, or why.
  const applicant = await signedIn(APPLICANT, { locale: 'ja-JP' });
  await applicant.goto(srv.base + appPath);
  const text = await applicant.locator('main').innerText();
  assert.doesNotMatch(text, /連絡体制がまだ/);
  assert.doesNotMatch(text, /Gamma/);
  assert.match(text, /2019 年から共同で演習を行っています。/, "the sponsors' statements are the applicant's");
  await applicant.close();
});

test('the window ends as an operator closes it; the secretariat reads everything and approves', async () => {
  sql(srv, `UPDATE applications SET window_ends_at = strftime('%s', 'now') - 60 WHERE id = ${appPath.split('/').pop()}`);
  const r = spawnSync(shisaBin, ['membership', 'close-windows', '--db', srv.db, '--base-url', BASE_URL], { encoding: 'utf8', timeout: 30000 });
  assert.doesNotMatch(r.stderr, SANITIZER_REPORT);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 application sent to the secretariat's review/);

  const sec = await signedIn('sec@example.jp', { locale: 'en-US' });
  await sec.goto(srv.base + '/applications?state=secretariat_review');
  assert.equal(await sec.locator('tbody tr').count(), 1);
  await shot(sec, 'applications-secretariat-en');
  await sec.getByRole('link', { name: 'Example Security KK' }).click();
  const text = await sec.locator('main').innerText();
  assert.match(text, /0 support, 1 object/);
  assert.match(text, /連絡体制がまだ整っていないと聞いています。/, "the community's reasons are the secretariat's");
  assert.match(text, /Gamma Ltd/);
  assert.match(text, /We have handled incidents together since 2020\./);
  assert.match(text, /taro@example-sec\.jp/);
  await shot(sec, 'application-secretariat-en');
  await sec.goto(srv.base + appPath + '?lang=ja');
  await shot(sec, 'application-secretariat-ja');
  await narrow(appPath + '?lang=ja', 'application-secretariat-ja-360', { context: sec.context() });
  await sec.goto(srv.base + appPath + '?lang=en');
  // Rejecting needs a reason: the page says so, and nothing happens.
  await sec.getByRole('button', { name: 'Reject' }).click();
  assert.match(await sec.locator('#f-reject_reason-err').innerText(), /Required/);
  assert.equal(await sec.locator('.page-head .state').innerText(), 'Secretariat review');
  await sec.getByRole('button', { name: 'Approve' }).click();
  assert.match(await sec.locator('.notice.ok').innerText(), /Approved: the team's record is published/);
  assert.equal(await sec.locator('.page-head .state').innerText(), 'Approved');
  // The texts applicants accept, from the applications' page.
  await sec.goto(srv.base + '/applications');
  await sec.getByRole('link', { name: 'Texts applicants accept' }).click();
  assert.match(await sec.locator('#f-tlp-en').inputValue(), /TLP:AMBER\+STRICT/);
  await shot(sec, 'membership-rules-en');
  await sec.close();
  await sink.waitFor(APPLICANT, /承認/);
});

test('the new member is in the directory for anyone, and its applicant is now its team admin', async () => {
  const page = await newPage(browser, { locale: 'en-US' });
  await page.goto(srv.base + '/directory?lang=en');
  await page.getByRole('link', { name: /Example CSIRT/ }).click();
  assert.equal(new URL(page.url()).pathname, '/directory/example-csirt');
  const text = await page.locator('main').innerText();
  assert.match(text, /Example CSIRT/);
  assert.match(text, /csirt@example-sec\.jp/);
  assert.match(text, /Kanto/);
  await shot(page, 'directory-new-member-en');
  await page.close();
  const applicant = await signedIn(APPLICANT, { locale: 'ja-JP' });
  await applicant.goto(srv.base + '/directory/example-csirt');
  assert.equal(await applicant.getByRole('link', { name: 'このレコードを編集' }).count(), 1, 'the team admin edits its record');
  await applicant.close();
});

stopTest(srv);
