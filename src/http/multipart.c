/* multipart/form-data bodies; see multipart.h. The body is
 *   [preamble CRLF] "--" boundary CRLF  headers CRLF CRLF data
 *   CRLF "--" boundary CRLF  headers ...
 *   CRLF "--" boundary "--" [epilogue]
 * where the CRLF before each boundary belongs to the boundary, not to the
 * data before it (RFC 2046 5.1.1). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "core/json_writer.h"
#include "http/multipart.h"

struct span {
	const char *s;
	size_t n;
};

/* RFC 9110 tchar: what a token (a media type, a parameter's name or
 * unquoted value) is made of. */
static bool is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* RFC 2046 bchars: what a boundary is made of. */
static bool is_bchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("'()+_,-./:=? ", c));
}

static bool span_is(struct span a, const char *lower)
{
	return a.n == strlen(lower) && strncasecmp(a.s, lower, a.n) == 0;
}

static void skip_ows(const char *s, size_t n, size_t *i)
{
	while (*i < n && (s[*i] == ' ' || s[*i] == '\t'))
		(*i)++;
}

static struct span read_token(const char *s, size_t n, size_t *i)
{
	struct span t = {s + *i, 0};
	while (*i < n && is_tchar((unsigned char)s[*i]))
		(*i)++;
	t.n = (size_t)(s + *i - t.s);
	return t;
}

/* The next "; name=value" of a header value, from *I on. Return 1 with
 * one, 0 at the end, -1 when malformed. A quoted value runs to the next
 * quote, as browsers write it (no backslash escapes). */
static int next_param(const char *s, size_t n, size_t *i, struct span *name, struct span *value)
{
	size_t p = *i;
	skip_ows(s, n, &p);
	if (p == n)
		return 0;
	if (s[p] != ';')
		return -1;
	p++;
	skip_ows(s, n, &p);
	*name = read_token(s, n, &p);
	if (!name->n || p == n || s[p] != '=')
		return -1;
	p++;
	if (p < n && s[p] == '"') {
		const char *q = memchr(s + p + 1, '"', n - p - 1);
		if (!q)
			return -1;
		value->s = s + p + 1;
		value->n = (size_t)(q - value->s);
		p = (size_t)(q - s) + 1;
	} else {
		*value = read_token(s, n, &p);
		if (!value->n)
			return -1;
	}
	*i = p;
	return 1;
}

enum multipart_status multipart_boundary(const char *ct, size_t n, char out[MULTIPART_BOUNDARY_MAX + 1])
{
	static const char type[] = "multipart/form-data";
	size_t i = sizeof(type) - 1;
	struct span name, value;
	bool found = false;
	int r;
	if (!ct || n < i || strncasecmp(ct, type, i) != 0)
		return MULTIPART_NO_BOUNDARY;
	while ((r = next_param(ct, n, &i, &name, &value)) > 0) {
		if (!span_is(name, "boundary"))
			continue;
		if (found || value.n == 0 || value.n > MULTIPART_BOUNDARY_MAX || value.s[value.n - 1] == ' ')
			return MULTIPART_NO_BOUNDARY;
		for (size_t k = 0; k < value.n; k++)
			if (!is_bchar((unsigned char)value.s[k]))
				return MULTIPART_NO_BOUNDARY;
		memcpy(out, value.s, value.n);
		out[value.n] = '\0';
		found = true;
	}
	return r == 0 && found ? MULTIPART_OK : MULTIPART_NO_BOUNDARY;
}

/* A copy of S as a NUL-terminated UTF-8 string, or NULL (*ST says why). */
static char *copy_text(struct span s, enum multipart_status *st, form_alloc_fn alloc, void *owner)
{
	if (!utf8_valid(s.s, s.n)) {
		*st = MULTIPART_BAD_UTF8;
		return NULL;
	}
	char *c = alloc(owner, s.n + 1);
	if (!c) {
		*st = MULTIPART_NO_MEMORY;
		return NULL;
	}
	memcpy(c, s.s, s.n);
	c[s.n] = '\0';
	return c;
}

/* Content-Disposition: form-data; name="..."[; filename="..."]. Other
 * parameters (filename*, which RFC 7578 tells senders not to use) are
 * left unread. */
