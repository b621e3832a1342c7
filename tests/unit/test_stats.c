/* The association in numbers, computed from a real database: who counts
 * as a member on a day (the organisation's kind, join and leave dates,
 * history rows linked to directory teams by name), what each reader sees
 * of each team (checked against team_write_json at every level), the
 * projection, small public categories folded, and the applications'
 * states and stage medians; with the pure pieces under them (partial
 * dates, name keys, departments). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include "core/clock.h"
#include "core/i18n.h"
#include "core/json_writer.h"
#include "directory/team.h"
#include "stats/department.h"
#include "stats/name_key.h"
#include "stats/partial_date.h"
#include "stats/stats.h"
#include "stats/stats_table.h"
#include "testutil.h"

static void partial_dates_read_year_month_or_day(void **state)
{
	static const struct {
		const char *in, *canonical;
		int first_day;
	} good[] = {
		{"2007", "2007", 20070101},         {"2007-3", "2007-03", 20070301},   {"2007/03", "2007-03", 20070301},
		{"2017/7/1", "2017-07-01", 20170701}, {" 2017-07-01 ", "2017-07-01", 20170701},
		{"2024-02-29", "2024-02-29", 20240229}, {"1900", "1900", 19000101}, {"2100-12-31", "2100-12-31", 21001231},
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct partial_date d;
		char out[PARTIAL_DATE_MAX];
		if (partial_date_parse(good[i].in, &d) != 0)
			fail_msg("\"%s\" refused", good[i].in);
		partial_date_format(&d, out);
		assert_string_equal(out, good[i].canonical);
		assert_int_equal(partial_date_first_day(&d), good[i].first_day);
	}
	static const char *const bad[] = {"", "17", "1899", "2101", "2017-13", "2017-00", "2026-02-29", "2017-04-31",
	                                  "2017-01-", "2017-1-1x", "2017-01/01", "20170101", "2017年", "2017--01", NULL};
	for (size_t i = 0; bad[i]; i++) {
		struct partial_date d;
		if (partial_date_parse(bad[i], &d) == 0)
			fail_msg("\"%s\" taken as a date", bad[i]);
	}
}

static void names_compare_without_case_blanks_or_width(void **state)
{
	char a[NAME_KEY_MAX], b[NAME_KEY_MAX];
	name_key("  NCA-CSIRT  ", a);
	name_key("nca-csirt", b);
	assert_string_equal(a, b);
	name_key("ＮＣＡ－ＣＳＩＲＴ", b);
	assert_string_equal(a, b);
	name_key("Team\t \xE3\x80\x80 One", a);
	assert_string_equal(a, "team one");
	name_key("日本　シーサート", a);
	assert_string_equal(a, "日本 シーサート");
	name_key(NULL, a);
	assert_string_equal(a, "");
}

static void departments_are_grouped_as_the_surveys_do(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{"情報システム管理部門系", "it_systems"}, {"情報システム部", "it_systems"}, {"セキュリティ対策部門系", "security"},
		{"情報セキュリティ部", "security"},       {"IT Security Office", "security"}, {"リスク対策部門系", "risk"},
		{"経営企画部門系", "planning"},           {"Corporate Planning", "planning"}, {"法務部門系", "legal"},
		{"監査部門系", "audit"},                  {"研究開発部門系", "development"},  {"総務部門系", "general_affairs"},
		{"品質保証部門系", "quality"},            {"quality", "quality"},             {"その他", "other"},
		{"Marketing", "other"},                   {" risk ", "risk"},                 {"Information systems", "it_systems"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = department_classify(cases[i].text);
		if (!got || strcmp(got, cases[i].want) != 0)
			fail_msg("\"%s\": %s, want %s", cases[i].text, got ? got : "NULL", cases[i].want);
	}
	assert_null(department_classify(""));
	assert_null(department_classify("  \xE3\x80\x80 "));
	assert_null(department_classify(NULL));
	/* Every group has its label in both languages. */
	for (size_t i = 0; department_keys[i]; i++) {
		char key[64];
		snprintf(key, sizeof(key), "stats.dept.%s", department_keys[i]);
		assert_true(i18n_has(key));
	}
}

/* --- the figures ----------------------------------------------------------- */

static void run(struct db *db, const char *sql)
{
	if (db_exec(db, sql) != 0)
		fail_msg("SQL failed: %s", sql);
}

