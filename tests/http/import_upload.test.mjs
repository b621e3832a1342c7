// The import page takes a file upload (multipart/form-data, RFC 7578) as
// well as pasted text: node's own FormData builds the bodies a browser
// would, and hand-made bodies check that every malformed upload gets a
// readable error page in the reader's language, that the CSRF token is
// read from the upload too, and that nothing is written. The server runs
// with a small body limit (256 KiB) so an oversized upload is cheap.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startServer, stopTest } from './harness.mjs';
import { csrfIn, setupSecretariat, sql } from './accounts.mjs';

const MAX_BODY = 256 * 1024;
const srv = await startServer({ args: ['--set', `max_body=${MAX_BODY}`] });
after(() => srv.kill());
const sec = await setupSecretariat(srv, { email: 'sec@example.jp' });

async function token() {
  const page = await srv.request('/admin/directory/import', { jar: sec.jar });
  assert.equal(page.status, 200);
  return csrfIn(page.text);
}

// The form as Chromium sends it: every field, and the file input even
// when no file was chosen (an empty part with filename="").
async function upload({ file = null, name = 'teams.csv', type = 'text/csv', content = '', format = '', dryRun = false, lang = 'en', csrf } = {}) {
  const form = new FormData();
  form.append('_csrf', csrf === undefined ? await token() : csrf);
  form.append('format', format);
  form.append('team', '');
  form.append('file', new Blob(file === null ? [] : [file], { type: file === null ? 'application/octet-stream' : type }), file === null ? '' : name);
  form.append('content', content);
  if (dryRun) form.append('dry_run', '1');
  return srv.request(`/admin/directory/import?lang=${lang}`, { method: 'POST', jar: sec.jar, body: form });
}

// A hand-made body with Content-Type TYPE.
async function raw(type, body, lang = 'en') {
  return srv.request(`/admin/directory/import?lang=${lang}`, {
    method: 'POST', jar: sec.jar, headers: { 'content-type': type }, body,
  });
}

const csv = 'slug,name_en,country\r\nup-one,Upload One,JP\r\nup-two,Upload Two,JP\r\n';

test('the page offers a file input next to the textarea, in a multipart form', async () => {
  const page = await srv.request('/admin/directory/import?lang=ja', { jar: sec.jar });
  assert.match(page.text, /<form method="post" action="\/admin\/directory\/import" enctype="multipart\/form-data">/);
  assert.match(page.text, /<label for="file">ファイル<\/label>\s*<input id="file" name="file" type="file"/);
  assert.match(page.text, /<textarea id="content" name="content"/);
});

test('a CSV file uploaded: created, the report names the file, the text is not echoed', async () => {
  const dry = await upload({ file: csv, dryRun: true });
  assert.equal(dry.status, 200, dry.text.slice(0, 2000));
  assert.match(dry.text, /Teams that would be created/);
  assert.equal(sql(srv, "SELECT count(*) FROM teams WHERE slug LIKE 'up-%'"), '0');

  const r = await upload({ file: csv });
  assert.equal(r.status, 200, r.text.slice(0, 2000));
  assert.match(r.text, /Imported\./);
  assert.match(r.text, /File: <code>teams\.csv<\/code>/);
  assert.match(r.text, /Format: <code>csv<\/code> \(guessed from the content\)/);
  assert.match(r.text, /<a href="\/directory\/up-one">up-one<\/a> <a href="\/directory\/up-two">up-two<\/a>/);
  assert.match(r.text, /<textarea id="content" name="content"[^>]*><\/textarea>/, 'a file is not pasted back');
  assert.equal(sql(srv, "SELECT name_en FROM teams WHERE slug = 'up-two'"), 'Upload Two');
  assert.equal(sql(srv, "SELECT count(*) FROM audit_log WHERE action = 'team.import'"), '2');
});

