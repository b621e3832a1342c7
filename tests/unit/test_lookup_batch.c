/* The pieces of the batch lookup that need no server: reading a body in
 * each format (items, problems, whole-body refusals, resuming at marks),
 * the routing cards (what each level sees, dense and sparse team ids,
 * inactive teams), and the answer lines they make. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include "directory/lookup_answer.h"
#include "directory/lookup_input.h"
#include "directory/team_card.h"
#include "testutil.h"

/* Every item of BODY as "OK:text", "not_json:text", "not_a_string:json"
 * or "too_long:text", joined by '|'. */
static char *items(const char *body, enum lookup_format fmt)
{
	static char out[8192];
	static const char *const names[] = {"OK", "not_json", "not_a_string", "too_long"};
	struct lookup_input in;
	struct lookup_item it;
	size_t used = 0;
	out[0] = '\0';
	lookup_input_start(&in, body, strlen(body), fmt);
	while (lookup_input_next(&in, &it) > 0)
		used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s:%.*s", used ? "|" : "", names[it.problem],
		                         it.text ? (int)it.len : 4, it.text ? it.text : "null");
	return out;
}

static enum lookup_input_status check(const char *body, enum lookup_format fmt, size_t max, size_t *count)
{
	return lookup_input_check(body, strlen(body), fmt, max, count, 1, NULL);
}

static void json_lines_body(void **state)
{
	assert_string_equal(items("\"192.0.2.1\"\n{\"q\": \"example.jp\"}\r\n\n  \"AS1\"  \n", LOOKUP_JSON_LINES),
	                    "OK:192.0.2.1|OK:example.jp|OK:AS1");
	assert_string_equal(items("\"a\\u002eb\"\n\"\"\n", LOOKUP_JSON_LINES), "OK:a.b|OK:");
	assert_string_equal(items("192.0.2.1\n\"open\n\"a\" \"b\"\n", LOOKUP_JSON_LINES),
	                    "not_json:192.0.2.1|not_json:\"open|not_json:\"a\" \"b\"");
	assert_string_equal(items("1\nnull\n[\"x\"]\n{\"q\": 1}\n{\"q\": \"x\", \"id\": 2}\n{\"a\": \"x\"}\n", LOOKUP_JSON_LINES),
	                    "not_a_string:1|not_a_string:null|not_a_string:[\"x\"]|not_a_string:{\"q\":1}|"
	                    "not_a_string:{\"q\":\"x\",\"id\":2}|not_a_string:{\"a\":\"x\"}");
	assert_string_equal(items("\"x\\u0000y\"\n{\"q\":\"a\",\"q\":\"b\"}\n", LOOKUP_JSON_LINES),
	                    "not_json:\"x\\u0000y\"|not_json:{\"q\":\"a\",\"q\":\"b\"}");
}

static void json_array_body(void **state)
{
	assert_string_equal(items(" [ \"192.0.2.1\" , {\"q\":\"example.jp\"},\n\"AS1\" ] \n", LOOKUP_JSON_ARRAY),
	                    "OK:192.0.2.1|OK:example.jp|OK:AS1");
	assert_string_equal(items("[1, true, {\"a\": [1, \"]\"]}, \"x\"]", LOOKUP_JSON_ARRAY),
	                    "not_a_string:1|not_a_string:true|not_a_string:{\"a\":[1,\"]\"]}|OK:x");
	size_t n;
	assert_int_equal(check("[]", LOOKUP_JSON_ARRAY, 10, &n), LOOKUP_INPUT_EMPTY);
	assert_int_equal(check("   ", LOOKUP_JSON_ARRAY, 10, &n), LOOKUP_INPUT_EMPTY);
	assert_int_equal(check("{\"q\": \"x\"}", LOOKUP_JSON_ARRAY, 10, &n), LOOKUP_INPUT_WANT_ARRAY);
	assert_int_equal(check("\xef\xbb\xbf[\"x\"]", LOOKUP_JSON_ARRAY, 10, &n), LOOKUP_INPUT_WANT_ARRAY);
	static const char *const broken[] = {
		"[", "[\"x\"", "[\"x\",]", "[,\"x\"]", "[\"x\" \"y\"]", "[\"x\"]]", "[\"x\"] [\"y\"]", "[-]", "[01]",
		"[\"\\q\"]", "[\"\\ud800\"]", "[{\"a\"}]", "[[1}]", "[\"x\"]x", "[nul]",
	};
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++)
		if (check(broken[i], LOOKUP_JSON_ARRAY, 10, &n) != LOOKUP_INPUT_BAD_JSON)
			fail_msg("%s is not refused as broken JSON", broken[i]);
	assert_int_equal(check("[\"a\", 2, {\"q\": \"c\"}]", LOOKUP_JSON_ARRAY, 10, &n), LOOKUP_INPUT_OK);
	assert_int_equal(n, 3);
}

