/* The instance's Ed25519 key that signs the offline directory snapshots
 * (snapshot.h): made on first use, kept in the database (instance_keys,
 * schema/0004_snapshot.sql), so a backup and its restore keep it. The
 * public key is published as text ("ed25519:" and 44 characters of
 * base64) and, in the same key file, as a PEM block that openssl reads.
 * The secret key only ever goes from the database to crypto_sign: no
 * function here writes it anywhere else. */
#ifndef SHISA_SNAPSHOT_KEY_H
#define SHISA_SNAPSHOT_KEY_H
#include <sodium.h>
#include "core/buf.h"
#include "db/db.h"

#define SNAPKEY_PK_BYTES crypto_sign_PUBLICKEYBYTES   /* 32 */
#define SNAPKEY_SK_BYTES crypto_sign_SECRETKEYBYTES   /* 64 */
#define SNAPKEY_TEXT_LEN (8 + 44)                      /* "ed25519:" + base64 */
#define SNAPKEY_FILE_MAX ((size_t)64 << 10)            /* a key file we read */

/* The stored key: 1 found, 0 none yet, -1 error. SK may be NULL when only
 * the public key is wanted; wipe SK with sodium_memzero after use. */
int snapkey_load(struct db *db, unsigned char pk[SNAPKEY_PK_BYTES], unsigned char sk[SNAPKEY_SK_BYTES]);
/* The stored key, made and stored first when there is none, with an audit
 * row naming REQUEST_ID ("cli" or "server") and OS_USER (the account that
 * ran the command; NULL for the server). Two processes racing to make it
 * end up with the same one. Return 0 or -1. */
int snapkey_ensure(struct db *db, const char *request_id, const char *os_user, unsigned char pk[SNAPKEY_PK_BYTES],
                   unsigned char sk[SNAPKEY_SK_BYTES]);

/* PK as "ed25519:" + base64 into OUT (SNAPKEY_TEXT_LEN + 1 bytes). */
void snapkey_text(const unsigned char pk[SNAPKEY_PK_BYTES], char out[SNAPKEY_TEXT_LEN + 1]);
/* The published key file: two comment lines naming INSTANCE and how to
 * verify, the "ed25519:" line, then the key as a PEM SubjectPublicKeyInfo
 * block. Return 0 or -1. */
int snapkey_file_text(const unsigned char pk[SNAPKEY_PK_BYTES], const char *instance, struct buf *out);
/* Read a public key from TEXT (LEN bytes): a key file as above, an
 * "ed25519:..." line, a PEM block or the bare 44 characters of base64.
 * Lines starting with # are skipped. Return 0, or -1 when there is no
 * Ed25519 public key in it. */
int snapkey_parse(const char *text, size_t len, unsigned char pk[SNAPKEY_PK_BYTES]);

#endif
