// Malformed and hostile requests, generated from tables. For every one:
// a 4xx (never a 5xx, never a hang; for unparseable HTTP a 400 or a closed
// connection), an error body that says what is wrong when the server
// answers, the server still healthy afterwards, and at the end the database
// exactly as it was.
//
// The checks themselves live in hostile.mjs. To cover a new JSON route, call
// checkJsonRoute(method, path, opts) at the bottom (or in the route's own
// test file, with a signed-in session).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { bytes, startServer, stopTest } from './harness.mjs';
import { H, KiB, MiB, hostileChecks, noReflection, rawApiError, wrongTextContentTypes } from './hostile.mjs';
import { csrfIn, setupSecretariat, sql } from './accounts.mjs';

const srv = await startServer();
after(() => srv.kill());
// A secretariat account with a write token, for the JSON routes below. Its
// last-used time is put in the future so that using it writes nothing.
const sec = await setupSecretariat(srv);
const tokenPage = await srv.request('/account', { jar: sec.jar });
const made = await srv.request('/api/v1/me/tokens', {
  method: 'POST', jar: sec.jar,
  headers: { 'content-type': 'application/json', 'x-csrf-token': csrfIn(tokenPage.text) },
  body: JSON.stringify({ name: 'bad input', scope: 'write' }),
});
const bearer = { Authorization: `Bearer ${made.json.secret}` };
sql(srv, "UPDATE api_tokens SET last_used_at = 9999999999; INSERT INTO teams (slug, name_en, created_at, updated_at) VALUES ('team-x', 'Team X', 0, 0)");
const dbAtStart = srv.dbHash();
const { cases, checkJsonRoute, checkTextRoute } = hostileChecks(srv);

// ---------------------------------------------------------------------------
// Broken HTTP: request lines, versions, framing.

const brokenRequestLines = [
  ['garbage bytes', '\x00\x01\x02\x03\x04\r\n\r\n'],
  ['no version', 'GET /\r\n\r\n'],
  ['only a method', 'GET\r\n\r\n'],
  ['no target, no version', 'GET \r\n\r\n'],
  ['tab separators', 'GET\t/\tHTTP/1.1\r\n\r\n'],
  ['space in target', 'GET /a b HTTP/1.1\r\n\r\n'],
  ['NUL in target', 'GET /\x00 HTTP/1.1\r\n\r\n'],
  ['NUL in method', 'G\x00T / HTTP/1.1\r\n\r\n'],
  ['control character in target', 'GET /\x01 HTTP/1.1\r\n\r\n'],
  ['DEL in target', 'GET /\x7f HTTP/1.1\r\n\r\n'],
  ['bare CR in target', 'GET /\r HTTP/1.1\r\n\r\n'],
  ['high bytes as method', '\xff\xfe / HTTP/1.1\r\n\r\n'],
  ['separator in method', 'GE(T / HTTP/1.1\r\n\r\n'],
  ['TLS ClientHello', '\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03' + '\x00'.repeat(32) + '\r\n\r\n'],
  ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
  ['SSH banner', 'SSH-2.0-OpenSSH_9.2\r\n\r\n'],
  ['request line of 100 KiB', `GET /${'a'.repeat(100 * KiB)} HTTP/1.1\r\n\r\n`],
  ['request line of 1 MiB', `GET /${'a'.repeat(MiB)} HTTP/1.1\r\n\r\n`],
  ['method of 5000 letters', `${'A'.repeat(5000)} / HTTP/1.1\r\n${H}\r\n`],
].map(([name, send]) => ({ name, send, mayClose: true }));

const incompleteRequests = [
  ['half a request line, then end of input', 'GET /heal'],
  ['request line without CRLF, then end of input', 'GET / HTTP/1.1'],
  ['headers without the blank line, then end of input', `GET / HTTP/1.1\r\n${H}`],
  ['a header cut in the middle', 'GET / HTTP/1.1\r\nHost: t\r\nX-Long: aaaa'],
  ['only blank lines', '\r\n'.repeat(200)],
  ['body shorter than Content-Length', `POST /api/v1/status HTTP/1.1\r\n${H}Content-Length: 100\r\n\r\n{"a":1}`],
  ['chunked body that stops', `POST /api/v1/status HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n10\r\nabc`],
].map(([name, send]) => ({ name, send, end: true, mayClose: true }));

