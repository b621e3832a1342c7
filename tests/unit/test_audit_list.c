/* audit_list: the audit log newest first, each filter alone and together,
 * cursor pages that neither skip nor repeat, the actor's name and
 * organisation joined in, and input that looks like SQL or LIKE patterns
 * taken literally. Dates are whole days in the reader's zone. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "accounts/accounts.h"
#include "audit/audit.h"
#include "core/clock.h"
#include "testutil.h"

#define MAX_SEEN 64

struct seen {
	int n;
	int64_t id[MAX_SEEN];
	char action[MAX_SEEN][40];
	char actor_name[MAX_SEEN][40];
	char org_name[MAX_SEEN][40];
};

static void collect(const struct audit_row *r, void *arg)
{
	struct seen *s = arg;
	assert_true(s->n < MAX_SEEN);
	s->id[s->n] = r->id;
	snprintf(s->action[s->n], sizeof(s->action[0]), "%s", r->action);
	snprintf(s->actor_name[s->n], sizeof(s->actor_name[0]), "%s", r->actor_name);
	snprintf(s->org_name[s->n], sizeof(s->org_name[0]), "%s", r->org_name);
	s->n++;
}

static int list(struct db *db, const struct audit_filter *f, int64_t before, int limit, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return audit_list(db, f, before, limit, collect, s);
}

/* The log every test starts from (ids 1..8), with times set by hand:
 *   1 user.create   by 1 (Aoi, CSIRT-A)   user 10   2026-11-24 23:30 JST
 *   2 user.disable  by 1                  user 10   2026-11-25 00:00 JST
 *   3 session.sign_in by 2 (Ben, CSIRT-B) user 2    2026-11-25 12:00 JST
 *   4 org.create    by 2                  org 5     2026-11-25 23:59:59 JST
 *   5 user.enable   by 2                  user 10   2026-11-26 00:00 JST
 *   6 userXcreate   by the CLI (0)        user 11   2026-11-26 01:00 JST
 *   7 users.export  by a deleted user 99  -         2026-11-26 02:00 JST
 *   8 org.kind      by 1                  org 5     2026-11-26 03:00 JST */
static void seed(struct db *db)
{
	static const struct {
		int64_t actor, org;
		const char *action, *type, *oid, *jst;
	} rows[] = {
		{1, 1, "user.create", "user", "10", "2026-11-24T14:30:00Z"},
		{1, 1, "user.disable", "user", "10", "2026-11-24T15:00:00Z"},
		{2, 2, "session.sign_in", "user", "2", "2026-11-25T03:00:00Z"},
		{2, 2, "org.create", "org", "5", "2026-11-25T14:59:59Z"},
		{2, 2, "user.enable", "user", "10", "2026-11-25T15:00:00Z"},
		{0, 0, "userXcreate", "user", "11", "2026-11-25T16:00:00Z"},
		{99, 2, "users.export", "", "", "2026-11-25T17:00:00Z"},
		{1, 1, "org.kind", "org", "5", "2026-11-25T18:00:00Z"},
	};
	int64_t a, b, u1, u2;
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(org_create(db, "CSIRT-A", "", "member", &a), ACCT_OK);
	assert_int_equal(org_create(db, "CSIRT-B", "", "member", &b), ACCT_OK);
	assert_int_equal(user_create(db, a, "aoi@example.jp", "Aoi", "team_admin", "ja", NULL, &u1), ACCT_OK);
	assert_int_equal(user_create(db, b, "ben@example.jp", "Ben", "member", "en", NULL, &u2), ACCT_OK);
	assert_int_equal(u1, 1);
	assert_int_equal(u2, 2);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct audit_entry e = {
			.actor_user_id = rows[i].actor, .actor_org_id = rows[i].org, .action = rows[i].action,
			.object_type = rows[i].type, .object_id = rows[i].oid, .request_id = "test",
		};
		assert_int_equal(audit_write(db, &e), (int64_t)i + 1);
	}
	assert_int_equal(db_commit(db), 0);
	/* The times are the writer's clock; set them to the table's. */
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		static const char sql[] = "UPDATE audit_log SET ts = ? WHERE id = ?";
		int64_t ts;
		assert_int_equal(clock_parse_iso_utc(rows[i].jst, &ts), 0);
		sqlite3_stmt *st = db_stmt(db, sql);
		sqlite3_bind_int64(st, 1, ts);
		sqlite3_bind_int64(st, 2, (int64_t)i + 1);
		assert_int_equal(db_run(db, st), 0);
	}
}

