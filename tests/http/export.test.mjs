// The directory's exports: the JSON export in FIRST-style scopes, asked
// for by every kind of reader, with every output searched for a
// secretariat-only and a members-only marker; security.txt (RFC 9116)
// checked by a validator written here from the RFC, clearsigned with real
// GnuPG and verified with the key its own Encryption line points at; the
// key download; and the links on the pages.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CookieJar, apiError, shisaBin, startServer, stopTest } from './harness.mjs';
import { PASSWORD, cloneUser, csrfIn, setupSecretariat, signIn, sql } from './accounts.mjs';
import { hostileChecks } from './hostile.mjs';

// security.txt files made by this server expire 30 days after they are
// made, and link to the instance at its base_url.
const BASE = 'https://directory.example.jp';
const srv = await startServer({ args: ['--set', 'securitytxt_expires_days=30', '--base-url', BASE] });
after(() => srv.kill());

// Values that only some readers may see. Each appears in fields that
// every export format carries (contacts, people, texts, address).
const PUBLIC_MAIL = 'csirt@a.example.jp';
const MEMBERS_PHONE = '+81 3-1111-2222';
const MEMBERS_TEL = 'tel:+81-3-1111-2222';
const MEMBERS_MARK = 'members-mark-7f3a';
const SECRET_MAIL = 'secret-mark-9c1d@a.example.jp';
const SECRET_MARK = 'secret-mark-9c1d';
const SUSPENDED_MARK = 'suspended-mark-44e0';

await setupSecretariat(srv, { email: 'sec@example.jp' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'own@example.jp', name: 'Own', orgName: 'Team A', orgKind: 'member', role: 'team_admin' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'member@example.jp', name: 'Member', orgName: 'Team B', orgKind: 'member' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'obs@example.jp', name: 'Observer', orgName: 'Obs', orgKind: 'observer' });
sql(srv, `INSERT INTO teams (org_id, slug, name_en, created_at, updated_at) SELECT id, 'team-a', 'Team A', 0, 0 FROM orgs WHERE name = 'Team A';
          INSERT INTO teams (slug, name_en, state, created_at, updated_at) VALUES ('team-s', '${SUSPENDED_MARK}', 'suspended', 0, 0);
          INSERT INTO teams (slug, name_en, created_at, updated_at) VALUES ('quiet', 'Quiet Team', 0, 0);`);

const jars = {};
async function jarOf(who) {
  if (who === 'anonymous') return new CookieJar();
  if (!jars[who]) {
    const { r, jar } = await signIn(srv, `${who}@example.jp`, PASSWORD);
    assert.equal(r.status, 303, `sign-in as ${who}`);
    jars[who] = jar;
  }
  return jars[who];
}

async function bearerFor(who) {
  const jar = await jarOf(who);
  const page = await srv.request('/account', { jar });
  const r = await srv.request('/api/v1/me/tokens', {
    method: 'POST', jar,
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfIn(page.text) },
    body: JSON.stringify({ name: 'export test', scope: 'write' }),
  });
  return { authorization: `Bearer ${r.json.secret}` };
}

