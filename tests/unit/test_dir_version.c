/* The directory's change counters (schema/0006_directory_version.sql,
 * dir_version.h), on a real database: every write to a table the
 * directory reads moves the version, whoever makes it; only constituency
 * rules and team states move the rules counter; a deleted team moves both
 * through its cascade; the snapshot key has its own counter; what the
 * directory does not read moves nothing; the random stamp is drawn anew
 * with every counted change; and a snapshot names the stamp it was read
 * at. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>
#include "core/clock.h"
#include "core/i18n.h"
#include "directory/dir_version.h"
#include "directory/snapshot.h"
#include "testutil.h"

struct moved {
	int64_t version, rules, snapshot_key;
};

/* Run SQL on DB and say how far each counter moved. The stamp is drawn
 * anew exactly when the version moves. */
static struct moved run(struct db *db, const char *sql)
{
	struct dir_version before, after;
	assert_int_equal(dir_version_read(db, &before), 0);
	if (db_exec(db, sql) < 0)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db->h));
	assert_int_equal(dir_version_read(db, &after), 0);
	if ((after.stamp != before.stamp) != (after.version != before.version))
		fail_msg("%s: the stamp %s while the version %s", sql, after.stamp != before.stamp ? "moved" : "stayed",
		         after.version != before.version ? "moved" : "stayed");
	return (struct moved){after.version - before.version, after.rules - before.rules,
	                      after.snapshot_key - before.snapshot_key};
}

static void expect(struct db *db, const char *sql, int64_t version, int64_t rules, int64_t key)
{
	struct moved m = run(db, sql);
	if (m.version != version || m.rules != rules || m.snapshot_key != key)
		fail_msg("%s: moved version %lld rules %lld snapshot_key %lld, want %lld %lld %lld", sql,
		         (long long)m.version, (long long)m.rules, (long long)m.snapshot_key, (long long)version,
		         (long long)rules, (long long)key);
}

static void a_new_database_starts_at_zero(void **state)
{
	struct testdb t;
	struct dir_version v;
	testdb_open(&t);
	assert_int_equal(dir_version_read(&t.db, &v), 0);
	assert_int_equal(v.version, 0);
	assert_int_equal(v.rules, 0);
	assert_int_equal(v.snapshot_key, 0);
	testdb_close(&t);
}

static void every_directory_write_moves_the_version_and_rules_move_the_rules(void **state)
{
	struct testdb t;
	testdb_open(&t);
	expect(&t.db, "INSERT INTO teams (id, slug, name_en, created_at, updated_at) VALUES (1, 'a', 'A', 0, 0),"
	              " (2, 'b', 'B', 0, 0)", 2, 0, 0);
	expect(&t.db, "UPDATE teams SET name_ja = 'エー', updated_at = 1 WHERE id = 1", 1, 0, 0);
	expect(&t.db, "UPDATE teams SET last_verified = 100 WHERE id = 1", 1, 0, 0);
	/* A team's state decides whether its rules route. */
	expect(&t.db, "UPDATE teams SET state = 'suspended' WHERE id = 1", 1, 1, 0);
	expect(&t.db, "UPDATE teams SET state = 'suspended' WHERE id = 1", 1, 0, 0);
	expect(&t.db, "INSERT INTO team_texts (team_id, section, lang, body) VALUES (1, 'mission', 'en', 'x')", 1, 0, 0);
	expect(&t.db, "UPDATE team_texts SET body = 'y'", 1, 0, 0);
	expect(&t.db, "INSERT INTO team_visibility (team_id, field, visibility) VALUES (1, 'address', 'members')", 1, 0,
	       0);
	expect(&t.db, "UPDATE team_visibility SET visibility = 'public'", 1, 0, 0);
	expect(&t.db, "INSERT INTO team_contacts (team_id, kind, value, visibility) VALUES"
	              " (1, 'email_incident', 'a@example.jp', 'public')", 1, 0, 0);
	expect(&t.db, "UPDATE team_contacts SET hours = '24/7'", 1, 0, 0);
	expect(&t.db, "INSERT INTO team_people (team_id, name, role, visibility) VALUES (1, 'P', 'primary_poc', 'members')",
	       1, 0, 0);
	expect(&t.db, "UPDATE team_people SET phone = '+81 3-0000-0000'", 1, 0, 0);
	expect(&t.db, "INSERT INTO team_keys (team_id, fingerprint, algo, created, uids, armored, visibility) VALUES"
	              " (1, 'F', 'ed25519', 0, '[]', 'k', 'public')", 1, 0, 0);
	expect(&t.db, "UPDATE team_keys SET expires = 5", 1, 0, 0);
	expect(&t.db, "INSERT INTO team_constituency (team_id, kind, value, visibility) VALUES"
	              " (1, 'cidr', '192.0.2.0/24', 'public'), (1, 'domain', 'a.example.jp', 'public')", 2, 2, 0);
	expect(&t.db, "UPDATE team_constituency SET visibility = 'members' WHERE kind = 'cidr'", 1, 1, 0);
	expect(&t.db, "DELETE FROM team_constituency WHERE kind = 'domain'", 1, 1, 0);
	for (const char *const *sql = (const char *const[]){"DELETE FROM team_texts", "DELETE FROM team_visibility",
	                                                    "DELETE FROM team_contacts", "DELETE FROM team_people",
	                                                    "DELETE FROM team_keys", NULL};
	     *sql; sql++)
		expect(&t.db, *sql, 1, 0, 0);
	/* A team deleted with what it holds: the team and its one rule. */
	expect(&t.db, "INSERT INTO team_contacts (team_id, kind, value, visibility) VALUES"
	              " (1, 'fax', '+81 3-0000-0001', 'members')", 1, 0, 0);
	expect(&t.db, "DELETE FROM teams WHERE id = 1", 3, 2, 0);
	/* A write that changes no row moves nothing. */
	expect(&t.db, "UPDATE teams SET name_en = 'C' WHERE id = 99", 0, 0, 0);
	testdb_close(&t);
}

