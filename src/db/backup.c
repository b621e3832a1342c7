/* Online backups and restores through SQLite's backup API; see backup.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/log.h"
#include "core/path.h"
#include "db/backup.h"
#include "db/migrate.h"

/* How long a step waits for a lock it cannot get, in all. */
#define BUSY_SLEEP_MS 20
#define BUSY_RETRIES (DB_BUSY_TIMEOUT_MS / BUSY_SLEEP_MS)

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* PATH and the files SQLite may keep beside it. */
static void remove_db_files(const char *path)
{
	static const char *const sides[] = {"", "-journal", "-wal", "-shm"};
	char p[PATH_MAX + 16];
	for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, sides[i]);
		unlink(p);
	}
}

static int sync_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* Make a rename in PATH's folder durable. */
static int sync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	path_folder(path, dir, sizeof(dir));
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static int copy_pages(sqlite3 *to, sqlite3 *from, int step, backup_progress_fn *progress, void *arg,
                      int *pages, char *err, size_t errlen)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	if (!b) {
		snprintf(err, errlen, "cannot start the copy: %s", sqlite3_errmsg(to));
		return -1;
	}
	int rc, busy = 0;
	for (;;) {
		rc = sqlite3_backup_step(b, step > 0 ? step : BACKUP_STEP_PAGES);
		if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
			if (++busy > BUSY_RETRIES)
				break;
			sqlite3_sleep(BUSY_SLEEP_MS);
			continue;
		}
		if (rc != SQLITE_OK && rc != SQLITE_DONE)
			break;
		busy = 0;
		int total = sqlite3_backup_pagecount(b);
		if (progress)
			progress(arg, total - sqlite3_backup_remaining(b), total);
		if (rc == SQLITE_DONE)
			break;
	}
	*pages = sqlite3_backup_pagecount(b);
	int frc = sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE || frc != SQLITE_OK) {
		snprintf(err, errlen, "copy failed: %s", sqlite3_errstr(rc != SQLITE_DONE ? rc : frc));
		return -1;
	}
	return 0;
}

int backup_to_file(struct db *src, const char *path, bool replace, int step,
                   backup_progress_fn *progress, void *arg, struct backup_info *info,
                   char *err, size_t errlen)
{
	static const char begin[] = "BEGIN";
	static const char pin[] = "SELECT count(*) FROM sqlite_master";
	static const char end[] = "COMMIT";
	/* Run on the copy's own handle, which has no statement cache: a backup
	 * file is one plain file, readable without a -wal beside it. */
	static const char rollback_mode[] = "PRAGMA journal_mode=DELETE";
	struct backup_info got = {0};
	struct db copy = {0};
	sqlite3 *out = NULL;
	bool pinned = false;
	char tmp[PATH_MAX];
	int rc = -1;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	if (!sqlite3_get_autocommit(src->h)) {
		snprintf(err, errlen, "cannot back up %s: a transaction is open on it", src->path);
		return -1;
	}
	if (same_file(path, src->path)) {
		snprintf(err, errlen, "%s is the database itself", path);
		return -1;
	}
	if (!replace && access(path, F_OK) == 0) {
		snprintf(err, errlen, "%s exists", path);
		return -1;
	}
	/* A PATH.tmp can only be left from a backup that was killed. */
	remove_db_files(tmp);
	if (sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot create %s: %s", tmp, out ? sqlite3_errmsg(out) : "out of memory");
		goto fail;
	}
	/* Pin one snapshot for the whole copy. Without it every write by
	 * another connection restarts the copy, which then may never end. */
	if (db_run(src, db_stmt(src, begin)) < 0) {
		snprintf(err, errlen, "cannot read %s: %s", src->path, sqlite3_errmsg(src->h));
		goto fail;
	}
	pinned = true;
	if (db_scalar(src, pin) < 0 || (got.schema = migrate_current(src)) < 0) {
		snprintf(err, errlen, "cannot read %s: %s", src->path, sqlite3_errmsg(src->h));
		goto fail;
	}
	if (copy_pages(out, src->h, step, progress, arg, &got.pages, err, errlen) < 0)
		goto fail;
	db_run(src, db_stmt(src, end));
	pinned = false;
	if (sqlite3_exec(out, rollback_mode, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, sqlite3_errmsg(out));
		goto fail;
	}
	if (sqlite3_close(out) != SQLITE_OK) {
		snprintf(err, errlen, "cannot close %s: %s", tmp, sqlite3_errmsg(out));
		goto fail;
	}
	out = NULL;

	if (db_open_immutable(&copy, tmp, err, errlen) < 0)
		goto fail;
	got.bytes = db_size_bytes(&copy);
	char why[256];
	int bad = backup_integrity(&copy, why, sizeof(why));
	if (bad) {
		snprintf(err, errlen, "the copy failed its check: %s", why);
		goto fail;
	}
	db_close(&copy);

	if (sync_file(tmp) < 0) {
		snprintf(err, errlen, "cannot sync %s: %s", tmp, strerror(errno));
		goto fail;
	}
	/* link() refuses to replace a PATH that appeared meanwhile. */
	if (replace ? rename(tmp, path) < 0 : link(tmp, path) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		goto fail;
	}
	if (!replace)
		unlink(tmp);
	if (sync_dir_of(path) < 0) {
		snprintf(err, errlen, "cannot sync the folder of %s: %s", path, strerror(errno));
		goto fail;
	}
	if (info)
		*info = got;
	rc = 0;
fail:
	if (pinned)
		db_run(src, db_stmt(src, end));
	if (out)
		sqlite3_close(out);
	db_close(&copy);
	if (rc < 0)
		remove_db_files(tmp);
	return rc;
}

