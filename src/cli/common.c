/* What every subcommand shares: configuration, opening the database,
 * usage text, progress lines. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/cli.h"
#include "core/i18n.h"
#include "db/migrate.h"

int cli_config(struct config *cfg, int argc, char **argv)
{
	char err[512];
	const char *path = getenv("SHISA_CONFIG");
	bool required = path && *path;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc) {
			path = argv[i + 1];
			required = true;
		} else if (!strncmp(argv[i], "--config=", 9)) {
			path = argv[i] + 9;
			required = true;
		}
	}
	config_defaults(cfg);
	if (config_load_file(cfg, required ? path : "shisa.conf", required, err, sizeof(err)) < 0) {
		fprintf(stderr, "shisa: %s\n", err);
		return -1;
	}
	if (i18n_load(err, sizeof(err)) < 0) {
		fprintf(stderr, "shisa: %s\n", err);
		return -1;
	}
	return 0;
}

int cli_make_parent_dir(const char *path)
{
	/* Only the last level: var/ for var/shisa.db, as `make run` expects. */
	char dir[512];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (access(dir, F_OK) == 0)
		return 0;
	if (mkdir(dir, 0750) < 0) {
		fprintf(stderr, "shisa: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

int cli_open_db(struct db *db, const struct config *cfg, bool create)
{
	char err[512];
	if (create && cli_make_parent_dir(cfg->db_path) < 0)
		return -1;
	if (db_open(db, cfg->db_path, create, err, sizeof(err)) < 0) {
		fprintf(stderr, "shisa: %s%s\n", err, create ? "" : " (create it with `shisa migrate`)");
		return -1;
	}
	if (migrate_run(db, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "shisa: %s\n", err);
		db_close(db);
		return -1;
	}
	return 0;
}

int cli_usage(const struct cli_cmd *cmd, bool asked)
{
	fprintf(asked ? stdout : stderr, "%s", cmd->usage);
	return asked ? 0 : 2;
}

const struct cli_cmd *cli_find(const char *name)
{
	for (size_t i = 0; cli_commands[i]; i++)
		if (!strcmp(cli_commands[i]->name, name))
			return cli_commands[i];
	return NULL;
}

bool cli_interactive(void)
{
	return isatty(STDERR_FILENO);
}

void cli_progress(void *arg, int done, int total)
{
	struct cli_progress *p = arg;
	if (!cli_interactive())
		return;
	int pct = total > 0 ? (int)((int64_t)done * 100 / total) : 100;
	fprintf(stderr, "\r%s: %d/%d pages (%d%%)\033[K", p->label, done, total, pct);
	p->open = done < total;
	if (!p->open)
		fputc('\n', stderr);
}

void cli_progress_end(struct cli_progress *p)
{
	if (p->open)
		fputc('\n', stderr);
	p->open = false;
}