// A real OpenPGP key for team-a, kept in a GnuPG home of the test's own.
const gpgHome = mkdtempSync(join(tmpdir(), 'shisa-export-gpg-'));
after(() => rmSync(gpgHome, { recursive: true, force: true }));
const gpgIn = (home, ...args) => execFileSync('gpg', ['--homedir', home, '--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: home });
const gpg = (...args) => gpgIn(gpgHome, ...args);
gpg('--quick-gen-key', 'Team A CSIRT <pgp@a.example.jp>', 'ed25519', 'sign', '1y');

const sec = await bearerFor('sec');
const own = await bearerFor('own');
const patched = await srv.request('/api/v1/teams/team-a', {
  method: 'PATCH', jar: null, headers: { ...sec, 'content-type': 'application/json' },
  body: JSON.stringify({
    name: { en: 'Team A', ja: 'チームA' }, short_name: 'TA', country: 'JP', website: 'https://csirt.a.example.jp/csirt/',
    address: { en: `1-1 Chiyoda ${SECRET_MARK}` },
    contacts: [
      { kind: 'email_incident', value: PUBLIC_MAIL, visibility: 'public' },
      { kind: 'phone_emergency', value: MEMBERS_PHONE, hours: '24/7', visibility: 'members' },
      { kind: 'email_incident', value: SECRET_MAIL, visibility: 'secretariat' },
    ],
    people: [{ name: `Person ${SECRET_MARK}`, role: 'primary_poc', visibility: 'secretariat' },
      { name: `Person ${MEMBERS_MARK}`, role: 'secondary_poc', visibility: 'members' }],
    texts: { mission: { en: 'We coordinate.', ja: '調整します。' }, overview: { en: `Overview ${MEMBERS_MARK}` } },
    visibility: { address: 'secretariat', 'text.overview': 'members' },
  }),
});
assert.equal(patched.status, 200, patched.text);
const keyAdded = await srv.request('/api/v1/teams/team-a/keys', {
  method: 'POST', jar: null, headers: { ...own, 'content-type': 'application/json' },
  body: JSON.stringify({ armored: gpg('--armor', '--export', 'pgp@a.example.jp') }),
});
assert.equal(keyAdded.status, 201, keyAdded.text);
const FPR = keyAdded.json.fingerprint;

const READERS = ['anonymous', 'obs', 'member', 'own', 'sec'];
const MEMBER_LEVEL = new Set(['member', 'own', 'sec']);

function assertNoSecret(text, what) {
  for (const mark of [SECRET_MARK, SUSPENDED_MARK])
    assert.ok(!text.includes(mark), `${what}: holds ${mark}`);
  assert.ok(!text.includes('"visibility"'), `${what}: holds visibility settings (secretariat level)`);
}

test('the JSON export: each scope as each reader, nothing above the scope, and a scope above the reader is refused', async () => {
  for (const who of READERS) {
    const jar = await jarOf(who);
    for (const scope of [null, 'public', 'minimal', 'members']) {
      const what = `${who}, scope ${scope}`;
      const r = await srv.request(`/api/v1/teams/export?lang=en${scope ? `&scope=${scope}` : ''}`, { jar });
      if (scope === 'members' && !MEMBER_LEVEL.has(who)) {
        assert.equal(r.status, 403, what);
        const e = apiError(r);
        assert.equal(e.code, 'forbidden');
        assert.match(e.fields.scope, /public or minimal/, 'the error says which scopes may be used');
        continue;
      }
      assert.equal(r.status, 200, `${what}: ${r.text.slice(0, 300)}`);
      const doc = r.json;
      assert.equal(doc.version, '1');
      assert.equal(doc.scope, scope || 'public', 'public when no scope is given');
      assert.match(doc.generated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.deepEqual(doc.data.map((t) => t.slug), ['team-a', 'quiet'], `${what}: listed teams by id, no suspended one`);
      assert.equal(doc.total, 2);
      assertNoSecret(r.text, what);
      assert.ok(r.text.includes(PUBLIC_MAIL), `${what}: the public incident address`);
      assert.ok(r.text.includes(FPR), `${what}: the key fingerprint`);
      const seesMembers = scope === 'members' || (scope === 'minimal' && MEMBER_LEVEL.has(who));
      assert.equal(r.text.includes(MEMBERS_PHONE), seesMembers, `${what}: the members-only phone`);
      const a = doc.data[0];
      if (scope === 'minimal') {
        for (const t of doc.data)
          assert.deepEqual(Object.keys(t).filter((k) => !['slug', 'name', 'short_name', 'country', 'website', 'contacts', 'keys'].includes(k)), [], 'only the card');
        assert.deepEqual(a.name, { en: 'Team A', ja: 'チームA' });
        assert.equal(a.website, 'https://csirt.a.example.jp/csirt/');
        assert.deepEqual(a.contacts.map((c) => c.kind).sort(), seesMembers ? ['email_incident', 'phone_emergency'] : ['email_incident']);
        assert.deepEqual(Object.keys(a.keys[0]).sort(), ['expires', 'fingerprint', 'status'], 'fingerprints, not the key blocks');
        assert.ok(!r.text.includes(MEMBERS_MARK), 'texts and people are not on the card');
      } else {
        assert.equal(r.text.includes(MEMBERS_MARK), scope === 'members', `${what}: members-only texts and people`);
        assert.match(a.keys[0].armored, /BEGIN PGP PUBLIC KEY BLOCK/);
        assert.ok(!('address' in a), 'a secretariat-only field is absent');
      }
    }
  }
});

test('bad scopes are a 400 naming scope, for every reader, and write nothing', async () => {
  const before = srv.dbHash();
  for (const who of ['anonymous', 'sec']) {
    for (const bad of ['all', 'MEMBERS', 'pgp', '', ' public', 'public,members', '<script>', 'x'.repeat(5000)]) {
      const r = await srv.request(`/api/v1/teams/export?scope=${encodeURIComponent(bad)}`, { jar: await jarOf(who) });
      assert.equal(r.status, 400, `${who}: ${JSON.stringify(bad.slice(0, 20))}`);
      const e = apiError(r);
      assert.equal(e.code, 'bad_request');
      assert.deepEqual(Object.keys(e.fields), ['scope']);
      assert.ok(!r.text.includes('<script>'), 'the bad value is not reflected');
    }
  }
  assert.equal(srv.dbHash(), before);
});

const { cases } = hostileChecks(srv);
cases('export scope', [
  ['a NUL byte', '%00'], ['a bad escape', '%zz'], ['invalid UTF-8', '%ff%fe'], ['a control character', 'public%01'],
].map(([name, q]) => ({ name, send: `GET /api/v1/teams/export?scope=${q} HTTP/1.1\r\nHost: t\r\n\r\n`, expect: [400] })));

// ---------------------------------------------------------------------------
// security.txt

// RFC 9116, checked line by line: the fields this validator knows (the
// IANA registry's), Contact at least once, Expires exactly once and in
// RFC 3339 form in less than a year, Preferred-Languages at most once,
// URIs where the RFC wants URIs, https for Canonical, UTF-8, LF or CRLF
// line ends. A clearsigned file is checked inside its signature.
// Returns the problems (empty: valid) and the fields.
function validateSecurityTxt(buf) {
  const problems = [];
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return { problems: ['not UTF-8'], fields: {} };
  }
  if (/\r(?!\n)/.test(text)) problems.push('a bare CR');
  let lines = text.split(/\r?\n/);
  if (lines[0] === '-----BEGIN PGP SIGNED MESSAGE-----') {
    const start = lines.indexOf('');
    const end = lines.indexOf('-----BEGIN PGP SIGNATURE-----');
    if (start < 0 || end < 0 || !lines.slice(1, start).every((l) => /^Hash: /.test(l))) problems.push('a broken signed message');
    lines = lines.slice(start + 1, end).map((l) => (l.startsWith('- ') ? l.slice(2) : l));
  }
  const known = ['acknowledgments', 'canonical', 'contact', 'csaf', 'encryption', 'expires', 'hiring', 'policy', 'preferred-languages'];
  const fields = {};
  for (const [i, line] of lines.entries()) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z0-9-]+):[ \t]*([^\x00-\x1f\x7f]+)$/.exec(line);
    if (!m) {
      problems.push(`line ${i + 1} is not a field: ${JSON.stringify(line)}`);
      continue;
    }
    const name = m[1].toLowerCase();
    if (!known.includes(name)) problems.push(`unknown field ${m[1]}`);
    (fields[name] ||= []).push(m[2].trim());
  }
  const uri = /^[a-z][a-z0-9+.-]*:[^\s<>"{}|\\^`]+$/i;
  if (!(fields.contact || []).length) problems.push('no Contact');
  for (const c of fields.contact || [])
    if (!uri.test(c) || !/^(mailto|tel|https):/.test(c)) problems.push(`Contact ${c} is not a mailto:, tel: or https: URI`);
  if ((fields.expires || []).length !== 1) problems.push(`Expires ${(fields.expires || []).length} times`);
  for (const e of fields.expires || []) {
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(e) || Number.isNaN(Date.parse(e))) problems.push(`Expires ${e} is not RFC 3339`);
    else if (Date.parse(e) <= Date.now() || Date.parse(e) - Date.now() >= 365 * 86400e3) problems.push(`Expires ${e} is not within a year`);
  }
  if ((fields['preferred-languages'] || []).length > 1) problems.push('Preferred-Languages more than once');
  for (const p of fields['preferred-languages'] || [])
    if (!p.split(',').every((t) => /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(t.trim()))) problems.push(`Preferred-Languages ${p}`);
  for (const f of ['canonical', 'encryption', 'policy', 'acknowledgments', 'hiring', 'csaf'])
    for (const v of fields[f] || []) if (!uri.test(v)) problems.push(`${f} ${v} is not a URI`);
  for (const v of fields.canonical || []) if (!v.startsWith('https://')) problems.push(`Canonical ${v} is not https`);
  return { problems, fields };
}

