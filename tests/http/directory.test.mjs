// The directory over the API: each reader sees exactly the fields and rows
// their level allows (public, member teams, the team itself, the
// secretariat), suspended teams are hidden from outsiders, and the list
// pages with a cursor. Records are arranged with SQL until the editing API
// exists.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CookieJar, apiError, startServer, stopTest } from './harness.mjs';
import { PASSWORD, cloneUser, csrfIn, setupSecretariat, signIn, sql } from './accounts.mjs';

const srv = await startServer();
await setupSecretariat(srv, { email: 'sec@example.jp' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'own@example.jp', name: 'Own', orgName: 'Team A', orgKind: 'member' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'other@example.jp', name: 'Other', orgName: 'Team B', orgKind: 'member' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'obs@example.jp', name: 'Observer', orgName: 'Obs', orgKind: 'observer' });
sql(srv, `INSERT INTO teams (org_id, slug, name_en, name_ja, address_en, created_at, updated_at)
          SELECT id, 'team-a', 'Team A', 'チームA', '1-1 Chiyoda, Tokyo', 0, 0 FROM orgs WHERE name = 'Team A';
          INSERT INTO teams (org_id, slug, name_en, state, created_at, updated_at)
          SELECT id, 'team-b', 'Team B', 'suspended', 0, 0 FROM orgs WHERE name = 'Team B';
          INSERT INTO team_contacts (team_id, kind, value, visibility) SELECT id, 'email_incident', 'csirt@a.example.jp', 'public' FROM teams WHERE slug = 'team-a';
          INSERT INTO team_contacts (team_id, kind, value, visibility) SELECT id, 'phone_emergency', '+81 3-1111-2222', 'members' FROM teams WHERE slug = 'team-a';
          INSERT INTO team_people (team_id, name, role, visibility) SELECT id, 'Hidden Person', 'representative', 'secretariat' FROM teams WHERE slug = 'team-a';`);

async function as(email) {
  if (!email) return new CookieJar();
  const { r, jar } = await signIn(srv, email, PASSWORD);
  assert.equal(r.status, 303);
  return jar;
}

test('each reader sees what their level allows of team-a', async () => {
  const want = {
    anonymous: { address: false, emergency: false, hidden: false, visibility: false },
    'obs@example.jp': { address: false, emergency: false, hidden: false, visibility: false },
    'other@example.jp': { address: true, emergency: true, hidden: false, visibility: false },
    'own@example.jp': { address: true, emergency: true, hidden: true, visibility: true },
    'sec@example.jp': { address: true, emergency: true, hidden: true, visibility: true },
  };
  for (const [who, w] of Object.entries(want)) {
    const jar = await as(who === 'anonymous' ? null : who);
    const r = await srv.request('/api/v1/teams/team-a', { jar });
    assert.equal(r.status, 200, who);
    assert.equal(r.json.name.ja, 'チームA');
    assert.equal('address' in r.json, w.address, `${who}: address`);
    assert.equal(r.text.includes('+81 3-1111-2222'), w.emergency, `${who}: emergency phone`);
    assert.equal(r.text.includes('Hidden Person'), w.hidden, `${who}: secretariat-only person`);
    assert.equal('visibility' in r.json, w.visibility, `${who}: visibility settings`);
    assert.ok(r.text.includes('csirt@a.example.jp'), `${who}: public contact`);
  }
});

test('a suspended team is hidden from outsiders, visible to itself and the secretariat', async () => {
  assert.equal(apiError(await srv.request('/api/v1/teams/team-b', { jar: await as(null) })).code, 'not_found');
  assert.equal((await srv.request('/api/v1/teams/team-b', { jar: await as('own@example.jp') })).status, 404);
  assert.equal((await srv.request('/api/v1/teams/team-b', { jar: await as('other@example.jp') })).status, 200);
  assert.equal((await srv.request('/api/v1/teams/team-b', { jar: await as('sec@example.jp') })).status, 200);
  const list = await srv.request('/api/v1/teams', { jar: await as(null) });
  assert.deepEqual(list.json.items.map((t) => t.slug), ['team-a']);
  assert.ok(!('address' in list.json.items[0]), 'the list shows summaries');
});

