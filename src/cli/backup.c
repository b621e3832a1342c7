/* `shisa backup FILE`: a consistent copy of the database, also while shisa
 * serve is writing. The work is in db/backup.c, which the server can reuse
 * from its worker pool; this is the command-line face: options, progress
 * on a terminal, one summary line. */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>
#include "cli/cli.h"
#include "db/backup.h"

static int backup_cmd(int argc, char **argv);

const struct cli_cmd cli_backup = {
	"backup", "copy the database to a file, also while shisa serves",
	"usage: shisa backup FILE [--force] [--db PATH] [--config FILE]\n"
	"\n"
	"Copies the database into FILE without stopping shisa serve: one consistent\n"
	"snapshot, 256 pages at a time, into FILE.tmp, which is checked with\n"
	"PRAGMA integrity_check, synced to disk and renamed to FILE.\n"
	"\n"
	"  --force        replace FILE if it exists\n"
	"  --db PATH      database file (default ./var/shisa.db or $SHISA_DB)\n"
	"  --config FILE  configuration file (default ./shisa.conf when present)\n",
	backup_cmd,
};

static int backup_cmd(int argc, char **argv)
{
	struct config cfg;
	char err[512];
	bool force = false;
	const struct cli_more_options more = {.flags = {{"force", &force}}};
	int stop = cli_db_options(&cfg, argc, argv, &cli_backup, "backup", 1, 1, &more);
	if (stop >= 0)
		return stop;
	const char *file = argv[optind];
	if (!force && access(file, F_OK) == 0) {
		fprintf(stderr, "shisa backup: %s exists (--force replaces it)\n", file);
		return 1;
	}
	struct db db;
	if (db_open(&db, cfg.db_path, false, err, sizeof(err)) < 0) {
		fprintf(stderr, "shisa backup: %s\n", err);
		return 1;
	}
	struct cli_progress progress = {"backup", false};
	struct backup_info info;
	int rc = backup_to_file(&db, file, force, BACKUP_STEP_PAGES, cli_progress, &progress, &info,
	                        err, sizeof(err));
	cli_progress_end(&progress);
	if (rc < 0)
		fprintf(stderr, "shisa backup: %s\n", err);
	else
		printf("backed up %s to %s (%d pages, %.1f MiB, schema %d)\n", cfg.db_path, file, info.pages,
		       (double)info.bytes / (1 << 20), info.schema);
	db_close(&db);
	return rc < 0 ? 1 : 0;
}
