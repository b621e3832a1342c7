/* `shisa setup-link`: the first thing a new instance prints (make run
 * calls it). While no account exists it makes a one-time setup token and
 * prints the link that lets the person at the console create the first
 * secretariat account; once accounts exist it only says where to sign in. */
#include <getopt.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "audit/audit.h"
#include "auth/setup.h"
#include "cli/cli.h"
#include "core/clock.h"

#define SETUP_LINK_DEFAULT_BASE "http://127.0.0.1:8080"

static int setup_link_cmd(int argc, char **argv);

const struct cli_cmd cli_setup_link = {
	"setup-link", "print the first sign-in link (while no account exists)",
	"usage: shisa setup-link [--base-url URL] [--db PATH] [--config FILE]\n"
	"\n"
	"Creates the database if needed. While it has no user yet, makes a one-time\n"
	"link, valid for 24 hours, to create the first secretariat account, and\n"
	"prints it; once accounts exist, prints where to sign in.\n"
	"\n"
	"  --base-url URL  the address users reach (default " SETUP_LINK_DEFAULT_BASE ")\n"
	"  --db PATH       database file (default ./var/shisa.db or $SHISA_DB)\n"
	"  --config FILE   configuration file (default ./shisa.conf when present)\n",
	setup_link_cmd,
};

static bool is_http_url(const char *s)
{
	return (!strncmp(s, "http://", 7) && s[7]) || (!strncmp(s, "https://", 8) && s[8]);
}

/* Make a token and its audit row in one transaction, if no user exists.
 * Return 1 made, 0 not needed, -1 on an error. */
static int make_token(struct db *db, char token[SECRET_TOKEN_LEN + 1])
{
	char id[24], detail[64], expires[32];
	int64_t now = clock_now();
	if (db_begin(db) < 0)
		return -1;
	/* Asked inside the transaction, so no account can appear meanwhile. */
	if (!setup_needed(db)) {
		db_rollback(db);
		return 0;
	}
	if (setup_token_create(db, now, SETUP_TOKEN_TTL_S, token) < 0)
		goto fail;
	snprintf(id, sizeof(id), "%lld", (long long)sqlite3_last_insert_rowid(db->h));
	clock_iso_utc(now + SETUP_TOKEN_TTL_S, expires, sizeof(expires));
	snprintf(detail, sizeof(detail), "{\"expires_at\":\"%s\"}", expires);
	struct audit_entry e = {
		.action = "setup.link_created", .object_type = "setup_token", .object_id = id,
		.request_id = "cli", .detail = detail,
	};
	if (audit_write(db, &e) < 0 || db_commit(db) < 0)
		goto fail;
	return 1;
fail:
	db_rollback(db);
	return -1;
}

static int setup_link_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'}, {"config", required_argument, NULL, 'c'},
		{"base-url", required_argument, NULL, 'b'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct config cfg;
	char err[512];
	if (cli_config(&cfg, argc, argv) < 0)
		return 1;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		const char *key = NULL;
		switch (o) {
		case 'd': key = "db"; break;
		case 'b':
			if (!is_http_url(optarg)) {
				fprintf(stderr, "shisa setup-link: --base-url wants http://... or https://..., got \"%s\"\n",
				        optarg);
				return 2;
			}
			key = "base_url";
			break;
		case 'c': continue;
		case 'h': return cli_usage(&cli_setup_link, true);
		default: return cli_usage(&cli_setup_link, false);
		}
		if (config_set(&cfg, key, optarg, err, sizeof(err)) < 0) {
			fprintf(stderr, "shisa setup-link: %s\n", err);
			return 2;
		}
	}
	if (optind < argc)
		return cli_usage(&cli_setup_link, false);
	char base[sizeof(cfg.base_url)];
	snprintf(base, sizeof(base), "%s", cfg.base_url[0] ? cfg.base_url : SETUP_LINK_DEFAULT_BASE);
	for (size_t n = strlen(base); n > 0 && base[n - 1] == '/'; n--)
		base[n - 1] = '\0';

	struct db db;
	if (cli_open_db(&db, &cfg, true) < 0)
		return 1;
	char token[SECRET_TOKEN_LEN + 1];
	int made = make_token(&db, token);
	if (made < 0)
		fprintf(stderr, "shisa setup-link: cannot create a setup token: %s\n", sqlite3_errmsg(db.h));
	else if (made == 0)
		printf("Accounts exist: sign in at %s/signin\n", base);
	else
		printf("First sign-in: open this link within %d hours to create the secretariat account:\n"
		       "  %s/setup?token=%s\n"
		       "or run: %s admin create --db %s --email you@example.org --name \"Your Name\"\n",
		       SETUP_TOKEN_TTL_S / 3600, base, token, program_invocation_name, cfg.db_path);
	db_close(&db);
	return made < 0 ? 1 : 0;
}
