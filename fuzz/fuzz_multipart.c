/* libFuzzer target for src/http/multipart.c: multipart/form-data bodies,
 * which anyone may post to an upload form before the CSRF token in them
 * is checked. The input is a Content-Type line, a newline, then the body.
 * Every allocation is its own malloc, so ASan sees an overflow of any one
 * of them. Besides the sanitizers it asserts the parser's promises: no
 * parts on a refusal; at most MULTIPART_MAX_PARTS parts of at most the
 * limit, in order inside the body, none holding the boundary; names, file
 * names and types NUL-terminated UTF-8; text fields UTF-8 after the split;
 * and a body written again from the parts reads back the same. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/json_writer.h"
#include "http/multipart.h"
#include "../tests/unit/test_arena.h"

/* Small, so that the fuzzer reaches the limit. */
#define MAX_PART 512

static void check_text(const char *s)
{
	if (s && !utf8_valid(s, strlen(s)))
		abort();
}

static void check_parts(const struct multipart *m, const char *body, size_t n, const char *boundary)
{
	char delim[4 + MULTIPART_BOUNDARY_MAX + 1];
	int dn = snprintf(delim, sizeof(delim), "\r\n--%s", boundary);
	const char *after = body;
	if (m->n > MULTIPART_MAX_PARTS)
		abort();
	for (size_t i = 0; i < m->n; i++) {
		const struct multipart_part *p = &m->parts[i];
		if (!p->name || p->len > MAX_PART || p->data < after || p->data + p->len > body + n)
			abort();
		if (memmem(p->data, p->len, delim, (size_t)dn))
			abort();
		check_text(p->name);
		check_text(p->filename);
		check_text(p->content_type);
		after = p->data + p->len;
	}
}

static void check_split(const struct multipart *m, struct arena *a)
{
	struct form fields;
	struct multipart files;
	if (multipart_split(m, &fields, &files, arena_alloc, a) != MULTIPART_OK) {
		if (fields.n || files.n)
			abort();
		return;
	}
	if (fields.n + files.n != m->n)
		abort();
	for (size_t i = 0; i < fields.n; i++)
		if (strlen(fields.fields[i].value) != fields.fields[i].value_len ||
		    !utf8_valid(fields.fields[i].value, fields.fields[i].value_len))
			abort();
	for (size_t i = 0; i < files.n; i++)
		if (!files.parts[i].filename)
			abort();
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(multipart_get(m, m->parts[i].name)->name, m->parts[i].name) != 0)
			abort();
}

/* Write the parts as a browser would and read them back. */
static void round_trip(const struct multipart *m, const char *boundary)
{
	char *text = NULL, ct[128];
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	for (size_t i = 0; i < m->n; i++) {
		const struct multipart_part *p = &m->parts[i];
		fprintf(out, "--%s\r\nContent-Disposition: form-data; name=\"%s\"", boundary, p->name);
		if (p->filename)
			fprintf(out, "; filename=\"%s\"", p->filename);
		fputs("\r\n", out);
		if (p->content_type)
			fprintf(out, "Content-Type: %s\r\n", p->content_type);
		fputs("\r\n", out);
		fwrite(p->data, 1, p->len, out);
		fputs("\r\n", out);
	}
	fprintf(out, "--%s--\r\n", boundary);
	fclose(out);
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=\"%s\"", boundary);
	struct arena a = {0};
	struct multipart g;
	if (multipart_parse(ct, strlen(ct), text, len, MAX_PART, &g, arena_alloc, &a) != MULTIPART_OK || g.n != m->n)
		abort();
	for (size_t i = 0; i < m->n; i++) {
		const struct multipart_part *p = &m->parts[i], *q = &g.parts[i];
		if (strcmp(p->name, q->name) || !p->filename != !q->filename || (p->filename && strcmp(p->filename, q->filename)) ||
		    !p->content_type != !q->content_type || (p->content_type && strcmp(p->content_type, q->content_type)) ||
		    p->len != q->len || memcmp(p->data, q->data, p->len))
			abort();
	}
	arena_free(&a);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nl = memchr(s, '\n', size);
	size_t ct_len = nl ? (size_t)(nl - s) : size;
	const char *body = nl ? nl + 1 : s + size;
	size_t n = nl ? size - ct_len - 1 : 0;
	char boundary[MULTIPART_BOUNDARY_MAX + 1];
	struct arena a = {0};
	struct multipart m;

	enum multipart_status bs = multipart_boundary(s, ct_len, boundary);
	enum multipart_status st = multipart_parse(s, ct_len, body, n, MAX_PART, &m, arena_alloc, &a);
	if ((bs == MULTIPART_OK) != (st != MULTIPART_NO_BOUNDARY))
		abort();
	if (bs == MULTIPART_OK && strlen(boundary) > MULTIPART_BOUNDARY_MAX)
		abort();
	if (st != MULTIPART_OK && m.n != 0)
		abort();
	if (st == MULTIPART_OK) {
		check_parts(&m, body, n, boundary);
		check_split(&m, &a);
		round_trip(&m, boundary);
	}
	arena_free(&a);
	return 0;
}
