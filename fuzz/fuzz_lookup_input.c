/* libFuzzer target for the body of a batch lookup (src/directory/
 * lookup_input.c), read in each of its three formats.
 *
 * Asserted besides the sanitizers:
 *  - reading item by item gives as many items as lookup_input_check
 *    counted, for every body it accepts, and never fails on one;
 *  - resuming at each mark gives the same items as reading through;
 *  - a query is at most LOOKUP_QUERY_MAX bytes, what is repeated of any
 *    other item at most LOOKUP_ECHO_MAX, and every text is valid UTF-8
 *    (it goes into a JSON answer as is). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/json_writer.h"
#include "directory/lookup_input.h"

#define MAX_ITEMS 4096
#define EVERY 3

static void check_format(const char *body, size_t size, enum lookup_format fmt)
{
	static struct lookup_input_mark marks[MAX_ITEMS / EVERY + 1];
	size_t count;
	if (lookup_input_check(body, size, fmt, MAX_ITEMS, &count, EVERY, marks) != LOOKUP_INPUT_OK)
		return;
	struct lookup_input in, again;
	struct lookup_item it, it2;
	lookup_input_start(&in, body, size, fmt);
	size_t n = 0;
	int rc;
	while ((rc = lookup_input_next(&in, &it)) > 0) {
		if (it.problem == LOOKUP_ITEM_OK && it.len > LOOKUP_QUERY_MAX)
			abort();
		if (it.problem != LOOKUP_ITEM_OK && it.len > LOOKUP_ECHO_MAX)
			abort();
		if (it.text && !utf8_valid(it.text, it.len) && it.len)
			abort();
		if (n % EVERY == 0)
			lookup_input_resume(&again, body, size, fmt, &marks[n / EVERY]);
		if (lookup_input_next(&again, &it2) != 1 || it2.problem != it.problem || it2.len != it.len ||
		    (it.text && memcmp(it.text, it2.text, it.len) != 0))
			abort();
		n++;
	}
	if (rc < 0 || n != count)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	check_format(body, size, LOOKUP_JSON_ARRAY);
	check_format(body, size, LOOKUP_JSON_LINES);
	check_format(body, size, LOOKUP_TEXT_LINES);
	return 0;
}
