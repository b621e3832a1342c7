// Accounts and sign-in against the real server: first-time setup, the
// password step with throttling and lockout, sessions and their cookies,
// CSRF, MFA with real TOTP codes and recovery codes, the MFA requirement,
// API tokens and their scopes, password reset through a real MTA, the
// sign-in notice, and that no secret ever reaches the log.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CookieJar, apiError, startServer, stopTest } from './harness.mjs';
import { PASSWORD, cloneUser, csrfIn, postForm, setupSecretariat, sha256hex, signIn, sql, startSmtpSink, totp } from './accounts.mjs';

const sink = await startSmtpSink();
const srv = await startServer({ args: sink.serverArgs });
after(() => {
  srv.kill?.();
  sink.stop();
});

let sec;
const secrets = [];   // everything that must never appear in the log

test('first-time setup: a bad token is refused, a good one creates the secretariat account once', async () => {
  const bad = await srv.request('/setup?token=' + 'x'.repeat(43), { jar: new CookieJar() });
  assert.equal(bad.status, 400);
  sec = await setupSecretariat(srv);
  secrets.push(PASSWORD);
  assert.equal(sql(srv, "SELECT o.kind || '/' || u.role FROM users u JOIN orgs o ON o.id = u.org_id"), 'secretariat/team_admin');
  const again = await srv.request('/setup?token=' + 'T'.repeat(43), { jar: new CookieJar() });
  assert.equal(again.status, 400, 'the token works once, and not when accounts exist');
  const me = await srv.request('/account', { jar: sec.jar });
  assert.equal(me.status, 200);
  assert.match(me.text, /sec@example\.jp/);
  assert.ok(!/\$argon2/.test(sql(srv, 'SELECT password_hash FROM users')) === false, 'stored as argon2id');
});

test('session cookie: random, HttpOnly, SameSite=Lax, stored only as a hash', async () => {
  const { r, jar } = await signIn(srv, sec.email, PASSWORD);
  assert.equal(r.status, 303);
  const line = r.setCookies.find((c) => c.startsWith('shisa_session='));
  assert.match(line, /HttpOnly/);
  assert.match(line, /SameSite=Lax/);
  assert.doesNotMatch(line, /Secure/, 'plain http on loopback');
  const token = jar.get('shisa_session');
  assert.equal(token.length, 43);
  secrets.push(token);
  assert.equal(sql(srv, `SELECT count(*) FROM sessions WHERE token_hash = x'${sha256hex(token)}'`), '1');
  assert.ok(!srv.dbDump().includes(token), 'the token itself is not in the database');
});

test('wrong password and unknown address get the same answer, and are audited', async () => {
  const a = await signIn(srv, sec.email, 'wrong password 123');
  const b = await signIn(srv, 'nobody@example.jp', 'wrong password 123');
  assert.equal(a.r.status, 401);
  assert.equal(b.r.status, 401);
  const msg = (t) => /class="notice bad"[^>]*>([^<]+)/.exec(t)[1];
  assert.equal(msg(a.r.text), msg(b.r.text));
  assert.ok(Number(sql(srv, "SELECT count(*) FROM audit_log WHERE action = 'session.sign_in_failed'")) >= 2);
});

test('five failures lock the account for a while, even with the right password', async () => {
  cloneUser(srv, { fromEmail: sec.email, email: 'locked@example.jp', name: 'L', orgName: 'Team L', orgKind: 'member' });
  for (let i = 0; i < 5; i++) {
    const { r } = await signIn(srv, 'locked@example.jp', 'not the password ' + i);
    assert.equal(r.status, 401);
  }
  const { r } = await signIn(srv, 'locked@example.jp', PASSWORD);
  assert.equal(r.status, 429);
  assert.ok(!r.setCookies.some((c) => c.startsWith('shisa_session=')));
  sql(srv, "DELETE FROM auth_throttle");
});

test('a form post without the CSRF token, or with a wrong one, changes nothing', async () => {
  const before = srv.dbHash();
  const none = await postForm(srv, '/account/prefs', { name: 'X', lang: 'en', tz: 'UTC' }, { jar: sec.jar, csrf: null });
  assert.equal(none.status, 403);
  assert.match(none.text, /csrf|フォーム/i);
  const wrong = await postForm(srv, '/account/prefs', { name: 'X', lang: 'en', tz: 'UTC' }, { jar: sec.jar, csrf: 'A'.repeat(43) });
  assert.equal(wrong.status, 403);
  const api = await srv.request('/api/v1/me', { method: 'PATCH', jar: sec.jar, headers: { 'content-type': 'application/json' }, body: '{"lang":"en"}' });
  assert.equal(apiError(api).code, 'csrf_failed');
  assert.equal(srv.dbHash(), before);
});

