/* `shisa serve`: bring the schema up to date, then serve HTTP. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "core/log.h"
#include "db/migrate.h"
#include "directory/dir_version.h"
#include "directory/lookup.h"
#include "directory/search_service.h"
#include "directory/pgpkey.h"
#include "directory/snapshot_service.h"
#include "directory/team.h"
#include "http/server.h"
#include "web/render.h"

static int serve_run(int argc, char **argv);

const struct cli_cmd cli_serve = {
	"serve", "serve the web pages and the API",
	"usage: shisa serve [--listen HOST:PORT] [--threads N] [--user NAME] [--db PATH]\n"
	"                   [--config FILE] [--base-url URL] [--set KEY=VALUE]...\n"
	"\n"
	"  --listen HOST:PORT  address to serve on (default 127.0.0.1:8080; port 0 picks one)\n"
	"  --threads N         event loops, each with its own database connection (default: cores)\n"
	"  --user NAME         when started as root, switch to NAME once the socket is open\n"
	"  --db PATH           database file (default ./var/shisa.db or $SHISA_DB)\n"
	"  --config FILE       configuration file (default ./shisa.conf when present)\n"
	"  --base-url URL      the address users reach, for links in mail\n"
	"  --set KEY=VALUE     any configuration setting (see README)\n",
	serve_run,
};

static int serve_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'}, {"threads", required_argument, NULL, 't'},
		{"user", required_argument, NULL, 'u'},   {"db", required_argument, NULL, 'd'},
		{"config", required_argument, NULL, 'c'}, {"base-url", required_argument, NULL, 'b'},
		{"set", required_argument, NULL, 's'},    {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct config cfg;
	char err[512];
	if (cli_config(&cfg, argc, argv) < 0)
		return 1;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		const char *key = NULL;
		char kv[600], *val = optarg;
		switch (o) {
		case 'l': key = "listen"; break;
		case 't': key = "threads"; break;
		case 'u': key = "user"; break;
		case 'd': key = "db"; break;
		case 'b': key = "base_url"; break;
		case 'c': continue;
		case 's':
			snprintf(kv, sizeof(kv), "%s", optarg);
			val = strchr(kv, '=');
			if (!val) {
				fprintf(stderr, "shisa serve: --set wants KEY=VALUE\n");
				return 2;
			}
			*val++ = '\0';
			key = kv;
			break;
		case 'h': return cli_usage(&cli_serve, true);
		default: return cli_usage(&cli_serve, false);
		}
		if (config_set(&cfg, key, val, err, sizeof(err)) < 0) {
			fprintf(stderr, "shisa serve: %s\n", err);
			return 2;
		}
	}
	if (optind < argc)
		return cli_usage(&cli_serve, false);
	log_set_level(!strcmp(cfg.log_level, "debug") ? LOG_DEBUG : !strcmp(cfg.log_level, "warn") ? LOG_WARN
	              : !strcmp(cfg.log_level, "error") ? LOG_ERROR : LOG_INFO);
	if (!cfg.base_url[0])
		snprintf(cfg.base_url, sizeof(cfg.base_url), "http://%s", cfg.listen);
	team_set_confirm_months(cfg.confirm_months);
	if (pgpkey_init(err, sizeof(err)) < 0) {
		fprintf(stderr, "shisa serve: %s\n", err);
		return 1;
	}
	if (web_init(err, sizeof(err)) < 0) {
		fprintf(stderr, "shisa serve: template error: %s\n", err);
		return 1;
	}
	struct db db;
	if (cli_open_db(&db, &cfg, true) < 0) {
		web_free();
		return 1;
	}
	db_close(&db);
	/* First the watch on other processes' changes: it reads the counters
	 * before the services below read the directory, so a change made
	 * while they start is rebuilt once they run. */
	if (dir_version_watch_start(cfg.db_path, DIR_VERSION_POLL_MS, err, sizeof(err)) < 0) {
		fprintf(stderr, "shisa serve: %s\n", err);
		web_free();
		return 1;
	}
	if (lookup_start(cfg.db_path, err, sizeof(err)) < 0) {
		fprintf(stderr, "shisa serve: %s\n", err);
		dir_version_watch_stop();
		web_free();
		return 1;
	}
	if (search_service_start(cfg.db_path, err, sizeof(err)) < 0) {
		fprintf(stderr, "shisa serve: %s\n", err);
		dir_version_watch_stop();
		lookup_stop();
		web_free();
		return 1;
	}
	if (snapshot_service_start(&cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "shisa serve: %s\n", err);
		dir_version_watch_stop();
		search_service_stop();
		lookup_stop();
		web_free();
		return 1;
	}
	int rc = srv_run(&cfg);
	/* The watch first: it calls into the services stopped after it. */
	dir_version_watch_stop();
	snapshot_service_stop();
	search_service_stop();
	lookup_stop();
	web_free();
	return rc;
}
