/* The search index in memory gives the answers of the SQL search: the
 * same teams on the same page, the same total and the same facet counts,
 * for random queries (pieces of names in Japanese and English, short
 * names, one and two characters, words of the texts, filters, both
 * orders, pages, every reader level) over a seeded directory in which
 * some teams hide fields, texts and constituency types and some are
 * suspended, and teams spell the same constituency type differently. And the
 * service hands out an index only while it includes every change, made
 * by the server or by anyone else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "directory/changed.h"
#include "directory/constituency_type.h"
#include "directory/search_index.h"
#include "directory/search_service.h"
#include "directory/seed.h"
#include "directory/team_store.h"
#include "testutil.h"

#define TEAMS 400
#define NOW 1767225600

static uint64_t rng = 0x853c49e6748fea9bull;

static uint32_t below(uint32_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)(((rng * 2685821657736338717ull) >> 32) % n);
}

static void exec(struct db *db, const char *sql)
{
	if (db_exec(db, sql) < 0)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db->h));
}

/* A seeded directory with hidden fields, texts and constituency types,
 * suspended teams, names in scripts that fold, and constituency types
 * spelled in several ways, several to a team, some seen by no one but the
 * secretariat. */
static void make_directory(struct testdb *t)
{
	struct seed_stats st;
	char taken[TEAM_SLUG_MAX + 1];
	testdb_open(t);
	assert_int_equal(db_begin(&t->db), 0);
	assert_int_equal(seed_directory(&t->db, TEAMS, 11, NOW, NULL, NULL, &st, taken), 0);
	exec(&t->db,
	     "INSERT OR REPLACE INTO team_visibility (team_id, field, visibility)"
	     " SELECT id, 'sector', 'members' FROM teams WHERE id % 7 = 0 UNION ALL"
	     " SELECT id, 'region', 'secretariat' FROM teams WHERE id % 11 = 0 UNION ALL"
	     " SELECT id, 'country', 'members' FROM teams WHERE id % 13 = 0 UNION ALL"
	     " SELECT id, 'host_org', 'members' FROM teams WHERE id % 5 = 0 UNION ALL"
	     " SELECT id, 'registered_name', 'secretariat' FROM teams WHERE id % 9 = 0 UNION ALL"
	     " SELECT team_id, 'text.' || section, 'members' FROM team_texts WHERE team_id % 3 = 0 UNION ALL"
	     " SELECT team_id, 'text.' || section, 'secretariat' FROM team_texts WHERE team_id % 3 = 1");
	exec(&t->db,
	     "UPDATE team_constituency SET visibility = 'members' WHERE kind = 'type' AND team_id % 4 = 0;"
	     "UPDATE team_constituency SET visibility = 'secretariat' WHERE kind = 'type' AND team_id % 4 = 1;"
	     "UPDATE team_constituency SET value = upper(value) WHERE kind = 'type' AND team_id % 6 = 0;"
	     "INSERT OR IGNORE INTO team_constituency (team_id, kind, value, visibility)"
	     " SELECT id, 'type', '  students AND staff ', 'public' FROM teams WHERE id % 10 = 3 UNION ALL"
	     " SELECT id, 'type', 'Students and staff', 'secretariat' FROM teams WHERE id % 20 = 3 UNION ALL"
	     " SELECT id, 'type', 'Students and staff', 'members' FROM teams WHERE id % 30 = 7 UNION ALL"
	     " SELECT id, 'type', 'ＦＵＬＬ width', 'public' FROM teams WHERE id % 25 = 2 UNION ALL"
	     " SELECT id, 'type', 'full width', 'public' FROM teams WHERE id % 25 = 4 UNION ALL"
	     " SELECT id, 'type', char(9) || 'Only Hidden', 'secretariat' FROM teams WHERE id % 40 = 5 UNION ALL"
	     " SELECT id, 'type', '   ', 'public' FROM teams WHERE id % 50 = 6");
	exec(&t->db, "UPDATE teams SET state = 'suspended' WHERE id % 17 = 0");
	exec(&t->db, "UPDATE teams SET state = 'withdrawn' WHERE id % 19 = 0");
	exec(&t->db, "UPDATE teams SET name_en = 'ＣＳＩＲＴ Équipe Δέλτα Команда', short_name = 'ÉQ-CSIRT' WHERE id = 5");
	exec(&t->db, "UPDATE teams SET name_en = name_en || ' 100%_off', name_ja = name_ja || ' \"引用\"' WHERE id = 6");
	for (int64_t id = 1; id <= TEAMS; id++)
		assert_int_equal(team_search_refresh(&t->db, id), 0);
	assert_int_equal(db_commit(&t->db), 0);
}