test('preferences: field errors name the field; a good change is saved and audited', async () => {
  const bad = await postForm(srv, '/account/prefs', { name: '', lang: 'fr', tz: 'Mars/Olympus' }, { jar: sec.jar, from: '/account' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /id="name-err"/);
  assert.match(bad.text, /id="tz-err"/);
  const ok = await postForm(srv, '/account/prefs', { name: '事務局 花子', lang: 'en', tz: 'Europe/Vienna' }, { jar: sec.jar, from: '/account' });
  assert.equal(ok.status, 303);
  const page = await srv.request('/account', { jar: sec.jar });
  assert.match(page.text, /<html lang="en">/);
  assert.match(page.text, /Europe\/Vienna/);
  assert.equal(sql(srv, "SELECT count(*) > 0 FROM audit_log WHERE action = 'user.prefs'"), '1');
});

let apiToken, readToken;
test('API tokens: shown once, stored hashed, scoped, revocable, expiring', async () => {
  const page = await srv.request('/account', { jar: sec.jar });
  const csrf = csrfIn(page.text);
  const mk = async (body) => srv.request('/api/v1/me/tokens', { method: 'POST', jar: sec.jar, headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body) });
  const w = await mk({ name: 'automation', scope: 'write', expires_days: 30 });
  assert.equal(w.status, 201);
  apiToken = w.json.secret;
  assert.match(apiToken, /^shisa_[A-Za-z0-9_-]{43}$/);
  const r = await mk({ name: 'reader', scope: 'read' });
  readToken = r.json.secret;
  secrets.push(apiToken, readToken);
  assert.ok(!srv.dbDump().includes(apiToken));
  const bad = await mk({ name: '', scope: 'admin', expires_days: -1, extra: true });
  assert.equal(bad.status, 422);
  assert.deepEqual(Object.keys(apiError(bad).fields).sort(), ['extra']);
  const bad2 = await mk({ name: '', scope: 'admin', expires_days: -1 });
  assert.deepEqual(Object.keys(apiError(bad2).fields).sort(), ['expires_days', 'name', 'scope']);

  const bearer = (t) => ({ authorization: `Bearer ${t}` });
  const me = await srv.request('/api/v1/me', { jar: null, headers: bearer(readToken) });
  assert.equal(me.status, 200);
  assert.equal(me.json.email, sec.email);
  const list = await srv.request('/api/v1/me/tokens', { jar: null, headers: bearer(readToken) });
  assert.ok(list.json.items.every((t) => !('secret' in t) && !('token_hash' in t)));
  const denied = await srv.request('/api/v1/me', { method: 'PATCH', jar: null, headers: { ...bearer(readToken), 'content-type': 'application/json' }, body: '{"lang":"ja"}' });
  assert.equal(denied.status, 403);
  assert.match(apiError(denied).message, /read-only|読み取り専用/);
  const allowed = await srv.request('/api/v1/me', { method: 'PATCH', jar: null, headers: { ...bearer(apiToken), 'content-type': 'application/json' }, body: '{"lang":"en"}' });
  assert.equal(allowed.status, 200, 'a write token needs no CSRF token');

  const id = list.json.items.find((t) => t.name === 'reader').id;
  const rev = await srv.request(`/api/v1/me/tokens/${id}`, { method: 'DELETE', jar: null, headers: bearer(apiToken) });
  assert.equal(rev.status, 204);
  assert.equal((await srv.request('/api/v1/me', { jar: null, headers: bearer(readToken) })).status, 401);
  sql(srv, "UPDATE api_tokens SET expires_at = 1 WHERE name = 'automation'");
  assert.equal((await srv.request('/api/v1/me', { jar: null, headers: bearer(apiToken) })).status, 401);
  assert.equal((await srv.request('/api/v1/me', { jar: null, headers: bearer('shisa_' + 'A'.repeat(43)) })).status, 401);
  assert.equal((await srv.request('/api/v1/me', { jar: null, headers: { authorization: 'Basic Zm9vOmJhcg==' } })).status, 401);
});