int backup_open_file(struct db *file, const char *path, struct backup_info *info,
                     char *err, size_t errlen)
{
	static const char tables[] =
		"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('orgs', 'users', 'audit_log')";
	static const char page_count[] = "PRAGMA page_count";
	static const char magic[16] = "SQLite format 3";
	static const char *const sides[] = {"-wal", "-journal"};
	char head[16], side[PATH_MAX + 16], why[256];
	struct stat sb;
	int rc = -1;

	memset(file, 0, sizeof(*file));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	ssize_t n = read(fd, head, sizeof(head));
	close(fd);
	if (n != (ssize_t)sizeof(head) || memcmp(head, magic, sizeof(magic)) != 0) {
		snprintf(err, errlen, "%s is not an SQLite database", path);
		return 1;
	}
	/* Read immutable, SQLite would ignore what these hold: refuse rather
	 * than restore half a database. */
	for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
		snprintf(side, sizeof(side), "%s%s", path, sides[i]);
		if (stat(side, &sb) == 0 && sb.st_size > 0) {
			snprintf(err, errlen,
			         "%s is beside %s: that database is in use or was not closed cleanly; "
			         "copy it with `shisa backup` and restore the copy",
			         side, path);
			return 1;
		}
	}
	if (db_open_immutable(file, path, err, errlen) < 0)
		return -1;
	int64_t ours = db_scalar(file, tables);
	if (ours < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, sqlite3_errmsg(file->h));
		goto out;
	}
	rc = 1;
	if (ours != 3) {
		snprintf(err, errlen, "%s is not a shisa database (it lacks the orgs, users and audit_log tables)",
		         path);
		goto out;
	}
	int version = migrate_current(file);
	if (version < 1) {
		snprintf(err, errlen, "%s has no schema version: it was not written by shisa", path);
		goto out;
	}
	if (version > migrate_latest()) {
		snprintf(err, errlen,
		         "%s has schema version %d but this shisa knows only up to %d: "
		         "restore it with a newer shisa",
		         path, version, migrate_latest());
		goto out;
	}
	int bad = backup_integrity(file, why, sizeof(why));
	if (bad) {
		snprintf(err, errlen, "%s is damaged: %s", path, why);
		rc = bad;
		goto out;
	}
	if (info) {
		info->pages = (int)db_scalar(file, page_count);
		info->bytes = db_size_bytes(file);
		info->schema = version;
	}
	rc = 0;
out:
	if (rc != 0)
		db_close(file);
	return rc;
}

int backup_restore(struct db *dst, struct db *src, int step,
                   backup_progress_fn *progress, void *arg, char *err, size_t errlen)
{
	static const char page_size[] = "PRAGMA page_size";
	static const char rollback_mode[] = "PRAGMA journal_mode=DELETE";
	static const char wal_mode[] = "PRAGMA journal_mode=WAL";
	int pages;

	if (!sqlite3_get_autocommit(dst->h)) {
		snprintf(err, errlen, "cannot restore into %s: a transaction is open on it", dst->path);
		return -1;
	}
	if (same_file(src->path, dst->path)) {
		snprintf(err, errlen, "%s is the database itself", src->path);
		return -1;
	}
	/* The backup API will not change the page size of a WAL database, and
	 * a database keeps the page size of what is copied into it. */
	bool resize = db_scalar(dst, page_size) != db_scalar(src, page_size);
	if (resize && db_exec(dst, rollback_mode) < 0) {
		snprintf(err, errlen, "cannot prepare %s: %s", dst->path, sqlite3_errmsg(dst->h));
		return -1;
	}
	int rc = copy_pages(dst->h, src->h, step, progress, arg, &pages, err, errlen);
	if (resize && db_exec(dst, wal_mode) < 0 && rc == 0) {
		snprintf(err, errlen, "cannot return %s to WAL mode: %s", dst->path, sqlite3_errmsg(dst->h));
		rc = -1;
	}
	return rc;
}

int backup_lock_exclusive(struct db *db, int wait_ms)
{
	static const char mode[] = "PRAGMA locking_mode=EXCLUSIVE";
	static const char begin[] = "BEGIN EXCLUSIVE";
	static const char commit[] = "COMMIT";
	/* In exclusive locking mode a write transaction takes the file lock
	 * that WAL readers' shared locks keep from us, and keeps it after. */
	if (db_run(db, db_stmt(db, mode)) < 0)
		return -1;
	sqlite3_stmt *st = db_stmt(db, begin);
	if (!st)
		return -1;
	sqlite3_busy_timeout(db->h, wait_ms);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_busy_timeout(db->h, DB_BUSY_TIMEOUT_MS);
	if ((rc & 0xff) == SQLITE_BUSY)
		return 1;
	if (rc != SQLITE_DONE) {
		log_kv(LOG_ERROR, "cannot lock the database", "error", sqlite3_errstr(rc), "db", db->path, NULL);
		return -1;
	}
	return db_run(db, db_stmt(db, commit));
}

int backup_integrity(struct db *db, char *err, size_t errlen)
{
	static const char full[] = "PRAGMA integrity_check(1)";
	static const char quick[] = "PRAGMA quick_check(1)";
	sqlite3_stmt *st = db_stmt(db, db_size_bytes(db) > BACKUP_QUICK_CHECK_BYTES ? quick : full);
	if (!st) {
		snprintf(err, errlen, "cannot check %s: %s", db->path, sqlite3_errmsg(db->h));
		return -1;
	}
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db->h));
		sqlite3_reset(st);
		/* Damage bad enough that the check itself cannot walk the file. */
		return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB ? 1 : -1;
	}
	const char *verdict = db_col_text(st, 0);
	int bad = strcmp(verdict, "ok") != 0;
	if (bad)
		snprintf(err, errlen, "%s", verdict);
	sqlite3_reset(st);
	return bad;
}
