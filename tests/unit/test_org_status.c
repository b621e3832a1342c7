/* Member status, on a real database: the one rule table, walked for every
 * kind x from x to; a change writes the organisation, its history, its
 * team's state (and left_on, today in the instance's zone, on withdrawal)
 * and a mail to each enabled team admin in their language, and a refused
 * change writes nothing; and the retention erasure takes exactly what it
 * promises from organisations withdrawn long enough ago, once, keeping
 * the team's statistics fields, and counts without writing in a dry run. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "accounts/org_purge.h"
#include "accounts/org_status.h"
#include "core/config.h"
#include "core/i18n.h"
#include "directory/team_store.h"
#include "testutil.h"

#define DAY 86400
#define T0 1700000000LL        /* 2023-11-14 22:13:20 UTC, 2023-11-15 in Tokyo */

static struct config cfg;

static int setup(void **state)
{
	static struct testdb t;
	char err[256];
	assert_int_equal(i18n_load(err, sizeof(err)), 0);
	config_defaults(&cfg);
	testdb_open(&t);
	static const char sql[] =
		"INSERT INTO orgs (id, name, name_ja, kind, created_at) VALUES (1, 'Secretariat', '', 'secretariat', 0),"
		" (7, 'Team Seven', 'チームセブン社', 'member', 0), (8, 'Watcher', '', 'observer', 0),"
		" (9, 'Hopeful', '', 'applicant', 0), (10, 'Sponsor Org', '', 'member', 0);"
		"INSERT INTO users (id, org_id, email, name, role, lang, created_at) VALUES"
		" (1, 1, 'sec@example.jp', 'Sec', 'team_admin', 'en', 0),"
		" (70, 7, 'admin-en@t7.example.jp', 'Alice Admin', 'team_admin', 'en', 0),"
		" (71, 7, 'admin-ja@t7.example.jp', '管理 花子', 'team_admin', 'ja', 0),"
		" (72, 7, 'member@t7.example.jp', 'Mere Member', 'member', 'en', 0);"
		"INSERT INTO users (id, org_id, email, name, role, lang, disabled, created_at) VALUES"
		" (73, 7, 'gone@t7.example.jp', 'Gone Admin', 'team_admin', 'en', 1, 0);"
		"INSERT INTO teams (id, org_id, slug, name_en, name_ja, address_en, website, sector, region, csirt_type,"
		" established, joined, org_department, staff_at_founding, staff_now, created_at, updated_at) VALUES"
		" (1, 7, 'team-seven', 'Team Seven', 'チームセブン', '1-1 Chiyoda', 'https://t7.example.jp/', 'finance',"
		" 'kanto', 'enterprise', '2010-04-01', '2012-06-01', 'it', 3, 12, 0, 0),"
		" (2, 10, 'sponsor', 'Sponsor', '', '', '', '', '', '', '', '', '', NULL, NULL, 0, 0)";
	assert_int_equal(db_exec(&t.db, sql), 0);
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	testdb_close(*state);
	return 0;
}

static int64_t count(struct db *db, const char *sql)
{
	return db_scalar(db, sql);
}

