// The access policy, walked for real: every route in tests/policy_expected.tsv
// (which tests/unit/test_routes.c keeps equal to the registered routes) is
// requested as every role, and the server must refuse exactly where the
// table says "n": 401 (API) or a redirect to sign-in (pages) for anonymous,
// 403 for signed-in roles. Where the table says "y" the server must not
// refuse for policy reasons (the handler may still say 404 or 422 to the
// placeholder ids and empty bodies used here).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CookieJar, repoRoot, startServer, stopTest } from './harness.mjs';
import { PASSWORD, cloneUser, csrfIn, setupSecretariat, signIn } from './accounts.mjs';

const ROLES = ['anonymous', 'applicant', 'observer', 'member', 'team_admin', 'secretariat'];
const table = readFileSync(join(repoRoot, 'tests', 'policy_expected.tsv'), 'utf8')
  .split('\n').filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => {
    const [method, pattern, ...allow] = l.trim().split(/\s+/);
    return { method, pattern, allow: Object.fromEntries(ROLES.map((r, i) => [r, allow[i] === 'y'])) };
  });
// Signing out ends the walk for a role; do it last.
table.sort((a, b) => (a.pattern === '/signout') - (b.pattern === '/signout'));

const srv = await startServer();

async function sessionFor(role) {
  const jar = new CookieJar();
  if (role === 'anonymous') {
    const page = await srv.request('/signin', { jar });
    return { jar, csrf: csrfIn(page.text) };
  }
  const { r } = await signIn(srv, `${role}@example.jp`, PASSWORD, jar);
  assert.equal(r.status, 303, `sign-in as ${role}`);
  const page = await srv.request('/account', { jar });
  return { jar, csrf: csrfIn(page.text) };
}

function concrete(pattern) {
  return pattern.replace('{name}', 'style.css').replace(/\{[a-z_]+\}/g, '999999');
}

function refused(role, route, r) {
  const api = route.pattern.startsWith('/api/') || ['/healthz', '/metrics'].includes(route.pattern);
  if (role === 'anonymous') {
    if (api) return r.status === 401;
    return r.status === 303 && /^\/signin\?next=/.test(r.headers.get('location') || '');
  }
  return r.status === 403 && (!api || r.json?.error?.code === 'forbidden');
}

test('every route x every role matches the expected table', async () => {
  await setupSecretariat(srv, { email: 'secretariat@example.jp' });
  const kinds = { applicant: 'applicant', observer: 'observer', member: 'member', team_admin: 'member' };
  for (const [role, kind] of Object.entries(kinds))
    cloneUser(srv, { fromEmail: 'secretariat@example.jp', email: `${role}@example.jp`, name: role, orgName: `Org ${role}`, orgKind: kind, role: role === 'team_admin' ? 'team_admin' : 'member' });

  const problems = [];
  for (const role of ROLES) {
    const s = await sessionFor(role);
    for (const route of table) {
      const path = concrete(route.pattern);
      const headers = {};
      let body;
      if (route.method !== 'GET') {
        if (route.pattern.startsWith('/api/')) {
          headers['content-type'] = 'application/json';
          headers['x-csrf-token'] = s.csrf;
          body = route.method === 'DELETE' ? undefined : '{}';
        } else {
          headers['content-type'] = 'application/x-www-form-urlencoded';
          body = new URLSearchParams({ _csrf: s.csrf }).toString();
        }
      }
      const r = await srv.request(path, { method: route.method, headers, body, jar: s.jar });
      assert.ok(r.status < 500, `${route.method} ${path} as ${role}: ${r.status}`);
      const want = route.allow[role];
      if (want && refused(role, route, r)) problems.push(`${route.method} ${route.pattern} as ${role}: refused (${r.status}) but the table allows it`);
      if (!want && !refused(role, route, r)) problems.push(`${route.method} ${route.pattern} as ${role}: ${r.status}, but the table refuses it`);
    }
  }
  assert.deepEqual(problems, []);
});

stopTest(srv);
