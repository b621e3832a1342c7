/* Freshness of the directory, on a real database: the reminder scan sends
 * each reminder of a due period once, on the schedule (lead time, when
 * overdue, then every repeat interval, at most the maximum), to the
 * team's admins in their own language or else to its general contacts in
 * both, never in a dry run, and starts again after a confirmation; and
 * bounces are recorded against every team listing the address, counted,
 * pruned by edits, cleared by confirmation, and flagged in the record. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include "core/i18n.h"
#include "directory/bounce.h"
#include "directory/remind.h"
#include "directory/team.h"
#include "directory/team_store.h"
#include "jobs/periodic.h"
#include "testutil.h"

#define DAY 86400
#define T0 1700000000LL                            /* team-seven last confirmed */
#define DUE (T0 + 4 * (int64_t)TEAM_MONTH_S)       /* and due then */

static const struct remind_config rc = {
	.confirm_months = 4, .lead_days = 14, .repeat_days = 14, .max = 4,
	.base_url = "https://shisa.example.jp", .instance_name = "NCA shisa", .default_lang = "ja", .origin = "test",
};

static int setup(void **state)
{
	static struct testdb t;
	char err[256];
	assert_int_equal(i18n_load(err, sizeof(err)), 0);
	testdb_open(&t);
	static const char sql[] =
		"INSERT INTO orgs (id, name, kind, created_at) VALUES (7, 'Team Seven', 'member', 0);"
		"INSERT INTO users (org_id, email, name, role, lang, tz, disabled, created_at) VALUES"
		" (7, 'admin-en@t7.example.jp', 'Alice Admin', 'team_admin', 'en', 'UTC', 0, 0),"
		" (7, 'admin-ja@t7.example.jp', '管理 花子', 'team_admin', 'ja', 'Asia/Tokyo', 0, 0),"
		" (7, 'member@t7.example.jp', 'Mere Member', 'member', 'en', 'UTC', 0, 0),"
		" (7, 'gone@t7.example.jp', 'Gone Admin', 'team_admin', 'en', 'UTC', 1, 0);"
		"INSERT INTO teams (id, org_id, slug, name_en, name_ja, last_verified, created_at, updated_at)"
		" VALUES (1, 7, 'team-seven', 'Team Seven', 'チームセブン', 1700000000, 0, 0)";
	assert_int_equal(db_exec(&t.db, sql), 0);
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	testdb_close(*state);
	return 0;
}

struct seen {
	int mails, nobody;
	char last_to[128], last_lang[8], last_kind[16];
	int last_number;
};

static void note(const struct remind_mail *m, void *arg)
{
	struct seen *s = arg;
	if (!m->to) {
		s->nobody++;
		return;
	}
	s->mails++;
	snprintf(s->last_to, sizeof(s->last_to), "%s", m->to);
	snprintf(s->last_lang, sizeof(s->last_lang), "%s", m->lang);
	snprintf(s->last_kind, sizeof(s->last_kind), "%s", m->kind);
	s->last_number = m->number;
}

static int scan(struct db *db, int64_t now, bool dry, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return remind_scan(db, &rc, now, dry, note, s);
}

static int64_t count(struct db *db, const char *sql)
{
	return db_scalar(db, sql);
}

/* The payload of mail job number N (from the newest, 0) to TO. */
static json_t *mail_to(struct db *db, const char *to)
{
	static const char sql[] = "SELECT payload FROM jobs WHERE kind = 'mail' AND json_extract(payload, '$.to') = ?"
	                          " ORDER BY id DESC LIMIT 1";
	sqlite3_stmt *st = db_stmt(db, sql);
	sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	json_t *v = json_loads(db_col_text(st, 0), 0, NULL);
	sqlite3_reset(st);
	assert_non_null(v);
	return v;
}

static const char *field(json_t *v, const char *k)
{
	return json_string_value(json_object_get(v, k));
}

