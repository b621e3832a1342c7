// The HTTP test harness: a real `shisa serve` on 127.0.0.1 with a fresh
// database per test file, a fetch-based request() with a cookie jar, a raw
// socket rawRequest() for broken HTTP, a database snapshot to prove that
// nothing was written, and a stop() that insists on a clean exit with no
// sanitizer report in the server's log.
//
// A test file looks like this:
//
//   import { test, after } from 'node:test';
//   import { startServer, stopTest } from './harness.mjs';
//   const srv = await startServer();
//   after(() => srv.kill());              // only if something went wrong
//   test('...', async () => { const r = await srv.request('/healthz'); ... });
//   stopTest(srv);                        // last: SIGTERM, exit 0, clean log
//
// The binary is $SHISA_BIN (scripts/test sets it), else build-test/shisa.
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const shisaBin = process.env.SHISA_BIN || join(repoRoot, 'build-test', 'shisa');

// What a sanitizer writes when it finds something. ASan and LSan reports
// start with "ERROR: ...Sanitizer"; UBSan prints "file:line:col: runtime error:".
export const SANITIZER_REPORT = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/;

const START_TIMEOUT_MS = 20000;
const STOP_TIMEOUT_MS = 10000;

// The server's sanitizer settings. Leaks are checked at exit; the only
// suppressions are libh2o's own (tests/lsan.supp says why). Freed memory
// is overwritten (0x55), so bytes the kernel is still sending from memory
// freed too soon come out visibly wrong. UBSan keeps going so that the
// request that triggered it is the test that fails.
function sanitizerEnv() {
  return {
    ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0:halt_on_error=1:max_free_fill_size=67108864',
    LSAN_OPTIONS: `suppressions=${join(repoRoot, 'tests', 'lsan.supp')}:print_suppressions=0`,
    UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=0',
  };
}

// A minimal cookie jar: name -> value, as a browser would keep them for one
// host. Honours Max-Age=0 / Expires in the past as deletion.
export class CookieJar {
  constructor() {
    this.cookies = new Map();
  }

  get(name) {
    return this.cookies.get(name);
  }

  set(name, value) {
    this.cookies.set(name, value);
  }

  clear() {
    this.cookies.clear();
  }

  // The Cookie request header, or '' when empty.
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  // Take the Set-Cookie header lines of a response.
  store(setCookieLines) {
    for (const line of setCookieLines) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v = ''] = a.trim().split('=');
        if (/^max-age$/i.test(k)) return Number(v) <= 0;
        if (/^expires$/i.test(k)) return Date.parse(v) < Date.now();
        return false;
      });
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

// Set-Cookie lines of a fetch Response (getSetCookie is newer than Node 18.19's
// oldest builds; the fallback splits the joined header at cookie boundaries).
export function setCookieLines(headers) {
  if (typeof headers.getSetCookie === 'function') return headers.getSetCookie();
  const joined = headers.get('set-cookie');
  return joined ? joined.split(/,(?=\s*[A-Za-z0-9_-]+=)/).map((s) => s.trim()) : [];
}

// Bytes for rawRequest from a string in which every character is one byte
// ("\xff" is the byte 0xff). Use Buffer.from(s, 'utf8') for UTF-8 text.
export function bytes(s) {
  return Buffer.from(s, 'latin1');
}

// Parse the first complete (non-1xx) HTTP/1.1 response in BUF, or null.
// Returns { status, reason, headers, body, length } where LENGTH is the
// number of bytes consumed; CLOSED says the peer has finished sending;
// HEADREQUEST says the request was HEAD (a Content-Length but no body).
export function parseResponse(buf, closed = false, headRequest = false) {
  let off = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', off, 'latin1');
    if (end < 0) return null;
    const lines = buf.subarray(off, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/\d\.\d (\d{3}) ?(.*)$/.exec(lines[0]);
    if (!m) return { status: null, reason: lines[0], headers: {}, body: buf.subarray(off), length: buf.length };
    const headers = {};
    for (const line of lines.slice(1)) {
      const c = line.indexOf(':');
      if (c <= 0) continue;
      const k = line.slice(0, c).trim().toLowerCase();
      const v = line.slice(c + 1).trim();
      headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
    }
    const status = Number(m[1]);
    const bodyStart = end + 4;
    if (status >= 100 && status < 200) {
      off = bodyStart;   // an interim response (100 Continue): the real one follows
      continue;
    }
    if (headRequest) return { status, reason: m[2], headers, body: Buffer.alloc(0), length: bodyStart };
    if ('content-length' in headers) {
      const n = Number(headers['content-length']);
      if (buf.length - bodyStart < n) return null;
      return { status, reason: m[2], headers, body: buf.subarray(bodyStart, bodyStart + n), length: bodyStart + n };
    }
    if (/chunked/i.test(headers['transfer-encoding'] || '')) {
      const parts = [];
      let p = bodyStart;
      for (;;) {
        const nl = buf.indexOf('\r\n', p, 'latin1');
        if (nl < 0) return null;
        const size = parseInt(buf.subarray(p, nl).toString('latin1'), 16);
        if (Number.isNaN(size)) return { status, reason: m[2], headers, body: buf.subarray(bodyStart), length: buf.length };
        if (buf.length < nl + 2 + size + 2) return null;
        if (size === 0) return { status, reason: m[2], headers, body: Buffer.concat(parts), length: nl + 4 };
        parts.push(buf.subarray(nl + 2, nl + 2 + size));
        p = nl + 2 + size + 2;
      }
    }
    if (status === 204 || status === 304) return { status, reason: m[2], headers, body: Buffer.alloc(0), length: bodyStart };
    if (!closed) return null;   // body runs to the end of the connection
    return { status, reason: m[2], headers, body: buf.subarray(bodyStart), length: buf.length };
  }
}

