/* The items of a batch lookup's body; see lookup_input.h.
 *
 * The common item, a string without escapes, is read in place. Anything
 * else (escapes, objects, other values) is delimited here and handed to
 * jansson, which decides whether it is JSON and what it holds. */
#include <string.h>
#include "core/json_writer.h"
#include "directory/lookup_input.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

/* P at a '"': past the closing quote, or NULL when there is none. */
static const char *skip_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* Past the JSON value at P, or NULL when it visibly does not end: a
 * string, a bracketed value (brackets counted outside strings; jansson
 * checks the rest), or a bare word up to a delimiter. */
static const char *skip_value(const char *p, const char *end)
{
	if (p >= end)
		return NULL;
	if (*p == '"')
		return skip_string(p, end);
	if (*p == '[' || *p == '{') {
		size_t depth = 0;
		while (p < end) {
			if (*p == '"') {
				if (!(p = skip_string(p, end)))
					return NULL;
				continue;
			}
			if (*p == '[' || *p == '{')
				depth++;
			else if ((*p == ']' || *p == '}') && --depth == 0)
				return p + 1;
			p++;
		}
		return NULL;
	}
	const char *start = p;
	while (p < end && !is_blank(*p) && *p != ',' && *p != ']' && *p != '}')
		p++;
	return p > start ? p : NULL;
}

/* The start of S (N bytes of UTF-8) to say which item this was: whole
 * when short, else its first LOOKUP_ECHO_CHARS characters and "…". */
static void echo_text(struct lookup_input *in, struct lookup_item *it, const char *s, size_t n)
{
	size_t i = 0, chars = 0;
	while (i < n && chars < LOOKUP_ECHO_CHARS) {
		int l = utf8_seq_len((const unsigned char *)s + i, n - i);
		i += l > 0 ? (size_t)l : 1;
		chars++;
	}
	if (i >= n) {
		it->text = s;
		it->len = n;
		return;
	}
	memcpy(in->scratch, s, i);
	memcpy(in->scratch + i, "\xe2\x80\xa6", 3);
	it->text = in->scratch;
	it->len = i + 3;
}

static void set_query(struct lookup_input *in, struct lookup_item *it, const char *s, size_t n)
{
	if (n > LOOKUP_QUERY_MAX) {
		it->problem = LOOKUP_ITEM_TOO_LONG;
		echo_text(in, it, s, n);
		return;
	}
	it->problem = LOOKUP_ITEM_OK;
	it->text = s;
	it->len = n;
}

/* The JSON value in [S, E) through jansson: a string or {"q": string} is
 * a query (copied, since jansson's copy is freed here); any other value
 * is answered as not a string. Return false when it is not JSON. */
static bool read_json_item(struct lookup_input *in, struct lookup_item *it, const char *s, const char *e)
{
	json_error_t err;
	json_t *v = json_loadb(s, (size_t)(e - s), JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &err);
	if (!v)
		return false;
	json_t *q = v;
	if (json_is_object(v) && json_object_size(v) == 1)
		q = json_object_get(v, "q");
	if (q && json_is_string(q)) {
		size_t n = json_string_length(q);
		const char *t = json_string_value(q);
		/* Copied to the scratch (jansson's copy goes below): the query,
		 * or the start of a long one, which echo_text put there. */
		set_query(in, it, t, n);
		if (it->text != in->scratch && it->len <= LOOKUP_QUERY_MAX) {
			memcpy(in->scratch, it->text, it->len);
			it->text = in->scratch;
		}
	} else {
		it->problem = LOOKUP_ITEM_NOT_STRING;
		it->text = NULL;
		it->len = 0;
		it->text_is_json = true;
		char *dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		size_t n = dump ? strlen(dump) : 0;
		if (dump && n <= LOOKUP_ECHO_MAX) {
			memcpy(in->scratch, dump, n);
			it->text = in->scratch;
			it->len = n;
		}
		free(dump);
	}
	json_decref(v);
	return true;
}

/* A quoted string without escapes or control characters, read in place:
 * true when [S, E) is exactly one. */
