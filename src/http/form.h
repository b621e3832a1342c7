/* Decoding what arrives in a URL or a form: percent-decoding, query strings
 * and application/x-www-form-urlencoded bodies, and Cookie headers. Pure
 * functions over bytes (fuzzed by fuzz/fuzz_form.c); memory comes from a
 * caller-supplied allocator so request code can use the h2o request pool. */
#ifndef SHISA_FORM_H
#define SHISA_FORM_H
#include <stdbool.h>
#include <stddef.h>

#define FORM_MAX_FIELDS 256
/* A posted form may have more: the team edit form has a few fields for
 * each of up to 50 contacts and 50 people (the body size stays bounded). */
#define FORM_MAX_BODY_FIELDS 1024

struct form_field {
	char *name;      /* decoded, NUL-terminated, valid UTF-8 */
	char *value;
	size_t value_len;
};

struct form {
	struct form_field *fields;   /* from the caller's allocator */
	size_t n;
};

/* Allocation from a pool-like owner; returns NULL on failure. */
typedef void *(*form_alloc_fn)(void *owner, size_t n);

enum form_status {
	FORM_OK = 0,
	FORM_BAD_ENCODING,   /* a '%' not followed by two hex digits */
	FORM_BAD_UTF8,       /* decoded bytes are not UTF-8, or contain NUL */
	FORM_TOO_MANY,       /* more fields than the limit (FORM_MAX_FIELDS, FORM_MAX_BODY_FIELDS) */
	FORM_NO_MEMORY,
};

/* Parse "a=1&b=x%20y" (query string without '?', or a urlencoded body);
 * '+' means space. Empty pieces are skipped. */
enum form_status form_parse(const char *s, size_t n, struct form *out, form_alloc_fn alloc, void *owner);
/* The same for a request body, with up to FORM_MAX_BODY_FIELDS fields. */
enum form_status form_parse_body(const char *s, size_t n, struct form *out, form_alloc_fn alloc, void *owner);
/* Parse a Cookie header ("a=1; b=2"); values are not percent-decoded. */
enum form_status form_parse_cookies(const char *s, size_t n, struct form *out, form_alloc_fn alloc, void *owner);

/* The first value of NAME, or NULL. */
const char *form_get(const struct form *f, const char *name);
/* Number of fields called NAME. */
size_t form_count(const struct form *f, const char *name);

/* Percent-decode N bytes of S into OUT (at least N+1 bytes); '+' becomes a
 * space when PLUS_SPACE. Return the decoded length, or -1 on a bad escape. */
long form_url_decode(const char *s, size_t n, char *out, bool plus_space);

#endif
