/* What each reader sees of a team record: every field, at every
 * visibility, for every reader level, and the level of every role. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include "directory/team.h"
#include "testutil.h"

static void make_team(struct db *db)
{
	static const char org[] = "INSERT INTO orgs (id, name, kind, created_at) VALUES (7, 'Team Seven', 'member', 0)";
	static const char team[] =
		"INSERT INTO teams (id, org_id, slug, name_en, name_ja, short_name, registered_name, host_org_en,"
		" host_org_ja, country, region, sector, csirt_type, established, joined, address_en, address_ja, tz,"
		" business_hours_en, business_hours_ja, website, org_department, staff_at_founding, staff_now,"
		" structure_spread, structure_staffing, last_verified, created_at, updated_at) VALUES"
		" (1, 7, 'team-seven', 'Team Seven', 'チームセブン', 'T7', 'T7 reg', 'Host', 'ホスト', 'JP', 'kanto',"
		" 'ict', 'organisational', '2010-04-01', '2012-07-01', 'Tokyo', '東京', 'Asia/Tokyo', '9-17', '9時-17時',"
		" 'https://t7.example.jp/', 'security', 3, 12, 'centralised', 'dedicated', 1700000000, 0, 0)";
	static const char rows[] =
		"INSERT INTO team_contacts (team_id, kind, value, visibility) VALUES"
		" (1, 'email_incident', 'pub@t7.example.jp', 'public'),"
		" (1, 'phone_emergency', '+81 3-0000-0000', 'members'),"
		" (1, 'fax', '+81 3-0000-0001', 'secretariat');"
		"INSERT INTO team_people (team_id, name, role, email, visibility) VALUES"
		" (1, 'Pub Person', 'primary_poc', 'p1@t7.example.jp', 'public'),"
		" (1, 'Mem Person', 'secondary_poc', 'p2@t7.example.jp', 'members'),"
		" (1, 'Sec Person', 'representative', 'p3@t7.example.jp', 'secretariat');"
		"INSERT INTO team_constituency (team_id, kind, value, visibility) VALUES"
		" (1, 'domain', 'pub.example.jp', 'public'), (1, 'cidr', '192.0.2.0/24', 'members'),"
		" (1, 'asn', 'AS64500', 'secretariat');"
		"INSERT INTO team_texts (team_id, section, lang, body) VALUES"
		" (1, 'mission', 'en', 'We help.'), (1, 'mission', 'ja', '支援します。'), (1, 'policies', 'en', 'Secret.');"
		"INSERT INTO team_visibility (team_id, field, visibility) VALUES (1, 'text.policies', 'members')";
	assert_int_equal(db_exec(db, org), 0);
	assert_int_equal(db_exec(db, team), 0);
	assert_int_equal(db_exec(db, rows), 0);
}

static json_t *render(struct db *db, enum dir_level level)
{
	struct team t;
	struct buf b;
	struct jw w;
	assert_int_equal(team_load(db, "team-seven", 0, &t), 1);
	buf_init(&b, 1 << 20);
	jw_init(&w, &b);
	assert_int_equal(team_write_json(db, &t, level, false, &w), 0);
	json_error_t err;
	json_t *v = json_loads(b.data, 0, &err);
	if (!v)
		fail_msg("invalid JSON: %s\n%s", err.text, b.data);
	buf_release(&b);
	return v;
}

static void set_visibility(struct db *db, const char *field, const char *vis)
{
	static const char sql[] =
		"INSERT INTO team_visibility (team_id, field, visibility) VALUES (1, ?, ?)"
		" ON CONFLICT(team_id, field) DO UPDATE SET visibility = excluded.visibility";
	sqlite3_stmt *st = db_stmt(db, sql);
	sqlite3_bind_text(st, 1, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, vis, -1, SQLITE_STATIC);
	assert_int_equal(db_run(db, st), 0);
}

static void every_field_at_every_visibility_for_every_level(void **state)
{
	struct testdb t;
	static const char *const vis[] = {"public", "members", "secretariat"};
	testdb_open(&t);
	make_team(&t.db);
	for (size_t f = 0; f < team_nfields; f++) {
		for (int v = 0; v < 3; v++) {
			set_visibility(&t.db, team_fields[f].name, vis[v]);
			for (int level = DIR_PUBLIC; level <= DIR_ALL; level++) {
				json_t *doc = render(&t.db, level);
				bool shown = json_object_get(doc, team_fields[f].name) != NULL;
				bool want = team_fields[f].locked || v <= level;
				if (shown != want)
					fail_msg("field %s at visibility %s, reader level %d: %s", team_fields[f].name, vis[v],
					         level, shown ? "shown but must not be" : "hidden but must be shown");
				json_decref(doc);
			}
		}
		set_visibility(&t.db, team_fields[f].name, visibility_name(team_fields[f].dflt));
	}
	testdb_close(&t);
}

static size_t count_rows(json_t *doc, const char *list)
{
	return json_array_size(json_object_get(doc, list));
}

static void rows_and_texts_follow_their_own_visibility(void **state)
{
	struct testdb t;
	testdb_open(&t);
	make_team(&t.db);
	static const char *const lists[] = {"contacts", "people", "constituency"};
	for (int level = DIR_PUBLIC; level <= DIR_ALL; level++) {
		json_t *doc = render(&t.db, level);
		for (size_t i = 0; i < 3; i++)
			assert_int_equal(count_rows(doc, lists[i]), (size_t)level + 1);
		json_t *texts = json_object_get(doc, "texts");
		assert_non_null(json_object_get(texts, "mission"));
		assert_int_equal(json_object_get(texts, "policies") != NULL, level >= DIR_MEMBERS);
		/* The visibility settings themselves are for the team and the secretariat. */
		assert_int_equal(json_object_get(doc, "visibility") != NULL, level == DIR_ALL);
		char *text = json_dumps(doc, 0);
		assert_int_equal(strstr(text, "Sec Person") != NULL, level == DIR_ALL);
		assert_int_equal(strstr(text, "+81 3-0000-0000") != NULL, level >= DIR_MEMBERS);
		free(text);
		json_decref(doc);
	}
	testdb_close(&t);
}

static void locked_fields_cannot_be_hidden(void **state)
{
	struct testdb t;
	testdb_open(&t);
	make_team(&t.db);
	set_visibility(&t.db, "name", "secretariat");
	json_t *doc = render(&t.db, DIR_PUBLIC);
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "name"), "ja")), "チームセブン");
	json_decref(doc);
	testdb_close(&t);
}

static void reader_level_of_every_role(void **state)
{
	struct actor a = {0};
	const int64_t team_org = 7;
	for (int r = 0; r < ROLE__COUNT; r++) {
		a.role = r;
		a.user_id = r ? 1 : 0;
		a.org_id = 99;
		enum dir_level want = r == ROLE_SECRETARIAT ? DIR_ALL
		                      : (r == ROLE_MEMBER || r == ROLE_TEAM_ADMIN) ? DIR_MEMBERS : DIR_PUBLIC;
		assert_int_equal(team_level_for(&a, team_org), want);
		a.org_id = team_org;
		assert_int_equal(team_level_for(&a, team_org), r ? DIR_ALL : DIR_PUBLIC);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_field_at_every_visibility_for_every_level),
		cmocka_unit_test(rows_and_texts_follow_their_own_visibility),
		cmocka_unit_test(locked_fields_cannot_be_hidden),
		cmocka_unit_test(reader_level_of_every_role),
	};
	return cmocka_run_group_tests_name("team", tests, NULL, NULL);
}
