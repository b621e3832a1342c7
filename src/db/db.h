/* The database: one SQLite connection per thread (WAL, foreign keys, busy
 * timeout), statements prepared once per connection and looked up by their
 * SQL text's address, and write transactions taken up front (BEGIN
 * IMMEDIATE) so two writers never deadlock. SQL is always a constant
 * string in the module that owns it; values are always bound. */
#ifndef SHISA_DB_H
#define SHISA_DB_H
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db_stmt_slot {
	const char *sql;
	sqlite3_stmt *stmt;
};

struct db {
	sqlite3 *h;
	char *path;
	struct db_stmt_slot *slots;   /* open-addressing table keyed by sql pointer */
	size_t nslots, used;
	int txn_depth;
};

#define DB_BUSY_TIMEOUT_MS 5000

/* Open PATH (creating it and its WAL when CREATE), set the pragmas.
 * Return 0, or -1 with a message in ERR. */
int db_open(struct db *db, const char *path, bool create, char *err, size_t errlen);
/* Open PATH read-only without changing anything on disk: no pragmas, no
 * -wal or -shm files, no locks (SQLite's immutable mode). Only for files
 * nobody writes while we read them, such as backups; a -wal file beside
 * PATH is ignored. Return 0, or -1 with a message in ERR. */
int db_open_immutable(struct db *db, const char *path, char *err, size_t errlen);
/* Finalize every cached statement and close. */
void db_close(struct db *db);

/* The prepared statement for the constant string SQL, reset and with its
 * bindings cleared; NULL (and a logged error) if it does not compile.
 * The statement belongs to the cache: do not finalize it. */
sqlite3_stmt *db_stmt(struct db *db, const char *sql);

/* Write transactions. db_begin takes the write lock (BEGIN IMMEDIATE);
 * nested calls only count. Return 0 or -1. */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);

/* A read transaction around several statements, so that they see one
 * snapshot and take the database's locks once instead of once each: begun
 * unless a transaction is open already. db_read_begin returns whether it
 * began one; give that to db_read_end. */
bool db_read_begin(struct db *db);
void db_read_end(struct db *db, bool begun);

/* Run SQL that returns no rows and takes no parameters (pragmas, DDL). */
int db_exec(struct db *db, const char *sql);

/* Step a statement that returns at most one row and no result wanted.
 * Return 0 on SQLITE_DONE/ROW, -1 otherwise (logged). */
int db_run(struct db *db, sqlite3_stmt *st);

/* Text column as a C string ("" for NULL). */
const char *db_col_text(sqlite3_stmt *st, int col);

/* The value of a one-row, one-integer-column query (e.g. COUNT(*)); -1 on error. */
int64_t db_scalar(struct db *db, const char *sql);

/* The text of the one-column query SQL (kept by its address, as db_stmt's)
 * for the id ID (its one parameter) into OUT (N bytes): 1 found, 0 no
 * row, -1 error. */
int db_text_for_id(struct db *db, const char *sql, int64_t id, char *out, size_t n);

/* Size of the database file in bytes (page_count * page_size). */
int64_t db_size_bytes(struct db *db);

#endif
