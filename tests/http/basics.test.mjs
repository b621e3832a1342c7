// What every response of shisa promises, whatever the route: security
// headers, error shapes, language choice, health and metrics, static files,
// and a graceful stop.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CookieJar, apiError, repoRoot, startServer, stopTest } from './harness.mjs';

const srv = await startServer();
after(() => srv.kill());

// One row per kind of response: pages, API, static, errors of each sort.
const everyKind = [
  { method: 'GET', path: '/', status: 200 },
  { method: 'HEAD', path: '/', status: 200 },
  { method: 'GET', path: '/static/style.css', status: 200 },
  { method: 'GET', path: '/healthz', status: 200 },
  { method: 'GET', path: '/metrics', status: 200 },
  { method: 'GET', path: '/api/v1/status', status: 200 },
  { method: 'GET', path: '/api/v1/openapi.json', status: 200 },
  { method: 'GET', path: '/no/such/page', status: 404 },
  { method: 'GET', path: '/api/v1/no-such-thing', status: 404 },
  { method: 'GET', path: '/static/nothing.css', status: 404 },
  { method: 'DELETE', path: '/api/v1/status', status: 405 },
  { method: 'POST', path: '/', status: 405 },
  { method: 'GET', path: '/api/v1/status?a=%zz', status: 400 },
  { method: 'GET', path: '/?a=%zz', status: 400 },
];

for (const row of everyKind) {
  test(`security headers: ${row.method} ${row.path} -> ${row.status}`, async () => {
    const r = await srv.request(row.path, { method: row.method });
    assert.equal(r.status, row.status);
    const csp = r.headers.get('content-security-policy');
    assert.ok(csp, 'Content-Security-Policy is set');
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.match(r.headers.get('referrer-policy') || '', /^(same-origin|no-referrer|strict-origin(-when-cross-origin)?)$/);
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
    assert.match(r.headers.get('x-request-id') || '', /^[0-9a-f]{16}$/);
  });
}

test('every response has its own request id, and the access log names it', async () => {
  const a = await srv.request('/api/v1/status');
  const b = await srv.request('/api/v1/status');
  assert.notEqual(a.headers.get('x-request-id'), b.headers.get('x-request-id'));
  const rid = b.headers.get('x-request-id');
  // The log line is written before the response; allow the pipe a moment.
  for (let i = 0; i < 50 && !srv.log.includes(`rid=${rid}`); i++) await new Promise((r) => setTimeout(r, 20));
  assert.match(srv.log, new RegExp(`msg=request rid=${rid} method=GET route=/api/v1/status status=200`));
});

test('the access log shows route patterns, never raw paths or query strings', async () => {
  await srv.request('/api/v1/status?token=SECRET-IN-QUERY');
  await srv.request('/no/SECRET-IN-PATH');
  await new Promise((r) => setTimeout(r, 100));
  assert.doesNotMatch(srv.log, /SECRET-IN-(QUERY|PATH)/);
});

test('404 on an API path is a JSON error', async () => {
  const r = await srv.request('/api/v1/no-such-thing', { headers: { 'accept-language': 'en' } });
  assert.equal(r.status, 404);
  const e = apiError(r);
  assert.equal(e.code, 'not_found');
  assert.equal(e.message, 'Not found.');
  assert.equal(e.request_id, r.headers.get('x-request-id'));
  assert.equal(r.headers.get('cache-control'), 'no-store');
});

test('404 on a page is the HTML error page', async () => {
  const r = await srv.request('/no/such/page', { headers: { 'accept-language': 'en' } });
  assert.equal(r.status, 404);
  assert.match(r.headers.get('content-type'), /^text\/html; charset=utf-8/);
  assert.match(r.text, /^<!DOCTYPE html>/);
  assert.match(r.text, /class="card error"/);
  assert.match(r.text, /\(404\)/);
  assert.match(r.text, /Not found\./);
  assert.match(r.text, new RegExp(r.headers.get('x-request-id')));
});

test('405 on an API path is a JSON error with Allow', async () => {
  const r = await srv.request('/api/v1/status', { method: 'DELETE', headers: { 'accept-language': 'en' } });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET');
  const e = apiError(r);
  assert.equal(e.code, 'method_not_allowed');
  assert.ok(e.message.length > 0);
});

test('405 on a page is the HTML error page with Allow', async () => {
  const r = await srv.request('/', { method: 'PUT', body: 'x', headers: { 'accept-language': 'en' } });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET');
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.match(r.text, /class="card error"/);
  assert.match(r.text, /\(405\)/);
});

