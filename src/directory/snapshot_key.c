/* The snapshot signing key: storage, text forms, parsing; see snapshot_key.h. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit/audit.h"
#include "core/clock.h"
#include "directory/snapshot_key.h"

/* DER of an Ed25519 SubjectPublicKeyInfo (RFC 8410) before the 32 key bytes. */
static const unsigned char spki_prefix[12] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

int snapkey_load(struct db *db, unsigned char pk[SNAPKEY_PK_BYTES], unsigned char sk[SNAPKEY_SK_BYTES])
{
	static const char sql[] = "SELECT public_key, secret_key FROM instance_keys WHERE purpose = 'snapshot'";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	int rc = sqlite3_step(st), found = 0;
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == SNAPKEY_PK_BYTES &&
	    sqlite3_column_bytes(st, 1) == SNAPKEY_SK_BYTES) {
		memcpy(pk, sqlite3_column_blob(st, 0), SNAPKEY_PK_BYTES);
		if (sk)
			memcpy(sk, sqlite3_column_blob(st, 1), SNAPKEY_SK_BYTES);
		found = 1;
	} else if (rc == SQLITE_ROW || rc != SQLITE_DONE) {
		found = -1;
	}
	sqlite3_reset(st);
	return found;
}

static int store_new_key(struct db *db, const char *request_id, const char *os_user)
{
	static const char sql[] =
		"INSERT OR IGNORE INTO instance_keys (purpose, algorithm, public_key, secret_key, created_at)"
		" VALUES ('snapshot', 'ed25519', ?, ?, ?)";
	unsigned char pk[SNAPKEY_PK_BYTES], sk[SNAPKEY_SK_BYTES];
	crypto_sign_keypair(pk, sk);
	int rc = -1;
	if (db_begin(db) < 0)
		goto out;
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		goto rollback;
	sqlite3_bind_blob(st, 1, pk, sizeof(pk), SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, sk, sizeof(sk), SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, clock_now());
	rc = db_run(db, st);
	/* Unbind at once: the cached statement must not keep pointing at SK. */
	sqlite3_clear_bindings(st);
	if (rc < 0)
		goto rollback;
	if (sqlite3_changes(db->h) == 1) {
		char text[SNAPKEY_TEXT_LEN + 1];
		snapkey_text(pk, text);
		json_t *o = json_pack("{s:s}", "public_key", text);
		if (os_user)
			json_object_set_new(o, "os_user", json_string(os_user));
		char *detail = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		struct audit_entry e = {
			.action = "snapshot.key_create", .object_type = "instance_key", .object_id = "snapshot",
			.request_id = request_id, .client_addr = "local", .detail = detail ? detail : "",
		};
		rc = detail && audit_write(db, &e) >= 0 ? 0 : -1;
		free(detail);
		if (rc < 0)
			goto rollback;
	}
	rc = db_commit(db);
	goto out;
rollback:
	db_rollback(db);
out:
	sodium_memzero(sk, sizeof(sk));
	return rc;
}

int snapkey_ensure(struct db *db, const char *request_id, const char *os_user, unsigned char pk[SNAPKEY_PK_BYTES],
                   unsigned char sk[SNAPKEY_SK_BYTES])
{
	int found = snapkey_load(db, pk, sk);
	if (found != 0)
		return found < 0 ? -1 : 0;
	/* Another process may store one first: INSERT OR IGNORE, then read back. */
	if (store_new_key(db, request_id, os_user) < 0)
		return -1;
	return snapkey_load(db, pk, sk) == 1 ? 0 : -1;
}

void snapkey_text(const unsigned char pk[SNAPKEY_PK_BYTES], char out[SNAPKEY_TEXT_LEN + 1])
{
	memcpy(out, "ed25519:", 8);
	sodium_bin2base64(out + 8, SNAPKEY_TEXT_LEN + 1 - 8, pk, SNAPKEY_PK_BYTES, sodium_base64_VARIANT_ORIGINAL);
}

