// Member status against the real server, with real mail (smtp-sink): the
// secretariat suspends, reinstates and records the withdrawal of an
// organisation through the API and the pages; its users cannot sign in
// (told why only after the right password), their sessions and API tokens
// stop at the next request; its team's record vanishes from every output
// of the directory for everyone but the secretariat (each output searched
// for the team's name and addresses as anonymous, observer, member and
// secretariat), and comes back on reinstatement; every illegal change is
// refused naming why and writes nothing; withdrawal dates the team's
// leaving; after the retention period `shisa membership purge` and the
// server's daily task erase what they promise, once. Observers read the
// directory at the public level.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, test } from 'node:test';
import { CookieJar, apiError, shisaBin, startServer, stopTest } from './harness.mjs';
import { PASSWORD, cloneUser, csrfIn, postForm, setupSecretariat, signIn, sql, startSmtpSink } from './accounts.mjs';

const sink = await startSmtpSink();
after(() => sink.stop());
const srv = await startServer({ args: [...sink.serverArgs, '--base-url', 'https://shisa.example.jp'] });
after(() => srv.kill());

const sec = await setupSecretariat(srv, { email: 'sec@example.jp' });
sql(srv, "UPDATE users SET lang = 'en' WHERE email = 'sec@example.jp'");
const people = [
  ['admin@zanzibar.example.jp', 'Zed Admin', 'Zanzibar Org', 'member', 'team_admin', 'en'],
  ['kanri@zanzibar.example.jp', '管理 花子', 'Zanzibar Org', 'member', 'team_admin', 'ja'],
  ['staff@zanzibar.example.jp', 'Zara Staff', 'Zanzibar Org', 'member', 'member', 'en'],
  ['viewer@other.example.jp', 'Otto Viewer', 'Other Org', 'member', 'member', 'en'],
  ['obs@watch.example.jp', 'Olga Observer', 'Watch Org', 'observer', 'member', 'en'],
];
for (const [email, name, orgName, orgKind, role, lang] of people) {
  cloneUser(srv, { fromEmail: 'sec@example.jp', email, name, orgName, orgKind, role });
  sql(srv, `UPDATE users SET lang = '${lang}' WHERE email = '${email}'`);
}
sql(srv, "INSERT INTO orgs (name, kind, created_at) VALUES ('Hopeful Applicant', 'applicant', 0)");
const orgId = (name) => Number(sql(srv, `SELECT id FROM orgs WHERE name = '${name}'`));
const ZANZIBAR = orgId('Zanzibar Org');
const secOrg = orgId('NCA Secretariat');

async function jarOf(email) {
  const { r, jar } = await signIn(srv, email, PASSWORD);
  assert.equal(r.status, 303, `sign-in as ${email}: ${r.status}`);
  return jar;
}

async function tokenOf(jar) {
  const page = await srv.request('/account', { jar });
  const r = await srv.request('/api/v1/me/tokens', {
    method: 'POST', jar,
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfIn(page.text) },
    body: JSON.stringify({ name: 'member status test', scope: 'write' }),
  });
  assert.equal(r.status, 201, r.text);
  return { authorization: `Bearer ${r.json.secret}` };
}

const secToken = await tokenOf(sec.jar);
const api = (method, path, body, headers = secToken) => srv.request(path, {
  method, jar: null, headers: { ...headers, 'content-type': 'application/json', 'accept-language': 'en' },
  body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
});

async function team(slug, org, body) {
  const r = await api('POST', '/api/v1/teams', { slug, name_en: body.name.en, org_id: org });
  assert.equal(r.status, 201, r.text);
  const p = await api('PATCH', `/api/v1/teams/${slug}`, body);
  assert.equal(p.status, 200, p.text);
}

