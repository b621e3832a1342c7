/* Reading the directory's CSV export (import_csv.c): the export's own
 * rows read back (export_csv_row), RFC 4180 quoting at its edges,
 * formula cells the export defused, contacts with hours, constituency
 * rules by their shape, and every malformed row listed with its line and
 * row number. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include "directory/export.h"
#include "import_testutil.h"

static void reads_rows_the_export_wrote(void **state)
{
	json_error_t err;
	json_t *team = json_loads(
		"{\"slug\":\"t-1\",\"name\":{\"en\":\"=HYPERLINK(\\\"x\\\")\",\"ja\":\"チーム \\\"一\\\", 東京\"},"
		"\"short_name\":\"+T1\",\"host_org\":{\"en\":\"-Host, Inc.\",\"ja\":\"@ホスト\"},\"country\":\"JP\","
		"\"region\":\"kanto\",\"sector\":\"finance\",\"csirt_type\":\"organisational\",\"website\":\"https://t1.example.jp/\","
		"\"contacts\":[{\"kind\":\"email_incident\",\"value\":\"a@t1.example.jp\",\"hours\":\"24/7, weekends (too)\"},"
		"{\"kind\":\"email_incident\",\"value\":\"b@t1.example.jp\",\"hours\":\"\"},"
		"{\"kind\":\"phone_emergency\",\"value\":\"(03) 1234-5678\",\"hours\":\"night\"}],"
		"\"constituency\":[{\"kind\":\"asn\",\"value\":\"AS64500\"},{\"kind\":\"cidr\",\"value\":\"2001:db8::/32\"},"
		"{\"kind\":\"cidr\",\"value\":\"192.0.2.0/24\"},{\"kind\":\"country\",\"value\":\"JP\"},"
		"{\"kind\":\"domain\",\"value\":\"*.t1.example.jp\"},{\"kind\":\"type\",\"value\":\"Research & Education\"}]}",
		0, &err);
	assert_non_null(team);
	struct buf csv;
	buf_init(&csv, 1 << 20);
	export_csv_header(&csv);
	export_csv_row(&csv, team);
	json_decref(team);
	struct import_doc d;
	parse_as(&d, IMPORT_CSV, csv.data);
	if (d.nissues)
		dump_issues(&d);
	assert_int_equal(d.nissues, 0);
	assert_int_equal(d.nrecords, 1);
	struct import_record *r = &d.records[0];
	json_t *c = r->change;
	assert_string_equal(r->slug, "t-1");
	assert_int_equal(r->line, 2);
	assert_int_equal(r->number, 1);
	/* The apostrophes the export put before formulas are gone again. */
	assert_string_equal(str_at(c, "name.en"), "=HYPERLINK(\"x\")");
	assert_string_equal(str_at(c, "short_name"), "+T1");
	assert_string_equal(str_at(c, "host_org.en"), "-Host, Inc.");
	assert_string_equal(str_at(c, "host_org.ja"), "@ホスト");
	assert_string_equal(str_at(c, "name.ja"), "チーム \"一\", 東京");
	assert_string_equal(str_at(c, "region"), "kanto");
	assert_string_equal(str_at(c, "contacts[0].value"), "a@t1.example.jp");
	assert_string_equal(str_at(c, "contacts[0].hours"), "24/7, weekends (too)");
	assert_string_equal(str_at(c, "contacts[1].value"), "b@t1.example.jp");
	assert_null(json_at(c, "contacts[1].hours"));
	assert_string_equal(str_at(c, "contacts[2].kind"), "phone_emergency");
	assert_string_equal(str_at(c, "contacts[2].value"), "(03) 1234-5678");
	assert_string_equal(str_at(c, "contacts[2].hours"), "night");
	static const char *const rules[][2] = {{"asn", "AS64500"}, {"cidr", "2001:db8::/32"}, {"cidr", "192.0.2.0/24"},
	                                       {"country", "JP"}, {"domain", "*.t1.example.jp"},
	                                       {"type", "Research & Education"}};
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(str_at(json_array_get(json_object_get(c, "constituency"), i), "kind"), rules[i][0]);
		assert_string_equal(str_at(json_array_get(json_object_get(c, "constituency"), i), "value"), rules[i][1]);
	}
	import_doc_release(&d);
	buf_release(&csv);
}

