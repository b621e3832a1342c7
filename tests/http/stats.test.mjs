// The association in numbers against a hand-computed fixture: a few
// directory teams with known dates, sectors and sizes (arranged with SQL),
// a history file loaded with the real `shisa stats import`, and two
// applications with their history rows. Every expected number is written
// out below and checked through the API, the CSV files and the page's
// tables; then every output (page, SVG, CSV, API) as every role, for what
// that role must not see; then bad input.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CookieJar, apiError, shisaBin, startServer, stopTest } from './harness.mjs';
import { PASSWORD, cloneUser, setupSecretariat, signIn, sql } from './accounts.mjs';

// A small target, so that the projection's year is near and hand-computable.
const srv = await startServer({ args: ['--set', 'member_target=10'] });
after(() => srv.kill());
const tmp = mkdtempSync(join(tmpdir(), 'shisa-stats-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

await setupSecretariat(srv, { email: 'secretariat@example.jp' });
for (const [role, kind] of [['applicant', 'applicant'], ['observer', 'observer'], ['member', 'member'], ['team_admin', 'member']])
  cloneUser(srv, { fromEmail: 'secretariat@example.jp', email: `${role}@example.jp`, name: role, orgName: `Org ${role}`, orgKind: kind, role: role === 'team_admin' ? 'team_admin' : 'member' });

// The directory:
//   Alpha CSIRT  no organisation, joined 2019-04-01, ict, kanto, organisational, founded 2018, 情報システム部, staff 2 -> 6
//   Beta SIRT    a member's team, joined 2020-07-15, finance, kansai, product, founded 2020, セキュリティ対策室, staff 3 -> 12
//   Gamma CERT   joined 2021-02-01, left 2022-06-30, ict, kanto, organisational, founded 2021
//   Delta Team   an observer's team, joined 2020-01-01: never a member
//   Epsilon Team joined 2022-03-01, ict, kanto, organisational; suspended (counted, never named)
//   Zeta Team    joined 2021-09-01, manufacturing, kanto; shows its join date to members only
sql(srv, `INSERT INTO teams (slug, org_id, name_en, joined, left_on, sector, region, csirt_type, established, org_department, staff_at_founding, staff_now, state, created_at, updated_at) VALUES
  ('alpha', NULL, 'Alpha CSIRT', '2019-04-01', '', 'ict', 'kanto', 'organisational', '2018-06-01', '情報システム部', 2, 6, 'active', 0, 0),
  ('beta', (SELECT id FROM orgs WHERE name = 'Org member'), 'Beta SIRT', '2020-07-15', '', 'finance', 'kansai', 'product', '2020-01-01', 'セキュリティ対策室', 3, 12, 'active', 0, 0),
  ('gamma', NULL, 'Gamma CERT', '2021-02-01', '2022-06-30', 'ict', 'kanto', 'organisational', '2021-01-01', '', NULL, NULL, 'active', 0, 0),
  ('delta', (SELECT id FROM orgs WHERE name = 'Org observer'), 'Delta Team', '2020-01-01', '', 'ict', 'kanto', 'organisational', '', '', NULL, NULL, 'active', 0, 0),
  ('epsilon', NULL, 'Epsilon Team', '2022-03-01', '', 'ict', 'kanto', 'organisational', '', '', NULL, NULL, 'suspended', 0, 0),
  ('zeta', NULL, 'Zeta Team', '2021-09-01', '', 'manufacturing', 'kanto', '', '', '', NULL, NULL, 'active', 0, 0);
  INSERT INTO team_visibility (team_id, field, visibility) SELECT id, 'joined', 'members' FROM teams WHERE slug = 'zeta';`);

// The history: two teams from before the directory, and Alpha again (by
// name: linked to the directory's record, not counted twice).
//   Old One  joined 2017 (the year only), ict, kanto, organisational, founded 2016, 情報システム管理部門系, staff 1 -> 4
//   Old Two  joined 2018-05, left 2020-03, finance, kansai, organisational, founded 2018
const history = join(tmp, 'history.csv');
writeFileSync(history, 'name,joined,left,sector,region,csirt_type,established,org_department,staff_at_founding,staff_now\r\n' +
  'Old One,2017,,情報通信,関東,organisational,2016,情報システム管理部門系,1,4\r\n' +
  'Old Two,2018-05,2020-03,Finance and insurance,kansai,organisational,2018,,,\r\n' +
  'ALPHA CSIRT,2015,,media,kyushu,analysis,2010,,,\r\n');
const imported = execFileSync(shisaBin, ['stats', 'import', '--db', srv.db, history], { encoding: 'utf8' });
assert.match(imported, /3 rows imported \(1 linked to directory teams\)/);

// Two applications (times at 00:00 UTC):
//   1: draft 2023-01-01, submitted and to sponsors 01-05, community window 01-15, secretariat 02-05, approved 02-08
//   2: draft 2023-03-01, submitted and to sponsors 03-03, community window 03-09 (still there)
const day = (d) => Date.parse(`${d}T00:00:00Z`) / 1000;
sql(srv, `INSERT INTO applications (id, org_id, state, org_name, contact_name, contact_email, lang, sponsors_required, created_at, updated_at) VALUES
  (1, (SELECT id FROM orgs WHERE name = 'Org applicant'), 'approved', 'Applicant One', 'c', 'one@example.jp', 'en', 2, ${day('2023-01-01')}, 0),
  (2, (SELECT id FROM orgs WHERE name = 'Org applicant'), 'community_window', 'Applicant Two', 'c', 'two@example.jp', 'en', 2, ${day('2023-03-01')}, 0);
  INSERT INTO application_history (application_id, from_state, to_state, event, at) VALUES
  (1, '', 'draft', 'create', ${day('2023-01-01')}), (1, 'draft', 'submitted', 'submit', ${day('2023-01-05')}),
  (1, 'submitted', 'sponsor_review', 'ask', ${day('2023-01-05')}), (1, 'sponsor_review', 'community_window', 'open', ${day('2023-01-15')}),
  (1, 'community_window', 'secretariat_review', 'close', ${day('2023-02-05')}), (1, 'secretariat_review', 'approved', 'approve', ${day('2023-02-08')}),
  (2, '', 'draft', 'create', ${day('2023-03-01')}), (2, 'draft', 'submitted', 'submit', ${day('2023-03-03')}),
  (2, 'submitted', 'sponsor_review', 'ask', ${day('2023-03-03')}), (2, 'sponsor_review', 'community_window', 'open', ${day('2023-03-09')});`);

const AS_OF = '2023-12-31';
const ROLES = ['anonymous', 'applicant', 'observer', 'member', 'team_admin', 'secretariat'];
const DETAIL = { anonymous: false, applicant: false, observer: false, member: true, team_admin: true, secretariat: true };
const jars = {};
for (const role of ROLES) {
  if (role === 'anonymous') {
    jars[role] = new CookieJar();
    continue;
  }
  const { r, jar } = await signIn(srv, `${role}@example.jp`, PASSWORD);
  assert.equal(r.status, 303, `sign-in as ${role}`);
  jars[role] = jar;
}

// ?lang= decides the language, also over a signed-in user's own setting.
const get = (path, role = 'anonymous', lang = 'en') =>
  srv.request(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`, { jar: jars[role] });
const chart = (body, id) => body.charts.find((c) => c.id === id);
const rows = (c, key) => c.rows.map((r) => [r.key, r.values[key]]);

// --- the hand-computed numbers ---------------------------------------------------

// Members at the end of each year, as the public sees them (Zeta's join
// date is for members only): 2017 Old One; 2018 + Old Two; 2019 + Alpha;
// 2020 Old Two left in March, Beta joined; 2021 + Gamma; 2022 Gamma left
// in June, Epsilon joined; 2023 the same. Members also count Zeta from 2021.
const PUBLIC_YEARS = [['2017', 1], ['2018', 2], ['2019', 3], ['2020', 3], ['2021', 4], ['2022', 4], ['2023', 4]];
const MEMBER_YEARS = [['2017', 1], ['2018', 2], ['2019', 3], ['2020', 3], ['2021', 5], ['2022', 5], ['2023', 5]];

test('members per year, joins, departures and the projection, through the API', async () => {
  const r = await get(`/api/v1/stats?as_of=${AS_OF}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.as_of, AS_OF);
  assert.equal(r.json.view, 'public');
  assert.equal(r.json.member_target, 10);
  assert.equal(r.json.members, 4);
  assert.deepEqual(r.json.left_out, { join_date_not_shown: 1, join_date_unknown: 0 });
  assert.deepEqual(r.json.charts.map((c) => c.id), ['growth', 'monthly', 'joins', 'sector', 'region', 'csirt_type']);
  const growth = chart(r.json, 'growth');
  assert.deepEqual(rows(growth, 'members').filter(([k]) => /^20\d\d$/.test(k) && k <= '2023'), PUBLIC_YEARS);
  assert.deepEqual(rows(growth, 'joined').filter(([k]) => k <= '2023'), [['2017', 1], ['2018', 1], ['2019', 1], ['2020', 1], ['2021', 1], ['2022', 1], ['2023', 0]]);
  assert.deepEqual(rows(growth, 'left').filter(([k]) => k <= '2023'), [['2017', 0], ['2018', 0], ['2019', 0], ['2020', 1], ['2021', 0], ['2022', 1], ['2023', 0]]);
  // The rate: 3 members at the end of 2020, 4 at the end of 2023:
  // (4/3)^(1/3) - 1 = 10.06 % a year. The target 10: 4 (4/3)^(k/3) >= 10
  // when k/3 >= ln 2.5 / ln(4/3) = 3.185, k >= 9.56: k = 10, in 2033.
  assert.deepEqual(growth.projection, { available: true, rate: 0.1006, rate_years: 3, from_year: 2020, to_year: 2023, target: 10, target_year: 2033, reached: false });
  // Drawn four years on: 4 x 1.1006^k = 4.40, 4.84, 5.33, 5.87.
  assert.deepEqual(rows(growth, 'projected').filter(([, v]) => v !== null), [['2023', 4], ['2024', 4], ['2025', 5], ['2026', 5], ['2027', 6]]);
  assert.match(growth.description, /Dashed: a projection at 10\.1% a year, the compound annual growth from the end of 2020 to the end of 2023\. At that rate the association reaches 10 members in 2033\./);
  assert.deepEqual(growth.notes, ['Not counted here: teams that do not show you when they joined (1).']);

  // Joins and foundings per year, from the earliest founding (Old One, 2016).
  const joins = chart(r.json, 'joins');
  assert.deepEqual(rows(joins, 'joined'), [['2016', 0], ['2017', 1], ['2018', 1], ['2019', 1], ['2020', 1], ['2021', 1], ['2022', 1], ['2023', 0]]);
  assert.deepEqual(rows(joins, 'established'), [['2016', 1], ['2017', 0], ['2018', 2], ['2019', 0], ['2020', 1], ['2021', 1], ['2022', 0], ['2023', 0]]);

  // Months from January 2018: Old One's 2017 is known only to the year.
  const monthly = chart(r.json, 'monthly');
  assert.equal(monthly.rows[0].key, '2018-01');
  assert.equal(monthly.rows.length, 72);
  assert.deepEqual(rows(monthly, 'members').filter(([k]) => ['2018-04', '2018-05', '2020-02', '2020-03', '2022-05', '2022-06'].includes(k)),
    [['2018-04', 1], ['2018-05', 2], ['2020-02', 3], ['2020-03', 2], ['2022-05', 5], ['2022-06', 4]]);

  // Members see Zeta: 5 at the end of 2021 to 2023; 3 at the end of 2020,
  // 5 at the end of 2023: 5 (5/3)^(k/3) >= 10 when k >= 3 ln 2 / ln(5/3) = 4.07: 2028.
  const m = await get(`/api/v1/stats?as_of=${AS_OF}`, 'member');
  assert.equal(m.json.view, 'members');
  assert.equal(m.json.members, 5);
  assert.deepEqual(rows(chart(m.json, 'growth'), 'members').filter(([k]) => /^20\d\d$/.test(k) && k <= '2023'), MEMBER_YEARS);
  assert.equal(chart(m.json, 'growth').projection.target_year, 2028);
  assert.deepEqual(chart(m.json, 'growth').notes, []);
});