await team('zanzibar-csirt', ZANZIBAR, {
  name: { en: 'Zanzibar Hidden CSIRT', ja: 'ザンジバル隠密チーム' }, sector: 'finance', region: 'kanto',
  address: { en: '7 Secret Street, Tokyo' },
  contacts: [{ kind: 'email_incident', value: 'incident@zanzibar.example.jp' }, { kind: 'phone_emergency', value: '+81 3-7777-7777', visibility: 'members' }],
  people: [{ name: 'Pat Zanzibar', role: 'primary_poc', email: 'pat@zanzibar.example.jp', visibility: 'members' }],
  constituency: [{ kind: 'cidr', value: '198.51.100.0/24' }, { kind: 'asn', value: 'AS64511' }, { kind: 'domain', value: 'zanzibar.example.jp' }],
  texts: { overview: { en: 'Zanzibar watches the spice routes.' } },
});
await team('other-csirt', orgId('Other Org'), { name: { en: 'Other CSIRT' }, sector: 'finance', address: { en: '1 Open Road' },
  contacts: [{ kind: 'email_incident', value: 'incident@other.example.jp' }] });

// What would give the hidden team away, in any output.
const needles = ['Zanzibar', 'ザンジバル', 'zanzibar-csirt', 'zanzibar.example.jp', '+81 3-7777-7777', '7 Secret Street', '198.51.100', 'AS64511'];

const readers = {
  anonymous: new CookieJar(),
  observer: await jarOf('obs@watch.example.jp'),
  member: await jarOf('viewer@other.example.jp'),
  secretariat: sec.jar,
};
// Sessions and a token of the organisation, from before any change.
const adminJar = await jarOf('admin@zanzibar.example.jp');
const adminToken = await tokenOf(adminJar);
const kanriToken = await tokenOf(await jarOf('kanri@zanzibar.example.jp'));

