/* Loading the membership history (`shisa stats import`): a file as Excel
 * writes it reads whole; every kind of bad row is listed with its line and
 * reason; and against a real database the rows are linked to directory
 * teams of the same name, written all together, or not at all. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "core/i18n.h"
#include "stats/history.h"
#include "testutil.h"

#define TODAY "2026-11-26"

static void parse(struct history_file *f, const char *text)
{
	history_file_init(f);
	assert_int_equal(history_parse(f, text, strlen(text), TODAY), 0);
}

/* The problems of F as "line:column:key" lines, for exact comparison. */
static void problems_are(const struct history_file *f, const char *want)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	for (size_t i = 0; i < f->nissues; i++)
		buf_printf(&b, "%zu:%s:%s\n", f->issues[i].line, f->issues[i].column, f->issues[i].msg_key);
	if (strcmp(b.data ? b.data : "", want) != 0)
		fail_msg("problems:\n%s\nwant:\n%s", b.data ? b.data : "", want);
	assert_int_equal(f->nproblems, f->nissues);
	buf_release(&b);
}

static void a_file_as_excel_writes_it_reads_whole(void **state)
{
	struct history_file f;
	parse(&f, "\xEF\xBB\xBF"
	          "# comment lines and blank lines are skipped\r\n"
	          "\r\n"
	          "チーム名,加盟日,退会日,業種,地域,種別,設立日,取り纏め部署,設立時の人数,現在の人数\r\n"
	          "\"Kaede \"\"Bank\"\", CSIRT\",2007/3,,情報通信,関東,組織内 CSIRT,1998,情報システム管理部門系,2,12\r\n"
	          "Asahi-SIRT,2016-04-01,2020,Finance and insurance,kansai,product,,,,\r\n"
	          "  Sora PSIRT  ,2017,,OTHER,Kyushu,Incident response provider,2017-02, \"品質保証\" ,0,100000\r\n");
	problems_are(&f, "");
	assert_int_equal(f.nrows, 3);
	const struct history_entry *e = &f.rows[0];
	assert_int_equal(e->line, 4);
	assert_string_equal(e->name, "Kaede \"Bank\", CSIRT");
	assert_string_equal(e->joined, "2007-03");
	assert_string_equal(e->left, "");
	assert_string_equal(e->sector, "ict");
	assert_string_equal(e->region, "kanto");
	assert_string_equal(e->csirt_type, "organisational");
	assert_string_equal(e->established, "1998");
	assert_string_equal(e->department, "情報システム管理部門系");
	assert_int_equal(e->staff_at_founding, 2);
	assert_int_equal(e->staff_now, 12);
	e = &f.rows[1];
	assert_int_equal(e->line, 5);
	assert_string_equal(e->joined, "2016-04-01");
	assert_string_equal(e->left, "2020");
	assert_string_equal(e->sector, "finance");
	assert_string_equal(e->csirt_type, "product");
	assert_int_equal(e->staff_at_founding, -1);
	assert_null(e->department);
	e = &f.rows[2];
	assert_string_equal(e->name, "Sora PSIRT");
	assert_string_equal(e->name_key, "sora psirt");
	assert_string_equal(e->sector, "other");
	assert_string_equal(e->region, "kyushu");
	assert_string_equal(e->csirt_type, "incident_response_provider");
	assert_string_equal(e->department, "品質保証");
	assert_int_equal(e->staff_now, 100000);
	history_file_release(&f);
	/* A line break inside quotes is part of the cell (a name may not have
	 * one), and the lines after it are counted right. */
	parse(&f, "name,joined\n\"Two\nLines\",2010\nNext,2011\nNext,2012\n");
	problems_are(&f, "2:name:history.err.text\n5:name:history.err.duplicate_name\n");
	history_file_release(&f);
}