test('members by industry, region and type; the public folds categories under 3 teams', async () => {
  // On 2023-12-31 the public counts Old One (ict), Alpha (ict), Beta (finance), Epsilon (ict).
  const r = await get(`/api/v1/stats?as_of=${AS_OF}`);
  const sector = chart(r.json, 'sector');
  assert.deepEqual(sector.rows.map((x) => [x.key, x.label, x.values.members]), [['ict', 'Information and communications', 3], ['folded', 'Categories of fewer than 3 teams, together', 1]]);
  assert.equal(sector.fold_below, 3);
  assert.equal(sector.folded_categories, 1);
  assert.deepEqual(chart(r.json, 'region').rows.map((x) => [x.key, x.values.members]), [['kanto', 3], ['folded', 1]]);
  assert.deepEqual(chart(r.json, 'csirt_type').rows.map((x) => [x.key, x.values.members]), [['organisational', 3], ['folded', 1]]);
  // Members: no folding, and Zeta (manufacturing) counts.
  const m = await get(`/api/v1/stats?as_of=${AS_OF}`, 'member', 'ja');
  assert.deepEqual(chart(m.json, 'sector').rows.map((x) => [x.key, x.label, x.values.members]),
    [['ict', '情報通信', 3], ['manufacturing', '製造', 1], ['finance', '金融・保険', 1]]);
  assert.equal('fold_below' in chart(m.json, 'sector'), false);
  assert.deepEqual(chart(m.json, 'csirt_type').rows.map((x) => [x.key, x.values.members]), [['organisational', 3], ['product', 1], ['unknown', 1]]);
});

