/* The signed offline snapshot: a snapshot verifies with its key, and
 * every way of spoiling one is refused with the right answer (a changed
 * byte anywhere, another key, a file cut short at any length, the
 * signature removed, bytes added after it, a newer format); the key file
 * reads back in each of its forms; and a snapshot made from a real
 * database holds what member teams see and nothing the secretariat alone
 * sees, is not rewritten when nothing changed, and leaves nothing behind
 * when cancelled. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>
#include <sys/stat.h>
#include "core/i18n.h"
#include "directory/snapshot.h"
#include "testutil.h"

static unsigned char pk[SNAPKEY_PK_BYTES], sk[SNAPKEY_SK_BYTES];

static struct snapshot_header header_of(enum snapshot_kind kind)
{
	struct snapshot_header h = {.kind = kind, .teams = 2};
	snprintf(h.instance, sizeof(h.instance), "NCA <test> & \"co\" -->");
	snprintf(h.url, sizeof(h.url), "https://shisa.example.jp");
	snprintf(h.generated, sizeof(h.generated), "2026-11-25T10:00:00Z");
	snprintf(h.level, sizeof(h.level), "members");
	snprintf(h.generator, sizeof(h.generator), "shisa test");
	snprintf(h.content_id, sizeof(h.content_id), "%064d", 7);
	snapkey_text(pk, h.public_key);
	return h;
}

/* A signed file of KIND with a small body, as snapshot.c lays it out. */
static void make_file(enum snapshot_kind kind, struct buf *out)
{
	struct snapshot_header h = header_of(kind);
	buf_init(out, 1 << 20);
	assert_int_equal(snapshot_write_header(&h, out), 0);
	if (kind == SNAPSHOT_HTML)
		buf_adds(out, "<html lang=\"ja\"><body><p>チームA +81 3-1234-5678</p></body>\n</html>\n");
	else
		buf_adds(out, "\"teams\":[\n{\"slug\":\"a\",\"name\":{\"ja\":\"チームA\"}}\n],\n");
	size_t len = out->len;
	assert_int_equal(snapshot_write_signature(kind, (const unsigned char *)out->data, len, sk, out), 0);
}

static enum snapshot_check check(const struct buf *b, size_t len, const unsigned char *key)
{
	struct snapshot_header h;
	return snapshot_verify((const unsigned char *)b->data, len, key, &h);
}

static void a_signed_snapshot_verifies_and_its_header_reads_back(void **state)
{
	for (int kind = SNAPSHOT_HTML; kind <= SNAPSHOT_JSON; kind++) {
		struct buf b;
		struct snapshot_header h;
		make_file(kind, &b);
		assert_int_equal(snapshot_verify((const unsigned char *)b.data, b.len, pk, &h), SNAPSHOT_OK);
		assert_int_equal(h.kind, kind);
		assert_int_equal(h.version, SNAPSHOT_VERSION);
		assert_string_equal(h.instance, "NCA <test> & \"co\" -->");
		assert_string_equal(h.generated, "2026-11-25T10:00:00Z");
		assert_int_equal(h.teams, 2);
		/* A final newline lost on the way changes no signed byte. */
		assert_int_equal(check(&b, b.len - 1, pk), SNAPSHOT_OK);
		if (kind == SNAPSHOT_JSON) {
			json_error_t err;
			json_t *doc = json_loadb(b.data, b.len, 0, &err);
			assert_non_null(doc);
			assert_true(json_is_string(json_object_get(doc, "signature")));
			json_decref(doc);
		} else {
			/* The instance name cannot end the header comment early. */
			const char *nl = strchr(b.data + 16, '\n');
			assert_null(memmem(b.data + 16, (size_t)(nl - b.data) - 16 - 4, "-->", 3));
		}
		buf_release(&b);
	}
}

static void any_changed_byte_is_refused(void **state)
{
	for (int kind = SNAPSHOT_HTML; kind <= SNAPSHOT_JSON; kind++) {
		struct buf b;
		make_file(kind, &b);
		for (size_t i = 0; i < b.len; i++) {
			char was = b.data[i];
			b.data[i] = (char)(was ^ 0x20);
			if (check(&b, b.len, pk) == SNAPSHOT_OK)
				fail_msg("kind %d: byte %zu changed (%c) and still verified", kind, i, was);
			b.data[i] = was;
		}
		assert_int_equal(check(&b, b.len, pk), SNAPSHOT_OK);
		/* A changed letter in the body: the signature no longer matches. */
		char *body = strstr(b.data, "チームA");
		body[0] ^= 1;
		assert_int_equal(check(&b, b.len, pk), SNAPSHOT_MISMATCH);
		buf_release(&b);
	}
}

