/* Rotating the snapshot key (snapshot_key_history.h) on a real database:
 * without a key nothing happens; a rotation lists the old public key as
 * retired, audits both keys, and leaves the new key in place; the key
 * file's retired lines read back exactly, malformed ones are refused and
 * a file without them reads as before; and a snapshot signed before a
 * rotation is worth what its key's reason says. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "core/clock.h"
#include "core/i18n.h"
#include "directory/snapshot.h"
#include "directory/snapshot_key_history.h"
#include "testutil.h"

static void without_a_key_nothing_is_rotated(void **state)
{
	struct testdb t;
	unsigned char old_pk[SNAPKEY_PK_BYTES], new_pk[SNAPKEY_PK_BYTES];
	testdb_open(&t);
	assert_int_equal(snapkey_rotate(&t.db, SNAPKEY_SUPERSEDED, "tester", old_pk, new_pk), 0);
	assert_int_equal(db_scalar(&t.db, "SELECT count(*) FROM instance_keys"), 0);
	assert_int_equal(db_scalar(&t.db, "SELECT count(*) FROM retired_instance_keys"), 0);
	assert_int_equal(db_scalar(&t.db, "SELECT count(*) FROM audit_log"), 0);
	testdb_close(&t);
}

static void a_rotation_retires_the_old_key_and_audits_both(void **state)
{
	struct testdb t;
	unsigned char pk[SNAPKEY_PK_BYTES], sk[SNAPKEY_SK_BYTES], old_pk[SNAPKEY_PK_BYTES], new_pk[SNAPKEY_PK_BYTES];
	unsigned char now_pk[SNAPKEY_PK_BYTES], now_sk[SNAPKEY_SK_BYTES];
	struct snapkey_history h;
	testdb_open(&t);
	assert_int_equal(snapkey_ensure(&t.db, "cli", "tester", pk, sk), 0);
	assert_int_equal(snapkey_rotate(&t.db, SNAPKEY_SUPERSEDED, "tester", old_pk, new_pk), 1);
	assert_memory_equal(old_pk, pk, sizeof(pk));
	assert_memory_not_equal(new_pk, pk, sizeof(pk));
	assert_int_equal(snapkey_load(&t.db, now_pk, now_sk), 1);
	assert_memory_equal(now_pk, new_pk, sizeof(now_pk));
	/* The new secret key belongs to the new public key. */
	unsigned char derived[SNAPKEY_PK_BYTES];
	crypto_sign_ed25519_sk_to_pk(derived, now_sk);
	assert_memory_equal(derived, new_pk, sizeof(derived));
	assert_int_equal(snapkey_history_load(&t.db, &h), 0);
	assert_int_equal(h.nretired, 1);
	assert_memory_equal(h.retired[0].pk, pk, sizeof(pk));
	assert_int_equal(h.retired[0].reason, SNAPKEY_SUPERSEDED);
	assert_in_range(h.retired[0].retired_at, clock_now() - 5, clock_now());

	char old_text[SNAPKEY_TEXT_LEN + 1], new_text[SNAPKEY_TEXT_LEN + 1], secret[100];
	snapkey_text(pk, old_text);
	snapkey_text(new_pk, new_text);
	sqlite3_stmt *st = db_stmt(&t.db, "SELECT detail FROM audit_log WHERE action = 'snapshot.key_rotate'");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const char *detail = db_col_text(st, 0);
	assert_non_null(strstr(detail, old_text));
	assert_non_null(strstr(detail, new_text));
	assert_non_null(strstr(detail, "\"reason\":\"superseded\""));
	sodium_bin2base64(secret, sizeof(secret), now_sk, 32, sodium_base64_VARIANT_ORIGINAL);
	secret[20] = '\0';
	assert_null(strstr(detail, secret));
	sqlite3_reset(st);

	/* A second rotation, as compromised: newest first. */
	assert_int_equal(snapkey_rotate(&t.db, SNAPKEY_COMPROMISED, NULL, old_pk, new_pk), 1);
	assert_memory_equal(old_pk, now_pk, sizeof(old_pk));
	assert_int_equal(snapkey_history_load(&t.db, &h), 0);
	assert_int_equal(h.nretired, 2);
	assert_memory_equal(h.retired[0].pk, now_pk, sizeof(now_pk));
	assert_int_equal(h.retired[0].reason, SNAPKEY_COMPROMISED);
	assert_memory_equal(h.retired[1].pk, pk, sizeof(pk));
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(now_sk, sizeof(now_sk));
	testdb_close(&t);
}

