/* The snapshot signing keys of an instance over time (snapshot_key.h
 * holds the current one). `shisa directory rotate-key` replaces the key:
 * the new one signs from then on, the old public key is listed as retired
 * (retired_instance_keys, schema/0007_snapshot_key_rotation.sql) and its
 * secret key is deleted. A retired key keeps its worth for copies made
 * before the rotation, unless it was retired because it leaked:
 *  - superseded: a snapshot it signed that says it was made before the
 *    key was retired verifies (with a note); one that says later does not;
 *  - compromised: nothing it signed is trusted, whatever it says.
 * The key file (snapkey_file_text) lists the retired keys after the
 * current one, one line each, so members who keep the latest key file can
 * still check their older copies:
 *
 *   superseded 2026-11-25T10:00:00Z ed25519:BASE64
 *   compromised 2027-02-01T09:30:00Z ed25519:BASE64
 *
 * Older shisa versions and openssl read only the current key of such a
 * file, as before. */
#ifndef SHISA_SNAPSHOT_KEY_HISTORY_H
#define SHISA_SNAPSHOT_KEY_HISTORY_H
#include <stdint.h>
#include "core/buf.h"
#include "db/db.h"
#include "directory/snapshot_format.h"
#include "directory/snapshot_key.h"

#define SNAPKEY_RETIRED_MAX 64   /* retired keys listed or read from a key file */

enum snapkey_reason { SNAPKEY_SUPERSEDED, SNAPKEY_COMPROMISED };

struct snapkey_retired {
	unsigned char pk[SNAPKEY_PK_BYTES];
	int64_t retired_at;
	enum snapkey_reason reason;
};

/* The keys a snapshot may be checked against. */
struct snapkey_history {
	unsigned char current[SNAPKEY_PK_BYTES];
	struct snapkey_retired retired[SNAPKEY_RETIRED_MAX];
	size_t nretired;
};

/* Replace DB's snapshot key with a new one, in one transaction: the old
 * public key listed as retired for REASON, the old secret key overwritten
 * (secure_delete is turned on for DB's connection), an audit row
 * (snapshot.key_rotate, naming both public keys, the reason and OS_USER).
 * OLD_PK and NEW_PK get the keys. Return 1 rotated, 0 when there is no
 * key yet (nothing written), -1 on error. */
int snapkey_rotate(struct db *db, enum snapkey_reason reason, const char *os_user, unsigned char old_pk[SNAPKEY_PK_BYTES],
                   unsigned char new_pk[SNAPKEY_PK_BYTES]);

/* DB's retired keys, newest first (at most SNAPKEY_RETIRED_MAX), into H;
 * H->current is left as it is. Return 0 or -1. */
int snapkey_history_load(struct db *db, struct snapkey_history *h);

/* Append to OUT the lines listing H's retired keys, for the key file after
 * snapkey_file_text, leaving out SKIP (may be NULL): the key the file
 * names as current. Nothing when there is none. */
void snapkey_history_text(const struct snapkey_history *h, const unsigned char *skip, struct buf *out);

/* Read a key file of LEN bytes at TEXT into H: the current key as
 * snapkey_parse reads it, and the retired keys listed. Return 0, or -1
 * when there is no current key or a retired line is malformed. */
int snapkey_history_parse(const char *text, size_t len, struct snapkey_history *h);

/* What a snapshot's signature is worth against a history. */
enum snapkey_trust {
	SNAPKEY_TRUST_CURRENT,    /* checked with the current key (the check says whether it is good) */
	SNAPKEY_TRUST_RETIRED,    /* a superseded key, and the snapshot was made before its retirement */
	SNAPKEY_TRUST_LATE,       /* a superseded key, but the snapshot says it was made after */
	SNAPKEY_TRUST_COMPROMISED,/* a key retired because it leaked */
};

/* Check the snapshot file at PATH against H: with the current key, or
 * with the retired key its header names when H lists it. *CHECK gets
 * snapshot_verify_file's answer, HD the header, *BY the retired key used
 * (NULL for the current one). The trust means something only when *CHECK
 * is SNAPSHOT_OK. */
enum snapkey_trust snapkey_history_verify(const struct snapkey_history *h, const char *path, struct snapshot_header *hd,
                                          enum snapshot_check *check, const struct snapkey_retired **by);

#endif
