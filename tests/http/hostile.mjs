// Table-driven checks of malformed and hostile requests, for any test file
// that has a server (bad_input.test.mjs runs the general tables; a file for
// a new route adds its own rows or calls checkJsonRoute):
//
//   import { hostileChecks } from './hostile.mjs';
//   const { cases, checkJsonRoute } = hostileChecks(srv);
//   checkJsonRoute('POST', '/api/v1/tokens', { headers: { Authorization: `Bearer ${t}` } });
//
// Every case must get a 4xx (never a 5xx, never a hang; unparseable HTTP
// may instead be a closed connection), an error body that says what is
// wrong whenever the server answers, and the server must still answer
// /healthz afterwards. Comparing srv.dbHash() before and after proves that
// nothing was written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiError, bytes } from './harness.mjs';

export const KiB = 1024;
export const MiB = 1024 * 1024;
// Host, and English messages for the assertions.
export const H = 'Host: t\r\nAccept-Language: en\r\n';

// A case: { name, send (a string of one byte per character, or a Buffer),
// and optionally
//   expect: [statuses]  what the server may answer (default: any 4xx)
//   mayClose: true      closing without an answer is fine (unparseable HTTP,
//                       or h2o refusing a body it will not read)
//   end: true           half-close after sending (an incomplete request)
//   timeoutMs           how long an answer may take (default 5 s)
//   check(r)            more assertions on the raw response (see rawRequest)
//   why                 the reason, where the answer is not the obvious one }

export function isShisa(r) {
  return 'x-request-id' in r.headers;   // h2o's own parser errors have none
}

// The body of an error answer says what is wrong: shisa's JSON error or
// error page, or h2o's short text when its parser refused the request.
export function assertErrorBody(r) {
  const ct = r.headers['content-type'] || '';
  const body = r.body.toString('utf8');
  assert.ok(body.length > 0, `a ${r.status} must say what is wrong; the body is empty`);
  if (!isShisa(r)) {
    assert.match(ct, /^text\/plain/, `h2o error with content-type ${ct}`);
    return;
  }
  if (/^application\/json/.test(ct)) {
    const e = apiError({ headers: r.headers, body: r.body });
    assert.ok(e.request_id, 'the JSON error carries the request id');
  } else {
    assert.match(ct, /^text\/html; charset=utf-8/);
    assert.match(body, /class="card error"/, 'the HTML error page');
  }
  assert.match(r.headers['content-security-policy'] || '', /frame-ancestors 'none'/);
}

// The JSON error of a raw response.
export function rawApiError(r) {
  return apiError({ headers: r.headers, body: r.body });
}

