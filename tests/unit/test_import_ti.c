/* Reading Trusted Introducer's teams.json layout (import_ti.c): each
 * team's fields, constituency and contacts mapped, the line each team
 * starts on, what has no place reported per team, and input that is
 * not a team list refused with where it went wrong. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include "import_testutil.h"

static const char teams[] =
	"[\n"                                                              /* 1 */
	"  {\n"                                                            /* 2 */
	"    \"official_name\": \"Example Energy CERT\",\n"
	"    \"short_name\": \"EE-CERT\",\n"
	"    \"country\": {\"code\": \"JP\", \"name\": \"Japan\"},\n"
	"    \"established\": \"2016-11-01\",\n"
	"    \"host_organisation\": \"Example Energy\",\n"
	"    \"classification\": {\"code\": \"l\", \"name\": \"Listed\", \"since\": \"2020-06-30\"},\n"
	"    \"postal_address\": \"1-2-3 Otemachi\\nTokyo\",\n"
	"    \"constituency\": {\"types\": [\"CIIP\"], \"asns\": [64500, \"AS64501\"],\n"
	"      \"domains\": [\"*.energy.example.jp\", \"*.jp\"], \"ipranges\": [\"192.0.2.0/24\"],\n"
	"      \"countries\": [{\"code\": \"JP\", \"name\": \"Japan\"}]},\n"
	"    \"business_hours\": \"09:00 to 17:30\",\n"
	"    \"business_hours_timezone\": \"Asia/Tokyo\",\n"
	"    \"pgp_keys\": [{\"fingerprint\": \"0000 1111\", \"expires\": \"2030-01-01\"}],\n"
	"    \"phones\": [{\"usage\": [\"voice\"], \"number\": \"+81 3-0000-1111\"},\n"
	"      {\"usage\": [\"voice\", \"emergency\"], \"number\": \"+81 90-0000-2222\", \"comments\": \"on call\"},\n"
	"      {\"usage\": [\"fax\"], \"number\": \"+81 3-0000-3333\"}],\n"
	"    \"emails\": [{\"address\": \"cert@energy.example.jp\", \"usage\": [\"contact\"]},\n"
	"      {\"address\": \"info@energy.example.jp\", \"usage\": [\"information\"]}],\n"
	"    \"misp\": {\"org_uuid\": \"x\"}\n"
	"  },\n"
	"  {\"official_name\": \"大学 CSIRT\", \"short_name\": \"UNIV\", \"team_url\": \"https://univ.example.jp/\"}\n"  /* 23 */
	"]\n";

static void maps_each_team(void **state)
{
	struct import_doc d;
	parse_as(&d, IMPORT_TI_JSON, teams);
	assert_int_equal(d.nrejected, 0);
	assert_int_equal(d.nrecords, 2);
	struct import_record *r = &d.records[0];
	json_t *c = r->change;
	assert_int_equal(r->line, 2);
	assert_int_equal(r->number, 1);
	assert_string_equal(str_at(c, "name.en"), "Example Energy CERT");
	assert_string_equal(str_at(c, "short_name"), "EE-CERT");
	assert_string_equal(str_at(c, "country"), "JP");
	assert_string_equal(str_at(c, "established"), "2016-11-01");
	assert_string_equal(str_at(c, "host_org.en"), "Example Energy");
	assert_string_equal(str_at(c, "address.en"), "1-2-3 Otemachi\nTokyo");
	assert_string_equal(str_at(c, "business_hours.en"), "09:00 to 17:30");
	assert_string_equal(str_at(c, "tz"), "Asia/Tokyo");
	static const char *const rules[][2] = {{"type", "CIIP"}, {"asn", "AS64500"}, {"asn", "AS64501"},
	                                       {"domain", "*.energy.example.jp"}, {"cidr", "192.0.2.0/24"},
	                                       {"country", "JP"}};
	assert_int_equal(json_array_size(json_object_get(c, "constituency")), 6);
	for (size_t i = 0; i < 6; i++) {
		json_t *x = json_array_get(json_object_get(c, "constituency"), i);
		assert_string_equal(str_at(x, "kind"), rules[i][0]);
		assert_string_equal(str_at(x, "value"), rules[i][1]);
	}
	static const char *const contacts[][2] = {{"phone_voice", "+81 3-0000-1111"},
	                                          {"phone_emergency", "+81 90-0000-2222"}, {"fax", "+81 3-0000-3333"},
	                                          {"email_incident", "cert@energy.example.jp"},
	                                          {"email_general", "info@energy.example.jp"}};
	for (size_t i = 0; i < 5; i++) {
		json_t *x = json_array_get(json_object_get(c, "contacts"), i);
		assert_string_equal(str_at(x, "kind"), contacts[i][0]);
		assert_string_equal(str_at(x, "value"), contacts[i][1]);
	}
	assert_string_equal(str_at(c, "contacts[1].note"), "on call");

	/* A Japanese name goes to the Japanese field. */
	assert_int_equal(d.records[1].line, 23);
	assert_string_equal(str_at(d.records[1].change, "name.ja"), "大学 CSIRT");
	import_doc_release(&d);
}

