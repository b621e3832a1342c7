/* Organisations, users and instance settings; see accounts.h. */
#include <stdio.h>
#include <string.h>
#include "accounts/accounts.h"
#include "core/clock.h"

bool org_kind_valid(const char *kind)
{
	return kind && (!strcmp(kind, "member") || !strcmp(kind, "observer") || !strcmp(kind, "applicant") ||
	                !strcmp(kind, "secretariat"));
}

bool user_role_valid(const char *role)
{
	return role && (!strcmp(role, "member") || !strcmp(role, "team_admin"));
}

static enum acct_result step_result(struct db *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return sqlite3_changes(db->h) > 0 ? ACCT_OK : ACCT_NOT_FOUND;
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return ACCT_DUPLICATE;
	return ACCT_ERROR;
}

enum acct_result org_create(struct db *db, const char *name, const char *name_ja, const char *kind, int64_t *id)
{
	static const char sql[] = "INSERT INTO orgs (name, name_ja, kind, created_at) VALUES (?, ?, ?, ?)";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return ACCT_ERROR;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name_ja ? name_ja : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, clock_now());
	enum acct_result r = step_result(db, st);
	if (r == ACCT_OK)
		*id = sqlite3_last_insert_rowid(db->h);
	return r;
}

#define ORG_COLS "o.id, o.name, o.name_ja, o.kind, o.created_at, o.status, coalesce(o.status_changed_at, 0)," \
	" coalesce(o.purged_at, 0)"

static void org_row(sqlite3_stmt *st, struct org *o)
{
	memset(o, 0, sizeof(*o));
	o->id = sqlite3_column_int64(st, 0);
	snprintf(o->name, sizeof(o->name), "%s", db_col_text(st, 1));
	snprintf(o->name_ja, sizeof(o->name_ja), "%s", db_col_text(st, 2));
	snprintf(o->kind, sizeof(o->kind), "%s", db_col_text(st, 3));
	o->created_at = sqlite3_column_int64(st, 4);
	snprintf(o->status, sizeof(o->status), "%s", db_col_text(st, 5));
	o->status_changed_at = sqlite3_column_int64(st, 6);
	o->purged_at = sqlite3_column_int64(st, 7);
}

static int org_one(struct db *db, sqlite3_stmt *st, struct org *o)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		org_row(st, o);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int org_get(struct db *db, int64_t id, struct org *o)
{
	static const char sql[] = "SELECT " ORG_COLS " FROM orgs o WHERE o.id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return org_one(db, st, o);
}

int org_find(struct db *db, const char *name, struct org *o)
{
	static const char sql[] = "SELECT " ORG_COLS " FROM orgs o WHERE o.name = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	return org_one(db, st, o);
}

int org_list(struct db *db, const char *status, int64_t after, int limit, void (*each)(const struct org *o, void *arg),
             void *arg)
{
	static const char sql[] =
		"SELECT " ORG_COLS ", (SELECT count(*) FROM users u WHERE u.org_id = o.id)"
		" FROM orgs o WHERE o.id > ?1 AND (?2 IS NULL OR o.status = ?2) ORDER BY o.id LIMIT ?3";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, after);
	if (status)
		sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, limit);
	int n = 0, rc;
	struct org o;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		org_row(st, &o);
		o.users = sqlite3_column_int64(st, 8);
		each(&o, arg);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

int64_t org_user_count(struct db *db, int64_t id)
{
	static const char sql[] = "SELECT count(*) FROM users WHERE org_id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return n;
}

enum acct_result org_set_kind(struct db *db, int64_t id, const char *kind)
{
	static const char sql[] = "UPDATE orgs SET kind = ? WHERE id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return ACCT_ERROR;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	return step_result(db, st);
}

enum acct_result user_create(struct db *db, int64_t org_id, const char *email, const char *name, const char *role,
                             const char *lang, const char *pw_hash, int64_t *id)
{
	static const char sql[] =
		"INSERT INTO users (org_id, email, name, role, lang, password_hash, created_at, password_changed_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	int64_t now = clock_now();
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return ACCT_ERROR;
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_text(st, 2, email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, lang ? lang : "ja", -1, SQLITE_STATIC);
	if (pw_hash) {
		sqlite3_bind_text(st, 6, pw_hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 8, now);
	}
	sqlite3_bind_int64(st, 7, now);
	enum acct_result r = step_result(db, st);
	if (r == ACCT_OK)
		*id = sqlite3_last_insert_rowid(db->h);
	return r;
}

