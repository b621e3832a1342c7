// Freshness of the directory against the real server, a real MTA peer
// (postfix's smtp-sink) and the real command line: a record left
// unconfirmed gets one reminder per admin in the admin's language, never a
// second for the same due period, none after a confirmation; overdue
// records are marked to readers in both languages; a bounce read by
// `shisa mail bounce` shows on the secretariat's stale view (page and API)
// and on the team's own page, and goes away when the address is changed or
// the record confirmed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CookieJar, SANITIZER_REPORT, apiError, repoRoot, shisaBin, startServer, stopTest } from './harness.mjs';
import { PASSWORD, cloneUser, csrfIn, postForm, setupSecretariat, signIn, sql, startSmtpSink } from './accounts.mjs';

const BASE_URL = 'https://shisa.example.jp';
const sink = await startSmtpSink();
const srv = await startServer({ args: [...sink.serverArgs, '--base-url', BASE_URL, '--set', 'bounce_address=dsn@bounces.shisa.example.jp'] });
after(async () => {
  await srv.kill();
  sink.stop();
});

await setupSecretariat(srv, { email: 'sec@example.jp' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'alice@team-a.example.jp', name: 'Alice Admin', orgName: 'Team A', orgKind: 'member', role: 'team_admin' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'hanako@team-a.example.jp', name: '佐藤 花子', orgName: 'Team A', orgKind: 'member', role: 'team_admin' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'member@team-a.example.jp', name: 'Mere Member', orgName: 'Team A', orgKind: 'member' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'other@team-b.example.jp', name: 'Other', orgName: 'Team B', orgKind: 'member' });
sql(srv, `UPDATE users SET lang = 'en' WHERE email = 'alice@team-a.example.jp';
          UPDATE users SET lang = 'ja' WHERE email = 'hanako@team-a.example.jp';
          INSERT INTO teams (org_id, slug, name_en, name_ja, last_verified, created_at, updated_at)
          SELECT id, 'team-a', 'Team A', 'チームA', CAST(strftime('%s', 'now') AS INTEGER), 0, 0 FROM orgs WHERE name = 'Team A';
          INSERT INTO team_contacts (team_id, kind, value, visibility, position) SELECT id, 'email_incident', 'csirt@team-a.example.jp', 'public', 0 FROM teams WHERE slug = 'team-a';
          INSERT INTO team_contacts (team_id, kind, value, visibility, position) SELECT id, 'email_general', 'info@team-a.example.jp', 'public', 1 FROM teams WHERE slug = 'team-a';`);

// The command line on the server's database, with the sanitizers watching.
function shisa(args, input) {
  const r = spawnSync(shisaBin, [...args, '--db', srv.db], { input, encoding: 'utf8', timeout: 30000 });
  assert.doesNotMatch(r.stderr, SANITIZER_REPORT, `shisa ${args.join(' ')}: sanitizer report`);
  return r;
}

