/* A small streaming JSON writer for responses: appends straight into a
 * struct buf, handles commas and nesting, escapes strings (invalid UTF-8 is
 * replaced by U+FFFD so output is always valid JSON). Parsing requests is
 * jansson's job; writing hot-path replies is this one's. */
#ifndef SHISA_JSON_WRITER_H
#define SHISA_JSON_WRITER_H
#include <stdbool.h>
#include <stdint.h>
#include "core/buf.h"

#define JW_MAX_DEPTH 32

struct jw {
	struct buf *out;
	int depth;
	bool need_comma[JW_MAX_DEPTH];
	bool after_key;
	bool failed;    /* set when the buffer refused to grow or nesting overflowed */
};

void jw_init(struct jw *w, struct buf *out);
void jw_obj_begin(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr_begin(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_str(struct jw *w, const char *s);            /* NULL writes null */
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, int64_t v);
void jw_double(struct jw *w, double v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* Append already-serialised JSON (e.g. from jansson) as one value. */
void jw_raw_json(struct jw *w, const char *json);

/* Shorthands for "key": value. */
void jw_kstr(struct jw *w, const char *key, const char *s);
void jw_kint(struct jw *w, const char *key, int64_t v);
void jw_kbool(struct jw *w, const char *key, bool v);

/* Append S escaped as the inside of a JSON string (no quotes). */
int json_escape_into(struct buf *out, const char *s, size_t n);

/* Length of the valid UTF-8 sequence at S (1..4), or 0 when invalid. */
int utf8_seq_len(const unsigned char *s, size_t n);
/* True when the N bytes at S are valid UTF-8 with no NUL. */
bool utf8_valid(const char *s, size_t n);

#endif