static void text_lines(void **state)
{
	assert_string_equal(items("192.0.2.1\r\n\n\t example.jp \n\"quoted\"\nAS1", LOOKUP_TEXT_LINES),
	                    "OK:192.0.2.1|OK:example.jp|OK:\"quoted\"|OK:AS1");
}

static void whole_body(void **state)
{
	size_t n;
	assert_int_equal(check("", LOOKUP_JSON_LINES, 10, &n), LOOKUP_INPUT_EMPTY);
	assert_int_equal(check("\n \r\n", LOOKUP_TEXT_LINES, 10, &n), LOOKUP_INPUT_EMPTY);
	assert_int_equal(lookup_input_check("a\0b", 3, LOOKUP_TEXT_LINES, 10, &n, 1, NULL), LOOKUP_INPUT_BAD_UTF8);
	assert_int_equal(check("\"\xff\"", LOOKUP_JSON_LINES, 10, &n), LOOKUP_INPUT_BAD_UTF8);
	assert_int_equal(check("\"\xc0\xaf\"", LOOKUP_JSON_ARRAY, 10, &n), LOOKUP_INPUT_BAD_UTF8);
	assert_int_equal(check("a\nb\nc\n", LOOKUP_TEXT_LINES, 3, &n), LOOKUP_INPUT_OK);
	assert_int_equal(n, 3);
	assert_int_equal(check("a\nb\nc\nd\n", LOOKUP_TEXT_LINES, 3, &n), LOOKUP_INPUT_TOO_MANY);
	assert_int_equal(check("[\"a\",\"b\",\"c\",\"d\"]", LOOKUP_JSON_ARRAY, 3, &n), LOOKUP_INPUT_TOO_MANY);
	/* A broken line is one item's problem, not the body's. */
	assert_int_equal(check("\"a\"\nbroken\n", LOOKUP_JSON_LINES, 10, &n), LOOKUP_INPUT_OK);
	assert_int_equal(n, 2);
}

static void long_items(void **state)
{
	char body[4096], want[256];
	memset(body, 'a', 2000);
	body[2000] = '\0';
	snprintf(want, sizeof(want), "too_long:%.64s\xe2\x80\xa6", body);
	assert_string_equal(items(body, LOOKUP_TEXT_LINES), want);
	/* Cut at a character, never inside one. */
	char ja[4096] = "";
	for (int i = 0; i < 400; i++)
		strcat(ja, "\xe3\x81\x82");   /* あ */
	char *got = items(ja, LOOKUP_TEXT_LINES);
	assert_int_equal(strlen(got), strlen("too_long:") + 64 * 3 + 3);
	/* 1024 bytes is still a query (the router then says what it thinks). */
	memset(body, 'b', LOOKUP_QUERY_MAX);
	body[LOOKUP_QUERY_MAX] = '\0';
	assert_int_equal(strncmp(items(body, LOOKUP_TEXT_LINES), "OK:", 3), 0);
	/* A non-string item too long to repeat is answered with null. */
	strcpy(body, "[[1");
	for (int i = 0; i < 200; i++)
		strcat(body, ",1");
	strcat(body, "]]");
	assert_string_equal(items(body, LOOKUP_JSON_ARRAY), "not_a_string:null");
}