test('members see departments, team sizes, applications and stage medians', async () => {
  const r = await get(`/api/v1/stats?as_of=${AS_OF}`, 'member');
  assert.deepEqual(r.json.charts.map((c) => c.id), ['growth', 'monthly', 'joins', 'sector', 'region', 'csirt_type', 'department', 'staff', 'applications', 'stages']);
  // 情報システム管理部門系 and 情報システム部: information systems; セキュリティ対策室: security; Epsilon, Zeta: none given.
  assert.deepEqual(chart(r.json, 'department').rows.map((x) => [x.key, x.values.members]), [['it_systems', 2], ['security', 1], ['unknown', 2]]);
  // Sizes at founding 1, 2, 3 and now 4, 6, 12 (Old One, Alpha, Beta); Epsilon and Zeta unknown.
  assert.deepEqual(chart(r.json, 'staff').rows.map((x) => [x.key, x.values.at_founding, x.values.now]),
    [['up_to_2', 2, 0], ['3_5', 1, 1], ['6_10', 0, 1], ['11_20', 0, 1], ['21_50', 0, 0], ['51_plus', 0, 0], ['unknown', 2, 2]]);
  assert.deepEqual(chart(r.json, 'applications').rows.map((x) => [x.key, x.values.applications]),
    [['draft', 0], ['submitted', 0], ['sponsor_review', 0], ['community_window', 1], ['secretariat_review', 0], ['approved', 1], ['rejected', 0], ['withdrawn', 0]]);
  // Draft 4 and 2 days: 3; submitted 0 and 0; sponsors 10 and 6: 8; window 21 (the other is still in it); secretariat 3.
  assert.deepEqual(chart(r.json, 'stages').rows.map((x) => [x.key, x.values.median_days, x.values.stays]),
    [['draft', 3, 2], ['submitted', 0, 2], ['sponsor_review', 8, 2], ['community_window', 21, 1], ['secretariat_review', 3, 1]]);
  // One chart alone.
  const one = await get(`/api/v1/stats/stages?as_of=${AS_OF}`, 'team_admin');
  assert.equal(one.status, 200);
  assert.deepEqual(one.json.charts.map((c) => c.id), ['stages']);
});

