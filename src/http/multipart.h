/* Reading multipart/form-data bodies (RFC 7578, on RFC 2046's framing):
 * what a browser sends for a form with a file input. Strict, because the
 * bytes come from anyone: the boundary comes from the Content-Type, every
 * part must carry Content-Disposition: form-data with a name, lines end
 * in CRLF, a boundary seen inside a part's data ends the body as
 * malformed, and the number of parts, the size of each and the size of
 * its headers are bounded. Quoted names and file names are read the way
 * browsers write them (the HTML standard): no backslash escapes, a quote
 * arrives as %22. Pure functions over bytes (fuzzed by
 * fuzz/fuzz_multipart.c); memory comes from the caller's allocator, as in
 * form.h, and part data points into the body the caller keeps. */
#ifndef SHISA_MULTIPART_H
#define SHISA_MULTIPART_H
#include <stddef.h>
#include "http/form.h"

#define MULTIPART_BOUNDARY_MAX 70       /* RFC 2046 */
#define MULTIPART_MAX_PARTS 64          /* forms with file inputs are short */
#define MULTIPART_MAX_HEADER 4096       /* bytes of one part's header lines */

struct multipart_part {
	char *name;             /* Content-Disposition's name: NUL-terminated, UTF-8 */
	char *filename;         /* its filename, "" for a file input left empty; NULL: a text field */
	char *content_type;     /* the part's Content-Type, or NULL */
	const char *data;       /* the part's bytes, inside the body */
	size_t len;
};

struct multipart {
	struct multipart_part *parts;   /* from the caller's allocator */
	size_t n;
};

enum multipart_status {
	MULTIPART_OK = 0,
	MULTIPART_NO_BOUNDARY,   /* Content-Type is not multipart/form-data with one valid boundary */
	MULTIPART_NO_START,      /* the body holds no first boundary line */
	MULTIPART_UNTERMINATED,  /* the body ends inside a part, before the closing boundary */
	MULTIPART_BAD_HEADER,    /* a part's header is malformed or lacks Content-Disposition: form-data; name= */
	MULTIPART_BAD_UTF8,      /* a name or file name, or a text field's value, is not UTF-8 or holds NUL */
	MULTIPART_TOO_MANY,      /* more than MULTIPART_MAX_PARTS parts */
	MULTIPART_TOO_LARGE,     /* a part over the caller's limit, or headers over MULTIPART_MAX_HEADER */
	MULTIPART_NO_MEMORY,
};

/* Copy the boundary of the Content-Type CT (N bytes, e.g.
 * "multipart/form-data; boundary=xyz") into OUT, NUL-terminated. Return
 * MULTIPART_OK or MULTIPART_NO_BOUNDARY. */
enum multipart_status multipart_boundary(const char *ct, size_t n, char out[MULTIPART_BOUNDARY_MAX + 1]);

/* Split the N bytes of BODY sent with Content-Type CT into parts, each at
 * most MAX_PART bytes. On anything but MULTIPART_OK, OUT holds no parts. */
enum multipart_status multipart_parse(const char *ct, size_t ct_len, const char *body, size_t n, size_t max_part,
                                      struct multipart *out, form_alloc_fn alloc, void *owner);

/* Sort the parts of M as a form handler reads them: text fields (parts
 * without a file name, their values NUL-terminated copies, which must be
 * UTF-8 without NUL) into FIELDS, and file parts into FILES. */
enum multipart_status multipart_split(const struct multipart *m, struct form *fields, struct multipart *files,
                                      form_alloc_fn alloc, void *owner);

/* The first part called NAME, or NULL. */
const struct multipart_part *multipart_get(const struct multipart *m, const char *name);

#endif
