// Malformed and hostile bodies (hostile.mjs) against the membership routes
// that only an applicant or a team admin may reach, sent with their own
// API tokens, on applications arranged with SQL in the states where no
// well-formed request could change anything: every case a 4xx whose error
// says what is wrong, and the membership tables exactly as they were.
// (The anonymous and secretariat routes are in bad_input.test.mjs.)
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startServer, stopTest } from './harness.mjs';
import { hostileChecks } from './hostile.mjs';
import { PASSWORD, cloneUser, csrfIn, setupSecretariat, signIn, sql } from './accounts.mjs';

const srv = await startServer();
after(() => srv.kill());
await setupSecretariat(srv, { email: 'sec@example.jp' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'applicant@h.example.jp', name: 'Applicant', orgName: 'Hostile Applicant', orgKind: 'applicant', role: 'team_admin' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'sponsor@s.example.jp', name: 'Sponsor', orgName: 'Sponsor Org', orgKind: 'member', role: 'team_admin' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'voice@v.example.jp', name: 'Voice', orgName: 'Voice Org', orgKind: 'member', role: 'team_admin' });
sql(srv, `INSERT INTO teams (org_id, slug, name_en, created_at, updated_at) SELECT id, 'sponsor-csirt', 'Sponsor CSIRT', 0, 0 FROM orgs WHERE name = 'Sponsor Org';
          INSERT INTO teams (org_id, slug, name_en, created_at, updated_at) SELECT id, 'voice-csirt', 'Voice CSIRT', 0, 0 FROM orgs WHERE name = 'Voice Org';
          INSERT INTO applications (id, org_id, state, org_name, contact_name, contact_email, lang, sponsors_required, window_ends_at, created_at, updated_at)
          SELECT n, id, s, 'Hostile Applicant', 'Applicant', 'applicant@h.example.jp', 'en', 2, w, 0, 0 FROM orgs,
            (SELECT 1 AS n, 'sponsor_review' AS s, NULL AS w UNION ALL SELECT 2, 'rejected', NULL UNION ALL SELECT 3, 'community_window', 9999999999)
          WHERE name = 'Hostile Applicant';
          INSERT INTO application_sponsors (application_id, team_id, state, asked_at) SELECT 1, id, 'asked', 0 FROM teams WHERE slug = 'sponsor-csirt'`);

async function bearer(email) {
  const { r, jar } = await signIn(srv, email, PASSWORD);
  assert.equal(r.status, 303);
  const page = await srv.request('/account', { jar });
  const t = await srv.request('/api/v1/me/tokens', {
    method: 'POST', jar,
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfIn(page.text) },
    body: JSON.stringify({ name: 'hostile', scope: 'write' }),
  });
  return { Authorization: `Bearer ${t.json.secret}` };
}
const applicant = await bearer('applicant@h.example.jp');
const sponsor = await bearer('sponsor@s.example.jp');
const voice = await bearer('voice@v.example.jp');
sql(srv, 'UPDATE api_tokens SET last_used_at = 9999999999');   // using them writes nothing

function membershipState() {
  return sql(srv, `SELECT * FROM applications ORDER BY id; SELECT * FROM application_sponsors; SELECT * FROM application_opinions;
                   SELECT * FROM application_history; SELECT * FROM application_requests; SELECT * FROM orgs ORDER BY id;
                   SELECT id, org_id, email, role FROM users ORDER BY id; SELECT * FROM teams ORDER BY id;
                   SELECT count(*) FROM audit_log`);
}
const before = membershipState();
const { checkJsonRoute } = hostileChecks(srv);
const codes = ['invalid_json', 'validation_failed', 'unsupported_media_type', 'too_large', 'bad_request', 'conflict'];
const expect = [400, 409, 413, 415, 422];

// In sponsor_review: {} changes nothing (PATCH), may not accept the rules
// or submit again (409), and is no answer (422).
checkJsonRoute('PATCH', '/api/v1/applications/1', { headers: applicant, validBody: '{"sponsors":"x"}' });
checkJsonRoute('POST', '/api/v1/applications/1/accept-rules', { headers: applicant, expect, codes, why: 'not in draft' });
checkJsonRoute('POST', '/api/v1/applications/1/submit', { headers: applicant, expect, codes, why: 'submitted already' });
checkJsonRoute('POST', '/api/v1/applications/1/sponsor', { headers: sponsor, validBody: '{"answer":"maybe"}' });
// A rejected application cannot be withdrawn; an opinion needs a stance.
checkJsonRoute('POST', '/api/v1/applications/2/withdraw', { headers: applicant, expect, codes, why: 'decided already' });
checkJsonRoute('POST', '/api/v1/applications/3/opinion', { headers: voice, validBody: '{"stance":"meh"}' });

test('bad input: the membership tables are exactly as they were before all of the above', () => {
  assert.equal(membershipState(), before, 'a hostile request wrote to the database');
});

stopTest(srv);