// Ask until DONE(value) holds: the server rebuilds search, routing and the
// offline snapshot a moment after a change.
async function eventually(what, fn, done) {
  let v;
  for (let i = 0; i < 200; i++) {
    v = await fn();
    if (done(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${what}: never so (last: ${JSON.stringify(v).slice(0, 300)})`);
}

const lookupQueries = ['ip=198.51.100.7', 'asn=64511', 'domain=www.zanzibar.example.jp'];
const lookupFound = async (jar) => {
  const answers = await Promise.all(lookupQueries.map((q) => srv.request(`/api/v1/lookup?${q}`, { jar })));
  return answers.map((r) => r.json.found);
};

// Every output of the directory as READER gets it: [name, status, text].
async function outputs(jar, { snapshot = false } = {}) {
  const paths = [
    '/directory', '/directory?q=Zanzibar', '/directory?q=%E3%82%B6%E3%83%B3%E3%82%B8%E3%83%90%E3%83%AB', '/directory?sector=finance',
    '/api/v1/teams', '/api/v1/teams?q=Zanzibar', '/api/v1/teams?q=spice', '/api/v1/teams?sector=finance',
    '/directory/zanzibar-csirt', '/api/v1/teams/zanzibar-csirt',
    '/directory.csv', '/api/v1/teams/export', '/api/v1/teams/export?scope=public',
    '/directory/zanzibar-csirt/rfc2350.txt', '/directory/zanzibar-csirt/vcard.vcf', '/directory/zanzibar-csirt/security.txt',
    '/directory/zanzibar-csirt/keys/zanzibar-csirt.asc',
    ...lookupQueries.map((q) => `/api/v1/lookup?${q}`),
  ];
  if (snapshot) paths.push('/api/v1/directory/snapshot.json', '/api/v1/directory/snapshot.html');
  const out = [];
  for (const p of paths) {
    const r = await srv.request(p, { jar });
    out.push([p, r.status, r.text]);
  }
  const headers = { 'content-type': 'application/json' };
  if (jar.get('shisa_session')) headers['x-csrf-token'] = csrfIn((await srv.request('/account', { jar })).text);
  const batch = await srv.request('/api/v1/lookup', { method: 'POST', jar, headers,
    body: JSON.stringify(['198.51.100.7', 'AS64511', 'zanzibar.example.jp']) });
  out.push(['POST /api/v1/lookup', batch.status, batch.text]);
  return out;
}

// What an output shows of the team, leaving out what the request itself
// named (a search box shows its query; a lookup answer repeats what was
// asked).
const asked = ['zanzibar.example.jp', '198.51.100', 'AS64511'];
function leaks(out) {
  return out.flatMap(([p, status, text]) => needles
    .filter((n) => !(/lookup/.test(p) && asked.includes(n)) && !decodeURIComponent(p).includes(n) && text.includes(n))
    .map((n) => `${p} (${status}) shows ${n}`));
}

const financeFacet = async (jar) => (await srv.request('/api/v1/teams', { jar })).json.facets?.sector?.finance;

test('before any change the team is in the directory, its rules route, and its users sign in', async () => {
  for (const [who, jar] of Object.entries(readers)) {
    const r = await srv.request('/api/v1/teams/zanzibar-csirt', { jar });
    assert.equal(r.status, 200, who);
    assert.ok((await srv.request('/directory?q=Zanzibar', { jar })).text.includes('Zanzibar Hidden CSIRT'), who);
    assert.equal(await financeFacet(jar), 2, who);
  }
  assert.deepEqual(await eventually('routes', () => lookupFound(readers.anonymous), (f) => f.every(Boolean)), [true, true, true]);
  await eventually('the snapshot', () => srv.request('/api/v1/directory/snapshot.json', { jar: readers.member }),
    (r) => r.status === 200 && r.text.includes('Zanzibar Hidden CSIRT'));
  assert.equal((await srv.request('/api/v1/me', { jar: null, headers: adminToken })).status, 200);
  assert.equal((await srv.request('/account', { jar: adminJar })).status, 200);
});

test('observers read the directory at the public level: no members-only field, no snapshot', async () => {
  const obs = readers.observer, member = readers.member;
  const o = await srv.request('/api/v1/teams/zanzibar-csirt', { jar: obs });
  const m = await srv.request('/api/v1/teams/zanzibar-csirt', { jar: member });
  assert.ok(m.text.includes('+81 3-7777-7777') && m.text.includes('Pat Zanzibar'), 'a member sees members-only fields');
  assert.ok(!o.text.includes('+81 3-7777-7777') && !o.text.includes('Pat Zanzibar'), 'an observer does not');
  assert.ok(o.text.includes('incident@zanzibar.example.jp'), 'an observer sees the public contact');
  const anon = await srv.request('/api/v1/teams/zanzibar-csirt', { jar: readers.anonymous });
  assert.deepEqual(o.json, anon.json, 'exactly what an anonymous visitor sees');
  const page = await srv.request('/directory/zanzibar-csirt', { jar: obs });
  assert.equal(page.status, 200);
  assert.ok(!page.text.includes('+81 3-7777-7777') && !page.text.includes('Pat Zanzibar'));
  assert.ok((await srv.request('/directory/zanzibar-csirt', { jar: member })).text.includes('+81 3-7777-7777'));
  assert.equal((await srv.request('/api/v1/directory/snapshot.json', { jar: obs })).status, 403);
  assert.equal((await srv.request('/admin/orgs', { jar: obs })).status, 403);
});

test('illegal and malformed changes are refused naming what is wrong, and write nothing', async () => {
  const before = sql(srv, 'SELECT (SELECT group_concat(status) FROM orgs), (SELECT count(*) FROM org_status_history), (SELECT count(*) FROM audit_log), (SELECT count(*) FROM jobs)');
  const cases = [
    [ZANZIBAR, { status: 'suspended' }, 422, 'reason', /Required/],
    [ZANZIBAR, { status: 'suspended', reason: '   ' }, 422, 'reason', /Required/],
    [ZANZIBAR, { status: 'suspended', reason: 'x'.repeat(2001) }, 422, 'reason', /Too long/],
    [ZANZIBAR, { status: 'gone', reason: 'why' }, 422, 'status', /allowed values/],
    [ZANZIBAR, { reason: 'why' }, 422, 'status', /Required/],
    [ZANZIBAR, { status: 'active', reason: 'why' }, 409, 'status', /already Active/],
    [secOrg, { status: 'suspended', reason: 'why' }, 409, 'status', /Only member and observer organisations.*Secretariat/],
    [orgId('Hopeful Applicant'), { status: 'withdrawn', reason: 'why' }, 409, 'status', /Only member and observer organisations.*Applicant/],
  ];
  for (const [id, body, status, field, message] of cases) {
    const r = await api('POST', `/api/v1/orgs/${id}/status`, body);
    assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 60)}: ${r.text.slice(0, 200)}`);
    assert.match(apiError(r).fields[field], message, JSON.stringify(apiError(r)));
  }
  const notFound = await api('POST', '/api/v1/orgs/99999/status', { status: 'suspended', reason: 'why' });
  assert.equal(notFound.status, 404);
  assert.match(apiError(notFound).message, /No such organisation/);
  const extra = await api('POST', `/api/v1/orgs/${ZANZIBAR}/status`, { status: 'suspended', reason: 'why', kind: 'member' });
  assert.equal(extra.status, 422);
  assert.match(apiError(extra).fields.kind, /Unknown field/);
  assert.equal((await api('GET', '/api/v1/orgs/99999/status-history')).status, 404);
  assert.equal((await api('GET', '/api/v1/orgs?status=gone')).status, 422);
  // Not the secretariat: refused before anything is looked at.
  assert.equal((await api('POST', `/api/v1/orgs/${ZANZIBAR}/status`, { status: 'suspended', reason: 'why' }, adminToken)).status, 403);
  assert.equal(sql(srv, 'SELECT (SELECT group_concat(status) FROM orgs), (SELECT count(*) FROM org_status_history), (SELECT count(*) FROM audit_log), (SELECT count(*) FROM jobs)'), before);
});