static void reports_what_has_no_place_per_team(void **state)
{
	struct import_doc d;
	parse_as(&d, IMPORT_TI_JSON, teams);
	static const struct {
		const char *key;
		size_t line, record;
		const char *text;
	} want[] = {
		{"import.no_place", 2, 1, "classification"},
		{"import.tld_wildcard", 2, 1, "constituency.domains[1]: *.jp"},
		{"import.keys_not_imported", 2, 1, "pgp_keys"},
		{"import.no_place", 2, 1, "misp"},
		{"import.unknown_field", 23, 2, "team_url"},
	};
	assert_int_equal(d.nissues, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < d.nissues; i++) {
		assert_string_equal(d.issues[i].msg_key, want[i].key);
		assert_int_equal(d.issues[i].line, want[i].line);
		assert_int_equal(d.issues[i].record, want[i].record);
		assert_string_equal(d.issues[i].excerpt, want[i].text);
	}
	import_doc_release(&d);
}

static void refuses_wrong_types_with_the_team_and_field(void **state)
{
	static const char bad[] =
		"[{\"official_name\": 7, \"constituency\": {\"asns\": \"AS1\", \"domains\": [1]}, \"phones\": {},\n"
		"  \"emails\": [\"x@y.jp\"]},\n"
		" 42,\n"
		" {\"short_name\": null, \"country\": {\"name\": \"Japan\"}}]";
	struct import_doc d;
	parse_as(&d, IMPORT_TI_JSON, bad);
	static const struct {
		const char *key, *field;
		size_t line, record;
	} want[] = {
		{"import.want_string", "official_name", 1, 1},
		{"import.want_list", "constituency.asns", 1, 1},
		{"import.want_string", "constituency.domains[0]", 1, 1},
		{"import.want_list", "phones", 1, 1},
		{"import.want_object", "emails[0]", 1, 1},
		{"import.ti_not_object", "", 3, 2},
	};
	if (d.nissues != sizeof(want) / sizeof(want[0]))
		dump_issues(&d);
	assert_int_equal(d.nissues, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < d.nissues; i++) {
		assert_string_equal(d.issues[i].msg_key, want[i].key);
		assert_string_equal(d.issues[i].field, want[i].field);
		assert_int_equal(d.issues[i].line, want[i].line);
		assert_int_equal(d.issues[i].record, want[i].record);
		assert_true(d.issues[i].rejected);
	}
	/* null and a country without a code are simply not given. */
	assert_int_equal(json_object_size(d.records[1].change), 0);
	import_doc_release(&d);
}