int snapkey_file_text(const unsigned char pk[SNAPKEY_PK_BYTES], const char *instance, struct buf *out)
{
	char text[SNAPKEY_TEXT_LEN + 1], pem[64];
	unsigned char der[sizeof(spki_prefix) + SNAPKEY_PK_BYTES];
	memcpy(der, spki_prefix, sizeof(spki_prefix));
	memcpy(der + sizeof(spki_prefix), pk, SNAPKEY_PK_BYTES);
	snapkey_text(pk, text);
	sodium_bin2base64(pem, sizeof(pem), der, sizeof(der), sodium_base64_VARIANT_ORIGINAL);
	buf_adds(out, "# The key that signs the offline directory snapshots of ");
	/* The instance name is configuration text: keep it on its comment line. */
	for (const unsigned char *p = (const unsigned char *)instance; *p; p++)
		buf_addc(out, *p < 0x20 || *p == 0x7f ? '?' : (char)*p);
	buf_adds(out, " (Ed25519).\n# Check a snapshot: shisa directory verify FILE --key THIS-FILE"
	              " (or openssl: see docs/snapshot.md).\n");
	buf_printf(out, "%s\n-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n", text, pem);
	return out->data ? 0 : -1;
}

/* Decode N base64 characters at S (line breaks and spaces ignored) into
 * exactly WANT bytes at OUT. Return 0 or -1. */
static int base64_exact(const char *s, size_t n, unsigned char *out, size_t want)
{
	unsigned char tmp[64];
	size_t got = 0;
	const char *end = NULL;
	if (sodium_base642bin(tmp, sizeof(tmp), s, n, " \t\r\n", &got, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != s + n || got != want)
		return -1;
	memcpy(out, tmp, want);
	return 0;
}

/* The next line of TEXT at *POS without its end and surrounding blanks. */
static bool next_line(const char *text, size_t len, size_t *pos, const char **line, size_t *n)
{
	if (*pos >= len)
		return false;
	const char *s = text + *pos, *nl = memchr(s, '\n', len - *pos);
	size_t full = nl ? (size_t)(nl - s) : len - *pos;
	*pos += full + (nl != NULL);
	while (full && (s[full - 1] == '\r' || s[full - 1] == ' ' || s[full - 1] == '\t'))
		full--;
	while (full && (*s == ' ' || *s == '\t'))
		s++, full--;
	*line = s;
	*n = full;
	return true;
}

static bool line_is(const char *line, size_t n, const char *want)
{
	return n == strlen(want) && !memcmp(line, want, n);
}

int snapkey_parse(const char *text, size_t len, unsigned char pk[SNAPKEY_PK_BYTES])
{
	size_t pos = 0, n;
	const char *line;
	if (len > SNAPKEY_FILE_MAX)
		return -1;
	while (next_line(text, len, &pos, &line, &n)) {
		if (n == 0 || line[0] == '#')
			continue;
		if (n > 8 && !memcmp(line, "ed25519:", 8))
			return base64_exact(line + 8, n - 8, pk, SNAPKEY_PK_BYTES);
		if (line_is(line, n, "-----BEGIN PUBLIC KEY-----")) {
			const char *body = text + pos;
			size_t body_start = pos;
			while (next_line(text, len, &pos, &line, &n) && !line_is(line, n, "-----END PUBLIC KEY-----"))
				;
			if (!line_is(line, n, "-----END PUBLIC KEY-----"))
				return -1;
			unsigned char der[sizeof(spki_prefix) + SNAPKEY_PK_BYTES];
			if (base64_exact(body, (size_t)(line - text) - body_start, der, sizeof(der)) < 0 ||
			    memcmp(der, spki_prefix, sizeof(spki_prefix)) != 0)
				return -1;
			memcpy(pk, der + sizeof(spki_prefix), SNAPKEY_PK_BYTES);
			return 0;
		}
		if (base64_exact(line, n, pk, SNAPKEY_PK_BYTES) == 0)
			return 0;
	}
	return -1;
}