static void quoting_at_its_edges(void **state)
{
	static const char csv[] =
		"name_en,short_name,host_org_en\n"                 /* 1 */
		"\"a \"\"quoted\"\" name\",\"\",plain\n"           /* 2: row 1 */
		"\n"                                               /* an empty line */
		"\"two\nlines\",S2,\"x,y\"\r\n"                    /* 4-5: row 2 */
		"\"\"\"\",S3,\n"                                   /* 6: row 3, last cell empty */
		"\"'=1+1\",'-2,'x\n"                               /* 7: row 4 */
		"last,S5,\"no newline at the end\"";               /* 8: row 5 */
	struct import_doc d;
	parse_as(&d, IMPORT_CSV, csv);
	if (d.nissues)
		dump_issues(&d);
	assert_int_equal(d.nissues, 0);
	assert_int_equal(d.nrecords, 5);
	assert_string_equal(str_at(d.records[0].change, "name.en"), "a \"quoted\" name");
	assert_null(json_at(d.records[0].change, "short_name"));   /* empty: left as it is */
	assert_string_equal(str_at(d.records[0].change, "host_org.en"), "plain");
	assert_string_equal(str_at(d.records[1].change, "name.en"), "two\nlines");
	assert_int_equal(d.records[1].line, 4);
	assert_string_equal(str_at(d.records[1].change, "host_org.en"), "x,y");
	assert_string_equal(str_at(d.records[2].change, "name.en"), "\"");
	assert_int_equal(d.records[2].line, 6);
	assert_string_equal(str_at(d.records[3].change, "name.en"), "=1+1");
	assert_string_equal(str_at(d.records[3].change, "short_name"), "-2");
	/* An apostrophe before anything else is text. */
	assert_string_equal(str_at(d.records[3].change, "host_org.en"), "'x");
	assert_int_equal(d.records[4].number, 5);
	assert_string_equal(str_at(d.records[4].change, "host_org.en"), "no newline at the end");
	import_doc_release(&d);
}

static void lists_every_malformed_row(void **state)
{
	static const char csv[] =
		"slug,name_en\n"                       /* 1 */
		"ok-1,One\n"                           /* 2: row 1 */
		"bad\"quote,Two\n"                     /* 3: row 2 */
		"\"closed\"then,Three\n"               /* 4: row 3 */
		"too,many,cells\n"                     /* 5: row 4 */
		"few\n"                                /* 6: row 5 */
		"ok-2,Six\n"                           /* 7: row 6 */
		"\"never closed,Seven\nok-3,Eight\n";  /* 8: row 7, to the end */
	struct import_doc d;
	parse_as(&d, IMPORT_CSV, csv);
	static const struct {
		const char *key;
		size_t line, row;
	} want[] = {
		{"import.csv_stray_quote", 3, 2}, {"import.csv_after_quote", 4, 3}, {"import.csv_width", 5, 4},
		{"import.csv_width", 6, 5}, {"import.csv_unclosed", 8, 7},
	};
	if (d.nissues != sizeof(want) / sizeof(want[0]))
		dump_issues(&d);
	assert_int_equal(d.nissues, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < d.nissues; i++) {
		assert_string_equal(d.issues[i].msg_key, want[i].key);
		assert_int_equal(d.issues[i].line, want[i].line);
		assert_int_equal(d.issues[i].record, want[i].row);
		assert_true(d.issues[i].rejected);
	}
	struct buf reason;
	buf_init(&reason, 4096);
	import_issue_reason(nth_issue(&d, "import.csv_width", 0), LANG_EN, &reason);
	assert_string_equal(reason.data, "The row has 3 cells; the header has 2.");
	buf_release(&reason);
	/* The good rows are read all the same (and written only if none was bad). */
	assert_int_equal(d.nrecords, 2);
	assert_string_equal(d.records[1].slug, "ok-2");
	import_doc_release(&d);
}