// A check(r) that PAYLOAD does not come back unescaped (HTML- or
// JSON-escaped is fine).
export function noReflection(payload) {
  return (r) => {
    if (/[<>"']/.test(payload))
      assert.ok(!r.body.toString('latin1').includes(payload), `the answer reflects ${payload} unescaped`);
  };
}

export async function checkCase(srv, c, t) {
  const timeoutMs = c.timeoutMs ?? 5000;
  const r = await srv.rawRequest(c.send, { end: c.end, timeoutMs });
  if (t) t.diagnostic(r.status === null ? `closed without an answer${r.error ? ` (${r.error})` : ''}` : `${r.status} ${r.headers['content-type'] || ''}`);
  assert.ok(!r.sanitizer, r.sanitizer);
  assert.ok(!r.timedOut, `no answer and no close within ${timeoutMs / 1000} s: the server hangs on this request`);
  if (r.status === null) {
    assert.ok(c.mayClose, `the server closed the connection without an answer (${r.error || 'no error'}); only unparseable HTTP may be answered so`);
  } else {
    assert.ok(r.status < 500, `never a 5xx: got ${r.status} ${r.body.toString('utf8').slice(0, 300)}`);
    if (c.expect) assert.ok(c.expect.includes(r.status), `want ${c.expect.join(' or ')}, got ${r.status}${c.why ? ` (${c.why})` : ''}`);
    else assert.ok(r.status >= 400, `want a 4xx, got ${r.status}`);
    if (r.status >= 400) assertErrorBody(r);
  }
  if (c.check && r.status !== null) c.check(r);
  const h = await srv.request('/healthz', { jar: null });
  assert.equal(h.status, 200, 'the server still answers /healthz');
}

// JSON bodies every JSON route must refuse (with the right Content-Type).
// [name, body (string, sent as UTF-8, or Buffer for exact bytes)]
export const hostileJsonBodies = [
  ['empty body', ''],
  ['not JSON', 'hello'],
  ['only whitespace', ' \r\n\t '],
  ['open brace', '{'],
  ['close brace', '}'],
  ['open bracket', '['],
  ['missing value', '{"a":}'],
  ['missing colon', '{"a" 1}'],
  ['trailing comma', '{"a":1,}'],
  ['single quotes', "{'a':1}"],
  ['unquoted key', '{a:1}'],
  ['comment', '/* x */ {}'],
  ['two documents', '{}{}'],
  ['trailing garbage', '{"a":1} x'],
  ['NaN', '{"a":NaN}'],
  ['Infinity', '{"a":Infinity}'],
  ['leading zero', '{"a":01}'],
  ['bare minus', '{"a":-}'],
  ['number ending in a dot', '{"a":1.}'],
  ['plus sign', '{"a":+1}'],
  ['hex number', '{"a":0x10}'],
  ['number 1e999999', '{"a":1e999999}'],
  ['number with 400 digits', `{"a":${'9'.repeat(400)}}`],
  ['integer past 2^63', '{"a":9223372036854775808}'],
  ['integer below -2^63', '{"a":-9223372036854775809}'],
  ['ten thousand zeros after the point', `{"a":0.${'0'.repeat(10000)}1}`],
  ['duplicate keys', '{"a":1,"a":2}'],
  ['invalid UTF-8 in a string', bytes('{"a":"\xff\xfe"}')],
  ['overlong "/" in a string', bytes('{"a":"\xc0\xaf"}')],
  ['overlong NUL in a string', bytes('{"a":"\xc0\x80"}')],
  ['UTF-8 surrogate in a string', bytes('{"a":"\xed\xa0\x80"}')],
  ['truncated UTF-8 at the end', bytes('{"a":"\xe3\x81')],
  ['lone surrogate escape', '{"a":"\\ud800"}'],
  ['reversed surrogate pair', '{"a":"\\udc00\\ud800"}'],
  ['\\u0000 in a string', '{"a":"x\\u0000y"}'],
  ['raw NUL byte in a string', bytes('{"a":"x\x00y"}')],
  ['raw NUL byte outside strings', bytes('{"a":1}\x00')],
  ['raw control character in a string', bytes('{"a":"x\x01y"}')],
  ['bad escape', '{"a":"\\q"}'],
  ['short \\u escape', '{"a":"\\u12"}'],
  ['UTF-8 byte order mark', bytes('\xef\xbb\xbf{}')],
  ['UTF-16 body', Buffer.from('{"a":1}', 'utf16le')],
  ['nested 100000 deep (arrays)', `${'['.repeat(100000)}${']'.repeat(100000)}`],
  ['nested 10000 deep (objects)', `${'{"a":'.repeat(10000)}1${'}'.repeat(10000)}`],
  ['a top-level array', '[]'],
  ['a top-level string', '"text"'],
  ['a top-level number', '1'],
  ['null', 'null'],
  ['true', 'true'],
  ['an empty object', '{}'],
  ['__proto__ key', '{"__proto__":{"admin":true}}'],
  ['SQL in values', `{"email":"x' OR '1'='1","name":"'; DROP TABLE users; --","id":"1 OR 1=1"}`],
  ['HTML in values', '{"name":"<script>alert(1)</script>","org":"\\"><img src=x onerror=alert(1)>"}'],
  ['wrong types for every usual field', '{"email":1,"name":[],"password":{},"id":"x","role":true,"org_id":-1}'],
  ['a string of 1 MiB', `{"a":"${'x'.repeat(MiB)}"}`],
  ['100000 keys', `{${Array.from({ length: 100000 }, (_, i) => `"k${i}":${i}`).join(',')}}`],
  ['an array of 500000 numbers', `{"a":[${Array.from({ length: 500000 }, () => 1).join(',')}]}`],
  ['8 MiB + 1 of JSON (over max_body)', `{"a":"${'x'.repeat(8 * MiB - 7)}"}`],
];

// Content types a JSON route must refuse, sent with a valid JSON body.
// null: no Content-Type header at all.
export const wrongJsonContentTypes = [
  null, '', 'text/plain', 'text/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/jsonx', 'application/json-patch+json', 'application/xml', 'application/json; charset=utf-16',
  '*/*',
];

// Text bodies a route that takes a whole text file (the directory import:
// RFC 2350, security.txt, CSV) must refuse, whichever of those formats it
// expects: none of them holds a team that could be written.
// [name, body (string, sent as UTF-8, or Buffer for exact bytes)]
export const hostileTextBodies = [
  ['empty body', ''],
  ['only whitespace', ' \r\n\t \n'],
  ['a byte order mark alone', bytes('\xef\xbb\xbf')],
  ['NUL bytes', bytes('2.1 Name of the Team\n   A\x00B\nContact: mailto:a\x00@b.jp\nslug,name_en\n')],
  ['invalid UTF-8', bytes('2.1 Name of the Team\n   \xff\xfe\xfd\nContact: mailto:\xc3\x28@b.jp\n')],
  ['overlong UTF-8', bytes('slug,name_en\n\xc0\xaf,\xe0\x80\xaf\n')],
  ['UTF-8 surrogates', bytes('2.1 Name of the Team\n   \xed\xa0\x80\n')],
  ['UTF-16 text', Buffer.from('\ufeff2.1 Name of the Team\n   Team\nContact: mailto:a@b.jp\n', 'utf16le')],
  ['control characters', '2.1 Name of the Team\n   \x01\x02\x1b[31m\x7f\nContact: \x08\n'],
  ['a 4 MiB line', 'x'.repeat(4 * MiB)],
  ['a million empty lines', '\n'.repeat(1000000)],
  ['lines ended by CR alone', '2.1 Name of the Team\r   Team\rContact: mailto:a@b.jp\r'],
  ['100000 headings', Array.from({ length: 100000 }, (_, i) => `${9 + (i % 10)}.${i % 999} Heading ${i}`).join('\n')],
  ['numbers nested too deep', '1.1.1.1.1.1.1.1 Name of the Team\n   Team\n'],
  ['SQL in values', "2.9 Other '; DROP TABLE teams; --\nContact: ' OR 1=1 --\nslug\n'; DROP TABLE teams; --\n"],
  ['HTML in values', '<h1>2.1 Name of the Team</h1>\n<script>alert(1)</script>\nContact: <img src=x onerror=alert(1)>\n'],
  ['a clear-signed block cut short', '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n'],
  ['a clear-signed block of nothing', '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n-----BEGIN PGP SIGNATURE-----\n\nxx\n-----END PGP SIGNATURE-----\n'],
  ['CSV: a quote never closed', 'slug,name_en\n"team-q,"Team Q\n'],
  ['CSV: text after a closing quote', 'slug,name_en\n"team-q"x,Team Q\n'],
  ['CSV: 10000 columns', `${Array.from({ length: 10000 }, (_, i) => `c${i}`).join(',')}\n`],
  ['CSV: formulas in every cell', "=cmd|' /C calc'!A0,+1,-1,@SUM(A1)\n=1,=2,=3,=4\n"],
  ['CSV: a header with no team column', 'country,website\nJP,https://x.example.jp/\n'],
  ['CSV: rows of the wrong width', 'slug,name_en\na,b,c\nd\n'],
  ['8 MiB + 1 of text (over max_body)', 'x'.repeat(8 * MiB + 1)],
];

// Content types a text route must refuse (null: no Content-Type).
export const wrongTextContentTypes = [
  null, '', 'application/json', 'text/html', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'text/plain; charset=utf-16', 'text/plain; charset=iso-2022-jp', 'application/octet-stream', 'text/plainx', '*/*',
];

// The helpers bound to one server.
export function hostileChecks(srv) {
  // One node:test test per case, named "bad input: GROUP: NAME".
  function cases(group, list) {
    for (const c of list) test(`bad input: ${group}: ${c.name}`, (t) => checkCase(srv, c, t));
  }

  // Every hostile JSON body and every wrong Content-Type against one JSON
  // route. OPTS:
  //   headers:   extra request headers (Authorization, X-CSRF-Token, Cookie)
  //   validBody: a body the route accepts, for the Content-Type rows ('{}')
  //   expect:    allowed statuses (default 400, 413, 415, 422)
  //   codes:     allowed error codes
  //   why:       shown when the expectation is unusual
  function checkJsonRoute(method, path, opts = {}) {
    const expect = opts.expect ?? [400, 413, 415, 422];
    const codes = opts.codes ??
      ['invalid_json', 'validation_failed', 'unsupported_media_type', 'too_large', 'bad_request', 'method_not_allowed'];
    const extra = Object.entries(opts.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    const request = (ctype, body) => {
      const b = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
      const ct = ctype === null ? '' : `Content-Type: ${ctype}\r\n`;
      return Buffer.concat([bytes(`${method} ${path} HTTP/1.1\r\n${H}${extra}${ct}Content-Length: ${b.length}\r\n\r\n`), b]);
    };
    const check = (r) => {
      if (!isShisa(r)) return;   // h2o's 413 for a body over max_body
      const e = rawApiError(r);
      assert.ok(codes.includes(e.code), `error code ${e.code} is not one of ${codes.join(', ')}`);
    };
    cases(`${method} ${path} JSON body`, hostileJsonBodies.map(([name, body]) => {
      const size = Buffer.isBuffer(body) ? body.length : Buffer.byteLength(body);
      const over = size > 8 * MiB;
      return {
        name,
        send: request('application/json', body),
        expect: over ? [413] : expect,
        // h2o answers an oversized body with 413 and closes at once: the
        // client, still sending, may see a reset before the answer.
        mayClose: over,
        timeoutMs: size > MiB ? 15000 : 5000,
        why: opts.why,
        check,
      };
    }));
    cases(`${method} ${path} Content-Type`, wrongJsonContentTypes.map((ct) => ({
      name: ct === null ? 'no Content-Type' : JSON.stringify(ct),
      send: request(ct, opts.validBody ?? '{}'),
      expect,
      why: opts.why,
      check,
    })));
  }

  // Every hostile text body and every wrong Content-Type against a route
  // that takes a text file. OPTS as for checkJsonRoute, and
  //   contentType: what the route takes ('text/plain')
  //   wrongTypes:  the Content-Types it must refuse (wrongTextContentTypes)
  function checkTextRoute(method, path, opts = {}) {
    const expect = opts.expect ?? [400, 413, 415, 422];
    const codes = opts.codes ?? ['validation_failed', 'unsupported_media_type', 'too_large', 'bad_request'];
    const extra = Object.entries(opts.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    const request = (ctype, body) => {
      const b = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
      const ct = ctype === null ? '' : `Content-Type: ${ctype}\r\n`;
      return Buffer.concat([bytes(`${method} ${path} HTTP/1.1\r\n${H}${extra}${ct}Content-Length: ${b.length}\r\n\r\n`), b]);
    };
    const check = (r) => {
      if (!isShisa(r)) return;
      const e = rawApiError(r);
      assert.ok(codes.includes(e.code), `error code ${e.code} is not one of ${codes.join(', ')}`);
    };
    cases(`${method} ${path} text body`, hostileTextBodies.map(([name, body]) => {
      const size = Buffer.isBuffer(body) ? body.length : Buffer.byteLength(body);
      const over = size > 8 * MiB;
      return {
        name,
        send: request(opts.contentType ?? 'text/plain', body),
        expect: over ? [413] : expect,
        mayClose: over,
        timeoutMs: size > MiB ? 20000 : 10000,
        check,
      };
    }));
    cases(`${method} ${path} Content-Type`, (opts.wrongTypes ?? wrongTextContentTypes).map((ct) => ({
      name: ct === null ? 'no Content-Type' : JSON.stringify(ct),
      send: request(ct, opts.validBody ?? ''),
      expect,
      check,
    })));
  }

  return { cases, checkJsonRoute, checkTextRoute, checkCase: (c, t) => checkCase(srv, c, t) };
}
