/* `shisa stats SUBCOMMAND`: the association's statistics from the command
 * line. Like `shisa directory`, this file only finds the subcommand and
 * hands over; each lives in its own file (src/cli/stats_*.c). */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"

static int stats_cmd(int argc, char **argv);
extern const struct cli_cmd cli_stats_import;

/* The subcommands, each a struct cli_cmd of its own ("stats NAME"). */
static const struct cli_cmd *const stats_subcommands[] = {
	&cli_stats_import,
	NULL,
};

const struct cli_cmd cli_stats = {
	"stats", "load the association's membership history for the statistics",
	NULL,   /* built from the subcommands by stats_cmd */
	stats_cmd,
};

static int usage(FILE *out, int status)
{
	fprintf(out, "usage: shisa stats SUBCOMMAND [options]   (shisa stats SUBCOMMAND --help)\n\n");
	for (size_t i = 0; stats_subcommands[i]; i++)
		fprintf(out, "  %-10s %s\n", stats_subcommands[i]->name, stats_subcommands[i]->summary);
	return status;
}

static int stats_cmd(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr, 2);
	if (!strcmp(argv[1], "--help"))
		return usage(stdout, 0);
	for (size_t i = 0; stats_subcommands[i]; i++)
		if (!strcmp(argv[1], stats_subcommands[i]->name))
			return stats_subcommands[i]->run(argc - 1, argv + 1);
	fprintf(stderr, "shisa stats: unknown subcommand \"%s\"\n\n", argv[1]);
	return usage(stderr, 2);
}
