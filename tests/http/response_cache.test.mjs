// The directory's kept answers (src/http/response_cache.c): a repeated read
// is answered from memory, yet no reader ever gets another reader's page or
// CSRF token, and a change is seen by the very next read.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { CookieJar, startServer, stopTest } from './harness.mjs';
import { PASSWORD, cloneUser, csrfIn, setupSecretariat, signIn, sql } from './accounts.mjs';

const srv = await startServer();
const sec = await setupSecretariat(srv, { email: 'sec@example.jp', name: 'Secretariat Sato' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'm1@example.jp', name: 'Member Ito', orgName: 'Team M', orgKind: 'member' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'm2@example.jp', name: 'Member Kato', orgName: 'Team M', orgKind: 'member' });
sql(srv, `INSERT INTO teams (org_id, slug, name_en, name_ja, created_at, updated_at)
          SELECT id, 'team-m', 'Team M', 'チームM', 0, 0 FROM orgs WHERE name = 'Team M';
          INSERT INTO team_contacts (team_id, kind, value, visibility) SELECT id, 'phone_emergency', '+81 3-5555-0000', 'members' FROM teams WHERE slug = 'team-m';`);

async function counters() {
  const text = (await srv.request('/metrics', { jar: null })).text;
  const get = (name) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)[1]);
  return { hits: get('shisa_response_cache_hits_total'), misses: get('shisa_response_cache_misses_total') };
}

function withoutToken(html, token) {
  return html.split(token).join('TOKEN');
}

test('a repeated anonymous read is answered from memory, byte for byte the same', async () => {
  // The server takes in the records written above with SQL and remakes
  // its offline snapshot in the background, each dropping kept answers:
  // look until two reads in a row come from memory.
  const a = new CookieJar();
  const b = new CookieJar();
  let hits = 0;
  let pages = [];
  for (let tries = 0; tries < 40 && hits < 2; tries++) {
    if (tries) await new Promise((r) => setTimeout(r, 250));
    const before = await counters();
    pages = [];
    for (const jar of [a, b, a]) pages.push(await srv.request('/directory?lang=en', { jar }));
    hits = (await counters()).hits - before.hits;
  }
  assert.ok(hits >= 2, 'the second and third reads come from memory');
  assert.equal(pages[0].status, 200);
  assert.equal(pages[1].text, pages[0].text, 'from memory, as drawn');
  assert.equal(pages[2].text, pages[0].text);
  assert.ok(b.get('shisa_csrf') && b.get('shisa_csrf') !== a.get('shisa_csrf'), 'each visitor still gets their own CSRF cookie');
  for (const path of ['/api/v1/teams', '/api/v1/teams/team-m', '/directory/team-m']) {
    const x = await srv.request(path, { jar: new CookieJar() });
    const y = await srv.request(path, { jar: new CookieJar() });
    assert.equal(x.status, 200, path);
    assert.equal(y.text, x.text, path);
  }
});

test('each signed-in reader gets their own page: their level, their CSRF token', async () => {
  const { jar: j1 } = await signIn(srv, 'm1@example.jp', PASSWORD);
  const { jar: j2 } = await signIn(srv, 'm2@example.jp', PASSWORD);
  const anon = new CookieJar();
  for (let round = 0; round < 2; round++) {
    const p1 = await srv.request('/directory/team-m', { jar: j1 });
    const p2 = await srv.request('/directory/team-m', { jar: j2 });
    const p0 = await srv.request('/directory/team-m', { jar: anon });
    const t1 = csrfIn(p1.text);
    const t2 = csrfIn(p2.text);
    assert.notEqual(t1, t2);
    assert.ok(!p1.text.includes(t2) && !p2.text.includes(t1), `round ${round}: no token crosses readers`);
    assert.ok(p1.text.includes('+81 3-5555-0000'), 'members see the emergency phone');
    assert.ok(!p0.text.includes('+81 3-5555-0000'), `round ${round}: the public does not`);
  }
  // The token put back is the one that works: a form posted with it passes.
  const page = await srv.request('/directory/team-m', { jar: j1 });
  const out = await srv.request('/signout', {
    method: 'POST', jar: j1, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrfIn(page.text) }).toString(),
  });
  assert.equal(out.status, 303);
});