/* Reading from marks gives the same items as reading through. */
static void marks_resume(void **state)
{
	static const char *const bodies[] = {
		"[\"a\", \"b\" , 3, {\"q\": \"d\"}, \"e\", \"f\", \"g\"]",
		"\"a\"\n\n\"b\"\n3\n{\"q\": \"d\"}\n\"e\"\n\n\n\"f\"\n\"g\"",
		"a\nb\n\n3\nd\ne\nf\n\ng\n",
	};
	static const enum lookup_format fmts[] = {LOOKUP_JSON_ARRAY, LOOKUP_JSON_LINES, LOOKUP_TEXT_LINES};
	for (size_t k = 0; k < 3; k++) {
		struct lookup_input_mark marks[8];
		size_t n;
		assert_int_equal(lookup_input_check(bodies[k], strlen(bodies[k]), fmts[k], 7, &n, 3, marks), LOOKUP_INPUT_OK);
		assert_int_equal(n, 7);
		char through[256];
		snprintf(through, sizeof(through), "%s", items(bodies[k], fmts[k]));
		char resumed[256] = "";
		for (size_t m = 0; m < 3; m++) {
			struct lookup_input in;
			struct lookup_item it;
			lookup_input_resume(&in, bodies[k], strlen(bodies[k]), fmts[k], &marks[m]);
			for (size_t i = 0; i < 3 && m * 3 + i < n; i++) {
				assert_int_equal(lookup_input_next(&in, &it), 1);
				char one[64];
				snprintf(one, sizeof(one), "%s%s:%.*s", *resumed ? "|" : "", it.problem ? "not_a_string" : "OK",
				         (int)it.len, it.text);
				strcat(resumed, one);
			}
		}
		assert_string_equal(resumed, through);
	}
}

static void make_teams(struct db *db, int64_t second_id)
{
	char sql[2048];
	snprintf(sql, sizeof(sql),
	         "INSERT INTO orgs (id, name, kind, created_at) VALUES (7, 'Seven', 'member', 0);"
	         "INSERT INTO teams (id, org_id, slug, name_en, name_ja, short_name, created_at, updated_at) VALUES"
	         " (1, 7, 'team-seven', 'Team \"Seven\"', 'チーム7', 'T7', 0, 0),"
	         " (%lld, NULL, 'team-far', 'Far', '', '', 0, 0),"
	         " (3, NULL, 'team-gone', 'Gone', '', '', 0, 0);"
	         "UPDATE teams SET state = 'withdrawn' WHERE id = 3;"
	         "INSERT INTO team_contacts (team_id, kind, value, hours, visibility, position) VALUES"
	         " (1, 'fax', 'sec', '', 'secretariat', 2),"
	         " (1, 'email_incident', 'pub@t7.example.jp', '24/7', 'public', 0),"
	         " (1, 'phone_emergency', 'mem', '', 'members', 1),"
	         " (%lld, 'email_general', 'far@example.jp', '', 'public', 0),"
	         " (3, 'email_general', 'gone@example.jp', '', 'public', 0);",
	         (long long)second_id, (long long)second_id);
	assert_int_equal(db_exec(db, sql), 0);
}

static char *card_json(const struct team_cards *tc, int64_t id, enum dir_level level)
{
	static struct buf b;
	buf_release(&b);
	buf_init(&b, 1 << 20);
	const struct team_card *c = team_cards_find(tc, id);
	if (!c)
		return NULL;
	char *p = buf_reserve(&b, team_card_max(c));
	assert_non_null(p);
	buf_commit(&b, team_card_put(c, level, p));
	json_error_t err;
	json_t *v = json_loads(b.data, 0, &err);
	if (!v)
		fail_msg("invalid JSON: %s\n%s", err.text, b.data);
	json_decref(v);
	return b.data;
}

static void cards(void **state)
{
	/* Dense ids (a table by id) and sparse ones (the hash table). */
	static const int64_t far_ids[] = {2, 5000000000LL};
	for (size_t k = 0; k < 2; k++) {
		struct testdb t;
		testdb_open(&t);
		make_teams(&t.db, far_ids[k]);
		struct team_cards *tc = team_cards_load(&t.db);
		assert_non_null(tc);
		assert_int_equal(team_cards_count(tc), 2);
		assert_string_equal(card_json(tc, 1, DIR_PUBLIC),
		                    "{\"slug\":\"team-seven\",\"name\":{\"en\":\"Team \\\"Seven\\\"\",\"ja\":\"チーム7\"},"
		                    "\"short_name\":\"T7\",\"contacts\":[{\"kind\":\"email_incident\","
		                    "\"value\":\"pub@t7.example.jp\",\"hours\":\"24/7\"}]}");
		assert_non_null(strstr(card_json(tc, 1, DIR_MEMBERS), "\"pub@t7.example.jp\",\"hours\":\"24/7\"},"
		                                                      "{\"kind\":\"phone_emergency\",\"value\":\"mem\"}"));
		assert_null(strstr(card_json(tc, 1, DIR_MEMBERS), "\"sec\""));
		assert_non_null(strstr(card_json(tc, 1, DIR_ALL), "\"value\":\"mem\"},{\"kind\":\"fax\",\"value\":\"sec\"}]}"));
		assert_non_null(strstr(card_json(tc, far_ids[k], DIR_PUBLIC), "far@example.jp"));
		assert_null(card_json(tc, 3, DIR_ALL));   /* withdrawn: never routes */
		assert_null(card_json(tc, 4, DIR_ALL));
		assert_null(card_json(tc, far_ids[k] + 1, DIR_ALL));
		assert_int_equal(team_card_org(team_cards_find(tc, 1)), 7);
		int64_t ids[] = {far_ids[k], 3, 1, 1, 99};
		const struct team_card *found[5];
		team_cards_find_many(tc, ids, 5, found);
		assert_ptr_equal(found[0], team_cards_find(tc, far_ids[k]));
		assert_null(found[1]);
		assert_ptr_equal(found[2], team_cards_find(tc, 1));
		assert_ptr_equal(found[3], found[2]);
		assert_null(found[4]);
		team_cards_drop(tc);
		testdb_close(&t);
	}
}

