/* One-time setup links; see setup.h. */
#include <string.h>
#include "auth/setup.h"

bool setup_needed(struct db *db)
{
	static const char sql[] = "SELECT count(*) FROM users";
	return db_scalar(db, sql) == 0;
}

int setup_token_create(struct db *db, int64_t now, int ttl_s, char token[SECRET_TOKEN_LEN + 1])
{
	static const char sql[] = "INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES (?, ?, ?)";
	unsigned char hash[SECRET_HASH_LEN];
	secret_token(token);
	secret_hash(token, strlen(token), hash);
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_blob(st, 1, hash, sizeof(hash), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, now + ttl_s);
	return db_run(db, st);
}

static int token_step(struct db *db, const char *sql, const char *token, int64_t now)
{
	unsigned char hash[SECRET_HASH_LEN];
	secret_hash(token, strlen(token), hash);
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_blob(st, 1, hash, sizeof(hash), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	int rc = sqlite3_step(st);
	int found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(st);
	return found;
}

int setup_token_check(struct db *db, const char *token, int64_t now)
{
	static const char sql[] =
		"SELECT id FROM setup_tokens WHERE token_hash = ? AND expires_at > ? AND used_at IS NULL";
	return token_step(db, sql, token, now);
}

int setup_token_consume(struct db *db, const char *token, int64_t now)
{
	static const char sql[] =
		"UPDATE setup_tokens SET used_at = ?2 WHERE token_hash = ?1 AND expires_at > ?2 AND used_at IS NULL"
		" RETURNING id";
	return token_step(db, sql, token, now);
}
