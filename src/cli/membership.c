/* `shisa membership SUBCOMMAND`: the association's membership from the
 * command line. Like `shisa directory`, this file only finds the
 * subcommand and hands over; each lives in its own file
 * (src/cli/membership_*.c). */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"

static int membership_cmd(int argc, char **argv);
extern const struct cli_cmd cli_membership_purge;
extern const struct cli_cmd cli_membership_close_windows;

/* The subcommands, each a struct cli_cmd of its own ("membership NAME"). */
static const struct cli_cmd *const membership_subcommands[] = {
	&cli_membership_purge,
	&cli_membership_close_windows,
	NULL,
};

const struct cli_cmd cli_membership = {
	"membership", "applications and member organisations: close ended windows, erase withdrawn ones' data",
	NULL,   /* built from the subcommands by membership_cmd */
	membership_cmd,
};

static int usage(FILE *out, int status)
{
	fprintf(out, "usage: shisa membership SUBCOMMAND [options]   (shisa membership SUBCOMMAND --help)\n\n");
	for (size_t i = 0; membership_subcommands[i]; i++)
		fprintf(out, "  %-14s %s\n", membership_subcommands[i]->name, membership_subcommands[i]->summary);
	return status;
}

static int membership_cmd(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr, 2);
	if (!strcmp(argv[1], "--help"))
		return usage(stdout, 0);
	for (size_t i = 0; membership_subcommands[i]; i++)
		if (!strcmp(argv[1], membership_subcommands[i]->name))
			return membership_subcommands[i]->run(argc - 1, argv + 1);
	fprintf(stderr, "shisa membership: unknown subcommand \"%s\"\n\n", argv[1]);
	return usage(stderr, 2);
}
