/* What the import parsers share (import_doc.c): walking the lines of a
 * text, adding records, values and issues to an import_doc, and small
 * text helpers. Only the import_*.c files include this. */
#ifndef SHISA_IMPORT_INT_H
#define SHISA_IMPORT_INT_H
#include "directory/import.h"

/* The lines of a text, one at a time, without copying: LF or CRLF ends a
 * line. Inside a clear-signed block (RFC 4880 7.1) the "- " of
 * dash-escaped lines is taken off. */
struct import_lines {
	const char *p, *end;
	size_t no;                   /* number of the next line */
	bool dash_escaped;
};

struct import_line {
	const char *s;
	size_t n;
	size_t no;
	bool bad;                    /* holds a NUL byte or bytes that are not UTF-8 */
};

void import_lines_init(struct import_lines *it, const char *data, size_t n, size_t first_no);
bool import_lines_next(struct import_lines *it, struct import_line *l);
/* Report L as rejected when it is bad (RECORD: its record number, or 0);
 * return whether it is fine to read. */
bool import_line_ok(struct import_doc *d, const struct import_line *l, size_t record);

/* When the text at DATA is clear-signed, note the signed block in D and
 * set IT to walk the signed text only (lines outside it are skipped
 * issues); otherwise IT walks the whole text. A byte order mark is
 * skipped. */
void import_unarmor(struct import_doc *d, const char *data, size_t n, struct import_lines *it);

/* A new record starting at LINE; NULL when memory ran out. */
struct import_record *import_record_add(struct import_doc *d, size_t line, size_t number);
/* Set the string at the dotted PATH of R's change ("name.en",
 * "texts.mission.ja") to the N bytes at V (UTF-8), which came from LINE
 * (SRC, SRCN: the source text, for the report). Return 0 or -1. */
int import_set(struct import_record *r, const char *path, const char *v, size_t n, size_t line, const char *src,
               size_t srcn);
/* Append ITEM (stolen) to the list LIST ("contacts", "constituency",
 * "people") of R's change. Return 0 or -1. */
int import_add_item(struct import_record *r, const char *list, json_t *item, size_t line, const char *src, size_t srcn);
/* Note where PATH came from without setting it (a value that is checked
 * later, e.g. a slug). */
int import_where(struct import_record *r, const char *path, size_t line, const char *src, size_t srcn);

/* Add an issue. K1/V1 and K2/V2 fill the message's placeholders (NULL
 * when not used). Return 0 or -1. */
int import_issue_add(struct import_doc *d, bool rejected, size_t line, size_t record, const char *src, size_t srcn,
                     const char *field, const char *msg_key, const char *k1, const char *v1, const char *k2,
                     const char *v2);

/* At most 60 characters of the N bytes at S, printable (control
 * characters as spaces, bad bytes as U+FFFD), "…" when cut. Allocated. */
char *import_excerpt(const char *s, size_t n);
/* Whether the text holds kana or kanji (then it is Japanese). */
bool import_is_japanese(const char *s, size_t n);
/* S without the blanks around it: *N is updated. */
const char *import_trim(const char *s, size_t *n);
/* Whether the N bytes at S equal the NUL-terminated WORD, ignoring ASCII case. */
bool import_equals(const char *s, size_t n, const char *word);
/* Split "value (hours)" into the value and what is in the last
 * parentheses, when the value before them is not empty; otherwise all of
 * it is the value and *HN is 0. */
void import_split_hours(const char *s, size_t n, size_t *vn, const char **h, size_t *hn);
/* The next item of a ", "-separated list at *S (N bytes left in *N),
 * commas inside parentheses not counting. Returns false at the end. */
bool import_next_item(const char **s, size_t *n, const char **item, size_t *itemn);
/* A contact object {kind, value, hours}; NULL when memory ran out. */
json_t *import_contact(const char *kind, const char *v, size_t vn, const char *h, size_t hn);

int import_parse_rfc2350(struct import_doc *d, const char *data, size_t n);
int import_parse_securitytxt(struct import_doc *d, const char *data, size_t n);
int import_parse_ti(struct import_doc *d, const char *data, size_t n);
int import_parse_csv(struct import_doc *d, const char *data, size_t n);

#endif