static void answers(void **state)
{
	struct testdb t;
	testdb_open(&t);
	make_teams(&t.db, 2);
	struct team_cards *tc = team_cards_load(&t.db);
	struct rindex_builder *rb = rindex_builder_new();
	assert_int_equal(rindex_add_rule(rb, "192.0.2.0/24", 2, 10), RINDEX_OK);
	assert_int_equal(rindex_add_rule(rb, "192.0.2.128/25", 1, 11), RINDEX_OK);
	assert_int_equal(rindex_add_rule(rb, "192.0.2.0/23", 3, 12), RINDEX_OK);   /* a withdrawn team's */
	struct rindex *ix = rindex_build(rb);
	rindex_builder_free(rb);
	struct rindex_query q;
	assert_int_equal(rindex_parse_query("192.0.2.200", &q), RINDEX_OK);
	struct rindex_match m[LOOKUP_MAX_MATCHES];
	size_t n = rindex_lookup(ix, &q, m, LOOKUP_MAX_MATCHES);
	assert_int_equal(n, 3);
	int64_t ids[3] = {m[0].team_id, m[1].team_id, m[2].team_id};
	const struct team_card *found[3];
	team_cards_find_many(tc, ids, 3, found);
	/* The team's own organisation sees its whole card. */
	struct actor own = {ROLE_MEMBER, 1, 7, false, false};
	struct lookup_asker a = {&own, DIR_MEMBERS, tc};
	struct buf b;
	buf_init(&b, 1 << 20);
	assert_int_equal(lookup_answer_write(&b, &a, "192.0.2.200", 11, m, found, n), 0);
	json_error_t err;
	json_t *v = json_loads(b.data, 0, &err);
	assert_non_null(v);
	assert_true(json_is_true(json_object_get(v, "found")));
	json_t *matches = json_object_get(v, "matches");
	assert_int_equal(json_array_size(matches), 2);   /* the withdrawn team's rule is left out */
	assert_string_equal(json_string_value(json_object_get(json_array_get(matches, 0), "rule")), "192.0.2.128/25");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(matches, 1), "specificity")), 24);
	assert_non_null(strstr(b.data, "\"sec\""));
	json_decref(v);
	buf_reset(&b);
	assert_int_equal(lookup_answer_bad(&b, "{\"q\":1}", 7, true, "not_a_string", "Say \"why\"."), 0);
	assert_string_equal(b.data, "{\"query\":{\"q\":1},\"error\":{\"code\":\"bad_query\",\"reason\":\"not_a_string\","
	                            "\"message\":\"Say \\\"why\\\".\"}}");
	buf_reset(&b);
	assert_int_equal(lookup_answer_bad(&b, NULL, 0, true, "not_a_string", "x"), 0);
	assert_non_null(strstr(b.data, "{\"query\":null,"));
	buf_release(&b);
	rindex_free(ix);
	team_cards_drop(tc);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_lines_body),
		cmocka_unit_test(json_array_body),
		cmocka_unit_test(text_lines),
		cmocka_unit_test(whole_body),
		cmocka_unit_test(long_items),
		cmocka_unit_test(marks_resume),
		cmocka_unit_test(cards),
		cmocka_unit_test(answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
