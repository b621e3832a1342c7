/* The audit chain: intact chains verify, and any edit or deletion is found
 * at the row where it happened. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "audit/audit.h"
#include "testutil.h"

static void write_rows(struct db *db, int n)
{
	assert_int_equal(db_begin(db), 0);
	for (int i = 0; i < n; i++) {
		char oid[16];
		snprintf(oid, sizeof(oid), "%d", i + 1);
		struct audit_entry e = {
			.actor_user_id = 7, .actor_org_id = 3, .action = "user.create",
			.object_type = "user", .object_id = oid, .request_id = "cli",
			.client_addr = "127.0.0.1", .detail = "{\"email\":\"a@example.jp\"}",
		};
		assert_true(audit_write(db, &e) > 0);
	}
	assert_int_equal(db_commit(db), 0);
}

static void intact_chain_verifies(void **state)
{
	struct testdb t;
	struct audit_check chk;
	testdb_open(&t);
	assert_int_equal(audit_verify(&t.db, &chk), 0);
	assert_int_equal(chk.checked, 0);
	write_rows(&t.db, 5);
	assert_int_equal(audit_verify(&t.db, &chk), 0);
	assert_int_equal(chk.checked, 5);
	assert_int_equal(chk.first_broken_id, 0);
	testdb_close(&t);
}

static void edited_row_breaks_the_chain_there(void **state)
{
	struct testdb t;
	struct audit_check chk;
	static const char edit[] = "UPDATE audit_log SET detail = 'nothing to see' WHERE id = 3";
	testdb_open(&t);
	write_rows(&t.db, 5);
	assert_int_equal(db_exec(&t.db, edit), 0);
	assert_int_equal(audit_verify(&t.db, &chk), 1);
	assert_int_equal(chk.first_broken_id, 3);
	testdb_close(&t);
}

static void deleted_row_breaks_the_chain_after_it(void **state)
{
	struct testdb t;
	struct audit_check chk;
	static const char del[] = "DELETE FROM audit_log WHERE id = 2";
	testdb_open(&t);
	write_rows(&t.db, 4);
	assert_int_equal(db_exec(&t.db, del), 0);
	assert_int_equal(audit_verify(&t.db, &chk), 1);
	assert_int_equal(chk.first_broken_id, 3);
	testdb_close(&t);
}

static void rehashed_forgery_is_still_found(void **state)
{
	/* Someone who edits a row and recomputes its own hash still breaks the
	 * next row's prev_hash. */
	struct testdb t;
	struct audit_check chk;
	static const char forge[] = "UPDATE audit_log SET hash = zeroblob(32) WHERE id = 2";
	testdb_open(&t);
	write_rows(&t.db, 3);
	assert_int_equal(db_exec(&t.db, forge), 0);
	assert_int_equal(audit_verify(&t.db, &chk), 1);
	assert_int_equal(chk.first_broken_id, 2);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(intact_chain_verifies),
		cmocka_unit_test(edited_row_breaks_the_chain_there),
		cmocka_unit_test(deleted_row_breaks_the_chain_after_it),
		cmocka_unit_test(rehashed_forgery_is_still_found),
	};
	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