static struct stats *compute(struct db *db, const char *as_of, enum dir_level level, bool detail)
{
	struct stats_request rq = {as_of, 0, level, detail, 3000};
	int64_t start;
	assert_int_equal(clock_local_day(as_of, "Asia/Tokyo", &start, &rq.as_of_end), 0);
	struct stats *s = stats_compute(db, &rq);
	assert_non_null(s);
	return s;
}

static int64_t year_members(const struct stats *s, int year)
{
	for (size_t i = 0; i < s->nyears; i++)
		if (s->years[i].year == year)
			return s->years[i].members;
	fail_msg("no year %d", year);
	return -1;
}

static int64_t category(const struct stats_categories *c, const char *key, int which)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->rows[i].key, key))
			return c->rows[i].count[which];
	return 0;
}

/* The teams of the hand-computed case:
 *   A  no organisation, joined 2010-04-01, ict, kanto, founded 2009
 *   B  a member organisation, joined 2012-06-15, left 2015-03-31, finance
 *   C  an observer's team, joined 2011: never counted
 *   D  an applicant's team: never counted
 *   E  no join date: counted as undated while a member
 *   F  joined 2013-01-01, shown to members only
 *   G  joined 2014-02-01, its sector (ict) shown to the secretariat only
 * and the history: "Old Team" 2008 to 2011 (years only), "Team A" (the
 * directory's A by name: not counted twice). */
static void arrange(struct db *db)
{
	run(db, "INSERT INTO orgs (id, name, kind, created_at) VALUES (1, 'Member Org', 'member', 0),"
	        " (2, 'Observer Org', 'observer', 0), (3, 'Applicant Org', 'applicant', 0)");
	run(db, "INSERT INTO teams (id, org_id, slug, name_en, short_name, joined, left_on, sector, region, csirt_type,"
	        " established, created_at, updated_at) VALUES"
	        " (1, NULL, 'team-a', 'Team A', 'TA', '2010-04-01', '', 'ict', 'kanto', 'organisational', '2009-05-01', 0, 0),"
	        " (2, 1, 'team-b', 'Team B', '', '2012-06-15', '2015-03-31', 'finance', 'kansai', '', '', 0, 0),"
	        " (3, 2, 'team-c', 'Team C', '', '2011-01-01', '', 'ict', 'kanto', '', '', 0, 0),"
	        " (4, 3, 'team-d', 'Team D', '', '2011-01-01', '', 'ict', 'kanto', '', '', 0, 0),"
	        " (5, NULL, 'team-e', 'Team E', '', '', '', 'media', '', '', '', 0, 0),"
	        " (6, NULL, 'team-f', 'Team F', '', '2013-01-01', '', '', 'kanto', '', '', 0, 0),"
	        " (7, NULL, 'team-g', 'Team G', '', '2014-02-01', '', 'ict', 'kanto', '', '2014', 0, 0)");
	run(db, "INSERT INTO team_visibility (team_id, field, visibility) VALUES (6, 'joined', 'members'),"
	        " (7, 'sector', 'secretariat')");
	run(db, "INSERT INTO member_history (name, name_key, joined, left_on, sector, source_line, imported_at) VALUES"
	        " ('Old Team', 'old team', '2008', '2011', 'manufacturing', 2, 0),"
	        " ('TEAM A', 'team a', '2001', '', 'media', 3, 0)");
}

