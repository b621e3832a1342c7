/* Streaming JSON writer; see json_writer.h. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "core/json_writer.h"

void jw_init(struct jw *w, struct buf *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

static void jw_put(struct jw *w, const char *s, size_t n)
{
	if (buf_add(w->out, s, n) < 0)
		w->failed = true;
}

/* Comma handling before any value or key. */
static void jw_pre_value(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (w->need_comma[w->depth - 1])
			jw_put(w, ",", 1);
		w->need_comma[w->depth - 1] = true;
	}
}

static void jw_open(struct jw *w, char c)
{
	jw_pre_value(w);
	if (w->depth >= JW_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	jw_put(w, &c, 1);
	w->need_comma[w->depth++] = false;
}

static void jw_close(struct jw *w, char c)
{
	if (w->depth == 0) {
		w->failed = true;
		return;
	}
	w->depth--;
	jw_put(w, &c, 1);
}

void jw_obj_begin(struct jw *w) { jw_open(w, '{'); }
void jw_obj_end(struct jw *w) { jw_close(w, '}'); }
void jw_arr_begin(struct jw *w) { jw_open(w, '['); }
void jw_arr_end(struct jw *w) { jw_close(w, ']'); }

int utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	int len;
	unsigned min;
	if ((c & 0xE0) == 0xC0) { len = 2; min = 0x80; c &= 0x1F; }
	else if ((c & 0xF0) == 0xE0) { len = 3; min = 0x800; c &= 0x0F; }
	else if ((c & 0xF8) == 0xF0) { len = 4; min = 0x10000; c &= 0x07; }
	else return 0;
	if ((size_t)len > n)
		return 0;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	return len;
}

bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		/* Eight bytes at a time while they are ASCII without NUL (no high
		 * bit, no zero byte): most bodies are mostly that. */
		for (uint64_t v; n - i >= 8; i += 8) {
			memcpy(&v, p + i, 8);
			if ((v & 0x8080808080808080ull) || ((v - 0x0101010101010101ull) & ~v & 0x8080808080808080ull))
				break;
		}
		if (i == n)
			break;
		if (p[i] == 0)
			return false;
		int l = utf8_seq_len(p + i, n - i);
		if (l == 0)
			return false;
		i += (size_t)l;
	}
	return true;
}

int json_escape_into(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;
	int rc = 0;
	while (i < n) {
		unsigned c = p[i];
		int l = c < 0x80 ? 1 : utf8_seq_len(p + i, n - i);
		bool plain = l > 1 || (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f && l == 1);
		if (plain && !(c == '<' || c == '>' || c == '&')) {
			i += (size_t)l;
			run += (size_t)l;
			continue;
		}
		rc |= buf_add(out, p + i - run, run);
		run = 0;
		char esc[8];
		if (l == 0) {
			rc |= buf_adds(out, "\\ufffd");
			i++;
			continue;
		}
		switch (c) {
		case '"': rc |= buf_adds(out, "\\\""); break;
		case '\\': rc |= buf_adds(out, "\\\\"); break;
		case '\n': rc |= buf_adds(out, "\\n"); break;
		case '\r': rc |= buf_adds(out, "\\r"); break;
		case '\t': rc |= buf_adds(out, "\\t"); break;
		default:
			/* control characters, and <>& so JSON is safe even if sniffed as HTML */
			esc[0] = '\\'; esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
			esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
			rc |= buf_add(out, esc, 6);
		}
		i++;
	}
	rc |= buf_add(out, p + i - run, run);
	return rc ? -1 : 0;
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
	jw_pre_value(w);
	jw_put(w, "\"", 1);
	if (json_escape_into(w->out, s, n) < 0)
		w->failed = true;
	jw_put(w, "\"", 1);
}

void jw_str(struct jw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	jw_strn(w, s, strlen(s));
}

void jw_key(struct jw *w, const char *key)
{
	jw_strn(w, key, strlen(key));
	jw_put(w, ":", 1);
	w->after_key = true;
}

void jw_int(struct jw *w, int64_t v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);
	jw_pre_value(w);
	jw_put(w, tmp, (size_t)n);
}

void jw_double(struct jw *w, double v)
{
	if (!isfinite(v)) {
		jw_null(w);
		return;
	}
	char tmp[40];
	int n = snprintf(tmp, sizeof(tmp), "%.17g", v);
	jw_pre_value(w);
	jw_put(w, tmp, (size_t)n);
}

void jw_bool(struct jw *w, bool v)
{
	jw_pre_value(w);
	jw_put(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct jw *w)
{
	jw_pre_value(w);
	jw_put(w, "null", 4);
}

void jw_raw_json(struct jw *w, const char *json)
{
	jw_pre_value(w);
	jw_put(w, json, strlen(json));
}

void jw_kstr(struct jw *w, const char *key, const char *s) { jw_key(w, key); jw_str(w, s); }
void jw_kint(struct jw *w, const char *key, int64_t v) { jw_key(w, key); jw_int(w, v); }
void jw_kbool(struct jw *w, const char *key, bool v) { jw_key(w, key); jw_bool(w, v); }
