// The constituency type filter and facet of directory search, over the API
// and on /directory: teams spell a type their own way and count once under
// the spelling most visible rows use; each type row has its own visibility,
// and no reader learns from a count, a spelling or a filter's result that a
// row hidden from them exists. Answers are checked once the search index
// in memory is current, and right after a change (answered by SQL until
// the index includes it); tests/unit/test_search_index.c compares the two.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CookieJar, apiError, startServer, stopTest } from './harness.mjs';
import { PASSWORD, cloneUser, csrfIn, setupSecretariat, signIn, sql } from './accounts.mjs';

const srv = await startServer();
await setupSecretariat(srv, { email: 'sec@example.jp' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'member@example.jp', name: 'Member', orgName: 'Member Org', orgKind: 'member' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'obs@example.jp', name: 'Observer', orgName: 'Obs', orgKind: 'observer' });

async function as(email) {
  if (!email) return new CookieJar();
  const { r, jar } = await signIn(srv, email, PASSWORD);
  assert.equal(r.status, 303);
  return jar;
}

const jars = {
  anonymous: await as(null),
  observer: await as('obs@example.jp'),
  member: await as('member@example.jp'),
  secretariat: await as('sec@example.jp'),
};
const secPage = await srv.request('/account', { jar: jars.secretariat });
const secHeaders = { 'content-type': 'application/json', 'x-csrf-token': csrfIn(secPage.text) };

async function put(slug, body) {
  const r = await srv.request(`/api/v1/teams/${slug}`, { method: 'PATCH', jar: jars.secretariat, headers: secHeaders, body: JSON.stringify(body) });
  assert.equal(r.status, 200, r.text);
}

const type = (value, visibility) => ({ kind: 'type', value, visibility });
for (const [slug, name, constituency] of [
  ['alpha', 'Alpha CSIRT', [type('Enterprise', 'public'), type('Government', 'members'), { kind: 'domain', value: 'alpha.example.jp' }]],
  ['beta', 'Beta CSIRT', [type('enterprise ', 'public'), type('Academia', 'secretariat')]],
  ['gamma', 'Gamma CSIRT', [type('ENTERPRISE', 'members'), type('Hidden Only', 'secretariat')]],
  ['delta', 'Delta CSIRT', [type('Enterprise', 'public'), type('Suspended Kind', 'public')]],
  ['epsilon', 'Epsilon CSIRT', [type('大学と研究機関', 'public')]],
]) {
  const r = await srv.request('/api/v1/teams', { method: 'POST', jar: jars.secretariat, headers: secHeaders, body: JSON.stringify({ slug, name_en: name }) });
  assert.equal(r.status, 201, r.text);
  await put(slug, { constituency });
}
sql(srv, "UPDATE teams SET state = 'suspended' WHERE slug = 'delta'");

