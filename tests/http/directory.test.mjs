// The directory over the API: each reader sees exactly the fields and rows
// their level allows (public, member teams, the team itself, the
// secretariat), suspended teams are hidden from outsiders, and the list
// pages with a cursor. Records are arranged with SQL until the editing API
// exists.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CookieJar, apiError, startServer, stopTest } from './harness.mjs';
import { PASSWORD, cloneUser, setupSecretariat, signIn, sql } from './accounts.mjs';

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
  assert.deepEqual(seen, ['team-a', 't0', 't1', 't2', 't3', 't4']);
  const bad = await srv.request('/api/v1/teams?limit=0&cursor=x', { jar });
  assert.equal(bad.status, 400);
  assert.deepEqual(Object.keys(apiError(bad).fields).sort(), ['cursor', 'limit']);
  assert.equal((await srv.request('/api/v1/teams/no-such-team', { jar })).status, 404);
});

stopTest(srv);