static void another_key_is_named_as_such(void **state)
{
	unsigned char other_pk[SNAPKEY_PK_BYTES], other_sk[SNAPKEY_SK_BYTES];
	crypto_sign_keypair(other_pk, other_sk);
	struct buf b;
	make_file(SNAPSHOT_JSON, &b);
	assert_int_equal(check(&b, b.len, other_pk), SNAPSHOT_OTHER_KEY);
	buf_release(&b);
}

static void a_file_cut_short_anywhere_is_refused(void **state)
{
	for (int kind = SNAPSHOT_HTML; kind <= SNAPSHOT_JSON; kind++) {
		struct buf b;
		make_file(kind, &b);
		for (size_t len = 0; len + 1 < b.len; len++) {
			enum snapshot_check c = check(&b, len, pk);
			if (c == SNAPSHOT_OK)
				fail_msg("kind %d: the first %zu of %zu bytes verified", kind, len, b.len);
		}
		/* Cut inside the body: no signature at the end. */
		assert_int_equal(check(&b, (size_t)(strstr(b.data, "チームA") - b.data), pk), SNAPSHOT_NO_SIGNATURE);
		/* Cut inside the signature line. */
		assert_int_equal(check(&b, b.len - 20, pk), SNAPSHOT_BAD_SIGNATURE_LINE);
		/* Cut inside the header. */
		assert_int_equal(check(&b, 60, pk), SNAPSHOT_BAD_HEADER);
		assert_int_equal(check(&b, 5, pk), SNAPSHOT_NOT_SNAPSHOT);
		buf_release(&b);
	}
}

static void a_missing_signature_or_bytes_after_it_are_refused(void **state)
{
	struct buf b;
	make_file(SNAPSHOT_HTML, &b);
	size_t full = b.len;
	const char *last = memrchr(b.data, '\n', b.len - 1);
	assert_int_equal(check(&b, (size_t)(last - b.data) + 1, pk), SNAPSHOT_NO_SIGNATURE);
	buf_adds(&b, "<p>added later</p>\n");
	assert_int_equal(check(&b, b.len, pk), SNAPSHOT_TRAILING);
	b.len = full;
	buf_adds(&b, "\n");
	assert_int_equal(check(&b, b.len, pk), SNAPSHOT_TRAILING);
	buf_release(&b);
}

static void a_newer_format_or_something_else_is_refused(void **state)
{
	struct buf b;
	make_file(SNAPSHOT_JSON, &b);
	char *v = strstr(b.data, "\"version\":1,");
	v[10] = '9';
	assert_int_equal(check(&b, b.len, pk), SNAPSHOT_NEWER_FORMAT);
	buf_release(&b);
	const char *others[] = {"", "{}", "<!DOCTYPE html>\n<html></html>\n", "{\"snapshot\":{\"format\":\"x\"},\n"};
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		struct snapshot_header h;
		enum snapshot_check c = snapshot_verify((const unsigned char *)others[i], strlen(others[i]), pk, &h);
		assert_true(c == SNAPSHOT_NOT_SNAPSHOT || c == SNAPSHOT_BAD_HEADER);
	}
}