// Until the server's search index includes every change (a search asks
// for the rebuild after a change made behind the server's back).
async function indexCurrent() {
  for (let i = 0; i < 400; i++) {
    await srv.request('/api/v1/teams?limit=1', { jar: null });
    const m = (await srv.request('/metrics', { jar: null })).text;
    if (/^shisa_search_index_current 1$/m.test(m)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the search index did not become current');
}

const list = async (who, qs) => {
  const r = await srv.request(`/api/v1/teams?${qs}`, { jar: jars[who] });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const slugs = (r) => r.items.map((t) => t.slug).sort();

// What each reader is told: the facet with no filter, and the teams each
// filter (in any spelling) finds. Hidden spellings appear nowhere.
const want = {
  anonymous: { facet: { Enterprise: 2, 大学と研究機関: 1 }, enterprise: ['alpha', 'beta'], government: [], 'hidden only': [], academia: [], 'suspended kind': [] },
  observer: { facet: { Enterprise: 2, 大学と研究機関: 1 }, enterprise: ['alpha', 'beta'], government: [], 'hidden only': [], academia: [], 'suspended kind': [] },
  member: { facet: { ENTERPRISE: 3, Government: 1, 大学と研究機関: 1 }, enterprise: ['alpha', 'beta', 'gamma'], government: ['alpha'], 'hidden only': [], academia: [], 'suspended kind': [] },
  secretariat: {
    facet: { Academia: 1, Enterprise: 4, Government: 1, 'Hidden Only': 1, 'Suspended Kind': 1, 大学と研究機関: 1 },
    enterprise: ['alpha', 'beta', 'delta', 'gamma'], government: ['alpha'], 'hidden only': ['gamma'], academia: ['beta'], 'suspended kind': ['delta'],
  },
};
const hidden = { anonymous: ['Government', 'Hidden Only', 'Academia', 'Suspended Kind'], member: ['Hidden Only', 'Academia', 'Suspended Kind'] };
hidden.observer = hidden.anonymous;

async function checkEveryReader(when) {
  for (const [who, w] of Object.entries(want)) {
    const all = await list(who, '');
    assert.deepEqual(all.facets.constituency_type, w.facet, `${who}, ${when}: the facet`);
    for (const h of hidden[who] || []) assert.ok(!JSON.stringify(all.facets).includes(h), `${who}, ${when}: ${h} is hidden`);
    for (const [key, teams] of Object.entries(w)) {
      if (key === 'facet') continue;
      for (const spelling of [key, key.toUpperCase(), `  ${key}\t`]) {
        const r = await list(who, `constituency_type=${encodeURIComponent(spelling)}`);
        assert.deepEqual(slugs(r), teams, `${who}, ${when}: ?constituency_type=${JSON.stringify(spelling)}`);
        assert.equal(r.total, teams.length);
        if (!teams.length) assert.deepEqual(r.facets, {}, `${who}, ${when}: no facet counts for ${key}`);
        for (const h of hidden[who] || []) assert.ok(!JSON.stringify(r).includes(h), `${who}, ${when}: ${h} under ${key}`);
      }
    }
  }
}

test('each reader sees the types and counts their level allows, and filters by any spelling', async () => {
  await indexCurrent();
  await checkEveryReader('index');
});

test('a team counts once per type; the filter combines with text and the other filters', async () => {
  await put('alpha', { sector: 'finance', constituency: [type('Enterprise', 'public'), type('enterprise', 'members'), type('Government', 'members')] });
  await indexCurrent();
  const r = await list('member', `q=CSIRT&constituency_type=Enterprise`);
  assert.deepEqual(slugs(r), ['alpha', 'beta', 'gamma']);
  assert.deepEqual(r.facets.constituency_type, { enterprise: 3, Government: 1 },
    'alpha has two rows of the type and counts once; shown as most rows members see spell it');
  const both = await list('member', 'sector=finance&constituency_type=enterprise');
  assert.deepEqual(slugs(both), ['alpha']);
  assert.deepEqual(both.facets.constituency_type, { enterprise: 1, Government: 1 });
  assert.deepEqual(slugs(await list('anonymous', 'sector=finance&constituency_type=government')), []);
});

test('a change is searched at once: a type made secretariat-only is no longer found or counted by others', async () => {
  await indexCurrent();
  await put('alpha', { constituency: [type('Enterprise', 'public'), type('Government', 'secretariat')] });
  for (const who of ['anonymous', 'member']) {
    assert.deepEqual(slugs(await list(who, 'constituency_type=government')), [], `${who}, right after the change`);
    assert.ok(!('Government' in (await list(who, '')).facets.constituency_type), `${who}, right after the change`);
  }
  assert.deepEqual(slugs(await list('secretariat', 'constituency_type=government')), ['alpha']);
  await indexCurrent();
  assert.deepEqual(slugs(await list('member', 'constituency_type=government')), [], 'and from the index');
  await put('alpha', { constituency: [type('Enterprise', 'public'), type('Government', 'members')] });
  await indexCurrent();
  await checkEveryReader('index, after the changes');
});

test('a constituency type longer than 100 characters or with control characters is a 400 naming it', async () => {
  const before = srv.dbHash();
  for (const bad of ['x'.repeat(101), 'a%01b', 'line%0Abreak']) {
    const r = await srv.request(`/api/v1/teams?constituency_type=${bad}`, { jar: jars.anonymous });
    assert.equal(r.status, 400, bad);
    assert.ok('constituency_type' in apiError(r).fields, JSON.stringify(apiError(r)));
    const page = await srv.request(`/directory?constituency_type=${bad}`, { jar: jars.anonymous });
    assert.equal(page.status, 400);
  }
  assert.equal((await list('anonymous', `constituency_type=${'x'.repeat(100)}`)).total, 0, '100 characters is allowed');
  assert.equal(srv.dbHash(), before);
});

test('/directory lists the types with their counts and keeps the filter while paging', async () => {
  await indexCurrent();
  const en = await srv.request('/directory?lang=en', { jar: jars.anonymous });
  assert.match(en.text, /<label for="f-constituency-type">Constituency type<\/label>/);
  assert.match(en.text, /<option value="Enterprise">Enterprise \(2\)<\/option>/);
  assert.doesNotMatch(en.text, /Government|Hidden Only|Academia|Suspended Kind/);
  const ja = await srv.request('/directory?lang=ja&constituency_type=ENTERPRISE', { jar: jars.member });
  assert.match(ja.text, /<label for="f-constituency-type">対象種別<\/label>/);
  assert.match(ja.text, /<option value="ENTERPRISE" selected>ENTERPRISE \(3\)<\/option>/, 'chosen by another spelling');
  assert.match(ja.text, /<option value="Government">Government \(1\)<\/option>/);
  assert.doesNotMatch(ja.text, /Hidden Only|Academia/);
  assert.equal([...ja.text.matchAll(/class="team-name"/g)].length, 3);
  // More than a page of one type: the next page keeps the filter.
  const values = Array.from({ length: 55 }, (_, i) => `('bulk-${String(i).padStart(2, '0')}', 'Bulk ${String(i).padStart(2, '0')}', 0, 0)`).join(', ');
  sql(srv, `INSERT INTO teams (slug, name_en, created_at, updated_at) VALUES ${values};
            INSERT INTO team_constituency (team_id, kind, value, visibility) SELECT id, 'type', 'Bulk customers', 'public' FROM teams WHERE slug LIKE 'bulk-%';`);
  await indexCurrent();
  const first = await srv.request('/directory?lang=en&constituency_type=bulk%20customers', { jar: jars.anonymous });
  assert.match(first.text, /55 teams/);
  const next = /<a href="([^"]+)">Next/.exec(first.text);
  assert.ok(next, 'a next page');
  assert.match(next[1], /constituency_type=bulk%20customers/);
  const second = await srv.request(next[1].replaceAll('&amp;', '&'), { jar: jars.anonymous });
  assert.equal([...second.text.matchAll(/class="team-name"/g)].length, 5);
});

stopTest(srv);
