/* Reading the queries of a batch lookup (POST /api/v1/lookup) from its
 * body, in one of three formats:
 *
 *   LOOKUP_JSON_ARRAY   application/json: one JSON array, each item a
 *                       query string ["192.0.2.1", "example.jp", ...]
 *   LOOKUP_JSON_LINES   application/x-ndjson, application/jsonl: one JSON
 *                       value per line, a query string "192.0.2.1" or an
 *                       object {"q": "192.0.2.1"}
 *   LOOKUP_TEXT_LINES   text/plain: one query per line, as typed
 *
 * In the JSON formats an item may also be an object {"q": "..."}. In
 * the line formats blank lines are skipped; blanks around a line or a
 * query are ignored. The body as a whole must be UTF-8 without NUL bytes, and a
 * JSON array must be valid JSON: those are refused before anything is
 * answered. Everything else is one item's problem (a line that is not
 * JSON, an item that is not a string, a query too long), answered on its
 * own line while the rest of the batch goes on.
 *
 * Pure functions over the body (no SQL, no HTTP; fuzzed by
 * fuzz/fuzz_lookup_input.c). The body is read twice: once whole by
 * lookup_input_check before the answer starts, then item by item with
 * lookup_input_next while the answer is written. */
#ifndef SHISA_LOOKUP_INPUT_H
#define SHISA_LOOKUP_INPUT_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The longest query read, in bytes (a domain name is at most 253). */
#define LOOKUP_QUERY_MAX 1024
/* An item that is not a query is repeated in its answer, so that people
 * see which one it was: a text up to LOOKUP_ECHO_CHARS characters (a
 * longer one cut there, with "…"), a JSON value as compact JSON up to
 * LOOKUP_ECHO_MAX bytes (a longer one as null). */
#define LOOKUP_ECHO_CHARS 64
#define LOOKUP_ECHO_MAX (LOOKUP_ECHO_CHARS * 4 + 3)

enum lookup_format {
	LOOKUP_JSON_ARRAY,
	LOOKUP_JSON_LINES,
	LOOKUP_TEXT_LINES,
};

enum lookup_input_status {
	LOOKUP_INPUT_OK = 0,
	LOOKUP_INPUT_BAD_UTF8,      /* the body is not UTF-8, or holds a NUL byte */
	LOOKUP_INPUT_WANT_ARRAY,    /* a JSON body that does not start with '[' */
	LOOKUP_INPUT_BAD_JSON,      /* a JSON array that is not valid JSON */
	LOOKUP_INPUT_EMPTY,         /* no query at all */
	LOOKUP_INPUT_TOO_MANY,      /* more items than the caller allows */
};

enum lookup_item_problem {
	LOOKUP_ITEM_OK = 0,
	LOOKUP_ITEM_NOT_JSON,       /* a JSON line that is not JSON */
	LOOKUP_ITEM_NOT_STRING,     /* JSON, but neither a string nor {"q": string} */
	LOOKUP_ITEM_TOO_LONG,       /* a query over LOOKUP_QUERY_MAX bytes */
};

/* One item. For LOOKUP_ITEM_OK, TEXT is the query (LEN bytes, not
 * NUL-terminated). Otherwise TEXT is what was sent, to say which item
 * the answer is about (see LOOKUP_ECHO_MAX): the line or the string, or
 * for NOT_STRING the item as compact JSON (TEXT_IS_JSON; NULL when too
 * long to repeat). */
struct lookup_item {
	enum lookup_item_problem problem;
	const char *text;
	size_t len;
	bool text_is_json;
};

/* A reader over one body. Items point into the body or into the reader,
 * valid until the next call. */
struct lookup_input {
	const char *body, *p, *end;
	enum lookup_format fmt;
	bool started, after_item;   /* JSON array: '[' read; an item read, ',' or ']' next */
	char scratch[LOOKUP_QUERY_MAX + 1];
};

/* Where a reader stands, to resume reading there, e.g. on another thread. */
struct lookup_input_mark {
	size_t offset;
	bool started, after_item;
};

/* Check the N bytes of BODY in format FMT and count its items into
 * *COUNT. LOOKUP_INPUT_TOO_MANY as soon as there are more than MAX.
 * With MARKS, also note where each run of EVERY items starts: MARKS[k]
 * before item k * EVERY, for every such item (MARKS has room for
 * MAX / EVERY + 1). */
enum lookup_input_status lookup_input_check(const char *body, size_t n, enum lookup_format fmt, size_t max,
                                            size_t *count, size_t every, struct lookup_input_mark *marks);
/* Start reading BODY (which lookup_input_check accepted) at its start,
 * or at mark M. */
void lookup_input_start(struct lookup_input *in, const char *body, size_t n, enum lookup_format fmt);
void lookup_input_resume(struct lookup_input *in, const char *body, size_t n, enum lookup_format fmt,
                         const struct lookup_input_mark *m);
/* The next item into IT: 1, or 0 at the end, or -1 where a JSON array
 * stops being valid JSON (never for a body lookup_input_check accepted). */
int lookup_input_next(struct lookup_input *in, struct lookup_item *it);

#endif
