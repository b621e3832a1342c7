/* The team edit form as the API's JSON change: which fields exist, which
 * rows count, how a text area of rules becomes rules (and their lines),
 * where a problem in the change shows on the form, and a record back as
 * the form's fields. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "directory/team_form.h"

static void *heap_alloc(void *owner, size_t n)
{
	json_t *keep = owner;   /* each allocation is freed with the test's list */
	void *p = malloc(n);
	json_array_append_new(keep, json_integer((json_int_t)(intptr_t)p));
	return p;
}

static void heap_free(json_t *keep)
{
	size_t i;
	json_t *v;
	json_array_foreach(keep, i, v)
		free((void *)(intptr_t)json_integer_value(v));
	json_decref(keep);
}

/* Read the urlencoded BODY into TF; return team_form_read's result. */
static int read_form(const char *body, struct team_form *tf, json_t *keep)
{
	struct form f;
	assert_int_equal(form_parse_body(body, strlen(body), &f, heap_alloc, keep), FORM_OK);
	return team_form_read(&f, tf);
}

static void assert_json(json_t *got, const char *want)
{
	json_error_t err;
	json_t *w = json_loads(want, 0, &err);
	if (!w)
		fail_msg("bad expected JSON: %s", err.text);
	if (!json_equal(got, w)) {
		char *s = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
		fail_msg("got %s\nwant %s", s, want);
	}
	json_decref(w);
}

static void scalars_become_the_api_fields(void **state)
{
	json_t *keep = json_array();
	struct team_form tf;
	assert_int_equal(read_form("_csrf=x&name.en=+Team+A+&name.ja=%E3%83%81%E3%83%BC%E3%83%A0&tz=Asia%2FTokyo"
	                           "&staff_now=12&staff_at_founding=&address.en=1-1%0D%0AChiyoda%0D%0A"
	                           "&visibility.address=members&visibility.text.overview=secretariat"
	                           "&texts.overview.en=Hello%0D%0Aworld&staff_at_founding=",
	                           &tf, keep), -1);
	assert_string_equal(tf.bad_field, "staff_at_founding");   /* the same field twice */
	team_form_release(&tf);
	assert_int_equal(read_form("_csrf=x&name.en=+Team+A+&name.ja=%E3%83%81%E3%83%BC%E3%83%A0&tz=Asia%2FTokyo"
	                           "&staff_now=12&staff_at_founding=&address.en=1-1%0D%0AChiyoda%0D%0A"
	                           "&visibility.address=members&visibility.text.overview=secretariat"
	                           "&texts.overview.en=Hello%0D%0Aworld&staff_age=x1",
	                           &tf, keep), -1);
	assert_string_equal(tf.bad_field, "staff_age");
	team_form_release(&tf);
	assert_int_equal(read_form("_csrf=x&name.en=+Team+A+&name.ja=%E3%83%81%E3%83%BC%E3%83%A0&tz=Asia%2FTokyo"
	                           "&staff_now=12&staff_at_founding=&address.en=1-1%0D%0AChiyoda%0D%0A"
	                           "&visibility.address=members&visibility.text.overview=secretariat"
	                           "&texts.overview.en=Hello%0D%0Aworld&established=%EF%BC%91",
	                           &tf, keep), 0);
	assert_json(tf.change, "{\"name\":{\"en\":\"Team A\",\"ja\":\"チーム\"},\"tz\":\"Asia/Tokyo\",\"staff_now\":12,"
	                       "\"staff_at_founding\":null,\"address\":{\"en\":\"1-1\\nChiyoda\"},"
	                       "\"visibility\":{\"address\":\"members\",\"text.overview\":\"secretariat\"},"
	                       "\"texts\":{\"overview\":{\"en\":\"Hello\\nworld\"}},\"established\":\"１\"}");
	team_form_release(&tf);
	/* Not a whole number: stays text, for the API's check to refuse. */
	assert_int_equal(read_form("staff_now=12a&staff_at_founding=9999999999", &tf, keep), 0);
	assert_json(tf.change, "{\"staff_now\":\"12a\",\"staff_at_founding\":\"9999999999\"}");
	team_form_release(&tf);
	heap_free(keep);
}

