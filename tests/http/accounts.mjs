// Fixtures for tests that need accounts: first-time setup through the real
// /setup page, signing in through the real form, form posts with the CSRF
// token, TOTP codes computed here from the enrolment key (RFC 6238), a
// real smtp-sink to catch the mail the server sends, and SQL through the
// sqlite3 CLI for arranging time (expiry) that a test cannot wait for.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, chmodSync, existsSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CookieJar } from './harness.mjs';

export const PASSWORD = 'correct horse battery staple';

// Run SQL on the server's database (through the sqlite3 CLI, with a busy
// timeout so it waits for the server's writers). Returns stdout.
export function sql(srv, statement) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, statement], { encoding: 'utf8' }).trim();
}

export function sha256hex(s) {
  return createHash('sha256').update(s).digest('hex');
}

// The value of the hidden _csrf field of an HTML page.
export function csrfIn(html) {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no _csrf field in the page');
  return m[1];
}

// POST an urlencoded form to PATH, first loading the page FROM (default
// PATH itself) to get the CSRF token, as a browser would.
export async function postForm(srv, path, fields, { jar = srv.jar, from = null, csrf = undefined } = {}) {
  let token = csrf;
  if (token === undefined) {
    const page = await srv.request(from || path, { jar });
    token = csrfIn(page.text);
  }
  const body = new URLSearchParams({ ...(token === null ? {} : { _csrf: token }), ...fields });
  return srv.request(path, {
    method: 'POST',
    jar,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
}

// Create the first secretariat account through /setup with a setup token
// placed in the database (what `shisa setup-link` does).
export async function setupSecretariat(srv, { email = 'sec@example.jp', name = '事務局 花子', org = 'NCA Secretariat' } = {}) {
  const token = 'T'.repeat(43);
  sql(srv, `INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES (x'${sha256hex(token)}', 0, 9999999999)`);
  const jar = new CookieJar();
  const form = await srv.request(`/setup?token=${token}`, { jar });
  if (form.status !== 200) throw new Error(`setup form: ${form.status}`);
  const r = await postForm(srv, '/setup', { token, org_name: org, name, email, password: PASSWORD, password_confirm: PASSWORD }, { jar, csrf: csrfIn(form.text) });
  if (r.status !== 303) throw new Error(`setup: ${r.status} ${r.text.slice(0, 300)}`);
  return { jar, email, password: PASSWORD };
}

// Sign in through the form; returns the response (303 on success).
export async function signIn(srv, email, password, jar = new CookieJar()) {
  const page = await srv.request('/signin', { jar });
  const r = await postForm(srv, '/signin', { email, password }, { jar, csrf: csrfIn(page.text) });
  return { r, jar };
}

// Insert an organisation and a user with a known password hash copied from
// an existing account (argon2id hashes are not made here).
export function cloneUser(srv, { fromEmail, email, name, orgName, orgKind, role = 'member' }) {
  sql(srv, `INSERT OR IGNORE INTO orgs (name, kind, created_at) VALUES ('${orgName}', '${orgKind}', 0)`);
  sql(srv, `INSERT INTO users (org_id, email, name, role, password_hash, created_at)
            SELECT (SELECT id FROM orgs WHERE name = '${orgName}'), '${email}', '${name}', '${role}', password_hash, 0
            FROM users WHERE email = '${fromEmail}'`);
}

// RFC 6238 TOTP (SHA-1, 30 s, 6 digits) from a base32 key.
export function totp(base32, t = Date.now() / 1000, offsetSteps = 0) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of base32.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 30) + offsetSteps));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const code = ((h.readUInt32BE(o) & 0x7fffffff) % 1000000).toString().padStart(6, '0');
  return code;
}

// A real MTA peer: Debian postfix's smtp-sink on a free loopback port,
// writing each message to a file. Start it before the server and pass
// sink.serverArgs to startServer().
export async function startSmtpSink() {
  const bin = '/usr/sbin/smtp-sink';
  if (!existsSync(bin)) throw new Error(`${bin} not found: install Debian's postfix package`);
  const dir = mkdtempSync(join(tmpdir(), 'shisa-sink-'));
  chmodSync(dir, 0o1777);
  const port = await new Promise((res) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
  const args = [...(process.getuid() === 0 ? ['-u', 'postfix'] : []), '-d', `${dir}/msg.`, `127.0.0.1:${port}`, '16'];
  const proc = spawn(bin, args, { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((res) => {
      const c = net.connect(port, '127.0.0.1', () => { c.end(); res(true); });
      c.on('error', () => res(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    dir,
    serverArgs: ['--set', 'smtp_host=127.0.0.1', '--set', `smtp_port=${port}`, '--set', 'mail_from=noreply@shisa.example'],
    // Every captured message as { rcpt, headers, body (decoded text) }.
    messages() {
      return readdirSync(dir).filter((f) => f.startsWith('msg.')).map((f) => parseCapture(readFileSync(join(dir, f), 'utf8')));
    },
    // Wait for a message to RCPT whose body matches RE.
    async waitFor(rcpt, re = /./, timeoutMs = 15000) {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        const m = this.messages().find((x) => x.rcpt === rcpt && re.test(x.body));
        if (m) return m;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no mail to ${rcpt} matching ${re} within ${timeoutMs} ms`);
    },
    stop() {
      proc.kill('SIGTERM');
    },
  };
}

function parseCapture(text) {
  const rcpt = (/^X-Rcpt-Args: <([^>]+)>/m.exec(text) || [])[1];
  const split = text.indexOf('\n\n', text.indexOf('\nMessage-ID:'));
  const headers = text.slice(0, split);
  const raw = text.slice(split + 2).replace(/\s+/g, '');
  const body = /Content-Transfer-Encoding: base64/i.test(headers) ? Buffer.from(raw, 'base64').toString('utf8') : text.slice(split + 2);
  return { rcpt, headers, body };
}
