/* Reading RFC 2350 documents (import_rfc2350.c): the directory's own
 * export read back field by field, a document written by hand the way
 * teams write them, every kind of line that has no place in a record
 * reported with its line, and hostile input (NUL bytes, bytes that are
 * not UTF-8, huge lines, thousands of headings, clear-signed armor). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include "directory/export.h"
#include "import_testutil.h"

static const char team_json[] =
	"{\"slug\":\"team-seven\",\"name\":{\"en\":\"Team Seven\",\"ja\":\"チームセブン\"},\"short_name\":\"T7\","
	"\"address\":{\"en\":\"1-1 Chiyoda\\nTokyo 100-0001\",\"ja\":\"東京都千代田区1-1\"},\"tz\":\"Asia/Tokyo\","
	"\"website\":\"https://t7.example.jp/\",\"business_hours\":{\"en\":\"9:00-17:30 weekdays\",\"ja\":\"平日 9時〜17時半\"},"
	"\"contacts\":[{\"kind\":\"phone_voice\",\"value\":\"+81 3-1234-5678\",\"hours\":\"9-17\"},"
	"{\"kind\":\"fax\",\"value\":\"+81 3-1234-5679\",\"hours\":\"\"},"
	"{\"kind\":\"phone_emergency\",\"value\":\"+81 90-1234-5678\",\"hours\":\"24/7\"},"
	"{\"kind\":\"email_incident\",\"value\":\"csirt@t7.example.jp\",\"hours\":\"24/7\"},"
	"{\"kind\":\"email_incident\",\"value\":\"report@t7.example.jp\",\"hours\":\"\"}],"
	"\"people\":[{\"name\":\"Hanako Yamada\",\"role\":\"primary_poc\"},{\"name\":\"Taro Sato\",\"role\":\"secondary_poc\"}],"
	"\"keys\":[{\"fingerprint\":\"0123456789ABCDEF0123456789ABCDEF01234567\",\"algo\":\"ed25519\"}],"
	"\"texts\":{\"mission\":{\"en\":\"We coordinate.\\n\\nWe also teach.\",\"ja\":\"調整します。\"},"
	"\"constituency\":{\"en\":\"Our group companies.\"},\"sponsorship\":{\"en\":\"Funded by the group.\"},"
	"\"authority\":{\"en\":\"Appointed by the board.\"},\"policy_incident_types\":{\"en\":\"All kinds:\\n1. phishing\\n2. malware\"},"
	"\"policy_cooperation\":{\"en\":\"TLP 2.0.\"},\"policy_communication\":{\"en\":\"Use PGP.\"},"
	"\"services\":{\"en\":\"Incident response.\"},\"incident_reporting\":{\"en\":\"Mail us.\"},"
	"\"disclaimers\":{\"en\":\"Best effort.\"}}}";

static json_t *team(void)
{
	json_error_t err;
	json_t *t = json_loads(team_json, 0, &err);
	if (!t)
		fail_msg("fixture: %s", err.text);
	return t;
}

static void export_and_parse(struct import_doc *d, const char *lang, struct buf *text)
{
	json_t *t = team();
	buf_init(text, 1 << 20);
	assert_int_equal(export_rfc2350(text, t, lang, "2024-04-01"), 0);
	json_decref(t);
	parse_as(d, IMPORT_RFC2350, text->data);
}

static void reads_its_own_export_back(void **state)
{
	struct import_doc d;
	struct buf text;
	export_and_parse(&d, "en", &text);
	if (d.nrejected)
		dump_issues(&d);
	assert_int_equal(d.nrejected, 0);
	assert_int_equal(d.nrecords, 1);
	json_t *c = d.records[0].change;
	assert_string_equal(str_at(c, "name.en"), "Team Seven");
	assert_string_equal(str_at(c, "short_name"), "T7");
	assert_string_equal(str_at(c, "address.en"), "1-1 Chiyoda\nTokyo 100-0001");
	assert_string_equal(str_at(c, "tz"), "Asia/Tokyo");
	assert_string_equal(str_at(c, "website"), "https://t7.example.jp/");
	assert_string_equal(str_at(c, "business_hours.en"), "9:00-17:30 weekdays");
	static const char *const want[][3] = {
		{"phone_voice", "+81 3-1234-5678", "9-17"}, {"fax", "+81 3-1234-5679", NULL},
		{"phone_emergency", "+81 90-1234-5678", "24/7"}, {"email_incident", "csirt@t7.example.jp", "24/7"},
		{"email_incident", "report@t7.example.jp", NULL},
	};
	assert_int_equal(json_array_size(json_object_get(c, "contacts")), 5);
	for (size_t i = 0; i < 5; i++) {
		json_t *x = json_array_get(json_object_get(c, "contacts"), i);
		assert_string_equal(str_at(x, "kind"), want[i][0]);
		assert_string_equal(str_at(x, "value"), want[i][1]);
		if (want[i][2])
			assert_string_equal(str_at(x, "hours"), want[i][2]);
		else
			assert_null(json_object_get(x, "hours"));
	}
	assert_string_equal(str_at(c, "people[0].name"), "Hanako Yamada");
	assert_string_equal(str_at(c, "people[1].role"), "secondary_poc");
	static const char *const texts[][2] = {
		{"mission", "We coordinate.\n\nWe also teach."}, {"constituency", "Our group companies."},
		{"sponsorship", "Funded by the group."}, {"authority", "Appointed by the board."},
		{"policy_incident_types", "All kinds:\n1. phishing\n2. malware"}, {"policy_cooperation", "TLP 2.0."},
		{"policy_communication", "Use PGP."}, {"services", "Incident response."},
		{"incident_reporting", "Mail us."}, {"disclaimers", "Best effort."},
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char path[64];
		snprintf(path, sizeof(path), "texts.%s.en", texts[i][0]);
		assert_string_equal(str_at(c, path), texts[i][1]);
	}
	/* The document's own information and the key are said, not imported. */
	assert_int_equal(count_issues(&d, "import.doc_info"), 3);
	assert_non_null(issue_with(&d, "import.keys_not_imported"));
	assert_int_equal(d.nissues, 4);
	/* Each value knows its line: the heading "2.2 Address" is followed by it. */
	const char *at = strstr(text.data, "   1-1 Chiyoda");
	size_t line = 1;
	for (const char *p = text.data; p < at; p++)
		line += *p == '\n';
	assert_int_equal(line_of(&d.records[0], "address.en"), line);
	import_doc_release(&d);
	buf_release(&text);
}

