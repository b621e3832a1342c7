/* The streaming JSON writer: structure, escaping, invalid UTF-8. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "core/json_writer.h"

static void writes_nested_structures_with_commas(void **state)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_obj_begin(&w);
	jw_kstr(&w, "a", "x");
	jw_kint(&w, "n", -42);
	jw_key(&w, "list");
	jw_arr_begin(&w);
	jw_int(&w, 1);
	jw_bool(&w, true);
	jw_null(&w);
	jw_obj_begin(&w);
	jw_obj_end(&w);
	jw_arr_end(&w);
	jw_kbool(&w, "f", false);
	jw_key(&w, "nothing");
	jw_str(&w, NULL);
	jw_obj_end(&w);
	assert_false(w.failed);
	assert_string_equal(b.data, "{\"a\":\"x\",\"n\":-42,\"list\":[1,true,null,{}],\"f\":false,\"nothing\":null}");
	buf_release(&b);
}

static void escapes_quotes_controls_and_html(void **state)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_str(&w, "\"q\" \\ \n\t\x01 <script>&");
	assert_string_equal(b.data, "\"\\\"q\\\" \\\\ \\n\\t\\u0001 \\u003cscript\\u003e\\u0026\"");
	buf_release(&b);
}

static void keeps_utf8_and_replaces_invalid_bytes(void **state)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_str(&w, "日本語 \xff\xc3( \xed\xa0\x80");
	assert_string_equal(b.data, "\"日本語 \\ufffd\\ufffd( \\ufffd\\ufffd\\ufffd\"");
	buf_release(&b);
}

static void utf8_validation(void **state)
{
	assert_true(utf8_valid("abc", 3));
	assert_true(utf8_valid("シーサート", strlen("シーサート")));
	assert_false(utf8_valid("a\0b", 3));
	assert_false(utf8_valid("\xc0\xaf", 2));          /* overlong '/' */
	assert_false(utf8_valid("\xed\xa0\x80", 3));      /* surrogate */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4));  /* > U+10FFFF */
	assert_false(utf8_valid("\xe3\x81", 2));          /* truncated */
}

static void reports_overflow(void **state)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 10);
	jw_init(&w, &b);
	jw_str(&w, "this will not fit");
	assert_true(w.failed);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writes_nested_structures_with_commas),
		cmocka_unit_test(escapes_quotes_controls_and_html),
		cmocka_unit_test(keeps_utf8_and_replaces_invalid_bytes),
		cmocka_unit_test(utf8_validation),
		cmocka_unit_test(reports_overflow),
	};
	return cmocka_run_group_tests_name("json_writer", tests, NULL, NULL);
}
