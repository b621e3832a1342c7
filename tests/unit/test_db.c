/* Opening, migrating and the statement cache, on a real SQLite file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "testutil.h"

static void fresh_database_reaches_latest_schema(void **state)
{
	struct testdb t;
	char err[256];
	int applied = -1;
	testdb_open(&t);
	assert_true(migrate_latest() >= 1);
	assert_int_equal(migrate_current(&t.db), migrate_latest());
	assert_int_equal(migrate_run(&t.db, &applied, err, sizeof(err)), 0);
	assert_int_equal(applied, 0);
	static const char q[] = "SELECT count(*) FROM sqlite_master WHERE name = 'audit_log'";
	assert_int_equal(db_scalar(&t.db, q), 1);
	testdb_close(&t);
}

static void newer_database_is_refused_with_a_clear_message(void **state)
{
	struct testdb t;
	char err[512], sql[64];
	testdb_open(&t);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", migrate_latest() + 1);
	assert_int_equal(db_exec(&t.db, sql), 0);
	assert_int_equal(migrate_run(&t.db, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "newer shisa"));
	testdb_close(&t);
}

static void statements_are_prepared_once(void **state)
{
	struct testdb t;
	static const char q[] = "SELECT 1";
	testdb_open(&t);
	sqlite3_stmt *a = db_stmt(&t.db, q), *b = db_stmt(&t.db, q);
	assert_non_null(a);
	assert_ptr_equal(a, b);
	assert_null(db_stmt(&t.db, "SELECT nonsense FROM nowhere"));
	testdb_close(&t);
}

static void rollback_writes_nothing(void **state)
{
	struct testdb t;
	static const char ins[] = "INSERT INTO settings (key, value) VALUES ('k', 'v')";
	static const char count[] = "SELECT count(*) FROM settings";
	testdb_open(&t);
	assert_int_equal(db_begin(&t.db), 0);
	assert_int_equal(db_begin(&t.db), 0); /* nested: counted */
	assert_int_equal(db_run(&t.db, db_stmt(&t.db, ins)), 0);
	assert_int_equal(db_commit(&t.db), 0); /* inner commit keeps the transaction open */
	db_rollback(&t.db);
	assert_int_equal(db_scalar(&t.db, count), 0);
	testdb_close(&t);
}

static void foreign_keys_are_enforced(void **state)
{
	struct testdb t;
	static const char ins[] =
		"INSERT INTO users (org_id, email, name, created_at) VALUES (999, 'a@example.jp', 'A', 0)";
	testdb_open(&t);
	assert_int_equal(db_run(&t.db, db_stmt(&t.db, ins)), -1);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fresh_database_reaches_latest_schema),
		cmocka_unit_test(newer_database_is_refused_with_a_clear_message),
		cmocka_unit_test(statements_are_prepared_once),
		cmocka_unit_test(rollback_writes_nothing),
		cmocka_unit_test(foreign_keys_are_enforced),
	};
	return cmocka_run_group_tests_name("db", tests, NULL, NULL);
}