static void reads_the_japanese_export_into_japanese_fields(void **state)
{
	struct import_doc d;
	struct buf text;
	export_and_parse(&d, "ja", &text);
	json_t *c = d.records[0].change;
	assert_string_equal(str_at(c, "name.ja"), "チームセブン");
	assert_null(json_at(c, "name.en"));
	assert_string_equal(str_at(c, "address.ja"), "東京都千代田区1-1");
	assert_string_equal(str_at(c, "business_hours.ja"), "平日 9時〜17時半");
	assert_string_equal(str_at(c, "texts.mission.ja"), "調整します。");
	/* A text with no Japanese version is exported in English, and read so. */
	assert_string_equal(str_at(c, "texts.services.en"), "Incident response.");
	import_doc_release(&d);
	buf_release(&text);
}

static const char by_hand[] =
	"-----\n"                                                   /* 1 */
	"Example CERT: our profile\n"                               /* 2 */
	"\n"
	"## 1. Document Information\n"                              /* 4 */
	"## 1.1 Date of Last Update\n"
	"This is version 3, of 2024-01-01.\n"                      /* 6 */
	"## 2. Contact Information\n"
	"## 2.1 Name of the Team\n"                                 /* 8 */
	"Full name: Example Computer Emergency Response Team\n"
	"Short name: EX-CERT\n"                                     /* 10 */
	"## 2.2 Address\n"
	"Example Ltd.\n"                                            /* 12 */
	"  CERT Office\n"
	"## 2.3 Time Zone\n"                                        /* 14 */
	"Europe/Vienna (CET/CEST)\n"
	"## 2.4 Telephone Number\n"                                 /* 16 */
	"Telephone: +43 1 5056416 78 (office hours)\n"
	"Hotline: +43 1 5056416 00 (24/7), +43 1 5056416 01\n"   /* 18 */
	"## 2.5 Facsimile Number\n"
	"None.\n"                                                   /* 20 */
	"## 2.6 Other Telecommunication\n"
	"Signal on request\n"                                       /* 22 */
	"## 2.7 Electronic Mail Address\n"
	"Incident reports: <mailto:cert@example.at>\n"             /* 24 */
	"General questions: info@example.at.\n"
	"Please encrypt.\n"                                         /* 26 */
	"## 2.8 Public Keys and Encryption Information\n"
	"See https://example.at/pgp.asc\n"                          /* 28 */
	"## 2.9 Team Members\n"
	"The team is led by A. Manager.\n"                          /* 30 */
	"## 2.10 Other Information\n"
	"See our website https://cert.example.at/about.\n"         /* 32 */
	"We are a member of FIRST.\n"
	"## 2.11 Points of Customer Contact\n"                      /* 34 */
	"Hours of operation: 08:00-18:00 Mon-Fri\n"
	"Use email for everything else.\n"                          /* 36 */
	"## 3. Charter\n"
	"## 3.1 Mission Statement\n"                                /* 38 */
	"    To coordinate.\n"
	"      Indented more.\n"                                    /* 40 */
	"## 4. Policies\n"
	"## 4.1 Types of Incidents and Level of Support\n"        /* 42 */
	"1. Phishing\n"
	"2. Malware\n"                                              /* 44 */
	"## 5. Services\n"
	"## 5.1 Incident Response\n"                                /* 46 */
	"### 5.1.1 Incident Triage\n"
	"We triage.\n"                                              /* 48 */
	"## 8. Appendix: History\n"
	"Founded long ago.\n";                                      /* 50 */

