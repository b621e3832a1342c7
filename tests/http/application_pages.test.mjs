// The membership pages against the real server and a real MTA peer
// (postfix's smtp-sink): every form's bad input (missing fields, a bad
// address, a wrong CSRF token, a crafted field, a sponsor that is not a
// member team, an answer from a team that is not a sponsor, an action on
// an application in the wrong state, a link used or expired) comes back
// as a page that says what is wrong, beside the field or at the top, in
// the reader's language, and writes nothing; and who may open which page
// (anonymous, the applicant of another application, an observer, a
// member, the secretariat), before and during the community window.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, test } from 'node:test';
import { CookieJar, SANITIZER_REPORT, shisaBin, startServer, stopTest } from './harness.mjs';
import { PASSWORD, cloneUser, csrfIn, setupSecretariat, signIn, sql, startSmtpSink } from './accounts.mjs';

const sink = await startSmtpSink();
const srv = await startServer({ args: [...sink.serverArgs, '--base-url', 'https://shisa.example.jp'] });
after(async () => {
  await srv.kill();
  sink.stop();
});

await setupSecretariat(srv, { email: 'sec@example.jp' });
for (let i = 0; i < 100 && !sql(srv, "SELECT last_at FROM periodic_tasks WHERE name = 'membership.close_windows'"); i++)
  await new Promise((r) => setTimeout(r, 100));
sql(srv, "UPDATE periodic_tasks SET next_at = 9999999999 WHERE name = 'membership.close_windows'");

function memberTeam(slug, orgName, group, admin, kind = 'member') {
  cloneUser(srv, { fromEmail: 'sec@example.jp', email: admin, name: `Admin of ${orgName}`, orgName, orgKind: kind, role: 'team_admin' });
  sql(srv, `UPDATE orgs SET org_group = '${group}' WHERE name = '${orgName}';
            INSERT INTO teams (org_id, slug, name_en, name_ja, state, created_at, updated_at)
            SELECT id, '${slug}', '${orgName} CSIRT', '${orgName} シーサート', 'active', 0, 0 FROM orgs WHERE name = '${orgName}'`);
}
memberTeam('alpha-csirt', 'Alpha Corp', 'Alpha Group', 'admin@alpha.example.jp');
memberTeam('alpha-sub-csirt', 'Alpha Subsidiary', 'alpha group', 'admin@alpha-sub.example.jp');
memberTeam('beta-csirt', 'Beta Inc', 'Beta Holdings', 'admin@beta.example.jp');
memberTeam('gamma-csirt', 'Gamma Ltd', '', 'admin@gamma.example.jp');
memberTeam('zeta-csirt', 'Zeta Watch', '', 'obs@zeta.example.jp', 'observer');
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'member@gamma.example.jp', name: 'Plain Member', orgName: 'Gamma Ltd', orgKind: 'member' });

// Everything the membership pages may write: equal before and after a
// refused request means it wrote nothing.
function membershipState() {
  return sql(srv, `SELECT * FROM applications ORDER BY id; SELECT * FROM application_sponsors ORDER BY application_id, team_id;
                   SELECT * FROM application_opinions ORDER BY application_id, org_id; SELECT * FROM application_history ORDER BY id;
                   SELECT id, used_at FROM application_requests ORDER BY id; SELECT * FROM orgs ORDER BY id;
                   SELECT id, org_id, email, role, password_hash FROM users ORDER BY id; SELECT id, slug, org_id, state FROM teams ORDER BY id;
                   SELECT count(*) FROM audit_log; SELECT count(*) FROM jobs; SELECT * FROM settings WHERE key LIKE 'membership.%'`);
}

// Signed-in browsers, one per account (signing in writes: done before any look).
const jars = new Map();
async function jarOf(email) {
  if (!email) return new CookieJar();
  if (!jars.has(email)) {
    const { r, jar } = await signIn(srv, email, PASSWORD);
    assert.equal(r.status, 303, `sign in as ${email}`);
    jars.set(email, jar);
  }
  return jars.get(email);
}

