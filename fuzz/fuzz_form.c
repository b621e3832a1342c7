/* libFuzzer target for src/http/form.c: query strings, urlencoded bodies
 * and Cookie headers, the first bytes of every request to reach our code;
 * also the Accept-Language parser of src/core/i18n.c, read on every page.
 * Every allocation is its own malloc, so ASan sees an overflow of any one
 * of them. Besides the sanitizers it asserts the parser's promises: at most
 * FORM_MAX_FIELDS fields, names and values NUL-terminated valid UTF-8 with
 * the stated length, and form_parse reading back what a strict encoder made
 * of its own output (decode, encode, decode gives the same fields). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/json_writer.h"
#include "http/form.h"
#include "../tests/unit/test_arena.h"

static void check_fields(const struct form *f)
{
	if (f->n > FORM_MAX_FIELDS)
		abort();
	for (size_t i = 0; i < f->n; i++) {
		const struct form_field *x = &f->fields[i];
		if (!utf8_valid(x->name, strlen(x->name)) || strlen(x->value) != x->value_len ||
		    !utf8_valid(x->value, x->value_len))
			abort();
		/* form_get finds the first field of a name, form_count counts them. */
		if (!form_get(f, x->name) || form_count(f, x->name) < 1)
			abort();
	}
}

/* Percent-encode everything but unreserved characters. */
static void encode(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~", c))
			fputc(c, out);
		else
			fprintf(out, "%%%02X", c);
	}
}

static void round_trip(const struct form *f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	for (size_t i = 0; i < f->n; i++) {
		if (i)
			fputc('&', out);
		encode(out, f->fields[i].name, strlen(f->fields[i].name));
		fputc('=', out);
		encode(out, f->fields[i].value, f->fields[i].value_len);
	}
	fclose(out);
	struct arena a = {0};
	struct form g;
	/* Fields with an empty name and value ("=") are pieces of their own; the
	 * re-encoded text has as many pieces as fields, so the limit holds. */
	if (form_parse(text, len, &g, arena_alloc, &a) != FORM_OK || g.n != f->n)
		abort();
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(g.fields[i].name, f->fields[i].name) || g.fields[i].value_len != f->fields[i].value_len ||
		    memcmp(g.fields[i].value, f->fields[i].value, f->fields[i].value_len))
			abort();
	arena_free(&a);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct arena a = {0};
	struct form f;

	if (form_parse(s, size, &f, arena_alloc, &a) == FORM_OK) {
		check_fields(&f);
		round_trip(&f);
	}
	if (form_parse_cookies(s, size, &f, arena_alloc, &a) == FORM_OK)
		check_fields(&f);

	/* The decoder alone, both ways of reading '+'. */
	char *out = malloc(size + 1);
	for (int plus = 0; plus < 2; plus++) {
		long n = form_url_decode(s, size, out, plus);
		if (n > (long)size || n < -1 || (n >= 0 && out[n] != '\0'))
			abort();
	}
	free(out);

	enum lang l = lang_from_accept(s, size, LANG_JA);
	if (l != LANG_JA && l != LANG_EN)
		abort();
	if (lang_parse(s, size, &l) == 0 && l != LANG_JA && l != LANG_EN)
		abort();
	arena_free(&a);
	return 0;
}
