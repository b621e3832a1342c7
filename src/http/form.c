/* Query strings, urlencoded forms and cookies; see form.h. */
#include <string.h>
#include "core/json_writer.h"
#include "http/form.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

long form_url_decode(const char *s, size_t n, char *out, bool plus_space)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n)
				return -1;
			int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			out[w++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (s[i] == '+' && plus_space) {
			out[w++] = ' ';
		} else {
			out[w++] = s[i];
		}
	}
	out[w] = '\0';
	return (long)w;
}

static enum form_status add_field(struct form *out, const char *k, size_t kn, const char *v, size_t vn,
                                  bool decode, form_alloc_fn alloc, void *owner)
{
	char *name = alloc(owner, kn + 1), *value = alloc(owner, vn + 1);
	if (!name || !value)
		return FORM_NO_MEMORY;
	long nl, vl;
	if (decode) {
		nl = form_url_decode(k, kn, name, true);
		vl = form_url_decode(v, vn, value, true);
		if (nl < 0 || vl < 0)
			return FORM_BAD_ENCODING;
	} else {
		memcpy(name, k, kn);
		name[kn] = '\0';
		memcpy(value, v, vn);
		value[vn] = '\0';
		nl = (long)kn;
		vl = (long)vn;
	}
	if (!utf8_valid(name, (size_t)nl) || !utf8_valid(value, (size_t)vl))
		return FORM_BAD_UTF8;
	out->fields[out->n].name = name;
	out->fields[out->n].value = value;
	out->fields[out->n].value_len = (size_t)vl;
	out->n++;
	return FORM_OK;
}

static enum form_status parse_pairs(const char *s, size_t n, char sep, bool decode, size_t max_fields,
                                    struct form *out, form_alloc_fn alloc, void *owner)
{
	out->n = 0;
	out->fields = NULL;
	size_t pieces = 1;
	for (size_t k = 0; k < n; k++)
		if (s[k] == sep && ++pieces > max_fields)
			return FORM_TOO_MANY;
	if (n == 0)
		return FORM_OK;
	out->fields = alloc(owner, pieces * sizeof(*out->fields));
	if (!out->fields)
		return FORM_NO_MEMORY;
	size_t i = 0;
	while (i < n) {
		size_t start = i;
		while (i < n && s[i] != sep)
			i++;
		size_t end = i;
		if (i < n)
			i++;
		/* cookies: skip the blank after ';' */
		while (!decode && start < end && s[start] == ' ')
			start++;
		if (start == end)
			continue;
		const char *eq = memchr(s + start, '=', end - start);
		size_t kn = eq ? (size_t)(eq - (s + start)) : end - start;
		const char *v = eq ? eq + 1 : s + end;
		size_t vn = eq ? (size_t)(s + end - v) : 0;
		enum form_status st = add_field(out, s + start, kn, v, vn, decode, alloc, owner);
		if (st != FORM_OK)
			return st;
	}
	return FORM_OK;
}

enum form_status form_parse(const char *s, size_t n, struct form *out, form_alloc_fn alloc, void *owner)
{
	return parse_pairs(s, n, '&', true, FORM_MAX_FIELDS, out, alloc, owner);
}

enum form_status form_parse_body(const char *s, size_t n, struct form *out, form_alloc_fn alloc, void *owner)
{
	return parse_pairs(s, n, '&', true, FORM_MAX_BODY_FIELDS, out, alloc, owner);
}

enum form_status form_parse_cookies(const char *s, size_t n, struct form *out, form_alloc_fn alloc, void *owner)
{
	return parse_pairs(s, n, ';', false, FORM_MAX_FIELDS, out, alloc, owner);
}

const char *form_get(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return f->fields[i].value;
	return NULL;
}

size_t form_count(const struct form *f, const char *name)
{
	size_t c = 0;
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			c++;
	return c;
}
