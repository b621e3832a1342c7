// Importing teams over HTTP: the API (POST /api/v1/teams/import, the file
// as the body) and the secretariat's page /admin/directory/import (the
// file pasted into a form, no JavaScript). Each answers the same report:
// what was created, updated or left alone, and every refused and skipped
// line with its reason, in the reader's language. A refusal anywhere
// writes nothing (the database dump is compared); the CSV export
// imported into a second server gives the same CSV again.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CookieJar, apiError, repoRoot, startServer, stopTest } from './harness.mjs';
import { PASSWORD, cloneUser, csrfIn, postForm, setupSecretariat, signIn, sql } from './accounts.mjs';

const srv = await startServer();
after(() => srv.kill());
const sec = await setupSecretariat(srv, { email: 'sec@example.jp' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'admin@example.jp', name: 'Admin', orgName: 'Team A', orgKind: 'member', role: 'team_admin' });
const ti = readFileSync(join(repoRoot, 'tests', 'data', 'import', 'ti_teams.json'), 'utf8');

async function bearer(jar) {
  const page = await srv.request('/account', { jar });
  const r = await srv.request('/api/v1/me/tokens', {
    method: 'POST', jar,
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfIn(page.text) },
    body: JSON.stringify({ name: 'import test', scope: 'write' }),
  });
  assert.equal(r.status, 201, r.text);
  // Using a token records when: put that in the future so that using it writes nothing.
  sql(srv, "UPDATE api_tokens SET last_used_at = 9999999999");
  return { authorization: `Bearer ${r.json.secret}` };
}
const secAuth = await bearer(sec.jar);

function post(query, type, body, { headers = secAuth, lang = 'en', server = srv } = {}) {
  const sep = query ? '&' : '?';
  return server.request(`/api/v1/teams/import${query}${sep}lang=${lang}`, {
    method: 'POST', jar: null,
    headers: { ...headers, 'content-type': type, 'accept-language': lang },
    body,
  });
}

test('Trusted Introducer teams.json: a dry run writes nothing, then the teams are created and audited', async () => {
  const before = srv.dbHash();
  const dry = await post('?dry_run=1', 'application/json', ti);
  assert.equal(dry.status, 200, dry.text);
  assert.deepEqual(dry.json.created, ['ee-cert', 'exu-csirt']);
  assert.equal(dry.json.dry_run, true);
  assert.equal(dry.json.written, false);
  assert.equal(dry.json.format, 'ti-json');
  assert.equal(srv.dbHash(), before, 'the dry run wrote nothing');

  const r = await post('', 'application/json', ti);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.written, true);
  assert.deepEqual(r.json.created, ['ee-cert', 'exu-csirt']);
  assert.deepEqual(r.json.rejected, []);
  const tld = r.json.skipped.find((s) => s.text === 'constituency.domains[1]: *.jp');
  assert.ok(tld, JSON.stringify(r.json.skipped));
  assert.equal(tld.record, 2);
  assert.ok(tld.line > 60);
  assert.match(tld.reason, /whole top-level domain/);

  const team = await srv.request('/api/v1/teams/exu-csirt', { jar: sec.jar });
  assert.equal(team.json.name.en, 'Example University CSIRT');
  assert.deepEqual(team.json.constituency.map((c) => c.value).sort(),
    ['*.univ.example.jp', '198.51.100.0/24', '2001:db8:100::/48', 'AS64501', 'AS64502', 'Research & Education']);
  assert.equal(sql(srv, "SELECT count(*) FROM audit_log WHERE action = 'team.import'"), '2');

  const again = await post('', 'application/json', ti);
  assert.deepEqual(again.json.unchanged, ['ee-cert', 'exu-csirt']);
  assert.equal(sql(srv, "SELECT count(*) FROM audit_log WHERE action = 'team.import'"), '2', 'unchanged teams are not audited');
});

test('one refused row anywhere: 422, every refusal listed with its line, nothing written', async () => {
  const csv = 'slug,name_en,country,website,email_incident\r\n' +
    'ee-cert,Renamed,JP,,\r\n' +
    'brand-new,Brand New,XX,ftp://x.example.jp/,\r\n' +
    'other-new,Other New,JP,,"a@b.jp, not-an-address (24/7)"\r\n';
  const before = srv.dbHash();
  const r = await post('', 'text/csv', csv);
  assert.equal(r.status, 422);
  const e = apiError(r);
  assert.equal(e.code, 'validation_failed');
  assert.match(e.message, /nothing was written/);
  assert.deepEqual(r.json.rejected.map((x) => [x.line, x.record, x.field]),
    [[3, 2, 'country'], [3, 2, 'website'], [4, 3, 'contacts[1].value']]);
  assert.equal(r.json.rejected[2].text, 'email_incident: not-an-address (24/7)');
  assert.equal(r.json.written, false);
  assert.deepEqual(r.json.created, []);
  assert.equal(srv.dbHash(), before);

  const ja = await post('', 'text/csv', csv, { lang: 'ja' });
  assert.match(ja.json.rejected[0].reason, /[ぁ-んァ-ン一-龯]/, 'reasons in Japanese');
  assert.match(apiError(ja).message, /書き込んでいません/);
});