function remind() {
  const r = shisa(['directory', 'remind', '--base-url', BASE_URL]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

async function as(email) {
  const { r, jar } = await signIn(srv, email, PASSWORD);
  assert.equal(r.status, 303);
  return jar;
}

// Reminders only: signing in may also send a new-address notice.
const remindersTo = (rcpt) => sink.messages().filter((m) => m.rcpt === rcpt && m.body.includes('/directory/team-a'));

test('the server scans at start and next a day later; a record confirmed recently is left alone', () => {
  assert.equal(sql(srv, "SELECT next_at - last_at FROM periodic_tasks WHERE name = 'directory.remind'"), '86400');
  assert.match(remind(), /^0 teams reminded$/m);
});

test('an overdue record is marked to every reader, in English and in Japanese', async () => {
  sql(srv, "UPDATE teams SET last_verified = CAST(strftime('%s', 'now') AS INTEGER) - 5 * 2629746 WHERE slug = 'team-a'");
  const jar = new CookieJar();
  const en = await srv.request('/directory/team-a?lang=en', { jar });
  assert.match(en.text, /This record has not been confirmed by the team recently/);
  const ja = await srv.request('/directory/team-a?lang=ja', { jar });
  assert.match(ja.text, /このレコードは最近チームによって確認されていません/);
  const listEn = await srv.request('/directory?lang=en', { jar });
  assert.match(listEn.text, /<div class="overdue">Not recently confirmed<\/div>/);
  const listJa = await srv.request('/directory?lang=ja', { jar });
  assert.match(listJa.text, /<div class="overdue">最近確認されていません<\/div>/);
  const api = await srv.request('/api/v1/teams/team-a', { jar });
  assert.equal(api.json.overdue, true);
});

test('the scan mails each team admin once, in the admin\'s language, with the link to the record', async () => {
  const dry = shisa(['directory', 'remind', '--dry-run', '--base-url', BASE_URL]);
  assert.match(dry.stdout, /^team-a\toverdue 1\/4\talice@team-a\.example\.jp \(en\)$/m);
  assert.match(dry.stdout, /^1 team would be reminded \(dry run\)$/m);
  assert.equal(sql(srv, 'SELECT count(*) FROM team_reminders'), '0', 'a dry run writes nothing');

  const out = remind();
  assert.match(out, /^team-a\toverdue 1\/4\talice@team-a\.example\.jp \(en\)$/m);
  assert.match(out, /^team-a\toverdue 1\/4\thanako@team-a\.example\.jp \(ja\)$/m);
  assert.match(out, /^1 team reminded$/m);
  assert.doesNotMatch(out, /member@team-a/, 'only team admins are reminded');

  const en = await sink.waitFor('alice@team-a.example.jp', /overdue|was due/);
  assert.match(en.headers, /^Subject: Your directory record is overdue for confirmation: Team A$/m);
  assert.match(en.headers, /^Content-Language: en$/m);
  assert.match(en.headers, /^X-Mail-Args: <dsn@bounces\.shisa\.example\.jp>/m, 'bounces go to bounce_address');
  assert.match(en.headers, /^From: .*<noreply@shisa\.example>$/m, 'the sender shown stays mail_from');
  assert.match(en.body, /^Hello Alice Admin,$/m);
  assert.match(en.body, /confirmation was due on \d{4}-\d\d-\d\d/);
  assert.match(en.body, /https:\/\/shisa\.example\.jp\/directory\/team-a/);
  const ja = await sink.waitFor('hanako@team-a.example.jp', /確認期限/);
  assert.match(ja.headers, /^Content-Language: ja$/m);
  assert.match(ja.body, /^佐藤 花子 様$/m);
  assert.match(ja.body, /チームA のディレクトリ登録情報/);
  assert.match(ja.body, /https:\/\/shisa\.example\.jp\/directory\/team-a/);
  assert.equal(sql(srv, "SELECT count(*) FROM audit_log WHERE action = 'team.remind'"), '1');
});

test('a second scan sends nothing for the same due period', async () => {
  assert.match(remind(), /^0 teams reminded$/m);
  await new Promise((r) => setTimeout(r, 2500));   // longer than the runner's idle wait
  assert.equal(remindersTo('alice@team-a.example.jp').length, 1);
  assert.equal(remindersTo('hanako@team-a.example.jp').length, 1);
  assert.equal(sql(srv, "SELECT count(*) FROM jobs WHERE kind = 'mail' AND state != 'done'"), '0');
});

test('a bounce read from a postfix DSN shows on the stale view and the team\'s own page only', async () => {
  const dsn = readFileSync(join(repoRoot, 'tests', 'dsn', 'postfix_failed.eml'));
  const r = shisa(['mail', 'bounce'], dsn);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'info@team-a.example.jp\tfailed 5.1.1\trecorded as bouncing for team-a\n');
  assert.equal(sql(srv, "SELECT count(*) FROM audit_log WHERE action = 'team.contact_bounce'"), '1');

  const sec = await as('sec@example.jp');
  const page = await srv.request('/admin/stale?lang=en', { jar: sec });
  assert.equal(page.status, 200);
  assert.match(page.text, /<h2 id="stale-bounces">Addresses that bounce<\/h2>/);
  assert.match(page.text, /<code>info@team-a\.example\.jp<\/code><\/td><td>General enquiries<\/td><td><details><summary><strong class="overdue">5\.1\.1<\/strong>/);
  assert.match(page.text, /User unknown in virtual mailbox table/);
  const pageJa = await srv.request('/admin/stale?lang=ja', { jar: sec });
  assert.match(pageJa.text, /配送できないアドレス/);
  assert.match(pageJa.text, /一般問い合わせ/);

  const api = await srv.request('/api/v1/directory/stale', { jar: sec });
  assert.equal(api.status, 200);
  assert.equal(api.json.bounces.length, 1);
  const b = api.json.bounces[0];
  assert.equal(b.slug, 'team-a');
  assert.equal(b.address, 'info@team-a.example.jp');
  assert.equal(b.status, '5.1.1');
  assert.deepEqual(b.contacts, ['email_general']);
  assert.match(b.last_bounce, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(api.json.overdue[0].slug, 'team-a');
  assert.equal(api.json.overdue[0].reminders_sent, 1);
  for (const who of ['alice@team-a.example.jp', 'other@team-b.example.jp']) {
    const denied = await srv.request('/api/v1/directory/stale', { jar: await as(who) });
    assert.equal(apiError(denied).code, 'forbidden', who);
  }
  assert.equal((await srv.request('/api/v1/directory/stale', { jar: new CookieJar() })).status, 401);

  const flag = /info@team-a\.example\.jp <strong class="overdue">mail bounced<\/strong>/;
  const own = await srv.request('/directory/team-a?lang=en', { jar: await as('alice@team-a.example.jp') });
  assert.match(own.text, flag);
  assert.match(own.text, /Mail to an address of this record could not be delivered/);
  assert.match((await srv.request('/directory/team-a?lang=ja', { jar: sec })).text, /info@team-a\.example\.jp <strong class="overdue">配送不能<\/strong>/);
  for (const jar of [await as('other@team-b.example.jp'), new CookieJar()]) {
    const outsider = await srv.request('/directory/team-a?lang=en', { jar });
    assert.match(outsider.text, /info@team-a\.example\.jp/);
    assert.doesNotMatch(outsider.text, /mail bounced|could not be delivered/);
  }
});

test('a delay notice is not a bounce, and a malformed DSN is refused with the reason', async () => {
  const delayed = shisa(['mail', 'bounce'], readFileSync(join(repoRoot, 'tests', 'dsn', 'postfix_delayed.eml')));
  assert.equal(delayed.status, 0);
  assert.match(delayed.stdout, /^soc@team-b\.example\.jp\tdelayed 4\.4\.1\tnot a bounce: nothing recorded$/m);
  const before = srv.dbHash();
  const bad = shisa(['mail', 'bounce'], readFileSync(join(repoRoot, 'tests', 'dsn', 'truncated.eml')));
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^shisa mail bounce: the report ends without its closing boundary/m);
  assert.equal(srv.dbHash(), before);
});

test('changing the address clears its bounce', async () => {
  const jar = await as('alice@team-a.example.jp');
  const csrf = csrfIn((await srv.request('/account', { jar })).text);
  const r = await srv.request('/api/v1/teams/team-a', {
    method: 'PATCH', jar, headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify({ contacts: [{ kind: 'email_incident', value: 'csirt@team-a.example.jp' }, { kind: 'email_general', value: 'hello@team-a.example.jp' }] }),
  });
  assert.equal(r.status, 200, r.text);
  const api = await srv.request('/api/v1/directory/stale', { jar: await as('sec@example.jp') });
  assert.deepEqual(api.json.bounces, []);
});

test('confirming the record clears bounces and ends the reminders', async () => {
  const bounce = readFileSync(join(repoRoot, 'tests', 'dsn', 'postfix_failed.eml'), 'utf8').replaceAll('info@team-a.example.jp', 'csirt@team-a.example.jp');
  assert.equal(shisa(['mail', 'bounce'], bounce).status, 0);
  assert.equal(sql(srv, 'SELECT count(*) FROM contact_bounces'), '1');
  const jar = await as('hanako@team-a.example.jp');
  const r = await postForm(srv, '/directory/team-a/confirm', {}, { jar, from: '/directory/team-a' });
  assert.equal(r.status, 303);
  assert.equal(sql(srv, 'SELECT count(*) FROM contact_bounces'), '0');
  const page = await srv.request('/directory/team-a?lang=ja', { jar });
  assert.doesNotMatch(page.text, /notice bad/);
  assert.match(remind(), /^0 teams reminded$/m);
  await new Promise((res) => setTimeout(res, 1500));
  assert.equal(remindersTo('alice@team-a.example.jp').length, 1);
  assert.equal(remindersTo('hanako@team-a.example.jp').length, 1);
});

stopTest(srv);
