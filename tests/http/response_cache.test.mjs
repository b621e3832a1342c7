// The directory's kept answers (src/http/response_cache.c): a repeated read
// is answered from memory, yet no reader ever gets another reader's page or
// CSRF token, and a change is seen by the very next read.
import assert from 'node:assert/strict';
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
