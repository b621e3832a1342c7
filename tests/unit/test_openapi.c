/* docs/openapi.json (also served at /api/v1/openapi.json) describes
 * exactly the registered /api/v1 routes: no route undocumented, no
 * documented operation without a route. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <jansson.h>
#include <string.h>
#include "core/embed.h"
#include "http/router.h"

static json_t *load_doc(void)
{
	const struct embed_file *f = embed_find("docs/openapi.json");
	assert_non_null(f);
	json_error_t err;
	json_t *doc = json_loadb((const char *)f->data, f->len, 0, &err);
	if (!doc)
		fail_msg("docs/openapi.json:%d: %s", err.line, err.text);
	return doc;
}

static void lower(const char *in, char *out, size_t n)
{
	size_t i = 0;
	for (; in[i] && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

static void is_openapi_3_1(void **state)
{
	json_t *doc = load_doc();
	assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
	assert_non_null(json_object_get(json_object_get(doc, "info"), "title"));
	json_decref(doc);
}

static void every_api_route_is_documented(void **state)
{
	json_t *doc = load_doc(), *paths = json_object_get(doc, "paths");
	int problems = 0;
	assert_int_equal(router_init(), 0);
	for (size_t i = 0; i < router_count(); i++) {
		const struct route *r = router_route_at(i);
		if (strncmp(r->pattern, "/api/v1/", 8) != 0)
			continue;
		char m[12];
		lower(r->method, m, sizeof(m));
		json_t *op = json_object_get(json_object_get(paths, r->pattern), m);
		if (!op || !json_object_get(op, "responses")) {
			print_error("%s %s is not in docs/openapi.json\n", r->method, r->pattern);
			problems++;
		}
	}
	assert_int_equal(problems, 0);
	json_decref(doc);
}

static void every_documented_operation_has_a_route(void **state)
{
	json_t *doc = load_doc(), *paths = json_object_get(doc, "paths"), *item, *op;
	const char *path, *method;
	int problems = 0;
	assert_int_equal(router_init(), 0);
	json_object_foreach(paths, path, item) {
		json_object_foreach(item, method, op) {
			bool found = false;
			for (size_t i = 0; i < router_count(); i++) {
				const struct route *r = router_route_at(i);
				char m[12];
				lower(r->method, m, sizeof(m));
				if (!strcmp(r->pattern, path) && !strcmp(m, method))
					found = true;
			}
			if (!found) {
				print_error("docs/openapi.json documents %s %s but no such route exists\n", method, path);
				problems++;
			}
		}
	}
	assert_int_equal(problems, 0);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(is_openapi_3_1),
		cmocka_unit_test(every_api_route_is_documented),
		cmocka_unit_test(every_documented_operation_has_a_route),
	};
	return cmocka_run_group_tests_name("openapi", tests, NULL, NULL);
}