test('the CSV files carry the same numbers, with a byte order mark, in the reader\'s language', async () => {
  const r = await get(`/stats/growth.csv?as_of=${AS_OF}`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv; charset=utf-8/);
  assert.match(r.headers.get('content-disposition'), /attachment; filename="growth-2023-12-31\.csv"/);
  assert.deepEqual([...r.body.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const lines = r.body.subarray(3).toString('utf8').split('\r\n');
  assert.equal(lines[0], 'Year,Members at the end of the year,Joined,Left,Projected');
  assert.deepEqual(lines.slice(1, 8), ['2017,1,1,0,', '2018,2,1,0,', '2019,3,1,0,', '2020,3,1,1,', '2021,4,1,0,', '2022,4,1,1,', '2023,4,0,0,4']);
  assert.deepEqual(lines.slice(8), ['2024 (projected),,,,4', '2025 (projected),,,,5', '2026 (projected),,,,5', '2027 (projected),,,,6', '']);
  const sector = (await get(`/stats/sector.csv?as_of=${AS_OF}`)).body.subarray(3).toString('utf8');
  assert.equal(sector, 'Industry,Members\r\nInformation and communications,3\r\n"Categories of fewer than 3 teams, together",1\r\n');
  const ja = (await get(`/stats/stages.csv?as_of=${AS_OF}`, 'secretariat', 'ja')).body.subarray(3).toString('utf8');
  assert.equal(ja, '段階,所要日数（中央値）,終了した件数\r\n作成中,3.0,2\r\n提出済み,0.0,2\r\n推薦チームの確認,8.0,2\r\n会員の意見受付,21.0,1\r\n事務局の審査,3.0,1\r\n');
});

// The rows of the table under chart ID in a page: [[heading, cells...], ...].
function pageTable(html, id) {
  const section = html.slice(html.indexOf(`<section class="card chart" id="chart-${id}"`));
  const table = section.slice(section.indexOf('<tbody>'), section.indexOf('</tbody>'));
  return [...table.matchAll(/<tr><th scope="row">([^<]*)<\/th>(.*?)<\/tr>/g)]
    .map((m) => [m[1], ...[...m[2].matchAll(/<td class="num">([^<]*)<\/td>/g)].map((c) => c[1])]);
}

test('the page shows each chart with a table of the same numbers', async () => {
  const r = await get(`/stats?as_of=${AS_OF}`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.deepEqual(pageTable(r.text, 'growth').slice(0, 7), [['2017', '1', '1', '0', ''], ['2018', '2', '1', '0', ''], ['2019', '3', '1', '0', ''],
    ['2020', '3', '1', '1', ''], ['2021', '4', '1', '0', ''], ['2022', '4', '1', '1', ''], ['2023', '4', '0', '0', '4']]);
  assert.deepEqual(pageTable(r.text, 'sector'), [['Information and communications', '3'], ['Categories of fewer than 3 teams, together', '1']]);
  assert.match(r.text, /4 members on 2023-12-31\./);
  // Each chart inline, labelled, with its CSV and SVG links.
  for (const id of ['growth', 'monthly', 'joins', 'sector', 'region', 'csirt_type']) {
    assert.match(r.text, new RegExp(`<svg [^>]*role="img" aria-labelledby="${id}-title ${id}-desc"`), id);
    assert.ok(r.text.includes(`href="/stats/${id}.csv?as_of=${AS_OF}"`), `${id}: CSV link`);
    assert.ok(r.text.includes(`href="/stats/${id}.svg?as_of=${AS_OF}"`), `${id}: SVG link`);
  }
  const m = await get(`/stats?as_of=${AS_OF}`, 'member');
  assert.deepEqual(pageTable(m.text, 'stages'), [['Draft', '3.0', '2'], ['Submitted', '0.0', '2'], ['Sponsor review', '8.0', '2'], ['Community window', '21.0', '1'], ['Secretariat review', '3.0', '1']]);
  assert.deepEqual(pageTable(m.text, 'staff'), [['1 or 2', '2', '0'], ['3 to 5', '1', '1'], ['6 to 10', '0', '1'], ['11 to 20', '0', '1'], ['21 to 50', '0', '0'], ['51 or more', '0', '0'], ['Not given or not shown', '2', '2']]);
  // The site's navigation leads here.
  assert.match(r.text, /<a href="\/stats">Statistics<\/a>/);
});

test('the SVG files are whole charts with a title and no script', async () => {
  const r = await get(`/stats/growth.svg?as_of=${AS_OF}`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^image\/svg\+xml/);
  assert.match(r.text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(r.text, /<title id="growth-title">Members over the years<\/title>/);
  assert.match(r.text, /<text x="12" y="22" font-size="15" font-weight="700">Members over the years<\/text>/);
  assert.match(r.text, /stroke-dasharray="6 4"/);
  assert.ok(!/<script|href=|style=/.test(r.text));
  assert.ok(r.text.endsWith('</svg>'));
});

// Every output a role can ask for, and what must not be in it.
const TEAM_NAMES = ['Alpha CSIRT', 'Beta SIRT', 'Gamma CERT', 'Delta Team', 'Epsilon Team', 'Zeta Team', 'Old One', 'Old Two', 'Applicant One', 'epsilon', 'zeta'];
test('every output, as every role: members\' figures only for members, no team ever named', async () => {
  const detailCharts = ['department', 'staff', 'applications', 'stages'];
  for (const role of ROLES) {
    const outputs = [`/stats?as_of=${AS_OF}`, `/api/v1/stats?as_of=${AS_OF}`];
    for (const id of ['growth', 'monthly', 'joins', 'sector', 'region', 'csirt_type', ...detailCharts])
      outputs.push(`/stats/${id}.csv?as_of=${AS_OF}`, `/stats/${id}.svg?as_of=${AS_OF}`, `/api/v1/stats/${id}?as_of=${AS_OF}`);
    for (const path of outputs) {
      const r = await get(path, role);
      const detail = detailCharts.some((id) => path.includes(`/${id}.`) || path.includes(`/stats/${id}?`));
      if (detail && !DETAIL[role]) {
        assert.equal(r.status, 403, `${role} ${path}`);
        if (path.startsWith('/api/')) assert.equal(apiError(r).code, 'forbidden');
        else assert.match(r.text, /This chart is for member teams\./);
        continue;
      }
      assert.equal(r.status, 200, `${role} ${path}`);
      for (const name of TEAM_NAMES) assert.ok(!r.text.includes(name), `${role} ${path} names ${name}`);
      if (!DETAIL[role]) {
        // Nothing of the members' figures, nor what Zeta shows members only.
        for (const hidden of ['Organising department', 'Applications by state', 'Median days', 'Manufacturing', 'Sponsor review'])
          assert.ok(!r.text.includes(hidden), `${role} ${path} shows "${hidden}"`);
      }
    }
    const page = await get(`/stats?as_of=${AS_OF}`, role);
    assert.equal(page.text.includes('id="chart-department"'), DETAIL[role], `${role}: the department chart on the page`);
    const api = await get(`/api/v1/stats?as_of=${AS_OF}`, role);
    assert.equal(api.json.charts.length, DETAIL[role] ? 10 : 6, `${role}: charts in the API`);
    assert.equal(api.json.view, role === 'secretariat' ? 'secretariat' : DETAIL[role] ? 'members' : 'public');
  }
});

test('a history loaded while the server runs shows at the next request', async () => {
  const more = join(tmp, 'more.csv');
  writeFileSync(more, 'name,joined,sector\nLate Comer,2023-06,ict\n');
  execFileSync(shisaBin, ['stats', 'import', '--db', srv.db, more], { encoding: 'utf8' });
  const r = await get(`/api/v1/stats/growth?as_of=${AS_OF}`);
  assert.equal(r.json.members, 5);
  assert.deepEqual(rows(chart(r.json, 'growth'), 'members').filter(([k]) => k === '2023'), [['2023', 5]]);
  execFileSync(shisaBin, ['stats', 'import', '--replace', '--db', srv.db, history], { encoding: 'utf8' });
  assert.equal((await get(`/api/v1/stats/growth?as_of=${AS_OF}`)).json.members, 4);
});

test('today is the default day; a day is read as YYYY-MM-DD up to today', async () => {
  const r = await get('/api/v1/stats/sector');
  assert.equal(r.status, 200);
  assert.match(r.json.as_of, /^\d{4}-\d\d-\d\d$/);
  // Alpha, Beta, Epsilon, Old One and (to members) Zeta are still members.
  assert.equal(r.json.members, 4);
});

test('bad input: a day that is not one, a chart that does not exist', async () => {
  const badDays = ['2023-02-30', '2023-13-01', '23-01-01', '2023/01/01', 'today', '1899-12-31', '9999-01-01', '<script>alert(1)</script>', "' OR 1=1 --", '%00', '%ff', 'x'.repeat(300)];
  for (const d of badDays) {
    const q = /^%/.test(d) ? d : encodeURIComponent(d);
    const api = await get(`/api/v1/stats?as_of=${q}`);
    assert.equal(api.status, 400, `API as_of=${d}`);
    const e = apiError(api);
    assert.equal(e.code, 'bad_request');
    // A query string that cannot be decoded is refused whole, before as_of is read.
    if (!/^%/.test(d)) assert.ok(e.fields?.as_of, `${d}: ${JSON.stringify(e)}`);
    assert.ok(!api.text.includes('<script>'), `${d} reflected`);
    const page = await get(`/stats?as_of=${q}`);
    assert.equal(page.status, 400, `page as_of=${d}`);
    assert.match(page.headers.get('content-type'), /^text\/html/);
    assert.ok(!page.text.includes('<script>alert'), `${d} reflected in the page`);
    assert.equal((await get(`/stats/growth.csv?as_of=${q}`)).status, 400, `CSV as_of=${d}`);
  }
  // Tomorrow is refused too (the server's day is Asia/Tokyo's).
  const tomorrow = new Date(Date.now() + 2 * 86400e3).toISOString().slice(0, 10);
  assert.equal((await get(`/api/v1/stats?as_of=${tomorrow}`)).status, 400);
  assert.match(apiError(await get(`/api/v1/stats?as_of=${tomorrow}`)).fields.as_of, /YYYY-MM-DD, from 1900 to today/);

  for (const name of ['nope', 'Growth', 'growth.csv', '..', '%2e%2e', 'growth%00', 'x'.repeat(200)]) {
    const api = await get(`/api/v1/stats/${name}`);
    assert.equal(api.status, 404, `API chart ${name}`);
    assert.equal(apiError(api).code, 'not_found');
  }
  for (const file of ['nope.csv', 'nope.svg', 'growth.txt', 'growth', 'growth.', '.csv', 'growth.csv.svg', 'GROWTH.CSV', `${'x'.repeat(100)}.csv`]) {
    const page = await get(`/stats/${file}`);
    assert.equal(page.status, 404, `page ${file}`);
    assert.match(page.headers.get('content-type'), /^text\/html/);
    assert.match(page.text, /There is no chart of that name\./);
  }
});

stopTest(srv);
