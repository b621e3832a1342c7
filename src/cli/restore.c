/* `shisa restore FILE`: put a backup back. The database must be free
 * (shisa serve stopped): we hold it alone for the whole restore, keep its
 * current content as DB.before-restore-TIME, copy FILE in with the backup
 * API in one transaction, bring the schema up to date and record the
 * restore in the restored audit log. */
#include <getopt.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "audit/audit.h"
#include "cli/cli.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/json_writer.h"
#include "db/backup.h"
#include "db/migrate.h"

/* How long to wait for another process to let go of the database. */
#define RESTORE_LOCK_WAIT_MS 1000

static int restore_cmd(int argc, char **argv);

const struct cli_cmd cli_restore = {
	"restore", "replace the database by a backup (stop shisa serve first)",
	"usage: shisa restore FILE [--force] [--db PATH] [--config FILE]\n"
	"\n"
	"Replaces the database by the backup FILE, after checking that FILE is an\n"
	"intact shisa database no newer than this shisa. The current database is\n"
	"kept as DB.before-restore-YYYYmmddTHHMMSS (UTC), then the schema of the\n"
	"restored one is brought up to date. shisa serve must be stopped.\n"
	"\n"
	"  --force        replace a database that holds organisations or users\n"
	"  --db PATH      database file (default ./var/shisa.db or $SHISA_DB)\n"
	"  --config FILE  configuration file (default ./shisa.conf when present)\n",
	restore_cmd,
};

/* Does DB hold anything a restore would lose? Anything but shisa's
 * tables, or rows in orgs or users, count. */
static bool holds_data(struct db *db)
{
	static const char objects[] = "SELECT count(*) FROM sqlite_master";
	static const char ours[] =
		"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('orgs', 'users')";
	static const char rows[] = "SELECT (SELECT count(*) FROM orgs) + (SELECT count(*) FROM users)";
	if (db_scalar(db, objects) == 0)
		return false;
	return db_scalar(db, ours) != 2 || db_scalar(db, rows) != 0;
}

static void print_info(const char *what, const char *path, const struct backup_info *info)
{
	printf("%s %s (%d pages, %.1f MiB, schema %d)\n", what, path, info->pages,
	       (double)info->bytes / (1 << 20), info->schema);
}

/* The row saying what happened, in the restored database's own log. */
static int audit_restore(struct db *db, const char *file, const struct backup_info *got, const char *kept)
{
	struct buf detail;
	struct jw w;
	buf_init(&detail, 8192);
	jw_init(&w, &detail);
	jw_obj_begin(&w);
	jw_kstr(&w, "file", file);
	jw_kint(&w, "schema", got->schema);
	jw_kint(&w, "pages", got->pages);
	if (kept[0])
		jw_kstr(&w, "kept", kept);
	jw_obj_end(&w);
	struct audit_entry e = {
		.action = "db.restored", .object_type = "database", .request_id = "cli",
		.detail = w.failed ? "" : detail.data,
	};
	int rc = -1;
	if (db_begin(db) == 0) {
		if (audit_write(db, &e) > 0 && db_commit(db) == 0)
			rc = 0;
		else
			db_rollback(db);
	}
	buf_release(&detail);
	return rc;
}