static void schedule_of_one_period(void **state)
{
	struct testdb *t = *state;
	struct db *db = &t->db;
	struct seen s;
	assert_int_equal(scan(db, DUE - 20 * DAY, false, &s), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM jobs"), 0);

	/* Fourteen days ahead: the first reminder, to both admins in their language. */
	assert_int_equal(scan(db, DUE - 14 * DAY, false, &s), 1);
	assert_int_equal(s.mails, 2);
	assert_string_equal(s.last_kind, "due");
	assert_int_equal(count(db, "SELECT count(*) FROM jobs WHERE kind = 'mail'"), 2);
	json_t *en = mail_to(db, "admin-en@t7.example.jp"), *ja = mail_to(db, "admin-ja@t7.example.jp");
	assert_string_equal(field(en, "lang"), "en");
	assert_string_equal(field(en, "subject"), "Please confirm your directory record: Team Seven");
	assert_non_null(strstr(field(en, "body"), "Hello Alice Admin,"));
	assert_non_null(strstr(field(en, "body"), "was last confirmed on 2023-11-14. It is due for confirmation on 2024-03-15."));
	assert_non_null(strstr(field(en, "body"), "https://shisa.example.jp/directory/team-seven"));
	assert_non_null(strstr(field(en, "body"), "reminder 1 of at most 4"));
	assert_string_equal(field(ja, "lang"), "ja");
	assert_string_equal(field(ja, "subject"), "ディレクトリ登録情報のご確認のお願い: チームセブン");
	assert_non_null(strstr(field(ja, "body"), "管理 花子 様"));
	assert_non_null(strstr(field(ja, "body"), "https://shisa.example.jp/directory/team-seven"));
	json_decref(en);
	json_decref(ja);
	assert_null(strstr(s.last_to, "member@"));

	/* Never twice: again at once, and until it is overdue. */
	assert_int_equal(scan(db, DUE - 14 * DAY, false, &s), 0);
	assert_int_equal(scan(db, DUE - DAY, false, &s), 0);
	assert_int_equal(s.mails, 0);

	/* When it becomes overdue. */
	assert_int_equal(scan(db, DUE + 1, false, &s), 1);
	assert_string_equal(s.last_kind, "overdue");
	assert_int_equal(s.last_number, 2);
	en = mail_to(db, "admin-en@t7.example.jp");
	assert_string_equal(field(en, "subject"), "Your directory record is overdue for confirmation: Team Seven");
	assert_non_null(strstr(field(en, "body"), "confirmation was due on 2024-03-15"));
	json_decref(en);
	assert_int_equal(scan(db, DUE + 10 * DAY, false, &s), 0);

	/* Then every fourteen days, four in all. */
	assert_int_equal(scan(db, DUE + 1 + 14 * DAY, false, &s), 1);
	assert_int_equal(s.last_number, 3);
	assert_int_equal(scan(db, DUE + 1 + 28 * DAY, false, &s), 1);
	assert_int_equal(s.last_number, 4);
	assert_int_equal(scan(db, DUE + 1 + 42 * DAY, false, &s), 0);
	assert_int_equal(scan(db, DUE + 400 * DAY, false, &s), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM team_reminders WHERE team_id = 1 AND period = 1700000000"), 4);
	assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'team.remind'"), 4);
	assert_int_equal(count(db, "SELECT count(*) FROM jobs WHERE kind = 'mail'"), 8);

	/* A confirmation starts a new period: quiet until it falls due again. */
	int64_t confirmed = DUE + 50 * DAY;
	assert_int_equal(team_confirm(db, 1, confirmed), 0);
	assert_int_equal(scan(db, confirmed + 3600, false, &s), 0);
	int64_t next_due = confirmed + 4 * (int64_t)TEAM_MONTH_S;
	assert_int_equal(scan(db, next_due - 15 * DAY, false, &s), 0);
	assert_int_equal(scan(db, next_due - 14 * DAY, false, &s), 1);
	assert_int_equal(s.last_number, 1);
	assert_string_equal(s.last_kind, "due");
}

static void dry_run_writes_nothing(void **state)
{
	struct testdb *t = *state;
	struct db *db = &t->db;
	struct seen s;
	assert_int_equal(db_exec(db, "UPDATE teams SET last_verified = NULL WHERE id = 1"), 0);
	int64_t jobs = count(db, "SELECT count(*) FROM jobs"), rows = count(db, "SELECT count(*) FROM team_reminders"),
		audit = count(db, "SELECT count(*) FROM audit_log");
	assert_int_equal(scan(db, T0, true, &s), 1);
	assert_int_equal(s.mails, 2);
	assert_string_equal(s.last_kind, "overdue");
	assert_int_equal(count(db, "SELECT count(*) FROM jobs"), jobs);
	assert_int_equal(count(db, "SELECT count(*) FROM team_reminders"), rows);
	assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), audit);
	/* Never confirmed: overdue from the start, and the mail says so. */
	assert_int_equal(scan(db, T0, false, &s), 1);
	json_t *en = mail_to(db, "admin-en@t7.example.jp");
	assert_non_null(strstr(field(en, "body"), "has never been confirmed"));
	json_decref(en);
	assert_int_equal(scan(db, T0 + 3600, true, &s), 0);
}