test('RFC 2350 and security.txt as text/plain: guessed, mapped, and what has no place is listed', async () => {
  const doc = [
    'Description of Team Nine, according to RFC 2350', '',
    '2.1 Name of the Team', '   Team Nine (T9)',
    '2.5 Facsimile Number', '   +81 3-9999-0000',
    '2.7 Electronic Mail Address', '   csirt@t9.example.jp',
    '9. Our History', '   Long.', ''].join('\n');
  const r = await post('', 'text/plain; charset=utf-8', doc);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.format, 'rfc2350');
  assert.equal(r.json.guessed, true);
  assert.deepEqual(r.json.created, ['t9']);
  assert.deepEqual(r.json.skipped.map((s) => [s.line, s.text]), [[9, '9. Our History']]);

  const txt = 'Contact: mailto:psirt@t9.example.jp\nPolicy: https://t9.example.jp/policy\nExpires: 2099-01-01T00:00:00Z\n';
  const noTeam = await post('', 'text/plain', txt);
  assert.equal(noTeam.status, 422);
  assert.match(noTeam.json.rejected[0].reason, /does not name its team/);
  const ok = await post('?team=t9&format=securitytxt', 'text/plain', txt);
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.json.updated, ['t9']);
  assert.equal(ok.json.signature.state, 'none');
  const team = await srv.request('/api/v1/teams/t9', { jar: sec.jar });
  assert.deepEqual(team.json.contacts.map((c) => `${c.kind} ${c.value}`), ['fax +81 3-9999-0000', 'email_incident psirt@t9.example.jp']);
});

test('a clear-signed security.txt is checked against the team\'s key, added through the API', async () => {
  const home = mkdtempSync(join(tmpdir(), 'shisa-import-gpg-'));
  const gpg = (...args) => execFileSync('gpg', ['--homedir', home, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...args],
    { encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] });
  try {
    gpg('--quick-gen-key', 'Team Nine <pgp@t9.example.jp>', 'ed25519', 'default', '1y');
    const armored = gpg('--armor', '--export', 'pgp@t9.example.jp');
    const fpr = /^fpr:::::::::([0-9A-F]{40}):$/m.exec(gpg('--with-colons', '--list-keys', 'pgp@t9.example.jp'))[1];
    const added = await srv.request('/api/v1/teams/t9/keys', {
      method: 'POST', jar: null, headers: { ...secAuth, 'content-type': 'application/json' }, body: JSON.stringify({ armored }),
    });
    assert.equal(added.status, 201, added.text);
    writeFileSync(join(home, 'security.txt'), 'Contact: mailto:signed@t9.example.jp\nExpires: 2099-01-01T00:00:00Z\n');
    const signed = gpg('--local-user', 'pgp@t9.example.jp', '--clearsign', '--output', '-', join(home, 'security.txt'));
    const good = await post('?team=t9', 'text/plain', signed);
    assert.equal(good.status, 200, good.text);
    assert.deepEqual(good.json.signature, { state: 'good', fingerprint: fpr });
    const bad = await post('?team=t9', 'text/plain', signed.replace('signed@', 'forged@'));
    assert.equal(bad.status, 200, 'an unverifiable signature is a warning, not a refusal');
    assert.equal(bad.json.signature.state, 'bad');
    assert.match(bad.json.skipped.map((x) => x.reason).join('\n'), /does not match the text/);
  } finally {
    try { execFileSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']); } catch { /* no agent */ }
    rmSync(home, { recursive: true, force: true });
  }
});

test('bad parameters and content types are refused before anything is read', async () => {
  for (const [query, type, status, field] of [
    ['?format=vcard', 'text/plain', 400, 'format'],
    ['?dry_run=maybe', 'text/plain', 400, 'dry_run'],
    ['?team=Not%20A%20Slug', 'text/plain', 400, 'team'],
    ['?format=ti-json', 'text/plain', 415, null],
    ['?format=csv', 'application/json', 415, null],
    ['', 'text/html', 415, null],
  ]) {
    const r = await post(query, type, 'slug,name_en\n');
    assert.equal(r.status, status, `${query} ${type}`);
    if (field) assert.ok(field in apiError(r).fields, JSON.stringify(apiError(r)));
  }
});