static int restore_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'}, {"config", required_argument, NULL, 'c'},
		{"force", no_argument, NULL, 'f'},    {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const char checkpoint[] = "PRAGMA wal_checkpoint(TRUNCATE)";
	static const char page_count[] = "PRAGMA page_count";
	struct config cfg;
	char err[512], kept[600] = "";
	bool force = false;
	if (cli_config(&cfg, argc, argv) < 0)
		return 1;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'd':
			if (config_set(&cfg, "db", optarg, err, sizeof(err)) < 0) {
				fprintf(stderr, "shisa restore: %s\n", err);
				return 2;
			}
			break;
		case 'c': break;
		case 'f': force = true; break;
		case 'h': return cli_usage(&cli_restore, true);
		default: return cli_usage(&cli_restore, false);
		}
	}
	if (optind != argc - 1)
		return cli_usage(&cli_restore, false);
	const char *file = argv[optind];

	struct db src = {0}, dst = {0};
	struct backup_info got, before;
	int status = 1, applied = 0;
	bool existed = access(cfg.db_path, F_OK) == 0;
	if (backup_open_file(&src, file, &got, err, sizeof(err)) != 0) {
		fprintf(stderr, "shisa restore: %s\n", err);
		return 1;
	}
	if (db_open(&dst, cfg.db_path, true, err, sizeof(err)) < 0) {
		fprintf(stderr, "shisa restore: %s\n", err);
		goto out;
	}
	int held = backup_lock_exclusive(&dst, RESTORE_LOCK_WAIT_MS);
	if (held == 1) {
		fprintf(stderr, "shisa restore: the database is in use: stop shisa serve first\n");
		goto out;
	}
	if (held < 0) {
		fprintf(stderr, "shisa restore: cannot lock %s: %s\n", cfg.db_path, sqlite3_errmsg(dst.h));
		goto out;
	}
	if (!force && holds_data(&dst)) {
		fprintf(stderr, "shisa restore: %s holds organisations or users: --force replaces it "
		        "(its content is kept as %s.before-restore-TIME)\n", cfg.db_path, cfg.db_path);
		goto out;
	}

	if (existed && db_scalar(&dst, page_count) > 0) {
		/* Fold the WAL into the file first, so what is kept and what
		 * stays on disk are the same. */
		char stamp[32];
		time_t now = (time_t)clock_now();
		struct tm tm;
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", gmtime_r(&now, &tm));
		snprintf(kept, sizeof(kept), "%s.before-restore-%s", cfg.db_path, stamp);
		if (db_exec(&dst, checkpoint) < 0) {
			fprintf(stderr, "shisa restore: nothing restored: cannot checkpoint %s: %s\n", cfg.db_path,
			        sqlite3_errmsg(dst.h));
			goto out;
		}
		struct cli_progress progress = {"keep", false};
		int rc = backup_to_file(&dst, kept, false, BACKUP_STEP_PAGES, cli_progress, &progress, &before,
		                        err, sizeof(err));
		cli_progress_end(&progress);
		if (rc < 0) {
			fprintf(stderr, "shisa restore: nothing restored: %s\n", err);
			goto out;
		}
		print_info("kept the current database as", kept, &before);
	}

	struct cli_progress progress = {"restore", false};
	int rc = backup_restore(&dst, &src, BACKUP_STEP_PAGES, cli_progress, &progress, err, sizeof(err));
	cli_progress_end(&progress);
	if (rc < 0) {
		fprintf(stderr, "shisa restore: nothing restored: %s\n", err);
		goto out;
	}
	db_close(&src);
	char what[600];
	snprintf(what, sizeof(what), "restored %s from", cfg.db_path);
	print_info(what, file, &got);
	if (migrate_run(&dst, &applied, err, sizeof(err)) < 0) {
		fprintf(stderr, "shisa restore: restored, but the schema could not be brought up to date: %s\n", err);
		goto out;
	}
	if (applied)
		printf("%s: schema %d -> %d (%d migration%s applied)\n", cfg.db_path, got.schema,
		       migrate_current(&dst), applied, applied == 1 ? "" : "s");
	if (audit_restore(&dst, file, &got, kept) < 0) {
		fprintf(stderr, "shisa restore: restored, but the audit log could not record it: %s\n",
		        sqlite3_errmsg(dst.h));
		goto out;
	}
	status = 0;
out:
	db_close(&src);
	db_close(&dst);
	if (!existed && status != 0) {
		/* Leave no empty database behind where there was none. */
		char side[600];
		unlink(cfg.db_path);
		snprintf(side, sizeof(side), "%s-wal", cfg.db_path);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", cfg.db_path);
		unlink(side);
	}
	return status;
}