test('a change through the API is seen by the very next read, on every thread', async () => {
  const page = await srv.request('/directory', { jar: sec.jar });
  const token = csrfIn(page.text);
  for (const path of ['/directory?lang=en', '/api/v1/teams', '/api/v1/teams/team-m', '/directory/team-m?lang=en'])
    for (let i = 0; i < 4; i++) assert.equal((await srv.request(path, { jar: new CookieJar() })).status, 200);
  const r = await srv.request('/api/v1/teams/team-m', {
    method: 'PATCH', jar: sec.jar, headers: { 'content-type': 'application/json', 'x-csrf-token': token },
    body: JSON.stringify({ name: { en: 'Team M Renamed' } }),
  });
  assert.equal(r.status, 200, r.text);
  for (const path of ['/directory?lang=en', '/api/v1/teams', '/api/v1/teams/team-m', '/directory/team-m?lang=en'])
    for (let i = 0; i < 4; i++) {
      const x = await srv.request(path, { jar: new CookieJar() });
      assert.ok(x.text.includes('Team M Renamed'), `${path}, read ${i}`);
    }
});

test('the same page with a different query, language or reader is a different answer', async () => {
  const en = await srv.request('/directory?lang=en', { jar: new CookieJar() });
  const ja = await srv.request('/directory?lang=ja', { jar: new CookieJar() });
  assert.notEqual(en.text, ja.text);
  const none = await srv.request('/directory?q=zzzz-nothing', { jar: new CookieJar() });
  assert.ok(!none.text.includes('Team M'));
  const head = await srv.request('/directory?lang=en', { method: 'HEAD', jar: new CookieJar() });
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
  assert.equal((await srv.request('/directory?lang=en', { jar: new CookieJar() })).text.length > 0, true, 'a HEAD kept nothing for GET');
});

stopTest(srv);

// With response_cache_size = 0 nothing is kept.
const off = await startServer({ args: ['--set', 'response_cache_size=0'] });
test('response_cache_size = 0 turns the cache off', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await off.request('/directory', { jar: new CookieJar() })).status, 200);
  const text = (await off.request('/metrics', { jar: null })).text;
  assert.match(text, /^shisa_response_cache_hits_total 0$/m);
  assert.match(text, /^shisa_response_cache_bytes 0$/m);
});
stopTest(off);

// A kept answer is sent where it lies, not copied; one dropped (pushed out
// by newer ones) while a reader is still being sent it must stay whole
// until that send is done. A budget of a few answers, many readers at once
// over more pages than fit: entries are dropped while others send them
// (the sanitizers of `make test` catch memory freed too soon).
const tiny = await startServer({ args: ['--set', 'response_cache_size=16384'] });
test('answers dropped from memory while being sent still arrive whole', async () => {
  const paths = [];
  for (let i = 1; i <= 24; i++) paths.push(`/api/v1/teams?limit=${i}`, `/directory?lang=${i % 2 ? 'en' : 'ja'}&sort=name&q=${'x'.repeat(3 + i)}`);
  const first = new Map();
  for (let round = 0; round < 6; round++) {
    const answers = await Promise.all(paths.map((p) => tiny.request(p, { jar: new CookieJar() })));
    answers.forEach((r, i) => {
      assert.equal(r.status, 200, paths[i]);
      if (paths[i].startsWith('/api/')) JSON.parse(r.text);
      else assert.ok(r.text.trimEnd().endsWith('</html>'), `${paths[i]}: whole`);
      const want = first.get(paths[i]) ?? r.text;
      first.set(paths[i], want);
      assert.equal(r.text.replace(/[A-Za-z0-9_-]{43}/g, 'TOKEN'), want.replace(/[A-Za-z0-9_-]{43}/g, 'TOKEN'), `${paths[i]}: round ${round} as drawn`);
    });
  }
  const text = (await tiny.request('/metrics', { jar: null })).text;
  const get = (name) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)[1]);
  assert.ok(get('shisa_response_cache_hits_total') > 0, 'some answers came from memory');
  assert.ok(get('shisa_response_cache_bytes') <= 16384, 'within the budget');
});
stopTest(tiny);

