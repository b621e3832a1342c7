/* `shisa version`. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "db/migrate.h"

static int version_cmd(int argc, char **argv);

const struct cli_cmd cli_version = {
	"version", "print the version",
	"usage: shisa version\n",
	version_cmd,
};

static int version_cmd(int argc, char **argv)
{
	if (argc > 1)
		return cli_usage(&cli_version, !strcmp(argv[1], "--help"));
	printf("shisa %s (schema %d, SQLite %s)\n", SHISA_VERSION, migrate_latest(), sqlite3_libversion());
	return 0;
}