test('only the secretariat may import', async () => {
  const { jar } = await signIn(srv, 'admin@example.jp', PASSWORD);
  const r = await post('', 'application/json', ti, { headers: await bearer(jar) });
  assert.equal(r.status, 403);
  const anon = await post('', 'application/json', ti, { headers: {} });
  assert.equal(anon.status, 401);
  assert.equal((await srv.request('/admin/directory/import', { jar })).status, 403);
});

test('the CSV export imported into another server gives the same CSV; into its own, changes nothing', async () => {
  const first = await srv.request('/directory.csv', { jar: sec.jar });
  assert.equal(first.status, 200);
  const before = srv.dbHash();
  const same = await post('', 'text/csv', first.body);
  assert.equal(same.status, 200, same.text);
  assert.equal(same.json.created.length + same.json.updated.length, 0);
  assert.equal(srv.dbHash(), before);

  const other = await startServer();
  try {
    const sec2 = await setupSecretariat(other, { email: 'sec2@example.jp' });
    const page = await other.request('/account', { jar: sec2.jar });
    const tok = await other.request('/api/v1/me/tokens', {
      method: 'POST', jar: sec2.jar,
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrfIn(page.text) },
      body: JSON.stringify({ name: 't', scope: 'write' }),
    });
    const r = await post('', 'text/csv', first.body, { headers: { authorization: `Bearer ${tok.json.secret}` }, server: other });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.created.length, 3, `${first.text}\n${r.text}`);
    const second = await other.request('/directory.csv', { jar: sec2.jar });
    assert.equal(second.text, first.text);
  } finally {
    await other.stop();
  }
});

test('the page: a form that works without JavaScript, the same report in both languages', async () => {
  const form = await srv.request('/admin/directory/import', { jar: sec.jar });
  assert.equal(form.status, 200);
  assert.match(form.text, /<textarea id="content" name="content"/);
  assert.doesNotMatch(form.text, /<script/);
  assert.match(form.text, /href="\/admin\/directory\/import"/, 'linked from the navigation');

  const doc = '2.1 Name of the Team\n   Page Team (PT)\n2.3 Time Zone\n   JST\n2.8 Public Keys\n   0123 4567\n';
  const before = srv.dbHash();
  const refused = await postForm(srv, '/admin/directory/import', { format: '', team: '', content: doc }, { jar: sec.jar });
  assert.equal(refused.status, 422);
  assert.match(refused.text, /class="notice bad" role="alert"/);
  assert.match(refused.text, /<td>4<\/td><td><code>JST<\/code><\/td><td><code>tz<\/code><\/td><td>[^<]*Asia\/Tokyo/);
  assert.match(refused.text, /<td>5<\/td><td><code>2\.8 Public Keys<\/code><\/td>/);
  assert.match(refused.text, /Page Team \(PT\)/, 'the pasted text is shown again to correct it');
  assert.equal(srv.dbHash(), before);

  const fixed = doc.replace('JST', 'Asia/Tokyo');
  const dry = await postForm(srv, '/admin/directory/import?lang=ja', { format: 'rfc2350', team: '', content: fixed, dry_run: '1' }, { jar: sec.jar });
  assert.equal(dry.status, 200, dry.text.slice(0, 2000));
  assert.match(dry.text, /ドライラン/);
  assert.match(dry.text, /作成されるチーム/);
  assert.equal(srv.dbHash(), before);

  const done = await postForm(srv, '/admin/directory/import?lang=en', { format: 'rfc2350', team: '', content: fixed }, { jar: sec.jar });
  assert.equal(done.status, 200);
  assert.match(done.text, /Imported\./);
  assert.match(done.text, /<a href="\/directory\/pt">pt<\/a>/);
  assert.equal(sql(srv, "SELECT tz FROM teams WHERE slug = 'pt'"), 'Asia/Tokyo');

  const empty = await postForm(srv, '/admin/directory/import', { format: 'csv', team: 'Bad Slug', content: '' }, { jar: sec.jar });
  assert.equal(empty.status, 422);
  assert.match(empty.text, /id="content-err" class="field-error"/);
  assert.match(empty.text, /id="team-err" class="field-error"/);

  const noCsrf = await srv.request('/admin/directory/import', {
    method: 'POST', jar: sec.jar, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ content: fixed }).toString(),
  });
  assert.equal(noCsrf.status, 403);
  const anon = await srv.request('/admin/directory/import', { jar: new CookieJar() });
  assert.equal(anon.status, 303);
});

stopTest(srv);
