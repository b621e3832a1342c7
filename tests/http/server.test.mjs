// The server process itself: dropping privileges after binding, refusing
// bad configuration and a database newer than the binary with a clear
// message, and the worker pool answering while a loop stays responsive.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { shisaBin, startServer } from './harness.mjs';
import { setupSecretariat, signIn } from './accounts.mjs';

function run(args, opts = {}) {
  return spawnSync(shisaBin, args, { encoding: 'utf8', timeout: 20000, ...opts });
}

test('started as root with --user nobody, it serves as nobody', { skip: process.getuid() !== 0 && 'needs root' }, async () => {
  const srv = await startServer({ args: ['--user', 'nobody'] });
  try {
    const status = readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8');
    const uid = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
    const nobody = execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim();
    assert.equal(uid[1], nobody);
    assert.equal(uid[2], nobody);
    assert.match(srv.log, /privileges dropped.*user=nobody/);
    assert.equal((await srv.request('/healthz')).status, 200, 'the database opened before the drop still works');
  } finally {
    await srv.stop();
  }
});

test('started as root without --user, it warns', { skip: process.getuid() !== 0 && 'needs root' }, async () => {
  const srv = await startServer();
  try {
    assert.match(srv.log, /level=warn msg="running as root/);
  } finally {
    await srv.stop();
  }
});

test('an unknown --user, a bad listen address or a bad setting: exit non-zero with a message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shisa-srv-'));
  const db = join(dir, 'x.db');
  const u = run(['serve', '--db', db, '--listen', '127.0.0.1:0', '--user', 'no-such-user-here']);
  assert.notEqual(u.status, 0);
  assert.match(u.stderr, /no-such-user-here: no such user/);
  const l = run(['serve', '--db', db, '--listen', 'localhost']);
  assert.equal(l.status, 1);
  assert.match(l.stderr, /want HOST:PORT/);
  const s = run(['serve', '--db', db, '--set', 'max_body=lots']);
  assert.equal(s.status, 2);
  assert.match(s.stderr, /max_body: want a whole number/);
  const conf = join(dir, 'shisa.conf');
  writeFileSync(conf, 'listen = 127.0.0.1:0\nsession_idle = 5\n');
  const c = run(['serve', '--config', conf, '--db', db]);
  assert.equal(c.status, 1);
  assert.match(c.stderr, /shisa\.conf:2: session_idle: want a whole number from 60/);
  const k = run(['serve', '--db', db, '--set', 'nonsense=1']);
  assert.match(k.stderr, /unknown setting "nonsense"/);
});

test('a database from a newer shisa is refused, untouched', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shisa-srv-'));
  const db = join(dir, 'x.db');
  assert.equal(run(['migrate', '--db', db]).status, 0);
  execFileSync('sqlite3', [db, 'PRAGMA user_version = 999']);
  const before = execFileSync('sqlite3', [db, '.dump'], { encoding: 'utf8' });
  const r = run(['serve', '--db', db, '--listen', '127.0.0.1:0']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /schema version 999 but this shisa knows only up to \d+/);
  assert.equal(execFileSync('sqlite3', [db, '.dump'], { encoding: 'utf8' }), before);
});

test('slow password hashing runs on the worker pool: the loop keeps answering meanwhile', async () => {
  const srv = await startServer({ threads: 1 });
  try {
    const sec = await setupSecretariat(srv);
    // Ten sign-ins (each an argon2id verification) and, at the same time,
    // health checks on the single loop thread.
    const started = Date.now();
    const signins = Promise.all(Array.from({ length: 10 }, () => signIn(srv, sec.email, sec.password)));
    const health = [];
    for (let i = 0; i < 10; i++) {
      const t0 = Date.now();
      assert.equal((await srv.request('/healthz', { jar: null })).status, 200);
      health.push(Date.now() - t0);
    }
    const results = await signins;
    assert.ok(results.every(({ r }) => r.status === 303));
    const slowest = Math.max(...health);
    const total = Date.now() - started;
    assert.ok(slowest < total / 2, `a health check waited ${slowest} ms of ${total} ms: the loop was blocked`);
  } finally {
    await srv.stop();
  }
});

test('behind a trusted proxy that says https: cookies are Secure, HSTS is sent, the client address is the forwarded one', async () => {
  const trusted = await startServer({ args: ['--set', 'trust_proxy=true'] });
  const plain = await startServer();
  try {
    const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' };
    const t = await trusted.request('/signin', { headers });
    assert.ok(t.setCookies.some((c) => /^shisa_csrf=.*; Secure/.test(c)), t.setCookies.join(' | '));
    assert.match(t.headers.get('strict-transport-security') || '', /max-age=/);
    // The log arrives through a pipe, maybe after the response: wait for it.
    for (let i = 0; i < 50 && !/route=\/signin status=200 /.test(trusted.log); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(trusted.log, /route=\/signin status=200 .* addr=203\.0\.113\.9/);
    const p = await plain.request('/signin', { headers });
    assert.ok(p.setCookies.every((c) => !/Secure/.test(c)), 'an untrusted X-Forwarded-Proto is ignored');
    assert.equal(p.headers.get('strict-transport-security'), null);
    for (let i = 0; i < 50 && !/route=\/signin status=200 /.test(plain.log); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(plain.log, /route=\/signin status=200 .* addr=127\.0\.0\.1/);
    assert.doesNotMatch(plain.log, /addr=203\.0\.113\.9/);
  } finally {
    await trusted.stop();
    await plain.stop();
  }
});
