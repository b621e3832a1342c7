/* Rotation and retired snapshot keys; see snapshot_key_history.h. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit/audit.h"
#include "core/clock.h"
#include "directory/snapshot_key_history.h"

static const char *const reason_names[] = {[SNAPKEY_SUPERSEDED] = "superseded", [SNAPKEY_COMPROMISED] = "compromised"};

/* The current key's public half and when it was made: 1, 0 none, -1 error. */
static int current_key(struct db *db, unsigned char pk[SNAPKEY_PK_BYTES], int64_t *created)
{
	static const char sql[] = "SELECT public_key, created_at FROM instance_keys WHERE purpose = 'snapshot'";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	int rc = sqlite3_step(st), found = rc == SQLITE_DONE ? 0 : -1;
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == SNAPKEY_PK_BYTES) {
		memcpy(pk, sqlite3_column_blob(st, 0), SNAPKEY_PK_BYTES);
		*created = sqlite3_column_int64(st, 1);
		found = 1;
	}
	sqlite3_reset(st);
	return found;
}

static int audit_rotation(struct db *db, enum snapkey_reason reason, const char *os_user,
                          const unsigned char old_pk[SNAPKEY_PK_BYTES], const unsigned char new_pk[SNAPKEY_PK_BYTES])
{
	char old_text[SNAPKEY_TEXT_LEN + 1], new_text[SNAPKEY_TEXT_LEN + 1];
	snapkey_text(old_pk, old_text);
	snapkey_text(new_pk, new_text);
	json_t *o = json_pack("{s:s,s:s,s:s}", "old_public_key", old_text, "new_public_key", new_text, "reason",
	                      reason_names[reason]);
	if (os_user)
		json_object_set_new(o, "os_user", json_string(os_user));
	char *detail = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	struct audit_entry e = {
		.action = "snapshot.key_rotate", .object_type = "instance_key", .object_id = "snapshot",
		.request_id = "cli", .client_addr = "local", .detail = detail ? detail : "",
	};
	int rc = detail && audit_write(db, &e) >= 0 ? 0 : -1;
	free(detail);
	return rc;
}