test('an RFC 2350 file: a refused value writes nothing and says which line; the corrected file imports', async () => {
  const doc = [
    'Description of Upload CSIRT, according to RFC 2350', '',
    '1. Document Information', '   Version 1, 2026-01-05.',
    '2.1 Name of the Team', '   Upload CSIRT (UC)',
    '2.3 Time Zone', '   Asia/Tokyo',
    '2.7 Electronic Mail Address', '   csirt@upload.example.jp',
    '3.1 Mission Statement', '   We read files.', ''].join('\r\n');
  const bad = doc.replace('Asia/Tokyo', 'Mars/Olympus');
  const before = srv.dbHash();
  const refused = await upload({ file: bad, name: 'rfc2350 – チーム.txt', type: 'text/plain', lang: 'ja' });
  assert.equal(refused.status, 422);
  assert.match(refused.text, /拒否された行があるため、何も書き込んでいません/);
  assert.match(refused.text, /ファイル： <code>rfc2350 – チーム\.txt<\/code>/);
  assert.match(refused.text, /<code>Mars\/Olympus<\/code><\/td><td><code>tz<\/code>/);
  assert.equal(srv.dbHash(), before);

  const done = await upload({ file: doc, name: 'rfc2350.txt', type: 'text/plain', format: 'rfc2350' });
  assert.equal(done.status, 200, done.text.slice(0, 3000));
  assert.match(done.text, /Imported\./);
  assert.match(done.text, /Format: <code>rfc2350<\/code><\/p>/);
  assert.notEqual(srv.dbHash(), before);
});

test('a file that is not UTF-8 is refused line by line, like a pasted one', async () => {
  const sjis = Buffer.concat([Buffer.from('slug,name_en,country\r\nsj,'), Buffer.from([0x83, 0x65, 0x83, 0x58, 0x83, 0x67]), Buffer.from(',JP\r\n')]);
  const before = srv.dbHash();
  const r = await upload({ file: sjis, name: 'excel.csv' });
  assert.equal(r.status, 422);
  assert.match(r.text, /<td>2<\/td>.*save the file as UTF-8/s);
  assert.equal(srv.dbHash(), before);
});

test('a file or pasted text, one of them: both, neither or an empty file get a field error', async () => {
  const before = srv.dbHash();
  const both = await upload({ file: csv, content: csv });
  assert.equal(both.status, 422);
  assert.match(both.text, /id="file-err" class="field-error">Choose a file or paste its contents, not both/);
  assert.match(both.text, /<input id="file" name="file" type="file"[^>]* aria-invalid="true"/);
  const neither = await upload({});
  assert.equal(neither.status, 422);
  assert.match(neither.text, /id="content-err" class="field-error">Choose a file, or paste its contents\./);
  const empty = await upload({ file: '', name: 'empty.csv' });
  assert.equal(empty.status, 422);
  assert.match(empty.text, /id="file-err" class="field-error">The chosen file is empty\./);
  const emptyJa = await upload({ file: '', name: 'empty.csv', lang: 'ja' });
  assert.match(emptyJa.text, /選んだファイルが空です/);
  assert.equal(srv.dbHash(), before);

  // No file chosen: the pasted text is imported, as from the old form.
  const pasted = await upload({ content: 'slug,name_en\r\nup-paste,Pasted Team\r\n' });
  assert.equal(pasted.status, 200, pasted.text.slice(0, 2000));
  assert.doesNotMatch(pasted.text, /File: /);
  assert.equal(sql(srv, "SELECT name_en FROM teams WHERE slug = 'up-paste'"), 'Pasted Team');
});

test('the CSRF token is read from the upload: missing or wrong, 403 and nothing written', async () => {
  const before = srv.dbHash();
  const csv2 = 'slug,name_en\r\nup-csrf,Forged\r\n';
  const none = await upload({ file: csv2, csrf: '' });
  assert.equal(none.status, 403);
  const wrong = await upload({ file: csv2, csrf: 'x'.repeat(43) });
  assert.equal(wrong.status, 403);
  assert.equal(srv.dbHash(), before);
});