static void checks_the_header(void **state)
{
	struct import_doc d;
	parse_as(&d, IMPORT_CSV, "slug,name_en,fax_number,name_en\nx,y,z,w\n");
	assert_true(issue_with(&d, "import.csv_duplicate_column")->rejected);
	assert_false(issue_with(&d, "import.csv_unknown_column")->rejected);
	assert_string_equal(issue_with(&d, "import.csv_unknown_column")->field, "fax_number");
	assert_int_equal(d.nrecords, 0);
	import_doc_release(&d);
	parse_as(&d, IMPORT_CSV, "country,website\nJP,https://x.example.jp/\n");
	assert_true(issue_with(&d, "import.csv_no_key_column")->rejected);
	import_doc_release(&d);
	parse_as(&d, IMPORT_CSV, "");
	assert_true(issue_with(&d, "import.csv_empty")->rejected);
	import_doc_release(&d);
	parse_as(&d, IMPORT_CSV, "\xEF\xBB\xBF\r\n\r\n");
	assert_true(issue_with(&d, "import.csv_empty")->rejected);
	import_doc_release(&d);
	/* A reordered, shortened header is read by name. */
	parse_as(&d, IMPORT_CSV, "website,SLUG, name_en \nhttps://a.example.jp/,a,A\n");
	assert_int_equal(d.nissues, 0);
	assert_string_equal(d.records[0].slug, "a");
	assert_string_equal(str_at(d.records[0].change, "website"), "https://a.example.jp/");
	import_doc_release(&d);
}

static void refuses_bytes_that_are_not_text(void **state)
{
	static const char csv[] = "slug,name_en\na,\xFF\xFE\nb,B\0x\nc,C\n";
	struct import_doc d;
	parse_n(&d, IMPORT_CSV, csv, sizeof(csv) - 1);
	assert_int_equal(issue_with(&d, "import.bad_utf8")->line, 2);
	assert_int_equal(issue_with(&d, "import.nul")->line, 3);
	assert_int_equal(d.nrejected, 2);
	assert_int_equal(d.nrecords, 3);
	assert_null(json_at(d.records[0].change, "name.en"));
	assert_string_equal(str_at(d.records[2].change, "name.en"), "C");
	import_doc_release(&d);
}

static void survives_huge_cells_and_many_columns(void **state)
{
	struct buf b;
	buf_init(&b, 64u << 20);
	buf_adds(&b, "slug,name_en\nbig,\"");
	for (int i = 0; i < (2 << 20); i++)
		buf_addc(&b, 'x');
	buf_adds(&b, "\"\nsmall,S\n");
	for (int i = 0; i < 300; i++)
		buf_adds(&b, "c,");
	buf_adds(&b, "c\n");
	struct import_doc d;
	parse_n(&d, IMPORT_CSV, b.data, b.len);
	assert_int_equal(issue_with(&d, "import.row_too_long")->line, 2);
	assert_int_equal(issue_with(&d, "import.csv_too_many_cells")->line, 4);
	assert_int_equal(d.nrecords, 1);
	assert_string_equal(d.records[0].slug, "small");
	import_doc_release(&d);
	buf_release(&b);
}

static void recognises_rules_by_their_shape(void **state)
{
	struct import_doc d;
	parse_as(&d, IMPORT_CSV, "slug,constituency\nx,64500 as64501 10.0.0.1 fe80::/10 DE example.org a..jp Big Bank\n");
	json_t *rules = json_object_get(d.records[0].change, "constituency");
	static const char *const want[][2] = {{"asn", "64500"}, {"asn", "as64501"}, {"cidr", "10.0.0.1"},
	                                      {"cidr", "fe80::/10"}, {"country", "DE"}, {"domain", "example.org"},
	                                      {"domain", "a..jp"}, {"type", "Big Bank"}};
	assert_int_equal(json_array_size(rules), 8);
	for (size_t i = 0; i < 8; i++) {
		assert_string_equal(str_at(json_array_get(rules, i), "kind"), want[i][0]);
		assert_string_equal(str_at(json_array_get(rules, i), "value"), want[i][1]);
	}
	import_doc_release(&d);
}

int main(void)
{
	char err[256];
	if (i18n_load(err, sizeof(err)) < 0)
		fail_msg("%s", err);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_rows_the_export_wrote),
		cmocka_unit_test(quoting_at_its_edges),
		cmocka_unit_test(lists_every_malformed_row),
		cmocka_unit_test(checks_the_header),
		cmocka_unit_test(refuses_bytes_that_are_not_text),
		cmocka_unit_test(survives_huge_cells_and_many_columns),
		cmocka_unit_test(recognises_rules_by_their_shape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