static void members_are_counted_by_their_dates_and_kind(void **state)
{
	struct testdb t;
	testdb_open(&t);
	arrange(&t.db);
	struct stats *s = compute(&t.db, "2015-12-31", DIR_PUBLIC, false);
	/* Year ends: 2008 Old; 2010 Old, A; 2011 A (Old left on 1 January);
	 * 2012-2013 A, B; 2014 A, B, G; 2015 A, G (B left in March). */
	assert_int_equal(s->first_join_year, 2008);
	assert_int_equal(year_members(s, 2008), 1);
	assert_int_equal(year_members(s, 2009), 1);
	assert_int_equal(year_members(s, 2010), 2);
	assert_int_equal(year_members(s, 2011), 1);
	assert_int_equal(year_members(s, 2012), 2);
	assert_int_equal(year_members(s, 2013), 2);
	assert_int_equal(year_members(s, 2014), 3);
	assert_int_equal(year_members(s, 2015), 2);
	assert_int_equal(s->members, 2);
	assert_int_equal(s->hidden, 1);    /* F */
	assert_int_equal(s->undated, 1);   /* E */
	/* Joins and departures in the years they happened; the joins chart
	 * starts with the earliest founding year (A's, 2009, is after Old's join). */
	assert_int_equal(s->years[0].year, 2008);
	assert_int_equal(s->years[2015 - 2008].left, 1);
	assert_int_equal(s->years[2011 - 2008].left, 1);
	assert_int_equal(s->years[2009 - 2008].established, 1);
	assert_int_equal(s->years[2014 - 2008].established, 1);
	/* Months only after the last date known to the year alone (2011). */
	assert_int_equal(s->monthly_from_year, 2012);
	assert_int_equal(s->monthly_from_month, 1);
	assert_true(s->monthly_cut);
	assert_int_equal(s->nmonths, 48);
	assert_int_equal(s->months[5].members, 2);    /* June 2012: A, B */
	assert_int_equal(s->months[4].members, 1);    /* May 2012: A */
	/* 2012 to 2015: 2 and 2, no growth: no target year. */
	assert_true(s->projection.available);
	assert_int_equal(s->projection.from_year, 2012);
	assert_int_equal(s->projection.to_year, 2015);
	assert_true(fabs(s->projection.rate) < 1e-9);
	assert_int_equal(s->projection.target_year, 0);
	assert_false(s->projection.reached);
	/* Public categories: A's ict alone is folded; G's sector is not shown. */
	assert_int_equal(category(&s->sector, "ict", 0), 0);
	assert_int_equal(category(&s->sector, STATS_FOLDED, 0), 1);
	assert_int_equal(s->sector.folded, 1);
	assert_int_equal(category(&s->sector, STATS_UNKNOWN, 0), 1);
	assert_int_equal(s->department.n, 0);   /* not for the public */
	stats_free(s);

	/* Members see F's join date; the secretariat G's sector too. */
	s = compute(&t.db, "2015-12-31", DIR_MEMBERS, true);
	assert_int_equal(s->members, 3);
	assert_int_equal(s->hidden, 0);
	assert_int_equal(year_members(s, 2013), 3);
	assert_int_equal(category(&s->sector, "ict", 0), 1);
	assert_int_equal(category(&s->sector, STATS_UNKNOWN, 0), 2);
	assert_int_equal(s->sector.folded, 0);
	stats_free(s);
	s = compute(&t.db, "2015-12-31", DIR_ALL, true);
	assert_int_equal(category(&s->sector, "ict", 0), 2);
	assert_int_equal(category(&s->sector, STATS_UNKNOWN, 0), 1);
	stats_free(s);

	/* A day in the middle of a year counts that day. */
	s = compute(&t.db, "2012-06-14", DIR_MEMBERS, true);
	assert_int_equal(s->members, 1);
	stats_free(s);
	s = compute(&t.db, "2012-06-15", DIR_MEMBERS, true);
	assert_int_equal(s->members, 2);
	stats_free(s);
	testdb_close(&t);
}

static void the_projection_says_when_the_target_is_reached(void **state)
{
	struct testdb t;
	testdb_open(&t);
	/* End of 2013: 10 members; of 2016: 80 (8x in 3 years: 100 % a year). */
	struct buf sql;
	buf_init(&sql, 1 << 20);
	buf_adds(&sql, "INSERT INTO member_history (name, name_key, joined, source_line, imported_at) VALUES ");
	for (int i = 0; i < 80; i++)
		buf_printf(&sql, "%s('t%d', 't%d', '%s', %d, 0)", i ? "," : "", i, i, i < 10 ? "2013-05" : "2016-05", i + 2);
	run(&t.db, sql.data);
	buf_release(&sql);
	struct stats *s = compute(&t.db, "2017-07-01", DIR_PUBLIC, false);
	assert_true(s->projection.available);
	assert_int_equal(s->projection.from_year, 2013);
	assert_int_equal(s->projection.to_year, 2016);
	assert_true(fabs(s->projection.rate - 1.0) < 1e-9);
	/* 80 * 2^k >= 3000: k = 6 (5120), in 2022; drawn to 2020 (1280). */
	assert_int_equal(s->projection.target_year, 2022);
	assert_false(s->projection.reached);
	assert_int_equal(s->projection.npoints, 5);
	assert_int_equal(s->projection.points[4].year, 2020);
	assert_true(fabs(s->projection.points[4].members - 1280) < 1e-6);
	stats_free(s);

	/* Too young for a rate: nobody at the end of 2013 when asked in 2016. */
	s = compute(&t.db, "2016-12-31", DIR_PUBLIC, false);
	assert_int_equal(s->projection.from_year, 2013);
	assert_true(s->projection.available);
	stats_free(s);
	s = compute(&t.db, "2015-12-31", DIR_PUBLIC, false);
	assert_false(s->projection.available);   /* end of 2012: nobody yet */
	assert_string_equal(s->projection.why_not, "stats.projection.too_short");
	assert_int_equal(s->projection.target_year, 0);
	stats_free(s);

	/* A target already reached is said as such, with its year. */
	struct stats_request rq = {"2017-07-01", 0, DIR_PUBLIC, false, 50};
	s = stats_compute(&t.db, &rq);
	assert_non_null(s);
	assert_true(s->projection.reached);
	assert_int_equal(s->projection.target_year, 2016);
	stats_free(s);
	testdb_close(&t);
}