const badVersions = [
  'HTTP/9.9', 'HTTP/2.0', 'HTTP/3.0', 'HTTP/0.9', 'HTTP/1', 'HTTP/1.1.1', 'http/1.1', 'HTTP/11',
  'HTTP/-1', 'HTTP/1.a', 'HTTP/ 1.1', 'HTTP /1.1', 'ICAP/1.0', 'RTSP/1.0', 'HTTP/1.1 extra', 'HTTP/1.10',
].map((v) => ({ name: `version "${v}"`, send: `GET /healthz ${v}\r\n${H}\r\n`, mayClose: true }));

// Framing that would let a request smuggle another one past a proxy.
const framing = [
  ['Content-Length: huge', 'Content-Length: 99999999999999999999'],
  ['Content-Length: 2^64', 'Content-Length: 18446744073709551616'],
  ['Content-Length: -1', 'Content-Length: -1'],
  ['Content-Length: 1e3', 'Content-Length: 1e3'],
  ['Content-Length: hex', 'Content-Length: 0x10'],
  ['Content-Length: two numbers', 'Content-Length: 12 34'],
  ['Content-Length: list', 'Content-Length: 5, 5'],
  ['Content-Length: plus sign', 'Content-Length: +5'],
  ['Content-Length: empty', 'Content-Length:'],
  ['Content-Length: letters', 'Content-Length: abc'],
  ['Content-Length over 8 MiB', `Content-Length: ${8 * MiB + 1}`],
  ['Content-Length: 1 GiB', `Content-Length: ${1024 * MiB}`],
  ['Transfer-Encoding: gzip', 'Transfer-Encoding: gzip'],
  ['Transfer-Encoding: chunked, then a bad chunk size', 'Transfer-Encoding: chunked\r\n\r\nzz\r\n\r\n'],
  ['chunk size overflowing 64 bits', 'Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffffff\r\n'],
  ['negative chunk size', 'Transfer-Encoding: chunked\r\n\r\n-5\r\nabcde\r\n0\r\n\r\n'],
  ['chunk longer than its size', 'Transfer-Encoding: chunked\r\n\r\n2\r\nabcdef\r\n0\r\n\r\n'],
  ['chunks adding up past 8 MiB', `Transfer-Encoding: chunked\r\n\r\n${`100000\r\n${'a'.repeat(MiB)}\r\n`.repeat(9)}0\r\n\r\n`],
  ['Expect: 100-continue with a body over 8 MiB', `Expect: 100-continue\r\nContent-Length: ${9 * MiB}`],
].map(([name, hdr]) => ({
  name,
  send: `POST /api/v1/status HTTP/1.1\r\n${H}${hdr}${hdr.includes('\r\n\r\n') ? '' : '\r\n\r\n'}`,
  end: true,
  mayClose: true,
  expect: [400, 405, 411, 413, 501].filter((s) => s !== 501 || /gzip/.test(hdr)),
}));

framing.push({
  name: 'a body of 8 MiB + 1 byte (the default max_body is 8 MiB)',
  send: Buffer.concat([bytes(`POST /api/v1/status HTTP/1.1\r\n${H}Content-Type: application/json\r\nContent-Length: ${8 * MiB + 1}\r\n\r\n`), Buffer.alloc(8 * MiB + 1, 0x20)]),
  expect: [413],
  // h2o answers 413 as soon as it reads Content-Length and closes; the
  // client may still be sending and see a reset before reading the answer.
  mayClose: true,
  timeoutMs: 15000,
});

// ---------------------------------------------------------------------------
// Headers: size, count, syntax.

const manyHeaders = (n, size = 1) => Array.from({ length: n }, (_, i) => `X-H${i}: ${'v'.repeat(size)}\r\n`).join('');