static void reads_a_document_written_by_hand(void **state)
{
	struct import_doc d;
	parse_as(&d, IMPORT_RFC2350, by_hand);
	json_t *c = d.records[0].change;
	assert_string_equal(str_at(c, "name.en"), "Example Computer Emergency Response Team");
	assert_string_equal(str_at(c, "short_name"), "EX-CERT");
	assert_int_equal(line_of(&d.records[0], "short_name"), 10);
	assert_string_equal(str_at(c, "address.en"), "Example Ltd.\n  CERT Office");
	assert_string_equal(str_at(c, "tz"), "Europe/Vienna");
	assert_string_equal(str_at(c, "contacts[0].kind"), "phone_voice");
	assert_string_equal(str_at(c, "contacts[0].value"), "+43 1 5056416 78");
	assert_string_equal(str_at(c, "contacts[0].note"), "office hours");
	assert_string_equal(str_at(c, "contacts[1].hours"), "24/7");
	assert_string_equal(str_at(c, "contacts[2].value"), "+43 1 5056416 01");
	assert_int_equal(line_of(&d.records[0], "contacts[2]"), 18);
	assert_string_equal(str_at(c, "contacts[3].kind"), "email_incident");
	assert_string_equal(str_at(c, "contacts[3].value"), "cert@example.at");
	assert_string_equal(str_at(c, "contacts[4].kind"), "email_general");
	assert_string_equal(str_at(c, "contacts[4].value"), "info@example.at");
	assert_int_equal(json_array_size(json_object_get(c, "contacts")), 5);
	assert_string_equal(str_at(c, "website"), "https://cert.example.at/about");
	assert_string_equal(str_at(c, "business_hours.en"), "08:00-18:00 Mon-Fri");
	assert_string_equal(str_at(c, "texts.mission.en"), "To coordinate.\n  Indented more.");
	/* A numbered list inside a section is its text, not headings. */
	assert_string_equal(str_at(c, "texts.policy_incident_types.en"), "1. Phishing\n2. Malware");
	/* Subsections of a text section stay in it. */
	assert_string_equal(str_at(c, "texts.services.en"), "## 5.1 Incident Response\n### 5.1.1 Incident Triage\nWe triage.");
	assert_int_equal(d.nrejected, 0);
	import_doc_release(&d);
}

