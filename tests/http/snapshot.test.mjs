// The offline snapshot over HTTP, against the real server: a member team
// downloads the HTML and the JSON, both verify with `shisa directory
// verify` against the key the server publishes, hold members-only fields
// and no secretariat-only field (the whole file is searched), a flipped
// byte is refused, anonymous, applicant and observer readers are turned
// away, and a PATCH of a team gives a new snapshot soon after (polled),
// rebuilt once: the watch on other processes' changes does not take the
// server's own writes for theirs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CookieJar, apiError, shisaBin, startServer, stopTest } from './harness.mjs';
import { PASSWORD, cloneUser, csrfIn, setupSecretariat, signIn } from './accounts.mjs';

const srv = await startServer();
after(() => srv.kill());
const work = mkdtempSync(join(tmpdir(), 'shisa-snapshot-'));
after(() => rmSync(work, { recursive: true, force: true }));

const sec = await setupSecretariat(srv, { email: 'sec@example.jp' });
for (const [email, kind] of [['member@example.jp', 'member'], ['obs@example.jp', 'observer'], ['applicant@example.jp', 'applicant']])
  cloneUser(srv, { fromEmail: 'sec@example.jp', email, name: email, orgName: `Org ${email}`, orgKind: kind });
const secPage = await srv.request('/account', { jar: sec.jar });
const secHeaders = { 'content-type': 'application/json', 'x-csrf-token': csrfIn(secPage.text) };

async function jarOf(email) {
  const { r, jar } = await signIn(srv, email, PASSWORD);
  assert.equal(r.status, 303, `sign-in as ${email}`);
  return jar;
}

async function team(slug, body) {
  const r = await srv.request('/api/v1/teams', { method: 'POST', jar: sec.jar, headers: secHeaders, body: JSON.stringify({ slug, name_en: body.name.en }) });
  assert.equal(r.status, 201, r.text);
  const p = await srv.request(`/api/v1/teams/${slug}`, { method: 'PATCH', jar: sec.jar, headers: secHeaders, body: JSON.stringify(body) });
  assert.equal(p.status, 200, p.text);
}

await team('nca-security', {
  name: { en: 'NCA Security Team', ja: '日本セキュリティチーム' }, short_name: 'NCA-ST', sector: 'ict', region: 'kanto',
  address: { en: '1-1 Chiyoda, Tokyo', ja: '東京都千代田区1-1' },
  contacts: [{ kind: 'email_incident', value: 'report@nca.example.jp' }, { kind: 'phone_emergency', value: '+81 3-1234-5678', hours: '24/7' }],
  people: [{ name: 'Secret Sato', role: 'representative', visibility: 'secretariat' }, { name: 'Member Mori', role: 'primary_poc', visibility: 'members' }],
  constituency: [{ kind: 'domain', value: 'nca.example.jp' }, { kind: 'asn', value: 'AS64500' }],
});
await team('bank-csirt', {
  name: { en: 'Bank CSIRT', ja: '銀行シーサート' }, sector: 'finance', region: 'kansai',
  address: { en: 'Hidden Street 9, Osaka' }, visibility: { address: 'secretariat', org_department: 'secretariat' },
  org_department: 'Risk management (secretariat only)',
  texts: { overview: { en: 'Visible overview.', ja: '会員に見える概要。' } },
});