test('the validator itself catches what RFC 9116 forbids', () => {
  const good = 'Contact: mailto:a@example.jp\nExpires: ' + new Date(Date.now() + 86400e3).toISOString().replace(/\.\d+Z$/, 'Z') + '\n';
  assert.deepEqual(validateSecurityTxt(Buffer.from(good)).problems, []);
  const bad = [
    good.replace(/Contact.*\n/, ''), good + good.split('\n')[1] + '\n', good.replace('Z\n', '\n'), good + 'Colour: blue\n',
    good.replace('mailto:a@example.jp', 'a@example.jp'), good + 'Canonical: http://example.jp/.well-known/security.txt\n',
    good.replace(/Expires: \d{4}/, 'Expires: 2999'), good + 'not a field\n', good.replace('\n', '\r'),
  ];
  for (const b of bad) assert.notDeepEqual(validateSecurityTxt(Buffer.from(b)).problems, [], JSON.stringify(b));
});

test('security.txt: a valid RFC 9116 file with what the reader may see, public unless members is asked for', async () => {
  const base = BASE;
  for (const who of READERS) {
    const jar = await jarOf(who);
    for (const scope of [null, 'public', 'members']) {
      const what = `${who}, scope ${scope}`;
      const r = await srv.request(`/directory/team-a/security.txt${scope ? `?scope=${scope}` : ''}`, { jar });
      if (scope === 'members' && !MEMBER_LEVEL.has(who)) {
        assert.equal(r.status, 403, what);
        continue;
      }
      assert.equal(r.status, 200, `${what}: ${r.text.slice(0, 300)}`);
      assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
      assert.match(r.headers.get('content-disposition'), /filename="team-a-security\.txt"/);
      const { problems, fields } = validateSecurityTxt(r.body);
      assert.deepEqual(problems, [], `${what}:\n${r.text}`);
      assertNoSecret(r.text, what);
      assert.ok(!r.text.includes(MEMBERS_MARK), what);
      const members = scope === 'members';
      assert.deepEqual(fields.contact, members ? [`mailto:${PUBLIC_MAIL}`, MEMBERS_TEL] : [`mailto:${PUBLIC_MAIL}`], what);
      const expires = Date.parse(fields.expires[0]);
      assert.ok(Math.abs(expires - Date.now() - 30 * 86400e3) < 120e3, `securitytxt_expires_days = 30: ${fields.expires[0]}`);
      assert.deepEqual(fields.encryption, [`${base}/directory/team-a/keys/${FPR}.asc`]);
      assert.deepEqual(fields['preferred-languages'], ['ja, en'], 'texts in both languages, Japanese first for a team in Japan');
      assert.deepEqual(fields.canonical, ['https://csirt.a.example.jp/.well-known/security.txt'], 'at the root of the website\'s origin');
      assert.deepEqual(fields.policy, [`${base}/directory/team-a/rfc2350.txt`]);
      assert.match(r.text, /^# security\.txt \(RFC 9116\) of Team A \(TA\)\n/, 'the comment header first');
    }
  }
  const above = await srv.request('/directory/team-a/security.txt?scope=members&lang=en', { jar: new CookieJar() });
  assert.equal(above.status, 403);
  assert.match(above.text, /the public file needs no scope/);
  const policy = await srv.request('/directory/team-a/rfc2350.txt', { jar: new CookieJar() });
  assert.equal(policy.status, 200, 'the Policy URL answers');
  const bad = await srv.request('/directory/team-a/security.txt?scope=minimal&lang=en', { jar: new CookieJar() });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /public or members/);
  assert.equal((await srv.request('/directory/team-s/security.txt', { jar: new CookieJar() })).status, 404, 'suspended');
  const none = await srv.request('/directory/quiet/security.txt?lang=en', { jar: new CookieJar() });
  assert.equal(none.status, 404, 'no contact: no valid file can be made');
  assert.match(none.text, /at least one contact/);
});

