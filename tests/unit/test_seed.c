/* `shisa dev seed` as a specification: the synthetic teams are records the
 * API itself would accept (each one, read back as its full JSON, passes
 * team_input_read without a single field error and in canonical form),
 * the same seed on the same day gives the same directory, every
 * constituency rule routes to its team at the levels that may see it,
 * and a second run whose slugs are taken names the slug. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "directory/lookup.h"
#include "directory/seed.h"
#include "directory/team_input.h"
#include "directory/team_store.h"
#include "testutil.h"

#define TEAMS 50
#define NOW 1767225600   /* 2026-01-01 */

static void seed(struct testdb *t, uint64_t s)
{
	struct seed_stats st;
	char taken[TEAM_SLUG_MAX + 1];
	testdb_open(t);
	assert_int_equal(db_begin(&t->db), 0);
	assert_int_equal(seed_directory(&t->db, TEAMS, s, NOW, NULL, NULL, &st, taken), 0);
	assert_int_equal(db_commit(&t->db), 0);
	assert_int_equal(st.teams, TEAMS);
	assert_true(st.prefixes4 > 0 && st.prefixes6 > 0 && st.domains >= TEAMS);
}

/* Team number I (by id) as team_write_json writes it at LEVEL. */
static json_t *team_json(struct db *db, int64_t id, enum dir_level level, struct team *t)
{
	struct buf b;
	struct jw w;
	assert_int_equal(team_load(db, NULL, id, t), 1);
	buf_init(&b, 8u << 20);
	jw_init(&w, &b);
	assert_int_equal(team_write_json(db, t, level, false, &w), 0);
	json_error_t err;
	json_t *v = json_loads(b.data, 0, &err);
	if (!v)
		fail_msg("team %lld: invalid JSON: %s", (long long)id, err.text);
	buf_release(&b);
	return v;
}

struct errors {
	const char *slug;
	int count;
};

static void on_error(void *arg, const char *field, const char *msg_key, const char *const vars[])
{
	struct errors *e = arg;
	e->count++;
	print_error("team %s: %s: %s\n", e->slug, field, msg_key);
}

static void same_text(const char *slug, const char *what, const char *stored, const char *canonical)
{
	if (strcmp(stored, canonical) != 0)
		fail_msg("team %s: %s stored as \"%s\", canonical \"%s\"", slug, what, stored, canonical);
}