const headerAbuse = [
  // Over max_header (16 KiB in total): shisa answers 413.
  { name: 'one header of 17 KiB', send: `GET / HTTP/1.1\r\n${H}X-Big: ${'a'.repeat(17 * KiB)}\r\n\r\n`, expect: [413, 431] },
  { name: '20 headers of 1 KiB each (20 KiB in total)', send: `GET / HTTP/1.1\r\n${H}${manyHeaders(20, KiB)}\r\n`, expect: [413, 431] },
  { name: 'one header of 64 KiB', send: `GET /api/v1/status HTTP/1.1\r\n${H}X-Big: ${'a'.repeat(64 * KiB)}\r\n\r\n`, expect: [413, 431] },
  { name: 'a path of 17 KiB', send: `GET /${'p'.repeat(17 * KiB)} HTTP/1.1\r\n${H}\r\n`, expect: [413, 414, 431] },
  { name: 'a query of 17 KiB', send: `GET /api/v1/status?q=${'q'.repeat(17 * KiB)} HTTP/1.1\r\n${H}\r\n`, expect: [413, 414, 431] },
  { name: 'a Cookie header of 20 KiB', send: `GET / HTTP/1.1\r\n${H}Cookie: a=${'c'.repeat(20 * KiB)}\r\n\r\n`, expect: [413, 431] },
  // Beyond what h2o buffers for a request head (~400 KiB): h2o's own 400.
  { name: 'one header of 1 MiB', send: `GET / HTTP/1.1\r\n${H}X-Big: ${'a'.repeat(MiB)}\r\n\r\n`, expect: [400, 413, 431], mayClose: true },
  // More than 100 headers: h2o's parser refuses (400).
  { name: '101 headers', send: `GET / HTTP/1.1\r\n${H}${manyHeaders(99)}\r\n`, expect: [400, 431], mayClose: true },
  { name: '150 headers', send: `GET / HTTP/1.1\r\n${H}${manyHeaders(148)}\r\n`, expect: [400, 431], mayClose: true },
  { name: '1000 headers', send: `GET / HTTP/1.1\r\n${H}${manyHeaders(1000)}\r\n`, expect: [400, 413, 431], mayClose: true },
  { name: 'header without a colon', send: 'GET / HTTP/1.1\r\nHost t\r\n\r\n', mayClose: true },
  { name: 'empty header name', send: 'GET / HTTP/1.1\r\n: x\r\n\r\n', mayClose: true },
  { name: 'space before the colon', send: 'GET / HTTP/1.1\r\nHost : t\r\n\r\n', mayClose: true },
  { name: 'NUL in a header value', send: 'GET / HTTP/1.1\r\nX-A: a\x00b\r\n\r\n', mayClose: true },
  { name: 'NUL in a header name', send: 'GET / HTTP/1.1\r\nX\x00A: b\r\n\r\n', mayClose: true },
  { name: 'bare CR in a header value', send: 'GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n', mayClose: true },
  { name: 'separator in a header name', send: 'GET / HTTP/1.1\r\nX(A): b\r\n\r\n', mayClose: true },
  { name: 'space in a header name', send: 'GET / HTTP/1.1\r\nX A: b\r\n\r\n', mayClose: true },
  { name: 'header name of 10 KiB without a value', send: `GET / HTTP/1.1\r\n${'N'.repeat(10 * KiB)}\r\n\r\n`, mayClose: true },
];

// A bad credential on an API route is 401 with a JSON error, never a 5xx.
const badAuthorization = [
  'Bearer', 'Bearer ', 'Bearer x', 'bearer abc', 'Basic dXNlcjpwYXNz', 'Negotiate abc', 'Bearer abc def',
  `Bearer ${'a'.repeat(64)}`, `Bearer ${'a'.repeat(201)}`, `Bearer ${'a'.repeat(8 * KiB)}`,
  "Bearer ' OR '1'='1", 'Bearer ";DROP TABLE users;--', 'Bearer \xff\xfe\xfd', 'Bearer %00', 'Bearer <script>',
].map((v) => ({
  name: `Authorization: ${JSON.stringify(v.length > 40 ? `${v.slice(0, 30)}...(${v.length})` : v)}`,
  send: `GET /api/v1/status HTTP/1.1\r\n${H}Authorization: ${v}\r\n\r\n`,
  expect: [401],
  check: (r) => assert.equal(rawApiError(r).code, 'unauthenticated'),
}));

// ---------------------------------------------------------------------------
// Methods: nothing but GET (and HEAD) exists so far; everything else is 405
// with Allow on a known path, 404 elsewhere. TRACE never echoes the request.