int snapkey_rotate(struct db *db, enum snapkey_reason reason, const char *os_user, unsigned char old_pk[SNAPKEY_PK_BYTES],
                   unsigned char new_pk[SNAPKEY_PK_BYTES])
{
	static const char retire_sql[] =
		"INSERT INTO retired_instance_keys (public_key, purpose, algorithm, created_at, retired_at, reason)"
		" VALUES (?, 'snapshot', 'ed25519', ?, ?, ?)";
	static const char replace_sql[] =
		"UPDATE instance_keys SET public_key = ?, secret_key = ?, created_at = ? WHERE purpose = 'snapshot'";
	unsigned char sk[SNAPKEY_SK_BYTES];
	int64_t created, now = clock_now();
	int rc = -1;
	/* The old secret key's bytes are overwritten, not just unlinked. */
	if (db_exec(db, "PRAGMA secure_delete = ON") < 0 || db_begin(db) < 0)
		return -1;
	int found = current_key(db, old_pk, &created);
	if (found <= 0) {
		rc = found;
		goto rollback;
	}
	crypto_sign_keypair(new_pk, sk);
	sqlite3_stmt *st = db_stmt(db, retire_sql);
	if (!st)
		goto rollback;
	sqlite3_bind_blob(st, 1, old_pk, SNAPKEY_PK_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, created);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_text(st, 4, reason_names[reason], -1, SQLITE_STATIC);
	if (db_run(db, st) < 0 || !(st = db_stmt(db, replace_sql)))
		goto rollback;
	sqlite3_bind_blob(st, 1, new_pk, SNAPKEY_PK_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, sk, SNAPKEY_SK_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	int ran = db_run(db, st);
	/* The cached statement must not keep pointing at SK. */
	sqlite3_clear_bindings(st);
	if (ran < 0 || audit_rotation(db, reason, os_user, old_pk, new_pk) < 0 || db_commit(db) < 0)
		goto rollback;
	sodium_memzero(sk, sizeof(sk));
	return 1;
rollback:
	db_rollback(db);
	sodium_memzero(sk, sizeof(sk));
	return rc;
}

int snapkey_history_load(struct db *db, struct snapkey_history *h)
{
	static const char sql[] =
		"SELECT public_key, retired_at, reason FROM retired_instance_keys WHERE purpose = 'snapshot'"
		" ORDER BY retired_at DESC, rowid DESC LIMIT ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, SNAPKEY_RETIRED_MAX);
	h->nretired = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != SNAPKEY_PK_BYTES)
			continue;
		struct snapkey_retired *r = &h->retired[h->nretired++];
		memcpy(r->pk, sqlite3_column_blob(st, 0), SNAPKEY_PK_BYTES);
		r->retired_at = sqlite3_column_int64(st, 1);
		r->reason = strcmp(db_col_text(st, 2), "superseded") ? SNAPKEY_COMPROMISED : SNAPKEY_SUPERSEDED;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

void snapkey_history_text(const struct snapkey_history *h, const unsigned char *skip, struct buf *out)
{
	bool header = false;
	for (size_t i = 0; i < h->nretired; i++) {
		const struct snapkey_retired *r = &h->retired[i];
		if (skip && !memcmp(skip, r->pk, SNAPKEY_PK_BYTES))
			continue;
		if (!header) {
			buf_adds(out, "# Keys that signed the snapshots before: one superseded on a date still checks the"
			              " copies made before it;\n# nothing signed by a compromised one is trusted."
			              " (shisa directory verify --key THIS-FILE reads these lines.)\n");
			header = true;
		}
		char when[32], key[SNAPKEY_TEXT_LEN + 1];
		clock_iso_utc(r->retired_at, when, sizeof(when));
		snapkey_text(r->pk, key);
		buf_printf(out, "%s %s %s\n", reason_names[r->reason], when, key);
	}
}

/* The next line of TEXT at *POS, without its end. */
static bool next_line(const char *text, size_t len, size_t *pos, const char **line, size_t *n)
{
	if (*pos >= len)
		return false;
	const char *s = text + *pos, *nl = memchr(s, '\n', len - *pos);
	size_t full = nl ? (size_t)(nl - s) : len - *pos;
	*pos += full + (nl != NULL);
	while (full && (s[full - 1] == '\r' || s[full - 1] == ' ' || s[full - 1] == '\t'))
		full--;
	*line = s;
	*n = full;
	return true;
}

/* A retired key's line, "REASON WHEN ed25519:KEY", into R: 1 read, 0 not
 * such a line, -1 one that starts like it but is malformed. */
static int parse_retired_line(const char *line, size_t n, struct snapkey_retired *r)
{
	char copy[160], *save = NULL;
	size_t word = 0;
	while (word < n && line[word] != ' ' && line[word] != '\t')
		word++;
	int reason = -1;
	for (int i = 0; i <= SNAPKEY_COMPROMISED; i++)
		if (word == strlen(reason_names[i]) && !memcmp(line, reason_names[i], word))
			reason = i;
	if (reason < 0)
		return 0;
	if (n >= sizeof(copy))
		return -1;
	memcpy(copy, line, n);
	copy[n] = '\0';
	strtok_r(copy, " \t", &save);
	const char *when = strtok_r(NULL, " \t", &save), *key = strtok_r(NULL, " \t", &save);
	if (!when || !key || strtok_r(NULL, " \t", &save) || clock_parse_iso_utc(when, &r->retired_at) < 0 ||
	    strncmp(key, "ed25519:", 8) != 0 || snapkey_parse(key, strlen(key), r->pk) < 0)
		return -1;
	r->reason = (enum snapkey_reason)reason;
	return 1;
}

int snapkey_history_parse(const char *text, size_t len, struct snapkey_history *h)
{
	size_t pos = 0, n;
	const char *line;
	h->nretired = 0;
	if (snapkey_parse(text, len, h->current) < 0)
		return -1;
	while (next_line(text, len, &pos, &line, &n)) {
		struct snapkey_retired r;
		int got = parse_retired_line(line, n, &r);
		if (got < 0 || (got == 1 && h->nretired == SNAPKEY_RETIRED_MAX))
			return -1;
		if (got == 1)
			h->retired[h->nretired++] = r;
	}
	return 0;
}

enum snapkey_trust snapkey_history_verify(const struct snapkey_history *h, const char *path, struct snapshot_header *hd,
                                          enum snapshot_check *check, const struct snapkey_retired **by)
{
	*by = NULL;
	*check = snapshot_verify_file(path, h->current, hd);
	if (*check != SNAPSHOT_OTHER_KEY)
		return SNAPKEY_TRUST_CURRENT;
	for (size_t i = 0; i < h->nretired; i++) {
		char key[SNAPKEY_TEXT_LEN + 1];
		snapkey_text(h->retired[i].pk, key);
		if (strcmp(key, hd->public_key) != 0)
			continue;
		*by = &h->retired[i];
		*check = snapshot_verify_file(path, h->retired[i].pk, hd);
		if ((*by)->reason == SNAPKEY_COMPROMISED)
			return SNAPKEY_TRUST_COMPROMISED;
		int64_t made;
		/* The header counts whole seconds: one made in the second of the
		 * rotation was made before it. */
		if (clock_parse_iso_utc(hd->generated, &made) < 0 || made > (*by)->retired_at)
			return SNAPKEY_TRUST_LATE;
		return SNAPKEY_TRUST_RETIRED;
	}
	return SNAPKEY_TRUST_CURRENT;
}