static enum multipart_status read_disposition(struct span v, struct multipart_part *p, form_alloc_fn alloc,
                                              void *owner)
{
	size_t i = 0;
	struct span name, value;
	enum multipart_status st = MULTIPART_BAD_HEADER;
	int r;
	if (!span_is(read_token(v.s, v.n, &i), "form-data"))
		return MULTIPART_BAD_HEADER;
	while ((r = next_param(v.s, v.n, &i, &name, &value)) > 0) {
		char **into = span_is(name, "name") ? &p->name : span_is(name, "filename") ? &p->filename : NULL;
		if (!into)
			continue;
		if (*into)
			return MULTIPART_BAD_HEADER;
		if (!(*into = copy_text(value, &st, alloc, owner)))
			return st;
	}
	return r == 0 && p->name ? MULTIPART_OK : MULTIPART_BAD_HEADER;
}

/* One header line "Name: value" (no CRLF), as RFC 9110 field syntax. */
static enum multipart_status read_header(struct span line, struct multipart_part *p, bool *cte_seen,
                                         form_alloc_fn alloc, void *owner)
{
	size_t i = 0;
	struct span name = read_token(line.s, line.n, &i);
	if (!name.n || i == line.n || line.s[i] != ':')
		return MULTIPART_BAD_HEADER;
	i++;
	skip_ows(line.s, line.n, &i);
	struct span value = {line.s + i, line.n - i};
	while (value.n && (value.s[value.n - 1] == ' ' || value.s[value.n - 1] == '\t'))
		value.n--;
	enum multipart_status st = MULTIPART_BAD_HEADER;
	if (span_is(name, "content-disposition"))
		return p->name ? MULTIPART_BAD_HEADER : read_disposition(value, p, alloc, owner);
	if (span_is(name, "content-type")) {
		if (p->content_type || !value.n)
			return MULTIPART_BAD_HEADER;
		return (p->content_type = copy_text(value, &st, alloc, owner)) ? MULTIPART_OK : st;
	}
	if (span_is(name, "content-transfer-encoding")) {
		/* Deprecated by RFC 7578; only the ones that mean "as is". */
		bool as_is = span_is(value, "binary") || span_is(value, "8bit") || span_is(value, "7bit");
		if (*cte_seen || !as_is)
			return MULTIPART_BAD_HEADER;
		*cte_seen = true;
	}
	return MULTIPART_OK;
}

/* The header lines of a part, from *POS (just after the boundary line's
 * CRLF). Leaves *POS at the part's data, or at DELIM itself when the part
 * has headers but no body (RFC 2046 body-part := headers [CRLF *OCTET]). */
static enum multipart_status read_headers(const char *body, size_t n, size_t *pos, struct span delim,
                                          struct multipart_part *p, form_alloc_fn alloc, void *owner)
{
	size_t i = *pos, start = *pos;
	bool cte_seen = false;
	for (;;) {
		if (i > start && n - i >= delim.n && memcmp(body + i, delim.s, delim.n) == 0)
			break;
		size_t e = i;
		while (e < n && e - start <= MULTIPART_MAX_HEADER && body[e] != '\r' && body[e] != '\n') {
			unsigned char c = (unsigned char)body[e];
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return MULTIPART_BAD_HEADER;
			e++;
		}
		if (e - start > MULTIPART_MAX_HEADER)
			return MULTIPART_TOO_LARGE;
		if (n - e < 2)
			return MULTIPART_UNTERMINATED;
		if (body[e] != '\r' || body[e + 1] != '\n')
			return MULTIPART_BAD_HEADER;   /* a bare CR or LF */
		if (e == i) {
			i = e + 2;
			break;
		}
		/* Folded lines (obsolete since RFC 7230) are refused. */
		if (body[i] == ' ' || body[i] == '\t')
			return MULTIPART_BAD_HEADER;
		enum multipart_status st = read_header((struct span){body + i, e - i}, p, &cte_seen, alloc, owner);
		if (st != MULTIPART_OK)
			return st;
		i = e + 2;
	}
	*pos = i;
	return p->name ? MULTIPART_OK : MULTIPART_BAD_HEADER;
}

