/* Password reset tokens; see reset.h. */
#include <string.h>
#include "auth/reset.h"

int reset_create(struct db *db, int64_t user_id, int64_t now, char token[SECRET_TOKEN_LEN + 1])
{
	static const char expire[] = "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL";
	static const char sql[] =
		"INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)";
	unsigned char hash[SECRET_HASH_LEN];
	sqlite3_stmt *st = db_stmt(db, expire);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, user_id);
	if (db_run(db, st) < 0)
		return -1;
	secret_token(token);
	secret_hash(token, strlen(token), hash);
	st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_blob(st, 2, hash, sizeof(hash), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, now + RESET_TTL_S);
	return db_run(db, st);
}

static int token_user(struct db *db, const char *sql, const char *token, int64_t now, int64_t *user_id)
{
	unsigned char hash[SECRET_HASH_LEN];
	secret_hash(token, strlen(token), hash);
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_blob(st, 1, hash, sizeof(hash), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*user_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int reset_check(struct db *db, const char *token, int64_t now, int64_t *user_id)
{
	static const char sql[] =
		"SELECT user_id FROM password_resets WHERE token_hash = ?1 AND expires_at > ?2 AND used_at IS NULL";
	return token_user(db, sql, token, now, user_id);
}

int reset_consume(struct db *db, const char *token, int64_t now, int64_t *user_id)
{
	static const char sql[] =
		"UPDATE password_resets SET used_at = ?2 WHERE token_hash = ?1 AND expires_at > ?2 AND used_at IS NULL"
		" RETURNING user_id";
	return token_user(db, sql, token, now, user_id);
}