static void refuses_what_is_not_a_team_list(void **state)
{
	struct import_doc d;
	parse_as(&d, IMPORT_TI_JSON, "[\n{\"a\": 1,\n \"a\": 2}]");
	assert_true(issue_with(&d, "import.bad_json")->rejected);
	assert_int_equal(issue_with(&d, "import.bad_json")->line, 3);
	import_doc_release(&d);
	parse_as(&d, IMPORT_TI_JSON, "[{\"official_name\": \"x\"},]");
	assert_non_null(issue_with(&d, "import.bad_json"));
	assert_int_equal(d.nrecords, 0);
	import_doc_release(&d);
	parse_as(&d, IMPORT_TI_JSON, "\"teams\"");
	assert_non_null(issue_with(&d, "import.ti_not_list"));
	import_doc_release(&d);
	parse_as(&d, IMPORT_TI_JSON, "");
	assert_non_null(issue_with(&d, "import.bad_json"));
	import_doc_release(&d);
	static const char nul[] = "[{\"official_name\": \"a\"}]\0";
	parse_n(&d, IMPORT_TI_JSON, nul, sizeof(nul) - 1);
	assert_non_null(issue_with(&d, "import.nul"));
	assert_int_equal(d.nrecords, 0);
	import_doc_release(&d);
	parse_as(&d, IMPORT_TI_JSON, "[{\"official_name\": \"\xC3\x28\"}]");
	assert_non_null(issue_with(&d, "import.bad_utf8"));
	import_doc_release(&d);
	/* jansson refuses "\u0000" in strings: no value can hold a NUL. */
	parse_as(&d, IMPORT_TI_JSON, "[{\"official_name\": \"a\\u0000b\"}]");
	assert_true(issue_with(&d, "import.bad_json")->rejected);
	import_doc_release(&d);
	struct buf deep;
	buf_init(&deep, 1 << 20);
	for (int i = 0; i < 100000; i++)
		buf_addc(&deep, '[');
	parse_n(&d, IMPORT_TI_JSON, deep.data, deep.len);
	assert_non_null(issue_with(&d, "import.bad_json"));
	import_doc_release(&d);
	buf_release(&deep);
}

static void a_single_team_object_is_one_record(void **state)
{
	struct import_doc d;
	parse_as(&d, IMPORT_TI_JSON, "\xEF\xBB\xBF{\"official_name\": \"Solo CERT\", \"short_name\": \"SOLO\"}");
	assert_int_equal(d.nrecords, 1);
	assert_int_equal(d.records[0].number, 1);
	assert_string_equal(str_at(d.records[0].change, "short_name"), "SOLO");
	import_doc_release(&d);
}

static void many_teams_each_know_their_line(void **state)
{
	struct buf b;
	buf_init(&b, 64u << 20);
	buf_adds(&b, "[");
	for (int i = 0; i < 5000; i++)
		buf_printf(&b, "%s\n {\"official_name\": \"Team \\\"%d\\\" [x]\", \"short_name\": \"T%d\"}", i ? "," : "", i, i);
	buf_adds(&b, "]");
	struct import_doc d;
	parse_n(&d, IMPORT_TI_JSON, b.data, b.len);
	assert_int_equal(d.nrecords, 5000);
	assert_int_equal(d.records[4321].line, 4323);   /* "[" is line 1, team 0 line 2 */
	assert_string_equal(str_at(d.records[4321].change, "name.en"), "Team \"4321\" [x]");
	import_doc_release(&d);
	buf_release(&b);
}

int main(void)
{
	char err[256];
	if (i18n_load(err, sizeof(err)) < 0)
		fail_msg("%s", err);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(maps_each_team),
		cmocka_unit_test(reports_what_has_no_place_per_team),
		cmocka_unit_test(refuses_wrong_types_with_the_team_and_field),
		cmocka_unit_test(refuses_what_is_not_a_team_list),
		cmocka_unit_test(a_single_team_object_is_one_record),
		cmocka_unit_test(many_teams_each_know_their_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
