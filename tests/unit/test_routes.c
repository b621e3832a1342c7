/* Every registered route, for every role, against the one expected table
 * (tests/policy_expected.tsv): a route added without a row here, a row
 * without a route, or a route whose policy changed, fails. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth/policy.h"
#include "http/router.h"

static const char *table_path;

struct row {
	char method[12];
	char pattern[160];
	char allow[ROLE__COUNT];   /* 'y' or 'n' per role, in enum order */
	bool seen;
};

static struct row rows[600];
static size_t nrows;

static void load_table(void)
{
	FILE *f = fopen(table_path, "r");
	if (!f)
		fail_msg("cannot open %s", table_path);
	char line[512];
	int lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		struct row *r = &rows[nrows];
		char roles[ROLE__COUNT][16];
		int n = sscanf(line, "%11s %159s %15s %15s %15s %15s %15s %15s", r->method, r->pattern, roles[0],
		               roles[1], roles[2], roles[3], roles[4], roles[5]);
		if (n != 2 + ROLE__COUNT)
			fail_msg("%s:%d: want METHOD PATTERN and %d y/n columns", table_path, lineno, ROLE__COUNT);
		for (int i = 0; i < ROLE__COUNT; i++) {
			if (strcmp(roles[i], "y") && strcmp(roles[i], "n"))
				fail_msg("%s:%d: column %d must be y or n", table_path, lineno, i + 3);
			r->allow[i] = roles[i][0];
		}
		nrows++;
	}
	fclose(f);
}

static void every_route_matches_the_expected_table(void **state)
{
	assert_int_equal(router_init(), 0);
	load_table();
	int problems = 0;
	for (size_t i = 0; i < router_count(); i++) {
		const struct route *rt = router_route_at(i);
		struct row *r = NULL;
		for (size_t k = 0; k < nrows; k++)
			if (!strcmp(rows[k].method, rt->method) && !strcmp(rows[k].pattern, rt->pattern))
				r = &rows[k];
		if (!r) {
			print_error("route %s %s has no row in %s\n", rt->method, rt->pattern, table_path);
			problems++;
			continue;
		}
		r->seen = true;
		for (int role = 0; role < ROLE__COUNT; role++) {
			/* Signed-in roles act through a session; the anonymous role has no user. */
			struct actor a = {.role = role, .user_id = role ? 1 : 0, .org_id = role ? 1 : 0};
			bool got = policy_allows(&a, rt->action, NULL);
			if (got != (r->allow[role] == 'y')) {
				print_error("%s %s as %s: policy says %s, table says %s\n", rt->method, rt->pattern,
				            policy_role_name(role), got ? "allow" : "deny", got ? "deny" : "allow");
				problems++;
			}
		}
	}
	for (size_t k = 0; k < nrows; k++) {
		if (!rows[k].seen) {
			print_error("%s has a row for %s %s but no such route exists\n", table_path, rows[k].method,
			            rows[k].pattern);
			problems++;
		}
	}
	assert_int_equal(problems, 0);
}

int main(int argc, char **argv)
{
	table_path = argc > 1 ? argv[1] : "tests/policy_expected.tsv";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_route_matches_the_expected_table),
	};
	return cmocka_run_group_tests_name("routes", tests, NULL, NULL);
}