static void every_kind_from_and_to(void **state)
{
	(void)state;
	static const char *const kinds[] = {"member", "observer", "applicant", "secretariat", "club"};
	static const char *const statuses[] = {"active", "suspended", "withdrawn"};
	/* For member and observer organisations: [from][to]. */
	static const enum org_status_verdict want[3][3] = {
		/* to:        active             suspended          withdrawn */
		/* active */ {ORG_STATUS_SAME, ORG_STATUS_OK, ORG_STATUS_OK},
		/* susp. */  {ORG_STATUS_OK, ORG_STATUS_SAME, ORG_STATUS_OK},
		/* withdr. */{ORG_STATUS_FINAL, ORG_STATUS_FINAL, ORG_STATUS_SAME},
	};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		bool has_status = k < 2;
		for (int f = 0; f < 3; f++) {
			for (int t = 0; t < 3; t++) {
				enum org_status_verdict v = org_status_check(kinds[k], statuses[f], statuses[t]);
				enum org_status_verdict w = has_status ? want[f][t] : ORG_STATUS_WRONG_KIND;
				if (v != w)
					fail_msg("%s: %s -> %s gave %d, want %d", kinds[k], statuses[f], statuses[t], v, w);
				assert_true((org_status_refusal_key(v) == NULL) == (v == ORG_STATUS_OK));
			}
			assert_int_equal(org_status_check(kinds[k], statuses[f], "gone"), ORG_STATUS_UNKNOWN);
			assert_int_equal(org_status_check(kinds[k], "gone", statuses[f]), ORG_STATUS_UNKNOWN);
			assert_int_equal(org_status_check(kinds[k], statuses[f], NULL), ORG_STATUS_UNKNOWN);
		}
	}
	assert_int_equal(org_status_check(NULL, "active", "suspended"), ORG_STATUS_WRONG_KIND);
	for (size_t i = 0; org_statuses[i]; i++)
		assert_true(org_status_valid(org_statuses[i]));
	assert_false(org_status_valid("Active"));
	assert_false(org_status_valid(""));
	assert_false(org_status_valid(NULL));
}

static int change(struct db *db, int64_t org_id, const char *to, int64_t now)
{
	struct org o;
	assert_int_equal(org_get(db, org_id, &o), 1);
	struct org_status_change ch = {.org = &o, .to = to, .reason = "Dues unpaid for two years.\nSecond line.",
	                               .actor_user_id = 1, .now = now};
	assert_int_equal(db_begin(db), 0);
	int v = org_status_change(db, &cfg, &ch);
	if (v == ORG_STATUS_OK)
		assert_int_equal(db_commit(db), 0);
	else
		db_rollback(db);
	return v;
}

