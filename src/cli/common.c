/* What every subcommand shares: configuration, opening the database,
 * usage text, progress lines. */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "audit/audit.h"
#include "cli/cli.h"
#include "core/buf.h"
#include "core/json_writer.h"
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

int cli_db_options(struct config *cfg, int argc, char **argv, const struct cli_cmd *cmd, const char *label,
                   int min_operands, int max_operands, const struct cli_more_options *more)
{
	struct option opts[7] = {
		{"db", required_argument, NULL, 'd'}, {"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
	};
	size_t n = 3;
	for (int i = 0; more && i < 2; i++)
		if (more->flags[i].name)
			opts[n++] = (struct option){more->flags[i].name, no_argument, NULL, '0' + i};
	if (more && more->base_url)
		opts[n++] = (struct option){"base-url", required_argument, NULL, 'b'};
	opts[n] = (struct option){NULL, 0, NULL, 0};
	char err[512];
	if (cli_config(cfg, argc, argv) < 0)
		return 1;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		const char *key = o == 'd' ? "db" : o == 'b' ? "base_url" : NULL;
		if (key && config_set(cfg, key, optarg, err, sizeof(err)) < 0) {
			fprintf(stderr, "shisa %s: %s\n", label, err);
			return 2;
		}
		if (o == '0' || o == '1')
			*more->flags[o - '0'].on = true;
		if (o == 'h')
			return cli_usage(cmd, true);
		if (o == '?')
			return cli_usage(cmd, false);
	}
	int operands = argc - optind;
	if (operands < min_operands || (max_operands >= 0 && operands > max_operands))
		return cli_usage(cmd, false);
	return -1;
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
	cli_progress_of(arg, "pages", done, total);
}

void cli_progress_of(struct cli_progress *p, const char *unit, int done, int total)
{
	if (!cli_interactive())
		return;
	int pct = total > 0 ? (int)((int64_t)done * 100 / total) : 100;
	fprintf(stderr, "\r%s: %d/%d %s (%d%%)\033[K", p->label, done, total, unit, pct);
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

void cli_progress_count(struct cli_progress *p, const char *unit, int64_t done, int64_t total)
{
	int64_t step = total > 100 ? total / 100 : 1;
	if (!cli_interactive() || (done % step != 0 && done != total))
		return;
	int pct = total > 0 ? (int)(done * 100 / total) : 100;
	fprintf(stderr, "\r%s: %lld/%lld %s (%d%%)\033[K", p->label, (long long)done, (long long)total, unit, pct);
	p->open = true;
}

bool cli_text_ok(const char *s, size_t max_chars)
{
	size_t n = s ? strlen(s) : 0, chars = 0;
	if (n == 0 || !utf8_valid(s, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch == 0x7f)
			return false;
		if ((ch & 0xC0) != 0x80)
			chars++;
	}
	return chars <= max_chars;
}

int cli_audit_write(struct db *db, const char *action, const char *object_type, int64_t oid, json_t *detail)
{
	char id[24] = "";
	if (oid)
		snprintf(id, sizeof(id), "%lld", (long long)oid);
	if (!detail)
		detail = json_object();
	/* No signed-in user stands behind a command: name the account that ran it. */
	const struct passwd *pw = getpwuid(geteuid());
	json_object_set_new(detail, "os_user", json_string(pw ? pw->pw_name : "?"));
	char *text = json_dumps(detail, JSON_COMPACT);
	json_decref(detail);
	struct audit_entry e = {
		.action = action, .object_type = object_type, .object_id = id, .request_id = "cli",
		.client_addr = "local", .detail = text ? text : "",
	};
	int64_t rc = audit_write(db, &e);
	free(text);
	return rc < 0 ? -1 : 0;
}

char *cli_read_file(const char *label, const char *file, size_t max, const char *too_big, size_t *n)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "rb") : stdin;
	if (!f) {
		perror(file);
		return NULL;
	}
	struct buf b;
	buf_init(&b, max + 1);
	char chunk[65536];
	size_t got;
	bool over = false;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_add(&b, chunk, got) < 0) {
			over = true;
			break;
		}
	}
	bool failed = ferror(f);
	if (f != stdin)
		fclose(f);
	if (over || failed) {
		fprintf(stderr, "%s: %s: %s\n", label, file, over ? too_big : "cannot be read");
		buf_release(&b);
		return NULL;
	}
	*n = b.len;
	return b.data ? buf_detach(&b, NULL) : strdup("");
}