test('suspension: one change writes the org, its history, its team and the audit log, and mails its team admins', async () => {
  const r = await api('POST', `/api/v1/orgs/${ZANZIBAR}/status`, { status: 'suspended', reason: 'Dues unpaid for 2 years.\nPlease contact us.' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'suspended');
  assert.match(r.json.status_changed_at, /^\d{4}-\d\d-\d\dT/);
  assert.equal(r.json.data_erased_at, null);
  assert.equal(sql(srv, "SELECT state || '|' || left_on FROM teams WHERE slug = 'zanzibar-csirt'"), 'suspended|');
  assert.equal(sql(srv, `SELECT count(*) FROM audit_log WHERE action = 'org.status' AND object_id = '${ZANZIBAR}' AND detail = '{"from":"active","to":"suspended"}'`), '1');
  const h = await api('GET', `/api/v1/orgs/${ZANZIBAR}/status-history`);
  assert.equal(h.status, 200);
  assert.deepEqual(h.json.items.map((e) => [e.from, e.to, e.reason, e.actor.name]), [['active', 'suspended', 'Dues unpaid for 2 years.\nPlease contact us.', '事務局 花子']]);
  assert.equal(h.json.next_cursor, null);
  const en = await sink.waitFor('admin@zanzibar.example.jp', /suspended the membership of Zanzibar Org/);
  assert.match(en.body, /Dues unpaid for 2 years\./);
  await sink.waitFor('kanri@zanzibar.example.jp', /会員資格を停止しました/);
  assert.ok(!sink.messages().some((m) => m.rcpt === 'staff@zanzibar.example.jp'), 'members who are not team admins are not mailed');
  const list = await api('GET', '/api/v1/orgs?status=suspended');
  assert.deepEqual(list.json.items.map((o) => o.name), ['Zanzibar Org']);
});

test('a suspended organisation\'s users cannot sign in, told why only after the right password; sessions and tokens stop', async () => {
  const english = () => {
    const jar = new CookieJar();
    jar.set('shisa_lang', 'en');
    return jar;
  };
  const wrong = await signIn(srv, 'admin@zanzibar.example.jp', 'not the password', english());
  assert.equal(wrong.r.status, 401);
  assert.doesNotMatch(wrong.r.text, /suspended/);
  const right = await signIn(srv, 'admin@zanzibar.example.jp', PASSWORD, english());
  assert.equal(right.r.status, 403);
  assert.match(right.r.text, /Your organisation&#39;s membership is suspended, so you cannot sign in\. Contact the secretariat\.|Your organisation's membership is suspended/);
  assert.equal(right.jar.get('shisa_session'), undefined, 'no session');
  const ja = await signIn(srv, 'kanri@zanzibar.example.jp', PASSWORD);
  assert.equal(ja.r.status, 403);
  assert.match(ja.r.text, /会員資格が停止されているため、サインインできません/);
  assert.equal(sql(srv, "SELECT count(*) FROM audit_log WHERE action = 'session.sign_in_refused' AND detail = 'suspended'"), '2');
  // The session from before: ended at the next request.
  const page = await srv.request('/account', { jar: adminJar });
  assert.equal(page.status, 303);
  assert.match(page.headers.get('location'), /^\/signin/);
  assert.equal(adminJar.get('shisa_session'), undefined, 'the cookie is cleared');
  // The tokens from before: refused, saying why, in the user's language.
  const t = await srv.request('/api/v1/me', { jar: null, headers: adminToken });
  assert.equal(t.status, 403);
  assert.match(apiError(t).message, /membership is suspended/);
  const tj = await srv.request('/api/v1/teams', { jar: null, headers: kanriToken });
  assert.equal(tj.status, 403);
  assert.match(apiError(tj).message, /会員資格が停止/);
});

test('a suspended team is in no output of the directory but the secretariat\'s', async () => {
  await eventually('routing without the team', () => lookupFound(readers.anonymous), (f) => f.every((x) => !x));
  await eventually('the snapshot without the team', () => srv.request('/api/v1/directory/snapshot.json', { jar: readers.member }),
    (r) => r.status === 200 && !r.text.includes('Zanzibar'));
  for (const who of ['anonymous', 'observer', 'member']) {
    const out = await outputs(readers[who], { snapshot: who === 'member' });
    assert.deepEqual(leaks(out), [], who);
    for (const [p, status] of out) {
      if (/^\/(api\/v1\/teams\/|directory\/)zanzibar-csirt/.test(p)) assert.equal(status, 404, `${who}: ${p}`);
      else assert.ok(status === 200, `${who}: ${p} ${status}`);
    }
    assert.equal(await financeFacet(readers[who]), 1, `${who}: the facet counts only Other CSIRT`);
    assert.ok((await srv.request('/directory', { jar: readers[who] })).text.includes('Other CSIRT'), who);
  }
  // The secretariat sees the record, told that nobody else does; the
  // routing and the members' snapshot leave it out for everyone.
  const secPage = await srv.request('/directory/zanzibar-csirt?lang=en', { jar: sec.jar });
  assert.equal(secPage.status, 200);
  assert.match(secPage.text, /This team&#39;s organisation is Suspended: its record is hidden from everyone but the secretariat\.|This team's organisation is Suspended/);
  assert.equal((await srv.request('/api/v1/teams/zanzibar-csirt', { jar: sec.jar })).status, 200);
  assert.ok((await srv.request('/api/v1/teams?q=Zanzibar', { jar: sec.jar })).text.includes('zanzibar-csirt'));
  assert.deepEqual(await lookupFound(sec.jar), [false, false, false]);
  assert.ok(!(await srv.request('/api/v1/directory/snapshot.json', { jar: sec.jar })).text.includes('Zanzibar'));
});

test('the organisation pages: status, since when, history, a filter, and the form with field errors in both languages', async () => {
  const list = await srv.request('/admin/orgs?status=suspended&lang=en', { jar: sec.jar });
  assert.equal(list.status, 200);
  assert.match(list.text, /Zanzibar Org/);
  assert.doesNotMatch(list.text, /Other Org/);
  assert.match(list.text, /<strong>Suspended<\/strong>/);
  assert.equal((await srv.request('/admin/orgs?status=bogus', { jar: sec.jar })).status, 422);
  const page = await srv.request(`/admin/orgs/${ZANZIBAR}?lang=en`, { jar: sec.jar });
  assert.equal(page.status, 200);
  assert.match(page.text, /Suspended \(since \d{4}-\d\d-\d\d/);
  assert.match(page.text, /Dues unpaid for 2 years\./);
  assert.match(page.text, /href="\/directory\/zanzibar-csirt"/);
  assert.match(page.text, /<option value="active">Active<\/option>/);
  assert.match(page.text, /<option value="withdrawn">Withdrawn<\/option>/);
  assert.doesNotMatch(page.text, /<option value="suspended">/, 'only the statuses it may go to');
  const before = sql(srv, 'SELECT count(*) FROM org_status_history');
  const missing = await postForm(srv, `/admin/orgs/${ZANZIBAR}/status?lang=en`, { status: 'active', reason: '' }, { jar: sec.jar, from: `/admin/orgs/${ZANZIBAR}` });
  assert.equal(missing.status, 422);
  assert.match(missing.text, /id="reason-err" class="field-error">Required\./);
  const ja = await postForm(srv, `/admin/orgs/${ZANZIBAR}/status?lang=ja`, { status: 'suspended', reason: 'again' }, { jar: sec.jar, from: `/admin/orgs/${ZANZIBAR}` });
  assert.equal(ja.status, 409);
  assert.match(ja.text, /id="status-err" class="field-error">この組織は既に「資格停止中」です。/);
  assert.equal(sql(srv, 'SELECT count(*) FROM org_status_history'), before);
  for (const who of ['member', 'observer']) assert.equal((await srv.request(`/admin/orgs/${ZANZIBAR}`, { jar: readers[who] })).status, 403);
  assert.equal((await srv.request('/admin/orgs/99999', { jar: sec.jar })).status, 404);
});

test('reinstating through the page restores sign-in, tokens and the record', async () => {
  const r = await postForm(srv, `/admin/orgs/${ZANZIBAR}/status`, { status: 'active', reason: 'Dues paid.' }, { jar: sec.jar, from: `/admin/orgs/${ZANZIBAR}` });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), `/admin/orgs/${ZANZIBAR}?done=status_changed`);
  assert.equal(sql(srv, "SELECT state FROM teams WHERE slug = 'zanzibar-csirt'"), 'active');
  await sink.waitFor('admin@zanzibar.example.jp', /reinstated the membership of Zanzibar Org[\s\S]*Dues paid\.[\s\S]*https:\/\/shisa\.example\.jp\/signin/);
  assert.equal((await srv.request('/api/v1/me', { jar: null, headers: adminToken })).status, 200);
  assert.equal((await signIn(srv, 'admin@zanzibar.example.jp', PASSWORD)).r.status, 303);
  await eventually('routing with the team again', () => lookupFound(readers.anonymous), (f) => f.every(Boolean));
  for (const who of ['anonymous', 'observer', 'member']) {
    assert.equal((await srv.request('/api/v1/teams/zanzibar-csirt', { jar: readers[who] })).status, 200, who);
    assert.ok((await srv.request('/directory?q=Zanzibar', { jar: readers[who] })).text.includes('Zanzibar Hidden CSIRT'), who);
  }
});

test('withdrawal is final and dates the team\'s leaving; the record is hidden as on suspension', async () => {
  const r = await api('POST', `/api/v1/orgs/${ZANZIBAR}/status`, { status: 'withdrawn', reason: 'Left the association (退会).' });
  assert.equal(r.status, 200, r.text);
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date());
  assert.equal(sql(srv, "SELECT state || '|' || left_on FROM teams WHERE slug = 'zanzibar-csirt'"), `withdrawn|${today}`);
  await sink.waitFor('admin@zanzibar.example.jp', new RegExp(`withdrawal \\(退会\\) of Zanzibar Org as of ${today}[\\s\\S]*After 365 days`));
  for (const to of ['active', 'suspended']) {
    const again = await api('POST', `/api/v1/orgs/${ZANZIBAR}/status`, { status: to, reason: 'come back' });
    assert.equal(again.status, 409);
    assert.match(apiError(again).fields.status, /withdrawal is final: to become a member again, it applies again/);
  }
  const jar = new CookieJar();
  jar.set('shisa_lang', 'en');
  const right = await signIn(srv, 'staff@zanzibar.example.jp', PASSWORD, jar);
  assert.equal(right.r.status, 403);
  assert.match(right.r.text, /Your organisation has withdrawn from the association/);
  assert.equal((await srv.request('/api/v1/me', { jar: null, headers: adminToken })).status, 403);
  await eventually('routing without the team', () => lookupFound(readers.anonymous), (f) => f.every((x) => !x));
  assert.deepEqual(leaks(await outputs(readers.anonymous)), []);
  const page = await srv.request(`/admin/orgs/${ZANZIBAR}?lang=en`, { jar: sec.jar });
  assert.doesNotMatch(page.text, /<select id="status"/, 'no form: nothing to change to');
  assert.match(page.text, /withdrawal is final/);
  const h = await api('GET', `/api/v1/orgs/${ZANZIBAR}/status-history?limit=2`);
  assert.deepEqual(h.json.items.map((e) => e.to), ['suspended', 'active']);
  const rest = await api('GET', `/api/v1/orgs/${ZANZIBAR}/status-history?limit=2&cursor=${h.json.next_cursor}`);
  assert.deepEqual(rest.json.items.map((e) => e.to), ['withdrawn']);
  assert.equal(rest.json.next_cursor, null);
});

function purge(...args) {
  return execFileSync(shisaBin, ['membership', 'purge', '--db', srv.db, ...args], {
    encoding: 'utf8', cwd: srv.dir, env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' },
  });
}

test('shisa membership purge erases a withdrawn organisation\'s data after the retention period, once', async () => {
  assert.match(purge(), /^0 organisations withdrawn more than 365 days ago erased$/m, 'not yet due');
  sql(srv, `UPDATE orgs SET status_changed_at = status_changed_at - 366 * 86400 WHERE id = ${ZANZIBAR}`);
  const dry = purge('--dry-run');
  assert.match(dry, new RegExp(`^${ZANZIBAR}\\tZanzibar Org\\tzanzibar-csirt\\tpeople 1, contacts 2, texts 1, constituency 3, record_fields 1, users 3$`, 'm'));
  assert.match(dry, /^1 organisation withdrawn more than 365 days ago would be erased \(dry run\)$/m);
  assert.equal(sql(srv, `SELECT count(*) FROM users WHERE org_id = ${ZANZIBAR}`), '3');
  const real = purge();
  assert.match(real, /^1 organisation withdrawn more than 365 days ago erased$/m);
  for (const t of ['team_people', 'team_contacts', 'team_texts', 'team_constituency'])
    assert.equal(sql(srv, `SELECT count(*) FROM ${t} WHERE team_id = (SELECT id FROM teams WHERE slug = 'zanzibar-csirt')`), '0', t);
  assert.equal(sql(srv, `SELECT count(*) FROM users WHERE org_id = ${ZANZIBAR}`), '0');
  assert.equal(sql(srv, "SELECT name_en || '|' || sector || '|' || region || '|' || address_en FROM teams WHERE slug = 'zanzibar-csirt'"), 'Zanzibar Hidden CSIRT|finance|kanto|');
  assert.equal(sql(srv, `SELECT count(*) FROM audit_log WHERE action = 'org.purge' AND object_id = '${ZANZIBAR}' AND request_id = 'cli' AND json_extract(detail, '$.erased.users') = 3 AND detail NOT LIKE '%pat@%'`), '1');
  assert.match(purge(), /^0 organisations withdrawn more than 365 days ago erased$/m, 'once only');
  const secView = await eventually('the secretariat sees the erased record', () => srv.request('/api/v1/teams/zanzibar-csirt', { jar: sec.jar }),
    (r) => r.status === 200 && !r.text.includes('incident@zanzibar.example.jp'));
  assert.equal(secView.json.name.en, 'Zanzibar Hidden CSIRT');
  assert.match((await api('GET', `/api/v1/orgs/${ZANZIBAR}`)).json.data_erased_at, /^\d{4}-/);
  assert.match((await srv.request(`/admin/orgs/${ZANZIBAR}?lang=en`, { jar: sec.jar })).text, /Data erased after withdrawal/);
  assert.equal((await srv.request('/api/v1/me', { jar: null, headers: adminToken })).status, 401, 'the token went with its user');
});

test('the server\'s daily task erases an observer organisation withdrawn long enough ago', async () => {
  const WATCH = orgId('Watch Org');
  const r = await api('POST', `/api/v1/orgs/${WATCH}/status`, { status: 'withdrawn', reason: 'No longer observing.' });
  assert.equal(r.status, 200, r.text);
  sql(srv, `UPDATE orgs SET status_changed_at = status_changed_at - 400 * 86400 WHERE id = ${WATCH};
            UPDATE periodic_tasks SET next_at = 0 WHERE name = 'membership.purge'`);
  await eventually('the daily task ran', async () => sql(srv, `SELECT purged_at IS NOT NULL FROM orgs WHERE id = ${WATCH}`), (v) => v === '1');
  assert.equal(sql(srv, `SELECT count(*) FROM users WHERE org_id = ${WATCH}`), '0');
  assert.equal(sql(srv, `SELECT count(*) FROM audit_log WHERE action = 'org.purge' AND object_id = '${WATCH}' AND request_id = 'job'`), '1');
});

stopTest(srv);