// The server remakes its snapshot a moment after each change: ask until
// DONE(response) holds (or give up after 20 s).
async function download(path, jar, done = () => true) {
  let r;
  for (let i = 0; i < 200; i++) {
    r = await srv.request(path, { jar });
    if (r.status === 200 && done(r)) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.fail(`${path}: never ready (${r.status} ${r.text.slice(0, 200)})`);
}

function verify(file, key) {
  const r = spawnSync(shisaBin, ['directory', 'verify', file, '--key', key], { encoding: 'utf8', cwd: work });
  assert.doesNotMatch(r.stderr, /Sanitizer|runtime error:/);
  return r;
}

test('the signing key is public, as a key file with the key and a PEM block', async () => {
  const r = await srv.request('/api/v1/directory/snapshot.key', { jar: new CookieJar() });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  assert.match(r.text, /^ed25519:[A-Za-z0-9+/]{43}=$/m);
  assert.match(r.text, /-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA[A-Za-z0-9+/]{43}=\n-----END PUBLIC KEY-----/);
  writeFileSync(join(work, 'key.txt'), r.text);
});

test('anonymous, applicants and observers get the usual refusal', async () => {
  for (const path of ['/api/v1/directory/snapshot.html', '/api/v1/directory/snapshot.json']) {
    const anon = await srv.request(path, { jar: new CookieJar() });
    assert.equal(anon.status, 401, path);
    assert.equal(apiError(anon).code, 'unauthenticated');
    for (const who of ['obs@example.jp', 'applicant@example.jp']) {
      const r = await srv.request(path, { jar: await jarOf(who) });
      assert.equal(r.status, 403, `${path} as ${who}`);
      assert.equal(apiError(r).code, 'forbidden');
    }
  }
});

test('a member downloads both files; each verifies with the published key and shows what members see, nothing more', async () => {
  const jar = await jarOf('member@example.jp');
  const has = (r) => r.text.includes('Bank CSIRT') && r.text.includes('NCA Security Team');
  for (const kind of ['html', 'json']) {
    const r = await download(`/api/v1/directory/snapshot.${kind}`, jar, has);
    assert.match(r.headers.get('content-type'), kind === 'html' ? /^text\/html; charset=utf-8/ : /^application\/json/);
    assert.match(r.headers.get('content-disposition'), new RegExp(`^attachment; filename="shisa-directory-\\d{8}-\\d{6}Z\\.${kind}"$`));
    const file = join(work, `snapshot.${kind}`);
    writeFileSync(file, r.body);
    const v = verify(file, join(work, 'key.txt'));
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /^OK: /);
    assert.match(v.stdout, /2 teams/);
    // Members-only fields are there...
    for (const s of ['+81 3-1234-5678', 'Member Mori', '1-1 Chiyoda, Tokyo', '会員に見える概要'])
      assert.ok(r.text.includes(s), `${kind}: members-only "${s}" is in the snapshot`);
    // ...and no secretariat-only field, anywhere in the file.
    for (const s of ['Secret Sato', 'Hidden Street', 'Risk management'])
      assert.ok(!r.text.includes(s), `${kind}: secretariat-only "${s}" leaked into the snapshot`);
    if (kind === 'json') {
      const doc = JSON.parse(r.text);
      assert.equal(doc.snapshot.format, 'shisa-directory-snapshot');
      assert.equal(doc.snapshot.version, 1);
      assert.equal(doc.snapshot.level, 'members');
      assert.deepEqual(doc.teams.map((t) => t.slug), ['bank-csirt', 'nca-security'], 'in name order');
      assert.match(doc.signature, /^ed25519:/);
    } else {
      assert.doesNotMatch(r.text, /<script|<link|src=|@import|url\(/i, 'no script and no external assets');
      assert.match(r.text, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
    }
    // One byte changed anywhere: refused.
    const flipped = Buffer.from(r.body);
    flipped[Math.floor(flipped.length / 2)] ^= 0x01;
    writeFileSync(file, flipped);
    const bad = verify(file, join(work, 'key.txt'));
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^REFUSED: /);
  }
});

test('a member API token (read scope) can keep a copy', async () => {
  const jar = await jarOf('member@example.jp');
  const page = await srv.request('/account', { jar });
  const made = await srv.request('/api/v1/me/tokens', {
    method: 'POST', jar, headers: { 'content-type': 'application/json', 'x-csrf-token': csrfIn(page.text) },
    body: JSON.stringify({ name: 'snapshot copy', scope: 'read' }),
  });
  assert.equal(made.status, 201, made.text);
  const bearer = { authorization: `Bearer ${made.json.secret}` };
  const r = await srv.request('/api/v1/directory/snapshot.json', { jar: null, headers: bearer });
  assert.equal(r.status, 200);
  assert.equal(JSON.parse(r.text).snapshot.kind, 'json');
  const head = await srv.request('/api/v1/directory/snapshot.json', { method: 'HEAD', jar: null, headers: bearer });
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.ok(Number(head.headers.get('content-length')) > 0, 'HEAD tells the size');
});

test('after a PATCH of a team, the downloaded snapshot changes', async () => {
  const jar = await jarOf('member@example.jp');
  const before = await download('/api/v1/directory/snapshot.json', jar, (r) => r.text.includes('Bank CSIRT'));
  const p = await srv.request('/api/v1/teams/bank-csirt', {
    method: 'PATCH', jar: sec.jar, headers: secHeaders,
    body: JSON.stringify({ contacts: [{ kind: 'phone_emergency', value: '+81 6-9876-5432', hours: '24/7' }] }),
  });
  assert.equal(p.status, 200, p.text);
  for (const kind of ['json', 'html']) {
    const r = await download(`/api/v1/directory/snapshot.${kind}`, jar, (x) => x.text.includes('+81 6-9876-5432'));
    const file = join(work, `after.${kind}`);
    writeFileSync(file, r.body);
    assert.equal(verify(file, join(work, 'key.txt')).status, 0);
  }
  const now = await download('/api/v1/directory/snapshot.json', jar);
  assert.notEqual(JSON.parse(now.text).snapshot.content_id, JSON.parse(before.text).snapshot.content_id);
});

test('the directory page offers the snapshot to members, not to the public', async () => {
  const member = await srv.request('/directory?lang=en', { jar: await jarOf('member@example.jp') });
  assert.match(member.text, /href="\/api\/v1\/directory\/snapshot\.html"/);
  assert.match(member.text, /href="\/api\/v1\/directory\/snapshot\.json"/);
  assert.match(member.text, /<code>ed25519:[A-Za-z0-9+/]{43}=<\/code>/);
  assert.match(member.text, /Generated \d{4}-\d\d-\d\d/);
  for (const jar of [new CookieJar(), await jarOf('obs@example.jp')]) {
    const other = await srv.request('/directory?lang=en', { jar });
    assert.equal(other.status, 200);
    assert.doesNotMatch(other.text, /snapshot\.html/);
  }
});

test("the server's own writes are not taken for another process's (no second rebuild)", async () => {
  const p = await srv.request('/api/v1/teams/nca-security', {
    method: 'PATCH', jar: sec.jar, headers: secHeaders, body: JSON.stringify({ short_name: 'NCA-ST2' }),
  });
  assert.equal(p.status, 200, p.text);
  // The watch looks once a second: give it three looks.
  await new Promise((res) => setTimeout(res, 3000));
  assert.doesNotMatch(srv.log, /directory changed by another process/);
});

stopTest(srv);