static void names_the_form_does_not_have_are_refused(void **state)
{
	static const char *const bad[] = {
		"last_verified=1", "name=x", "name.fr=x", "contacts[60].value=x", "contacts[01].value=x", "contacts[1]=x",
		"contacts[1].evil=x", "people[x].name=a", "constituency.everyone=AS1", "texts.mission=x", "visibility.=x",
		"slug=x", "org_id=1", NULL,
	};
	json_t *keep = json_array();
	for (size_t i = 0; bad[i]; i++) {
		struct team_form tf;
		if (read_form(bad[i], &tf, keep) != -1 || !tf.bad_field)
			fail_msg("%s was taken", bad[i]);
		team_form_release(&tf);
	}
	heap_free(keep);
}

static void blank_and_removed_rows_are_left_out(void **state)
{
	json_t *keep = json_array();
	struct team_form tf;
	assert_int_equal(read_form("contacts[0].kind=email_incident&contacts[0].value=a%40x.jp&contacts[0].visibility=public"
	                           "&contacts[4].kind=fax&contacts[4].value=03-2&contacts[4].visibility="
	                           "&contacts[1].kind=fax&contacts[1].value=03-1&contacts[1].remove=on"
	                           "&contacts[2].kind=email_general&contacts[2].value=+&contacts[2].hours=&contacts[2].note="
	                           "&contacts[3].kind=phone_voice&contacts[3].value=&contacts[3].hours=9-17"
	                           "&people[0].name=&people[0].role=member&people[0].key_fingerprint="
	                           "&people[1].name=Hana&people[1].role=primary_poc",
	                           &tf, keep), 0);
	assert_json(tf.change, "{\"contacts\":[{\"kind\":\"email_incident\",\"value\":\"a@x.jp\",\"visibility\":\"public\"},"
	                       "{\"kind\":\"phone_voice\",\"value\":\"\",\"hours\":\"9-17\"},"
	                       "{\"kind\":\"fax\",\"value\":\"03-2\"}],"
	                       "\"people\":[{\"name\":\"Hana\",\"role\":\"primary_poc\"}]}");
	assert_int_equal(tf.ncontacts, 3);
	assert_int_equal(tf.contact_row[1], 3);
	assert_int_equal(tf.person_row[0], 1);
	char name[TEAM_FORM_NAME_MAX];
	int line;
	team_form_place(&tf, "contacts[1].value", name, &line);
	assert_string_equal(name, "contacts[3].value");
	assert_int_equal(line, 0);
	team_form_place(&tf, "contacts[1]", name, &line);
	assert_string_equal(name, "contacts[3].value");
	team_form_place(&tf, "people[0].email", name, &line);
	assert_string_equal(name, "people[1].email");
	team_form_place(&tf, "tz", name, &line);
	assert_string_equal(name, "tz");
	team_form_place(&tf, "contacts", name, &line);
	assert_string_equal(name, "contacts");
	team_form_place(&tf, "contacts[7].value", name, &line);   /* no such entry: kept */
	assert_string_equal(name, "contacts[7].value");
	team_form_release(&tf);
	/* Every row blank still says "no contacts": the form had the list. */
	assert_int_equal(read_form("contacts[0].kind=fax&contacts[0].value=", &tf, keep), 0);
	assert_json(tf.change, "{\"contacts\":[]}");
	team_form_release(&tf);
	heap_free(keep);
}

