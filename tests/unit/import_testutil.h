/* Shared by the import tests: parse a text, find issues by their
 * message, read values out of a record's change by path. */
#ifndef SHISA_IMPORT_TESTUTIL_H
#define SHISA_IMPORT_TESTUTIL_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "directory/import.h"

/* Parse N bytes of S (all of a string when N is 0) as format F into D. */
static inline void parse_n(struct import_doc *d, enum import_format f, const char *s, size_t n)
{
	import_doc_init(d, f);
	assert_int_equal(import_parse(d, s, n ? n : strlen(s)), 0);
}

static inline void parse_as(struct import_doc *d, enum import_format f, const char *s)
{
	parse_n(d, f, s, 0);
}

/* The Nth (0-based) issue with message KEY, or NULL. */
static inline const struct import_issue *nth_issue(const struct import_doc *d, const char *key, size_t nth)
{
	for (size_t i = 0; i < d->nissues; i++)
		if (!strcmp(d->issues[i].msg_key, key) && nth-- == 0)
			return &d->issues[i];
	return NULL;
}

static inline const struct import_issue *issue_with(const struct import_doc *d, const char *key)
{
	return nth_issue(d, key, 0);
}

static inline size_t count_issues(const struct import_doc *d, const char *key)
{
	size_t n = 0;
	for (size_t i = 0; i < d->nissues; i++)
		n += !strcmp(d->issues[i].msg_key, key);
	return n;
}

/* Print every issue: what a failing test shows. */
static inline void dump_issues(const struct import_doc *d)
{
	for (size_t i = 0; i < d->nissues; i++)
		printf("  %s line %zu record %zu field '%s' text '%s' %s\n", d->issues[i].rejected ? "rejected" : "skipped",
		       d->issues[i].line, d->issues[i].record, d->issues[i].field, d->issues[i].excerpt, d->issues[i].msg_key);
}

/* The value at PATH ("name.en", "contacts[1].value", "texts.mission.en")
 * of V, or NULL. */
static inline json_t *json_at(json_t *v, const char *path)
{
	char part[64];
	while (v && *path) {
		size_t n = strcspn(path, ".[");
		snprintf(part, sizeof(part), "%.*s", (int)n, path);
		if (n)
			v = json_object_get(v, part);
		path += n;
		if (*path == '[') {
			v = json_array_get(v, strtoul(path + 1, NULL, 10));
			path = strchr(path, ']') + 1;
		}
		if (*path == '.')
			path++;
	}
	return v;
}

static inline const char *str_at(json_t *v, const char *path)
{
	return json_string_value(json_at(v, path));
}

/* The line a record's value at PATH came from. */
static inline size_t line_of(const struct import_record *r, const char *path)
{
	return (size_t)json_integer_value(json_array_get(json_object_get(r->where, path), 0));
}

#endif