static void the_key_file_reads_back_in_each_form(void **state)
{
	struct buf file;
	unsigned char got[SNAPKEY_PK_BYTES];
	char text[SNAPKEY_TEXT_LEN + 1];
	buf_init(&file, 4096);
	assert_int_equal(snapkey_file_text(pk, "NCA\nfake line", &file), 0);
	assert_non_null(strstr(file.data, "NCA?fake line"));
	assert_int_equal(snapkey_parse(file.data, file.len, got), 0);
	assert_memory_equal(got, pk, sizeof(got));
	/* The PEM block alone, as openssl would write it. */
	const char *pem = strstr(file.data, "-----BEGIN");
	memset(got, 0, sizeof(got));
	assert_int_equal(snapkey_parse(pem, strlen(pem), got), 0);
	assert_memory_equal(got, pk, sizeof(got));
	/* The key line, and the bare base64, with blanks around. */
	snapkey_text(pk, text);
	assert_int_equal(snapkey_parse(text, strlen(text), got), 0);
	char bare[64];
	snprintf(bare, sizeof(bare), "  %s \r\n", text + 8);
	assert_int_equal(snapkey_parse(bare, strlen(bare), got), 0);
	assert_memory_equal(got, pk, sizeof(got));
	const char *bad[] = {"", "ed25519:", "ed25519:AAAA", "# only a comment\n", "-----BEGIN PUBLIC KEY-----\nMCow\n",
	                     "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VuAyEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
	                     "-----END PUBLIC KEY-----\n"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (snapkey_parse(bad[i], strlen(bad[i]), got) == 0)
			fail_msg("\"%s\" was read as a key", bad[i]);
	buf_release(&file);
}

static void the_key_is_made_once_and_kept(void **state)
{
	struct testdb t;
	unsigned char a_pk[SNAPKEY_PK_BYTES], a_sk[SNAPKEY_SK_BYTES], b_pk[SNAPKEY_PK_BYTES], b_sk[SNAPKEY_SK_BYTES];
	testdb_open(&t);
	assert_int_equal(snapkey_load(&t.db, a_pk, NULL), 0);
	assert_int_equal(snapkey_ensure(&t.db, "cli", "tester", a_pk, a_sk), 0);
	assert_int_equal(snapkey_ensure(&t.db, "server", NULL, b_pk, b_sk), 0);
	assert_memory_equal(a_pk, b_pk, sizeof(a_pk));
	assert_memory_equal(a_sk, b_sk, sizeof(a_sk));
	assert_int_equal(db_scalar(&t.db, "SELECT count(*) FROM audit_log WHERE action = 'snapshot.key_create'"), 1);
	/* The audit row names the public key, never the secret one. */
	sqlite3_stmt *st = db_stmt(&t.db, "SELECT detail FROM audit_log WHERE action = 'snapshot.key_create'");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char text[SNAPKEY_TEXT_LEN + 1], secret[100];
	snapkey_text(a_pk, text);
	sodium_bin2base64(secret, sizeof(secret), a_sk, 32, sodium_base64_VARIANT_ORIGINAL);
	secret[20] = '\0';
	assert_non_null(strstr(db_col_text(st, 0), text));
	assert_null(strstr(db_col_text(st, 0), secret));
	sqlite3_reset(st);
	testdb_close(&t);
}

static void make_directory(struct db *db)
{
	static const char sql[] =
		"INSERT INTO teams (id, slug, name_en, name_ja, address_en, org_department, state, created_at, updated_at)"
		" VALUES (1, 'zeta', 'Zeta CSIRT', 'ゼータ', 'Members Street 1', 'Secret Department', 'active', 0, 0),"
		" (2, 'alpha', 'alpha team', 'アルファ', '', '', 'active', 0, 0),"
		" (3, 'gone', 'Gone Team', '', '', '', 'withdrawn', 0, 0);"
		"INSERT INTO team_visibility (team_id, field, visibility) VALUES (1, 'org_department', 'secretariat');"
		"INSERT INTO team_contacts (team_id, kind, value, hours, visibility) VALUES"
		" (1, 'phone_emergency', '+81 3-1111-2222', '24/7', 'members'),"
		" (1, 'email_incident', 'csirt@zeta.example.jp', '', 'public'),"
		" (1, 'fax', '+81 3-9999-9999', '', 'secretariat');"
		"INSERT INTO team_people (team_id, name, role, visibility) VALUES (1, 'Sec Person', 'representative', 'secretariat'),"
		" (1, 'Mem Person', 'primary_poc', 'members');"
		"INSERT INTO team_constituency (team_id, kind, value, visibility) VALUES (1, 'asn', 'AS64500', 'members'),"
		" (1, 'domain', 'hidden.example.jp', 'secretariat')";
	assert_int_equal(db_exec(db, sql), 0);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	struct buf b;
	buf_init(&b, 1 << 24);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return b.data;
}

static int files_in(const char *dir)
{
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.' || strncmp(e->d_name, ".snap", 5) == 0;
	closedir(d);
	return n;
}

static void a_snapshot_of_a_real_directory_shows_what_members_see(void **state)
{
	struct testdb t;
	char dir[] = "/tmp/shisa-snapshot-XXXXXX", err[512], path[128];
	unsigned char dpk[SNAPKEY_PK_BYTES], dsk[SNAPKEY_SK_BYTES];
	testdb_open(&t);
	make_directory(&t.db);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(snapkey_ensure(&t.db, "cli", "tester", dpk, dsk), 0);
	struct snapshot_params p = {
		.instance = "NCA", .url = "", .tz = "Asia/Tokyo", .dir = dir, .html_name = "snap.html",
		.json_name = "snap.json", .file_mode = 0640,
	};
	struct snapshot_result r;
	assert_int_equal(snapshot_generate(&t.db, &p, dpk, dsk, &r, err, sizeof(err)), 1);
	assert_int_equal(r.header.teams, 2);
	for (int kind = SNAPSHOT_HTML; kind <= SNAPSHOT_JSON; kind++) {
		struct snapshot_header h;
		snprintf(path, sizeof(path), "%s/%s", dir, kind == SNAPSHOT_HTML ? "snap.html" : "snap.json");
		assert_int_equal(snapshot_verify_file(path, dpk, &h), SNAPSHOT_OK);
		assert_string_equal(h.content_id, r.header.content_id);
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0640);
		char *text = slurp(path);
		for (const char *const *s = (const char *const[]){"+81 3-1111-2222", "Mem Person", "Members Street 1",
		                                                    "AS64500", "csirt@zeta.example.jp", NULL}; *s; s++)
			if (!strstr(text, *s))
				fail_msg("%s: the members-visible \"%s\" is missing", path, *s);
		for (const char *const *s = (const char *const[]){"Sec Person", "Secret Department", "+81 3-9999-9999",
		                                                    "hidden.example.jp", "Gone Team", NULL}; *s; s++)
			if (strstr(text, *s))
				fail_msg("%s: \"%s\" is not for member teams", path, *s);
		/* Name order, whatever the case: alpha before Zeta. */
		assert_true(strstr(text, "alpha team") < strstr(text, "Zeta CSIRT"));
		if (kind == SNAPSHOT_HTML) {
			assert_non_null(strstr(text, "24/7 emergency / 24 時間緊急連絡先"));
			assert_non_null(strstr(text, "<a href=\"#q-A\">A</a>"));
		}
		free(text);
	}

	/* Nothing changed: nothing is written. */
	struct snapshot_result again;
	p.unless_content_id = r.header.content_id;
	p.html_name = "other.html";
	p.json_name = "other.json";
	assert_int_equal(snapshot_generate(&t.db, &p, dpk, dsk, &again, err, sizeof(err)), 0);
	assert_int_equal(files_in(dir), 2);
	/* A change makes another content id. */
	assert_int_equal(db_exec(&t.db, "UPDATE teams SET name_ja = 'ゼータ改' WHERE id = 1"), 0);
	assert_int_equal(snapshot_generate(&t.db, &p, dpk, dsk, &again, err, sizeof(err)), 1);
	assert_string_not_equal(again.header.content_id, r.header.content_id);
	assert_int_equal(files_in(dir), 4);

	/* Cancelled: nothing written, nothing left behind. */
	atomic_bool cancel = true;
	p.unless_content_id = NULL;
	p.html_name = "cancelled.html";
	p.json_name = "cancelled.json";
	p.cancel = &cancel;
	assert_int_equal(snapshot_generate(&t.db, &p, dpk, dsk, &again, err, sizeof(err)), 0);
	assert_int_equal(files_in(dir), 4);

	/* A folder that is not there: an error that says where, and no file. */
	p.cancel = NULL;
	p.dir = "/nonexistent/snapshot";
	assert_int_equal(snapshot_generate(&t.db, &p, dpk, dsk, &again, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/snapshot"));

	for (const char *const *n = (const char *const[]){"snap.html", "snap.json", "other.html", "other.json", NULL}; *n;
	     n++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *n);
		unlink(path);
	}
	rmdir(dir);
	sodium_memzero(dsk, sizeof(dsk));
	testdb_close(&t);
}

int main(void)
{
	char err[256];
	if (sodium_init() < 0 || i18n_load(err, sizeof(err)) < 0)
		return 1;
	crypto_sign_keypair(pk, sk);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_signed_snapshot_verifies_and_its_header_reads_back),
		cmocka_unit_test(any_changed_byte_is_refused),
		cmocka_unit_test(another_key_is_named_as_such),
		cmocka_unit_test(a_file_cut_short_anywhere_is_refused),
		cmocka_unit_test(a_missing_signature_or_bytes_after_it_are_refused),
		cmocka_unit_test(a_newer_format_or_something_else_is_refused),
		cmocka_unit_test(the_key_file_reads_back_in_each_form),
		cmocka_unit_test(the_key_is_made_once_and_kept),
		cmocka_unit_test(a_snapshot_of_a_real_directory_shows_what_members_see),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