static const char *const words[] = {
	"脆弱性", "インシデント", "incident response", "vulnerability", "株式会社", "CSIRT", "csirt", "Bank", "銀行",
	"大学", "東京", "Tokyo", "cert", "ＣＳＩＲＴ", "équipe", "ÉQUIPE", "δέλτα", "КОМАНДА", "100%_", "\"引用\"",
	"zzzz", "Co., Ltd.", "ban", "Ba", "b", "銀", "CS", "k", "x", "-C",
};

/* A piece of a random team's names, two to eight characters. */
static void name_piece(struct db *db, char *out, size_t size)
{
	static const char sql[] = "SELECT name_en, name_ja, short_name, host_org_ja FROM teams WHERE id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	sqlite3_bind_int64(st, 1, 1 + below(TEAMS));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const char *s = db_col_text(st, (int)below(4));
	size_t starts[256], n = 0;
	for (size_t i = 0; s[i] && n < 256; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			starts[n++] = i;
	size_t len = 2 + below(7), from = n > len ? below((uint32_t)(n - len + 1)) : 0;
	size_t end = from + len < n ? starts[from + len] : strlen(s);
	snprintf(out, size, "%.*s", (int)(end - (n ? starts[from] : 0)), s + (n ? starts[from] : 0));
	sqlite3_reset(st);
}

struct answer {
	int64_t ids[200];
	int n;
	int64_t total;
	char facets[8192];
};

static int note_team(struct db *db, const struct team *t, void *arg)
{
	struct answer *a = arg;
	a->ids[a->n++] = t->id;
	return 0;
}

static void note_facet(const struct team_facet *f, void *arg)
{
	struct answer *a = arg;
	size_t used = strlen(a->facets);
	snprintf(a->facets + used, sizeof(a->facets) - used, "%s=%s:%lld ", f->facet, f->value, (long long)f->count);
}

static void describe(char *out, size_t size, const struct team_query *q, enum dir_level level)
{
	snprintf(out, size,
	         "q=\"%s\" sector=%s region=%s type=%s country=%s constituency_type=\"%s\" by_name=%d limit=%d offset=%d"
	         " level=%d",
	         q->q, q->sector, q->region, q->csirt_type, q->country, q->constituency_type ? q->constituency_type : "",
	         q->by_name, q->limit,
	         q->offset, level);
}

static void same_answers(struct db *db, struct search_index *ix, const struct team_query *q, enum dir_level level)
{
	struct answer want = {0}, got = {0};
	char what[512];
	describe(what, sizeof(what), q, level);
	int n = team_search(db, q, level, note_team, note_facet, &want, &want.total);
	if (n < 0)
		fail_msg("SQL search failed: %s: %s", what, sqlite3_errmsg(db->h));
	got.n = search_index_query(ix, q, level, got.ids, 200, note_facet, &got, &got.total);
	if (got.n < 0)
		fail_msg("index search failed: %s", what);
	if (got.total != want.total)
		fail_msg("%s: total %lld, SQL %lld", what, (long long)got.total, (long long)want.total);
	if (strcmp(got.facets, want.facets) != 0)
		fail_msg("%s: facets\n  index %s\n  SQL   %s", what, got.facets, want.facets);
	if (got.n != want.n)
		fail_msg("%s: %d on the page, SQL %d", what, got.n, want.n);
	for (int i = 0; i < n; i++)
		if (got.ids[i] != want.ids[i])
			fail_msg("%s: team %d is %lld, SQL %lld", what, i, (long long)got.ids[i], (long long)want.ids[i]);
}

static void note_type_facet(const struct team_facet *f, void *arg)
{
	struct answer *a = arg;
	size_t used = strlen(a->facets);
	if (!strcmp(f->facet, "constituency_type"))
		snprintf(a->facets + used, sizeof(a->facets) - used, "%s:%lld|", f->value, (long long)f->count);
}

/* What a reader at LEVEL is told with no query and the constituency type
 * filter TYPE: the constituency types' facet ("value:count|" each) into
 * OUT, and the number of teams. IX NULL: the SQL search. */
static int64_t by_type(struct db *db, struct search_index *ix, enum dir_level level, const char *type, char *out,
                       size_t size)
{
	struct answer a = {0};
	struct team_query q = {.q = "", .constituency_type = type, .limit = 50};
	if (ix)
		assert_true(search_index_query(ix, &q, level, a.ids, 200, note_type_facet, &a, &a.total) >= 0);
	else
		assert_true(team_search(db, &q, level, note_team, note_type_facet, &a, &a.total) >= 0);
	assert_true(strlen(a.facets) < size);
	memcpy(out, a.facets, strlen(a.facets) + 1);
	return a.total;
}

static void the_index_answers_as_sql_does(void **state)
{
	static const char *const sectors[] = {"", "", "", "ict", "finance", "manufacturing", "nonesuch"};
	static const char *const regions[] = {"", "", "", "kanto", "kansai", "overseas"};
	static const char *const types[] = {"", "", "", "", "organisational", "product"};
	static const char *const countries[] = {"", "", "", "", "JP", "US", "ZZ"};
	static const char *const constituency_types[] = {"", "", "", "", "", "", "Employees and contractors",
	                                                 "EMPLOYEES and contractors ", "students and staff",
	                                                 "従業員とグループ会社", "only hidden", "ｆｕｌｌ width",
	                                                 "FULL WIDTH", "nonesuch"};
	struct testdb t;
	make_directory(&t);
	struct search_index *ix = search_index_build(&t.db);
	assert_non_null(ix);
	assert_int_equal(search_index_teams(ix), TEAMS);
	int queries = 0;
	for (int i = 0; i < 1500; i++) {
		char text[256] = "";
		uint32_t kind = below(10);
		if (kind < 5)
			name_piece(&t.db, text, sizeof(text));
		else if (kind < 8)
			snprintf(text, sizeof(text), "%s", words[below(sizeof(words) / sizeof(words[0]))]);
		struct team_query q = {
			.q = text, .sector = sectors[below(7)], .region = regions[below(6)], .csirt_type = types[below(6)],
			.country = countries[below(7)], .constituency_type = constituency_types[below(14)],
			.by_name = !*text || below(3) == 0, .limit = below(4) ? 50 : 5,
			.offset = below(4) ? 0 : (int)below(60),
		};
		same_answers(&t.db, ix, &q, (enum dir_level)below(3));
		queries++;
	}
	/* A common word, then the beginning of a team's name: the rarest
	 * trigrams point at the start of a team's text, and the query's start
	 * lies in the team before it. */
	static const char *const before[] = {"ank ", "CSIRT ", "t ", "e", "銀行 ", "n"};
	static const char sql[] = "SELECT name_en FROM teams WHERE id = ?";
	for (int i = 0; i < 300; i++) {
		char text[256];
		sqlite3_stmt *st = db_stmt(&t.db, sql);
		sqlite3_bind_int64(st, 1, 1 + below(TEAMS));
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		snprintf(text, sizeof(text), "%s%.*s", before[below(6)], 3 + (int)below(5), db_col_text(st, 0));
		sqlite3_reset(st);
		struct team_query q = {.q = text, .sector = "", .region = "", .csirt_type = "", .country = "", .limit = 50};
		same_answers(&t.db, ix, &q, (enum dir_level)below(3));
	}
	/* Two words from two teams' names ("Security" of one, "CSIRT" of
	 * another): places where some of the trigrams agree but the words are
	 * not there, a team's first such place failing and a later one (in a
	 * less visible piece, or none) being the match. */
	static const char names_sql[] = "SELECT name_en FROM teams WHERE id = ?";
	for (int i = 0; i < 300; i++) {
		char a[120], b[120], text[256];
		for (int k = 0; k < 2; k++) {
			sqlite3_stmt *st = db_stmt(&t.db, names_sql);
			sqlite3_bind_int64(st, 1, 1 + below(TEAMS));
			assert_int_equal(sqlite3_step(st), SQLITE_ROW);
			const char *name = db_col_text(st, 0), *sp = strrchr(name, ' ');
			if (k == 0) {
				/* the word before the last */
				size_t end = sp ? (size_t)(sp - name) : strlen(name), from = end;
				while (from > 0 && name[from - 1] != ' ')
					from--;
				snprintf(a, sizeof(a), "%.*s", (int)(end - from), name + from);
			} else {
				snprintf(b, sizeof(b), "%s", sp ? sp + 1 : name);
			}
			sqlite3_reset(st);
		}
		snprintf(text, sizeof(text), "%s %s", a, b);
		struct team_query q = {.q = text, .sector = "", .region = "", .csirt_type = "", .country = "",
		                       .by_name = below(2), .limit = 50};
		same_answers(&t.db, ix, &q, (enum dir_level)below(3));
	}
	/* Every team, every level, page by page. */
	for (int level = DIR_PUBLIC; level <= DIR_ALL; level++) {
		for (int offset = 0; offset < TEAMS; offset += 50) {
			struct team_query q = {.q = "", .sector = "", .region = "", .csirt_type = "", .country = "",
			                       .by_name = true, .limit = 50, .offset = offset};
			same_answers(&t.db, ix, &q, (enum dir_level)level);
		}
	}
	/* Each constituency type alone and with a word, at every level; the
	 * hidden rows make a difference. */
	char facets[512];
	assert_true(by_type(&t.db, ix, DIR_PUBLIC, "students and staff", facets, sizeof(facets)) <
	            by_type(&t.db, ix, DIR_ALL, "students and staff", facets, sizeof(facets)));
	assert_int_equal(by_type(&t.db, ix, DIR_MEMBERS, "only hidden", facets, sizeof(facets)), 0);
	assert_true(by_type(&t.db, ix, DIR_ALL, "only hidden", facets, sizeof(facets)) > 0);
	for (size_t i = 0; i < sizeof(constituency_types) / sizeof(constituency_types[0]); i++) {
		for (int level = DIR_PUBLIC; level <= DIR_ALL; level++) {
			struct team_query q = {.q = "", .sector = "", .region = "", .csirt_type = "", .country = "",
			                       .constituency_type = constituency_types[i], .by_name = true, .limit = 50};
			same_answers(&t.db, ix, &q, (enum dir_level)level);
			q.q = "csirt";
			same_answers(&t.db, ix, &q, (enum dir_level)level);
		}
	}
	assert_int_equal(queries, 1500);
	search_index_free(ix);
	testdb_close(&t);
}

/* Spellings of one constituency type are one facet value, shown as most of
 * the rows the reader may see spell it, each team counted once; a row the
 * reader may not see is neither counted nor spelled, and the filter finds
 * no team by it. Both searches, the index and SQL. */
static void a_constituency_type_counts_once_in_the_spelling_most_readers_see(void **state)
{
	struct testdb t;
	char facets[512];
	testdb_open(&t);
	exec(&t.db,
	     "INSERT INTO teams (id, slug, name_en, state, created_at, updated_at) VALUES"
	     " (1, 'a', 'A', 'active', 0, 0), (2, 'b', 'B', 'active', 0, 0), (3, 'c', 'C', 'active', 0, 0),"
	     " (4, 'd', 'D', 'suspended', 0, 0);"
	     "INSERT INTO team_constituency (team_id, kind, value, visibility) VALUES"
	     " (1, 'type', 'Enterprise', 'public'), (1, 'type', 'enterprise ', 'members'),"
	     " (2, 'type', 'enterprise', 'public'), (2, 'type', 'ISP customers', 'secretariat'),"
	     " (3, 'type', 'ENTERPRISE', 'members'), (3, 'type', 'ENTERPRISE ', 'secretariat'),"
	     " (4, 'type', 'Enterprise', 'public'), (4, 'type', 'Enterprise ', 'members'), (4, 'type', 'Suspended', 'public')");
	for (int sql = 0; sql < 2; sql++) {
		struct search_index *ix = sql ? NULL : search_index_build(&t.db);
		assert_true(sql || ix);
		/* The public: teams a and b; "Enterprise" and "enterprise" tie,
		 * the first in byte order is shown. */
		assert_int_equal(by_type(&t.db, ix, DIR_PUBLIC, "", facets, sizeof(facets)), 3);
		assert_string_equal(facets, "Enterprise:2|");
		assert_int_equal(by_type(&t.db, ix, DIR_PUBLIC, "ENTERPRISE", facets, sizeof(facets)), 2);
		assert_int_equal(by_type(&t.db, ix, DIR_PUBLIC, "isp customers", facets, sizeof(facets)), 0);
		assert_string_equal(facets, "");
		assert_int_equal(by_type(&t.db, ix, DIR_PUBLIC, "suspended", facets, sizeof(facets)), 0);
		/* Members: team c too; "enterprise" is the most written. */
		assert_int_equal(by_type(&t.db, ix, DIR_MEMBERS, " Enterprise\t", facets, sizeof(facets)), 3);
		assert_string_equal(facets, "enterprise:3|");
		assert_int_equal(by_type(&t.db, ix, DIR_MEMBERS, "isp customers", facets, sizeof(facets)), 0);
		/* The secretariat: every row of every team, the suspended one too. */
		assert_int_equal(by_type(&t.db, ix, DIR_ALL, "", facets, sizeof(facets)), 4);
		assert_string_equal(facets, "Enterprise:4|ISP customers:1|Suspended:1|");
		assert_int_equal(by_type(&t.db, ix, DIR_ALL, " isp CUSTOMERS", facets, sizeof(facets)), 1);
		assert_string_equal(facets, "Enterprise:1|ISP customers:1|");
		search_index_free(ix);
	}
	testdb_close(&t);
}

static void the_key_of_a_constituency_type_ignores_blanks_around_and_ascii_case(void **state)
{
	struct buf b;
	buf_init(&b, 4096);
	assert_int_equal(constituency_type_key(" \tISP Customers\r\n", &b), 0);
	assert_string_equal(b.data, "isp customers");
	buf_reset(&b);
	assert_int_equal(constituency_type_key("ＦＵＬＬ Ä 大学", &b), 0);
	assert_string_equal(b.data, "ＦＵＬＬ Ä 大学");
	buf_reset(&b);
	assert_int_equal(constituency_type_key("   ", &b), 0);
	assert_string_equal(b.data, "");
	buf_release(&b);
	assert_true(constituency_type_same("Students and staff", " STUDENTS AND STAFF\t"));
	assert_false(constituency_type_same("Students and staff", "Students  and staff"));
	assert_false(constituency_type_same("ｆｕｌｌ", "ＦＵＬＬ"));
}

/* Wait (at most 20 s) until the service hands out an index for DB. */
static struct search_index *wait_current(struct db *db)
{
	for (int i = 0; i < 2000; i++) {
		struct search_index *ix = search_service_acquire(db);
		if (ix)
			return ix;
		usleep(10000);
	}
	fail_msg("no current search index after 20 s");
	return NULL;
}

static int64_t count_matches(struct search_index *ix, const char *text)
{
	struct team_query q = {.q = text, .sector = "", .region = "", .csirt_type = "", .country = "", .limit = 50};
	int64_t ids[200], total;
	assert_true(search_index_query(ix, &q, DIR_PUBLIC, ids, 200, NULL, NULL, &total) >= 0);
	return total;
}

static void the_service_hands_out_only_a_current_index(void **state)
{
	struct testdb t;
	char err[256];
	make_directory(&t);
	assert_null(search_service_acquire(&t.db));
	assert_int_equal(search_service_start(t.path, err, sizeof(err)), 0);
	struct search_index *ix = wait_current(&t.db);
	assert_int_equal(search_index_teams(ix), TEAMS);
	/* A change through the store: from its commit on no index until the
	 * rebuild includes it; one held before stays usable until given back. */
	int64_t id;
	struct team_change ch = {0};
	ch.set[0] = true;
	ch.text[0] = "Zyxwvut Brand New CSIRT";
	assert_int_equal(db_begin(&t.db), 0);
	assert_int_equal(team_create_with(&t.db, 0, "zyxwvut", &ch, NOW, &id), 1);
	assert_int_equal(db_commit(&t.db), 0);
	assert_null(search_service_acquire(&t.db));
	directory_changed(DIR_CHANGED_RECORD);
	assert_int_equal(count_matches(ix, "zyxwvut"), 0);
	search_service_release(ix);
	ix = wait_current(&t.db);
	assert_int_equal(count_matches(ix, "zyxwvut"), 1);
	search_service_release(ix);
	/* A change behind the server's back (another process, the sqlite3
	 * shell): no directory_changed, and still no stale answer. */
	struct db other;
	assert_int_equal(db_open(&other, t.path, false, err, sizeof(err)), 0);
	assert_int_equal(db_exec(&other, "UPDATE teams SET name_ja = 'ＱＱＱ新名' WHERE slug = 'zyxwvut'"), 0);
	db_close(&other);
	assert_null(search_service_acquire(&t.db));
	ix = wait_current(&t.db);
	assert_int_equal(count_matches(ix, "ｑｑｑ新名"), 1);
	search_service_release(ix);
	/* A constituency type is searched too: adding, changing and removing
	 * one makes the index out of date; other rules do not. */
	static const char *const changes[] = {
		"INSERT INTO team_constituency (team_id, kind, value, visibility) SELECT id, 'type', 'Zyx people', 'public'"
		" FROM teams WHERE slug = 'zyxwvut'",
		"UPDATE team_constituency SET value = 'Zyx folk' WHERE kind = 'type' AND value = 'Zyx people'",
		"DELETE FROM team_constituency WHERE kind = 'type' AND value = 'Zyx folk'",
	};
	static const int64_t want[][2] = {{1, 0}, {0, 1}, {0, 0}};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(db_open(&other, t.path, false, err, sizeof(err)), 0);
		assert_int_equal(db_exec(&other, changes[i]), 0);
		db_close(&other);
		assert_null(search_service_acquire(&t.db));
		ix = wait_current(&t.db);
		char facets[512];
		assert_int_equal(by_type(&t.db, ix, DIR_PUBLIC, "zyx people", facets, sizeof(facets)), want[i][0]);
		assert_int_equal(by_type(&t.db, ix, DIR_PUBLIC, "ZYX FOLK", facets, sizeof(facets)), want[i][1]);
		search_service_release(ix);
	}
	assert_int_equal(db_open(&other, t.path, false, err, sizeof(err)), 0);
	assert_int_equal(db_exec(&other, "INSERT INTO team_constituency (team_id, kind, value, visibility)"
	                                 " SELECT id, 'asn', 'AS64999', 'public' FROM teams WHERE slug = 'zyxwvut'"),
	                 0);
	db_close(&other);
	ix = search_service_acquire(&t.db);
	assert_non_null(ix);
	search_service_release(ix);
	search_service_stop();
	assert_null(search_service_acquire(&t.db));
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_index_answers_as_sql_does),
		cmocka_unit_test(a_constituency_type_counts_once_in_the_spelling_most_readers_see),
		cmocka_unit_test(the_key_of_a_constituency_type_ignores_blanks_around_and_ascii_case),
		cmocka_unit_test(the_service_hands_out_only_a_current_index),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
