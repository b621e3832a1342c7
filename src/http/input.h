/* Reading what a client sent, the same way for HTML forms and JSON API
 * bodies: handlers ask for fields by name and get validated values, and
 * every problem is recorded as a field error (ctx_field_error) in the
 * reader's language. A JSON body must be an object of known fields. */
#ifndef SHISA_INPUT_H
#define SHISA_INPUT_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "http/ctx.h"

/* Decode the N bytes of BODY as a request's JSON object: valid UTF-8 with
 * no NUL, JSON with no duplicate keys, an object at the top. Returns the
 * object (new reference), or NULL with *WANT_OBJECT set when the JSON was
 * fine but not an object. Pure: fuzzed by fuzz/fuzz_json_body.c. */
json_t *input_decode_json_object(const char *body, size_t n, bool *want_object);

/* For API routes: check Content-Type, decode the body as a JSON object and
 * refuse fields not in ALLOWED (NULL-terminated; NULL when the caller
 * checks the fields itself). On failure the error has
 * been sent and false is returned. The object lives as long as the request. */
bool input_json(struct ctx *c, const char *const allowed[]);

/* Text field NAME: NULL when absent or empty (an error when REQUIRED),
 * trimmed of surrounding blanks; an error when longer than MAX_CHARS
 * characters or containing control characters (newlines only if MULTILINE). */
const char *input_text(struct ctx *c, const char *name, bool required, size_t max_chars, bool multiline);
/* A secret (password, code): as sent, not trimmed; NULL when absent. */
const char *input_secret(struct ctx *c, const char *name, bool required);
/* A new password from the fields "password" and "password_confirm":
 * NULL, with a field error, when either is missing, the two differ, or the
 * password breaks the rules (for the account EMAIL). */
const char *input_new_password(struct ctx *c, const char *email);
/* A boolean: JSON true/false, or a form checkbox ("on", "1", "true"). */
bool input_bool(struct ctx *c, const char *name, bool dflt);
/* A whole number in [MIN, MAX]; DFLT when absent. */
int64_t input_int(struct ctx *c, const char *name, int64_t dflt, int64_t min, int64_t max);
/* One of the NULL-terminated CHOICES; DFLT when absent (an error when
 * DFLT is NULL and the field is required). */
const char *input_choice(struct ctx *c, const char *name, const char *const choices[], const char *dflt);
/* An email address (lowercased domain not required); NULL + error if malformed. */
const char *input_email(struct ctx *c, const char *name, bool required);

/* True when no field error has been recorded. */
bool input_ok(const struct ctx *c);

/* Cursor pagination: ?limit= (1..200, default 50) and ?cursor= (an
 * opaque id). Records errors like the other readers. */
int input_limit(struct ctx *c);
int64_t input_cursor(struct ctx *c);

/* Query parameters of a GET (filters): text like input_text, trimmed, NULL
 * when absent or empty; and a positive id, 0 when absent. Errors are
 * recorded under NAME like the other readers. */
const char *input_query_text(struct ctx *c, const char *name, size_t max_chars);
int64_t input_query_id(struct ctx *c, const char *name);

/* A safe local redirect target from NAME ("/..." but not "//..."), or DFLT. */
const char *input_next(struct ctx *c, const char *name, const char *dflt);

#endif