test('the list pages with a cursor; bad paging parameters are a 400 naming the field', async () => {
  for (let i = 0; i < 5; i++)
    sql(srv, `INSERT INTO teams (slug, name_en, created_at, updated_at) VALUES ('t${i}', 'T${i}', 0, 0)`);
  const jar = await as(null);
  const seen = [];
  let cursor = '';
  for (let pages = 0; pages < 10; pages++) {
    const r = await srv.request(`/api/v1/teams?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { jar });
    seen.push(...r.json.items.map((t) => t.slug));
    if (!r.json.next_cursor) break;
    cursor = r.json.next_cursor;
  }
  assert.deepEqual(seen, ['t0', 't1', 't2', 't3', 't4', 'team-a'], 'by name');
  const bad = await srv.request('/api/v1/teams?limit=0&cursor=x', { jar });
  assert.equal(bad.status, 400);
  assert.deepEqual(Object.keys(apiError(bad).fields).sort(), ['cursor', 'limit']);
  assert.equal((await srv.request('/api/v1/teams/no-such-team', { jar })).status, 404);
});

async function bearerFor(email) {
  const jar = await as(email);
  const page = await srv.request('/account', { jar });
  const r = await srv.request('/api/v1/me/tokens', {
    method: 'POST', jar,
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfIn(page.text) },
    body: JSON.stringify({ name: 'directory test', scope: 'write' }),
  });
  return { authorization: `Bearer ${r.json.secret}` };
}

async function patch(headers, slug, body) {
  return srv.request(`/api/v1/teams/${slug}`, { method: 'PATCH', jar: null, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

test('a team admin edits their own record; every value is checked and canonicalised', async () => {
  sql(srv, "UPDATE users SET role = 'team_admin' WHERE email = 'own@example.jp'");
  const own = await bearerFor('own@example.jp');
  const r = await patch(own, 'team-a', {
    name: { ja: 'チームＡ（改）' },
    country: 'jp', region: 'kanto', sector: 'finance', established: '2015-04-01', tz: 'Asia/Tokyo',
    website: 'https://csirt.a.example.jp',
    contacts: [{ kind: 'email_incident', value: 'CSIRT@A.Example.JP' }, { kind: 'phone_emergency', value: '03-1234-5678', hours: '24/7' }],
    constituency: [{ kind: 'cidr', value: '2001:DB8:0:0::/32' }, { kind: 'asn', value: '64500' }, { kind: 'domain', value: '*.A.Example.JP.' }],
    texts: { mission: { en: 'We coordinate.', ja: '調整します。' } },
    visibility: { address: 'secretariat' },
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name.ja, 'チームＡ（改）');
  assert.equal(r.json.country, 'JP');
  assert.equal(r.json.website, 'https://csirt.a.example.jp/');
  assert.deepEqual(r.json.constituency.map((x) => x.value).sort(), ['*.a.example.jp', '2001:db8::/32', 'AS64500']);
  assert.equal(r.json.contacts[0].value, 'CSIRT@a.example.jp');
  assert.equal(r.json.visibility.address, 'secretariat');
  const member = await srv.request('/api/v1/teams/team-a', { jar: await as('other@example.jp') });
  assert.ok(!('address' in member.json), 'now hidden from other members');
  assert.equal(sql(srv, "SELECT count(*) FROM audit_log WHERE action = 'team.update'"), '1');
});

test('bad values get field errors naming the exact place, with suggestions, and nothing is written', async () => {
  const own = await bearerFor('own@example.jp');
  await srv.request('/api/v1/me', { jar: null, headers: own });   // records the token's first use
  const before = srv.dbHash();
  const r = await patch(own, 'team-a', {
    name: { en: '' }, country: 'XX', region: 'mars', established: '2015-02-30', tz: 'JST', website: 'ftp://x.example.jp/',
    staff_now: -1, last_verified: '2026-01-01', bogus: 1,
    contacts: [{ kind: 'email_incident', value: 'not an address' }, { kind: 'pager', value: 'x' }],
    constituency: [{ kind: 'cidr', value: '192.0.2.1/24' }, { kind: 'asn', value: 'AS0' }, { kind: 'domain', value: 'a..jp' }, { kind: 'cidr', value: '192.0.2.0/24' }, { kind: 'cidr', value: '192.0.2.0/24' }],
    visibility: { name: 'secretariat', nonsense: 'public' },
    texts: { manifesto: { en: 'x' } },
  });
  assert.equal(r.status, 422);
  const f = apiError(r).fields;
  for (const k of ['name.en', 'country', 'region', 'established', 'tz', 'website', 'staff_now', 'last_verified', 'bogus',
    'contacts[0].value', 'contacts[1].kind', 'constituency[0].value', 'constituency[1].value', 'constituency[2].value',
    'constituency[4].value', 'visibility.name', 'visibility.nonsense', 'texts.manifesto'])
    assert.ok(k in f, `no error for ${k}: ${JSON.stringify(f)}`);
  assert.match(f['constituency[0].value'], /192\.0\.2\.0\/24/, 'the host-bits error suggests the network');
  assert.match(f.tz, /Asia\/Tokyo/);
  assert.equal(srv.dbHash(), before);
});

test('only the team itself and the secretariat may edit; only the secretariat creates records', async () => {
  sql(srv, "UPDATE users SET role = 'team_admin' WHERE email = 'other@example.jp'");
  const other = await bearerFor('other@example.jp');
  const denied = await patch(other, 'team-a', { short_name: 'X' });
  assert.equal(denied.status, 403);
  const sec = await bearerFor('sec@example.jp');
  assert.equal((await patch(sec, 'team-a', { short_name: 'TA' })).status, 200);
  const mk = (h, body) => srv.request('/api/v1/teams', { method: 'POST', jar: null, headers: { ...h, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal((await mk(other, { slug: 'new-team', name_en: 'New' })).status, 403);
  const made = await mk(sec, { slug: 'new-team', name_en: 'New Team' });
  assert.equal(made.status, 201);
  assert.equal(made.headers.get('location'), '/api/v1/teams/new-team');
  assert.equal((await mk(sec, { slug: 'new-team', name_en: 'Again' })).status, 409);
  const bad = await mk(sec, { slug: 'Bad Slug', name_en: '' });
  assert.deepEqual(Object.keys(apiError(bad).fields).sort(), ['name_en', 'slug']);
});

test('search: Japanese and English inside words, filters and facets that honour each field\'s visibility', async () => {
  const sec = await bearerFor('sec@example.jp');
  const mk = async (slug, body) => {
    const r = await srv.request('/api/v1/teams', { method: 'POST', jar: null, headers: { ...sec, 'content-type': 'application/json' }, body: JSON.stringify({ slug, name_en: body.name.en }) });
    assert.equal(r.status, 201);
    assert.equal((await patch(sec, slug, body)).status, 200);
  };
  await mk('nca-sec', { name: { en: 'NCA Security Team', ja: '日本セキュリティチーム' }, sector: 'ict', region: 'kanto' });
  await mk('bank-csirt', { name: { en: 'Bank CSIRT', ja: '銀行シーサート' }, sector: 'finance', region: 'kansai',
    texts: { overview: { ja: '金融機関のインシデント対応を担当します。', en: 'Incident response for the bank.' } } });
  await mk('quiet-team', { name: { en: 'Quiet Team', ja: '静かなチーム' }, sector: 'finance', region: 'kyushu',
    visibility: { sector: 'members', 'text.overview': 'members' }, texts: { overview: { en: 'Secret overview about finance.' } } });
  const get = async (qs, jar = null) => (await srv.request(`/api/v1/teams?${qs}`, { jar: jar || new CookieJar() })).json;
  assert.deepEqual((await get('q=' + encodeURIComponent('セキュリティ'))).items.map((t) => t.slug), ['nca-sec']);
  assert.deepEqual((await get('q=sec')).items.map((t) => t.slug), ['nca-sec'], '"sec" inside "Security"');
  assert.deepEqual((await get('q=' + encodeURIComponent('インシデント対応'))).items.map((t) => t.slug), ['bank-csirt']);
  assert.deepEqual((await get('q=' + encodeURIComponent('銀行'))).items.map((t) => t.slug), ['bank-csirt'], 'two characters: names');
  // The quiet team's sector and overview are for members only.
  const pub = await get('sector=finance');
  assert.deepEqual(pub.items.map((t) => t.slug), ['bank-csirt', 'team-a'], 'team-a is in finance since the edit above');
  assert.equal(pub.facets.sector.finance, 2);
  assert.equal((await get('q=' + encodeURIComponent('Secret overview'))).total, 0);
  const memberJar = await as('other@example.jp');
  const mem = await get('sector=finance', memberJar);
  assert.deepEqual(mem.items.map((t) => t.slug).sort(), ['bank-csirt', 'quiet-team', 'team-a']);
  assert.equal(mem.facets.sector.finance, 3);
  assert.equal((await get('q=' + encodeURIComponent('Secret overview'), memberJar)).total, 1);
  const all = await get('');
  assert.ok(!('quiet-team' in (all.facets.sector || {})));
  assert.equal(all.facets.region.kyushu, 1, 'the region stays public');
  const quote = await get('q=' + encodeURIComponent('"NEAR(a b)" OR *'));
  assert.equal(quote.total, 0, 'search text is never query syntax');
});

test('exports: RFC 2350, vCard 4.0 and CSV hold only what the reader may see', async () => {
  const sec = await bearerFor('sec@example.jp');
  assert.equal((await patch(sec, 'team-a', {
    short_name: '=cmd|calc', people: [{ name: 'Primary Person, Jr.', role: 'primary_poc', email: 'poc@a.example.jp', visibility: 'public' },
      { name: 'Member Only', role: 'secondary_poc', visibility: 'members' }],
    texts: { mission: { en: 'Line one.\nLine two.' } },
  })).status, 200);
  const anon = new CookieJar();
  const rfc = await srv.request('/directory/team-a/rfc2350.txt?lang=en', { jar: anon });
  assert.equal(rfc.status, 200);
  assert.match(rfc.headers.get('content-disposition'), /attachment; filename="team-a-rfc2350.txt"/);
  assert.match(rfc.text, /2\.7 Electronic Mail Address\n   CSIRT@a\.example\.jp/);
  assert.match(rfc.text, /3\.1 Mission Statement\n   Line one\.\n   Line two\./);
  assert.doesNotMatch(rfc.text, /\+81 3-1234-5678|Member Only/);
  const vcf = await srv.request('/directory/team-a/vcard.vcf', { jar: anon });
  assert.match(vcf.text, /^BEGIN:VCARD\r\nVERSION:4\.0\r\nKIND:org\r\n/);
  assert.match(vcf.text, /FN:Primary Person\\, Jr\.\r\n/);
  assert.doesNotMatch(vcf.text, /Member Only/);
  assert.ok(vcf.text.split('\r\n').every((l) => Buffer.byteLength(l) <= 76), 'lines folded at 75 octets');
  const csv = await srv.request('/directory.csv', { jar: anon });
  assert.equal(csv.body.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 byte order mark');
  assert.match(csv.text, /"'=cmd\|calc"/, 'a formula is defused');
  assert.doesNotMatch(csv.text, /\+81 3-1234-5678/);
  const memberCsv = await srv.request('/directory.csv', { jar: await as('other@example.jp') });
  assert.match(memberCsv.text, /\+81 3-1234-5678|03-1234-5678/);
  assert.equal((await srv.request('/directory/team-b/vcard.vcf', { jar: anon })).status, 404, 'suspended');
});

test('freshness: a record is overdue until its team confirms it, and again after confirm_months', async () => {
  const anon = new CookieJar();
  assert.equal((await srv.request('/api/v1/teams/team-a', { jar: anon })).json.overdue, true, 'never confirmed');
  const own = await bearerFor('own@example.jp');
  const other = await bearerFor('other@example.jp');
  const confirm = (h) => srv.request('/api/v1/teams/team-a/confirm', { method: 'POST', jar: null, headers: h });
  assert.equal((await confirm(other)).status, 403);
  const ok = await confirm(own);
  assert.equal(ok.status, 200);
  assert.equal(ok.json.overdue, false);
  assert.equal((await srv.request('/api/v1/teams', { jar: anon })).json.items.find((t) => t.slug === 'team-a').overdue, false);
  sql(srv, "UPDATE teams SET last_verified = last_verified - 5 * 2629746 WHERE slug = 'team-a'");
  assert.equal((await srv.request('/api/v1/teams/team-a', { jar: anon })).json.overdue, true, 'four months by default');
  const page = await srv.request('/directory/team-a', { jar: anon });
  assert.match(page.text, /role="note"/);
  assert.equal(sql(srv, "SELECT count(*) FROM audit_log WHERE action = 'team.confirm'"), '1');
});

test('lookup: most specific first, hidden rules never match, and "none" differs from "bad query"', async () => {
  const sec = await bearerFor('sec@example.jp');
  assert.equal((await patch(sec, 'nca-sec', { constituency: [{ kind: 'cidr', value: '192.0.2.0/24' }, { kind: 'domain', value: 'example.jp' }, { kind: 'asn', value: 'AS64500' }] })).status, 200);
  assert.equal((await patch(sec, 'bank-csirt', { constituency: [{ kind: 'cidr', value: '192.0.2.128/25' }, { kind: 'domain', value: '*.bank.example.jp' }, { kind: 'cidr', value: '198.51.100.0/24', visibility: 'members' }] })).status, 200);
  const anon = new CookieJar();
  // The router is rebuilt in the background after a change: ask until the
  // answer holds WANT rules (or give up after 5 s).
  const look = async (qs, jar = anon, want = 1) => {
    let r;
    for (let i = 0; i < 50; i++) {
      r = await srv.request(`/api/v1/lookup?${qs}`, { jar });
      if (r.status !== 200 || r.json.matches.length >= want) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    return r;
  };
  const ip = await look('ip=192.0.2.200', anon, 2);
  assert.deepEqual(ip.json.matches.map((m) => [m.team.slug, m.rule]), [['bank-csirt', '192.0.2.128/25'], ['nca-sec', '192.0.2.0/24']]);
  const dom = await look('domain=www.bank.example.jp', anon, 2);
  assert.deepEqual(dom.json.matches.map((m) => [m.team.slug, m.how]), [['bank-csirt', 'wildcard_domain'], ['nca-sec', 'parent_domain']]);
  assert.deepEqual((await look('asn=64500', anon, 2)).json.matches.map((m) => m.team.slug).sort(), ['nca-sec', 'team-a'], 'team-a holds AS64500 since the edit above');
  const hidden = await srv.request('/api/v1/lookup?ip=198.51.100.7', { jar: anon });
  assert.equal(hidden.status, 200);
  assert.equal(hidden.json.found, false, 'a members-only rule does not route for the public');
  const members = await look('ip=198.51.100.7', await as('other@example.jp'));
  assert.equal(members.json.matches[0].team.slug, 'bank-csirt');
  const none = await srv.request('/api/v1/lookup?ip=203.0.113.9', { jar: anon });
  assert.equal(none.status, 200);
  assert.deepEqual([none.json.found, none.json.matches.length], [false, 0]);
  for (const [qs, field] of [['ip=192.0.2.300', 'ip'], ['asn=AS0', 'asn'], ['domain=a..jp', 'domain'], ['', 'ip'], ['ip=192.0.2.1&asn=1', 'asn'], ['ip=192.0.2.1/24', 'ip']]) {
    const bad = await srv.request(`/api/v1/lookup?${qs}`, { jar: anon });
    assert.equal(bad.status, 400, qs);
    assert.ok(field in apiError(bad).fields, `${qs}: ${JSON.stringify(apiError(bad).fields)}`);
  }
});

test('OpenPGP keys: a real public key is read and flagged; private keys, garbage and other teams are refused', async () => {
  const home = mkdtempSync(join(tmpdir(), 'shisa-gpg-'));
  const gpg = (...args) => execFileSync('gpg', ['--homedir', home, '--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  gpg('--quick-gen-key', 'Team A CSIRT <pgp@a.example.jp>', 'ed25519', 'default', '10d');
  const pub = gpg('--armor', '--export', 'pgp@a.example.jp');
  const priv = gpg('--armor', '--export-secret-keys', 'pgp@a.example.jp');
  const own = await bearerFor('own@example.jp');
  const add = (h, armored) => srv.request('/api/v1/teams/team-a/keys', { method: 'POST', jar: null, headers: { ...h, 'content-type': 'application/json' }, body: JSON.stringify({ armored }) });
  const ok = await add(own, pub);
  assert.equal(ok.status, 201, ok.text);
  assert.match(ok.json.fingerprint, /^[0-9A-F]{40}$/);
  assert.equal(ok.json.status, 'expiring', 'ten days left');
  assert.equal((await add(own, pub)).status, 409);
  const p = await add(own, priv);
  assert.equal(p.status, 422);
  assert.match(apiError(p).fields.armored, /private key|秘密鍵/);
  assert.equal((await add(own, 'hello')).status, 422);
  assert.equal((await add(await bearerFor('other@example.jp'), pub)).status, 403);
  const rec = await srv.request('/api/v1/teams/team-a', { jar: new CookieJar() });
  assert.equal(rec.json.keys[0].fingerprint, ok.json.fingerprint);
  assert.equal(rec.json.keys[0].status, 'expiring');
  assert.ok(!srv.dbDump().includes('PRIVATE KEY BLOCK'), 'nothing of the private key was stored');
  const del = await srv.request(`/api/v1/teams/team-a/keys/${ok.json.fingerprint}`, { method: 'DELETE', jar: null, headers: own });
  assert.equal(del.status, 204);
  rmSync(home, { recursive: true, force: true });
});

test('the secretariat sees stale records: unconfirmed teams and expiring keys', async () => {
  sql(srv, `INSERT INTO team_keys (team_id, fingerprint, algo, created, expires, uids, armored, visibility)
            SELECT id, 'ABCDEF0123456789ABCDEF0123456789ABCDEF01', 'ed25519', 0, CAST(strftime('%s', 'now') AS INTEGER) + 86400, '[]', 'x', 'public' FROM teams WHERE slug = 'bank-csirt'`);
  const page = await srv.request('/admin/stale?lang=en', { jar: await as('sec@example.jp') });
  assert.equal(page.status, 200);
  assert.match(page.text, /href="\/directory\/team-a"/);
  assert.match(page.text, /ABCDEF0123456789ABCDEF0123456789ABCDEF01/);
  assert.equal((await srv.request('/admin/stale', { jar: await as('own@example.jp') })).status, 403);
});

stopTest(srv);
