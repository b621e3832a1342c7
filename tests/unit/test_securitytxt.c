/* security.txt from a record: the URIs it writes (tel:, mailto:), the
 * order and choice of its fields, and the file it refuses to make. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "directory/securitytxt.h"

static void tel_uris_are_global_rfc3966_numbers(void **state)
{
	static const char *const cases[][3] = {
		{"+81 3-1234-5678", "", "tel:+81-3-1234-5678"},
		{"+81 (3) 1234 5678", "US", "tel:+81-3-1234-5678"},
		{"+1 202-555-0100 ext. 12", "", "tel:+1-202-555-0100;ext=12"},
		{"+44 20 7946 0000 x7", "GB", "tel:+44-20-7946-0000;ext=7"},
		/* A domestic Japanese number loses its trunk prefix 0. */
		{"03-1234-5678", "JP", "tel:+81-3-1234-5678"},
		{"0120-123-456", "JP", "tel:+81-120-123-456"},
		{"03(1234)5678 ext 9", "JP", "tel:+81-3-1234-5678;ext=9"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[128];
		assert_true(securitytxt_tel_uri(cases[i][0], cases[i][1], out, sizeof(out)));
		assert_string_equal(out, cases[i][2]);
	}
	char out[16];
	assert_false(securitytxt_tel_uri("020 7946 0000", "GB", out, sizeof(out)));   /* no known global form */
	assert_false(securitytxt_tel_uri("03-1234-5678", NULL, out, sizeof(out)));
	assert_false(securitytxt_tel_uri("+81 3-1234-5678 ext. 12345678", "", out, sizeof(out)));   /* too long for OUT */
}

static void mailto_uris_escape_what_a_uri_may_not_hold(void **state)
{
	char out[128];
	assert_true(securitytxt_mailto_uri("csirt@a.example.jp", out, sizeof(out)));
	assert_string_equal(out, "mailto:csirt@a.example.jp");
	assert_true(securitytxt_mailto_uri("a%b?c#d/e{f}|g^h`i&j,k@x.jp", out, sizeof(out)));
	assert_string_equal(out, "mailto:a%25b%3Fc%23d%2Fe%7Bf%7D%7Cg%5Eh%60i%26j%2Ck@x.jp");
	assert_true(securitytxt_mailto_uri("o'hara+tag=1@x.jp", out, sizeof(out)));
	assert_string_equal(out, "mailto:o'hara+tag=1@x.jp");
	assert_false(securitytxt_mailto_uri("a-rather-long-address@example.jp", out, 20));
}

static const struct securitytxt_opts opts = {
	.base_url = "https://nca.example.jp", .instance_name = "NCA", .audience = "the public",
	.now = 1795000000, .expires = 1795000000 + 364 * 86400,
};

static char *write_for(const char *record_json, int *rc)
{
	json_t *rec = json_loads(record_json, 0, NULL);
	assert_non_null(rec);
	struct buf b;
	buf_init(&b, 1 << 16);
	*rc = securitytxt_write(&b, rec, &opts);
	json_decref(rec);
	char *s = strdup(b.data ? b.data : "");
	buf_release(&b);
	return s;
}