static void contacts_when_no_admin(void **state)
{
	struct testdb *t = *state;
	struct db *db = &t->db;
	struct seen s;
	static const char sql[] =
		"INSERT INTO teams (id, slug, name_en, name_ja, created_at, updated_at) VALUES"
		" (2, 'no-admins', 'No Admins', 'アドミンなし', 0, 0), (3, 'nobody', 'Nobody', '', 0, 0);"
		"INSERT INTO teams (id, slug, name_en, state, created_at, updated_at) VALUES (4, 'asleep', 'Asleep', 'suspended', 0, 0);"
		"INSERT INTO team_contacts (team_id, kind, value, visibility) VALUES"
		" (2, 'email_incident', 'csirt@no-admins.example.jp', 'public'),"
		" (2, 'email_general', 'info@no-admins.example.jp', 'members'),"
		" (4, 'email_general', 'info@asleep.example.jp', 'public')";
	assert_int_equal(db_exec(db, sql), 0);
	assert_int_equal(scan(db, T0, false, &s), 1);
	assert_int_equal(s.mails, 1);
	assert_int_equal(s.nobody, 1);   /* team 3 */
	assert_string_equal(s.last_to, "info@no-admins.example.jp");
	assert_string_equal(s.last_lang, "ja+en");
	json_t *m = mail_to(db, "info@no-admins.example.jp");
	assert_string_equal(field(m, "lang"), "ja");
	assert_string_equal(field(m, "subject"),
	                    "ディレクトリ登録情報の確認期限が過ぎています: アドミンなし / "
	                    "Your directory record is overdue for confirmation: No Admins");
	assert_non_null(strstr(field(m, "body"), "アドミンなし 様"));
	assert_non_null(strstr(field(m, "body"), "Hello No Admins,"));
	json_decref(m);
	/* No one was reminded for team 3, so nothing is recorded: it is asked again. */
	assert_int_equal(count(db, "SELECT count(*) FROM team_reminders WHERE team_id = 3"), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM team_reminders WHERE team_id = 4"), 0);
	assert_int_equal(scan(db, T0 + 3600, false, &s), 0);
	assert_int_equal(s.nobody, 1);
	/* A general contact that bounces is not written to. */
	assert_int_equal(db_exec(db, "DELETE FROM team_reminders WHERE team_id = 2"), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(bounce_record(db, "INFO@no-admins.example.jp", "5.1.1", "", T0, NULL, NULL), 1);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(scan(db, T0, false, &s), 0);
	assert_int_equal(s.nobody, 2);
	/* With reminders off, nothing at all. */
	struct remind_config off = rc;
	off.max = 0;
	assert_int_equal(remind_scan(db, &off, T0, false, note, &s), 0);
}

static int on_team(int64_t team_id, const char *slug, void *arg)
{
	json_array_append_new(arg, json_string(slug));
	return 0;
}

static void bounces_recorded_pruned_and_cleared(void **state)
{
	struct testdb *t = *state;
	struct db *db = &t->db;
	static const char sql[] =
		"INSERT INTO teams (id, slug, name_en, created_at, updated_at) VALUES (2, 'no-admins', 'No Admins', 0, 0);"
		"INSERT INTO team_contacts (team_id, kind, value, visibility) VALUES"
		" (1, 'email_incident', 'Shared@Example.JP', 'public'), (1, 'email_general', 'keep@t7.example.jp', 'public'),"
		" (1, 'phone_voice', 'shared@example.jp', 'public');"
		"INSERT INTO team_people (team_id, name, role, email, visibility) VALUES"
		" (2, 'Taro', 'primary_poc', 'shared@example.jp', 'members')";
	assert_int_equal(db_exec(db, sql), 0);
	json_t *slugs = json_array();
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(bounce_record(db, "shared@example.jp", "5.1.1", "smtp; 550 unknown", T0, on_team, slugs), 2);
	assert_int_equal(bounce_record(db, "keep@t7.example.jp", "5.2.2", "", T0, on_team, slugs), 1);
	assert_int_equal(bounce_record(db, "SHARED@example.jp", "5.1.1", "smtp; 550 still unknown", T0 + 60, NULL,
	                               NULL), 2);
	assert_int_equal(bounce_record(db, "stranger@example.jp", "5.1.1", "", T0, NULL, NULL), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(json_array_size(slugs), 3);
	assert_string_equal(json_string_value(json_array_get(slugs, 0)), "team-seven");
	assert_string_equal(json_string_value(json_array_get(slugs, 1)), "no-admins");
	json_decref(slugs);
	assert_int_equal(count(db, "SELECT count FROM contact_bounces WHERE team_id = 1 AND address = 'shared@example.jp'"), 2);
	assert_int_equal(count(db, "SELECT last_at FROM contact_bounces WHERE team_id = 2"), T0 + 60);

	/* The team's page flags the rows with that address, whatever its case. */
	json_t *rec = json_pack("{s:[{s:s,s:s},{s:s,s:s},{s:s,s:s}],s:[]}", "contacts", "kind", "email_incident", "value",
	                        "Shared@Example.JP", "kind", "phone_voice", "value", "shared@example.jp", "kind",
	                        "email_general", "value", "other@t7.example.jp", "people");
	assert_int_equal(bounce_mark_record(db, 1, rec, "UTC"), 1);
	json_t *b = json_object_get(json_array_get(json_object_get(rec, "contacts"), 0), "bounce");
	assert_string_equal(json_string_value(json_object_get(b, "status")), "5.1.1");
	assert_string_equal(json_string_value(json_object_get(b, "diagnostic")), "smtp; 550 still unknown");
	assert_int_equal(json_integer_value(json_object_get(b, "count")), 2);
	assert_null(json_object_get(json_array_get(json_object_get(rec, "contacts"), 1), "bounce"));
	json_decref(rec);

	/* An edit that drops an address forgets its bounce, not the others'. */
	struct team_contact keep[] = {{"email_general", "KEEP@t7.example.jp", "", "", VIS_PUBLIC}};
	struct team_change ch = {.contacts_set = true, .contacts = keep, .ncontacts = 1};
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(team_apply(db, 1, &ch, T0), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM contact_bounces WHERE team_id = 1"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM contact_bounces WHERE team_id = 1 AND address = 'keep@t7.example.jp'"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM contact_bounces WHERE team_id = 2"), 1);
	/* A confirmation forgets them all. */
	assert_int_equal(team_confirm(db, 1, T0), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM contact_bounces WHERE team_id = 1"), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM contact_bounces WHERE team_id = 2"), 1);
}

/* The job runner's daily scan: due at once the first time, then a day
 * later, whatever happens in between; a runner that finds another one's
 * claim (or a failed run's lease) leaves it alone. */
static void daily_scan_in_the_runner(void **state)
{
	struct testdb *t = *state;
	struct db *db = &t->db;
	struct config cfg;
	config_defaults(&cfg);
	snprintf(cfg.base_url, sizeof(cfg.base_url), "https://shisa.example.jp");
	/* Other tasks run on their own schedules: look at this one's last run. */
	static const char last_run[] = "SELECT last_at FROM periodic_tasks WHERE name = 'directory.remind'";
	int64_t now = DUE + DAY;
	assert_true(periodic_run_due(db, &cfg, now) >= 1);
	assert_int_equal(count(db, last_run), now);
	assert_int_equal(count(db, "SELECT count(*) FROM team_reminders"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM jobs WHERE kind = 'mail'"), 2);
	assert_int_equal(count(db, "SELECT next_at - last_at FROM periodic_tasks WHERE name = 'directory.remind'"), DAY);
	assert_true(periodic_run_due(db, &cfg, now + 3600) >= 0);
	assert_true(periodic_run_due(db, &cfg, now + DAY - 1) >= 0);
	assert_int_equal(count(db, last_run), now);
	assert_true(periodic_run_due(db, &cfg, now + DAY) >= 1);
	assert_int_equal(count(db, last_run), now + DAY);
	/* The scan itself never repeats a reminder: nothing new a day later. */
	assert_int_equal(count(db, "SELECT count(*) FROM jobs WHERE kind = 'mail'"), 2);
	assert_int_equal(db_exec(db, "UPDATE periodic_tasks SET next_at = next_at + 3600 WHERE name = 'directory.remind'"), 0);
	assert_true(periodic_run_due(db, &cfg, now + 2 * DAY) >= 0);
	assert_int_equal(count(db, last_run), now + DAY);
	assert_true(periodic_run_due(db, &cfg, now + 2 * DAY + 3600) >= 1);
	assert_int_equal(count(db, last_run), now + 2 * DAY + 3600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(schedule_of_one_period, setup, teardown),
		cmocka_unit_test_setup_teardown(dry_run_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(contacts_when_no_admin, setup, teardown),
		cmocka_unit_test_setup_teardown(bounces_recorded_pruned_and_cleared, setup, teardown),
		cmocka_unit_test_setup_teardown(daily_scan_in_the_runner, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
