/* Japanese and English for every string a user sees. The catalogue is
 * src/web/messages.tsv (key, English, Japanese), compiled into the binary
 * and checked at load: a key missing either language is an error. */
#ifndef SHISA_I18N_H
#define SHISA_I18N_H
#include <stdbool.h>
#include <stddef.h>
#include "core/buf.h"

enum lang { LANG_EN = 0, LANG_JA = 1, LANG__COUNT };

/* Parse the embedded catalogue. Return 0, or -1 after writing what is wrong
 * (line number and reason) into ERR. Safe to call more than once. */
int i18n_load(char *err, size_t errlen);
/* The text for KEY in LANG; KEY itself if unknown (tests forbid that). */
const char *i18n_get(enum lang lang, const char *key);
/* True when KEY is in the catalogue. */
bool i18n_has(const char *key);
/* Number of keys, and the Nth key (for tests and tooling). */
size_t i18n_count(void);
const char *i18n_key_at(size_t i);

/* Append TEXT to OUT with each "{key}" replaced by its value from VARS
 * (key, value, key, value, ..., NULL). Unknown placeholders stay as they
 * are. For plain text such as mail; pages use templates. Return 0 or -1. */
int i18n_fill(struct buf *out, const char *text, const char *const vars[]);

/* "en" / "ja". */
const char *lang_code(enum lang lang);
/* Parse "en"/"ja" (also "en-US", "ja-JP"); return 0 or -1. */
int lang_parse(const char *s, size_t n, enum lang *out);
/* Best match from an Accept-Language header; FALLBACK when nothing matches. */
enum lang lang_from_accept(const char *hdr, size_t n, enum lang fallback);

#endif