test('security.txt clearsigned with GnuPG verifies, with the key its Encryption line serves; the team page gives the exact command', async () => {
  const page = await srv.request('/directory/team-a?lang=en', { jar: await jarOf('own') });
  assert.equal(page.status, 200);
  const command = /<code class="command">(gpg --local-user [^<]+)<\/code>/.exec(page.text)?.[1];
  assert.equal(command, `gpg --local-user ${FPR} --output security.txt --clearsign team-a-security.txt`);
  assert.match(page.text, /<code>https:\/\/csirt\.a\.example\.jp\/\.well-known\/security\.txt<\/code>/);
  const file = await srv.request('/directory/team-a/security.txt', { jar: await jarOf('own') });
  writeFileSync(join(gpgHome, 'team-a-security.txt'), file.body);
  // The page's command as it stands, with only the options a script needs.
  const [, ...args] = command.split(' ');
  gpg(...args);
  const signed = readFileSync(join(gpgHome, 'security.txt'));
  assert.match(signed.toString(), /^-----BEGIN PGP SIGNED MESSAGE-----\n/);
  assert.deepEqual(validateSecurityTxt(signed).problems, [], 'still valid RFC 9116 when signed');
  // A reporter who has only the file: fetch the key from its Encryption line.
  const reporter = mkdtempSync(join(tmpdir(), 'shisa-export-reporter-'));
  try {
    const url = validateSecurityTxt(signed).fields.encryption[0];
    assert.ok(url.startsWith(`${BASE}/`));
    const key = await srv.request(url.slice(BASE.length), { jar: new CookieJar() });
    assert.equal(key.status, 200);
    assert.equal(key.headers.get('content-type'), 'application/pgp-keys');
    writeFileSync(join(reporter, 'key.asc'), key.body);
    gpgIn(reporter, '--import', 'key.asc');
    writeFileSync(join(reporter, 'security.txt'), signed);
    const out = execFileSync('gpg', ['--homedir', reporter, '--batch', '--status-fd', '1', '--verify', 'security.txt'],
      { cwd: reporter, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(out, new RegExp(`\\[GNUPG:\\] VALIDSIG ${FPR} `), 'a good signature by the team key');
    // One changed byte breaks it.
    writeFileSync(join(reporter, 'security.txt'), signed.toString().replace('mailto:', 'mailto:x'));
    assert.throws(() => gpgIn(reporter, '--verify', 'security.txt'), /BAD signature|exit|Command failed/);
  } finally {
    rmSync(reporter, { recursive: true, force: true });
  }
  for (const who of ['anonymous', 'member']) {
    const other = await srv.request('/directory/team-a?lang=en', { jar: await jarOf(who) });
    assert.match(other.text, /href="\/directory\/team-a\/security\.txt"/, `${who}: the link next to the other exports`);
    assert.ok(!other.text.includes('--clearsign'), `${who}: publishing is for the team's admins`);
  }
});

test('key files: each key by its fingerprint as the reader may see it', async () => {
  const anon = new CookieJar();
  const got = await srv.request(`/directory/team-a/keys/${FPR.toLowerCase()}.asc`, { jar: anon });
  assert.equal(got.status, 200, 'any case of the fingerprint');
  assert.match(got.text, /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
  assert.match(got.headers.get('content-disposition'), new RegExp(`filename="${FPR.toLowerCase()}\\.asc"`));
  for (const path of [`/directory/team-a/keys/${FPR}`, `/directory/team-a/keys/${FPR}.txt`, '/directory/team-a/keys/.asc',
    `/directory/team-a/keys/${FPR.slice(1)}.asc`, `/directory/quiet/keys/${FPR}.asc`, `/directory/team-s/keys/${FPR}.asc`])
    assert.equal((await srv.request(path, { jar: anon })).status, 404, path);
  sql(srv, `UPDATE team_keys SET visibility = 'members' WHERE fingerprint = '${FPR}'`);
  try {
    assert.equal((await srv.request(`/directory/team-a/keys/${FPR}.asc`, { jar: anon })).status, 404, 'members-only key');
    assert.equal((await srv.request(`/directory/team-a/keys/${FPR}.asc`, { jar: await jarOf('member') })).status, 200);
    const pub = await srv.request('/directory/team-a/security.txt', { jar: anon });
    assert.ok(!pub.text.includes('Encryption:'), 'no Encryption line for a key the public may not fetch');
  } finally {
    sql(srv, `UPDATE team_keys SET visibility = 'public' WHERE fingerprint = '${FPR}'`);
  }
});

test('the directory page links the JSON export scopes the reader may use', async () => {
  const anon = await srv.request('/directory?lang=en', { jar: new CookieJar() });
  assert.match(anon.text, /href="\/api\/v1\/teams\/export\?scope=public"/);
  assert.match(anon.text, /href="\/api\/v1\/teams\/export\?scope=minimal"/);
  assert.doesNotMatch(anon.text, /scope=members/);
  const member = await srv.request('/directory?lang=ja', { jar: await jarOf('member') });
  assert.match(member.text, /href="\/api\/v1\/teams\/export\?scope=members"/);
  assert.match(member.text, /JSON エクスポート/);
  const viaLink = await srv.request('/api/v1/teams/export?scope=members', { jar: await jarOf('member') });
  assert.equal(viaLink.status, 200, 'the link works with the session cookie');
});

test('"export" cannot be a team slug: /api/v1/teams/export is the export', async () => {
  const r = await srv.request('/api/v1/teams?lang=en', { method: 'POST', jar: null, headers: { ...sec, 'content-type': 'application/json' }, body: JSON.stringify({ slug: 'export', name_en: 'Export' }) });
  assert.equal(r.status, 422);
  assert.match(apiError(r).fields.slug, /address of the directory itself/);
});

// Last, as it adds hundreds of teams: an export larger than one piece
// (256 KiB) is sent from a file in pieces, whole, with its length, and
// the file is gone afterwards.
test('a large export is streamed whole from a file that leaves nothing behind', async () => {
  execFileSync(shisaBin, ['dev', 'seed', '--db', srv.db, '--teams', '600', '--seed', '7'], { stdio: 'pipe', timeout: 120000 });
  const before = readdirSync(srv.dir).sort();
  const r = await srv.request('/api/v1/teams/export?scope=members', { jar: await jarOf('member'), timeoutMs: 60000 });
  assert.equal(r.status, 200);
  assert.ok(Buffer.byteLength(r.text) > 3 * 256 * 1024, `several pieces (${Buffer.byteLength(r.text)} bytes)`);
  assert.equal(Number(r.headers.get('content-length')), Buffer.byteLength(r.text));
  const doc = JSON.parse(r.text);
  assert.equal(doc.scope, 'members');
  assert.equal(doc.data.length, doc.total);
  assert.ok(doc.total >= 600, `${doc.total} teams`);
  assert.ok(!r.text.includes(SECRET_MARK), 'nothing above the scope in a large export either');
  assert.deepEqual(readdirSync(srv.dir).sort(), before, 'no file left beside the database');
});

stopTest(srv);