static void the_key_files_retired_lines_read_back(void **state)
{
	struct snapkey_history h = {.nretired = 2}, got;
	struct buf file;
	crypto_sign_keypair(h.current, (unsigned char[SNAPKEY_SK_BYTES]){0});
	for (size_t i = 0; i < h.nretired; i++) {
		crypto_sign_keypair(h.retired[i].pk, (unsigned char[SNAPKEY_SK_BYTES]){0});
		h.retired[i].retired_at = 1795651200 - (int64_t)i * 86400;
		h.retired[i].reason = i ? SNAPKEY_SUPERSEDED : SNAPKEY_COMPROMISED;
	}
	buf_init(&file, 1 << 16);
	assert_int_equal(snapkey_file_text(h.current, "NCA", &file), 0);
	snapkey_history_text(&h, h.current, &file);
	assert_non_null(strstr(file.data, "\ncompromised 2026-11-26T00:00:00Z ed25519:"));
	assert_non_null(strstr(file.data, "\nsuperseded 2026-11-25T00:00:00Z ed25519:"));
	assert_int_equal(snapkey_history_parse(file.data, file.len, &got), 0);
	assert_memory_equal(got.current, h.current, sizeof(got.current));
	assert_int_equal(got.nretired, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_memory_equal(got.retired[i].pk, h.retired[i].pk, SNAPKEY_PK_BYTES);
		assert_int_equal(got.retired[i].retired_at, h.retired[i].retired_at);
		assert_int_equal(got.retired[i].reason, h.retired[i].reason);
	}
	/* The key older shisa versions read from the same file: the current one. */
	unsigned char first[SNAPKEY_PK_BYTES];
	assert_int_equal(snapkey_parse(file.data, file.len, first), 0);
	assert_memory_equal(first, h.current, sizeof(first));
	/* The current key is never listed as retired in its own file. */
	memcpy(h.retired[1].pk, h.current, SNAPKEY_PK_BYTES);
	buf_reset(&file);
	snapkey_file_text(h.current, "NCA", &file);
	snapkey_history_text(&h, h.current, &file);
	assert_int_equal(snapkey_history_parse(file.data, file.len, &got), 0);
	assert_int_equal(got.nretired, 1);
	buf_release(&file);
}

static void malformed_retired_lines_are_refused(void **state)
{
	struct snapkey_history got;
	char key[SNAPKEY_TEXT_LEN + 1], text[512];
	unsigned char pk[SNAPKEY_PK_BYTES];
	crypto_sign_keypair(pk, (unsigned char[SNAPKEY_SK_BYTES]){0});
	snapkey_text(pk, key);
	const char *bad[] = {
		"superseded",
		"superseded 2026-11-25T00:00:00Z",
		"superseded yesterday %s",
		"superseded 2026-11-25T00:00:00Z ed25519:short",
		"superseded 2026-11-25T00:00:00Z %s extra",
		"compromised 2026-11-25T00:00:00Z AAAA%s",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[200];
		snprintf(line, sizeof(line), bad[i], key);
		snprintf(text, sizeof(text), "%s\n%s\n", key, line);
		if (snapkey_history_parse(text, strlen(text), &got) == 0)
			fail_msg("\"%s\" was read as a retired key", line);
	}
	/* Without a current key there is no key file. */
	snprintf(text, sizeof(text), "superseded 2026-11-25T00:00:00Z %s\n", key);
	assert_int_equal(snapkey_history_parse(text, strlen(text), &got), -1);
	/* A key file without retired lines, or the bare key, reads as before. */
	assert_int_equal(snapkey_history_parse(key, strlen(key), &got), 0);
	assert_int_equal(got.nretired, 0);
	assert_memory_equal(got.current, pk, sizeof(pk));
}

