/* API token storage; see apitoken.h (lookup is in session.c). */
#include <stdio.h>
#include <string.h>
#include "auth/apitoken.h"
#include "core/clock.h"

int64_t apitoken_create(struct db *db, int64_t user_id, const char *name, const char *scope, int64_t expires_at,
                        char token[APITOKEN_LEN + 1])
{
	static const char sql[] =
		"INSERT INTO api_tokens (user_id, name, token_hash, scope, created_at, expires_at) VALUES (?,?,?,?,?,?)";
	char raw[SECRET_TOKEN_LEN + 1];
	unsigned char hash[SECRET_HASH_LEN];
	secret_token(raw);
	snprintf(token, APITOKEN_LEN + 1, APITOKEN_PREFIX "%s", raw);
	secret_hash(token, strlen(token), hash);
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, hash, sizeof(hash), SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, scope, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, clock_now());
	if (expires_at)
		sqlite3_bind_int64(st, 6, expires_at);
	if (db_run(db, st) < 0)
		return -1;
	return sqlite3_last_insert_rowid(db->h);
}

int apitoken_list(struct db *db, int64_t user_id, void (*each)(const struct apitoken *t, void *arg), void *arg)
{
	static const char sql[] =
		"SELECT id, name, scope, created_at, coalesce(expires_at, 0), coalesce(last_used_at, 0),"
		" coalesce(revoked_at, 0) FROM api_tokens WHERE user_id = ? ORDER BY id DESC LIMIT 200";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct apitoken t;
		memset(&t, 0, sizeof(t));
		t.id = sqlite3_column_int64(st, 0);
		snprintf(t.name, sizeof(t.name), "%s", db_col_text(st, 1));
		snprintf(t.scope, sizeof(t.scope), "%s", db_col_text(st, 2));
		t.created_at = sqlite3_column_int64(st, 3);
		t.expires_at = sqlite3_column_int64(st, 4);
		t.last_used_at = sqlite3_column_int64(st, 5);
		t.revoked_at = sqlite3_column_int64(st, 6);
		each(&t, arg);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

int apitoken_revoke(struct db *db, int64_t user_id, int64_t id, int64_t now)
{
	static const char sql[] =
		"UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL RETURNING id";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, user_id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}
