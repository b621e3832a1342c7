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
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'}, {"config", required_argument, NULL, 'c'},
		{"force", no_argument, NULL, 'f'},    {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct config cfg;
	char err[512];
	bool force = false;
	if (cli_config(&cfg, argc, argv) < 0)
		return 1;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'd':
			if (config_set(&cfg, "db", optarg, err, sizeof(err)) < 0) {
				fprintf(stderr, "shisa backup: %s\n", err);
				return 2;
			}
			break;
		case 'c': break;
		case 'f': force = true; break;
		case 'h': return cli_usage(&cli_backup, true);
		default: return cli_usage(&cli_backup, false);
		}
	}
	if (optind != argc - 1)
		return cli_usage(&cli_backup, false);
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