static void every_bad_row_is_listed_with_its_line_and_reason(void **state)
{
	struct history_file f;
	parse(&f, "name,joined,left,sector,region,csirt_type,established,staff_at_founding,staff_now,org_department\n"
	          "Good,2010,,,,,,,,\n"                                   /* 2 */
	          "Bad date,2010-13,,,,,,,,\n"                            /* 3 */
	          "Future,2027-01-01,,,,,,,,\n"                           /* 4 */
	          "Left early,2012-05,2011,,,,,,,\n"                      /* 5 */
	          "Sector,2010,,banking,,,,,,\n"                          /* 6 */
	          "Region,2010,,,Mars,,,,,\n"                             /* 7 */
	          "Type,2010,,,,team,,,,\n"                               /* 8 */
	          "Staff,2010,,,,,,two,100001,\n"                         /* 9 */
	          ",2010,,,,,,,,\n"                                       /* 10 */
	          "No date,,,,,,,,,\n"                                    /* 11 */
	          "GOOD,2011,,,,,,,,\n"                                   /* 12: Good again */
	          "\"Control\x01\",2010,,,,,,,,\n"                        /* 13 */
	          "Bytes \xff\xfe,2010,,,,,,,,\n"                         /* 14 */
	          "Extra,2010,,,,,,,,,surplus\n"                          /* 15 */
	          "Founded,2010,,,,,2010-02-30,,,\n"                      /* 16 */
	          "Quote,\"2010\"x,,,,,,,,\n"                             /* 17 */
	          "Month early,2010-2,2010-1,,,,,,,\n"                    /* 18: left a month before */
	          "Same month,2010-02,2010,,,,,,,\n"                      /* 19: fine at the year's precision */
	          "Unclosed,\"2010,,,,,,,,\n");                           /* 20 */
	problems_are(&f, "3:joined:history.err.date\n"
	                 "4:joined:history.err.future\n"
	                 "5:left:history.err.left_before_joined\n"
	                 "6:sector:history.err.choice\n"
	                 "7:region:history.err.choice\n"
	                 "8:csirt_type:history.err.choice\n"
	                 "9:staff_at_founding:history.err.staff\n"
	                 "9:staff_now:history.err.staff\n"
	                 "10:name:history.err.required\n"
	                 "11:joined:history.err.required\n"
	                 "13:name:history.err.text\n"
	                 "14:name:history.err.encoding\n"
	                 "15::history.err.extra_cell\n"
	                 "16:established:history.err.date\n"
	                 "17::history.err.csv_after_quote\n"
	                 "18:left:history.err.left_before_joined\n"
	                 "20::history.err.csv_unclosed\n"
	                 "12:name:history.err.duplicate_name\n");
	assert_int_equal(f.nrows, 3);   /* Good, GOOD (a duplicate: listed), Same month */
	/* The messages name the value and, for a choice, what is accepted. */
	struct buf b;
	buf_init(&b, 4096);
	assert_int_equal(history_issue_text(&f.issues[3], LANG_EN, &b), 0);
	assert_non_null(strstr(b.data, "sector: Unknown value \"banking\": use one of ict, manufacturing, finance"));
	buf_reset(&b);
	assert_int_equal(history_issue_text(&f.issues[17], LANG_EN, &b), 0);
	assert_string_equal(b.data, "name: \"GOOD\" is also on line 2: one row per team.");
	buf_reset(&b);
	assert_int_equal(history_issue_text(&f.issues[11], LANG_JA, &b), 0);
	assert_non_null(strstr(b.data, "UTF-8 のテキストではありません"));
	buf_release(&b);
	history_file_release(&f);
}

static void the_header_must_name_the_columns(void **state)
{
	struct history_file f;
	parse(&f, "name,sector,colour,sector\nA,ict,red,ict\n");
	problems_are(&f, "1:colour:history.err.unknown_column\n"
	                 "1:sector:history.err.duplicate_column\n"
	                 "1:joined:history.err.missing_column\n");
	assert_int_equal(f.nrows, 0);
	history_file_release(&f);
	parse(&f, "");
	problems_are(&f, "0::history.err.no_header\n");
	history_file_release(&f);
	parse(&f, "# only a comment\n\n");
	problems_are(&f, "0::history.err.no_header\n");
	history_file_release(&f);
	/* A header alone is a file of no rows: fine (with --replace, it empties the history). */
	parse(&f, "name,joined\r\n");
	problems_are(&f, "");
	assert_int_equal(f.nrows, 0);
	history_file_release(&f);
}

/* --- against the database --------------------------------------------------------- */

static int audits;

static int count_audit(void *arg, const struct history_result *res)
{
	audits++;
	return 0;
}

static int apply(struct db *db, struct history_file *f, bool replace, bool dry_run, struct history_result *res)
{
	struct history_options opt = {.replace = replace, .dry_run = dry_run, .now = 1000, .audit = count_audit};
	return history_apply(db, f, &opt, res);
}

static const char good_file[] =
	"name,joined,sector\n"
	"Kaede Bank CSIRT,2007-03,finance\n"
	"Asahi-SIRT,2013,ict\n"
	"Sora PSIRT,2016-05,manufacturing\n";

