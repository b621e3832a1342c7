// The batch constituency lookup, POST /api/v1/lookup: one JSON line per
// query in the order asked, each the same answer as GET /api/v1/lookup or
// a "bad query" saying why; the reader's level decides which rules route
// and which contacts show; whatever cannot be read as a whole is one 4xx;
// a million queries stream back while the server keeps answering others,
// and a client that goes away or stops reading costs it nothing.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { CookieJar, apiError, startServer, stopTest } from './harness.mjs';
import { H, MiB } from './hostile.mjs';
import { PASSWORD, cloneUser, csrfIn, setupSecretariat, signIn, sql } from './accounts.mjs';

const srv = await startServer();
after(() => srv.kill());
await setupSecretariat(srv, { email: 'sec@example.jp' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'member@example.jp', name: 'Member', orgName: 'ISP', orgKind: 'member' });
cloneUser(srv, { fromEmail: 'sec@example.jp', email: 'bank@example.jp', name: 'Bank', orgName: 'Bank', orgKind: 'member' });
sql(srv, `INSERT INTO teams (slug, name_en, name_ja, created_at, updated_at) VALUES ('nca-sec', 'NCA CSIRT', 'NCA シーサート', 0, 0);
          INSERT INTO teams (org_id, slug, name_en, created_at, updated_at) SELECT id, 'bank-csirt', 'Bank CSIRT', 0, 0 FROM orgs WHERE name = 'Bank';`);

async function bearerFor(email, scope = 'write') {
  const { r, jar } = await signIn(srv, email, PASSWORD);
  assert.equal(r.status, 303);
  const page = await srv.request('/account', { jar });
  const t = await srv.request('/api/v1/me/tokens', {
    method: 'POST', jar,
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfIn(page.text) },
    body: JSON.stringify({ name: `batch test ${scope}`, scope }),
  });
  return { authorization: `Bearer ${t.json.secret}` };
}

