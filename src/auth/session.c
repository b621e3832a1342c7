/* Sessions and API token lookup; see session.h. */
#include <stdio.h>
#include <string.h>
#include "auth/session.h"

int64_t session_create(struct db *db, int64_t user_id, bool mfa_pending, int64_t now, int absolute_s,
                       const char *client_addr, const char *user_agent, char token[SECRET_TOKEN_LEN + 1])
{
	static const char sql[] =
		"INSERT INTO sessions (token_hash, user_id, csrf, mfa_pending, created_at, last_seen_at,"
		" expires_at, client_addr, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, substr(?, 1, 200))";
	char csrf[SECRET_TOKEN_LEN + 1];
	unsigned char hash[SECRET_HASH_LEN];
	secret_token(token);
	secret_token(csrf);
	secret_hash(token, strlen(token), hash);
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_blob(st, 1, hash, sizeof(hash), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, user_id);
	sqlite3_bind_text(st, 3, csrf, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, mfa_pending);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, now);
	sqlite3_bind_int64(st, 7, now + absolute_s);
	sqlite3_bind_text(st, 8, client_addr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, user_agent, -1, SQLITE_TRANSIENT);
	if (db_run(db, st) < 0)
		return -1;
	return sqlite3_last_insert_rowid(db->h);
}

static void fill_user(sqlite3_stmt *st, int col, struct principal *p)
{
	p->user_id = sqlite3_column_int64(st, col);
	p->org_id = sqlite3_column_int64(st, col + 1);
	snprintf(p->role, sizeof(p->role), "%s", db_col_text(st, col + 2));
	snprintf(p->org_kind, sizeof(p->org_kind), "%s", db_col_text(st, col + 3));
	snprintf(p->name, sizeof(p->name), "%s", db_col_text(st, col + 4));
	snprintf(p->lang, sizeof(p->lang), "%s", db_col_text(st, col + 5));
	snprintf(p->tz, sizeof(p->tz), "%s", db_col_text(st, col + 6));
	p->mfa_enabled = sqlite3_column_int(st, col + 7) != 0;
	snprintf(p->org_status, sizeof(p->org_status), "%s", db_col_text(st, col + 8));
}

int session_lookup(struct db *db, const char *token, int64_t now, int idle_s, struct principal *p)
{
	static const char sql[] =
		"SELECT s.id, s.csrf, s.mfa_pending, s.last_seen_at,"
		" u.id, u.org_id, u.role, o.kind, u.name, u.lang, u.tz, u.mfa_enabled, o.status"
		" FROM sessions s JOIN users u ON u.id = s.user_id JOIN orgs o ON o.id = u.org_id"
		" WHERE s.token_hash = ? AND s.expires_at > ? AND s.last_seen_at > ? AND u.disabled = 0";
	static const char touch[] = "UPDATE sessions SET last_seen_at = ? WHERE id = ?";
	unsigned char hash[SECRET_HASH_LEN];
	memset(p, 0, sizeof(*p));
	secret_hash(token, strlen(token), hash);
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_blob(st, 1, hash, sizeof(hash), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, now - idle_s);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	p->session_id = sqlite3_column_int64(st, 0);
	snprintf(p->csrf, sizeof(p->csrf), "%s", db_col_text(st, 1));
	p->mfa_pending = sqlite3_column_int(st, 2) != 0;
	int64_t last_seen = sqlite3_column_int64(st, 3);
	fill_user(st, 4, p);
	sqlite3_reset(st);
	if (strcmp(p->org_status, "active") != 0)
		return SESSION_ORG_INACTIVE;
	if (now - last_seen >= 60) {
		st = db_stmt(db, touch);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int64(st, 2, p->session_id);
		db_run(db, st);
	}
	return 1;
}

int session_mfa_done(struct db *db, int64_t id)
{
	static const char sql[] = "UPDATE sessions SET mfa_pending = 0 WHERE id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return db_run(db, st);
}

int session_delete(struct db *db, int64_t id)
{
	static const char sql[] = "DELETE FROM sessions WHERE id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return db_run(db, st);
}

int session_delete_user(struct db *db, int64_t user_id, int64_t keep_id)
{
	static const char sql[] = "DELETE FROM sessions WHERE user_id = ? AND id != ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, keep_id);
	return db_run(db, st);
}

int apitoken_lookup(struct db *db, const char *token, int64_t now, struct principal *p)
{
	static const char sql[] =
		"SELECT t.id, t.scope, t.last_used_at,"
		" u.id, u.org_id, u.role, o.kind, u.name, u.lang, u.tz, u.mfa_enabled, o.status"
		" FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN orgs o ON o.id = u.org_id"
		" WHERE t.token_hash = ? AND t.revoked_at IS NULL"
		" AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.disabled = 0";
	static const char touch[] = "UPDATE api_tokens SET last_used_at = ? WHERE id = ?";
	unsigned char hash[SECRET_HASH_LEN];
	memset(p, 0, sizeof(*p));
	secret_hash(token, strlen(token), hash);
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_blob(st, 1, hash, sizeof(hash), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	p->token_id = sqlite3_column_int64(st, 0);
	p->token_can_write = strcmp(db_col_text(st, 1), "write") == 0;
	int64_t last_used = sqlite3_column_int64(st, 2);
	fill_user(st, 3, p);
	sqlite3_reset(st);
	if (strcmp(p->org_status, "active") != 0)
		return SESSION_ORG_INACTIVE;
	if (now - last_used >= 60) {
		st = db_stmt(db, touch);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int64(st, 2, p->token_id);
		db_run(db, st);
	}
	return 1;
}