static void everything_newest_first_with_names(void **state)
{
	struct testdb t;
	struct seen s;
	testdb_open(&t);
	assert_int_equal(list(&t.db, NULL, 0, 50, &s), 0);
	assert_int_equal(audit_last_id(&t.db), 0);
	seed(&t.db);
	assert_int_equal(audit_last_id(&t.db), 8);
	assert_int_equal(list(&t.db, NULL, 0, 50, &s), 8);
	for (int i = 0; i < 8; i++)
		assert_int_equal(s.id[i], 8 - i);
	assert_string_equal(s.action[0], "org.kind");
	assert_string_equal(s.actor_name[0], "Aoi");
	assert_string_equal(s.org_name[0], "CSIRT-A");
	assert_string_equal(s.actor_name[5], "Ben");       /* row 3 */
	assert_string_equal(s.org_name[5], "CSIRT-B");
	assert_string_equal(s.actor_name[2], "");          /* row 6: the command line */
	assert_string_equal(s.org_name[2], "");
	assert_string_equal(s.actor_name[1], "");          /* row 7: a user that no longer exists */
	assert_string_equal(s.org_name[1], "CSIRT-B");
	testdb_close(&t);
}

static void pages_follow_the_cursor_without_gaps(void **state)
{
	struct testdb t;
	struct seen s;
	testdb_open(&t);
	seed(&t.db);
	int64_t before = 0, got[8];
	int total = 0;
	for (int page = 0; page < 3; page++) {
		int n = list(&t.db, NULL, before, 3, &s);
		assert_int_equal(n, page < 2 ? 3 : 2);
		for (int i = 0; i < n; i++)
			got[total++] = s.id[i];
		before = s.id[n - 1];
	}
	assert_int_equal(total, 8);
	for (int i = 0; i < 8; i++)
		assert_int_equal(got[i], 8 - i);
	assert_int_equal(list(&t.db, NULL, 1, 3, &s), 0);   /* nothing older than the first */
	testdb_close(&t);
}

static void action_prefix_is_a_plain_prefix(void **state)
{
	struct testdb t;
	struct seen s;
	testdb_open(&t);
	seed(&t.db);
	assert_int_equal(list(&t.db, &(struct audit_filter){.action_prefix = "user."}, 0, 50, &s), 3);
	assert_int_equal(s.id[0], 5);
	assert_int_equal(s.id[1], 2);
	assert_int_equal(s.id[2], 1);
	assert_int_equal(list(&t.db, &(struct audit_filter){.action_prefix = "user"}, 0, 50, &s), 5);
	assert_int_equal(list(&t.db, &(struct audit_filter){.action_prefix = "user.disable"}, 0, 50, &s), 1);
	assert_int_equal(list(&t.db, &(struct audit_filter){.action_prefix = "org."}, 0, 50, &s), 2);
	/* LIKE wildcards and SQL mean nothing special. */
	assert_int_equal(list(&t.db, &(struct audit_filter){.action_prefix = "user_"}, 0, 50, &s), 0);
	assert_int_equal(list(&t.db, &(struct audit_filter){.action_prefix = "%"}, 0, 50, &s), 0);
	assert_int_equal(list(&t.db, &(struct audit_filter){.action_prefix = "' OR 1=1 --"}, 0, 50, &s), 0);
	assert_int_equal(list(&t.db, &(struct audit_filter){.action_prefix = "USER."}, 0, 50, &s), 0);
	/* An empty prefix is no filter. */
	assert_int_equal(list(&t.db, &(struct audit_filter){.action_prefix = ""}, 0, 50, &s), 8);
	testdb_close(&t);
}

