/* `shisa migrate`: create the database or bring its schema up to date. */
#include <stdio.h>
#include "cli/cli.h"
#include "db/migrate.h"

static int migrate_cmd(int argc, char **argv);

const struct cli_cmd cli_migrate = {
	"migrate", "create the database or bring its schema up to date",
	"usage: shisa migrate [--db PATH] [--config FILE]\n"
	"\n"
	"Applies the migrations this shisa knows, in order, each in a transaction.\n"
	"A database written by a newer shisa is refused.\n",
	migrate_cmd,
};

static int migrate_cmd(int argc, char **argv)
{
	struct config cfg;
	char err[512];
	int stop = cli_db_options(&cfg, argc, argv, &cli_migrate, "migrate", 0, 0, NULL);
	if (stop >= 0)
		return stop;
	struct db db;
	if (cli_make_parent_dir(cfg.db_path) < 0)
		return 1;
	if (db_open(&db, cfg.db_path, true, err, sizeof(err)) < 0) {
		fprintf(stderr, "shisa migrate: %s\n", err);
		return 1;
	}
	int applied, before = migrate_current(&db);
	int rc = migrate_run(&db, &applied, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "shisa migrate: %s\n", err);
	else if (applied)
		printf("%s: schema %d -> %d (%d migration%s applied)\n", cfg.db_path, before,
		       migrate_current(&db), applied, applied == 1 ? "" : "s");
	else
		printf("%s: schema %d is up to date\n", cfg.db_path, before);
	db_close(&db);
	return rc < 0 ? 1 : 0;
}
