/* Query strings, urlencoded forms and cookies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "http/form.h"

/* A trivial arena so each test frees everything at once. */
struct arena {
	void *ptrs[2 * FORM_MAX_BODY_FIELDS + 8];
	size_t n;
};

static void *arena_alloc(void *owner, size_t n)
{
	struct arena *a = owner;
	if (a->n == sizeof(a->ptrs) / sizeof(a->ptrs[0]))
		return NULL;
	return a->ptrs[a->n++] = malloc(n);
}

static void arena_free(struct arena *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->ptrs[i]);
	a->n = 0;
}

static void parses_and_decodes_pairs(void **state)
{
	struct arena a = {0};
	struct form f;
	const char *q = "a=1&b=x%20y+z&empty=&flag&&jp=%E6%97%A5%E6%9C%AC&a=2";
	assert_int_equal(form_parse(q, strlen(q), &f, arena_alloc, &a), FORM_OK);
	assert_int_equal(f.n, 6);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_string_equal(form_get(&f, "b"), "x y z");
	assert_string_equal(form_get(&f, "empty"), "");
	assert_string_equal(form_get(&f, "flag"), "");
	assert_string_equal(form_get(&f, "jp"), "日本");
	assert_null(form_get(&f, "missing"));
	assert_int_equal(form_count(&f, "a"), 2);
	arena_free(&a);
}

static void rejects_bad_escapes_and_utf8(void **state)
{
	struct arena a = {0};
	struct form f;
	assert_int_equal(form_parse("a=%zz", 5, &f, arena_alloc, &a), FORM_BAD_ENCODING);
	assert_int_equal(form_parse("a=%4", 4, &f, arena_alloc, &a), FORM_BAD_ENCODING);
	assert_int_equal(form_parse("a=%", 3, &f, arena_alloc, &a), FORM_BAD_ENCODING);
	assert_int_equal(form_parse("a=%FF", 5, &f, arena_alloc, &a), FORM_BAD_UTF8);
	assert_int_equal(form_parse("a=%00", 5, &f, arena_alloc, &a), FORM_BAD_UTF8);
	assert_int_equal(form_parse("%C0%AF=1", 8, &f, arena_alloc, &a), FORM_BAD_UTF8);
	arena_free(&a);
}

static void limits_the_number_of_fields(void **state)
{
	struct arena a = {0};
	struct form f;
	char q[4096] = "";
	for (int i = 0; i <= FORM_MAX_FIELDS; i++)
		strcat(q, "x=1&");
	assert_int_equal(form_parse(q, strlen(q), &f, arena_alloc, &a), FORM_TOO_MANY);
	arena_free(&a);
}

/* A posted body may hold FORM_MAX_BODY_FIELDS fields, and no more. */
static void limits_the_fields_of_a_body(void **state)
{
	struct arena a = {0};
	struct form f;
	static char q[8 * (FORM_MAX_BODY_FIELDS + 1)];
	strcpy(q, "x=1");
	for (int i = 1; i < FORM_MAX_BODY_FIELDS; i++)
		strcat(q, "&x=1");
	assert_int_equal(form_parse(q, strlen(q), &f, arena_alloc, &a), FORM_TOO_MANY);
	assert_int_equal(form_parse_body(q, strlen(q), &f, arena_alloc, &a), FORM_OK);
	assert_int_equal(f.n, FORM_MAX_BODY_FIELDS);
	arena_free(&a);
	strcat(q, "&y=2");
	assert_int_equal(form_parse_body(q, strlen(q), &f, arena_alloc, &a), FORM_TOO_MANY);
	arena_free(&a);
}

static void parses_cookies_without_decoding(void **state)
{
	struct arena a = {0};
	struct form f;
	const char *c = "shisa_session=abc%20def; shisa_lang=en;theme=dark";
	assert_int_equal(form_parse_cookies(c, strlen(c), &f, arena_alloc, &a), FORM_OK);
	assert_string_equal(form_get(&f, "shisa_session"), "abc%20def");
	assert_string_equal(form_get(&f, "shisa_lang"), "en");
	assert_string_equal(form_get(&f, "theme"), "dark");
	arena_free(&a);
}

static void empty_input_has_no_fields(void **state)
{
	struct arena a = {0};
	struct form f;
	assert_int_equal(form_parse("", 0, &f, arena_alloc, &a), FORM_OK);
	assert_int_equal(f.n, 0);
	assert_null(form_get(&f, "a"));
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_and_decodes_pairs),
		cmocka_unit_test(rejects_bad_escapes_and_utf8),
		cmocka_unit_test(limits_the_number_of_fields),
		cmocka_unit_test(limits_the_fields_of_a_body),
		cmocka_unit_test(parses_cookies_without_decoding),
		cmocka_unit_test(empty_input_has_no_fields),
	};
	return cmocka_run_group_tests_name("form", tests, NULL, NULL);
}