static void every_team_passes_the_validators_in_canonical_form(void **state)
{
	struct testdb t;
	seed(&t, 1);
	for (int64_t id = 1; id <= TEAMS; id++) {
		struct team team;
		json_t *doc = team_json(&t.db, id, DIR_ALL, &team);
		/* What the record says but nobody types: its identity, state,
		 * confirmation, keys (uploaded apart) and locked visibilities. */
		static const char *const output_only[] = {"slug", "state", "last_verified", "overdue", "keys", NULL};
		for (size_t i = 0; output_only[i]; i++)
			json_object_del(doc, output_only[i]);
		for (size_t i = 0; i < team_nfields; i++)
			if (team_fields[i].locked)
				json_object_del(json_object_get(doc, "visibility"), team_fields[i].name);

		h2o_mem_pool_t pool;
		h2o_mem_init_pool(&pool);
		struct errors e = {team.slug, 0};
		struct team_input in = {&pool, on_error, &e, 0};
		struct team_change ch;
		team_input_read(&in, doc, &ch);
		if (e.count)
			fail_msg("team %s: %d field errors", team.slug, e.count);

		/* Stored values are already canonical: checking them changes nothing. */
		json_t *rules = json_object_get(doc, "constituency"), *contacts = json_object_get(doc, "contacts");
		json_t *people = json_object_get(doc, "people");
		assert_int_equal(ch.nrules, json_array_size(rules));
		for (size_t i = 0; i < ch.nrules; i++)
			same_text(team.slug, "a rule", json_string_value(json_object_get(json_array_get(rules, i), "value")),
			          ch.rules[i].value);
		for (size_t i = 0; i < ch.ncontacts; i++)
			same_text(team.slug, "a contact",
			          json_string_value(json_object_get(json_array_get(contacts, i), "value")), ch.contacts[i].value);
		for (size_t i = 0; i < ch.npeople; i++) {
			json_t *p = json_array_get(people, i);
			same_text(team.slug, "an email", json_string_value(json_object_get(p, "email")), ch.people[i].email);
			same_text(team.slug, "a phone", json_string_value(json_object_get(p, "phone")), ch.people[i].phone);
		}
		static const char *const canonical[] = {"country", "tz", "website", "established", "joined", NULL};
		for (size_t k = 0; canonical[k]; k++)
			for (size_t i = 0; i < team_nfields; i++)
				if (!strcmp(team_fields[i].name, canonical[k]))
					same_text(team.slug, canonical[k], json_string_value(json_object_get(doc, canonical[k])),
					          ch.text[team_field_col(i)]);
		/* Every team can be reached: an incident address and a primary PoC. */
		assert_true(ch.ncontacts >= 1 && !strcmp(ch.contacts[0].kind, "email_incident"));
		assert_true(ch.npeople >= 1 && !strcmp(ch.people[0].role, "primary_poc"));
		h2o_mem_clear_pool(&pool);
		json_decref(doc);
	}
	assert_int_equal(db_scalar(&t.db, "SELECT count(DISTINCT slug) FROM teams"), TEAMS);
	testdb_close(&t);
}

static void the_same_seed_gives_the_same_directory(void **state)
{
	struct testdb a, b, c;
	seed(&a, 7);
	seed(&b, 7);
	seed(&c, 8);
	int differ = 0;
	for (int64_t id = 1; id <= TEAMS; id++) {
		struct team ta, tb, tc;
		json_t *ja = team_json(&a.db, id, DIR_ALL, &ta), *jb = team_json(&b.db, id, DIR_ALL, &tb);
		json_t *jc = team_json(&c.db, id, DIR_ALL, &tc);
		if (!json_equal(ja, jb))
			fail_msg("team %lld differs between two runs of seed 7", (long long)id);
		differ += !json_equal(ja, jc);
		json_decref(ja);
		json_decref(jb);
		json_decref(jc);
	}
	assert_int_equal(differ, TEAMS);
	testdb_close(&a);
	testdb_close(&b);
	testdb_close(&c);
}

/* The rule (ID, TEAM) among the matches of QUERY in IX. */
static bool routes(const struct rindex *ix, const char *query, int64_t rule_id, int64_t team_id)
{
	static struct rindex_match m[4096];
	struct rindex_query q;
	if (rindex_parse_query(query, &q) != RINDEX_OK)
		fail_msg("query %s does not parse", query);
	size_t n = rindex_lookup(ix, &q, m, 4096);
	assert_true(n <= 4096);
	for (size_t i = 0; i < n; i++)
		if (m[i].rule_id == rule_id && m[i].team_id == team_id)
			return true;
	return false;
}