static void rows_are_written_all_together_or_not_at_all(void **state)
{
	struct testdb t;
	testdb_open(&t);
	assert_int_equal(db_exec(&t.db, "INSERT INTO teams (id, slug, name_en, name_ja, short_name, created_at, updated_at)"
	                                " VALUES (7, 'kaede', 'KAEDE BANK CSIRT', 'かえで銀行', 'KB-CSIRT', 0, 0)"), 0);
	struct history_file f;
	struct history_result res;
	audits = 0;
	parse(&f, good_file);
	assert_int_equal(apply(&t.db, &f, false, false, &res), 0);
	assert_int_equal(res.added, 3);
	assert_int_equal(res.linked, 1);
	assert_int_equal(audits, 1);
	history_file_release(&f);
	assert_int_equal(db_scalar(&t.db, "SELECT count(*) FROM member_history"), 3);
	assert_int_equal(db_scalar(&t.db, "SELECT team_id FROM member_history WHERE name = 'Kaede Bank CSIRT'"), 7);
	assert_int_equal(db_scalar(&t.db, "SELECT source_line FROM member_history WHERE name = 'Sora PSIRT'"), 4);

	/* The same file again: every name was imported before; nothing written. */
	parse(&f, good_file);
	assert_int_equal(apply(&t.db, &f, false, false, &res), 1);
	assert_int_equal(f.nproblems, 3);
	assert_string_equal(f.issues[0].msg_key, "history.err.already_imported");
	assert_int_equal(res.added, 0);
	history_file_release(&f);
	assert_int_equal(db_scalar(&t.db, "SELECT count(*) FROM member_history"), 3);

	/* One bad row among good ones: nothing of the file is written. */
	parse(&f, "name,joined\nNew One,2018\nNew Two,20188\n");
	assert_int_equal(f.nproblems, 1);
	assert_int_equal(apply(&t.db, &f, false, false, &res), 1);
	history_file_release(&f);
	assert_int_equal(db_scalar(&t.db, "SELECT count(*) FROM member_history WHERE name LIKE 'New%'"), 0);
	assert_int_equal(audits, 1);

	/* --replace: the old history goes, the file comes, in one transaction. */
	parse(&f, "name,joined\nKaede Bank CSIRT,2008\nNew One,2018\n");
	assert_int_equal(apply(&t.db, &f, true, false, &res), 0);
	assert_int_equal(res.removed, 3);
	assert_int_equal(res.added, 2);
	history_file_release(&f);
	assert_int_equal(db_scalar(&t.db, "SELECT count(*) FROM member_history"), 2);
	assert_int_equal(db_scalar(&t.db, "SELECT count(*) FROM member_history WHERE joined = '2008'"), 1);

	/* A dry run checks and counts, and writes nothing. */
	parse(&f, "name,joined\nDry,2019\n");
	assert_int_equal(apply(&t.db, &f, false, true, &res), 0);
	assert_int_equal(res.added, 1);
	history_file_release(&f);
	assert_int_equal(db_scalar(&t.db, "SELECT count(*) FROM member_history WHERE name = 'Dry'"), 0);

	/* A --replace that is refused keeps the old history. */
	parse(&f, "name,joined\nX,not a date\n");
	assert_int_equal(apply(&t.db, &f, true, false, &res), 1);
	history_file_release(&f);
	assert_int_equal(db_scalar(&t.db, "SELECT count(*) FROM member_history"), 2);
	testdb_close(&t);
}

static void a_name_two_directory_teams_have_cannot_be_linked(void **state)
{
	struct testdb t;
	testdb_open(&t);
	assert_int_equal(db_exec(&t.db, "INSERT INTO teams (id, slug, name_en, short_name, created_at, updated_at) VALUES"
	                                " (1, 'one', 'Team One', 'TWIN', 0, 0), (2, 'two', 'Team Two', 'twin', 0, 0)"), 0);
	struct history_file f;
	struct history_result res;
	parse(&f, "name,joined\nＴＷＩＮ,2010\nTeam Two,2011\n");
	assert_int_equal(apply(&t.db, &f, false, false, &res), 1);
	assert_int_equal(f.nissues, 1);
	assert_int_equal(f.issues[0].line, 2);
	assert_string_equal(f.issues[0].msg_key, "history.err.ambiguous");
	history_file_release(&f);
	assert_int_equal(db_scalar(&t.db, "SELECT count(*) FROM member_history"), 0);
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
		cmocka_unit_test(a_file_as_excel_writes_it_reads_whole),
		cmocka_unit_test(every_bad_row_is_listed_with_its_line_and_reason),
		cmocka_unit_test(the_header_must_name_the_columns),
		cmocka_unit_test(rows_are_written_all_together_or_not_at_all),
		cmocka_unit_test(a_name_two_directory_teams_have_cannot_be_linked),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