const methods = [
  'TRACE', 'TRACK', 'CONNECT', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK',
  'SEARCH', 'PURGE', 'DEBUG', 'OPTIONS', 'PATCH', 'PUT', 'DELETE', 'POST', 'get', 'Get', 'M-SEARCH',
  'BREW', 'QUERY', 'X-CUSTOM-METHOD',
];
const methodPaths = [
  ['/', 405],
  ['/api/v1/status', 405],
  ['/healthz', 405],
  ['/static/style.css', 405],
  ['/api/v1/nothing', 404],
];
const methodCases = [];
for (const m of methods) {
  for (const [path, status] of methodPaths) {
    methodCases.push({
      name: `${m} ${path}`,
      send: `${m} ${path} HTTP/1.1\r\n${H}Cookie: secret=TRACE-MARKER\r\nContent-Length: 0\r\n\r\n`,
      expect: [status],
      check: (r) => {
        assert.ok(!r.body.toString('latin1').includes('TRACE-MARKER'), 'the request is not echoed');
        if (status === 405) assert.equal(r.headers.allow, 'GET');
      },
    });
  }
}

// ---------------------------------------------------------------------------
// Paths: traversal, bad escapes, metacharacters. None of them finds anything.

const traversalPaths = [
  '/static/../../etc/passwd', '/static/..%2f..%2fetc%2fpasswd', '/static/..%2F..%2F..%2Fetc%2Fpasswd',
  '/static/%2e%2e/%2e%2e/etc/passwd', '/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/static/%252e%252e%252fetc%252fpasswd',
  '/static/%25%32%65%25%32%65%25%32%66etc%25%32%66passwd', '/static/....//....//etc/passwd',
  '/static/..%5c..%5cetc%5cpasswd', '/static/..\\..\\etc\\passwd', '/static/%c0%ae%c0%ae/etc/passwd',
  '/static/%c0%af..%c0%afetc%c0%afpasswd', '/static/style.css%00.png', '/static/style.css%00', '/static/%00',
  '/static/%2fetc%2fpasswd', '/static//etc/passwd', '/static/.%2e/.%2e/etc/passwd', '/%2e%2e/%2e%2e/etc/passwd',
  '/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/..%2f..%2fetc%2fpasswd', '/static/..;/..;/etc/passwd',
  '/static/%u002e%u002e/etc/passwd', '/static/style.css/..%2f..%2f..%2fetc%2fpasswd', '/static/file:%2f%2f%2fetc%2fpasswd',
  '/api/v1/../../../etc/passwd', '/api/v1/%2e%2e/%2e%2e/etc/passwd',
].map((p) => ({
  name: `traversal ${p}`,
  send: `GET ${p} HTTP/1.1\r\n${H}\r\n`,
  expect: [400, 404],
  mayClose: true,
  check: (r) => assert.doesNotMatch(r.body.toString('latin1'), /root:.*:0:0:/),
}));

const badPathEscapes = [
  '/api/v1/%zz', '/api/v1/%', '/api/v1/%4', '/static/%zz.css', '/static/%.css', '/%', '/%%', '/static/%ff.css',
  '/static/%c3%28.css', '/static/%ed%a0%80.css', '/static/%c0%af.css', '/api/v1/\xff\xfe', '/static/\xc3\x28.css',
].map((p) => ({ name: `path ${JSON.stringify(p)}`, send: `GET ${p} HTTP/1.1\r\n${H}\r\n`, expect: [400, 404], mayClose: true }));

