// The directory's edit and create forms over plain HTTP, as a browser
// without JavaScript posts them: the form sent back unchanged changes
// nothing; a change comes through exactly as the API would store it; and
// every way to send a bad form (no CSRF token, oversized values, fields
// the page does not have, another team's record, a bad key) is refused
// clearly with nothing written. Keys are added and removed on the page.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startServer, stopTest } from './harness.mjs';
import { PASSWORD, cloneUser, csrfIn, setupSecretariat, signIn, sql, startSmtpSink } from './accounts.mjs';

// A real MTA takes the sign-in notices at once, so no delivery retry
// writes to the database while a test compares its hash.
const sink = await startSmtpSink();
const srv = await startServer({ args: sink.serverArgs });
after(() => sink.stop());
const sec = await setupSecretariat(srv, { email: 'sec@example.jp' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'own@example.jp', name: 'Own', orgName: 'Team A', orgKind: 'member', role: 'team_admin' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'other@example.jp', name: 'Other', orgName: 'Team B', orgKind: 'member', role: 'team_admin' });
sql(srv, "UPDATE users SET lang = 'en'");
const orgId = (name) => Number(sql(srv, `SELECT id FROM orgs WHERE name = '${name}'`));
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function jarOf(email) {
  const { r, jar } = await signIn(srv, email, PASSWORD);
  assert.equal(r.status, 303);
  return jar;
}
const own = await jarOf('own@example.jp');
const other = await jarOf('other@example.jp');
await sink.waitFor('own@example.jp');
await sink.waitFor('other@example.jp');

const entities = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
const unescape = (s) => s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => entities[e]);

