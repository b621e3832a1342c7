/* Second factor storage and checks; see mfa.h. */
#include <sodium.h>
#include <string.h>
#include "auth/mfa.h"

int mfa_begin(struct db *db, int64_t user_id, unsigned char secret[TOTP_SECRET_LEN])
{
	static const char sql[] =
		"UPDATE users SET mfa_secret = ?, mfa_enabled = 0, mfa_last_step = -1 WHERE id = ?";
	totp_new_secret(secret);
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_blob(st, 1, secret, TOTP_SECRET_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, user_id);
	return db_run(db, st);
}

static int load(struct db *db, int64_t user_id, unsigned char secret[TOTP_SECRET_LEN], bool *enabled,
                int64_t *last_step)
{
	static const char sql[] = "SELECT mfa_secret, mfa_enabled, mfa_last_step FROM users WHERE id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	int rc = sqlite3_step(st), found = 0;
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == TOTP_SECRET_LEN) {
		memcpy(secret, sqlite3_column_blob(st, 0), TOTP_SECRET_LEN);
		*enabled = sqlite3_column_int(st, 1) != 0;
		*last_step = sqlite3_column_int64(st, 2);
		found = 1;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : -1;
}

int mfa_secret(struct db *db, int64_t user_id, unsigned char secret[TOTP_SECRET_LEN], bool *enabled)
{
	int64_t last;
	return load(db, user_id, secret, enabled, &last);
}

static int set_step(struct db *db, int64_t user_id, int64_t step, bool enable)
{
	static const char sql[] =
		"UPDATE users SET mfa_last_step = ?, mfa_enabled = mfa_enabled OR ? WHERE id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, step);
	sqlite3_bind_int(st, 2, enable);
	sqlite3_bind_int64(st, 3, user_id);
	return db_run(db, st);
}

int mfa_confirm(struct db *db, int64_t user_id, const char *code, int64_t now,
                char codes[MFA_RECOVERY_CODES][TOTP_RECOVERY_CODE_LEN + 1])
{
	static const char wipe[] = "DELETE FROM recovery_codes WHERE user_id = ?";
	static const char ins[] = "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)";
	unsigned char secret[TOTP_SECRET_LEN];
	bool enabled;
	int64_t last, step;
	int rc = load(db, user_id, secret, &enabled, &last);
	if (rc != 1)
		return rc < 0 ? -1 : 0;
	rc = totp_verify(secret, sizeof(secret), code, now, 1, last, &step);
	sodium_memzero(secret, sizeof(secret));
	if (rc != 1)
		return rc;
	if (set_step(db, user_id, step, true) < 0)
		return -1;
	sqlite3_stmt *st = db_stmt(db, wipe);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	if (db_run(db, st) < 0)
		return -1;
	for (int i = 0; i < MFA_RECOVERY_CODES; i++) {
		char norm[TOTP_RECOVERY_NORM_LEN + 1];
		unsigned char hash[32];
		totp_recovery_code(codes[i]);
		totp_recovery_normalize(codes[i], norm);
		crypto_hash_sha256(hash, (const unsigned char *)norm, strlen(norm));
		st = db_stmt(db, ins);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, user_id);
		sqlite3_bind_blob(st, 2, hash, sizeof(hash), SQLITE_TRANSIENT);
		if (db_run(db, st) < 0)
			return -1;
	}
	return 1;
}

static int use_recovery_code(struct db *db, int64_t user_id, const char *code, int64_t now)
{
	static const char sql[] =
		"UPDATE recovery_codes SET used_at = ? WHERE id = (SELECT id FROM recovery_codes"
		" WHERE user_id = ? AND code_hash = ? AND used_at IS NULL LIMIT 1) RETURNING id";
	char norm[TOTP_RECOVERY_NORM_LEN + 1];
	unsigned char hash[32];
	if (totp_recovery_normalize(code, norm) < 0)
		return 0;
	crypto_hash_sha256(hash, (const unsigned char *)norm, strlen(norm));
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, user_id);
	sqlite3_bind_blob(st, 3, hash, sizeof(hash), SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int mfa_check(struct db *db, int64_t user_id, const char *code, int64_t now)
{
	unsigned char secret[TOTP_SECRET_LEN];
	bool enabled;
	int64_t last, step;
	int rc = load(db, user_id, secret, &enabled, &last);
	if (rc != 1 || !enabled)
		return rc < 0 ? -1 : 0;
	rc = totp_verify(secret, sizeof(secret), code, now, 1, last, &step);
	sodium_memzero(secret, sizeof(secret));
	if (rc == 1)
		return set_step(db, user_id, step, false) < 0 ? -1 : 1;
	/* Not six digits: perhaps a recovery code. */
	return use_recovery_code(db, user_id, code, now);
}

int mfa_disable(struct db *db, int64_t user_id)
{
	static const char sql[] = "UPDATE users SET mfa_secret = NULL, mfa_enabled = 0, mfa_last_step = 0 WHERE id = ?";
	static const char wipe[] = "DELETE FROM recovery_codes WHERE user_id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	if (db_run(db, st) < 0)
		return -1;
	st = db_stmt(db, wipe);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	return db_run(db, st);
}

int64_t mfa_recovery_left(struct db *db, int64_t user_id)
{
	static const char sql[] = "SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return n;
}
