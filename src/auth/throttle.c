/* Failure counters with lockout; see throttle.h. */
#include "auth/throttle.h"

int64_t throttle_locked(struct db *db, const char *key, int64_t now)
{
	static const char sql[] = "SELECT locked_until FROM auth_throttle WHERE key = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int64_t until = 0;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		until = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	return until > now ? until - now : 0;
}

int throttle_fail(struct db *db, const char *key, int max, int64_t now)
{
	/* A window that has passed starts again at one failure. */
	static const char sql[] =
		"INSERT INTO auth_throttle (key, failures, window_start, locked_until) VALUES (?1, 1, ?2, 0)"
		" ON CONFLICT(key) DO UPDATE SET"
		"  failures = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE failures + 1 END,"
		"  window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END"
		" RETURNING failures";
	static const char lock[] =
		"UPDATE auth_throttle SET locked_until = ?2 + ?3, failures = 0, window_start = ?2 WHERE key = ?1";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, THROTTLE_WINDOW_S);
	int rc = sqlite3_step(st);
	int failures = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	if (failures < 0)
		return -1;
	if (failures < max)
		return 0;
	st = db_stmt(db, lock);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, THROTTLE_LOCK_S);
	return db_run(db, st) < 0 ? -1 : 1;
}

int throttle_clear(struct db *db, const char *key)
{
	static const char sql[] = "DELETE FROM auth_throttle WHERE key = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return db_run(db, st);
}
