/* SQLite connections and the per-connection statement cache; see db.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "db/db.h"

static size_t slot_hash(const char *sql, size_t nslots)
{
	uintptr_t h = (uintptr_t)sql;
	h ^= h >> 17;
	h *= (uintptr_t)0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 7) & (nslots - 1);
}

/* Open NAME (a path, or a URI with SQLITE_OPEN_URI) and set up the
 * statement cache; PATH is what messages call it. */
static int db_connect(struct db *db, const char *path, const char *name, int flags, char *err, size_t errlen)
{
	memset(db, 0, sizeof(*db));
	int rc = sqlite3_open_v2(name, &db->h, flags, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", path,
		         db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		sqlite3_close(db->h);
		db->h = NULL;
		return -1;
	}
	db->path = strdup(path);
	db->nslots = 256;
	db->slots = calloc(db->nslots, sizeof(*db->slots));
	if (!db->path || !db->slots) {
		snprintf(err, errlen, "cannot open database %s: out of memory", path);
		db_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db->h, DB_BUSY_TIMEOUT_MS);
	return 0;
}

int db_open(struct db *db, const char *path, bool create, char *err, size_t errlen)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	if (db_connect(db, path, path, flags, err, errlen) < 0)
		return -1;
	sqlite3_extended_result_codes(db->h, 1);
	if (db_exec(db, "PRAGMA journal_mode=WAL") < 0 ||
	    db_exec(db, "PRAGMA foreign_keys=ON") < 0 ||
	    db_exec(db, "PRAGMA synchronous=NORMAL") < 0 ||
	    db_exec(db, "PRAGMA temp_store=MEMORY") < 0) {
		snprintf(err, errlen, "cannot configure database %s: %s", path, sqlite3_errmsg(db->h));
		db_close(db);
		return -1;
	}
	return 0;
}

int db_open_immutable(struct db *db, const char *path, char *err, size_t errlen)
{
	/* A URI: file:PATH?immutable=1, with everything but unreserved
	 * characters and '/' percent-encoded. An absolute path gets an empty
	 * authority ("file:///x") so that "//x" is never read as a host. */
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(path);
	char *uri = malloc(3 * n + 32), *o = uri;
	if (!uri) {
		snprintf(err, errlen, "cannot open database %s: out of memory", path);
		return -1;
	}
	o += sprintf(o, path[0] == '/' ? "file://" : "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/-._~", *p)) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	strcpy(o, "?immutable=1");
	int rc = db_connect(db, path, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, err, errlen);
	free(uri);
	return rc;
}

void db_close(struct db *db)
{
	if (!db->h)
		return;
	for (size_t i = 0; i < db->nslots; i++)
		if (db->slots && db->slots[i].stmt)
			sqlite3_finalize(db->slots[i].stmt);
	free(db->slots);
	free(db->path);
	sqlite3_close(db->h);
	memset(db, 0, sizeof(*db));
}

static void cache_grow(struct db *db)
{
	struct db_stmt_slot *old = db->slots;
	size_t oldn = db->nslots;
	db->nslots *= 2;
	db->slots = calloc(db->nslots, sizeof(*db->slots));
	for (size_t i = 0; i < oldn; i++) {
		if (!old[i].sql)
			continue;
		size_t j = slot_hash(old[i].sql, db->nslots);
		while (db->slots[j].sql)
			j = (j + 1) & (db->nslots - 1);
		db->slots[j] = old[i];
	}
	free(old);
}

sqlite3_stmt *db_stmt(struct db *db, const char *sql)
{
	size_t i = slot_hash(sql, db->nslots);
	while (db->slots[i].sql) {
		if (db->slots[i].sql == sql) {
			sqlite3_stmt *st = db->slots[i].stmt;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
		i = (i + 1) & (db->nslots - 1);
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		log_kv(LOG_ERROR, "sql prepare failed", "error", sqlite3_errmsg(db->h), "sql", sql, NULL);
		return NULL;
	}
	db->slots[i].sql = sql;
	db->slots[i].stmt = st;
	if (++db->used * 2 > db->nslots)
		cache_grow(db);
	return st;
}

int db_exec(struct db *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_kv(LOG_ERROR, "sql exec failed", "error", msg ? msg : "?", NULL);
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

bool db_read_begin(struct db *db)
{
	return sqlite3_get_autocommit(db->h) && db_exec(db, "BEGIN") == 0;
}

void db_read_end(struct db *db, bool begun)
{
	if (begun && db_exec(db, "COMMIT") < 0)
		db_exec(db, "ROLLBACK");
}

int db_begin(struct db *db)
{
	if (db->txn_depth++ > 0)
		return 0;
	static const char sql[] = "BEGIN IMMEDIATE";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st || sqlite3_step(st) != SQLITE_DONE) {
		log_kv(LOG_ERROR, "begin failed", "error", sqlite3_errmsg(db->h), NULL);
		db->txn_depth = 0;
		return -1;
	}
	return 0;
}

int db_commit(struct db *db)
{
	if (db->txn_depth <= 0)
		return -1;
	if (--db->txn_depth > 0)
		return 0;
	static const char sql[] = "COMMIT";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st || sqlite3_step(st) != SQLITE_DONE) {
		log_kv(LOG_ERROR, "commit failed", "error", sqlite3_errmsg(db->h), NULL);
		db_exec(db, "ROLLBACK");
		return -1;
	}
	return 0;
}

void db_rollback(struct db *db)
{
	if (db->txn_depth <= 0)
		return;
	db->txn_depth = 0;
	if (!sqlite3_get_autocommit(db->h)) {
		static const char sql[] = "ROLLBACK";
		sqlite3_stmt *st = db_stmt(db, sql);
		if (st)
			sqlite3_step(st);
	}
}

int db_run(struct db *db, sqlite3_stmt *st)
{
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		log_kv(LOG_ERROR, "sql step failed", "error", sqlite3_errmsg(db->h),
		       "sql", sqlite3_sql(st), NULL);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

const char *db_col_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? (const char *)t : "";
}

int64_t db_scalar(struct db *db, const char *sql)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	int64_t v = -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

int db_text_for_id(struct db *db, const char *sql, int64_t id, char *out, size_t n)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(out, n, "%s", db_col_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int64_t db_size_bytes(struct db *db)
{
	static const char pc[] = "PRAGMA page_count";
	static const char ps[] = "PRAGMA page_size";
	int64_t n = db_scalar(db, pc), sz = db_scalar(db, ps);
	return n < 0 || sz < 0 ? -1 : n * sz;
}