// Characters that break SQL, HTML, shells and logs. In a path they find
// nothing; the answer must not carry them back unescaped.
const metacharacters = [
  "'", "' OR '1'='1", "1; DROP TABLE users; --", '" OR ""="', '%27%20OR%201=1--', 'UNION SELECT * FROM sqlite_master',
  '<script>alert(1)</script>', '%3Cscript%3Ealert(1)%3C/script%3E', '"><img src=x onerror=alert(1)>',
  "'><svg/onload=alert(1)>", '{{7*7}}', '${7*7}', '`id`', '$(id)', '|id', 'a%0d%0aSet-Cookie:%20x=1',
  '%0d%0aLocation:%20http://evil', '\\x00', '%F0%9F%92%A9', '..%00', '*', '%2A%2F',
];
const pathMeta = [];
for (const prefix of ['/api/v1/', '/', '/static/']) {
  for (const m of metacharacters) {
    const raw = m.replace(/ /g, '%20').replace(/"/g, '%22').replace(/</g, '%3C').replace(/>/g, '%3E');
    pathMeta.push({
      name: `metacharacters in the path ${prefix}${m}`,
      send: `GET ${prefix}${raw} HTTP/1.1\r\n${H}\r\n`,
      expect: [400, 404],
      mayClose: true,
      check: (r) => {
        noReflection(m)(r);
        assert.ok(!/^set-cookie: x=1/im.test(r.raw.toString('latin1')), 'no header injection');
        assert.ok(!('location' in r.headers), 'no header injection');
      },
    });
  }
}

// ---------------------------------------------------------------------------
// Query strings: bad %-escapes, bad UTF-8, NUL, too many fields. Each is a
// 400 whose message names the query string, as JSON on the API and as a
// page elsewhere.

const badQueries = [
  // bad %-escapes
  'a=%zz', 'a=%', 'a=%4', 'a=%g0', 'a=%%', 'a%=1', '%zz=1', 'a=1&b=%2', 'a=%x1', 'a=%%41',
  // invalid UTF-8 after decoding
  'a=%ff', 'a=%fe%ff', 'a=%c3%28', 'a=%a0%a1', 'a=%e2%28%a1', 'a=%e2%82%28', 'a=%f0%28%8c%bc',
  'a=%ed%a0%80', 'a=%f4%90%80%80', 'a=%f8%88%80%80%80', '%ff=1', 'a=\xff',
  // overlong encodings ("/" and NUL in disguise)
  'a=%c0%af', 'a=%c0%80', 'a=%c1%bf', 'a=%e0%80%af', 'a=%e0%9f%bf', 'a=%f0%80%80%af', 'a=%f0%8f%bf%bf',
  // NUL
  'a=%00', 'a=x%00y', '%00=1', 'lang=en%00',
];
const queryCases = [];
for (const [path, api] of [['/api/v1/status', true], ['/', false]]) {
  for (const q of badQueries) {
    queryCases.push({
      name: `query ?${JSON.stringify(q).slice(1, -1)} on ${path}`,
      send: `GET ${path}?${q} HTTP/1.1\r\n${H}\r\n`,
      expect: [400],
      check: (r) => {
        if (api) {
          const e = rawApiError(r);
          assert.equal(e.code, 'bad_request');
          assert.match(e.message, /query string/);
        } else {
          assert.match(r.body.toString('utf8'), /query string is malformed/);
        }
      },
    });
  }
}

const fields = (n) => Array.from({ length: n }, (_, i) => `f${i}=${i}`).join('&');
const tooManyFields = [257, 300, 1000, 2000].map((n) => ({
  name: `${n} query fields (the limit is 256)`,
  send: `GET /api/v1/status?${fields(n)} HTTP/1.1\r\n${H}\r\n`,
  expect: fields(n).length > 16 * KiB - 100 ? [413] : [400],
  check: (r) => {
    if (r.status === 400) assert.equal(rawApiError(r).message, 'Too many fields.');
  },
}));
tooManyFields.push({
  name: '257 empty-named fields (&&&...)',
  send: `GET /?${'&'.repeat(256)} HTTP/1.1\r\n${H}\r\n`,
  expect: [400],
});

const queryMeta = metacharacters.map((m) => ({
  name: `metacharacters in the query of a missing page: ${m}`,
  send: `GET /nothing/here?q=${encodeURIComponent(m)}&${encodeURIComponent(m)}=1 HTTP/1.1\r\n${H}\r\n`,
  expect: [400, 404],
  check: noReflection(m),
}));

// ---------------------------------------------------------------------------
// Requests a server must answer normally even though they look odd: shown
// here so that a change in behaviour is noticed. Each says why.

const tolerated = [
  { name: '256 query fields (at the limit)', send: `GET /api/v1/status?${fields(256)} HTTP/1.1\r\n${H}\r\n`, expect: [200], why: 'the limit is more than 256' },
  { name: 'bare LF line endings', send: 'GET /healthz HTTP/1.1\nHost: t\n\n', expect: [200], why: 'h2o (picohttpparser) accepts LF as RFC 9112 allows' },
  { name: 'obsolete line folding', send: 'GET /healthz HTTP/1.1\r\nHost: t\r\nX-A: a\r\n b\r\n\r\n', expect: [200, 400], why: 'picohttpparser joins folded lines' },
  { name: 'HTTP/1.0 without Host', send: 'GET /healthz HTTP/1.0\r\n\r\n', expect: [200], why: 'HTTP/1.0 needs no Host' },
  { name: 'HTTP/1.1 without Host', send: 'GET /healthz HTTP/1.1\r\n\r\n', expect: [200, 400], why: 'h2o does not insist on Host; shisa serves one site' },
  { name: 'an empty request target', send: 'GET  HTTP/1.1\r\n\r\n', expect: [200, 400], mayClose: true, why: 'picohttpparser reads an empty target, h2o makes it "/"' },
  { name: 'undecodable Cookie header', send: `GET /api/v1/status HTTP/1.1\r\n${H}Cookie: \xff\xfe=1; ;;; =; a; shisa_lang=%zz\r\n\r\n`, expect: [200], why: 'a broken cookie leaves the visitor anonymous' },
  { name: '500 cookies', send: `GET /api/v1/status HTTP/1.1\r\n${H}Cookie: ${Array.from({ length: 500 }, (_, i) => `c${i}=1`).join('; ')}\r\n\r\n`, expect: [200], why: 'extra cookies are ignored' },
  { name: 'a forged session cookie', send: `GET /api/v1/status HTTP/1.1\r\n${H}Cookie: shisa_session=${'A'.repeat(43)}\r\n\r\n`, expect: [200], why: 'an unknown session is anonymous' },
  { name: 'a session cookie with SQL in it', send: `GET / HTTP/1.1\r\n${H}Cookie: shisa_session=' OR 1=1 --\r\n\r\n`, expect: [200], why: 'an unknown session is anonymous' },
  { name: 'X-Forwarded-For garbage', send: `GET /api/v1/status HTTP/1.1\r\n${H}X-Forwarded-For: <script>, \xff, 999.1.1.1\r\n\r\n`, expect: [200], why: 'trust_proxy is off: ignored' },
  { name: 'Upgrade: h2c', send: `GET /healthz HTTP/1.1\r\n${H}Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n`, expect: [200], why: 'HTTP/1.1 only: the upgrade is ignored' },
  { name: 'Upgrade: websocket', send: `GET /healthz HTTP/1.1\r\n${H}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`, expect: [200], why: 'no websockets: a plain answer' },
  { name: 'huge number in ?lang=', send: `GET /api/v1/status?lang=${'9'.repeat(4000)} HTTP/1.1\r\n${H}\r\n`, expect: [200], why: 'an unknown language is ignored' },
];

// ---------------------------------------------------------------------------
// The tables, run.

cases('request line', brokenRequestLines);
cases('incomplete request', incompleteRequests);
cases('version', badVersions);
cases('framing', framing);
cases('headers', headerAbuse);
cases('authorization', badAuthorization);
cases('method', methodCases);
cases('path', [...traversalPaths, ...badPathEscapes, ...pathMeta]);
cases('query', [...queryCases, ...tooManyFields, ...queryMeta]);
cases('tolerated', tolerated);

// Every JSON route that takes a body, with a write token that may use it:
// each hostile body and wrong Content-Type is refused and nothing written.
// VALIDBODY is well-formed JSON the route refuses on its content, so that
// only the Content-Type decides the Content-Type rows.
checkJsonRoute('PATCH', '/api/v1/me', { headers: bearer, validBody: '{"lang":"xx"}' });
checkJsonRoute('POST', '/api/v1/me/tokens', { headers: bearer, validBody: '{"scope":"all"}' });
checkJsonRoute('POST', '/api/v1/users', { headers: bearer, validBody: '{"email":"not an address"}' });
checkJsonRoute('POST', '/api/v1/orgs', { headers: bearer, validBody: '{"kind":"club"}' });
// A status change: the organisation (here the secretariat's own, which
// has none) is only looked at once the body is a valid change.
checkJsonRoute('POST', '/api/v1/orgs/1/status', { headers: bearer, validBody: '{"status":"gone","reason":"x"}' });
checkJsonRoute('POST', '/api/v1/orgs/1/status-history', { headers: bearer, expect: [405], why: 'GET-only route' });
checkJsonRoute('POST', '/api/v1/teams', { headers: bearer, validBody: '{"slug":"Not A Slug"}' });
checkJsonRoute('PATCH', '/api/v1/teams/team-x', { headers: bearer, validBody: '{"country":"XX"}' });
// The directory import takes whole files: Trusted Introducer's JSON, and
// text (RFC 2350, security.txt, CSV) whose hostile forms are refused too.
checkJsonRoute('POST', '/api/v1/teams/import?format=ti-json', { headers: bearer, validBody: '[{"official_name":1}]' });
checkTextRoute('POST', '/api/v1/teams/import?format=rfc2350', { headers: bearer, contentType: 'text/plain',
  validBody: '2.1 Name of the Team\n   Team\n2.3 Time Zone\n   JST\n',
  wrongTypes: [...wrongTextContentTypes, 'text/csv'] });
checkTextRoute('POST', '/api/v1/teams/import?format=securitytxt&team=team-x', { headers: bearer, contentType: 'text/plain',
  validBody: 'Contact: mailto:not an address\n' });
checkTextRoute('POST', '/api/v1/teams/import?format=csv', { headers: bearer, contentType: 'text/csv',
  validBody: 'slug,country\nteam-x,XX\n', wrongTypes: wrongTextContentTypes.filter((t) => !/^text\/plain$/.test(t ?? '')) });
// Without ?format= the format is guessed; the hostile bodies are refused all the same.
checkTextRoute('POST', '/api/v1/teams/import', { headers: bearer, contentType: 'text/plain',
  wrongTypes: [null, '', 'text/html', '*/*', 'text/plain; charset=utf-16'] });
// The batch lookup takes a JSON array (or JSON lines, or text/plain lines)
// of up to 64 MiB; anything that is not an array is refused whole.
checkJsonRoute('POST', '/api/v1/lookup', { validBody: '["192.0.2.1"]', maxBody: 64 * MiB, accepts: ['text/plain'] });
// A GET-only route must still read and refuse any body.
checkJsonRoute('POST', '/api/v1/status', { expect: [405], why: 'GET-only route' });
checkJsonRoute('POST', '/api/v1/directory/stale', { headers: bearer, expect: [405], why: 'GET-only route' });
checkJsonRoute('POST', '/api/v1/teams/export', { expect: [405], why: 'GET-only route' });
// The directory export's one parameter: anything but a scope the route
// offers is a 400 naming "scope" (or the query string, when it cannot be read).
cases('export scope', ['all', 'MEMBERS', '', 'public,members', "' OR 1=1 --", '<script>alert(1)</script>', '%00', '%ff%fe', '%zz', 'x'.repeat(4000)]
  .map((q) => ({
    name: `?scope=${q.slice(0, 30)}`,
    send: `GET /api/v1/teams/export?scope=${/^%/.test(q) ? q : encodeURIComponent(q)} HTTP/1.1\r\n${H}\r\n`,
    expect: [400],
    check: (r) => {
      const e = rawApiError(r);
      assert.ok(e.fields?.scope || /query string/.test(e.message), JSON.stringify(e));
      noReflection(q)(r);
    },
  })));
checkJsonRoute('POST', '/api/v1/directory/snapshot.json', { expect: [405], why: 'GET-only route (the offline snapshot)' });
// Membership: the public application form and its verification (anyone),
// the rules (the secretariat), and the secretariat's decisions on an
// application that does not exist ({} is a whole request to those: 404).
// The applicant's and the team admins' routes are covered with their own
// accounts in applications_hostile.test.mjs.
checkJsonRoute('POST', '/api/v1/applications', { validBody: '{"org_name":""}' });
checkJsonRoute('POST', '/api/v1/applications/verify', { validBody: '{"token":"x"}' });
checkJsonRoute('PUT', '/api/v1/membership/rules', { headers: bearer, validBody: '{"tlp":"x"}' });
for (const action of ['approve', 'reject', 'send-back'])
  checkJsonRoute('POST', `/api/v1/applications/999/${action}`, {
    headers: bearer, expect: [400, 404, 413, 415, 422], why: '{} asks for the decision: there is no application 999',
    codes: ['invalid_json', 'validation_failed', 'unsupported_media_type', 'too_large', 'bad_request', 'not_found'],
  });
// The statistics: GET-only; their one parameter, as_of, is a day up to
// today or a 400 naming it (or the query string); an unknown chart is a
// 404, JSON on the API, a readable page otherwise.
checkJsonRoute('POST', '/api/v1/stats', { expect: [405], why: 'GET-only route (the statistics)' });
checkJsonRoute('POST', '/api/v1/stats/growth', { expect: [405], why: 'GET-only route (the statistics)' });
cases('statistics day', ['2023-02-30', 'yesterday', '1899-12-31', '2999-01-01', '', "' OR 1=1 --", '<script>alert(1)</script>', '%00', '%ff%fe', '%zz', 'x'.repeat(4000)]
  .flatMap((q) => ['/api/v1/stats', '/api/v1/stats/sector', '/stats', '/stats/growth.csv'].map((path) => ({
    name: `${path}?as_of=${q.slice(0, 30)}`,
    send: `GET ${path}?as_of=${/^%/.test(q) ? q : encodeURIComponent(q)} HTTP/1.1\r\n${H}\r\n`,
    // An empty as_of is today's figures.
    expect: q === '' ? [200] : [400],
    check: (r) => {
      noReflection(q)(r);
      if (q === '' || !path.startsWith('/api/')) return;
      const e = rawApiError(r);
      assert.ok(e.fields?.as_of || /query string/.test(e.message), JSON.stringify(e));
    },
  }))));
cases('statistics chart', ['nope', 'GROWTH', 'growth.csv', '%00', 'x'.repeat(300), '<script>'].map((name) => ({
  name: `/api/v1/stats/${name.slice(0, 30)}`,
  send: `GET /api/v1/stats/${/^%/.test(name) ? name : encodeURIComponent(name)} HTTP/1.1\r\n${H}\r\n`,
  expect: [400, 404],
  check: (r) => {
    noReflection(name)(r);
    assert.ok(['not_found', 'bad_request'].includes(rawApiError(r).code));
  },
})));
cases('statistics file', ['nope.csv', 'growth.txt', 'growth', '.svg', 'growth.csv.svg', '%2e%2e%2fetc%2fpasswd.csv', '<b>x</b>.svg'].map((file) => ({
  name: `/stats/${file.slice(0, 30)}`,
  send: `GET /stats/${/%/.test(file) ? file : encodeURIComponent(file)} HTTP/1.1\r\n${H}\r\n`,
  expect: [404],
  check: (r) => {
    noReflection(file)(r);
    assert.match(r.headers['content-type'], /^text\/html/);
  },
})));
// The directory search's constituency type filter: text of at most 100
// characters without control characters, else a 400 naming it (or the
// query string) on the API and the page; hostile text is only ever a value
// compared, found in no team.
const badTypes = ['x'.repeat(101), 'ｘ'.repeat(101), 'x'.repeat(4000), 'a%01b', 'a%0Ab', 'a%0Db', '%09x%7F', '%00', '%ff%fe', '%zz'];
cases('constituency type filter', badTypes.flatMap((q) => ['/api/v1/teams', '/directory'].map((path) => ({
  name: `${path}?constituency_type=${q.slice(0, 30)}`,
  send: `GET ${path}?constituency_type=${/%/.test(q) ? q : encodeURIComponent(q)} HTTP/1.1\r\n${H}\r\n`,
  expect: [400],
  check: (r) => {
    if (path === '/directory') return;
    const e = rawApiError(r);
    assert.ok(e.fields?.constituency_type || /query string/.test(e.message), JSON.stringify(e));
  },
}))));
cases('constituency type filter', ["' OR 1=1 --", '<script>alert(1)</script>', '%25', '_', '"quoted"', ')) OR ((1', 'x'.repeat(100)].map((q) => ({
  name: `?constituency_type=${q.slice(0, 30)} finds nothing`,
  send: `GET /api/v1/teams?constituency_type=${encodeURIComponent(q)} HTTP/1.1\r\n${H}\r\n`,
  expect: [200],
  check: (r) => {
    assert.equal(JSON.parse(r.body.toString('utf8')).total, 0);
    noReflection(q)(r);
  },
})));

test('bad input: the database is exactly as it was before all of the above', () => {
  assert.equal(srv.dbHash(), dbAtStart, 'a hostile request wrote to the database');
});

stopTest(srv);