let mfaKey;
test('MFA: enrol with a real TOTP code, then sign-in needs the code; codes cannot be replayed', async () => {
  const begin = await postForm(srv, '/account/mfa/begin', {}, { jar: sec.jar, from: '/account/mfa' });
  assert.equal(begin.status, 303);
  const page = await srv.request('/account/mfa', { jar: sec.jar });
  mfaKey = /id="mfa-secret">([A-Z2-7]+)</.exec(page.text)[1];
  secrets.push(mfaKey);
  const wrong = await postForm(srv, '/account/mfa/confirm', { code: '000000' }, { jar: sec.jar, from: '/account/mfa' });
  assert.equal(wrong.status, 422);
  const ok = await postForm(srv, '/account/mfa/confirm', { code: totp(mfaKey) }, { jar: sec.jar, from: '/account/mfa' });
  assert.equal(ok.status, 200);
  const codes = [...ok.text.matchAll(/<code>([a-z2-9]{5}-[a-z2-9]{5})<\/code>/g)].map((m) => m[1]);
  assert.equal(codes.length, 10);
  secrets.push(...codes);

  const { r, jar } = await signIn(srv, sec.email, PASSWORD);
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /^\/signin\/mfa/);
  assert.equal((await srv.request('/account', { jar })).status, 303, 'not signed in before the second factor');
  const mfaPage = await srv.request('/signin/mfa', { jar });
  const bad = await postForm(srv, '/signin/mfa', { code: '123456' }, { jar, csrf: csrfIn(mfaPage.text) });
  assert.equal(bad.status, 401);
  // The code used at enrolment may not be used again: take the next step's.
  const good = await postForm(srv, '/signin/mfa', { code: totp(mfaKey, Date.now() / 1000, 1) }, { jar, csrf: csrfIn(mfaPage.text) });
  assert.equal(good.status, 303);
  assert.equal((await srv.request('/account', { jar })).status, 200);

  // The same code again, in another sign-in: refused.
  const second = await signIn(srv, sec.email, PASSWORD);
  const p2 = await srv.request('/signin/mfa', { jar: second.jar });
  const replay = await postForm(srv, '/signin/mfa', { code: totp(mfaKey, Date.now() / 1000, 1) }, { jar: second.jar, csrf: csrfIn(p2.text) });
  assert.equal(replay.status, 401);
  // A recovery code works, once.
  const rec = await postForm(srv, '/signin/mfa', { code: codes[0].toUpperCase() }, { jar: second.jar, csrf: csrfIn(p2.text) });
  assert.equal(rec.status, 303);
  const third = await signIn(srv, sec.email, PASSWORD);
  const p3 = await srv.request('/signin/mfa', { jar: third.jar });
  const reuse = await postForm(srv, '/signin/mfa', { code: codes[0] }, { jar: third.jar, csrf: csrfIn(p3.text) });
  assert.equal(reuse.status, 401);
  sql(srv, "DELETE FROM auth_throttle");
});

test('when the secretariat requires MFA, a user without it can only enrol', async () => {
  cloneUser(srv, { fromEmail: 'locked@example.jp', email: 'member@example.jp', name: 'Member M', orgName: 'Team M', orgKind: 'member' });
  sql(srv, "INSERT INTO settings (key, value) VALUES ('require_mfa', '1')");
  const { r, jar } = await signIn(srv, 'member@example.jp', PASSWORD);
  assert.equal(r.status, 303);
  const acct = await srv.request('/account', { jar });
  assert.equal(acct.status, 303);
  assert.equal(acct.headers.get('location'), '/account/mfa');
  assert.equal((await srv.request('/account/mfa', { jar })).status, 200);
  const api = await srv.request('/api/v1/me', { jar });
  assert.equal(api.status, 403);
  sql(srv, "DELETE FROM settings WHERE key = 'require_mfa'");
  assert.equal((await srv.request('/account', { jar })).status, 200);
});

