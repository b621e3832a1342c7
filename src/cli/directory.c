/* `shisa directory SUBCOMMAND`: work on the team directory from the
 * command line. Like `shisa audit`, this file only finds the subcommand
 * and hands over; each lives in its own file (src/cli/directory_*.c). */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"

static int directory_cmd(int argc, char **argv);
extern const struct cli_cmd cli_directory_import;
extern const struct cli_cmd cli_directory_rotate_key;

extern const struct cli_cmd cli_directory_export, cli_directory_snapshot, cli_directory_verify,
	cli_directory_pubkey, cli_directory_remind;

/* The subcommands, each a struct cli_cmd of its own ("directory NAME"). */
static const struct cli_cmd *const directory_subcommands[] = {
	&cli_directory_remind,
	&cli_directory_export,
	&cli_directory_snapshot,
	&cli_directory_verify,
	&cli_directory_pubkey,
	&cli_directory_rotate_key,
	&cli_directory_import,
	NULL,
};

const struct cli_cmd cli_directory = {
	"directory", "import, export and snapshot the team directory",
	NULL,   /* built from the subcommands by directory_cmd */
	directory_cmd,
};

static int usage(FILE *out, int status)
{
	fprintf(out, "usage: shisa directory SUBCOMMAND [options]   (shisa directory SUBCOMMAND --help)\n\n");
	for (size_t i = 0; directory_subcommands[i]; i++)
		fprintf(out, "  %-10s %s\n", directory_subcommands[i]->name, directory_subcommands[i]->summary);
	return status;
}

static int directory_cmd(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr, 2);
	if (!strcmp(argv[1], "--help"))
		return usage(stdout, 0);
	for (size_t i = 0; directory_subcommands[i]; i++)
		if (!strcmp(argv[1], directory_subcommands[i]->name))
			return directory_subcommands[i]->run(argc - 1, argv + 1);
	fprintf(stderr, "shisa directory: unknown subcommand \"%s\"\n\n", argv[1]);
	return usage(stderr, 2);
}
