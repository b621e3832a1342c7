/* Reading security.txt files (import_securitytxt.c, RFC 9116): contacts
 * in their order, Expires checked, every other line reported with its
 * number, clear-signed files read from their signed text, and hostile
 * input. Checking the signature itself (gpg) is in tests/cli. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include "import_testutil.h"

static const char good[] =
	"# Our security contact\n"                              /* 1 */
	"Contact: mailto:security@example.jp\n"
	"Contact: tel:+81-3-1234-5678\n"                       /* 3 */
	"contact: MAILTO:psirt@example.jp?subject=report\n"
	"Expires: 2099-12-31T23:59:59.000+09:00\n"             /* 5 */
	"Preferred-Languages: ja, en\n";

static void maps_contacts_in_their_order(void **state)
{
	struct import_doc d;
	parse_as(&d, IMPORT_SECURITYTXT, good);
	assert_int_equal(d.nrejected, 0);
	assert_int_equal(d.sig, IMPORT_SIG_NONE);
	json_t *c = d.records[0].change;
	assert_int_equal(json_object_size(c), 1);
	assert_string_equal(str_at(c, "contacts[0].kind"), "email_incident");
	assert_string_equal(str_at(c, "contacts[0].value"), "security@example.jp");
	assert_string_equal(str_at(c, "contacts[1].kind"), "phone_voice");
	assert_string_equal(str_at(c, "contacts[1].value"), "+81-3-1234-5678");
	assert_string_equal(str_at(c, "contacts[2].value"), "psirt@example.jp");
	assert_int_equal(line_of(&d.records[0], "contacts[1]"), 3);
	/* Only the languages line is left over. */
	assert_int_equal(d.nissues, 1);
	assert_int_equal(issue_with(&d, "import.no_place")->line, 6);
	import_doc_release(&d);
}

/* URIs as RFC 3966 and RFC 6068 write them, as the record writes them. */
static void reads_tel_and_mailto_uris(void **state)
{
	struct import_doc d;
	parse_as(&d, IMPORT_SECURITYTXT,
	         "Contact: tel:+81-3-1234-5678;ext=12\nContact: tel:+81-3-1234-5678;phone-context=x\n"
	         "Contact: mailto:a%2Bb@example.jp\nContact: mailto:bad%zz@example.jp\nContact: mailto:%ff@example.jp\n"
	         "Expires: 2099-12-31T23:59:59Z\n");
	json_t *c = d.records[0].change;
	assert_string_equal(str_at(c, "contacts[0].value"), "+81-3-1234-5678 ext. 12");
	assert_string_equal(str_at(c, "contacts[1].value"), "+81-3-1234-5678");
	assert_string_equal(str_at(c, "contacts[2].value"), "a+b@example.jp");
	assert_int_equal(d.nrejected, 2);
	assert_int_equal(nth_issue(&d, "import.contact_bad_uri", 0)->line, 4);
	assert_int_equal(nth_issue(&d, "import.contact_bad_uri", 1)->line, 5);
	import_doc_release(&d);
}

static void reports_every_line_it_cannot_map(void **state)
{
	static const char doc[] =
		"Contact: https://example.jp/report\n"           /* 1 */
		"Contact: xmpp:sec@example.jp\n"
		"Contact: sec@example.jp\n"                      /* 3 */
		"Expires: 2001-01-01T00:00:00Z\n"
		"Expires: tomorrow\n"                            /* 5 */
		"Encryption: https://example.jp/pgp.asc\n"
		"Acknowledgments: https://example.jp/thanks\n"   /* 7 */
		"Canonical: https://example.jp/.well-known/security.txt\n"
		"Policy: https://example.jp/policy\n"            /* 9 */
		"Hiring: https://example.jp/jobs\n"
		"CSAF: https://example.jp/provider-metadata.json\n"  /* 11 */
		"X-Team: blue\n"
		"this line has no colon\n"                       /* 13 */
		": no name\n";
	struct import_doc d;
	parse_as(&d, IMPORT_SECURITYTXT, doc);
	static const struct {
		const char *key;
		size_t line;
	} want[] = {
		{"import.web_contact", 1}, {"import.contact_uri", 2}, {"import.expired", 4}, {"import.expires_twice", 5},
		{"import.no_place", 6}, {"import.no_place", 7}, {"import.no_place", 8}, {"import.no_place", 9},
		{"import.no_place", 10}, {"import.no_place", 11}, {"import.unknown_field", 12}, {"import.not_a_field", 13},
		{"import.not_a_field", 14},
	};
	assert_int_equal(d.nissues, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < d.nissues; i++) {
		assert_string_equal(d.issues[i].msg_key, want[i].key);
		assert_int_equal(d.issues[i].line, want[i].line);
		assert_false(d.issues[i].rejected);
	}
	/* A bare address is clear enough to take. */
	assert_string_equal(str_at(d.records[0].change, "contacts[0].value"), "sec@example.jp");
	struct buf reason;
	buf_init(&reason, 4096);
	import_issue_reason(nth_issue(&d, "import.no_place", 0), LANG_JA, &reason);
	assert_string_equal(reason.data, "「Encryption」に対応する項目がチーム情報にないため、取り込みません。");
	buf_release(&reason);
	import_doc_release(&d);
}