// A reader too slow to take a large kept answer at once (larger than the
// socket buffers): the server is still sending it from memory when a
// change drops every kept answer.
const slow = await startServer({ args: ['--set', 'response_cache_size=100000000'] });
const { jar: slowSec } = await setupSecretariat(slow, { email: 'sec@example.jp', name: 'Secretariat Sato' });
test('a kept answer dropped while a slow reader takes it arrives whole', async () => {
  const sections = ['mission', 'constituency', 'sponsorship', 'authority', 'policy_incident_types', 'policy_cooperation',
    'policy_communication', 'services', 'incident_reporting', 'disclaimers', 'overview', 'background'];
  sql(slow, `INSERT INTO orgs (name, kind, created_at) VALUES ('Big Org', 'member', 0);
             INSERT INTO teams (org_id, slug, name_en, name_ja, created_at, updated_at)
               SELECT id, 'team-big', 'Team Big', 'チームB', 0, 0 FROM orgs WHERE name = 'Big Org';
             ${sections.flatMap((sec) => ['en', 'ja'].map((lang) => `INSERT INTO team_texts (team_id, section, lang, body)
               SELECT id, '${sec}', '${lang}', '${sec} ' || replace(hex(zeroblob(90000)), '00', 'ab ') FROM teams WHERE slug = 'team-big';`)).join('\n')}`);
  const path = '/api/v1/teams/team-big';
  const hits = (t) => Number(/^shisa_response_cache_hits_total (\d+)$/m.exec(t)[1]);
  let want = null, kept = false, before = '';
  for (let tries = 0; tries < 40 && !kept; tries++) {   // until the answer is kept (a background remake may drop it)
    if (tries) await new Promise((r) => setTimeout(r, 250));
    const a = await slow.request(path, { jar: null });
    assert.equal(a.status, 200, a.text.slice(0, 300));
    want = a.text;
    before = (await slow.request('/metrics', { jar: null })).text;
    const b = await slow.request(path, { jar: null });
    kept = b.text === want && hits((await slow.request('/metrics', { jar: null })).text) > hits(before);
  }
  assert.ok(kept, 'the large answer is kept');
  // more than the kernel's socket buffers take in (4 MB to send, 128 kB to receive)
  assert.ok(want.length > 6_000_000, `a large answer (${want.length} bytes)`);
  // The slow reader asks and takes nothing for now.
  const sock = net.connect({ host: '127.0.0.1', port: slow.port });
  const chunks = [];
  let ended = false;
  sock.on('data', (d) => chunks.push(d));
  sock.on('end', () => { ended = true; });
  sock.pause();
  await new Promise((r) => sock.on('connect', r));
  sock.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  await new Promise((r) => setTimeout(r, 300));
  const sent = (await slow.request('/metrics', { jar: null })).text;
  assert.equal(hits(sent), hits(before) + 2, 'the slow reader is sent the kept answer');
  // A change drops every kept answer, then others are drawn and kept.
  const page = await slow.request('/directory', { jar: slowSec });
  const r = await slow.request('/api/v1/teams/team-big', {
    method: 'PATCH', jar: slowSec, headers: { 'content-type': 'application/json', 'x-csrf-token': csrfIn(page.text) },
    body: JSON.stringify({ name: { en: 'Team Big Renamed' } }),
  });
  assert.equal(r.status, 200, r.text);
  for (let i = 0; i < 5; i++) assert.equal((await slow.request(path, { jar: null })).status, 200);
  sock.resume();
  await new Promise((r) => { if (ended) r(); else sock.on('end', r); });
  const raw = Buffer.concat(chunks).toString('utf8');
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  assert.ok(raw.startsWith('HTTP/1.1 200'), raw.slice(0, 100));
  assert.equal(body.length, want.length);
  assert.ok(body === want, 'the slow reader got the answer as it was kept, byte for byte');
});
stopTest(slow);
