// Joining the association through the JSON API, against the real server,
// a real MTA peer (postfix's smtp-sink) and the real command line: an
// organisation applies on the public form, verifies its address from the
// mailed link, completes its draft, names two sponsors (member teams of
// different groups of companies), accepts the rules and submits; both
// sponsors support it, the community window opens and a member objects,
// the window ends (`shisa membership close-windows`), and the secretariat
// approves: the team's record is then in the directory. Then every bad
// input of the issue, each a 4xx JSON error that names what is wrong and
// writes nothing: illegal transitions, self-sponsorship, sponsors that are
// not active members, too few sponsors, all in one group, duplicate
// applications, answers after the window, re-application inside the lock
// period, used and expired links, missing reasons, and a member answering
// for a team it is not the admin of. Who sees what is checked on the way.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, test } from 'node:test';
import { CookieJar, SANITIZER_REPORT, apiError, shisaBin, startServer, stopTest } from './harness.mjs';
import { PASSWORD, cloneUser, csrfIn, setupSecretariat, signIn, sql, startSmtpSink } from './accounts.mjs';

const BASE_URL = 'https://shisa.example.jp';
const sink = await startSmtpSink();
const srv = await startServer({ args: [...sink.serverArgs, '--base-url', BASE_URL, '--set', 'instance_name=NCA'] });
after(async () => {
  await srv.kill();
  sink.stop();
});

await setupSecretariat(srv, { email: 'sec@example.jp' });
// Windows close when the test says so (the CLI), until the last test lets
// the server's own task run: a task closing one between two looks at the
// database would make "nothing was written" checks fail for no reason.
for (let i = 0; i < 100 && !sql(srv, "SELECT last_at FROM periodic_tasks WHERE name = 'membership.close_windows'"); i++)
  await new Promise((r) => setTimeout(r, 100));   // the run at start, finished
sql(srv, "UPDATE periodic_tasks SET next_at = 9999999999 WHERE name = 'membership.close_windows'");

// A member organisation with one active team and its team admin.
function memberTeam(slug, orgName, group, admin, { lang = 'ja', teamState = 'active', orgStatus = 'active', kind = 'member' } = {}) {
  cloneUser(srv, { fromEmail: 'sec@example.jp', email: admin, name: `Admin of ${orgName}`, orgName, orgKind: kind, role: 'team_admin' });
  sql(srv, `UPDATE orgs SET org_group = '${group}', status = '${orgStatus}' WHERE name = '${orgName}';
            UPDATE users SET lang = '${lang}' WHERE email = '${admin}';
            INSERT INTO teams (org_id, slug, name_en, name_ja, state, created_at, updated_at)
            SELECT id, '${slug}', '${orgName} CSIRT', '${orgName} シーサート', '${teamState}', 0, 0 FROM orgs WHERE name = '${orgName}'`);
}
memberTeam('alpha-csirt', 'Alpha Corp', 'Alpha Group', 'admin@alpha.example.jp', { lang: 'ja' });
memberTeam('beta-csirt', 'Beta Inc', 'Beta Holdings', 'admin@beta.example.jp', { lang: 'en' });
memberTeam('gamma-csirt', 'Gamma Ltd', '', 'admin@gamma.example.jp', { lang: 'en' });
memberTeam('alpha-sub-csirt', 'Alpha Subsidiary', ' alpha group ', 'admin@alpha-sub.example.jp');
memberTeam('delta-csirt', 'Delta KK', '', 'admin@delta.example.jp', { teamState: 'suspended' });
memberTeam('epsilon-csirt', 'Epsilon KK', '', 'admin@epsilon.example.jp', { orgStatus: 'withdrawn' });
memberTeam('zeta-csirt', 'Zeta Watch', '', 'admin@zeta.example.jp', { kind: 'observer' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'member@alpha.example.jp', name: 'Mere Member', orgName: 'Alpha Corp', orgKind: 'member' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'obs@zeta.example.jp', name: 'Observer', orgName: 'Zeta Watch', orgKind: 'observer' });

// An API token for an account, made through the account page as a user would.
const tokens = new Map();
async function bearer(email, password = PASSWORD) {
  if (tokens.has(email)) return tokens.get(email);
  const { r, jar } = await signIn(srv, email, password);
  assert.equal(r.status, 303, `sign in as ${email}`);
  const page = await srv.request('/account', { jar });
  const t = await srv.request('/api/v1/me/tokens', {
    method: 'POST', jar,
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfIn(page.text) },
    body: JSON.stringify({ name: 'applications test', scope: 'write' }),
  });
  assert.equal(t.status, 201, t.text);
  const h = { authorization: `Bearer ${t.json.secret}` };
  tokens.set(email, h);
  return h;
}