static void actor_and_object_type_match_exactly(void **state)
{
	struct testdb t;
	struct seen s;
	testdb_open(&t);
	seed(&t.db);
	assert_int_equal(list(&t.db, &(struct audit_filter){.actor_user_id = 1}, 0, 50, &s), 3);
	assert_int_equal(list(&t.db, &(struct audit_filter){.actor_user_id = 2}, 0, 50, &s), 3);
	assert_int_equal(list(&t.db, &(struct audit_filter){.actor_user_id = 99}, 0, 50, &s), 1);
	assert_int_equal(list(&t.db, &(struct audit_filter){.actor_user_id = 7}, 0, 50, &s), 0);
	assert_int_equal(list(&t.db, &(struct audit_filter){.object_type = "org"}, 0, 50, &s), 2);
	assert_int_equal(list(&t.db, &(struct audit_filter){.object_type = "user"}, 0, 50, &s), 5);
	assert_int_equal(list(&t.db, &(struct audit_filter){.object_type = "use"}, 0, 50, &s), 0);
	testdb_close(&t);
}

static void dates_are_whole_days_in_the_readers_zone(void **state)
{
	struct testdb t;
	struct seen s;
	int64_t start, end;
	testdb_open(&t);
	seed(&t.db);
	/* 2026-11-25 in Tokyo runs from 2026-11-24T15:00Z for 24 hours. */
	assert_int_equal(clock_local_day("2026-11-25", "Asia/Tokyo", &start, &end), 0);
	assert_int_equal(end - start, 86400);
	struct audit_filter day = {.ts_from = start, .ts_to = end};
	assert_int_equal(list(&t.db, &day, 0, 50, &s), 3);
	assert_int_equal(s.id[0], 4);   /* 23:59:59 is in */
	assert_int_equal(s.id[2], 2);   /* 00:00:00 is in; 23:30 the day before is out */
	/* The same date in UTC is another set of rows. */
	assert_int_equal(clock_local_day("2026-11-25", "UTC", &start, &end), 0);
	assert_int_equal(list(&t.db, &(struct audit_filter){.ts_from = start, .ts_to = end}, 0, 50, &s), 6);
	/* From alone, to alone. */
	assert_int_equal(clock_local_day("2026-11-26", "Asia/Tokyo", &start, &end), 0);
	assert_int_equal(list(&t.db, &(struct audit_filter){.ts_from = start}, 0, 50, &s), 4);
	assert_int_equal(list(&t.db, &(struct audit_filter){.ts_to = start}, 0, 50, &s), 4);
	/* A day with a DST change is not 24 hours long. */
	assert_int_equal(clock_local_day("2026-03-08", "America/New_York", &start, &end), 0);
	assert_int_equal(end - start, 23 * 3600);
	/* Not dates. */
	assert_int_equal(clock_local_day("2026-02-29", "UTC", &start, &end), -1);
	assert_int_equal(clock_local_day("2028-02-29", "UTC", &start, &end), 0);
	assert_int_equal(clock_local_day("2026-13-01", "UTC", &start, &end), -1);
	assert_int_equal(clock_local_day("2026-1-01", "UTC", &start, &end), -1);
	assert_int_equal(clock_local_day("2026-01-01T", "UTC", &start, &end), -1);
	assert_int_equal(clock_local_day("+026-01-01", "UTC", &start, &end), -1);
	testdb_close(&t);
}

static void filters_combine(void **state)
{
	struct testdb t;
	struct seen s;
	int64_t start, end;
	testdb_open(&t);
	seed(&t.db);
	assert_int_equal(clock_local_day("2026-11-25", "Asia/Tokyo", &start, &end), 0);
	struct audit_filter f = {.action_prefix = "user.", .actor_user_id = 1, .object_type = "user",
	                         .ts_from = start, .ts_to = end};
	assert_int_equal(list(&t.db, &f, 0, 50, &s), 1);
	assert_int_equal(s.id[0], 2);
	f.actor_user_id = 2;
	assert_int_equal(list(&t.db, &f, 0, 50, &s), 0);
	f.ts_to = 0;
	assert_int_equal(list(&t.db, &f, 0, 50, &s), 1);
	assert_int_equal(s.id[0], 5);
	/* And with the cursor: nothing of it older than row 5. */
	assert_int_equal(list(&t.db, &f, 5, 50, &s), 0);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(everything_newest_first_with_names),
		cmocka_unit_test(pages_follow_the_cursor_without_gaps),
		cmocka_unit_test(action_prefix_is_a_plain_prefix),
		cmocka_unit_test(actor_and_object_type_match_exactly),
		cmocka_unit_test(dates_are_whole_days_in_the_readers_zone),
		cmocka_unit_test(filters_combine),
	};
	return cmocka_run_group_tests_name("audit_list", tests, NULL, NULL);
}