static enum multipart_status parse_parts(const char *body, size_t n, struct span delim, size_t max_part,
                                         struct multipart *out, form_alloc_fn alloc, void *owner)
{
	size_t pos;
	/* The first boundary: at the very start (without the CRLF), or after
	 * a preamble, which is not read. */
	if (n >= delim.n - 2 && memcmp(body, delim.s + 2, delim.n - 2) == 0) {
		pos = delim.n - 2;
	} else {
		const char *first = memmem(body, n, delim.s, delim.n);
		if (!first)
			return MULTIPART_NO_START;
		pos = (size_t)(first - body) + delim.n;
	}
	for (;;) {
		/* After a boundary: "--" ends the body (the epilogue is not
		 * read); otherwise blanks (transport padding), then CRLF. */
		if (n - pos >= 2 && body[pos] == '-' && body[pos + 1] == '-')
			return MULTIPART_OK;
		skip_ows(body, n, &pos);
		if (n - pos < 2)
			return MULTIPART_UNTERMINATED;
		if (body[pos] != '\r' || body[pos + 1] != '\n')
			return MULTIPART_BAD_HEADER;   /* text after the boundary on its line */
		pos += 2;
		if (out->n == MULTIPART_MAX_PARTS)
			return MULTIPART_TOO_MANY;
		struct multipart_part *p = &out->parts[out->n];
		memset(p, 0, sizeof(*p));
		enum multipart_status st = read_headers(body, n, &pos, delim, p, alloc, owner);
		if (st != MULTIPART_OK)
			return st;
		const char *end = memmem(body + pos, n - pos, delim.s, delim.n);
		if (!end)
			return n - pos > max_part ? MULTIPART_TOO_LARGE : MULTIPART_UNTERMINATED;
		p->data = body + pos;
		p->len = (size_t)(end - p->data);
		if (p->len > max_part)
			return MULTIPART_TOO_LARGE;
		out->n++;
		pos = (size_t)(end - body) + delim.n;
	}
}

enum multipart_status multipart_parse(const char *ct, size_t ct_len, const char *body, size_t n, size_t max_part,
                                      struct multipart *out, form_alloc_fn alloc, void *owner)
{
	char boundary[MULTIPART_BOUNDARY_MAX + 1], delim[4 + MULTIPART_BOUNDARY_MAX + 1];
	out->parts = NULL;
	out->n = 0;
	enum multipart_status st = multipart_boundary(ct, ct_len, boundary);
	if (st != MULTIPART_OK)
		return st;
	int dn = snprintf(delim, sizeof(delim), "\r\n--%s", boundary);
	out->parts = alloc(owner, MULTIPART_MAX_PARTS * sizeof(*out->parts));
	if (!out->parts)
		return MULTIPART_NO_MEMORY;
	st = parse_parts(body ? body : "", body ? n : 0, (struct span){delim, (size_t)dn}, max_part, out, alloc, owner);
	if (st != MULTIPART_OK)
		out->n = 0;
	return st;
}

enum multipart_status multipart_split(const struct multipart *m, struct form *fields, struct multipart *files,
                                      form_alloc_fn alloc, void *owner)
{
	size_t nfiles = 0;
	enum multipart_status st = MULTIPART_OK;
	for (size_t i = 0; i < m->n; i++)
		nfiles += m->parts[i].filename != NULL;
	fields->n = files->n = 0;
	fields->fields = alloc(owner, (m->n - nfiles + 1) * sizeof(*fields->fields));
	files->parts = alloc(owner, (nfiles + 1) * sizeof(*files->parts));
	if (!fields->fields || !files->parts)
		return MULTIPART_NO_MEMORY;
	for (size_t i = 0; i < m->n; i++) {
		const struct multipart_part *p = &m->parts[i];
		if (p->filename) {
			files->parts[files->n++] = *p;
			continue;
		}
		struct form_field *f = &fields->fields[fields->n];
		if (!(f->value = copy_text((struct span){p->data, p->len}, &st, alloc, owner))) {
			fields->n = files->n = 0;
			return st;
		}
		f->name = p->name;
		f->value_len = p->len;
		fields->n++;
	}
	return MULTIPART_OK;
}

const struct multipart_part *multipart_get(const struct multipart *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->parts[i].name, name) == 0)
			return &m->parts[i];
	return NULL;
}