static void a_copy_made_before_a_rotation_is_worth_what_the_reason_says(void **state)
{
	struct testdb t;
	char dir[] = "/tmp/shisa-keyhistory-XXXXXX", err[512], path[128];
	unsigned char pk[SNAPKEY_PK_BYTES], sk[SNAPKEY_SK_BYTES], old_pk[SNAPKEY_PK_BYTES], new_pk[SNAPKEY_PK_BYTES];
	struct snapkey_history h;
	struct snapshot_header hd;
	enum snapshot_check c;
	const struct snapkey_retired *by;
	testdb_open(&t);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(snapkey_ensure(&t.db, "cli", "tester", pk, sk), 0);
	struct snapshot_params p = {
		.instance = "NCA", .url = "", .tz = "Asia/Tokyo", .dir = dir, .html_name = "d.html", .json_name = "d.json",
		.file_mode = 0600,
	};
	struct snapshot_result r;
	assert_int_equal(snapshot_generate(&t.db, &p, pk, sk, &r, err, sizeof(err)), 1);
	snprintf(path, sizeof(path), "%s/d.json", dir);

	assert_int_equal(snapkey_load(&t.db, h.current, NULL), 1);
	assert_int_equal(snapkey_history_load(&t.db, &h), 0);
	assert_int_equal(snapkey_history_verify(&h, path, &hd, &c, &by), SNAPKEY_TRUST_CURRENT);
	assert_int_equal(c, SNAPSHOT_OK);
	assert_null(by);

	assert_int_equal(snapkey_rotate(&t.db, SNAPKEY_SUPERSEDED, NULL, old_pk, new_pk), 1);
	assert_int_equal(snapkey_load(&t.db, h.current, NULL), 1);
	assert_int_equal(snapkey_history_load(&t.db, &h), 0);
	assert_int_equal(snapkey_history_verify(&h, path, &hd, &c, &by), SNAPKEY_TRUST_RETIRED);
	assert_int_equal(c, SNAPSHOT_OK);
	assert_non_null(by);
	assert_memory_equal(by->pk, pk, sizeof(pk));
	/* The same key retired a day before the copy says it was made. */
	h.retired[0].retired_at -= 86400;
	assert_int_equal(snapkey_history_verify(&h, path, &hd, &c, &by), SNAPKEY_TRUST_LATE);
	assert_int_equal(c, SNAPSHOT_OK);
	h.retired[0].reason = SNAPKEY_COMPROMISED;
	assert_int_equal(snapkey_history_verify(&h, path, &hd, &c, &by), SNAPKEY_TRUST_COMPROMISED);
	/* Without the old key in the list: another key. */
	h.nretired = 0;
	snapkey_history_verify(&h, path, &hd, &c, &by);
	assert_int_equal(c, SNAPSHOT_OTHER_KEY);
	assert_null(by);

	unlink(path);
	snprintf(path, sizeof(path), "%s/d.html", dir);
	unlink(path);
	rmdir(dir);
	sodium_memzero(sk, sizeof(sk));
	testdb_close(&t);
}

int main(void)
{
	char err[256];
	if (sodium_init() < 0 || i18n_load(err, sizeof(err)) < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(without_a_key_nothing_is_rotated),
		cmocka_unit_test(a_rotation_retires_the_old_key_and_audits_both),
		cmocka_unit_test(the_key_files_retired_lines_read_back),
		cmocka_unit_test(malformed_retired_lines_are_refused),
		cmocka_unit_test(a_copy_made_before_a_rotation_is_worth_what_the_reason_says),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
