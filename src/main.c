/* shisa: the association's platform in one binary. This file only finds
 * the subcommand and hands over; each lives in src/cli/. */
#include <curl/curl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"

extern const struct cli_cmd cli_serve, cli_migrate, cli_setup_link, cli_admin, cli_user, cli_backup, cli_restore,
	cli_audit, cli_directory, cli_lookup, cli_version;
extern const struct cli_cmd cli_mail;
extern const struct cli_cmd cli_dev;
extern const struct cli_cmd cli_membership;
extern const struct cli_cmd cli_stats;

const struct cli_cmd *const cli_commands[] = {
	&cli_serve, &cli_migrate, &cli_setup_link, &cli_admin, &cli_user, &cli_backup, &cli_restore, &cli_audit, &cli_directory,
	&cli_mail,
	&cli_lookup, &cli_version,
	&cli_dev,
	&cli_membership,
	&cli_stats,
	NULL,
};

static void usage(FILE *out)
{
	fprintf(out, "usage: shisa COMMAND [options]   (shisa COMMAND --help for details)\n\ncommands:\n");
	for (size_t i = 0; cli_commands[i]; i++)
		fprintf(out, "  %-14s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version"))
		argv[1] = "version";
	const struct cli_cmd *cmd = cli_find(argv[1]);
	if (!cmd) {
		fprintf(stderr, "shisa: unknown command \"%s\"\n\n", argv[1]);
		usage(stderr);
		return 2;
	}
	/* SQLite counts its memory under one global mutex unless told not to:
	 * every statement of every thread would queue on it. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* Random bytes from libsodium's ChaCha20 generator, keyed from the
	 * kernel once per thread (and again after a fork), rather than a
	 * getrandom() system call for every request id and token. */
	randombytes_set_implementation(&randombytes_internal_implementation);
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(stderr, "shisa: cannot initialise libsodium or libcurl\n");
		return 1;
	}
	int rc = cmd->run(argc - 1, argv + 1);
	curl_global_cleanup();
	return rc;
}