test('malformed uploads: a readable error page in the reader\'s language, nothing written', async () => {
  const tok = await token();
  const head = (name, extra = '') => `Content-Disposition: form-data; name="${name}"${extra}\r\n`;
  const good = `--xyz\r\n${head('_csrf')}\r\n${tok}\r\n--xyz\r\n${head('file', '; filename="a.csv"')}Content-Type: text/csv\r\n\r\n${csv}\r\n--xyz--\r\n`;
  const before = srv.dbHash();
  const cases = [
    ['no boundary', 'multipart/form-data', good, 400, /names no valid boundary/],
    ['an empty boundary', 'multipart/form-data; boundary=""', good, 400, /names no valid boundary/],
    ['another boundary', 'multipart/form-data; boundary=abc', good, 400, /does not contain the boundary/],
    ['cut short', 'multipart/form-data; boundary=xyz', good.slice(0, good.length - 40), 400, /ends before its closing boundary/],
    ['no closing boundary', 'multipart/form-data; boundary=xyz', good.replace('--xyz--\r\n', '--xyz'), 400, /ends before its closing boundary/],
    ['bare LFs', 'multipart/form-data; boundary=xyz', good.replaceAll('\r\n', '\n'), 400, /every line ends in CRLF/],
    ['no Content-Disposition', 'multipart/form-data; boundary=xyz', good.replace(head('_csrf'), 'X-Nothing: 1\r\n'), 400, /needs a Content-Disposition/],
    ['base64', 'multipart/form-data; boundary=xyz', good.replace('Content-Type: text/csv', 'Content-Transfer-Encoding: base64'), 400, /is malformed/],
    ['a text field not UTF-8', 'multipart/form-data; boundary=xyz', Buffer.concat([Buffer.from(`--xyz\r\n${head('team')}\r\n`), Buffer.from([0xff]), Buffer.from(`\r\n${good.slice(2)}`)]), 400, /not valid UTF-8/],
    ['too many parts', 'multipart/form-data; boundary=xyz', `--xyz\r\n${head('x')}\r\n1\r\n`.repeat(65) + good, 400, /too many parts/],
    ['headers too large', 'multipart/form-data; boundary=xyz', good.replace(head('_csrf'), head('_csrf') + `X-Long: ${'x'.repeat(5000)}\r\n`), 413, /or its headers, is too large/],
    ['over the body limit', 'multipart/form-data; boundary=xyz', good.replace(csv, 'x'.repeat(MAX_BODY)), 413, /too large/],
    ['neither form type', 'text/plain', csv, 415, /multipart\/form-data or application\/x-www-form-urlencoded/],
  ];
  for (const [why, type, body, status, message] of cases) {
    const r = await raw(type, body);
    assert.equal(r.status, status, `${why}: ${r.text.slice(0, 500)}`);
    assert.match(r.headers.get('content-type'), /^text\/html/, why);
    assert.match(r.text, message, why);
    assert.match(r.text, /<html/, `${why}: an error page`);
  }
  const ja = await raw('multipart/form-data; boundary=xyz', good.slice(0, 100), 'ja');
  assert.equal(ja.status, 400);
  assert.match(ja.text, /アップロードが終わりの boundary の前で途切れています/);
  assert.equal(srv.dbHash(), before);
  assert.equal((await srv.request('/healthz')).status, 200);

  // And the same body, well formed, is imported.
  const ok = await raw('multipart/form-data; boundary=xyz', good.replace(csv, 'slug,name_en\r\nup-raw,Raw Team\r\n'));
  assert.equal(ok.status, 200, ok.text.slice(0, 2000));
  assert.equal(sql(srv, "SELECT name_en FROM teams WHERE slug = 'up-raw'"), 'Raw Team');
});

test('the API takes no multipart: 415, it wants the file as the body', async () => {
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'teams.csv');
  const r = await srv.request('/api/v1/teams/import', {
    method: 'POST', jar: sec.jar, headers: { 'x-csrf-token': await token() }, body: form,
  });
  assert.equal(r.status, 415);
});

stopTest(srv);