/* Every line the record has no place for is reported, with its line. */
static void reports_every_line_it_cannot_map(void **state)
{
	struct import_doc d;
	parse_as(&d, IMPORT_RFC2350, by_hand);
	static const struct {
		const char *key;
		size_t line;
		const char *text;
	} want[] = {
		{"import.preamble", 2, "Example CERT: our profile"},
		{"import.doc_info", 5, "## 1.1 Date of Last Update"},
		{"import.not_a_phone", 22, "Signal on request"},
		{"import.not_an_email", 26, "Please encrypt."},
		{"import.keys_not_imported", 27, "## 2.8 Public Keys and Encryption Information"},
		{"import.free_text", 30, "The team is led by A. Manager."},
		{"import.free_text", 33, "We are a member of FIRST."},
		{"import.free_text", 36, "Use email for everything else."},
		{"import.unknown_section", 49, "## 8. Appendix: History"},
	};
	size_t seen_free = 0;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct import_issue *is = nth_issue(&d, want[i].key, !strcmp(want[i].key, "import.free_text") ? seen_free++ : 0);
		if (!is) {
			dump_issues(&d);
			fail_msg("no %s", want[i].key);
		}
		assert_false(is->rejected);
		assert_int_equal(is->line, want[i].line);
		assert_string_equal(is->excerpt, want[i].text);
	}
	/* "None." in the fax section says there is none: nothing to report. */
	assert_int_equal(d.nissues, sizeof(want) / sizeof(want[0]));
	struct buf reason;
	buf_init(&reason, 4096);
	assert_int_equal(import_issue_reason(nth_issue(&d, "import.free_text", 0), LANG_EN, &reason), 0);
	assert_string_equal(reason.data, "Free text under \xE2\x80\x9C## 2.9 Team Members\xE2\x80\x9D has no place in the team "
	                                 "record and was not imported (lines: 1).");
	buf_release(&reason);
	import_doc_release(&d);
}

static void a_time_zone_in_words_is_reported_and_one_word_is_kept_for_checking(void **state)
{
	struct import_doc d;
	parse_as(&d, IMPORT_RFC2350, "2.1 Name of the Team\n   X\n2.3 Time Zone\n   Japan Standard Time (UTC+9)\n");
	assert_null(json_at(d.records[0].change, "tz"));
	assert_int_equal(issue_with(&d, "import.tz_free_text")->line, 4);
	import_doc_release(&d);
	/* One word is the value: the validator will refuse "JST" with its suggestion. */
	parse_as(&d, IMPORT_RFC2350, "2.1 Name of the Team\n   X\n2.3 Time Zone\n   JST\n");
	assert_string_equal(str_at(d.records[0].change, "tz"), "JST");
	import_doc_release(&d);
}

static void refuses_lines_that_are_not_text_and_reads_the_rest(void **state)
{
	static const char doc[] = "2.1 Name of the Team\n   Team \xFF\xFE\n2.2 Address\n   A\0B\n2.3 Time Zone\n   UTC\n"
	                          "2.4 Telephone Number\n   \xC0\xAF 03-1234-5678\n";
	struct import_doc d;
	parse_n(&d, IMPORT_RFC2350, doc, sizeof(doc) - 1);
	assert_int_equal(d.nrejected, 3);
	assert_int_equal(issue_with(&d, "import.bad_utf8")->line, 2);
	assert_true(issue_with(&d, "import.bad_utf8")->rejected);
	assert_int_equal(issue_with(&d, "import.nul")->line, 4);
	assert_int_equal(nth_issue(&d, "import.bad_utf8", 1)->line, 8);
	/* The excerpt of a broken line is printable UTF-8. */
	assert_string_equal(nth_issue(&d, "import.bad_utf8", 0)->excerpt, "   Team \xEF\xBF\xBD\xEF\xBF\xBD");
	assert_string_equal(str_at(d.records[0].change, "tz"), "UTC");
	import_doc_release(&d);
}

static void refuses_a_text_without_sections(void **state)
{
	struct import_doc d;
	parse_as(&d, IMPORT_RFC2350, "Dear colleagues,\nplease find our details below.\n");
	assert_int_equal(d.nrejected, 1);
	assert_true(issue_with(&d, "import.no_sections")->rejected);
	import_doc_release(&d);
	parse_as(&d, IMPORT_RFC2350, "");
	assert_int_equal(d.nrejected, 1);
	import_doc_release(&d);
}