const unescape = (s) => s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
// The text of the main part of a page, without tags.
const mainText = (html) => unescape(html.slice(html.indexOf('<main'), html.indexOf('</main>')).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '));
// The problem shown beside field ID ("f-contact_email").
function fieldError(html, id) {
  const m = new RegExp(`<p id="${id}-err" class="field-error">([^<]*)</p>`).exec(html);
  return m ? unescape(m[1]) : null;
}

async function get(path, as = null, lang = 'en') {
  const jar = await jarOf(as);
  return srv.request(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`, { jar });
}

// Post FIELDS to PATH as AS with the CSRF token of their session (or CSRF).
async function post(path, fields, { as = null, jar = null, csrf, lang = 'en' } = {}) {
  jar = jar || await jarOf(as);
  const token = csrf !== undefined ? csrf : csrfIn((await srv.request('/apply', { jar })).text);
  return srv.request(`${path}?lang=${lang}`, {
    method: 'POST', jar, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...(token === null ? {} : { _csrf: token }), ...fields }).toString(),
  });
}

// A refused form: a page (not JSON) with STATUS that says MESSAGE and
// shows each of ERRORS beside its field, no message key in sight, and
// nothing written.
async function refused(path, fields, opts, { status, message, errors = {} }) {
  const jar = opts.jar || await jarOf(opts.as);
  const csrf = opts.csrf !== undefined ? opts.csrf : csrfIn((await srv.request('/apply', { jar })).text);
  const before = membershipState();
  const r = await post(path, fields, { ...opts, jar, csrf });
  assert.equal(r.status, status, `${path}: ${r.status} ${mainText(r.text).slice(0, 600)}`);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  if (message) assert.match(mainText(r.text), message);
  for (const [id, re] of Object.entries(errors)) {
    const e = fieldError(r.text, id);
    assert.ok(e, `no problem shown beside ${id}: ${mainText(r.text).slice(0, 800)}`);
    assert.match(e, re, id);
  }
  assert.doesNotMatch(mainText(r.text), /\b(app|apply|field|dir|dirform)\.[a-z_]+\.?[a-z_]*\b(?!\.)/, 'messages, not keys');
  assert.equal(membershipState(), before, `${path} wrote something`);
  return r;
}

// The verification link mailed to EMAIL that has not been used here yet.
const seen = new Set();
async function newToken(email) {
  const end = Date.now() + 15000;
  while (Date.now() < end) {
    for (const m of sink.messages().filter((x) => x.rcpt === email)) {
      const t = /\/apply\/verify\?token=([A-Za-z0-9_-]{43})/.exec(m.body);
      if (t && !seen.has(t[1])) {
        seen.add(t[1]);
        return t[1];
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no new verification link mailed to ${email}`);
}

function applyForm(org, email, extra = {}) {
  return {
    org_name: org, org_name_ja: '', org_group: 'Alpha Group', contact_name: `Contact of ${org}`, contact_email: email, lang: 'en',
    'team.name.en': `${org} CSIRT`, 'team.name.ja': '', 'team.country': 'JP', 'team.region': '', 'team.sector': '', 'team.csirt_type': '',
    'team.contacts[0].kind': 'email_incident', 'team.contacts[0].value': `csirt@${email.split('@')[1]}`, 'team.contacts[0].visibility': '',
    team_slug: '', ...extra,
  };
}

// Apply through the pages and verify: the application's id and the applicant's jar.
async function applyAndVerify(org, email, extra = {}) {
  const jar = new CookieJar();
  const r = await post('/apply', applyForm(org, email, extra), { jar });
  assert.equal(r.status, 200, mainText(r.text));
  const token = await newToken(email);
  const v = await post('/apply/verify', { token, password: PASSWORD, password_confirm: PASSWORD }, { jar });
  assert.equal(v.status, 303, mainText(v.text));
  const id = Number(/^\/applications\/(\d+)\?done=verified$/.exec(v.headers.get('location'))[1]);
  jars.set(email, jar);
  return id;
}

let mainId, otherId;

test('the public form in English and Japanese; every bad input comes back beside its field, as typed, with nothing stored', async () => {
  const ja = await get('/apply', null, 'ja');
  assert.equal(ja.status, 200);
  assert.match(ja.text, /<html lang="ja">/);
  assert.match(mainText(ja.text), /加盟申請.*組織名.*連絡担当者.*チームの登録情報.*連絡先/);

  let r = await refused('/apply', {}, {}, {
    status: 422, message: /Not sent\. Problems to fix: 4/,
    errors: { 'f-org_name': /Required/, 'f-contact_name': /Required/, 'f-contact_email': /Required/, 'f-team-name-en': /Required/ },
  });
  r = await refused('/apply', applyForm('Example Security KK', 'taro@@example-sec.jp', { org_name_ja: '例セキュリティ株式会社', 'team.website': 'ftp://example-sec.jp', 'team.contacts[1].kind': 'phone_voice', 'team.contacts[1].value': 'call us' }), {}, {
    status: 422,
    errors: { 'f-contact_email': /email address/i, 'f-team-website': /https/, 'f-team-contacts-1-value': /./ },
  });
  assert.match(r.text, /value="例セキュリティ株式会社"/, 'kept as typed');
  assert.match(r.text, /value="call us"/);
  // The same in Japanese.
  r = await refused('/apply', { org_name: 'X' }, { lang: 'ja' }, { status: 422, message: /送信されませんでした/, errors: { 'f-contact_name': /必須項目です/ } });
  // A field the form does not have: refused whole.
  await refused('/apply', applyForm('Crafted KK', 'c@crafted.example.jp', { 'team.joined_secretly': 'x' }), {}, { status: 400, message: /not sent by the application page/ });
  await refused('/apply', applyForm('Crafted KK', 'c@crafted.example.jp', { 'team.joined': '2020-01-01' }), {}, { status: 422, message: /set when the application is approved/ });
  // A wrong or missing CSRF token: refused before anything is read.
  await refused('/apply', applyForm('Example Security KK', 'taro@example-sec.jp'), { csrf: 'x'.repeat(43) }, { status: 403, message: /./ });
  await refused('/apply', applyForm('Example Security KK', 'taro@example-sec.jp'), { csrf: null }, { status: 403, message: /./ });
  // An organisation that is already a member.
  await refused('/apply', applyForm('Alpha Corp', 'new@alpha.example.jp'), {}, { status: 409, message: /already registered/ });
  assert.equal(sql(srv, 'SELECT count(*) FROM application_requests'), '0');
});

test('the mailed link: unknown, mismatched passwords, wrong CSRF, then verified and signed in; used and expired links say so', async () => {
  const bad = await get('/apply/verify?token=' + 'A'.repeat(43));
  assert.equal(bad.status, 400);
  assert.match(mainText(bad.text), /This verification link is not valid/);
  assert.match(bad.text, /href="\/apply"/, 'a way to apply again');
  const none = await get('/apply/verify');
  assert.equal(none.status, 400);

  const jar = new CookieJar();
  const sent = await post('/apply', applyForm('Example Security KK', 'taro@example-sec.jp', { org_name_ja: '例セキュリティ株式会社', team_slug: 'example-csirt' }), { jar });
  assert.equal(sent.status, 200);
  assert.match(mainText(sent.text), /We have sent a link to taro@example-sec\.jp/);
  const token = await newToken('taro@example-sec.jp');
  const page = await get(`/apply/verify?token=${token}`, null, 'ja');
  assert.equal(page.status, 200);
  assert.match(page.text, /value="taro@example-sec\.jp"/);
  assert.match(mainText(page.text), /パスワードを設定してください/);

  const mismatch = await refused('/apply/verify', { token, password: PASSWORD, password_confirm: `${PASSWORD}!` }, { jar }, { status: 422, errors: { 'password_confirm': /./ } });
  assert.ok(mismatch.text.includes(`href="/apply/verify?token=${token}&amp;lang=ja"`) || mismatch.text.includes(`href="/apply/verify?token=${token}&lang=ja"`),
    'the link to the other language keeps the mailed token');
  await refused('/apply/verify', { token, password: 'short', password_confirm: 'short' }, { jar }, { status: 422, errors: { password: /./ } });
  await refused('/apply/verify', { token, password: PASSWORD, password_confirm: PASSWORD }, { jar, csrf: 'y'.repeat(43) }, { status: 403 });
  const v = await post('/apply/verify', { token, password: PASSWORD, password_confirm: PASSWORD }, { jar });
  assert.equal(v.status, 303);
  mainId = Number(/^\/applications\/(\d+)\?done=verified$/.exec(v.headers.get('location'))[1]);
  assert.ok(jar.get('shisa_session'), 'signed in');
  jars.set('taro@example-sec.jp', jar);
  await refused('/apply', applyForm('Example Security KK', 'other@example-sec.jp'), {}, { status: 409, message: /already open/ });
  const draft = await get(`/applications/${mainId}?done=verified`, 'taro@example-sec.jp');
  assert.equal(draft.status, 200);
  assert.match(mainText(draft.text), /Your address is verified and you are signed in/);
  assert.match(draft.text, /id="f-team_slug" name="team_slug" value="example-csirt"/);

  await refused('/apply/verify', { token, password: PASSWORD, password_confirm: PASSWORD }, { jar: new CookieJar() }, { status: 400, message: /has been used already/ });
  // An expired link.
  await post('/apply', applyForm('Late Corp', 'late@late.example.jp'), { jar: new CookieJar() });
  const late = await newToken('late@late.example.jp');
  sql(srv, "UPDATE application_requests SET expires_at = 1 WHERE email = 'late@late.example.jp'");
  const expired = await get(`/apply/verify?token=${late}`, null, 'ja');
  assert.equal(expired.status, 400);
  assert.match(mainText(expired.text), /期限切れ/);
  await refused('/apply/verify', { token: late, password: PASSWORD, password_confirm: PASSWORD }, { jar: new CookieJar() }, { status: 400, message: /expired/ });

  otherId = await applyAndVerify('Other Org', 'hanako@other.example.jp', { org_group: '' });
});

test('who may open the pages before the window: the applicant its own, a sponsor once asked, the secretariat all', async () => {
  const anon = await get(`/applications/${mainId}`);
  assert.equal(anon.status, 303);
  assert.match(anon.headers.get('location'), /^\/signin\?next=\/applications\//);
  assert.equal((await get('/applications')).status, 303);
  const other = await get(`/applications/${mainId}`, 'hanako@other.example.jp');
  assert.equal(other.status, 404, 'the applicant of another application');
  assert.match(mainText(other.text), /There is no such application/);
  assert.doesNotMatch(other.text, /Example Security/);
  const otherList = await get('/applications', 'hanako@other.example.jp');
  assert.match(otherList.text, new RegExp(`href="/applications/${otherId}"`));
  assert.doesNotMatch(otherList.text, new RegExp(`href="/applications/${mainId}"`));
  assert.equal((await get(`/applications/${mainId}`, 'obs@zeta.example.jp')).status, 403, 'observers take no part');
  assert.equal((await get('/applications', 'obs@zeta.example.jp')).status, 403);
  assert.equal((await get(`/applications/${mainId}`, 'admin@alpha.example.jp')).status, 404, 'not asked yet');
  assert.equal((await get(`/applications/${mainId}`, 'member@gamma.example.jp')).status, 404);
  const sec = await get(`/applications/${mainId}`, 'sec@example.jp');
  assert.equal(sec.status, 200);
  assert.match(mainText(sec.text), /taro@example-sec\.jp/);
  assert.doesNotMatch(sec.text, /action="\/applications\/\d+\/approve"/, 'nothing to decide on a draft');
  const all = await get('/applications?state=draft', 'sec@example.jp');
  assert.match(all.text, new RegExp(`href="/applications/${mainId}"`));
  assert.match(all.text, new RegExp(`href="/applications/${otherId}"`));
  assert.equal((await get('/applications?state=pending', 'sec@example.jp')).status, 400);
  assert.equal((await get('/admin/membership/rules', 'taro@example-sec.jp')).status, 403);
});

test("the draft's bad input: sponsors that are not member teams, all in one group, bad record values; nothing saved", async () => {
  const me = { as: 'taro@example-sec.jp' };
  const path = `/applications/${mainId}/draft`;
  let r = await refused(path, { 'sponsors[0]': 'zeta-csirt', 'sponsors[1]': 'no-such-team' }, me, {
    status: 422, errors: { 'f-sponsors-0': /Not an active member team/, 'f-sponsors-1': /No team of the directory/ },
  });
  assert.match(r.text, /value="no-such-team"/, 'kept as typed');
  r = await refused(path, { 'sponsors[0]': 'alpha-csirt', 'sponsors[1]': 'alpha-sub-csirt' }, me, {
    status: 422, message: /Sponsors\s*: At least one sponsor must be from outside your organisation group \(Alpha Group\)/,
  });
  r = await refused(path, { 'sponsors[0]': '', 'sponsors[1]': 'beta-csirt', 'team.website': 'not a url', 'team.contacts[0].kind': 'email_incident', 'team.contacts[0].value': 'nobody' }, me, {
    status: 422, errors: { 'f-team-website': /./, 'f-team-contacts-0-value': /./ },
  });
  await refused(path, { 'team.bogus': 'x' }, me, { status: 400, message: /not sent by the application page/ });
  await refused(path, { 'sponsors[01]': 'beta-csirt' }, me, { status: 400, message: /not sent by the application page/ });
  await refused(path, {}, me, { status: 422, message: /names no field to change/ });
  await refused(path, { 'sponsors[0]': 'beta-csirt' }, { ...me, csrf: 'z'.repeat(43) }, { status: 403 });
  // Another applicant's draft is not there for them.
  await refused(path, { 'sponsors[0]': 'beta-csirt' }, { as: 'hanako@other.example.jp' }, { status: 404, message: /There is no such application/ });
  // Members and the secretariat do not change drafts.
  await refused(path, { 'sponsors[0]': 'beta-csirt' }, { as: 'sec@example.jp' }, { status: 403 });

  await refused(`/applications/${mainId}/accept-rules`, {}, me, { status: 422, errors: { 'f-accept': /Tick the box/ } });
  await refused(`/applications/${mainId}/accept-rules`, { accept: 'on', version: 'f'.repeat(64) }, me, { status: 409, message: /changed since/ });
  r = await refused(`/applications/${mainId}/submit`, {}, me, { status: 422, message: /Accept the association's rules.*Name 2 sponsors/ });
});

test('the applicant saves the draft, accepts the rules and submits; then the draft cannot change', async () => {
  const me = { as: 'taro@example-sec.jp' };
  const page = await get(`/applications/${mainId}`, 'taro@example-sec.jp');
  const saved = await post(`/applications/${mainId}/draft`, { 'sponsors[0]': 'alpha-csirt', 'sponsors[1]': 'beta-csirt', 'team.region': 'kanto' }, me);
  assert.equal(saved.status, 303);
  assert.equal(saved.headers.get('location'), `/applications/${mainId}?done=saved`);
  const version = /name="version" value="([0-9a-f]{64})"/.exec(page.text)[1];
  assert.equal((await post(`/applications/${mainId}/accept-rules`, { accept: 'on', version }, me)).status, 303);
  assert.equal((await post(`/applications/${mainId}/submit`, {}, me)).status, 303);
  assert.equal(sql(srv, `SELECT state FROM applications WHERE id = ${mainId}`), 'sponsor_review');
  await refused(`/applications/${mainId}/draft`, { org_group: 'Other' }, me, { status: 409, message: /can only change its sponsors/ });
  await refused(`/applications/${mainId}/submit`, {}, me, { status: 409, message: /Cannot submit an application in sponsor_review/ });
  await refused(`/applications/${mainId}/accept-rules`, { accept: 'on', version }, me, { status: 409, message: /cannot be changed/ });
  await refused(`/applications/${mainId}/approve`, {}, { as: 'sec@example.jp' }, { status: 409, message: /Cannot approve an application in sponsor_review/ });
  await refused(`/applications/${mainId}/send-back`, { send_back_reason: 'Why?' }, { as: 'sec@example.jp' }, { status: 409, message: /Cannot send_back/ });
  await refused(`/applications/${mainId}/reject`, { reject_reason: ' ' }, { as: 'sec@example.jp' }, { status: 422, errors: { 'f-reject_reason': /Required/ } });
});

test('sponsors: a plain member, a team that is not asked, a missing statement are refused; a decline is replaced', async () => {
  await sink.waitFor('admin@alpha.example.jp', /apply|applications/);
  const alpha = await get(`/applications/${mainId}`, 'admin@alpha.example.jp', 'ja');
  assert.equal(alpha.status, 200);
  assert.match(mainText(alpha.text), /貴チームへの推薦依頼/);
  assert.doesNotMatch(alpha.text, /taro@example-sec\.jp/, 'no contact details for members');
  await refused(`/applications/${mainId}/sponsor`, { answer: 'support', statement: 'x' }, { as: 'member@gamma.example.jp' }, { status: 403 });
  await refused(`/applications/${mainId}/sponsor`, { answer: 'support', statement: 'x' }, { as: 'admin@gamma.example.jp' }, { status: 404 });
  await refused(`/applications/${mainId}/sponsor`, { answer: 'support' }, { as: 'admin@alpha.example.jp', lang: 'ja' }, { status: 422, errors: { 'f-statement': /必須項目です/ } });
  await refused(`/applications/${mainId}/sponsor`, { statement: 'Yes.' }, { as: 'admin@alpha.example.jp' }, { status: 422, message: /Your team's answer\s*: Required/ });
  await refused(`/applications/${mainId}/opinion`, { stance: 'support' }, { as: 'admin@alpha.example.jp' }, { status: 409, message: /community window is not open/ });

  assert.equal((await post(`/applications/${mainId}/sponsor`, { answer: 'support', statement: 'Alpha knows them well.' }, { as: 'admin@alpha.example.jp' })).status, 303);
  await refused(`/applications/${mainId}/sponsor`, { answer: 'decline', statement: 'Changed our mind.' }, { as: 'admin@alpha.example.jp' }, { status: 409, message: /already answered/ });
  assert.equal((await post(`/applications/${mainId}/sponsor`, { answer: 'decline', statement: 'We do not know them.' }, { as: 'admin@beta.example.jp' })).status, 303);

  const mine = await get(`/applications/${mainId}`, 'taro@example-sec.jp');
  assert.match(mainText(mine.text), /We do not know them\./, 'the applicant reads the decline');
  assert.match(mine.text, /action="\/applications\/\d+\/sponsors"/);
  await refused(`/applications/${mainId}/sponsors`, { 'sponsors[0]': 'alpha-csirt', 'sponsors[1]': '' }, { as: 'taro@example-sec.jp' }, { status: 422, errors: { 'f-sponsors-1': /Required/ } });
  await refused(`/applications/${mainId}/sponsors`, { 'sponsors[0]': 'gamma-csirt', 'sponsors[1]': 'beta-csirt' }, { as: 'taro@example-sec.jp' }, { status: 422, message: /has not declined/ });
  await refused(`/applications/${mainId}/sponsors`, { 'sponsors[0]': 'alpha-csirt', 'sponsors[1]': 'zeta-csirt' }, { as: 'taro@example-sec.jp' }, { status: 422, errors: { 'f-sponsors-1': /Not an active member team/ } });
  const replaced = await post(`/applications/${mainId}/sponsors`, { 'sponsors[0]': 'alpha-csirt', 'sponsors[1]': 'gamma-csirt' }, { as: 'taro@example-sec.jp' });
  assert.equal(replaced.status, 303);
  assert.equal((await post(`/applications/${mainId}/sponsor`, { answer: 'support', statement: 'Gamma vouches.' }, { as: 'admin@gamma.example.jp' })).status, 303);
  assert.equal(sql(srv, `SELECT state FROM applications WHERE id = ${mainId}`), 'community_window');
});

test('during the window: members see it, a team that is not a sponsor cannot answer as one, an objection needs a reason', async () => {
  const member = await get(`/applications/${mainId}`, 'member@gamma.example.jp');
  assert.equal(member.status, 200);
  assert.match(mainText(member.text), /Your team's admins answer for your team/);
  const beta = await get(`/applications/${mainId}`, 'admin@beta.example.jp');
  assert.equal(beta.status, 200);
  assert.match(mainText(beta.text), /Member teams may comment until/);
  assert.doesNotMatch(beta.text, /Alpha knows them well/, "another sponsor's statement");
  const list = await get('/applications', 'admin@beta.example.jp');
  assert.match(list.text, new RegExp(`href="/applications/${mainId}"`));
  assert.equal((await get(`/applications/${mainId}`, 'hanako@other.example.jp')).status, 404);
  assert.equal((await get(`/applications/${mainId}`, 'obs@zeta.example.jp')).status, 403);

  await refused(`/applications/${mainId}/sponsor`, { answer: 'support', statement: 'x' }, { as: 'admin@alpha-sub.example.jp' }, { status: 403, message: /Your team is not a sponsor of this application/ });
  await refused(`/applications/${mainId}/opinion`, { stance: 'object' }, { as: 'admin@beta.example.jp' }, { status: 422, errors: { 'f-reason': /Required/ } });
  await refused(`/applications/${mainId}/opinion`, { stance: 'maybe', reason: 'x' }, { as: 'admin@beta.example.jp' }, { status: 422, message: /./ });
  await refused(`/applications/${mainId}/opinion`, { stance: 'support' }, { as: 'member@gamma.example.jp' }, { status: 403 });
  assert.equal((await post(`/applications/${mainId}/opinion`, { stance: 'object', reason: 'A private concern of Beta.' }, { as: 'admin@beta.example.jp' })).status, 303);
  const mine = await get(`/applications/${mainId}`, 'taro@example-sec.jp');
  assert.doesNotMatch(mine.text, /private concern/, 'the applicant never reads the reasons');
  const sec = await get(`/applications/${mainId}`, 'sec@example.jp');
  assert.match(mainText(sec.text), /0 support, 1 object\./);
  assert.match(mainText(sec.text), /A private concern of Beta\./);
  await refused(`/applications/${mainId}/withdraw`, {}, { as: 'sec@example.jp' }, { status: 403 });

  sql(srv, `UPDATE applications SET window_ends_at = CAST(strftime('%s', 'now') AS INTEGER) - 60 WHERE id = ${mainId}`);
  await refused(`/applications/${mainId}/opinion`, { stance: 'support' }, { as: 'admin@beta.example.jp' }, { status: 409, message: /The community window closed on/ });
  const r = spawnSync(shisaBin, ['membership', 'close-windows', '--db', srv.db], { encoding: 'utf8', timeout: 30000 });
  assert.doesNotMatch(r.stderr, SANITIZER_REPORT);
  assert.equal(r.status, 0, r.stderr);
});

test('the secretariat sends back with a reason the applicant reads; the applicant withdraws', async () => {
  await refused(`/applications/${mainId}/send-back`, { send_back_reason: '' }, { as: 'sec@example.jp', lang: 'ja' }, { status: 422, errors: { 'f-send_back_reason': /必須項目です/ } });
  assert.equal((await post(`/applications/${mainId}/send-back`, { send_back_reason: 'Please add a phone number.' }, { as: 'sec@example.jp' })).status, 303);
  const mine = await get(`/applications/${mainId}`, 'taro@example-sec.jp');
  assert.match(mainText(mine.text), /sent the application back for changes: Please add a phone number\./);
  assert.match(mine.text, /action="\/applications\/\d+\/draft"/, 'a draft again');
  assert.equal((await post(`/applications/${mainId}/withdraw`, { withdraw_reason: 'We will apply next year.' }, { as: 'taro@example-sec.jp' })).status, 303);
  await refused(`/applications/${mainId}/withdraw`, {}, { as: 'taro@example-sec.jp' }, { status: 409, message: /Cannot withdraw an application in withdrawn/ });
  const done = await get(`/applications/${mainId}`, 'taro@example-sec.jp', 'ja');
  assert.match(mainText(done.text), /取り下げ/);
});

test('hostile bodies on every form of the pages: a 4xx page, nothing written, the server well', async () => {
  const routes = [
    ['/apply', null], ['/apply/verify', null],
    [`/applications/${otherId}/draft`, 'hanako@other.example.jp'], [`/applications/${otherId}/sponsors`, 'hanako@other.example.jp'],
    [`/applications/${otherId}/accept-rules`, 'hanako@other.example.jp'], [`/applications/${otherId}/submit`, 'hanako@other.example.jp'],
    [`/applications/${mainId}/withdraw`, 'taro@example-sec.jp'],
    [`/applications/${otherId}/sponsor`, 'admin@alpha.example.jp'], [`/applications/${otherId}/opinion`, 'admin@alpha.example.jp'],
    [`/applications/${otherId}/approve`, 'sec@example.jp'], [`/applications/${otherId}/reject`, 'sec@example.jp'],
    [`/applications/${otherId}/send-back`, 'sec@example.jp'], ['/admin/membership/rules', 'sec@example.jp'],
  ];
  const long = 'x'.repeat(30000);
  const longFields = ['org_name', 'contact_name', 'team.name.en', 'sponsors[0]', 'statement', 'reason', 'answer', 'stance',
    'reject_reason', 'send_back_reason', 'withdraw_reason', 'tlp.en', 'token', 'password']
    .map((f) => `${encodeURIComponent(f)}=${long}`).join('&');
  const form = 'application/x-www-form-urlencoded';
  const bodies = [
    ['a broken %-escape', form, 'org_name=%ZZ&team.name.en=%'],
    ['bytes that are not UTF-8', form, 'org_name=%FF%FE&statement=%C3'],
    ['a NUL byte', form, 'org_name=a%00b&statement=a%00b&reason=a%00'],
    ['JSON instead of a form', 'application/json', '{"org_name":"x"}'],
    ['a field of the record sent twice', form, 'team.name.en=a&team.name.en=b&sponsors%5B0%5D=alpha-csirt'],
    ['every text far too long', form, longFields],
    ['sponsor slots out of range', form, 'sponsors%5B99%5D=alpha-csirt&sponsors%5B-1%5D=beta-csirt&sponsors%5Bx%5D=y'],
  ];
  for (const [path, as] of routes) {
    const jar = await jarOf(as);
    const csrf = csrfIn((await srv.request('/apply', { jar })).text);
    for (const [what, type, body] of bodies) {
      const before = membershipState();
      const r = await srv.request(`${path}?lang=en`, { method: 'POST', jar, headers: { 'content-type': type }, body: `_csrf=${csrf}&${body}` });
      assert.ok(r.status >= 400 && r.status < 500, `${what} to ${path}: ${r.status} ${mainText(r.text).slice(0, 300)}`);
      assert.match(r.headers.get('content-type'), /^text\/html/, `${what} to ${path}`);
      assert.ok(mainText(r.text).trim().length > 20, `${what} to ${path}: a page that says something`);
      assert.equal(membershipState(), before, `${what} to ${path} wrote something`);
    }
  }
  assert.equal((await srv.request('/healthz', { jar: null })).status, 200);
});

test('the rules texts: the secretariat edits all six; a missing one is refused; applicants accept the new version', async () => {
  const page = await get('/admin/membership/rules', 'sec@example.jp', 'ja');
  assert.equal(page.status, 200);
  assert.match(mainText(page.text), /申請者が同意する規約等/);
  const texts = {};
  for (const name of ['association', 'tlp', 'chatham_house'])
    for (const l of ['en', 'ja']) texts[`${name}.${l}`] = `Rule ${name} ${l}\r\nsecond line`;
  await refused('/admin/membership/rules', { ...texts, 'tlp.ja': '  ' }, { as: 'sec@example.jp' }, { status: 422, errors: { 'f-tlp-ja': /Required/ } });
  await refused('/admin/membership/rules', texts, { as: 'admin@alpha.example.jp' }, { status: 403 });
  const r = await post('/admin/membership/rules', texts, { as: 'sec@example.jp' });
  assert.equal(r.status, 303);
  const api = await srv.request('/api/v1/membership/rules', { jar: null });
  assert.equal(api.json.texts.tlp.en, 'Rule tlp en\nsecond line', 'line ends as LF, as the API keeps them');
  const draft = await get(`/applications/${otherId}`, 'hanako@other.example.jp');
  assert.match(mainText(draft.text), /Rule tlp en second line/);
  assert.match(draft.text, new RegExp(`name="version" value="${api.json.version}"`));
});

stopTest(srv);