const sec = await bearerFor('sec@example.jp');
for (const [slug, body] of Object.entries({
  'nca-sec': {
    contacts: [{ kind: 'email_incident', value: 'cert@nca.example.jp' }, { kind: 'phone_emergency', value: '03-1111-2222', visibility: 'members' }],
    constituency: [{ kind: 'cidr', value: '192.0.2.0/24' }, { kind: 'domain', value: 'example.jp' }, { kind: 'asn', value: 'AS64500' }],
  },
  'bank-csirt': {
    contacts: [{ kind: 'email_incident', value: 'csirt@bank.example.jp' }, { kind: 'phone_voice', value: '03-9999-0000', visibility: 'secretariat' }],
    constituency: [{ kind: 'cidr', value: '192.0.2.128/25' }, { kind: 'domain', value: '*.bank.example.jp' }, { kind: 'cidr', value: '198.51.100.0/24', visibility: 'members' }],
  },
})) {
  const r = await srv.request(`/api/v1/teams/${slug}`, { method: 'PATCH', jar: null, headers: { ...sec, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(r.status, 200, r.text);
}
// The router and the routing cards are rebuilt in the background after a
// change: wait until the last rule routes.
for (let i = 0; i < 100; i++) {
  const r = await srv.request('/api/v1/lookup?ip=198.51.100.7', { jar: null, headers: sec });
  if (r.json.found) break;
  await new Promise((res) => setTimeout(res, 100));
}

// POST BODY as TYPE; the answer's lines, parsed.
async function batch(body, { type = 'application/x-ndjson', headers = {}, timeoutMs = 30000 } = {}) {
  const r = await srv.request('/api/v1/lookup', { method: 'POST', jar: null, headers: { 'content-type': type, ...headers }, body, timeoutMs });
  r.lines = r.status === 200 ? r.text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l)) : [];
  return r;
}
const route = (a) => a.matches.map((m) => [m.team.slug, m.rule, m.how, m.specificity]);
const contacts = (a, slug) => a.matches.find((m) => m.team.slug === slug).team.contacts.map((c) => c.value);

test('one line per query, in order, most specific first; "no team found" and "bad query" differ', async () => {
  const long = 'a'.repeat(2000);
  const r = await batch(['"192.0.2.200"', '{"q": "www.bank.example.jp"}', '', '""', '  "203.0.113.9"  ', '"192.0.2.300"',
    '"AS64500"', '"Example.JP."', '42', 'not json', '"*.example.jp"', `"${long}"`, '{"q": "x", "extra": 1}', ''].join('\r\n'),
  { headers: { 'accept-language': 'en' } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/x-ndjson/);
  assert.ok(r.headers.get('x-request-id'));
  const a = r.lines;
  assert.equal(a.length, 12, 'blank lines are skipped, everything else is answered');
  assert.deepEqual(a.map((l) => l.query), ['192.0.2.200', 'www.bank.example.jp', '', '203.0.113.9', '192.0.2.300', 'AS64500',
    'Example.JP.', 42, 'not json', '*.example.jp', `${'a'.repeat(64)}…`, { q: 'x', extra: 1 }]);
  assert.deepEqual(route(a[0]), [['bank-csirt', '192.0.2.128/25', 'ipv4_prefix', 25], ['nca-sec', '192.0.2.0/24', 'ipv4_prefix', 24]]);
  assert.deepEqual(route(a[1]), [['bank-csirt', '*.bank.example.jp', 'wildcard_domain', 3], ['nca-sec', 'example.jp', 'parent_domain', 2]]);
  assert.deepEqual(a[3], { query: '203.0.113.9', found: false, matches: [] }, 'no team found is an answer, not an error');
  assert.deepEqual(route(a[5]), [['nca-sec', 'AS64500', 'asn', a[5].matches[0].specificity]]);
  assert.deepEqual(route(a[6]), [['nca-sec', 'example.jp', 'domain', 2]]);
  const bad = { 2: 'empty', 4: 'ipv4_octet', 7: 'not_a_string', 8: 'not_json', 9: 'wildcard', 10: 'too_long', 11: 'not_a_string' };
  for (const [i, reason] of Object.entries(bad)) {
    assert.equal(a[i].error?.code, 'bad_query', `line ${i}: ${JSON.stringify(a[i])}`);
    assert.equal(a[i].error.reason, reason, `line ${i}`);
    assert.ok(a[i].error.message.length > 10, 'a reason people can read');
    assert.ok(!('found' in a[i]), 'a bad query is not "not found"');
  }
  for (const i of [0, 1, 3, 5, 6]) assert.ok(!('error' in a[i]));
  const ja = await batch('"192.0.2.300"\n', { headers: { 'accept-language': 'ja' } });
  assert.match(ja.lines[0].error.message, /IPv4 アドレス/);
});

test('the JSON array, JSON lines and text forms answer alike, and each line is the GET answer', async () => {
  const qs = ['192.0.2.200', 'www.bank.example.jp', '203.0.113.9', '2001:db8::1', 'AS64500', '192.0.2.0/25'];
  const asArray = await batch(JSON.stringify(qs), { type: 'application/json' });
  const asLines = await batch(qs.map((q) => JSON.stringify(q)).join('\n'), { type: 'application/jsonl' });
  const asObjects = await batch(qs.map((q) => JSON.stringify({ q })).join('\n'), { type: 'application/x-ndjson; charset=utf-8' });
  const asText = await batch(`${qs.join('\n')}\n`, { type: 'text/plain; charset=UTF-8' });
  for (const r of [asArray, asLines, asObjects, asText]) assert.equal(r.status, 200, r.text);
  assert.equal(asArray.lines.length, qs.length);
  assert.deepEqual(asLines.lines, asArray.lines);
  assert.deepEqual(asObjects.lines, asArray.lines);
  assert.deepEqual(asText.lines, asArray.lines);
  const mixed = await batch('["192.0.2.200", {"q": "AS64500"}, 7, null, ["x"], "\\u0031\\u0039\\u0032.0.2.1"]', { type: 'application/json' });
  assert.deepEqual(mixed.lines.map((l) => l.error?.reason ?? route(l)[0][0]), ['bank-csirt', 'nca-sec', 'not_a_string', 'not_a_string', 'not_a_string', 'nca-sec']);
  assert.equal(mixed.lines[5].query, '192.0.2.1', 'escapes are read');
  for (const [qs1, i] of [['ip=192.0.2.200', 0], ['domain=www.bank.example.jp', 1], ['ip=203.0.113.9', 2], ['asn=AS64500', 4]]) {
    const g = await srv.request(`/api/v1/lookup?${qs1}`, { jar: null });
    assert.equal(g.status, 200);
    assert.deepEqual(g.json, asArray.lines[i], `GET ?${qs1} answers what line ${i} says`);
  }
});

test('the reader\'s level: members-only rules route only for members; contacts show by their visibility', async () => {
  const q = '"198.51.100.7"\n"192.0.2.200"\n';
  const anon = await batch(q);
  assert.equal(anon.lines[0].found, false, 'a members-only rule does not route for the public');
  assert.deepEqual(contacts(anon.lines[1], 'nca-sec'), ['cert@nca.example.jp']);
  assert.deepEqual(contacts(anon.lines[1], 'bank-csirt'), ['csirt@bank.example.jp']);
  const member = await batch(q, { headers: await bearerFor('member@example.jp', 'read') });
  assert.deepEqual(route(member.lines[0]), [['bank-csirt', '198.51.100.0/24', 'ipv4_prefix', 24]]);
  assert.deepEqual(contacts(member.lines[1], 'nca-sec'), ['cert@nca.example.jp', '03-1111-2222'], 'members see members\' contacts');
  assert.deepEqual(contacts(member.lines[1], 'bank-csirt'), ['csirt@bank.example.jp'], 'but not the secretariat\'s');
  const own = await batch(q, { headers: await bearerFor('bank@example.jp') });
  assert.deepEqual(contacts(own.lines[1], 'bank-csirt'), ['csirt@bank.example.jp', '03-9999-0000'], 'a team sees all of its own card');
  assert.deepEqual(contacts(own.lines[1], 'nca-sec'), ['cert@nca.example.jp', '03-1111-2222']);
  const secretariat = await batch(q, { headers: sec });
  assert.deepEqual(contacts(secretariat.lines[1], 'bank-csirt'), ['csirt@bank.example.jp', '03-9999-0000']);
  assert.ok(!anon.text.includes('03-') && !anon.text.includes('visibility'), 'nothing members-only reaches the public');
});

test('a signed-in browser must send the CSRF token, as for any POST', async () => {
  const { jar } = await signIn(srv, 'member@example.jp', PASSWORD, new CookieJar());
  const page = await srv.request('/account', { jar });
  const without = await srv.request('/api/v1/lookup', { method: 'POST', jar, headers: { 'content-type': 'text/plain' }, body: '192.0.2.1' });
  assert.equal(without.status, 403);
  assert.equal(apiError(without).code, 'csrf_failed');
  const withToken = await srv.request('/api/v1/lookup', { method: 'POST', jar, headers: { 'content-type': 'text/plain', 'x-csrf-token': csrfIn(page.text) }, body: '192.0.2.1' });
  assert.equal(withToken.status, 200);
});

test('a body that cannot be read as a whole is one clear 4xx, and nothing is answered', async () => {
  const cases = [
    ['', 'application/x-ndjson', 400, 'bad_request', /no query/],
    ['\n  \r\n\n', 'text/plain', 400, 'bad_request', /no query/],
    ['[]', 'application/json', 400, 'bad_request', /no query/],
    ['', 'application/json', 400, 'bad_request', /no query/],
    ['{"q": "192.0.2.1"}', 'application/json', 400, 'invalid_json', /JSON array/],
    ['"192.0.2.1"', 'application/json', 400, 'invalid_json', /JSON array/],
    ['["192.0.2.1",', 'application/json', 400, 'invalid_json', /not valid JSON/],
    ['["192.0.2.1",]', 'application/json', 400, 'invalid_json', /not valid JSON/],
    ['["192.0.2.1"] x', 'application/json', 400, 'invalid_json', /not valid JSON/],
    [Buffer.from('"192.0.2.1"\n"\xff"\n', 'latin1'), 'application/x-ndjson', 400, 'bad_request', /UTF-8/],
    [Buffer.from('192.0.2.1\n\x00\n', 'latin1'), 'text/plain', 400, 'bad_request', /NUL/],
    ['192.0.2.1', 'text/csv', 415, 'unsupported_media_type', /application\/x-ndjson/],
    ['192.0.2.1', 'application/x-www-form-urlencoded', 415, 'unsupported_media_type', /application\/json/],
    ['["192.0.2.1"]', 'application/json; charset=utf-16', 415, 'unsupported_media_type', /UTF-8/],
    ['["192.0.2.1"]', 'application/jsonx', 415, 'unsupported_media_type', /text\/plain/],
  ];
  for (const [body, type, status, code, message] of cases) {
    const r = await srv.request('/api/v1/lookup', { method: 'POST', jar: null, headers: { 'content-type': type, 'accept-language': 'en' }, body });
    assert.equal(r.status, status, `${type} ${JSON.stringify(String(body))}: ${r.text}`);
    const e = apiError(r);
    assert.equal(e.code, code, `${type} ${JSON.stringify(String(body))}`);
    assert.match(e.message, message);
  }
  const none = await srv.request('/api/v1/lookup', { method: 'POST', jar: null, body: '["192.0.2.1"]', headers: { 'content-type': '' } });
  assert.equal(none.status, 415, 'no Content-Type');
  const ja = await srv.request('/api/v1/lookup', { method: 'POST', jar: null, headers: { 'content-type': 'text/csv', 'accept-language': 'ja' }, body: 'x' });
  assert.match(apiError(ja).message, /UTF-8 で送信/);
});

test('over 1,000,000 queries, or over the body limit, is a 413; the limit is this route\'s own', async () => {
  const many = await srv.request('/api/v1/lookup', { method: 'POST', jar: null, headers: { 'content-type': 'text/plain', 'accept-language': 'en' }, body: '1\n'.repeat(1000001) });
  assert.equal(many.status, 413);
  assert.equal(apiError(many).code, 'too_large');
  assert.match(apiError(many).message, /1,000,000/);
  // 9 MiB is over max_body (8 MiB) but this route takes up to 64 MiB.
  const padded = `"192.0.2.1"${' '.repeat(1000)}\n`;
  const big = await batch(padded.repeat(Math.ceil(9 * MiB / padded.length)), { timeoutMs: 60000 });
  assert.equal(big.status, 200);
  assert.equal(big.lines.length, Math.ceil(9 * MiB / padded.length));
  const elsewhere = await srv.request('/api/v1/teams', { method: 'POST', jar: null, headers: { ...sec, 'content-type': 'application/json' }, body: `{"slug":"${'x'.repeat(9 * MiB)}"}` });
  assert.equal(elsewhere.status, 413, 'other routes keep max_body');
  assert.equal(apiError(elsewhere).code, 'too_large');
  // Over 64 MiB: refused by its Content-Length before a byte is read.
  const huge = await srv.rawRequest(`POST /api/v1/lookup HTTP/1.1\r\n${H}Content-Type: text/plain\r\nContent-Length: ${64 * MiB + 1}\r\n\r\n`, { timeoutMs: 10000 });
  assert.equal(huge.status, 413);
  assert.equal((await srv.request('/healthz')).status, 200);
});

test('a smaller max_batch_body is a JSON 413 from the route', async () => {
  const small = await startServer({ args: ['--set', 'max_batch_body=65536'] });
  try {
    const r = await small.request('/api/v1/lookup', { method: 'POST', jar: null, headers: { 'content-type': 'text/plain' }, body: '192.0.2.1\n'.repeat(10000) });
    assert.equal(r.status, 413);
    assert.equal(apiError(r).code, 'too_large');
    const ok = await small.request('/api/v1/lookup', { method: 'POST', jar: null, headers: { 'content-type': 'text/plain' }, body: '192.0.2.1\n'.repeat(1000) });
    assert.equal(ok.status, 200);
  } finally {
    await small.stop();
  }
});

// A million queries of every kind, as JSON lines, and the query of line I.
const MILLION = 1000000;
const queryAt = (i) => [`192.0.2.${i % 256}`, `www${i}.bank.example.jp`, `AS${64500 + (i % 3)}`, `2001:db8::${(i % 65536).toString(16)}`, `198.51.${i % 256}.1`][i % 5];
const millionBody = Buffer.from(Array.from({ length: MILLION }, (_, i) => JSON.stringify(queryAt(i))).join('\n'));

// Read a streamed answer, counting lines and checking every 50,000th.
async function readLines(res, check) {
  let lines = 0, rest = Buffer.alloc(0);
  for await (const chunk of res.body) {
    let buf = rest.length ? Buffer.concat([rest, chunk]) : Buffer.from(chunk);
    let start = 0, nl;
    while ((nl = buf.indexOf(10, start)) >= 0) {
      if (lines % 50000 === 0) check(lines, JSON.parse(buf.subarray(start, nl).toString('utf8')));
      lines++;
      start = nl + 1;
    }
    rest = buf.subarray(start);
    buf = null;
  }
  return lines;
}

test('a batch of 1,000,000 queries is answered in full while the server keeps answering /healthz', { timeout: 600000 }, async () => {
  let running = true;
  const health = [];
  const pinger = (async () => {
    while (running) {
      const t = Date.now();
      const h = await srv.request('/healthz', { jar: null, timeoutMs: 30000 });
      assert.equal(h.status, 200);
      if (running) health.push(Date.now() - t);
      await new Promise((res) => setTimeout(res, 20));
    }
  })();
  const started = Date.now();
  const res = await fetch(`${srv.base}/api/v1/lookup`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: millionBody });
  assert.equal(res.status, 200);
  const lines = await readLines(res, (i, a) => {
    assert.equal(a.query, queryAt(i), `line ${i} answers query ${i}`);
    assert.ok(a.found === true || a.found === false, `line ${i}: ${JSON.stringify(a)}`);
  });
  const took = Date.now() - started;
  running = false;
  await pinger;
  assert.equal(lines, MILLION);
  const slowest = Math.max(...health);
  assert.ok(health.length >= 3, `/healthz answered only ${health.length} times in ${took} ms`);
  assert.ok(slowest < took / 2, `/healthz waited ${slowest} ms while the batch took ${took} ms`);
  srv.checkLog('the server log after the million');
});

test('a client that goes away in the middle of a batch costs the server nothing', { timeout: 120000 }, async () => {
  const ac = new AbortController();
  const res = await fetch(`${srv.base}/api/v1/lookup`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: millionBody, signal: ac.signal });
  assert.equal(res.status, 200);
  const reader = res.body.getReader();
  await reader.read();
  ac.abort();
  await reader.read().catch(() => {});
  for (let i = 0; i < 100 && !/route=\/api\/v1\/lookup status=499/.test(srv.log); i++)
    await new Promise((r) => setTimeout(r, 100));
  assert.match(srv.log, /method=POST route=\/api\/v1\/lookup status=499/, 'logged as ended by the client');
  assert.equal((await srv.request('/healthz')).status, 200);
});

test('a client that stops reading is cut off after the request timeout', { timeout: 120000 }, async () => {
  const slow = await startServer({ args: ['--set', 'request_timeout=2'] });
  try {
    const sock = net.connect({ host: '127.0.0.1', port: slow.port });
    await new Promise((r) => sock.on('connect', r));
    sock.pause();
    sock.write(`POST /api/v1/lookup HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-ndjson\r\nContent-Length: ${millionBody.length}\r\n\r\n`);
    sock.write(millionBody);
    for (let i = 0; i < 600 && !/the client stopped reading/.test(slow.log); i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.match(slow.log, /the client stopped reading/);
    let got = 0;
    const ended = new Promise((r) => {
      sock.on('close', r);
      sock.on('error', r);
    });
    sock.on('data', (d) => { got += d.length; });
    sock.resume();
    await ended;
    assert.ok(got > 0 && got < 200 * MiB, `the answer was cut short (${got} bytes)`);
    assert.equal((await slow.request('/healthz')).status, 200);
    for (let i = 0; i < 50 && !/route=\/api\/v1\/lookup status=499/.test(slow.log); i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.match(slow.log, /route=\/api\/v1\/lookup status=499/);
  } finally {
    await slow.stop();
  }
});

stopTest(srv);