static bool plain_string(const char *s, const char *e, const char **inner_end)
{
	if (s >= e || *s != '"')
		return false;
	const char *q = s + 1;
	while (q < e && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
		q++;
	if (q >= e || *q != '"')
		return false;
	*inner_end = q;
	return true;
}

/* The next line that is not blank, trimmed, into [*S, *E): false at the
 * end. What makes an item of a line is its own business, never the
 * body's, so checking a body in lines needs no more than this. */
static bool line_bounds(struct lookup_input *in, const char **s, const char **e)
{
	while (in->p < in->end) {
		const char *nl = memchr(in->p, '\n', (size_t)(in->end - in->p));
		*s = in->p;
		*e = nl ? nl : in->end;
		in->p = nl ? nl + 1 : in->end;
		*s = skip_blanks(*s, *e);
		while (*e > *s && is_blank((*e)[-1]))
			(*e)--;
		if (*s < *e)
			return true;
	}
	return false;
}

static int next_line(struct lookup_input *in, struct lookup_item *it)
{
	const char *s, *e, *q;
	if (!line_bounds(in, &s, &e))
		return 0;
	if (in->fmt == LOOKUP_TEXT_LINES) {
		set_query(in, it, s, (size_t)(e - s));
	} else if (plain_string(s, e, &q) && q + 1 == e) {
		set_query(in, it, s + 1, (size_t)(q - s - 1));
	} else if (!read_json_item(in, it, s, e)) {
		it->problem = LOOKUP_ITEM_NOT_JSON;
		echo_text(in, it, s, (size_t)(e - s));
	}
	return 1;
}

static int next_array_item(struct lookup_input *in, struct lookup_item *it)
{
	const char *p = skip_blanks(in->p, in->end);
	if (!in->started) {
		if (p >= in->end || *p != '[')
			return -1;
		in->started = true;
		p = skip_blanks(p + 1, in->end);
		if (p < in->end && *p == ']') {
			in->p = skip_blanks(p + 1, in->end);
			return in->p == in->end ? 0 : -1;
		}
	} else if (in->after_item) {
		if (p < in->end && *p == ']') {
			in->p = skip_blanks(p + 1, in->end);
			return in->p == in->end ? 0 : -1;
		}
		if (p >= in->end || *p != ',')
			return -1;
		p = skip_blanks(p + 1, in->end);
	} else {
		return 0;   /* the end was reached before */
	}
	const char *q, *e = skip_value(p, in->end);
	if (!e)
		return -1;
	if (plain_string(p, e, &q) && q + 1 == e)
		set_query(in, it, p + 1, (size_t)(q - p - 1));
	else if (!read_json_item(in, it, p, e))
		return -1;
	in->p = e;
	in->after_item = true;
	return 1;
}

void lookup_input_start(struct lookup_input *in, const char *body, size_t n, enum lookup_format fmt)
{
	in->body = in->p = body;
	in->end = body + n;
	in->fmt = fmt;
	in->started = in->after_item = false;
}

void lookup_input_resume(struct lookup_input *in, const char *body, size_t n, enum lookup_format fmt,
                         const struct lookup_input_mark *m)
{
	lookup_input_start(in, body, n, fmt);
	in->p = body + m->offset;
	in->started = m->started;
	in->after_item = m->after_item;
}

int lookup_input_next(struct lookup_input *in, struct lookup_item *it)
{
	memset(it, 0, sizeof(*it));
	if (in->fmt == LOOKUP_JSON_ARRAY) {
		int rc = next_array_item(in, it);
		if (rc <= 0)
			in->after_item = false;   /* at the end (or broken) the reader stays there */
		return rc;
	}
	return next_line(in, it);
}

enum lookup_input_status lookup_input_check(const char *body, size_t n, enum lookup_format fmt, size_t max,
                                            size_t *count, size_t every, struct lookup_input_mark *marks)
{
	*count = 0;
	if (!utf8_valid(body, n))
		return LOOKUP_INPUT_BAD_UTF8;
	if (fmt == LOOKUP_JSON_ARRAY) {
		const char *p = skip_blanks(body, body + n);
		if (p == body + n)
			return LOOKUP_INPUT_EMPTY;
		if (*p != '[')
			return LOOKUP_INPUT_WANT_ARRAY;
	}
	struct lookup_input in;
	struct lookup_item it;
	const char *s, *e;
	lookup_input_start(&in, body, n, fmt);
	int rc;
	for (;;) {
		if (marks && *count % every == 0)
			marks[*count / every] = (struct lookup_input_mark){(size_t)(in.p - body), in.started, in.after_item};
		if (fmt == LOOKUP_JSON_ARRAY)
			rc = lookup_input_next(&in, &it);
		else
			rc = line_bounds(&in, &s, &e);
		if (rc <= 0)
			break;
		if (++*count > max)
			return LOOKUP_INPUT_TOO_MANY;
	}
	if (rc < 0)
		return LOOKUP_INPUT_BAD_JSON;
	return *count ? LOOKUP_INPUT_OK : LOOKUP_INPUT_EMPTY;
}
