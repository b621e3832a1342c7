/* struct buf: grows, and refuses to grow past its maximum. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"

static void appends_and_terminates(void **state)
{
	struct buf b;
	buf_init(&b, 100);
	assert_int_equal(buf_adds(&b, "abc"), 0);
	assert_int_equal(buf_addc(&b, '-'), 0);
	assert_int_equal(buf_printf(&b, "%d/%s", 42, "x"), 0);
	assert_string_equal(b.data, "abc-42/x");
	assert_int_equal(b.len, 8);
	buf_release(&b);
}

static void refuses_past_maximum_and_keeps_content(void **state)
{
	struct buf b;
	buf_init(&b, 8);
	assert_int_equal(buf_adds(&b, "12345678"), 0);
	assert_int_equal(buf_addc(&b, '9'), -1);
	assert_int_equal(buf_printf(&b, "%s", "more"), -1);
	assert_string_equal(b.data, "12345678");
	buf_release(&b);
}

static void detach_hands_over_storage(void **state)
{
	struct buf b;
	size_t n;
	buf_init(&b, 0);
	char *empty = buf_detach(&b, &n);
	assert_string_equal(empty, "");
	assert_int_equal(n, 0);
	free(empty);
	buf_adds(&b, "hello");
	char *p = buf_detach(&b, &n);
	assert_string_equal(p, "hello");
	assert_int_equal(n, 5);
	assert_null(b.data);
	free(p);
}

static void grows_over_many_appends(void **state)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(buf_adds(&b, "0123456789"), 0);
	assert_int_equal(b.len, 100000);
	assert_int_equal(strlen(b.data), 100000);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(appends_and_terminates),
		cmocka_unit_test(refuses_past_maximum_and_keeps_content),
		cmocka_unit_test(detach_hands_over_storage),
		cmocka_unit_test(grows_over_many_appends),
	};
	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