/* --- every reader's view, against team_write_json ---------------------------- */

struct tally {
	char key[32][40];
	int64_t n[32];
	size_t len;
};

static void count(struct tally *t, const char *key)
{
	for (size_t i = 0; i < t->len; i++) {
		if (!strcmp(t->key[i], key)) {
			t->n[i]++;
			return;
		}
	}
	snprintf(t->key[t->len], sizeof(t->key[0]), "%s", key);
	t->n[t->len++] = 1;
}

static int64_t tallied(const struct tally *t, const char *key)
{
	for (size_t i = 0; i < t->len; i++)
		if (!strcmp(t->key[i], key))
			return t->n[i];
	return 0;
}

static const char *band(json_t *v)
{
	if (!json_is_integer(v))
		return STATS_UNKNOWN;
	json_int_t n = json_integer_value(v);
	return n <= 2 ? "up_to_2" : n <= 5 ? "3_5" : n <= 10 ? "6_10" : n <= 20 ? "11_20" : n <= 50 ? "21_50" : "51_plus";
}

static void every_figure_counts_what_the_reader_sees_of_each_team(void **state)
{
	struct testdb t;
	testdb_open(&t);
	static const char *const sectors[] = {"ict", "finance", "manufacturing", ""};
	static const char *const regions[] = {"kanto", "kansai", "kyushu"};
	static const char *const fields[] = {"joined", "sector", "region", "csirt_type", "established", "org_department",
	                                     "staff_at_founding", "staff_now"};
	static const char *const vis[] = {"public", "members", "secretariat"};
	uint32_t x = 12345;
	struct buf sql;
	buf_init(&sql, 1 << 20);
	for (int i = 1; i <= 60; i++) {
		x = x * 1103515245u + 12345u;
		buf_reset(&sql);
		buf_printf(&sql,
		           "INSERT INTO teams (id, slug, name_en, joined, sector, region, csirt_type, established, org_department,"
		           " staff_at_founding, staff_now, created_at, updated_at) VALUES (%d, 'team-%d', 'Team %d', '20%02u-0%u-01',"
		           " '%s', '%s', 'organisational', '20%02u', '%s', %u, %u, 0, 0)",
		           i, i, i, 5 + (x >> 8) % 15, 1 + (x >> 4) % 9, sectors[(x >> 12) % 4], regions[(x >> 14) % 3],
		           (x >> 16) % 20, (x >> 3) % 2 ? "情報システム部" : "セキュリティ室", 1 + (x >> 18) % 12, 1 + (x >> 20) % 60);
		run(&t.db, sql.data);
		for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
			x = x * 1103515245u + 12345u;
			if ((x >> 16) % 3 == 0) {
				buf_reset(&sql);
				buf_printf(&sql, "INSERT INTO team_visibility (team_id, field, visibility) VALUES (%d, '%s', '%s')", i,
				           fields[f], vis[(x >> 20) % 3]);
				run(&t.db, sql.data);
			}
		}
	}
	buf_release(&sql);
	for (int level = DIR_PUBLIC; level <= DIR_ALL; level++) {
		/* What team_write_json shows this reader, tallied by hand. */
		struct tally sector = {0}, region = {0}, founding = {0}, now = {0};
		int64_t members = 0, hidden = 0, established = 0;
		for (int id = 1; id <= 60; id++) {
			struct team tm;
			assert_int_equal(team_load(&t.db, NULL, id, &tm), 1);
			struct buf b;
			struct jw w;
			buf_init(&b, 1 << 20);
			jw_init(&w, &b);
			assert_int_equal(team_write_json(&t.db, &tm, (enum dir_level)level, false, &w), 0);
			json_t *v = json_loads(b.data, 0, NULL);
			buf_release(&b);
			assert_non_null(v);
			const char *joined = json_string_value(json_object_get(v, "joined"));
			if (!joined) {
				hidden++;
				json_decref(v);
				continue;
			}
			members++;
			const char *sec = json_string_value(json_object_get(v, "sector"));
			count(&sector, sec && *sec ? sec : STATS_UNKNOWN);
			const char *reg = json_string_value(json_object_get(v, "region"));
			count(&region, reg && *reg ? reg : STATS_UNKNOWN);
			count(&founding, band(json_object_get(v, "staff_at_founding")));
			count(&now, band(json_object_get(v, "staff_now")));
			established += json_string_value(json_object_get(v, "established")) != NULL;
			json_decref(v);
		}
		struct stats *s = compute(&t.db, "2025-12-31", (enum dir_level)level, true);
		assert_int_equal(s->members, members);
		assert_int_equal(s->hidden, hidden);
		int64_t founded = 0;
		for (size_t i = 0; i < s->nyears; i++)
			founded += s->years[i].established;
		assert_int_equal(founded, established);
		/* Public categories under the fold are together; the rest exact. */
		int64_t folded = 0;
		for (size_t i = 0; i < sector.len; i++) {
			bool fold = level == DIR_PUBLIC && strcmp(sector.key[i], STATS_UNKNOWN) && sector.n[i] < STATS_FOLD_BELOW;
			if (fold)
				folded += sector.n[i];
			else
				assert_int_equal(category(&s->sector, sector.key[i], 0), sector.n[i]);
		}
		assert_int_equal(category(&s->sector, STATS_FOLDED, 0), folded);
		for (size_t i = 0; level != DIR_PUBLIC && i < region.len; i++)
			assert_int_equal(category(&s->region, region.key[i], 0), region.n[i]);
		static const char *const bands[] = {"up_to_2", "3_5", "6_10", "11_20", "21_50", "51_plus", STATS_UNKNOWN};
		for (size_t i = 0; i < 7; i++) {
			assert_int_equal(category(&s->staff, bands[i], 0), tallied(&founding, bands[i]));
			assert_int_equal(category(&s->staff, bands[i], 1), tallied(&now, bands[i]));
		}
		stats_free(s);
	}
	testdb_close(&t);
}

