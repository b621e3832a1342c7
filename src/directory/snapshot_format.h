/* The file format of a signed offline snapshot (snapshot.h makes them).
 * There are two kinds, HTML and JSON, and both are one file whose last
 * line is an Ed25519 signature (libsodium crypto_sign_detached) over
 * every byte before that line, so the file stays one file that a browser
 * or a JSON parser opens as it is:
 *
 *   HTML                                     JSON
 *   <!DOCTYPE html>                          {"snapshot":HEADER,
 *   <!-- shisa-directory-snapshot HEADER --> "teams":[
 *   ...the page...                           ...one record per line...
 *   </html>                                  ],
 *   <!-- shisa-signature ed25519:SIG -->     "signature":"ed25519:SIG"}
 *
 * HEADER is one line of JSON naming the format and its version, the
 * instance, the time the snapshot was generated and the signing key; it
 * sits inside the signed bytes, so none of it can be changed either. In
 * the HTML header the characters < > & are written as \u003c \u003e
 * \u0026, so the comment cannot end early. SIG is the 64-byte signature in
 * standard base64 (88 characters). A comment after </html> and a last
 * member "signature" keep both files valid HTML and valid JSON. */
#ifndef SHISA_SNAPSHOT_FORMAT_H
#define SHISA_SNAPSHOT_FORMAT_H
#include <stdint.h>
#include "core/buf.h"
#include "directory/snapshot_key.h"

#define SNAPSHOT_FORMAT "shisa-directory-snapshot"
#define SNAPSHOT_VERSION 1
#define SNAPSHOT_HEADER_MAX 8192   /* bytes of the header line */

enum snapshot_kind { SNAPSHOT_HTML, SNAPSHOT_JSON };

struct snapshot_header {
	enum snapshot_kind kind;
	int version;
	char instance[128];          /* instance_name */
	char url[256];               /* base_url, "" when unknown */
	char generated[32];          /* ISO 8601 UTC */
	int64_t teams;               /* records in the file */
	char level[16];              /* whose view: "members" */
	char public_key[SNAPKEY_TEXT_LEN + 1];
	char generator[48];          /* "shisa 0.1.0" */
	char content_id[65];         /* hex SHA-256 of what the content depends on (not the time) */
};

enum snapshot_check {
	SNAPSHOT_OK,
	SNAPSHOT_NOT_SNAPSHOT,       /* does not begin like either kind */
	SNAPSHOT_BAD_HEADER,         /* the header line is not the header */
	SNAPSHOT_NEWER_FORMAT,       /* a version this shisa does not know */
	SNAPSHOT_NO_SIGNATURE,       /* no signature line at the end */
	SNAPSHOT_TRAILING,           /* bytes after the signature line */
	SNAPSHOT_BAD_SIGNATURE_LINE, /* a signature line whose signature is not 64 bytes of base64 */
	SNAPSHOT_OTHER_KEY,          /* does not verify; the header names another key */
	SNAPSHOT_MISMATCH,           /* does not verify with the key it names: changed after signing */
	SNAPSHOT_UNREADABLE,         /* the file could not be read (errno says why) */
};

/* The first line(s) of a snapshot of H->kind, with H as the header
 * (H->version is ignored: this shisa writes SNAPSHOT_VERSION). */
int snapshot_write_header(const struct snapshot_header *h, struct buf *out);
/* The signature line of KIND over the LEN bytes at MSG (everything the
 * file holds before it), signed with SK. */
int snapshot_write_signature(enum snapshot_kind kind, const unsigned char *msg, size_t len,
                             const unsigned char sk[SNAPKEY_SK_BYTES], struct buf *out);

/* Read the header of the LEN bytes at DATA into H without checking the
 * signature. SNAPSHOT_OK, NOT_SNAPSHOT, BAD_HEADER or NEWER_FORMAT. */
enum snapshot_check snapshot_read_header(const unsigned char *data, size_t len, struct snapshot_header *h);
/* Check the snapshot at DATA against the public key PK; H gets its header
 * (when readable, whatever the answer). */
enum snapshot_check snapshot_verify(const unsigned char *data, size_t len, const unsigned char pk[SNAPKEY_PK_BYTES],
                                    struct snapshot_header *h);
/* snapshot_verify on the file at PATH (read through mmap, whatever its
 * size); SNAPSHOT_UNREADABLE with errno set when it cannot be read. */
enum snapshot_check snapshot_verify_file(const char *path, const unsigned char pk[SNAPKEY_PK_BYTES],
                                         struct snapshot_header *h);
/* What a check answer means, in one English sentence (for the CLI). */
const char *snapshot_check_text(enum snapshot_check c);

#endif