// The fields a browser would post from the form with id ID on PAGE:
// inputs, checked boxes, selected options and text areas, in page order.
function formFields(html, id = 'team-form') {
  const start = html.indexOf(`id="${id}"`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const fields = [];
  const re = /<input ([^>]*)>|<select ([^>]*)>([\s\S]*?)<\/select>|<textarea ([^>]*)>\n?([\s\S]*?)<\/textarea>/g;
  const attr = (a, n) => { const m = new RegExp(`(?:^| )${n}="([^"]*)"`).exec(a); return m ? unescape(m[1]) : null; };
  for (let m; (m = re.exec(form));) {
    if (m[1] !== undefined) {
      if (attr(m[1], 'type') === 'checkbox' && !/ checked/.test(m[1])) continue;
      fields.push([attr(m[1], 'name'), attr(m[1], 'type') === 'checkbox' ? 'on' : attr(m[1], 'value') ?? '']);
    } else if (m[2] !== undefined) {
      const opts = [...m[3].matchAll(/<option value="([^"]*)"( selected)?>/g)];
      const sel = opts.find((o) => o[2]) || opts[0];
      fields.push([attr(m[2], 'name'), sel ? unescape(sel[1]) : '']);
    } else {
      fields.push([attr(m[4], 'name'), unescape(m[5])]);
    }
  }
  return fields;
}

async function editPage(slug, jar = own) {
  const r = await srv.request(`/directory/${slug}/edit`, { jar });
  assert.equal(r.status, 200, r.text.slice(0, 500));
  return r;
}

function post(path, fields, jar = own) {
  const body = new URLSearchParams(fields).toString();
  return srv.request(path, { method: 'POST', jar, headers: FORM, body });
}

// The form as loaded, with CHANGES applied ({name: value}; null removes).
async function changedForm(slug, changes = {}, jar = own) {
  const fields = formFields((await editPage(slug, jar)).text);
  const out = [];
  for (const [k, v] of fields) {
    if (k in changes) {
      if (changes[k] !== null) out.push([k, changes[k]]);
    } else {
      out.push([k, v]);
    }
  }
  for (const [k, v] of Object.entries(changes))
    if (v !== null && !fields.some(([n]) => n === k)) out.push([k, v]);
  return out;
}

const record = async (slug) => (await srv.request(`/api/v1/teams/${slug}`, { jar: sec.jar })).json;

test('set up two teams through the API', async () => {
  const page = await srv.request('/account', { jar: sec.jar });
  const h = { 'content-type': 'application/json', 'x-csrf-token': csrfIn(page.text) };
  for (const [slug, org, body] of [
    ['team-a', 'Team A', { name: { en: 'Team A', ja: 'チームA' }, sector: 'ict', region: 'kanto', tz: 'Asia/Tokyo',
      address: { en: '1-1 Chiyoda\nTokyo', ja: '東京都千代田区1-1' }, staff_now: 7, staff_at_founding: null,
      visibility: { address: 'secretariat' },
      contacts: [{ kind: 'email_incident', value: 'csirt@a.example.jp', hours: '24/7' }, { kind: 'phone_emergency', value: '+81 3-1234-5678', note: 'ask for the duty officer' }],
      people: [{ name: '山田 花子', role: 'primary_poc', email: 'hanako@a.example.jp' }],
      constituency: [{ kind: 'cidr', value: '192.0.2.0/24' }, { kind: 'asn', value: 'AS64500', visibility: 'members' }, { kind: 'type', value: 'グループ会社' }],
      texts: { mission: { en: 'We respond.', ja: '対応します。' }, overview: { ja: '概要です。\n二行目。' } } }],
    ['team-b', 'Team B', { name: { en: 'Team B' } }],
  ]) {
    const r = await srv.request('/api/v1/teams', { method: 'POST', jar: sec.jar, headers: h, body: JSON.stringify({ slug, name_en: body.name.en, org_id: orgId(org) }) });
    assert.equal(r.status, 201, r.text);
    const p = await srv.request(`/api/v1/teams/${slug}`, { method: 'PATCH', jar: sec.jar, headers: h, body: JSON.stringify(body) });
    assert.equal(p.status, 200, p.text);
  }
});

test('the form sent back as loaded changes nothing in the record', async () => {
  const before = await record('team-a');
  const r = await post('/directory/team-a/edit', await changedForm('team-a'));
  assert.equal(r.status, 303, r.text.slice(0, 2000));
  assert.equal(r.headers.get('location'), '/directory/team-a?saved=1');
  const after = await record('team-a');
  delete before.last_verified;
  delete after.last_verified;
  assert.deepEqual(after, before);
  const audit = sql(srv, "SELECT count(*) FROM audit_log WHERE action = 'team.update'");
  assert.ok(Number(audit) >= 1);
});

test('a change through the form is stored as the API would store it: rows, rules by visibility, texts', async () => {
  const form = await changedForm('team-a', {
    'contacts[0].remove': 'on',
    'contacts[2].kind': 'email_general', 'contacts[2].value': ' info@A.example.jp ', 'contacts[2].visibility': 'members',
    'contacts[3].kind': 'phone_voice', 'contacts[3].value': '03-5555-0000',
    'people[0].role': 'representative',
    'constituency.public': '192.0.2.0/24\r\ntype: グループ会社\r\n*.a.example.jp',
    'constituency.secretariat': '2001:db8::/32',
    'constituency.members': '',
    'texts.overview.en': 'Overview\r\nin two lines',
    'visibility.text.overview': 'members',
    'staff_now': '',
  });
  const r = await post('/directory/team-a/edit', form);
  assert.equal(r.status, 303, r.text.slice(0, 3000));
  const rec = await record('team-a');
  assert.deepEqual(rec.contacts.map((c) => [c.kind, c.value, c.visibility]),
    [['phone_emergency', '+81 3-1234-5678', 'members'], ['email_general', 'info@a.example.jp', 'members'], ['phone_voice', '03-5555-0000', 'members']]);
  assert.equal(rec.people[0].role, 'representative');
  assert.deepEqual(rec.constituency.map((c) => [c.kind, c.value, c.visibility]).sort(),
    [['cidr', '192.0.2.0/24', 'public'], ['cidr', '2001:db8::/32', 'secretariat'], ['domain', '*.a.example.jp', 'public'], ['type', 'グループ会社', 'public']].sort());
  assert.equal(rec.texts.overview.en, 'Overview\nin two lines');
  assert.equal(rec.staff_now, null);
  const pub = await srv.request('/api/v1/teams/team-a', { jar: null });
  assert.ok(!pub.json.texts.overview, 'the overview is for members now');
  // The lookup routes by the new rules once the background rebuild is done.
  let found;
  for (let i = 0; i < 50 && !found; i++) {
    const l = await srv.request('/api/v1/lookup?domain=www.a.example.jp', { jar: null });
    found = l.json?.found;
    if (!found) await new Promise((res) => setTimeout(res, 100));
  }
  assert.ok(found, 'the new domain rule routes');
});

test('bad values: 422 with the form again, each message by its field, nothing written', async () => {
  const before = srv.dbHash();
  const form = await changedForm('team-a', {
    'name.en': '', tz: 'JST', website: 'www.a.example.jp', established: '2026-02-30', staff_now: 'twelve',
    'constituency.public': '192.0.2.0/24\n192.0.2.1/24\n\nAS0\n192.0.2.0/24', 'contacts[0].value': '03-1234-567８',
    'people[0].email': 'hanako@@a.example.jp', 'visibility.address': 'everyone', 'visibility.name': 'members',
  });
  const r = await post('/directory/team-a/edit', form);
  assert.equal(r.status, 422);
  assert.equal(srv.dbHash(), before, 'nothing was written');
  const want = {
    'f-name-en-err': /Required/, 'f-tz-err': /Asia\/Tokyo/, 'f-website-err': /https:\/\//, 'f-established-err': /no such date/,
    'f-staff_now-err': /whole number/, 'f-contacts-0-value-err': /half-width/, 'f-people-0-email-err': /email address/,
    'f-visibility-address-err': /allowed values/,
  };
  for (const [id, re] of Object.entries(want)) {
    const m = new RegExp(`<p id="${id}" class="field-error">([^<]*)</p>`).exec(r.text);
    assert.ok(m, `no message ${id}`);
    assert.match(m[1], re, id);
  }
  const rules = /<p id="f-constituency-public-err" class="field-error">([^<]*)<\/p>/.exec(r.text)[1];
  assert.match(rules, /Line 2: Host bits are set: did you mean 192\.0\.2\.0\/24\?/);
  assert.match(rules, /Line 4: AS0 is reserved/);
  assert.match(rules, /Line 5: This rule appears twice/);
  // The locked field's visibility has no place on the page: the summary names it.
  assert.match(r.text, /<a href="#team-form">visibility\.name<\/a>: This field is always public/);
  // What was typed is still there.
  assert.match(r.text, /name="website" value="www\.a\.example\.jp"/);
  assert.match(r.text, /name="staff_now" value="twelve"/);
  assert.match(r.text, /<option value="everyone" selected>everyone<\/option>/);
  assert.ok(r.text.includes('192.0.2.0/24\n192.0.2.1/24\n\nAS0\n192.0.2.0/24</textarea>'));
});

test('the form in Japanese names each problem in Japanese', async () => {
  sql(srv, "UPDATE users SET lang = 'ja' WHERE email = 'own@example.jp'");
  const r = await post('/directory/team-a/edit', await changedForm('team-a', { tz: 'JST', 'constituency.public': '192.0.2.1/24' }));
  sql(srv, "UPDATE users SET lang = 'en' WHERE email = 'own@example.jp'");
  assert.equal(r.status, 422);
  assert.match(r.text, /保存されませんでした（修正が必要な項目: 2 件）/);
  assert.match(r.text, /1 行目: ホスト部のビットが 0 になっていません。192\.0\.2\.0\/24 のこと/);
  assert.match(r.text, /JST のような略称はタイムゾーン名ではありません/);
});

test('refused whole: no CSRF token, a crafted field, a field twice, nothing to change, too much text', async () => {
  const before = srv.dbHash();
  const form = await changedForm('team-a', { 'name.ja': 'changed' });
  const noToken = form.filter(([k]) => k !== '_csrf');
  let r = await post('/directory/team-a/edit', noToken);
  assert.equal(r.status, 403);
  assert.match(r.text, /CSRF|security token|token/i);
  r = await post('/directory/team-a/edit', [...noToken, ['_csrf', 'x'.repeat(43)]]);
  assert.equal(r.status, 403, 'a wrong token');

  for (const [extra, why] of [[['last_verified', '2026-01-01'], /does not have this field/], [['contacts[99].value', 'a@b.jp'], /does not have this field/],
    [['org_id', '1'], /does not have this field/], [['tz', 'UTC'], /sent twice/]]) {
    r = await post('/directory/team-a/edit', [...form, extra]);
    assert.equal(r.status, 400, extra[0]);
    assert.match(r.text, /not sent by the edit page/);
    assert.ok(r.text.includes(`<strong>${extra[0]}</strong>: `), extra[0]);
    assert.match(r.text, why);
  }
  const csrf = form.find(([k]) => k === '_csrf');
  r = await post('/directory/team-a/edit', [csrf]);
  assert.equal(r.status, 422);
  assert.match(r.text, /no field to change/);

  r = await post('/directory/team-a/edit', form.map(([k, v]) => [k, k === 'name.en' ? 'x'.repeat(5000) : k === 'texts.mission.en' ? 'y'.repeat(20001) : v]));
  assert.equal(r.status, 422);
  assert.match(/<p id="f-name-en-err" class="field-error">([^<]*)</.exec(r.text)[1], /at most 400 characters/);
  assert.match(/<p id="f-texts-mission-en-err" class="field-error">([^<]*)</.exec(r.text)[1], /at most 20000 characters/);
  // Far over every limit: the problems alone, without the form typed back.
  r = await post('/directory/team-a/edit', form.map(([k, v]) => [k, k === 'name.en' ? '"'.repeat(2 << 20) : v]));
  assert.equal(r.status, 422);
  assert.match(r.text, /<strong>name\.en<\/strong>: Too long: at most 400 characters/);
  // A body over max_body (8 MiB): h2o answers 413 as soon as it reads the length.
  const big = await srv.rawRequest(`POST /directory/team-a/edit HTTP/1.1\r\nHost: t\r\nCookie: ${own.header()}\r\n` +
    `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${9 << 20}\r\n\r\n_csrf=${csrf[1]}&texts.mission.en=zzzz`);
  assert.equal(big.status, 413);
  r = await srv.request('/directory/team-a/edit', { method: 'POST', jar: own, headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(r.status, 415);
  assert.equal(srv.dbHash(), before, 'nothing was written');
});

test('a team admin cannot open or post to another team\'s form; the secretariat can', async () => {
  const before = srv.dbHash();
  let r = await srv.request('/directory/team-a/edit', { jar: other });
  assert.equal(r.status, 403);
  assert.match(r.text, /Only the team(&#39;|')s own administrators and the secretariat/);
  const form = await changedForm('team-b', {}, other);
  r = await post('/directory/team-a/edit', form.map(([k, v]) => [k, k === 'name.en' ? 'Taken over' : v]), other);
  assert.equal(r.status, 403);
  r = await srv.request('/directory/no-such-team/edit', { jar: other });
  assert.equal(r.status, 404);
  r = await post('/directory/team-a/keys', [['_csrf', form[0][1]], ['armored', 'x']], other);
  assert.equal(r.status, 403);
  r = await post('/directory/team-a/keys/ABCDEF0123456789ABCDEF0123456789ABCDEF01/remove', [['_csrf', form[0][1]]], other);
  assert.equal(r.status, 403);
  assert.equal(srv.dbHash(), before, 'nothing was written');
  r = await srv.request('/directory/team-b/edit', { jar: sec.jar });
  assert.equal(r.status, 200);
  assert.equal((await srv.request('/directory/team-a', { jar: other })).text.includes('/directory/team-a/edit'), false);
  assert.equal((await srv.request('/directory/team-a', { jar: own })).text.includes('href="/directory/team-a/edit"'), true);
});

test('keys on the edit page: a real key is added and listed, bad keys get a clear message, removal works', async () => {
  const home = mkdtempSync(join(tmpdir(), 'shisa-gpg-'));
  const gpg = (...args) => execFileSync('gpg', ['--homedir', home, '--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  gpg('--quick-gen-key', 'Team A CSIRT <pgp@a.example.jp>', 'ed25519', 'default', '1y');
  const pub = gpg('--armor', '--export', 'pgp@a.example.jp');
  const priv = gpg('--armor', '--export-secret-keys', 'pgp@a.example.jp');
  rmSync(home, { recursive: true, force: true });
  const csrf = csrfIn((await editPage('team-a')).text);

  const before = srv.dbHash();
  for (const [armored, re] of [['hello', /Not an ASCII-armored OpenPGP public key/], [priv, /private key/], ['   ', /Required/],
    [pub.slice(0, pub.length - 40), /cut off|damaged|END line/]]) {
    const r = await post('/directory/team-a/keys', { _csrf: csrf, armored, visibility: 'members' });
    assert.equal(r.status, 422, armored.slice(0, 30));
    assert.match(/<p id="f-armored-err" class="field-error">([^<]*)</.exec(r.text)[1], re);
    assert.match(r.text, /The key was not added/);
    assert.match(r.text, /<a href="#f-armored">/);
  }
  assert.equal(srv.dbHash(), before, 'nothing was written');
  assert.ok(!srv.dbDump().includes('PRIVATE KEY BLOCK'));

  let r = await post('/directory/team-a/keys', { _csrf: csrf, armored: pub, visibility: 'members' });
  assert.equal(r.status, 303, r.text.slice(0, 1000));
  assert.equal(r.headers.get('location'), '/directory/team-a/edit?done=key_added#keys');
  const rec = await record('team-a');
  assert.equal(rec.keys.length, 1);
  assert.equal(rec.keys[0].visibility, 'members');
  const fpr = rec.keys[0].fingerprint;
  const page = await srv.request('/directory/team-a/edit?done=key_added', { jar: own });
  assert.match(page.text, /The key was added\./);
  assert.ok(page.text.includes(`<code class="fpr">${fpr}</code>`));
  assert.ok(page.text.includes('pgp@a.example.jp'));
  // The person's key can now be chosen.
  assert.ok(page.text.includes(`<option value="${fpr}">`));

  r = await post('/directory/team-a/keys', { _csrf: csrf, armored: pub });
  assert.equal(r.status, 409);
  assert.match(r.text, /already in the team(&#39;|')s record/);
  assert.ok(r.text.includes('href="/directory/team-a/edit?lang=ja"'), 'the language switch leads to the edit page');

  r = await post(`/directory/team-a/keys/${fpr}/remove`, { _csrf: csrf });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/directory/team-a/edit?done=key_removed#keys');
  assert.equal((await record('team-a')).keys.length, 0);
  r = await post(`/directory/team-a/keys/${fpr}/remove`, { _csrf: csrf });
  assert.equal(r.status, 404);
  assert.equal(Number(sql(srv, "SELECT count(*) FROM audit_log WHERE action IN ('team.key_add', 'team.key_remove')")), 2);
});

test('the secretariat\'s create form: field errors, a taken slug, a reserved one, then a record', async () => {
  const csrf = csrfIn((await srv.request('/directory/new', { jar: sec.jar })).text);
  const before = srv.dbHash();
  for (const [fields, id, re] of [
    [{ slug: 'A b', name_en: 'X' }, 'f-slug-err', /lowercase letters/],
    [{ slug: 'ok-slug', name_en: '' }, 'f-name_en-err', /Required/],
    [{ slug: 'team-a', name_en: 'Again' }, 'f-slug-err', /already exists/],
    [{ slug: 'new', name_en: 'New' }, 'f-slug-err', /\/directory\/new/],
    [{ slug: 'ok-slug', name_en: 'X', org_id: String(orgId('Team A')) }, 'f-org_id-err', /already exists/],
    [{ slug: 'ok-slug', name_en: 'X', org_id: '999999' }, 'f-org_id-err', /No such organisation/],
  ]) {
    const r = await post('/directory/new', { _csrf: csrf, ...fields }, sec.jar);
    assert.ok([409, 422].includes(r.status), `${JSON.stringify(fields)}: ${r.status}`);
    const m = new RegExp(`<p id="${id}" class="field-error">([^<]*)</p>`).exec(r.text);
    assert.ok(m, `${JSON.stringify(fields)}: no ${id}`);
    assert.match(m[1], re);
    assert.ok(r.text.includes(`value="${fields.slug}"`), 'the slug as typed');
  }
  assert.equal(srv.dbHash(), before, 'nothing was written');
  assert.equal((await post('/directory/new', { slug: 'x-team', name_en: 'X' }, sec.jar)).status, 403, 'no CSRF token');
  assert.equal((await post('/directory/new', { _csrf: csrfIn((await editPage('team-a')).text), slug: 'x-team', name_en: 'X' })).status, 403, 'a team admin');
  const r = await post('/directory/new', { _csrf: csrf, slug: 'port-csirt', name_en: 'Port CSIRT', org_id: '' }, sec.jar);
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/directory/port-csirt/edit?done=created');
  assert.equal((await record('port-csirt')).name.en, 'Port CSIRT');
  const api = await srv.request('/api/v1/teams', { method: 'POST', jar: sec.jar, headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ slug: 'new', name_en: 'New' }) });
  assert.equal(api.status, 422, 'the API refuses the reserved slug too');
});

stopTest(srv);