/* --- applications -------------------------------------------------------------- */

static void applications_stay_in_each_stage_for_a_median_time(void **state)
{
	struct testdb t;
	testdb_open(&t);
	const int64_t day = 86400, t0 = 1704067200;   /* 2024-01-01 00:00 UTC */
	run(&t.db, "INSERT INTO orgs (id, name, kind, created_at) VALUES (1, 'A1', 'applicant', 0), (2, 'A2', 'applicant', 0),"
	           " (3, 'A3', 'applicant', 0)");
	char sql[2048];
	snprintf(sql, sizeof(sql),
	         "INSERT INTO applications (id, org_id, state, org_name, contact_name, contact_email, lang, sponsors_required,"
	         " created_at, updated_at) VALUES (1, 1, 'approved', 'A1', 'c', 'a1@example.jp', 'en', 2, %lld, 0),"
	         " (2, 2, 'community_window', 'A2', 'c', 'a2@example.jp', 'en', 2, %lld, 0),"
	         " (3, 3, 'draft', 'A3', 'c', 'a3@example.jp', 'en', 2, %lld, 0)",
	         (long long)t0, (long long)t0, (long long)t0);
	run(&t.db, sql);
	/* 1: draft 2 days, submitted 0, sponsors 8, window 21, secretariat 4, approved.
	 * 2: draft 4 days, submitted 0, sponsors 16, in the window since day 20. */
	snprintf(sql, sizeof(sql),
	         "INSERT INTO application_history (application_id, from_state, to_state, event, at) VALUES"
	         " (1, '', 'draft', 'create', %lld), (1, 'draft', 'submitted', 'submit', %lld),"
	         " (1, 'submitted', 'sponsor_review', 'ask', %lld), (1, 'sponsor_review', 'community_window', 'open', %lld),"
	         " (1, 'community_window', 'secretariat_review', 'close', %lld), (1, 'secretariat_review', 'approved', 'approve', %lld),"
	         " (2, '', 'draft', 'create', %lld), (2, 'draft', 'submitted', 'submit', %lld),"
	         " (2, 'submitted', 'sponsor_review', 'ask', %lld), (2, 'sponsor_review', 'community_window', 'open', %lld)",
	         (long long)t0, (long long)(t0 + 2 * day), (long long)(t0 + 2 * day), (long long)(t0 + 10 * day),
	         (long long)(t0 + 31 * day), (long long)(t0 + 35 * day), (long long)t0, (long long)(t0 + 4 * day),
	         (long long)(t0 + 4 * day), (long long)(t0 + 20 * day));
	run(&t.db, sql);
	struct stats *s = compute(&t.db, "2024-12-31", DIR_MEMBERS, true);
	static const struct {
		const char *state;
		int64_t applications, stays;
		double median;
	} want[] = {
		{"draft", 1, 2, 3.0},           {"submitted", 0, 2, 0.0},          {"sponsor_review", 0, 2, 12.0},
		{"community_window", 1, 1, 21.0}, {"secretariat_review", 0, 1, 4.0}, {"approved", 1, 0, NAN},
		{"rejected", 0, 0, NAN},        {"withdrawn", 0, 0, NAN},
	};
	for (int i = 0; i < STATS_NSTATES; i++) {
		assert_string_equal(s->states[i].state, want[i].state);
		assert_int_equal(s->states[i].applications, want[i].applications);
		assert_int_equal(s->states[i].stays, want[i].stays);
		if (isnan(want[i].median))
			assert_true(isnan(s->states[i].median_days));
		else if (fabs(s->states[i].median_days - want[i].median) > 1e-9)
			fail_msg("%s: median %g, want %g", want[i].state, s->states[i].median_days, want[i].median);
	}
	stats_free(s);
	/* At the end of 2024-01-08 (JST): both in sponsor review, since day 2
	 * and day 4; only the drafts and the submitted stays have ended. */
	s = compute(&t.db, "2024-01-08", DIR_MEMBERS, true);
	assert_int_equal(s->states[2].applications, 2);
	assert_int_equal(s->states[2].stays, 0);
	assert_int_equal(s->states[0].stays, 2);
	assert_int_equal(s->states[0].applications, 1);   /* 3 has no history: its state as it is */
	stats_free(s);
	testdb_close(&t);
}