test('a bad %-escape in the query is a 400 naming the query string', async () => {
  const api = await srv.request('/api/v1/status?a=%zz', { headers: { 'accept-language': 'en' } });
  assert.equal(api.status, 400);
  const e = apiError(api);
  assert.equal(e.code, 'bad_request');
  assert.match(e.message, /query string/i);
  const page = await srv.request('/?a=%zz', { headers: { 'accept-language': 'en' } });
  assert.equal(page.status, 400);
  assert.match(page.text, /query string is malformed/);
});

// Language: the lang cookie beats Accept-Language, ?lang= beats both; the
// instance default (ja) when nothing matches.
const languages = [
  { why: 'no preference: the default', headers: {}, query: '', want: 'ja' },
  { why: 'Accept-Language ja', headers: { 'accept-language': 'ja' }, query: '', want: 'ja' },
  { why: 'Accept-Language en', headers: { 'accept-language': 'en' }, query: '', want: 'en' },
  { why: 'Accept-Language en-US with q', headers: { 'accept-language': 'en-US,en;q=0.9,ja;q=0.5' }, query: '', want: 'en' },
  { why: 'Accept-Language ja first', headers: { 'accept-language': 'ja-JP,ja;q=0.9,en;q=0.8' }, query: '', want: 'ja' },
  { why: 'Accept-Language unsupported only', headers: { 'accept-language': 'fr-FR,de;q=0.8' }, query: '', want: 'ja' },
  { why: '?lang=en over Accept-Language ja', headers: { 'accept-language': 'ja' }, query: '?lang=en', want: 'en' },
  { why: '?lang=ja over Accept-Language en', headers: { 'accept-language': 'en' }, query: '?lang=ja', want: 'ja' },
  { why: 'cookie en over Accept-Language ja', headers: { 'accept-language': 'ja', cookie: 'shisa_lang=en' }, query: '', want: 'en' },
  { why: '?lang=ja over cookie en', headers: { cookie: 'shisa_lang=en' }, query: '?lang=ja', want: 'ja' },
  { why: 'unknown ?lang= ignored', headers: { 'accept-language': 'en' }, query: '?lang=xx', want: 'en' },
];
const notFound = { ja: '見つかりません。', en: 'Not found.' };

for (const l of languages) {
  test(`language: ${l.why} -> ${l.want}`, async () => {
    const page = await srv.request(`/${l.query}`, { headers: l.headers, jar: null });
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(`<html lang="${l.want}">`));
    const api = await srv.request(`/api/v1/nothing${l.query}`, { headers: l.headers, jar: null });
    assert.equal(apiError(api).message, notFound[l.want]);
  });
}