static void a_change_writes_the_org_its_history_its_team_and_mail(void **state)
{
	struct testdb *t = *state;
	struct db *db = &t->db;
	assert_int_equal(change(db, 7, "suspended", T0), ORG_STATUS_OK);
	struct org o;
	assert_int_equal(org_get(db, 7, &o), 1);
	assert_string_equal(o.status, "suspended");
	assert_int_equal(o.status_changed_at, T0);
	assert_int_equal(count(db, "SELECT count(*) FROM org_status_history WHERE org_id = 7 AND from_status = 'active'"
	                           " AND to_status = 'suspended' AND actor_user_id = 1 AND at = 1700000000"
	                           " AND reason LIKE 'Dues unpaid%Second line.'"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM teams WHERE id = 1 AND state = 'suspended' AND left_on = ''"),
	                 1);
	/* The two enabled team admins, each in their own language; not the
	 * member, not the disabled admin. */
	assert_int_equal(count(db, "SELECT count(*) FROM jobs WHERE kind = 'mail'"), 2);
	assert_int_equal(count(db, "SELECT count(*) FROM jobs WHERE json_extract(payload, '$.to') = 'admin-en@t7.example.jp'"
	                           " AND json_extract(payload, '$.subject') = 'Team Seven: membership suspended'"
	                           " AND json_extract(payload, '$.body') LIKE '%Dues unpaid for two years.%'"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM jobs WHERE json_extract(payload, '$.to') = 'admin-ja@t7.example.jp'"
	                           " AND json_extract(payload, '$.subject') = 'チームセブン社: 会員資格停止のお知らせ'"), 1);

	assert_int_equal(change(db, 7, "active", T0 + DAY), ORG_STATUS_OK);
	assert_int_equal(count(db, "SELECT count(*) FROM teams WHERE id = 1 AND state = 'active' AND left_on = ''"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM jobs WHERE json_extract(payload, '$.subject')"
	                           " = 'Team Seven: membership reinstated'"), 1);

	assert_int_equal(change(db, 7, "withdrawn", T0), ORG_STATUS_OK);
	assert_int_equal(count(db, "SELECT count(*) FROM teams WHERE id = 1 AND state = 'withdrawn'"
	                           " AND left_on = '2023-11-15'"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM jobs WHERE json_extract(payload, '$.body')"
	                           " LIKE '%withdrawal (退会) of Team Seven as of 2023-11-15%After 365 days%'"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM org_status_history WHERE org_id = 7"), 3);

	/* Withdrawal is final: nothing more is written. */
	int64_t jobs = count(db, "SELECT count(*) FROM jobs");
	assert_int_equal(change(db, 7, "active", T0 + 2 * DAY), ORG_STATUS_FINAL);
	assert_int_equal(change(db, 7, "withdrawn", T0 + 2 * DAY), ORG_STATUS_SAME);
	assert_int_equal(count(db, "SELECT count(*) FROM org_status_history WHERE org_id = 7"), 3);
	assert_int_equal(count(db, "SELECT count(*) FROM jobs"), jobs);
	assert_int_equal(count(db, "SELECT status_changed_at FROM orgs WHERE id = 7"), T0);
}

static void refused_changes_write_nothing(void **state)
{
	struct testdb *t = *state;
	struct db *db = &t->db;
	int64_t history = count(db, "SELECT count(*) FROM org_status_history");
	int64_t jobs = count(db, "SELECT count(*) FROM jobs");
	assert_int_equal(change(db, 1, "suspended", T0), ORG_STATUS_WRONG_KIND);
	assert_int_equal(change(db, 9, "withdrawn", T0), ORG_STATUS_WRONG_KIND);
	assert_int_equal(change(db, 8, "active", T0), ORG_STATUS_SAME);
	assert_int_equal(count(db, "SELECT count(*) FROM orgs WHERE status != 'active' AND id != 7"), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM org_status_history"), history);
	assert_int_equal(count(db, "SELECT count(*) FROM jobs"), jobs);
	/* An observer without a team changes like a member; a team made for
	 * it afterwards starts as hidden as the rest of it. */
	assert_int_equal(change(db, 8, "suspended", T0), ORG_STATUS_OK);
	assert_int_equal(count(db, "SELECT count(*) FROM orgs WHERE id = 8 AND status = 'suspended'"), 1);
	int64_t id;
	assert_int_equal(team_create(db, 8, "watchers", "Watchers", T0, &id), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM teams WHERE slug = 'watchers' AND state = 'suspended'"), 1);
	assert_int_equal(team_create(db, 0, "orphans", "Orphans", T0, &id), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM teams WHERE slug = 'orphans' AND state = 'active'"), 1);
}

struct heard {
	int n;
	int64_t rows[ORG_PURGE_KINDS];
	char slug[32];
};

static void hear(const struct org_purge_result *r, void *arg)
{
	struct heard *h = arg;
	h->n++;
	memcpy(h->rows, r->rows, sizeof(h->rows));
	snprintf(h->slug, sizeof(h->slug), "%s", r->team_slug);
	assert_int_equal(r->done, h->n);
}

static int64_t rows_of(const struct heard *h, const char *kind)
{
	for (int i = 0; i < ORG_PURGE_KINDS; i++)
		if (!strcmp(org_purge_kind(i), kind))
			return h->rows[i];
	fail_msg("no kind %s", kind);
	return -1;
}

static void erasure_after_retention_takes_what_it_promises_once(void **state)
{
	struct testdb *t = *state;
	struct db *db = &t->db;
	/* Team Seven withdrew at T0 (above). Give it everything there is. */
	static const char sql[] =
		"UPDATE teams SET address_ja = '千代田 1-1', business_hours_en = '9-17' WHERE id = 1;"
		"INSERT INTO team_people (team_id, name, role, email, visibility) VALUES"
		" (1, 'Pat Person', 'primary_poc', 'pat@t7.example.jp', 'members'), (1, 'Sam', 'member', '', 'public');"
		"INSERT INTO team_contacts (team_id, kind, value, visibility) VALUES (1, 'email_incident', 'csirt@t7.example.jp',"
		" 'public'), (1, 'phone_voice', '+81 3 0000 0000', 'members');"
		"INSERT INTO team_keys (team_id, fingerprint, algo, created, uids, armored, visibility) VALUES"
		" (1, 'AAAA', 'ed25519', 0, '[]', '-----BEGIN PGP PUBLIC KEY BLOCK-----', 'public');"
		"INSERT INTO team_texts (team_id, section, lang, body) VALUES (1, 'overview', 'en', 'We help.');"
		"INSERT INTO team_constituency (team_id, kind, value, visibility) VALUES (1, 'asn', 'AS64500', 'public'),"
		" (1, 'cidr', '192.0.2.0/24', 'public'), (1, 'domain', 't7.example.jp', 'public');"
		"INSERT INTO contact_bounces (team_id, address, status, first_at, last_at) VALUES"
		" (1, 'pat@t7.example.jp', '5.1.1', 0, 0);"
		"INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen_at, expires_at) VALUES"
		" (x'01', 70, 'c', 0, 0, 9999999999);"
		"INSERT INTO api_tokens (user_id, name, token_hash, scope, created_at) VALUES (71, 't', x'02', 'read', 0);"
		"INSERT INTO auth_throttle (key, failures, window_start) VALUES ('user:70', 1, 0), ('user:1', 1, 0);"
		"INSERT INTO applications (id, org_id, state, org_name, contact_name, contact_email, lang, team_draft,"
		" sponsors_required, created_at, updated_at) VALUES (1, 7, 'approved', 'Team Seven', 'Pat Person',"
		" 'pat@t7.example.jp', 'en', '{\"address\":\"x\"}', 2, 0, 0), (2, 9, 'sponsor_review', 'Hopeful', 'Hope',"
		" 'hope@example.jp', 'en', '{}', 2, 0, 0);"
		"INSERT INTO application_sponsors (application_id, team_id, state, statement, answered_by) VALUES"
		" (2, 1, 'supported', 'They are good.', 70);"
		"INSERT INTO application_opinions (application_id, org_id, stance, reason, user_id, at) VALUES"
		" (2, 7, 'support', 'Fine.', 71, 0);";
	assert_int_equal(db_exec(db, sql), 0);
	assert_int_equal(team_search_refresh(db, 1), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM team_search WHERE team_id = 1 AND body LIKE '%We help%'"), 3);
	int64_t audits = count(db, "SELECT count(*) FROM audit_log");

	/* Not before the retention period has passed. */
	struct heard h = {0};
	assert_int_equal(org_purge_run(db, 365, T0 + 364 * DAY, false, "test", hear, &h), 0);
	assert_int_equal(h.n, 0);

	/* A dry run counts and writes nothing. */
	int64_t version = count(db, "SELECT version FROM directory_version");
	assert_int_equal(org_purge_run(db, 365, T0 + 366 * DAY, true, "test", hear, &h), 1);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.slug, "team-seven");
	assert_int_equal(rows_of(&h, "people"), 2);
	assert_int_equal(rows_of(&h, "contacts"), 2);
	assert_int_equal(rows_of(&h, "keys"), 1);
	assert_int_equal(rows_of(&h, "texts"), 1);
	assert_int_equal(rows_of(&h, "constituency"), 3);
	assert_int_equal(rows_of(&h, "bounces"), 1);
	assert_int_equal(rows_of(&h, "record_fields"), 4);
	assert_int_equal(rows_of(&h, "application_contacts"), 1);
	assert_int_equal(rows_of(&h, "sponsor_answer_authors"), 1);
	assert_int_equal(rows_of(&h, "opinion_authors"), 1);
	assert_int_equal(rows_of(&h, "sign_in_throttles"), 1);
	assert_int_equal(rows_of(&h, "users"), 4);
	assert_int_equal(count(db, "SELECT version FROM directory_version"), version);
	assert_int_equal(count(db, "SELECT count(*) FROM team_people"), 2);
	assert_int_equal(count(db, "SELECT count(*) FROM users WHERE org_id = 7"), 4);
	assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), audits);

	/* The real thing. */
	h = (struct heard){0};
	assert_int_equal(org_purge_run(db, 365, T0 + 366 * DAY, false, "test", hear, &h), 1);
	assert_int_equal(rows_of(&h, "users"), 4);
	static const char *const gone[] = {
		"SELECT count(*) FROM team_people WHERE team_id = 1",
		"SELECT count(*) FROM team_contacts WHERE team_id = 1",
		"SELECT count(*) FROM team_keys WHERE team_id = 1",
		"SELECT count(*) FROM team_texts WHERE team_id = 1",
		"SELECT count(*) FROM team_constituency WHERE team_id = 1",
		"SELECT count(*) FROM contact_bounces WHERE team_id = 1",
		"SELECT count(*) FROM users WHERE org_id = 7",
		"SELECT count(*) FROM sessions",
		"SELECT count(*) FROM api_tokens",
		"SELECT count(*) FROM auth_throttle WHERE key = 'user:70'",
		"SELECT count(*) FROM teams WHERE id = 1 AND (address_en != '' OR address_ja != '' OR website != ''"
		" OR business_hours_en != '')",
		"SELECT count(*) FROM applications WHERE id = 1 AND (contact_name != '' OR contact_email != ''"
		" OR team_draft != '{}')",
		"SELECT count(*) FROM application_sponsors WHERE answered_by IS NOT NULL",
		"SELECT count(*) FROM application_opinions WHERE user_id IS NOT NULL",
		"SELECT count(*) FROM team_search WHERE team_id = 1 AND body LIKE '%We help%'",
		NULL,
	};
	for (size_t i = 0; gone[i]; i++)
		if (count(db, gone[i]) != 0)
			fail_msg("still there: %s", gone[i]);
	/* What the statistics need stays, and so does what others wrote. */
	assert_int_equal(count(db, "SELECT count(*) FROM teams WHERE id = 1 AND slug = 'team-seven' AND name_en = 'Team Seven'"
	                           " AND name_ja = 'チームセブン' AND sector = 'finance' AND region = 'kanto'"
	                           " AND csirt_type = 'enterprise' AND established = '2010-04-01' AND joined = '2012-06-01'"
	                           " AND left_on = '2023-11-15' AND org_department = 'it' AND staff_at_founding = 3"
	                           " AND staff_now = 12 AND state = 'withdrawn'"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM application_sponsors WHERE statement = 'They are good.'"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM applications WHERE id = 2 AND contact_email = 'hope@example.jp'"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM auth_throttle WHERE key = 'user:1'"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM org_status_history WHERE org_id = 7"), 3);
	assert_int_equal(count(db, "SELECT count(*) FROM orgs WHERE id = 7 AND purged_at = 1700000000 + 366 * 86400"), 1);
	assert_true(count(db, "SELECT version FROM directory_version") > version);
	/* One audit row, with counts and no values. */
	assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), audits + 1);
	assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'org.purge' AND object_id = '7'"
	                           " AND json_extract(detail, '$.erased.people') = 2"
	                           " AND json_extract(detail, '$.erased.users') = 4 AND request_id = 'test'"
	                           " AND detail NOT LIKE '%pat@%' AND detail NOT LIKE '%Pat%'"), 1);

	/* Once only. */
	h = (struct heard){0};
	assert_int_equal(org_purge_run(db, 365, T0 + 400 * DAY, false, "test", hear, &h), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), audits + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_kind_from_and_to),
		cmocka_unit_test(a_change_writes_the_org_its_history_its_team_and_mail),
		cmocka_unit_test(refused_changes_write_nothing),
		cmocka_unit_test(erasure_after_retention_takes_what_it_promises_once),
	};
	return cmocka_run_group_tests_name("org_status", tests, setup, teardown);
}