/* --- tables ---------------------------------------------------------------- */

static void tables_label_in_the_readers_language(void **state)
{
	struct testdb t;
	testdb_open(&t);
	arrange(&t.db);
	struct stats *s = compute(&t.db, "2015-12-31", DIR_ALL, true);
	struct stats_table tb;
	assert_int_equal(stats_table_build(s, STATS_CHART_SECTOR, LANG_JA, &tb), 0);
	assert_string_equal(tb.title, "業種による分類");
	assert_string_equal(tb.rows[0].key, "ict");
	assert_string_equal(tb.rows[0].label, "情報通信");
	stats_table_release(&tb);
	assert_int_equal(stats_table_build(s, STATS_CHART_GROWTH, LANG_EN, &tb), 0);
	assert_string_equal(tb.rows[0].key, "2008");
	/* The secretariat sees F and G: 2 members at the end of 2012, 3 at the
	 * end of 2015, 14.5 % a year: 3 * 1.1447^52 >= 3000 in 2067. */
	assert_non_null(strstr(tb.desc.data, "reaches 3,000 members in 2067."));
	stats_table_release(&tb);
	stats_free(s);
	/* The public sees no growth (2 and 2): the target is not reached. */
	s = compute(&t.db, "2015-12-31", DIR_PUBLIC, false);
	assert_int_equal(stats_table_build(s, STATS_CHART_GROWTH, LANG_EN, &tb), 0);
	assert_non_null(strstr(tb.desc.data, "does not reach 3,000 members."));
	stats_table_release(&tb);
	stats_free(s);
	/* The members' charts cannot be built from public figures. */
	s = compute(&t.db, "2015-12-31", DIR_PUBLIC, false);
	assert_int_equal(stats_table_build(s, STATS_CHART_DEPARTMENT, LANG_EN, &tb), -1);
	assert_int_equal(stats_table_build(s, STATS_CHART_STAGES, LANG_EN, &tb), -1);
	stats_free(s);
	testdb_close(&t);
}

static int setup(void **state)
{
	char err[256];
	return i18n_load(err, sizeof(err));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(partial_dates_read_year_month_or_day),
		cmocka_unit_test(names_compare_without_case_blanks_or_width),
		cmocka_unit_test(departments_are_grouped_as_the_surveys_do),
		cmocka_unit_test(members_are_counted_by_their_dates_and_kind),
		cmocka_unit_test(the_projection_says_when_the_target_is_reached),
		cmocka_unit_test(every_figure_counts_what_the_reader_sees_of_each_team),
		cmocka_unit_test(applications_stay_in_each_stage_for_a_median_time),
		cmocka_unit_test(tables_label_in_the_readers_language),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