static void every_rule_routes_to_its_team_where_its_visibility_allows(void **state)
{
	static const char sql[] =
		"SELECT id, team_id, kind, value, visibility FROM team_constituency WHERE kind IN ('asn', 'cidr', 'domain')";
	struct testdb t;
	seed(&t, 1);
	struct rindex *ix[DIR_ALL + 1];
	for (int l = 0; l <= DIR_ALL; l++)
		assert_non_null(ix[l] = lookup_build(&t.db, (enum dir_level)l));
	sqlite3_stmt *st = db_stmt(&t.db, sql);
	int rules = 0, hidden = 0, wildcards = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t rule = sqlite3_column_int64(st, 0), team = sqlite3_column_int64(st, 1);
		const char *value = db_col_text(st, 3);
		char query[300];
		/* A wildcard covers the subdomains, not the name itself. */
		if (!strncmp(value, "*.", 2)) {
			snprintf(query, sizeof(query), "www.%s", value + 2);
			wildcards++;
		} else {
			snprintf(query, sizeof(query), "%s", value);
		}
		enum visibility v;
		assert_int_equal(visibility_parse(db_col_text(st, 4), &v), 0);
		for (int l = 0; l <= DIR_ALL; l++)
			if (routes(ix[l], query, rule, team) != team_visible(v, (enum dir_level)l))
				fail_msg("rule %s of team %lld (%s) at reader level %d", value, (long long)team,
				         visibility_name(v), l);
		rules++;
		hidden += v != VIS_PUBLIC;
	}
	sqlite3_reset(st);
	assert_true(rules > TEAMS && hidden > 0 && wildcards > 0);
	assert_int_equal(rindex_count(ix[DIR_ALL]), (size_t)rules);
	for (int l = 0; l <= DIR_ALL; l++)
		rindex_free(ix[l]);
	testdb_close(&t);
}

static void constituencies_overlap_between_teams(void **state)
{
	/* Networks claimed by two teams, and networks inside another team's. */
	static const char shared[] =
		"SELECT count(*) FROM (SELECT value FROM team_constituency WHERE kind = 'cidr'"
		" GROUP BY value HAVING count(DISTINCT team_id) > 1)";
	struct testdb t;
	testdb_open(&t);
	struct seed_stats st;
	char taken[TEAM_SLUG_MAX + 1];
	assert_int_equal(db_begin(&t.db), 0);
	assert_int_equal(seed_directory(&t.db, 1000, 3, NOW, NULL, NULL, &st, taken), 0);
	assert_int_equal(db_commit(&t.db), 0);
	assert_true(db_scalar(&t.db, shared) > 0);
	/* About ten prefixes a team, so 100,000 teams hold about a million. */
	int64_t prefixes = st.prefixes4 + st.prefixes6;
	if (prefixes < 1000 * 8 || prefixes > 1000 * 13)
		fail_msg("%lld prefixes for 1000 teams", (long long)prefixes);
	struct rindex *ix = lookup_build(&t.db, DIR_ALL);
	assert_non_null(ix);
	static const char cidrs[] = "SELECT value FROM team_constituency WHERE kind = 'cidr' AND value NOT LIKE '%:%'";
	sqlite3_stmt *q = db_stmt(&t.db, cidrs);
	int nested = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct rindex_query rq;
		struct rindex_match m[8];
		assert_int_equal(rindex_parse_query(db_col_text(q, 0), &rq), RINDEX_OK);
		nested += rindex_lookup(ix, &rq, m, 8) > 1;
	}
	sqlite3_reset(q);
	assert_true(nested > (int)st.prefixes4 / 20);
	rindex_free(ix);
	testdb_close(&t);
}

static void a_taken_slug_is_named(void **state)
{
	struct testdb t;
	seed(&t, 1);
	struct seed_stats st;
	char taken[TEAM_SLUG_MAX + 1];
	struct team first;
	assert_int_equal(team_load(&t.db, NULL, 1, &first), 1);
	assert_int_equal(db_begin(&t.db), 0);
	assert_int_equal(seed_directory(&t.db, 10, 1, NOW, NULL, NULL, &st, taken), 1);
	db_rollback(&t.db);
	assert_string_equal(taken, first.slug);
	assert_int_equal(db_scalar(&t.db, "SELECT count(*) FROM teams"), TEAMS);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_team_passes_the_validators_in_canonical_form),
		cmocka_unit_test(the_same_seed_gives_the_same_directory),
		cmocka_unit_test(every_rule_routes_to_its_team_where_its_visibility_allows),
		cmocka_unit_test(constituencies_overlap_between_teams),
		cmocka_unit_test(a_taken_slug_is_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