#define USER_COLS "u.id, u.org_id, o.name, o.kind, u.email, u.name, u.role, u.lang, u.tz, u.disabled," \
                  " u.mfa_enabled, u.created_at"

static void user_row(sqlite3_stmt *st, struct user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(st, 0);
	u->org_id = sqlite3_column_int64(st, 1);
	snprintf(u->org_name, sizeof(u->org_name), "%s", db_col_text(st, 2));
	snprintf(u->org_kind, sizeof(u->org_kind), "%s", db_col_text(st, 3));
	snprintf(u->email, sizeof(u->email), "%s", db_col_text(st, 4));
	snprintf(u->name, sizeof(u->name), "%s", db_col_text(st, 5));
	snprintf(u->role, sizeof(u->role), "%s", db_col_text(st, 6));
	snprintf(u->lang, sizeof(u->lang), "%s", db_col_text(st, 7));
	snprintf(u->tz, sizeof(u->tz), "%s", db_col_text(st, 8));
	u->disabled = sqlite3_column_int(st, 9) != 0;
	u->mfa_enabled = sqlite3_column_int(st, 10) != 0;
	u->created_at = sqlite3_column_int64(st, 11);
}

static int user_one(sqlite3_stmt *st, struct user *u)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		user_row(st, u);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int user_get(struct db *db, int64_t id, struct user *u)
{
	static const char sql[] = "SELECT " USER_COLS " FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return user_one(st, u);
}

int user_find_email(struct db *db, const char *email, struct user *u)
{
	static const char sql[] = "SELECT " USER_COLS " FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.email = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	return user_one(st, u);
}

int user_password_hash(struct db *db, int64_t id, char *out, size_t outlen)
{
	static const char sql[] = "SELECT password_hash FROM users WHERE id = ?";
	return db_text_for_id(db, sql, id, out, outlen);
}

int user_list(struct db *db, int64_t org_id, int64_t after, int limit,
              void (*each)(const struct user *u, void *arg), void *arg)
{
	static const char sql[] =
		"SELECT " USER_COLS " FROM users u JOIN orgs o ON o.id = u.org_id"
		" WHERE (?1 = 0 OR u.org_id = ?1) AND u.id > ?2 ORDER BY u.id LIMIT ?3";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int(st, 3, limit);
	int n = 0, rc;
	struct user u;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		user_row(st, &u);
		each(&u, arg);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

enum acct_result user_set_password(struct db *db, int64_t id, const char *pw_hash, int64_t now)
{
	static const char sql[] = "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return ACCT_ERROR;
	sqlite3_bind_text(st, 1, pw_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, id);
	return step_result(db, st);
}

enum acct_result user_set_disabled(struct db *db, int64_t id, bool disabled)
{
	static const char sql[] = "UPDATE users SET disabled = ? WHERE id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return ACCT_ERROR;
	sqlite3_bind_int(st, 1, disabled);
	sqlite3_bind_int64(st, 2, id);
	return step_result(db, st);
}

enum acct_result user_set_prefs(struct db *db, int64_t id, const char *lang, const char *tz, const char *name)
{
	static const char sql[] =
		"UPDATE users SET lang = coalesce(?, lang), tz = coalesce(?, tz), name = coalesce(?, name) WHERE id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return ACCT_ERROR;
	if (lang)
		sqlite3_bind_text(st, 1, lang, -1, SQLITE_STATIC);
	if (tz)
		sqlite3_bind_text(st, 2, tz, -1, SQLITE_STATIC);
	if (name)
		sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, id);
	return step_result(db, st);
}

int64_t user_count(struct db *db)
{
	static const char sql[] = "SELECT count(*) FROM users";
	return db_scalar(db, sql);
}

int setting_get(struct db *db, const char *key, char *out, size_t outlen)
{
	static const char sql[] = "SELECT value FROM settings WHERE key = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(out, outlen, "%s", db_col_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int setting_set(struct db *db, const char *key, const char *value)
{
	static const char sql[] =
		"INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return db_run(db, st);
}

bool setting_require_mfa(struct db *db)
{
	char v[8];
	return setting_get(db, "require_mfa", v, sizeof(v)) == 1 && !strcmp(v, "1");
}