static void rule_lines_become_rules_with_their_kind_and_line(void **state)
{
	json_t *keep = json_array();
	struct team_form tf;
	assert_int_equal(read_form("constituency.public=AS64500%0D%0A%0D%0A192.0.2.1%2F24%0D%0A+*.example.jp+%0D%0Ajp"
	                           "%0D%0A2001%3Adb8%3A%3A%2F32%0D%0Atype%3A+%E9%A1%A7%E5%AE%A2%0D%0A64501%0D%0A192.0.2"
	                           "&constituency.members=DOMAIN%3A+jp.example%0Aas65000&constituency.secretariat=",
	                           &tf, keep), 0);
	assert_json(tf.change, "{\"constituency\":["
	                       "{\"kind\":\"asn\",\"value\":\"AS64500\",\"visibility\":\"public\"},"
	                       "{\"kind\":\"cidr\",\"value\":\"192.0.2.1/24\",\"visibility\":\"public\"},"
	                       "{\"kind\":\"domain\",\"value\":\"*.example.jp\",\"visibility\":\"public\"},"
	                       "{\"kind\":\"country\",\"value\":\"jp\",\"visibility\":\"public\"},"
	                       "{\"kind\":\"cidr\",\"value\":\"2001:db8::/32\",\"visibility\":\"public\"},"
	                       "{\"kind\":\"type\",\"value\":\"顧客\",\"visibility\":\"public\"},"
	                       "{\"kind\":\"asn\",\"value\":\"64501\",\"visibility\":\"public\"},"
	                       "{\"kind\":\"cidr\",\"value\":\"192.0.2\",\"visibility\":\"public\"},"
	                       "{\"kind\":\"domain\",\"value\":\"jp.example\",\"visibility\":\"members\"},"
	                       "{\"kind\":\"asn\",\"value\":\"as65000\",\"visibility\":\"members\"}]}");
	char name[TEAM_FORM_NAME_MAX];
	int line;
	team_form_place(&tf, "constituency[1].value", name, &line);
	assert_string_equal(name, "constituency.public");
	assert_int_equal(line, 3);   /* the blank line counts */
	team_form_place(&tf, "constituency[9]", name, &line);
	assert_string_equal(name, "constituency.members");
	assert_int_equal(line, 2);
	team_form_release(&tf);
	heap_free(keep);
}

static void a_record_becomes_the_forms_fields(void **state)
{
	json_t *rec = json_loads(
		"{\"slug\":\"t\",\"name\":{\"en\":\"T\",\"ja\":\"ティー\"},\"tz\":\"Asia/Tokyo\",\"staff_now\":5,"
		"\"staff_at_founding\":null,\"last_verified\":\"2026-01-01T00:00:00Z\","
		"\"visibility\":{\"address\":\"members\",\"text.overview\":\"secretariat\"},"
		"\"contacts\":[{\"kind\":\"fax\",\"value\":\"03-1\",\"hours\":\"\",\"note\":\"n\",\"visibility\":\"members\"}],"
		"\"people\":[{\"name\":\"Hana\",\"role\":\"member\",\"email\":\"\",\"phone\":\"\",\"key_fingerprint\":\"\","
		"\"visibility\":\"members\"}],"
		"\"constituency\":[{\"kind\":\"cidr\",\"value\":\"192.0.2.0/24\",\"visibility\":\"public\"},"
		"{\"kind\":\"type\",\"value\":\"顧客\",\"visibility\":\"public\"},"
		"{\"kind\":\"asn\",\"value\":\"AS64500\",\"visibility\":\"secretariat\"}],"
		"\"texts\":{\"overview\":{\"en\":\"Hi\"}}}", 0, NULL);
	assert_non_null(rec);
	json_t *v = team_form_values(rec);
	assert_non_null(v);
	assert_string_equal(json_string_value(json_object_get(v, "name.ja")), "ティー");
	assert_string_equal(json_string_value(json_object_get(v, "staff_now")), "5");
	assert_string_equal(json_string_value(json_object_get(v, "staff_at_founding")), "");
	assert_null(json_object_get(v, "last_verified"));
	assert_string_equal(json_string_value(json_object_get(v, "visibility.text.overview")), "secretariat");
	assert_string_equal(json_string_value(json_object_get(v, "contacts[0].note")), "n");
	assert_string_equal(json_string_value(json_object_get(v, "people[0].name")), "Hana");
	assert_string_equal(json_string_value(json_object_get(v, "texts.overview.en")), "Hi");
	assert_string_equal(json_string_value(json_object_get(v, "constituency.public")), "192.0.2.0/24\ntype: 顧客\n");
	assert_string_equal(json_string_value(json_object_get(v, "constituency.members")), "");
	assert_string_equal(json_string_value(json_object_get(v, "constituency.secretariat")), "AS64500\n");
	assert_int_equal(team_form_rows(v, "contacts"), 1);
	assert_int_equal(team_form_rows(v, "people"), 1);
	json_decref(v);
	json_decref(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scalars_become_the_api_fields),
		cmocka_unit_test(names_the_form_does_not_have_are_refused),
		cmocka_unit_test(blank_and_removed_rows_are_left_out),
		cmocka_unit_test(rule_lines_become_rules_with_their_kind_and_line),
		cmocka_unit_test(a_record_becomes_the_forms_fields),
	};
	return cmocka_run_group_tests_name("team_form", tests, NULL, NULL);
}