static void what_the_directory_does_not_read_moves_nothing(void **state)
{
	struct testdb t;
	testdb_open(&t);
	expect(&t.db, "INSERT INTO teams (id, slug, name_en, created_at, updated_at) VALUES (1, 'a', 'A', 0, 0)", 1, 0, 0);
	expect(&t.db, "INSERT INTO team_reminders (team_id, period, seq, kind, sent_at, recipients) VALUES"
	              " (1, 0, 0, 'due', 0, 1)", 0, 0, 0);
	expect(&t.db, "INSERT INTO contact_bounces (team_id, address, status, first_at, last_at) VALUES"
	              " (1, 'a@example.jp', '5.1.1', 0, 0)", 0, 0, 0);
	expect(&t.db, "INSERT INTO periodic_tasks (name, next_at) VALUES ('x', 0)", 0, 0, 0);
	testdb_close(&t);
}

static void the_snapshot_key_has_its_own_counter(void **state)
{
	struct testdb t;
	unsigned char pk[SNAPKEY_PK_BYTES], sk[SNAPKEY_SK_BYTES];
	struct dir_version before, after;
	testdb_open(&t);
	assert_int_equal(dir_version_read(&t.db, &before), 0);
	assert_int_equal(snapkey_ensure(&t.db, "cli", "tester", pk, sk), 0);
	assert_int_equal(snapkey_ensure(&t.db, "cli", "tester", pk, sk), 0);
	assert_int_equal(dir_version_read(&t.db, &after), 0);
	assert_int_equal(after.snapshot_key - before.snapshot_key, 1);
	assert_int_equal(after.version, before.version);
	assert_int_equal(after.rules, before.rules);
	testdb_close(&t);
}

static void a_snapshot_names_the_state_it_was_read_at(void **state)
{
	struct testdb t;
	char dir[] = "/tmp/shisa-dirversion-XXXXXX", err[512], path[128];
	unsigned char pk[SNAPKEY_PK_BYTES], sk[SNAPKEY_SK_BYTES];
	struct dir_version v;
	testdb_open(&t);
	assert_non_null(mkdtemp(dir));
	crypto_sign_keypair(pk, sk);
	run(&t.db, "INSERT INTO teams (id, slug, name_en, created_at, updated_at) VALUES (1, 'a', 'A', 0, 0)");
	assert_int_equal(dir_version_read(&t.db, &v), 0);
	struct snapshot_params p = {
		.instance = "NCA", .url = "", .tz = "Asia/Tokyo", .dir = dir, .html_name = "d.html", .json_name = "d.json",
		.file_mode = 0600,
	};
	struct snapshot_result r;
	int64_t before = clock_now();
	assert_int_equal(snapshot_generate(&t.db, &p, pk, sk, &r, err, sizeof(err)), 1);
	assert_true(r.directory_stamp == v.stamp);
	assert_in_range(r.as_of, before, clock_now());
	/* Unchanged: nothing written, and the result says so as of now. */
	char id[sizeof(r.header.content_id)];
	snprintf(id, sizeof(id), "%s", r.header.content_id);
	p.unless_content_id = id;
	assert_int_equal(snapshot_generate(&t.db, &p, pk, sk, &r, err, sizeof(err)), 0);
	assert_string_equal(r.header.content_id, id);
	assert_true(r.directory_stamp == v.stamp);
	for (const char *const *f = (const char *const[]){"d.html", "d.json", NULL}; *f; f++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *f);
		unlink(path);
	}
	rmdir(dir);
	testdb_close(&t);
}

int main(void)
{
	char err[256];
	if (sodium_init() < 0 || i18n_load(err, sizeof(err)) < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_new_database_starts_at_zero),
		cmocka_unit_test(every_directory_write_moves_the_version_and_rules_move_the_rules),
		cmocka_unit_test(what_the_directory_does_not_read_moves_nothing),
		cmocka_unit_test(the_snapshot_key_has_its_own_counter),
		cmocka_unit_test(a_snapshot_names_the_state_it_was_read_at),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
