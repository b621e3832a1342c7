/* Backups and restores of the one database file, through SQLite's online
 * backup API so the server can keep writing while a copy is taken.
 *
 * A backup pins one read snapshot of the source for the whole copy (in WAL
 * mode writers carry on; only checkpoints wait), copies it a few hundred
 * pages at a time into PATH.tmp, checks the copy, syncs it and renames it
 * into place: a backup file is either whole and checked or absent.
 * A restore copies a checked backup into the database in one transaction,
 * while holding the database for itself alone.
 *
 * The command line uses these (shisa backup, shisa restore); the server
 * can run backup_to_file on a worker with a connection of its own. */
#ifndef SHISA_BACKUP_H
#define SHISA_BACKUP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "db/db.h"

#define BACKUP_STEP_PAGES 256
/* Above this size the check after a backup is PRAGMA quick_check, which
 * skips index contents, instead of integrity_check. */
#define BACKUP_QUICK_CHECK_BYTES ((int64_t)1 << 30)

/* Called after every step of a copy with the pages done so far and the
 * total; DONE == TOTAL at the end. */
typedef void backup_progress_fn(void *arg, int done, int total);

struct backup_info {
	int pages;       /* pages in the copy */
	int64_t bytes;   /* its size */
	int schema;      /* its schema version (PRAGMA user_version) */
};

/* Copy SRC into a new database file at PATH, STEP pages at a time
 * (0: BACKUP_STEP_PAGES), calling PROGRESS (may be NULL) after each step.
 * SRC must have no transaction open; it is held in one read transaction
 * for the whole copy, so use a connection that nothing else needs
 * meanwhile. PATH is written as PATH.tmp, checked with backup_integrity,
 * synced and renamed; an existing PATH is replaced only when REPLACE.
 * INFO (may be NULL) describes the copy. Return 0, or -1 with a message
 * in ERR (and no PATH.tmp left behind). */
int backup_to_file(struct db *src, const char *path, bool replace, int step,
                   backup_progress_fn *progress, void *arg, struct backup_info *info,
                   char *err, size_t errlen);

/* Open the backup at PATH read-only, touching nothing on disk, and check
 * that this shisa can restore it: an SQLite file, not in use (no -wal or
 * -journal beside it), with shisa's tables, a schema version from 1 to
 * migrate_latest(), and intact (integrity_check). On 0 FILE is open for
 * backup_restore (db_close it); otherwise it is closed. INFO (may be
 * NULL) describes the file. Return 0 fit, 1 refused (why in ERR), -1 on an
 * error (in ERR). */
int backup_open_file(struct db *file, const char *path, struct backup_info *info,
                     char *err, size_t errlen);

/* Replace the whole content of DST by that of SRC (see backup_open_file),
 * STEP pages at a time, in one transaction: a crash in the middle leaves
 * DST as it was. DST must have no transaction open and should be held
 * with backup_lock_exclusive. Its schema is SRC's afterwards: run the
 * migrations. Return 0, or -1 with a message in ERR. */
int backup_restore(struct db *dst, struct db *src, int step,
                   backup_progress_fn *progress, void *arg, char *err, size_t errlen);

/* Make DB the only connection to its file until db_close: other
 * connections can neither read nor write meanwhile. Waits up to WAIT_MS
 * for others to let go. In WAL mode every connection that has read the
 * database keeps a shared lock on it, so an idle server counts as a user.
 * Return 0 held, 1 in use by another connection, -1 on an error (logged). */
int backup_lock_exclusive(struct db *db, int wait_ms);

/* PRAGMA integrity_check (quick_check above BACKUP_QUICK_CHECK_BYTES).
 * Return 0 intact, 1 damaged (the first problem in ERR), -1 on an error
 * (in ERR). */
int backup_integrity(struct db *db, char *err, size_t errlen);

#endif