static void survives_huge_lines_and_thousands_of_headings(void **state)
{
	struct buf b;
	buf_init(&b, 64u << 20);
	buf_adds(&b, "3.1 Mission Statement\n");
	for (int i = 0; i < (2 << 20); i++)
		buf_addc(&b, 'x');
	buf_adds(&b, "\n");
	for (int i = 0; i < 50000; i++)
		buf_printf(&b, "%d.%d.%d Something %d\n   text\n", 9 + i / 5000, i / 1000 % 5, i % 1000, i);
	struct import_doc d;
	parse_n(&d, IMPORT_RFC2350, b.data, b.len);
	/* The long text is read whole; the validators refuse it later. */
	assert_int_equal(strlen(str_at(d.records[0].change, "texts.mission.en")), 2 << 20);
	assert_int_equal(d.nissues, IMPORT_MAX_ISSUES);
	assert_int_equal(d.unlisted, 50000 - IMPORT_MAX_ISSUES);
	import_doc_release(&d);
	buf_release(&b);
}

static void crlf_reads_like_lf(void **state)
{
	struct import_doc a, b;
	parse_as(&a, IMPORT_RFC2350, "2.1 Name of the Team\n   Team A (TA)\n2.2 Address\n   Line 1\n   Line 2\n");
	parse_as(&b, IMPORT_RFC2350, "2.1 Name of the Team\r\n   Team A (TA)\r\n2.2 Address\r\n   Line 1\r\n   Line 2\r\n");
	assert_true(json_equal(a.records[0].change, b.records[0].change));
	assert_string_equal(str_at(b.records[0].change, "address.en"), "Line 1\nLine 2");
	import_doc_release(&a);
	import_doc_release(&b);
}

static const char signed_doc[] =
	"-----BEGIN PGP SIGNED MESSAGE-----\n"     /* 1 */
	"Hash: SHA256\n"
	"\n"
	"2.1 Name of the Team\n"                   /* 4 */
	"   Team S (TS)\n"
	"3.1 Mission Statement\n"                  /* 6 */
	"- - we do this\n"
	"- -----BEGIN not armor\n"                 /* 8 */
	"-----BEGIN PGP SIGNATURE-----\n"          /* 9 */
	"\n"
	"iHUEARYIAB0WIQQ=\n"
	"=abcd\n"
	"-----END PGP SIGNATURE-----\n"            /* 13 */
	"2.2 Address\n"                            /* 14 */
	"   Not signed\n";

static void reads_only_the_signed_text_of_a_clear_signed_document(void **state)
{
	struct import_doc d;
	parse_as(&d, IMPORT_RFC2350, signed_doc);
	assert_int_equal(d.sig, IMPORT_SIG_UNCHECKED);
	assert_int_equal(d.sig_line, 9);
	assert_memory_equal(d.signed_text, "-----BEGIN PGP SIGNED MESSAGE-----", 34);
	const char *end = "-----END PGP SIGNATURE-----\n";
	assert_memory_equal(d.signed_text + d.signed_len - strlen(end), end, strlen(end));
	json_t *c = d.records[0].change;
	assert_string_equal(str_at(c, "short_name"), "TS");
	assert_int_equal(line_of(&d.records[0], "short_name"), 5);
	/* Dash-escaped lines lose their "- ". */
	assert_string_equal(str_at(c, "texts.mission.en"), "- we do this\n-----BEGIN not armor");
	assert_null(json_at(c, "address"));
	assert_int_equal(issue_with(&d, "import.after_signature")->line, 14);
	import_doc_release(&d);

	/* Cut short: the signature cannot be checked, and that is said. */
	parse_n(&d, IMPORT_RFC2350, signed_doc, (size_t)(strstr(signed_doc, "=abcd") - signed_doc));
	assert_non_null(issue_with(&d, "import.sig_truncated"));
	assert_string_equal(str_at(d.records[0].change, "short_name"), "TS");
	import_doc_release(&d);
}

int main(void)
{
	char err[256];
	if (i18n_load(err, sizeof(err)) < 0)
		fail_msg("%s", err);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_its_own_export_back),
		cmocka_unit_test(reads_the_japanese_export_into_japanese_fields),
		cmocka_unit_test(reads_a_document_written_by_hand),
		cmocka_unit_test(reports_every_line_it_cannot_map),
		cmocka_unit_test(a_time_zone_in_words_is_reported_and_one_word_is_kept_for_checking),
		cmocka_unit_test(refuses_lines_that_are_not_text_and_reads_the_rest),
		cmocka_unit_test(refuses_a_text_without_sections),
		cmocka_unit_test(survives_huge_lines_and_thousands_of_headings),
		cmocka_unit_test(crlf_reads_like_lf),
		cmocka_unit_test(reads_only_the_signed_text_of_a_clear_signed_document),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