static void fields_in_order_from_the_record(void **state)
{
	int rc;
	char *s = write_for(
		"{\"slug\":\"team-a\",\"name\":{\"en\":\"Team A\",\"ja\":\"\\u30c1\\u30fc\\u30e0A\"},\"short_name\":\"TA\","
		"\"country\":\"JP\",\"website\":\"http://www.a.example.jp:8080/csirt/\","
		"\"contacts\":[{\"kind\":\"email_general\",\"value\":\"info@a.example.jp\"},"
		"{\"kind\":\"phone_voice\",\"value\":\"03-1111-2222\"},{\"kind\":\"fax\",\"value\":\"03-1111-3333\"},"
		"{\"kind\":\"phone_emergency\",\"value\":\"+81 90-1111-2222\"},{\"kind\":\"email_incident\",\"value\":\"csirt@a.example.jp\"}],"
		"\"keys\":[{\"fingerprint\":\"AAAA\",\"status\":\"expired\"},{\"fingerprint\":\"BBBB\",\"status\":\"expiring\"}],"
		"\"texts\":{\"mission\":{\"en\":\"x\"},\"overview\":{\"ja\":\"y\"}}}",
		&rc);
	assert_int_equal(rc, 1);
	const char *fields = strstr(s, "\n\n");
	assert_non_null(fields);
	assert_string_equal(fields + 2,
		"Contact: mailto:csirt@a.example.jp\n"
		"Contact: tel:+81-90-1111-2222\n"
		"Contact: tel:+81-3-1111-2222\n"
		"Contact: mailto:info@a.example.jp\n"
		"Expires: 2027-11-17T11:06:40Z\n"
		"Encryption: https://nca.example.jp/directory/team-a/keys/BBBB.asc\n"
		"Preferred-Languages: ja, en\n"
		"Canonical: https://www.a.example.jp/.well-known/security.txt\n"
		"Policy: https://nca.example.jp/directory/team-a/rfc2350.txt\n");
	assert_true(strncmp(s, "# security.txt (RFC 9116) of Team A (TA)\n", 41) == 0);
	free(s);
}

static void a_record_without_contacts_makes_no_file(void **state)
{
	int rc;
	char *s = write_for("{\"slug\":\"q\",\"name\":{\"en\":\"Q\"},\"contacts\":[{\"kind\":\"fax\",\"value\":\"+81 3-1-2\"},"
	                    "{\"kind\":\"phone_voice\",\"value\":\"020 7946 0000\"}]}", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "");
	free(s);
}

static void record_text_cannot_start_a_field(void **state)
{
	int rc;
	char *s = write_for("{\"slug\":\"x\",\"name\":{\"en\":\"X\\nContact: mailto:evil@example.com\"},"
	                    "\"contacts\":[{\"kind\":\"email_incident\",\"value\":\"a@x.jp\"}]}", &rc);
	assert_int_equal(rc, 1);
	assert_null(strstr(s, "\nContact: mailto:evil"));
	free(s);
}

static void publish_steps_name_the_signing_key(void **state)
{
	json_t *rec = json_loads("{\"slug\":\"team-a\",\"website\":\"https://a.example.jp/x\","
	                         "\"keys\":[{\"fingerprint\":\"AAAA\",\"status\":\"expired\"},{\"fingerprint\":\"BBBB\",\"status\":\"ok\"}]}",
	                         0, NULL);
	json_t *steps = securitytxt_publish_steps(rec);
	assert_string_equal(json_string_value(json_object_get(steps, "file")), "team-a-security.txt");
	assert_string_equal(json_string_value(json_object_get(steps, "command")),
	                    "gpg --local-user BBBB --output security.txt --clearsign team-a-security.txt");
	assert_string_equal(json_string_value(json_object_get(steps, "canonical")), "https://a.example.jp/.well-known/security.txt");
	json_decref(steps);
	json_object_set_new(rec, "keys", json_array());
	json_object_set_new(rec, "website", json_string(""));
	steps = securitytxt_publish_steps(rec);
	assert_string_equal(json_string_value(json_object_get(steps, "command")),
	                    "gpg --output security.txt --clearsign team-a-security.txt");
	assert_null(json_object_get(steps, "canonical"));
	json_decref(steps);
	json_decref(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tel_uris_are_global_rfc3966_numbers),
		cmocka_unit_test(mailto_uris_escape_what_a_uri_may_not_hold),
		cmocka_unit_test(fields_in_order_from_the_record),
		cmocka_unit_test(a_record_without_contacts_makes_no_file),
		cmocka_unit_test(record_text_cannot_start_a_field),
		cmocka_unit_test(publish_steps_name_the_signing_key),
	};
	return cmocka_run_group_tests_name("securitytxt", tests, NULL, NULL);
}