test('a first page visit gets the CSRF cookie: HttpOnly, SameSite=Lax, Path=/, kept afterwards', async () => {
  const jar = new CookieJar();
  const first = await srv.request('/', { jar });
  const line = first.setCookies.find((c) => c.startsWith('shisa_csrf='));
  assert.ok(line, `Set-Cookie: shisa_csrf=..., got ${JSON.stringify(first.setCookies)}`);
  assert.match(line, /^shisa_csrf=[A-Za-z0-9_-]{43}; /);
  assert.match(line, /; HttpOnly/);
  assert.match(line, /; SameSite=Lax/);
  assert.match(line, /; Path=\//);
  assert.doesNotMatch(line, /; Secure/, 'plain HTTP without secure_cookies');
  const again = await srv.request('/', { jar });
  assert.deepEqual(again.setCookies, [], 'the same token is kept, not replaced');
});

test('API answers set no cookies', async () => {
  for (const path of ['/api/v1/status', '/api/v1/nothing', '/healthz']) {
    const r = await srv.request(path, { jar: null });
    assert.deepEqual(r.setCookies, [], path);
  }
});

test('GET /healthz answers ok', async () => {
  const r = await srv.request('/healthz');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(r.json, { status: 'ok' });
});

test('GET /api/v1/status says what this server is', async () => {
  const r = await srv.request('/api/v1/status');
  assert.equal(r.status, 200);
  assert.equal(r.json.service, 'shisa');
  assert.equal(r.json.status, 'ok');
  assert.match(r.json.version, /^\d+\.\d+\.\d+/);
  assert.match(r.json.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('GET /api/v1/openapi.json is the OpenAPI document', async () => {
  const r = await srv.request('/api/v1/openapi.json');
  assert.equal(r.status, 200);
  assert.match(r.json.openapi, /^3\./);
  assert.equal(typeof r.json.paths, 'object');
});

function metricValue(text, name, labels = '') {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('GET /metrics: request counts by route, a latency histogram, database and job gauges', async () => {
  for (let i = 0; i < 3; i++) await srv.request('/api/v1/status');
  await srv.request('/api/v1/nothing-here');
  const r = await srv.request('/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const m = r.text;
  assert.match(m, /^# TYPE shisa_http_requests_total counter$/m);
  assert.ok(metricValue(m, 'shisa_http_requests_total', '{method="GET",route="/api/v1/status",status="2xx"}') >= 3);
  assert.ok(metricValue(m, 'shisa_http_requests_total', '{method="",route="unmatched",status="4xx"}') >= 1);
  assert.match(m, /^# TYPE shisa_http_request_duration_seconds histogram$/m);
  const buckets = [...m.matchAll(/^shisa_http_request_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)];
  assert.ok(buckets.length >= 5, 'several buckets');
  assert.equal(buckets.at(-1)[1], '+Inf');
  for (let i = 1; i < buckets.length; i++) assert.ok(Number(buckets[i][2]) >= Number(buckets[i - 1][2]), 'cumulative');
  const count = metricValue(m, 'shisa_http_request_duration_seconds_count');
  assert.equal(Number(buckets.at(-1)[2]), count);
  assert.ok(count >= 4);
  assert.ok(metricValue(m, 'shisa_http_request_duration_seconds_sum') > 0);
  assert.match(m, /^# TYPE shisa_db_size_bytes gauge$/m);
  assert.ok(metricValue(m, 'shisa_db_size_bytes') > 0);
  assert.match(m, /^# TYPE shisa_jobs_queued gauge$/m);
  assert.equal(metricValue(m, 'shisa_jobs_queued'), 0);
});

test('GET /static/style.css serves the embedded file, cacheable', async () => {
  const r = await srv.request('/static/style.css');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/css; charset=utf-8');
  assert.match(r.headers.get('cache-control'), /public/);
  assert.deepEqual(r.body, readFileSync(join(repoRoot, 'src/web/static/style.css')));
});

test('HEAD / has the headers of GET and no body', async () => {
  const r = await srv.rawRequest('HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n', { waitClose: true });
  assert.equal(r.status, 200);
  assert.ok(Number(r.headers['content-length']) > 0);
  assert.equal(r.raw.toString('latin1').split('\r\n\r\n')[1], '');
});

// Sent raw: fetch would resolve the dots before they reach the server.
const traversals = [
  '/static/../../etc/passwd',
  '/static/..%2f..%2fetc%2fpasswd',
  '/static/..%2F..%2F..%2Fetc%2Fpasswd',
  '/static/%2e%2e/%2e%2e/etc/passwd',
  '/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '/static/%252e%252e%252fetc%252fpasswd',
  '/static/....//....//etc/passwd',
  '/static/..%5c..%5cetc%5cpasswd',
  '/static/..\\..\\etc\\passwd',
  '/static/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
  '/static/style.css%00.png',
  '/static/style.css/../../../etc/passwd',
  '/static//etc/passwd',
  '/static/%2fetc%2fpasswd',
  '/static/.',
  '/../../etc/passwd',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/static/../src/web/static/style.css',
  '/static/..%2fstyle.css',
];

for (const path of traversals) {
  test(`path traversal is not found: ${path}`, async () => {
    const r = await srv.rawRequest(`GET ${path} HTTP/1.1\r\nHost: t\r\nAccept-Language: en\r\n\r\n`);
    assert.ok(r.status === 404 || r.status === 400, `want 404 (or 400), got ${r.status}`);
    assert.doesNotMatch(r.body.toString('latin1'), /root:.*:0:0:/);
  });
}

test('SIGTERM with a keep-alive connection open: the connection is closed and the server exits 0', async () => {
  const other = await startServer();
  try {
    const sock = net.connect({ host: '127.0.0.1', port: other.port });
    let got = '';
    const closed = new Promise((r) => sock.on('close', r));
    sock.on('data', (d) => {
      got += d.toString('latin1');
    });
    sock.on('error', () => {});
    await new Promise((r) => sock.on('connect', r));
    sock.write('GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n');
    for (let i = 0; i < 100 && !got.includes('{"status":"ok"}'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.match(got, /^HTTP\/1\.1 200 /);
    assert.match(got, /Connection: keep-alive/i);
    const idle = net.connect({ host: '127.0.0.1', port: other.port });   // connected, never asks
    idle.on('error', () => {});
    const idleClosed = new Promise((r) => idle.on('close', r));
    await new Promise((r) => idle.on('connect', r));
    const t0 = Date.now();
    await other.stop();   // SIGTERM; exit 0 within 10 s, clean log
    await Promise.all([closed, idleClosed]);
    assert.ok(Date.now() - t0 < 8000, 'well before the request timeout');
    assert.match(other.log, /msg="stopped cleanly"/);
  } finally {
    await other.kill();
  }
});

stopTest(srv);