export class Server {
  constructor() {
    this.proc = null;
    this.dir = null;
    this.db = null;
    this.base = null;
    this.port = 0;
    this.jar = new CookieJar();
    this.output = '';            // stdout and stderr of the server, as they arrive
    this.checkedUpTo = 0;        // how much of output checkLog() has looked at
    this.exited = null;          // Promise of { code, signal }
    this.exitStatus = null;
  }

  // The server's log so far.
  get log() {
    return this.output;
  }

  // Throw when the log (since the last check) holds a sanitizer report.
  checkLog(what = 'the server log') {
    const from = Math.max(0, this.checkedUpTo - 200);   // a report split across chunks
    const chunk = this.output.slice(from);
    this.checkedUpTo = this.output.length;
    const m = SANITIZER_REPORT.exec(chunk);
    if (m) {
      const at = from + m.index;
      throw new Error(`sanitizer report in ${what}:\n${this.output.slice(Math.max(0, at - 400), at + 6000)}`);
    }
  }

  // A request through fetch: no redirects followed, cookies from and to
  // JAR (the server's own jar unless jar: null or another CookieJar).
  // Returns { status, headers, body (Buffer), text, json, setCookies }.
  async request(path, { method = 'GET', headers = {}, body, jar = this.jar, timeoutMs = 10000 } = {}) {
    const h = new Headers(headers);
    if (jar && !h.has('cookie') && jar.header()) h.set('cookie', jar.header());
    const res = await fetch(path.startsWith('http') ? path : this.base + path, {
      method,
      headers: h,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const buf = Buffer.from(await res.arrayBuffer());
    const setCookies = setCookieLines(res.headers);
    if (jar) jar.store(setCookies);
    const text = buf.toString('utf8');
    let json;
    if (/json/.test(res.headers.get('content-type') || '')) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    this.checkLog(`the server log after ${method} ${path}`);
    return { status: res.status, headers: res.headers, body: buf, text, json, setCookies };
  }

  // Send DATA (Buffer, or a string of one byte per character) on a fresh
  // connection and read the answer. Resolves, never rejects, with
  //   { status, reason, headers, body, raw, closed, timedOut, error }
  // status is null when no complete response came (the server closed the
  // connection or the time ran out). Options:
  //   end: true       half-close after sending (the server sees end of input)
  //   waitClose: true keep reading until the server closes the connection
  //   timeoutMs       give up after this long (timedOut: true)
  rawRequest(data, { end = false, waitClose = false, timeoutMs = 5000 } = {}) {
    const payload = Buffer.isBuffer(data) ? data : bytes(data);
    const head = payload.subarray(0, 5).toString('latin1') === 'HEAD ';
    return new Promise((resolveResult) => {
      const chunks = [];
      let done = false, closed = false, timedOut = false, error = null;
      const sock = net.connect({ host: '127.0.0.1', port: this.port });
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        sock.destroy();
        const raw = Buffer.concat(chunks);
        const r = parseResponse(raw, closed, head) || { status: null, reason: null, headers: {}, body: Buffer.alloc(0) };
        try {
          this.checkLog(`the server log after a raw request (${JSON.stringify(payload.subarray(0, 60).toString('latin1'))}...)`);
        } catch (e) {
          error = error || e.message;
          r.sanitizer = e.message;
        }
        resolveResult({ status: r.status, reason: r.reason, headers: r.headers, body: r.body, raw, closed, timedOut, error, sanitizer: r.sanitizer });
      };
      const timer = setTimeout(() => {
        timedOut = true;
        finish();
      }, timeoutMs);
      sock.on('connect', () => {
        sock.write(payload, (err) => {
          if (err) error = error || err.code || err.message;
          else if (end) sock.end();
        });
      });
      sock.on('data', (d) => {
        chunks.push(d);
        if (!waitClose && parseResponse(Buffer.concat(chunks), false, head)) finish();
      });
      sock.on('error', (err) => {
        // EPIPE / ECONNRESET when the server answers early and closes: keep
        // what was read; 'close' follows.
        error = error || err.code || err.message;
      });
      sock.on('close', () => {
        closed = true;
        finish();
      });
    });
  }

  // The whole database as SQL text, read by Debian's sqlite3 while the
  // server runs (WAL lets a reader in).
  dbDump() {
    return execFileSync('sqlite3', ['-readonly', this.db, '.dump'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  }

  // A digest of dbDump(): equal before and after means nothing was written.
  dbHash() {
    return createHash('sha256').update(this.dbDump()).digest('hex');
  }

  // SIGTERM; require exit status 0 within 10 s and no sanitizer report in
  // the log (LeakSanitizer reports at exit). Removes the temporary
  // directory on success, keeps it for a look otherwise.
  async stop() {
    if (!this.proc) throw new Error('server not started');
    if (this.exitStatus === null) this.proc.kill('SIGTERM');
    let timer;
    const timeout = new Promise((r) => {
      timer = setTimeout(() => r('timeout'), STOP_TIMEOUT_MS);
    });
    const st = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (st === 'timeout') {
      this.proc.kill('SIGKILL');
      await this.exited;
      throw new Error(`shisa serve did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM; log:\n${this.tail()}`);
    }
    this.checkedUpTo = 0;
    this.checkLog('the server log at exit');
    if (st.code !== 0)
      throw new Error(`shisa serve exited with ${st.signal ? `signal ${st.signal}` : `status ${st.code}`}; log:\n${this.tail()}`);
    rmSync(this.dir, { recursive: true, force: true });
    return st;
  }

  // Kill without checks (an after() hook for when a test failed before stop).
  async kill() {
    if (this.proc && this.exitStatus === null) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }

  tail(n = 8000) {
    return this.output.length > n ? `...${this.output.slice(-n)}` : this.output;
  }
}

// Start `shisa serve` on 127.0.0.1:0 with a fresh database in a new
// temporary directory; resolves once it logs "msg=listening addr=...".
// OPTS.args are extra arguments (e.g. ['--set', 'max_body=2048']).
export async function startServer({ args = [], threads = 2, env = {} } = {}) {
  if (!existsSync(shisaBin)) throw new Error(`no server binary at ${shisaBin}: build it, or set SHISA_BIN`);
  const s = new Server();
  s.dir = mkdtempSync(join(tmpdir(), 'shisa-http-'));
  s.db = join(s.dir, 'shisa.db');
  s.proc = spawn(shisaBin, ['serve', '--db', s.db, '--listen', '127.0.0.1:0', '--threads', String(threads), ...args], {
    cwd: s.dir,   // no stray ./shisa.conf
    env: { ...process.env, ...sanitizerEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (d) => {
    s.output += d.toString('utf8');
  };
  s.proc.stdout.on('data', collect);
  s.proc.stderr.on('data', collect);
  s.exited = new Promise((r) => {
    s.proc.on('close', (code, signal) => {
      s.exitStatus = { code, signal };
      r(s.exitStatus);
    });
  });
  const addr = await new Promise((resolveAddr, rejectAddr) => {
    const timer = setTimeout(() => {
      rejectAddr(new Error(`shisa serve did not start within ${START_TIMEOUT_MS / 1000} s; log:\n${s.tail()}`));
    }, START_TIMEOUT_MS);
    const look = () => {
      const m = /msg=listening addr=(\S+)/.exec(s.output);
      if (m) {
        clearTimeout(timer);
        resolveAddr(m[1]);
      }
    };
    s.proc.stderr.on('data', look);
    s.exited.then((st) => {
      clearTimeout(timer);
      rejectAddr(new Error(`shisa serve exited (${st.code ?? st.signal}) before listening; log:\n${s.tail()}`));
    });
  });
  s.base = `http://${addr}`;
  s.port = Number(addr.slice(addr.lastIndexOf(':') + 1));
  return s;
}

// The last test of a file: the server must stop cleanly.
export function stopTest(srv) {
  test('shisa serve stops on SIGTERM: exit 0 within 10 s, no sanitizer report in its log', async () => {
    await srv.stop();
  });
}

// The JSON error shape of every API error:
//   {"error":{"code":"...","message":"...","request_id":"...", "fields":{...}?}}
// Returns the error object.
export function apiError(r) {
  if (!/^application\/json/.test(r.headers.get ? r.headers.get('content-type') : r.headers['content-type']))
    throw new Error(`want a JSON error, got content-type ${r.headers.get ? r.headers.get('content-type') : r.headers['content-type']}: ${r.text ?? r.body}`);
  const j = r.json ?? JSON.parse(r.text ?? r.body.toString('utf8'));
  const e = j && j.error;
  if (!e || typeof e.code !== 'string' || !e.code || typeof e.message !== 'string' || !e.message)
    throw new Error(`not the error shape {"error":{"code","message",...}}: ${JSON.stringify(j)}`);
  return e;
}