static void a_file_without_contact_or_expires(void **state)
{
	struct import_doc d;
	parse_as(&d, IMPORT_SECURITYTXT, "Policy: https://example.jp/policy\n");
	assert_int_equal(d.nrejected, 1);
	assert_true(issue_with(&d, "import.no_contact")->rejected);
	assert_false(issue_with(&d, "import.expires_missing")->rejected);
	import_doc_release(&d);
	parse_as(&d, IMPORT_SECURITYTXT, "Contact: mailto:a@example.jp\nExpires: 2099-01-01\n");
	assert_non_null(issue_with(&d, "import.expires_syntax"));
	assert_int_equal(d.nrejected, 0);
	import_doc_release(&d);
}

static const char signed_txt[] =
	"-----BEGIN PGP SIGNED MESSAGE-----\n"    /* 1 */
	"Hash: SHA512\n"
	"\n"
	"Contact: mailto:security@example.jp\n"   /* 4 */
	"Expires: 2099-12-31T23:59:59Z\n"
	"- -not a field, dash-escaped\n"          /* 6 */
	"-----BEGIN PGP SIGNATURE-----\n"         /* 7 */
	"\n"
	"iHUEARYKAB0WIQQ=\n"
	"=abcd\n"
	"-----END PGP SIGNATURE-----\n";

static void reads_the_signed_text_of_a_clear_signed_file(void **state)
{
	struct import_doc d;
	parse_as(&d, IMPORT_SECURITYTXT, signed_txt);
	assert_int_equal(d.sig, IMPORT_SIG_UNCHECKED);
	assert_int_equal(d.sig_line, 7);
	assert_int_equal(d.signed_len, strlen(signed_txt));
	assert_string_equal(str_at(d.records[0].change, "contacts[0].value"), "security@example.jp");
	assert_int_equal(d.nissues, 1);
	assert_int_equal(issue_with(&d, "import.not_a_field")->line, 6);
	assert_string_equal(issue_with(&d, "import.not_a_field")->excerpt, "-not a field, dash-escaped");
	import_doc_release(&d);
}

static void refuses_lines_that_are_not_text(void **state)
{
	static const char doc[] = "Contact: mailto:a@example.jp\nContact: mailto:b\0@example.jp\nContact: tel:\xFF\n"
	                          "Expires: 2099-12-31T23:59:59Z\n";
	struct import_doc d;
	parse_n(&d, IMPORT_SECURITYTXT, doc, sizeof(doc) - 1);
	assert_int_equal(d.nrejected, 2);
	assert_int_equal(issue_with(&d, "import.nul")->line, 2);
	assert_int_equal(issue_with(&d, "import.bad_utf8")->line, 3);
	assert_int_equal(json_array_size(json_object_get(d.records[0].change, "contacts")), 1);
	import_doc_release(&d);
}

static void survives_a_huge_line_and_many_lines(void **state)
{
	struct buf b;
	buf_init(&b, 64u << 20);
	buf_adds(&b, "Contact: mailto:");
	for (int i = 0; i < (4 << 20); i++)
		buf_addc(&b, 'a');
	buf_adds(&b, "@example.jp\n");
	for (int i = 0; i < 200000; i++)
		buf_adds(&b, "X: y\n");
	struct import_doc d;
	parse_n(&d, IMPORT_SECURITYTXT, b.data, b.len);
	/* The long address is kept for the validator to refuse. */
	assert_int_equal(strlen(str_at(d.records[0].change, "contacts[0].value")), (4 << 20) + 11);
	assert_int_equal(d.nissues, IMPORT_MAX_ISSUES);
	assert_int_equal(d.unlisted, 200000 + 1 - IMPORT_MAX_ISSUES);
	/* The excerpt of the long line is short. */
	import_doc_release(&d);
	buf_release(&b);
}

static void guesses_security_txt_plain_or_signed(void **state)
{
	assert_int_equal(import_guess(good, strlen(good)), IMPORT_SECURITYTXT);
	assert_int_equal(import_guess(signed_txt, strlen(signed_txt)), IMPORT_SECURITYTXT);
	static const char rfc[] = "1. Document Information\n2.7 Electronic Mail Address\n   Contact: a@b.jp\n3.1 Mission\n";
	assert_int_equal(import_guess(rfc, strlen(rfc)), IMPORT_RFC2350);
	assert_int_equal(import_guess("[{}]", 4), IMPORT_TI_JSON);
	assert_int_equal(import_guess("\xEF\xBB\xBF  {\"a\":1}", 13), IMPORT_TI_JSON);
	static const char csv[] = "\xEF\xBB\xBFslug,name_en,name_ja\r\n\"a\",\"b\",\"\"\r\n";
	assert_int_equal(import_guess(csv, strlen(csv)), IMPORT_CSV);
	assert_int_equal(import_guess("", 0), IMPORT_RFC2350);
}

int main(void)
{
	char err[256];
	if (i18n_load(err, sizeof(err)) < 0)
		fail_msg("%s", err);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(maps_contacts_in_their_order),
		cmocka_unit_test(reads_tel_and_mailto_uris),
		cmocka_unit_test(reports_every_line_it_cannot_map),
		cmocka_unit_test(a_file_without_contact_or_expires),
		cmocka_unit_test(reads_the_signed_text_of_a_clear_signed_file),
		cmocka_unit_test(refuses_lines_that_are_not_text),
		cmocka_unit_test(survives_a_huge_line_and_many_lines),
		cmocka_unit_test(guesses_security_txt_plain_or_signed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