// A JSON request as the user AS (null: anonymous), messages in English
// whatever the user's own language.
async function api(method, path, { as = null, body } = {}) {
  const headers = { ...(as ? await bearer(as) : {}), 'accept-language': 'en' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return srv.request(`${path}${path.includes('?') ? '&' : '?'}lang=en`, { method, jar: null, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

// What the membership tables hold: equal before and after a refused
// request means it wrote nothing there (the outbox and the job runner
// keep writing elsewhere).
function membershipState() {
  return sql(srv, `SELECT * FROM applications ORDER BY id; SELECT * FROM application_sponsors ORDER BY application_id, team_id;
                   SELECT * FROM application_opinions ORDER BY application_id, org_id; SELECT * FROM application_history ORDER BY id;
                   SELECT id, used_at FROM application_requests ORDER BY id; SELECT count(*) FROM application_requests;
                   SELECT * FROM orgs ORDER BY id; SELECT id, org_id, email, role, password_hash FROM users ORDER BY id;
                   SELECT id, slug, org_id, state FROM teams ORDER BY id; SELECT count(*) FROM audit_log;
                   SELECT count(*) FROM jobs`);
}

// A refused request: the status, the error code, the message or field
// errors asked for, and nothing written.
async function refused(method, path, opts, { status, code, message, fields = [] }) {
  if (opts.as) await bearer(opts.as);   // signing in writes: before the look
  const before = membershipState();
  const r = await api(method, path, opts);
  const e = apiError(r);
  assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
  if (code) assert.equal(e.code, code);
  if (message) assert.match(e.message, message);
  for (const [f, re] of fields) {
    assert.ok(e.fields && f in e.fields, `no error for ${f}: ${JSON.stringify(e)}`);
    if (re) assert.match(e.fields[f], re, f);
  }
  assert.doesNotMatch(e.message, /^app\./, 'a message, not a key');
  assert.equal(membershipState(), before, `${method} ${path} wrote something`);
  return e;
}

function shisa(args) {
  const r = spawnSync(shisaBin, [...args, '--db', srv.db], { encoding: 'utf8', timeout: 30000 });
  assert.doesNotMatch(r.stderr, SANITIZER_REPORT, `shisa ${args.join(' ')}: sanitizer report`);
  return r;
}

// The verification link mailed to EMAIL that has not been used here yet.
const seenTokens = new Set();
async function newToken(email) {
  const end = Date.now() + 15000;
  while (Date.now() < end) {
    for (const m of sink.messages().filter((x) => x.rcpt === email)) {
      const t = /\/apply\/verify\?token=([A-Za-z0-9_-]{43})/.exec(m.body);
      if (t && !seenTokens.has(t[1])) {
        seenTokens.add(t[1]);
        return t[1];
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no new verification link mailed to ${email}`);
}

// The public form of an organisation: its contact, draft and options.
function form(orgName, email, extra = {}) {
  return {
    org_name: orgName,
    contact_name: `Contact of ${orgName}`,
    contact_email: email,
    lang: 'en',
    team: { name: { en: `${orgName} CSIRT` }, contacts: [{ kind: 'email_incident', value: `csirt@${email.split('@')[1]}` }] },
    ...extra,
  };
}

// Apply, verify with the mailed link, sign in: the applicant's id and email.
async function applyAndVerify(orgName, email, extra = {}) {
  const r = await api('POST', '/api/v1/applications', { body: form(orgName, email, extra) });
  assert.equal(r.status, 202, r.text);
  const token = await newToken(email);
  const v = await api('POST', '/api/v1/applications/verify', { body: { token, password: PASSWORD, password_confirm: PASSWORD } });
  assert.equal(v.status, 201, v.text);
  return v.json.id;
}

const rulesVersion = async () => (await api('GET', '/api/v1/membership/rules')).json.version;

let mainId;

test('an organisation applies on the public form and verifies its address from the mailed link', async () => {
  const r = await api('POST', '/api/v1/applications', {
    body: {
      org_name: 'Example Security KK', org_name_ja: '例セキュリティ株式会社', org_group: 'Alpha Group',
      contact_name: 'Taro Applicant', contact_email: 'taro@example-sec.jp', lang: 'en', team_slug: 'example-csirt',
      team: {
        name: { en: 'Example CSIRT', ja: '例シーサート' }, country: 'jp', sector: 'ict',
        address: { en: '1-2-3 Example, Chiyoda, Tokyo' },
        contacts: [{ kind: 'email_incident', value: 'csirt@example-sec.jp' }, { kind: 'phone_emergency', value: '03-1234-5678' }],
        people: [{ name: 'Hidden Person', role: 'representative', visibility: 'secretariat' }],
        texts: { overview: { en: 'We protect Example.' } },
      },
    },
  });
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.status, 'verification_sent');
  // Nothing but the pending request until the address is verified.
  assert.equal(sql(srv, 'SELECT count(*) FROM applications'), '0');
  assert.equal(sql(srv, "SELECT count(*) FROM orgs WHERE name = 'Example Security KK'"), '0');
  const mail = await sink.waitFor('taro@example-sec.jp', /apply\/verify/);
  assert.match(mail.body, new RegExp(`${BASE_URL}/apply/verify\\?token=`));
  assert.match(mail.body, /within 48 hours/);
  const token = await newToken('taro@example-sec.jp');
  assert.ok(!srv.dbDump().includes(token), 'only the token hash is stored');

  const weak = await api('POST', '/api/v1/applications/verify', { body: { token, password: 'short', password_confirm: 'short' } });
  assert.equal(weak.status, 422);
  assert.ok('password' in apiError(weak).fields);

  const v = await api('POST', '/api/v1/applications/verify', { body: { token, password: PASSWORD, password_confirm: PASSWORD } });
  assert.equal(v.status, 201, v.text);
  assert.equal(v.json.state, 'draft');
  assert.equal(v.json.org.name, 'Example Security KK');
  assert.equal(v.json.team.country, 'JP', 'the draft is kept canonical');
  assert.match(v.headers.get('location'), /^\/api\/v1\/applications\/\d+$/);
  mainId = v.json.id;
  assert.equal(sql(srv, "SELECT kind || ' ' || org_group FROM orgs WHERE name = 'Example Security KK'"), 'applicant Alpha Group');
  assert.equal(sql(srv, "SELECT role || ' ' || lang FROM users WHERE email = 'taro@example-sec.jp'"), 'team_admin en');
  assert.equal(sql(srv, `SELECT from_state || '>' || to_state || ' ' || event FROM application_history WHERE application_id = ${mainId}`), '>draft create');
  await sink.waitFor('taro@example-sec.jp', new RegExp(`${BASE_URL}/applications/${mainId}`));

  await refused('POST', '/api/v1/applications/verify', { body: { token, password: PASSWORD, password_confirm: PASSWORD } },
    { status: 400, message: /used already/ });
});

test('the applicant completes the draft, names two sponsors, accepts the rules and submits', async () => {
  const me = 'taro@example-sec.jp';
  const got = await api('GET', `/api/v1/applications/${mainId}`, { as: me });
  assert.equal(got.status, 200);
  assert.equal(got.json.contact.email, me);
  assert.ok(got.text.includes('Hidden Person'), 'the applicant sees all of its own draft');

  const p = await api('PATCH', `/api/v1/applications/${mainId}`, {
    as: me, body: { sponsors: ['alpha-csirt', 'beta-csirt'], team: { name: { ja: '例セキュリティ シーサート' }, region: 'kanto' } },
  });
  assert.equal(p.status, 200, p.text);
  assert.deepEqual(p.json.sponsors.map((s) => [s.team, s.state]), [['alpha-csirt', 'named'], ['beta-csirt', 'named']]);
  assert.deepEqual(p.json.team.name, { en: 'Example CSIRT', ja: '例セキュリティ シーサート' }, 'merged into the draft');
  assert.equal(p.json.team.region, 'kanto');
  assert.equal(p.json.team.contacts.length, 2, 'lists not given stay');

  await refused('POST', `/api/v1/applications/${mainId}/submit`, { as: me, body: {} },
    { status: 422, fields: [['rules', /Accept the association's rules/]] });

  const rules = await api('GET', '/api/v1/membership/rules');
  assert.equal(rules.status, 200);
  assert.match(rules.json.texts.tlp.en, /TLP:AMBER\+STRICT/);
  assert.match(rules.json.texts.tlp.ja, /TLP:CLEAR/);
  assert.match(rules.json.texts.chatham_house.en, /neither the identity nor the affiliation/);
  await refused('POST', `/api/v1/applications/${mainId}/accept-rules`, { as: me, body: { version: 'f'.repeat(64) } },
    { status: 409, message: /changed since/ });
  const acc = await api('POST', `/api/v1/applications/${mainId}/accept-rules`, { as: me, body: { version: rules.json.version } });
  assert.equal(acc.status, 200, acc.text);
  assert.equal(acc.json.rules.current, true);

  const s = await api('POST', `/api/v1/applications/${mainId}/submit`, { as: me, body: {} });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.state, 'sponsor_review');
  assert.deepEqual(s.json.sponsors.map((x) => x.state), ['asked', 'asked']);
  // Each sponsor team's admins are asked, each in their own language.
  const ja = await sink.waitFor('admin@alpha.example.jp', /貴チームを推薦チームに指名しました/);
  assert.ok(ja.body.includes(`${BASE_URL}/applications/${mainId}`));
  await sink.waitFor('admin@beta.example.jp', /names your team as one of its sponsors/);
  await sink.waitFor(me, /has been submitted/);
});

test('members see what their role allows: a sponsor its own application, others nothing before the window', async () => {
  const sponsor = await api('GET', `/api/v1/applications/${mainId}`, { as: 'admin@alpha.example.jp' });
  assert.equal(sponsor.status, 200);
  assert.ok(!('contact' in sponsor.json), 'no contact details for members');
  assert.ok(!sponsor.text.includes('Hidden Person'), 'a secretariat-only person of the draft stays hidden');
  assert.ok(sponsor.text.includes('03-1234-5678'), 'members-visible contacts are shown to members');
  const list = await api('GET', '/api/v1/applications', { as: 'admin@alpha.example.jp' });
  assert.deepEqual(list.json.items.map((a) => a.id), [mainId]);
  // Every user of the sponsor's organisation reads it; other members do not, before the window.
  assert.equal((await api('GET', `/api/v1/applications/${mainId}`, { as: 'member@alpha.example.jp' })).status, 200);
  assert.equal((await api('GET', `/api/v1/applications/${mainId}`, { as: 'admin@gamma.example.jp' })).status, 404);
  assert.deepEqual((await api('GET', '/api/v1/applications', { as: 'admin@gamma.example.jp' })).json.items, []);
  assert.equal((await api('GET', '/api/v1/applications', { as: 'obs@zeta.example.jp' })).status, 403, 'observers take no part');
  assert.equal((await api('GET', '/api/v1/applications')).status, 401);
  const all = await api('GET', '/api/v1/applications?state=sponsor_review', { as: 'sec@example.jp' });
  assert.deepEqual(all.json.items.map((a) => a.id), [mainId]);
  await refused('GET', '/api/v1/applications?state=pending', { as: 'sec@example.jp' }, { status: 422, fields: [['state', null]] });
});

test('only a sponsor team\'s admin answers, with a statement, once; when both support the window opens', async () => {
  await refused('POST', `/api/v1/applications/${mainId}/sponsor`, { as: 'member@alpha.example.jp', body: { answer: 'support', statement: 'x' } },
    { status: 403, code: 'forbidden' });
  await refused('POST', `/api/v1/applications/${mainId}/sponsor`, { as: 'admin@gamma.example.jp', body: { answer: 'support', statement: 'x' } },
    { status: 403, message: /not a sponsor/ });
  await refused('POST', `/api/v1/applications/${mainId}/sponsor`, { as: 'admin@alpha.example.jp', body: { answer: 'support' } },
    { status: 422, fields: [['statement', /Required/]] });
  await refused('POST', `/api/v1/applications/${mainId}/sponsor`, { as: 'admin@alpha.example.jp', body: { answer: 'maybe', statement: 'x'.repeat(4001) } },
    { status: 422, fields: [['answer', null], ['statement', /4000/]] });
  await refused('POST', `/api/v1/applications/${mainId}/opinion`, { as: 'admin@gamma.example.jp', body: { stance: 'support' } },
    { status: 404 });

  const a = await api('POST', `/api/v1/applications/${mainId}/sponsor`, { as: 'admin@alpha.example.jp', body: { answer: 'support', statement: 'We have worked with them for years.' } });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.json.state, 'sponsor_review');
  await refused('POST', `/api/v1/applications/${mainId}/sponsor`, { as: 'admin@alpha.example.jp', body: { answer: 'decline', statement: 'Changed our mind.' } },
    { status: 409, message: /already answered/ });
  // A sponsor sees its own statement, not the other's.
  const b = await api('POST', `/api/v1/applications/${mainId}/sponsor`, { as: 'admin@beta.example.jp', body: { answer: 'support', statement: 'Beta vouches for them.' } });
  assert.equal(b.status, 200, b.text);
  assert.equal(b.json.state, 'community_window');
  assert.ok(b.text.includes('Beta vouches') && !b.text.includes('worked with them for years'));
  const ends = Date.parse(b.json.window_ends_at);
  assert.ok(Math.abs(ends - (Date.now() + 21 * 86400e3)) < 120e3, 'the window lasts 21 days');
  await sink.waitFor('admin@gamma.example.jp', /may support or object/);
  await sink.waitFor('taro@example-sec.jp', /Every sponsor supports/);
  assert.equal(sink.messages().filter((m) => m.rcpt === 'member@alpha.example.jp' && /support or object/.test(m.body)).length, 0,
    'members who are not admins are not mailed');
  assert.equal(sink.messages().filter((m) => m.rcpt === 'admin@delta.example.jp' && /may support or object/.test(m.body)).length, 0,
    'nor suspended teams');
});

test('during the window member teams give opinions, seen in full by the secretariat only', async () => {
  const o = await api('POST', `/api/v1/applications/${mainId}/opinion`, { as: 'admin@gamma.example.jp', body: { stance: 'support' } });
  assert.equal(o.status, 200, o.text);
  await refused('POST', `/api/v1/applications/${mainId}/opinion`, { as: 'admin@gamma.example.jp', body: { stance: 'object' } },
    { status: 422, fields: [['reason', /Required/]] });
  const changed = await api('POST', `/api/v1/applications/${mainId}/opinion`, { as: 'admin@gamma.example.jp', body: { stance: 'object', reason: 'Gamma has a confidential concern.' } });
  assert.equal(changed.status, 200, changed.text);
  assert.equal(changed.json.my_opinion.stance, 'object', 'the answer may change until the window ends');
  await refused('POST', `/api/v1/applications/${mainId}/opinion`, { as: 'obs@zeta.example.jp', body: { stance: 'support' } },
    { status: 403 });
  // An active organisation whose team is suspended is no active member team.
  await refused('POST', `/api/v1/applications/${mainId}/opinion`, { as: 'admin@delta.example.jp', body: { stance: 'support' } },
    { status: 403, message: /active member/ });

  const sec = await api('GET', `/api/v1/applications/${mainId}`, { as: 'sec@example.jp' });
  assert.equal(sec.json.opinion_counts.object, 1);
  assert.equal(sec.json.opinions[0].org, 'Gamma Ltd');
  assert.equal(sec.json.opinions[0].reason, 'Gamma has a confidential concern.');
  const applicant = await api('GET', `/api/v1/applications/${mainId}`, { as: 'taro@example-sec.jp' });
  assert.ok(!('opinions' in applicant.json) && !('my_opinion' in applicant.json));
  assert.ok(!applicant.text.includes('Gamma'), 'the applicant never learns who objected');
  assert.ok(applicant.text.includes('Beta vouches') && applicant.text.includes('worked with them for years'), 'but reads its sponsors');
  const other = await api('GET', `/api/v1/applications/${mainId}`, { as: 'admin@beta.example.jp' });
  assert.ok(!other.text.includes('confidential concern'), "other members do not see another team's reason");
  const hist = await api('GET', `/api/v1/applications/${mainId}/history`, { as: 'taro@example-sec.jp' });
  assert.ok(!hist.text.includes('Gamma'));
});

test('when the window ends the application goes to the secretariat, and late answers are refused', async () => {
  await refused('POST', `/api/v1/applications/${mainId}/approve`, { as: 'sec@example.jp', body: {} },
    { status: 409, message: /^Cannot approve an application in community_window\.$/ });
  sql(srv, `UPDATE applications SET window_ends_at = CAST(strftime('%s', 'now') AS INTEGER) - 60 WHERE id = ${mainId}`);
  // Past its end the window takes no answers, even before it is closed.
  await refused('POST', `/api/v1/applications/${mainId}/opinion`, { as: 'admin@gamma.example.jp', body: { stance: 'support' } },
    { status: 409, message: /community window closed on \d{4}-\d\d-\d\d \d\d:\d\d/ });
  const r = shisa(['membership', 'close-windows', '--base-url', BASE_URL]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^${mainId}\\tExample Security KK\\twindow ended `, 'm'));
  assert.match(r.stdout, /1 application sent to the secretariat's review/);
  assert.match(shisa(['membership', 'close-windows']).stdout, /^0 applications/m, 'once only');
  const got = await api('GET', `/api/v1/applications/${mainId}`, { as: 'sec@example.jp' });
  assert.equal(got.json.state, 'secretariat_review');
  await sink.waitFor('sec@example.jp', /例セキュリティ株式会社 の加盟申請の意見募集期間が .* に終了しました/);   // in the secretariat's Japanese
  await refused('POST', `/api/v1/applications/${mainId}/opinion`, { as: 'admin@gamma.example.jp', body: { stance: 'support' } },
    { status: 409, message: /closed on/ });
  await refused('POST', `/api/v1/applications/${mainId}/reject`, { as: 'sec@example.jp', body: {} },
    { status: 422, fields: [['reason', /Required/]] });
  await refused('POST', `/api/v1/applications/${mainId}/send-back`, { as: 'sec@example.jp', body: { reason: '  ' } },
    { status: 422, fields: [['reason', /Required/]] });
  await refused('POST', `/api/v1/applications/${mainId}/withdraw`, { as: 'sec@example.jp', body: {} }, { status: 403 });
});

test('the secretariat approves: the team is published in the directory, joined today, and everyone is told', async () => {
  const r = await api('POST', `/api/v1/applications/${mainId}/approve`, { as: 'sec@example.jp', body: {} });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'approved');
  assert.equal(r.json.member_team, 'example-csirt');
  assert.equal(sql(srv, "SELECT kind || ' ' || status FROM orgs WHERE name = 'Example Security KK'"), 'member active');
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date());
  const team = await api('GET', '/api/v1/teams/example-csirt');
  assert.equal(team.status, 200, team.text);
  assert.equal(team.json.joined, today);
  assert.equal(team.json.name.en, 'Example CSIRT');
  assert.ok(!('address' in team.json), 'members-only fields stay hidden from the public');
  assert.ok(!team.text.includes('Hidden Person'));
  const list = await api('GET', '/api/v1/teams?limit=200');
  assert.ok(list.json.items.some((t) => t.slug === 'example-csirt'));
  const page = await srv.request('/directory', { jar: new CookieJar() });
  assert.ok(page.text.includes('Example CSIRT'), 'on the directory page');
  const asMember = await api('GET', '/api/v1/teams/example-csirt', { as: 'admin@gamma.example.jp' });
  assert.equal(asMember.json.address.en, '1-2-3 Example, Chiyoda, Tokyo');
  // The applicant is now a team admin of a member team.
  tokens.delete('taro@example-sec.jp');
  const own = await api('GET', '/api/v1/me', { as: 'taro@example-sec.jp' });
  assert.equal(own.json.access, 'team_admin');
  await sink.waitFor('taro@example-sec.jp', /is now a member of NCA/);
  await sink.waitFor('admin@gamma.example.jp', /has been approved as a member of NCA/);
  await sink.waitFor('admin@alpha.example.jp', /加盟組織として承認されました/);
  assert.equal(sink.messages().filter((m) => m.rcpt === 'taro@example-sec.jp' && /has been approved as a member/.test(m.body)).length, 0,
    'the new member gets its own welcome, not the notice to members');

  const hist = await api('GET', `/api/v1/applications/${mainId}/history`, { as: 'sec@example.jp' });
  assert.deepEqual(hist.json.items.map((h) => `${h.from}>${h.to} ${h.event} ${h.by}`), [
    '>draft create applicant', 'draft>submitted submit applicant', 'submitted>sponsor_review ask_sponsors system',
    'sponsor_review>community_window open_window system', 'community_window>secretariat_review close_window system',
    'secretariat_review>approved approve secretariat',
  ]);
  assert.equal(hist.json.items[5].actor.name, '事務局 花子');
  assert.equal(sql(srv, `SELECT group_concat(action, ' ') FROM (SELECT action FROM audit_log WHERE object_type = 'application' AND object_id = '${mainId}' ORDER BY id)`),
    'application.create application.update application.accept_rules application.submit application.ask_sponsors application.sponsor_answer application.sponsor_answer application.open_window application.opinion application.opinion application.close_window application.approve');
  await refused('POST', `/api/v1/applications/${mainId}/reject`, { as: 'sec@example.jp', body: { reason: 'too late' } },
    { status: 409, message: /^Cannot reject an application in approved\.$/ });
});

let secondId;

test('sponsors are checked: not oneself, active members only, each once, at most two, one outside the group', async () => {
  secondId = await applyAndVerify('Second Org', 'contact@second.example.jp', { org_group: 'Alpha Group' });
  const me = 'contact@second.example.jp';
  // The applicant's own team (a record the secretariat made early) cannot sponsor it.
  sql(srv, `INSERT INTO teams (org_id, slug, name_en, state, created_at, updated_at)
            SELECT id, 'second-own', 'Second Own', 'active', 0, 0 FROM orgs WHERE name = 'Second Org'`);
  const path = `/api/v1/applications/${secondId}`;
  await refused('PATCH', path, { as: me, body: { sponsors: ['second-own', 'beta-csirt'] } },
    { status: 422, fields: [['sponsors[0]', /own team cannot sponsor/]] });
  await refused('PATCH', path, { as: me, body: { sponsors: ['delta-csirt', 'epsilon-csirt'] } },
    { status: 422, fields: [['sponsors[0]', /not an active member/i], ['sponsors[1]', /not an active member/i]] });
  await refused('PATCH', path, { as: me, body: { sponsors: ['zeta-csirt'] } },
    { status: 422, fields: [['sponsors[0]', /not an active member/i]] });
  await refused('PATCH', path, { as: me, body: { sponsors: ['no-such-team', 'Not A Slug'] } },
    { status: 422, fields: [['sponsors[0]', /No team/], ['sponsors[1]', /No team/]] });
  await refused('PATCH', path, { as: me, body: { sponsors: ['beta-csirt', 'beta-csirt'] } },
    { status: 422, fields: [['sponsors[1]', /named twice/]] });
  await refused('PATCH', path, { as: me, body: { sponsors: ['alpha-csirt', 'beta-csirt', 'gamma-csirt'] } },
    { status: 422, fields: [['sponsors', /at most 2/]] });
  // Alpha Corp and Alpha Subsidiary are both of the applicant's group
  // (" alpha group " is "Alpha Group" trimmed and case-folded).
  await refused('PATCH', path, { as: me, body: { sponsors: ['alpha-csirt', 'alpha-sub-csirt'] } },
    { status: 422, fields: [['sponsors', /outside your organisation group \(Alpha Group\)/]] });
  await refused('PATCH', path, { as: me, body: { sponsors: 'alpha-csirt' } }, { status: 422, fields: [['sponsors', null]] });
  await refused('PATCH', path, { as: me, body: { sponsors: [1] } }, { status: 422, fields: [['sponsors[0]', /string/]] });
  await refused('PATCH', path, { as: me, body: {} }, { status: 422, message: /names no field/ });
  await refused('PATCH', path, { as: me, body: { team: { country: 'XX', joined: '2020-01-01', contacts: [{ kind: 'pager' }] }, team_slug: 'Bad Slug' } },
    { status: 422, fields: [['team.country', null], ['team.joined', /when the application is approved/], ['team.contacts[0].kind', null], ['team_slug', null]] });
  await refused('PATCH', path, { as: me, body: { team_slug: 'example-csirt' } }, { status: 422, fields: [['team_slug', /taken/]] });
  await refused('PATCH', path, { as: 'taro@example-sec.jp', body: { org_group: 'x' } }, { status: 403 });
  await refused('PATCH', `/api/v1/applications/${mainId}`, { as: me, body: { org_group: 'x' } }, { status: 404 });

  // One in the group and one outside it is fine; the draft may hold fewer
  // than required, but submitting needs two.
  const one = await api('PATCH', path, { as: me, body: { sponsors: ['alpha-csirt'] } });
  assert.equal(one.status, 200, one.text);
  await api('POST', `${path}/accept-rules`, { as: me, body: {} });
  await refused('POST', `${path}/submit`, { as: me, body: {} },
    { status: 422, fields: [['sponsors', /Name 2 sponsors/], ['team_slug', /Choose the address/]] });
  const two = await api('PATCH', path, { as: me, body: { sponsors: ['alpha-csirt', 'alpha-sub-csirt'] } });
  assert.equal(two.status, 422, 'still in one group');
  const ok = await api('PATCH', path, { as: me, body: { sponsors: ['alpha-sub-csirt', 'gamma-csirt'], team_slug: 'second-csirt' } });
  assert.equal(ok.status, 200, ok.text);
});

test('illegal transitions are refused with the state and the transition named', async () => {
  const me = 'contact@second.example.jp';
  const path = `/api/v1/applications/${secondId}`;
  await refused('POST', `${path}/reject`, { as: 'sec@example.jp', body: { reason: 'No.' } },
    { status: 409, message: /^Cannot reject an application in draft\.$/ });
  await refused('POST', `${path}/send-back`, { as: 'sec@example.jp', body: { reason: 'No.' } },
    { status: 409, message: /^Cannot send_back an application in draft\.$/ });
  await refused('POST', `${path}/approve`, { as: 'sec@example.jp', body: {} },
    { status: 409, message: /^Cannot approve an application in draft\.$/ });
  const s = await api('POST', `${path}/submit`, { as: me, body: {} });
  assert.equal(s.status, 200, s.text);
  await refused('POST', `${path}/submit`, { as: me, body: {} }, { status: 409, message: /^Cannot submit an application in sponsor_review\.$/ });
  await refused('POST', `${path}/approve`, { as: 'sec@example.jp', body: {} },
    { status: 409, message: /^Cannot approve an application in sponsor_review\.$/ });
  await refused('POST', `${path}/accept-rules`, { as: me, body: {} }, { status: 409, message: /sponsor_review cannot be changed/ });
  await refused('PATCH', path, { as: me, body: { team_slug: 'other-slug' } }, { status: 409, message: /only change its sponsors/ });
  await refused('POST', `${path}/opinion`, { as: 'admin@gamma.example.jp', body: { stance: 'support' } },
    { status: 409, message: /not open: this application is in sponsor_review/ });
  await refused('POST', `${path}/opinion`, { as: 'admin@beta.example.jp', body: { stance: 'support' } }, { status: 404 });
});

test('a sponsor that declines is replaced; the others must stay', async () => {
  const me = 'contact@second.example.jp';
  const path = `/api/v1/applications/${secondId}`;
  const d = await api('POST', `${path}/sponsor`, { as: 'admin@gamma.example.jp', body: { answer: 'decline', statement: 'We do not know them.' } });
  assert.equal(d.status, 200, d.text);
  await sink.waitFor(me, /Gamma Ltd CSIRT has declined[\s\S]*We do not know them\./);
  await refused('PATCH', path, { as: me, body: { sponsors: ['beta-csirt', 'gamma-csirt'] } },
    { status: 422, fields: [['sponsors', /alpha-sub-csirt has not declined/]] });
  const r = await api('PATCH', path, { as: me, body: { sponsors: ['alpha-sub-csirt', 'beta-csirt'] } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.sponsors.map((s) => `${s.team} ${s.state}`), ['alpha-sub-csirt asked', 'beta-csirt asked']);
  await sink.waitFor('admin@beta.example.jp', new RegExp(`/applications/${secondId}`));
});

test('duplicate applications and re-application inside the lock period are refused, naming the day', async () => {
  await refused('POST', '/api/v1/applications', { body: form('Second Org', 'new@elsewhere.example.jp') },
    { status: 409, message: /already open/ });
  await refused('POST', '/api/v1/applications', { body: form('SECOND ORG', 'new@elsewhere.example.jp') },
    { status: 409, message: /already open/ });
  await refused('POST', '/api/v1/applications', { body: form('Another Org', 'CONTACT@second.example.jp') },
    { status: 409, message: /already open/ });
  await refused('POST', '/api/v1/applications', { body: form('Alpha Corp', 'new@alpha.example.jp') },
    { status: 409, message: /already registered/ });
  await refused('POST', '/api/v1/applications', { body: form('Fresh Org', 'admin@gamma.example.jp') },
    { status: 409, message: /another organisation/ });
  await refused('POST', '/api/v1/applications', { body: form('Epsilon KK', 'new@epsilon.example.jp') },
    { status: 409, message: /has withdrawn from the association/ });
  const rej = await api('POST', `/api/v1/applications/${secondId}/reject`, { as: 'sec@example.jp', body: { reason: 'Not a CSIRT yet.' } });
  assert.equal(rej.status, 200, rej.text);
  assert.equal(rej.json.decision_reason, 'Not a CSIRT yet.');
  await sink.waitFor('contact@second.example.jp', /rejected the application of Second Org[\s\S]*Not a CSIRT yet\./);
  const inAYear = new Date(Date.now() + 9 * 3600e3);
  inAYear.setUTCFullYear(inAYear.getUTCFullYear() + 1);
  const day = inAYear.toISOString().slice(0, 10);
  await refused('POST', '/api/v1/applications', { body: form('Second Org', 'new@elsewhere.example.jp') },
    { status: 409, message: new RegExp(`may apply again from ${day}`) });
  await refused('POST', '/api/v1/applications', { body: form('Renamed Org', 'contact@second.example.jp') },
    { status: 409, message: new RegExp(`from ${day}`) });
  // A year on, it may.
  sql(srv, `UPDATE applications SET decided_at = decided_at - 367 * 86400 WHERE id = ${secondId}`);
  const again = await api('POST', '/api/v1/applications', { body: form('Second Org', 'contact@second.example.jp') });
  assert.equal(again.status, 202, again.text);
  const token = await newToken('contact@second.example.jp');
  const v = await api('POST', '/api/v1/applications/verify', { body: { token, password: PASSWORD, password_confirm: PASSWORD } });
  assert.equal(v.status, 201, v.text);
  assert.equal(sql(srv, "SELECT count(*) FROM orgs WHERE name = 'Second Org'"), '1', 'the applicant organisation applies again');
});

test('verification links that are unknown or expired are refused', async () => {
  await refused('POST', '/api/v1/applications/verify', { body: { token: 'x'.repeat(43), password: PASSWORD, password_confirm: PASSWORD } },
    { status: 400, message: /not valid/ });
  await refused('POST', '/api/v1/applications/verify', { body: { password: PASSWORD, password_confirm: PASSWORD } },
    { status: 400, message: /not valid/ });
  const r = await api('POST', '/api/v1/applications', { body: form('Late Org', 'late@late.example.jp') });
  assert.equal(r.status, 202);
  const token = await newToken('late@late.example.jp');
  sql(srv, "UPDATE application_requests SET expires_at = 1 WHERE email = 'late@late.example.jp'");
  await refused('POST', '/api/v1/applications/verify', { body: { token, password: PASSWORD, password_confirm: PASSWORD } },
    { status: 400, message: /expired/ });
});

test('the public form names each bad field, with the directory\'s own field names', async () => {
  const e = await refused('POST', '/api/v1/applications', {
    body: { org_name: '', contact_email: 'not an address', lang: 'fr', team_slug: 'export', team: { name: { ja: 'x' }, website: 'ftp://x.example.jp/', bogus: 1 } },
  }, { status: 422 });
  for (const f of ['org_name', 'contact_name', 'contact_email', 'lang', 'team.website', 'team.bogus'])
    assert.ok(f in e.fields, `no error for ${f}: ${JSON.stringify(e.fields)}`);
  await refused('POST', '/api/v1/applications', { body: { ...form('No Name Org', 'x@noname.example.jp'), team: { country: 'JP' } } },
    { status: 422, fields: [['team.name.en', /Required/]] });
  await refused('POST', '/api/v1/applications', { body: { ...form('No Team Org', 'x@noteam.example.jp'), team: [] } },
    { status: 422, fields: [['team', null]] });
  await refused('POST', '/api/v1/applications', { body: { ...form('Slug Org', 'x@slug.example.jp'), team_slug: 'example-csirt' } },
    { status: 422, fields: [['team_slug', /taken/]] });
  const ja = await srv.request('/api/v1/applications', {
    method: 'POST', jar: null, headers: { 'content-type': 'application/json', 'accept-language': 'ja' }, body: JSON.stringify(form('Second Org', 'y@second.example.jp')),
  });
  assert.equal(ja.status, 409);
  assert.match(apiError(ja).message, /進行中/, 'refusals in the reader\'s language');
});

test('a withdrawal: the applicant withdraws, the secretariat is told, and it is final', async () => {
  const id = await applyAndVerify('Withdrawing Org', 'w@withdraw.example.jp', { team_slug: 'withdraw-csirt' });
  const me = 'w@withdraw.example.jp';
  await api('PATCH', `/api/v1/applications/${id}`, { as: me, body: { sponsors: ['beta-csirt', 'gamma-csirt'] } });
  await api('POST', `/api/v1/applications/${id}/accept-rules`, { as: me, body: {} });
  assert.equal((await api('POST', `/api/v1/applications/${id}/submit`, { as: me, body: {} })).status, 200);
  const w = await api('POST', `/api/v1/applications/${id}/withdraw`, { as: me, body: { reason: 'We merged with Beta.' } });
  assert.equal(w.status, 200, w.text);
  assert.equal(w.json.state, 'withdrawn');
  await sink.waitFor('sec@example.jp', /Withdrawing Org が加盟申請を取り下げました[\s\S]*We merged with Beta\./);
  await refused('POST', `/api/v1/applications/${id}/withdraw`, { as: me, body: {} },
    { status: 409, message: /^Cannot withdraw an application in withdrawn\.$/ });
  await refused('POST', `/api/v1/applications/${id}/sponsor`, { as: 'admin@beta.example.jp', body: { answer: 'support', statement: 'ok' } },
    { status: 409, message: /this one is in withdrawn/ });
});

test('send back returns the application to draft; resubmitting asks the sponsors and opens a new window', async () => {
  const id = await applyAndVerify('Resubmit Org', 'r@resubmit.example.jp', { team_slug: 'resubmit-csirt' });
  const me = 'r@resubmit.example.jp';
  const path = `/api/v1/applications/${id}`;
  await api('PATCH', path, { as: me, body: { sponsors: ['beta-csirt', 'gamma-csirt'] } });
  await api('POST', `${path}/accept-rules`, { as: me, body: {} });
  await api('POST', `${path}/submit`, { as: me, body: {} });
  for (const admin of ['admin@beta.example.jp', 'admin@gamma.example.jp'])
    assert.equal((await api('POST', `${path}/sponsor`, { as: admin, body: { answer: 'support', statement: 'Yes.' } })).status, 200);
  await api('POST', `${path}/opinion`, { as: 'admin@alpha.example.jp', body: { stance: 'object', reason: 'First window.' } });
  sql(srv, `UPDATE applications SET window_ends_at = 1 WHERE id = ${id}`);
  assert.equal(shisa(['membership', 'close-windows']).status, 0);
  const sb = await api('POST', `${path}/send-back`, { as: 'sec@example.jp', body: { reason: 'Please add your constituency.' } });
  assert.equal(sb.status, 200, sb.text);
  assert.equal(sb.json.state, 'draft');
  assert.equal(sb.json.window_ends_at, null);
  await sink.waitFor(me, /sent the application of Resubmit Org back for changes[\s\S]*Please add your constituency\./);
  const edited = await api('PATCH', path, { as: me, body: { team: { constituency: [{ kind: 'domain', value: 'resubmit.example.jp' }] } } });
  assert.equal(edited.status, 200, edited.text);
  const again = await api('POST', `${path}/submit`, { as: me, body: {} });
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.json.sponsors.map((s) => s.state), ['asked', 'asked'], 'the sponsors are asked again');
  // Both at once (the server runs two threads): each answer is decided on
  // the state as the other left it, so the window opens all the same.
  await bearer('admin@beta.example.jp');
  await bearer('admin@gamma.example.jp');
  const both = await Promise.all(['admin@beta.example.jp', 'admin@gamma.example.jp'].map((admin) =>
    api('POST', `${path}/sponsor`, { as: admin, body: { answer: 'support', statement: 'Still yes.' } })));
  assert.deepEqual(both.map((r) => r.status), [200, 200]);
  const sec = await api('GET', path, { as: 'sec@example.jp' });
  assert.equal(sec.json.state, 'community_window');
  assert.deepEqual(sec.json.opinions, [], 'a new window starts without the old opinions');
  assert.equal((await api('GET', `${path}/history`, { as: 'w@withdraw.example.jp' })).status, 404, 'another applicant sees nothing of it');
});

test('the secretariat edits the rules; an applicant who accepted the old texts must accept again', async () => {
  const id = await applyAndVerify('Rules Org', 'rules@rules.example.jp', { team_slug: 'rules-csirt' });
  const me = 'rules@rules.example.jp';
  await api('PATCH', `/api/v1/applications/${id}`, { as: me, body: { sponsors: ['beta-csirt', 'gamma-csirt'] } });
  assert.equal((await api('POST', `/api/v1/applications/${id}/accept-rules`, { as: me, body: {} })).status, 200);
  const before = await rulesVersion();
  const texts = { association: { en: 'Be kind.', ja: '親切に。' }, tlp: { en: 'TLP 2.0.', ja: 'TLP 2.0。' }, chatham_house: { en: 'CHR.', ja: 'チャタムハウスルール。' } };
  await refused('PUT', '/api/v1/membership/rules', { as: me, body: texts }, { status: 403 });
  await refused('PUT', '/api/v1/membership/rules', { as: 'sec@example.jp', body: { association: { en: 'x' }, tlp: 'x' } },
    { status: 422, fields: [['association.ja', /Required/], ['tlp', null], ['chatham_house', /Required/]] });
  const put = await api('PUT', '/api/v1/membership/rules', { as: 'sec@example.jp', body: texts });
  assert.equal(put.status, 200, put.text);
  assert.notEqual(put.json.version, before);
  assert.equal(put.json.texts.association.ja, '親切に。');
  assert.equal(put.json.custom.tlp, true);
  await refused('POST', `/api/v1/applications/${id}/submit`, { as: me, body: {} }, { status: 422, fields: [['rules', /changed/]] });
  const got = await api('GET', `/api/v1/applications/${id}`, { as: me });
  assert.equal(got.json.rules.current, false);
  assert.equal((await api('POST', `/api/v1/applications/${id}/accept-rules`, { as: me, body: { version: put.json.version } })).status, 200);
  assert.equal((await api('POST', `/api/v1/applications/${id}/submit`, { as: me, body: {} })).status, 200);
});

test('the server closes ended windows by itself', async () => {
  const id = sql(srv, "SELECT id FROM applications WHERE org_name = 'Resubmit Org'");
  sql(srv, `UPDATE applications SET window_ends_at = 1 WHERE id = ${id}; UPDATE periodic_tasks SET next_at = 0 WHERE name = 'membership.close_windows'`);
  const end = Date.now() + 15000;
  while (Date.now() < end && sql(srv, `SELECT state FROM applications WHERE id = ${id}`) !== 'secretariat_review')
    await new Promise((r) => setTimeout(r, 200));
  assert.equal(sql(srv, `SELECT state FROM applications WHERE id = ${id}`), 'secretariat_review');
  assert.equal(sql(srv, "SELECT next_at - last_at FROM periodic_tasks WHERE name = 'membership.close_windows'"), '60');
});

test('the secretariat pages through every application; the public form is limited per client address', async () => {
  const seen = [];
  let cursor = '';
  for (let pages = 0; pages < 20; pages++) {
    const r = await api('GET', `/api/v1/applications?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { as: 'sec@example.jp' });
    assert.equal(r.status, 200, r.text);
    seen.push(...r.json.items.map((a) => a.id));
    if (!r.json.next_cursor) break;
    cursor = r.json.next_cursor;
  }
  assert.deepEqual(seen, sql(srv, 'SELECT id FROM applications ORDER BY id').split('\n').map(Number));

  sql(srv, 'DELETE FROM auth_throttle');
  for (let i = 0; i < 10; i++)
    assert.equal((await api('POST', '/api/v1/applications', { body: form(`Busy Org ${i}`, `busy${i}@busy.example.jp`) })).status, 202);
  await refused('POST', '/api/v1/applications', { body: form('Busy Org 10', 'busy10@busy.example.jp') },
    { status: 429, code: 'rate_limited' });
});

test('bad requests on the command line', () => {
  const r = shisa(['membership', 'close-windows', 'extra']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage: shisa membership close-windows/);
  const h = spawnSync(shisaBin, ['membership', '--help'], { encoding: 'utf8' });
  assert.equal(h.status, 0);
  assert.match(h.stdout, /close-windows/);
  assert.equal(spawnSync(shisaBin, ['membership', 'nonsense'], { encoding: 'utf8' }).status, 2);
});

stopTest(srv);