test('sessions end: sign-out, idle time, absolute lifetime, disabled user', async () => {
  const { jar } = await signIn(srv, 'member@example.jp', PASSWORD);
  assert.equal((await srv.request('/account', { jar })).status, 200);
  const out = await postForm(srv, '/signout', {}, { jar, from: '/account' });
  assert.equal(out.status, 303);
  assert.equal((await srv.request('/account', { jar })).status, 303);

  const idle = await signIn(srv, 'member@example.jp', PASSWORD);
  sql(srv, `UPDATE sessions SET last_seen_at = last_seen_at - 8 * 3600 - 1 WHERE token_hash = x'${sha256hex(idle.jar.get('shisa_session'))}'`);
  assert.equal((await srv.request('/account', { jar: idle.jar })).status, 303);

  const abs = await signIn(srv, 'member@example.jp', PASSWORD);
  sql(srv, `UPDATE sessions SET expires_at = 1 WHERE token_hash = x'${sha256hex(abs.jar.get('shisa_session'))}'`);
  assert.equal((await srv.request('/account', { jar: abs.jar })).status, 303);

  const dis = await signIn(srv, 'member@example.jp', PASSWORD);
  sql(srv, "UPDATE users SET disabled = 1 WHERE email = 'member@example.jp'");
  assert.equal((await srv.request('/account', { jar: dis.jar })).status, 303);
  const again = await signIn(srv, 'member@example.jp', PASSWORD);
  assert.equal(again.r.status, 401);
  sql(srv, "UPDATE users SET disabled = 0 WHERE email = 'member@example.jp'; DELETE FROM auth_throttle");
});

test('password reset by mail through a real MTA: single use, ends every session', async () => {
  const other = await signIn(srv, 'member@example.jp', PASSWORD);
  const req = await postForm(srv, '/reset', { email: 'member@example.jp' }, { jar: new CookieJar() });
  assert.equal(req.status, 200);
  const unknown = await postForm(srv, '/reset', { email: 'ghost@example.jp' }, { jar: new CookieJar() });
  assert.equal(unknown.status, 200);
  assert.equal(/<p>([^<]+)<\/p>/.exec(unknown.text)[1], /<p>([^<]+)<\/p>/.exec(req.text)[1], 'same answer for unknown addresses');
  const mail = await sink.waitFor('member@example.jp', /reset\/confirm\?token=/);
  const link = /(http:\/\/[^\s]+\/reset\/confirm\?token=[A-Za-z0-9_-]{43})/.exec(mail.body)[1];
  const token = link.split('token=')[1];
  secrets.push(token);
  const path = new URL(link).pathname + new URL(link).search;
  const jar = new CookieJar();
  const form = await srv.request(path, { jar });
  assert.equal(form.status, 200);
  const weak = await postForm(srv, '/reset/confirm', { token, password: 'short', password_confirm: 'short' }, { jar, csrf: csrfIn(form.text) });
  assert.equal(weak.status, 422);
  const NEW = 'a brand new passphrase 2026';
  secrets.push(NEW);
  const done = await postForm(srv, '/reset/confirm', { token, password: NEW, password_confirm: NEW }, { jar, csrf: csrfIn(form.text) });
  assert.equal(done.status, 200);
  assert.equal((await srv.request('/account', { jar: other.jar })).status, 303, 'old sessions are gone');
  assert.equal((await srv.request(path, { jar })).status, 400, 'the link works once');
  assert.equal((await signIn(srv, 'member@example.jp', PASSWORD)).r.status, 401);
  assert.equal((await signIn(srv, 'member@example.jp', NEW)).r.status, 303);
  assert.ok(!sink.messages().some((m) => m.rcpt === 'ghost@example.jp'));
});

test('a sign-in from a new address sends a notice in the user\'s language', async () => {
  const m = await sink.waitFor('member@example.jp', /127\.0\.0\.1/);
  assert.match(m.headers, /Content-Language: (ja|en)/);
});

test('every change above is in the audit chain, and no secret reached the log', async () => {
  const actions = sql(srv, 'SELECT DISTINCT action FROM audit_log ORDER BY action').split('\n');
  for (const a of ['setup.completed', 'session.sign_in', 'session.sign_in_failed', 'session.sign_out', 'user.prefs', 'token.create', 'token.revoke', 'mfa.enable', 'password.reset', 'password.reset_requested']) {
    assert.ok(actions.includes(a), `audit action ${a} missing (have ${actions.join(', ')})`);
  }
  for (const s of secrets) assert.ok(!srv.log.includes(s), `a secret reached the log: ${s.slice(0, 8)}…`);
});

stopTest(srv);
