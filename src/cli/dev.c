/* `shisa dev SUBCOMMAND`: tools for development, demos and benchmarks,
 * not for running an association. Like `shisa audit`, this file finds the
 * subcommand and hands over; `seed` fills the directory with synthetic
 * teams (the generator is src/directory/seed.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli/cli.h"
#include "core/clock.h"
#include "directory/changed.h"
#include "directory/seed.h"

static int dev_cmd(int argc, char **argv);
static int dev_seed_cmd(int argc, char **argv);

const struct cli_cmd cli_dev = {
	"dev", "development tools: a synthetic directory for demos and benchmarks",
	"usage: shisa dev seed --teams N [--seed S] [--if-empty] [--db PATH] [--config FILE]\n"
	"\n"
	"  seed           add N synthetic teams to the directory: Japanese and English\n"
	"                 names, host organisations, sectors, regions, CSIRT types,\n"
	"                 dates, contacts, people, RFC 2350 texts for some, and\n"
	"                 overlapping constituencies (about ten IPv4 and IPv6 prefixes,\n"
	"                 a domain or two and often an AS number per team). Domains\n"
	"                 and mail addresses are under reserved example domains\n"
	"                 (example.co.jp, example.com, ...): no mail reaches anyone.\n"
	"                 The same S on the same day gives the same teams. One\n"
	"                 transaction: when a team with the same slug exists, nothing\n"
	"                 is written. A running server on the same database takes the\n"
	"                 new teams in within seconds (search, routing, snapshot).\n"
	"  --teams N      how many teams, 1 to 1000000 (100000 take a few minutes)\n"
	"  --seed S       the random seed, 0 to 18446744073709551615 (default 1)\n"
	"  --if-empty     seed only a directory without teams; otherwise say so and\n"
	"                 exit 0 (`make run DEMO=1` uses it)\n"
	"  --db PATH      database file, created if missing (default ./var/shisa.db or\n"
	"                 $SHISA_DB)\n"
	"  --config FILE  configuration file (default ./shisa.conf when present)\n",
	dev_cmd,
};

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} dev_subcommands[] = {
	{"seed", dev_seed_cmd},
};

static int dev_cmd(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(&cli_dev, false);
	if (!strcmp(argv[1], "--help"))
		return cli_usage(&cli_dev, true);
	for (size_t i = 0; i < sizeof(dev_subcommands) / sizeof(dev_subcommands[0]); i++)
		if (!strcmp(argv[1], dev_subcommands[i].name))
			return dev_subcommands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "shisa dev: unknown subcommand \"%s\"\n\n", argv[1]);
	return cli_usage(&cli_dev, false);
}

/* S as a whole decimal number from MIN to MAX. */
static bool parse_number(const char *s, unsigned long long min, unsigned long long max, unsigned long long *out)
{
	if (!s || *s < '0' || *s > '9')
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* On a terminal, "seed: 1500/100000 teams (1%)" updated in place. */
static void progress_line(void *arg, int done, int total)
{
	bool *open = arg;
	if (!cli_interactive())
		return;
	fprintf(stderr, "\rseed: %d/%d teams (%d%%)\033[K", done, total, (int)((int64_t)done * 100 / total));
	*open = done < total;
	if (!*open)
		fputc('\n', stderr);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int dev_seed_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{"teams", required_argument, NULL, 'n'}, {"seed", required_argument, NULL, 's'},
		{"db", required_argument, NULL, 'd'},    {"config", required_argument, NULL, 'c'},
		{"if-empty", no_argument, NULL, 'e'},    {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct config cfg;
	char err[512];
	const char *teams_arg = NULL;
	unsigned long long teams = 0, seed = 1;
	bool if_empty = false;
	if (cli_config(&cfg, argc, argv) < 0)
		return 1;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'n': teams_arg = optarg; break;
		case 's':
			if (!parse_number(optarg, 0, UINT64_MAX, &seed)) {
				fprintf(stderr, "shisa dev seed: --seed must be a whole number from 0 to %llu, not \"%s\"\n",
				        (unsigned long long)UINT64_MAX, optarg);
				return 2;
			}
			break;
		case 'd':
			if (config_set(&cfg, "db", optarg, err, sizeof(err)) < 0) {
				fprintf(stderr, "shisa dev seed: %s\n", err);
				return 2;
			}
			break;
		case 'c': break;
		case 'e': if_empty = true; break;
		case 'h': return cli_usage(&cli_dev, true);
		default: return cli_usage(&cli_dev, false);
		}
	}
	if (optind != argc || !teams_arg)
		return cli_usage(&cli_dev, false);
	if (!parse_number(teams_arg, 1, SEED_TEAMS_MAX, &teams)) {
		fprintf(stderr, "shisa dev seed: --teams must be a whole number from 1 to %d, not \"%s\"\n", SEED_TEAMS_MAX,
		        teams_arg);
		return 2;
	}

	struct db db;
	if (cli_open_db(&db, &cfg, true) < 0)
		return 1;
	int64_t existing = db_scalar(&db, "SELECT count(*) FROM teams");
	if (if_empty && existing != 0) {
		if (existing > 0)
			printf("%s has %lld teams already: nothing seeded\n", cfg.db_path, (long long)existing);
		else
			fprintf(stderr, "shisa dev seed: cannot read %s: %s\n", cfg.db_path, sqlite3_errmsg(db.h));
		db_close(&db);
		return existing > 0 ? 0 : 1;
	}
	/* One large transaction: keep its pages in memory rather than
	 * spilling them to the log half-way. */
	db_exec(&db, "PRAGMA cache_size = -262144");
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	bool line_open = false;
	struct seed_stats st;
	char taken[TEAM_SLUG_MAX + 1];
	int rc = db_begin(&db);
	if (rc == 0)
		rc = seed_directory(&db, (int)teams, (uint64_t)seed, clock_now(), progress_line, &line_open, &st, taken);
	if (line_open)
		fputc('\n', stderr);
	if (rc == 0) {
		char seed_text[24];
		snprintf(seed_text, sizeof(seed_text), "%llu", seed);
		json_t *detail = json_pack("{s:I,s:s}", "teams", (json_int_t)teams, "seed", seed_text);
		if (cli_audit_write(&db, "directory.seed", "team", 0, detail) < 0 || db_commit(&db) < 0)
			rc = -1;
	}
	if (rc != 0) {
		db_rollback(&db);
		if (rc == 1)
			fprintf(stderr,
			        "shisa dev seed: team \"%s\" exists already in %s; nothing was written (seed a database "
			        "without those teams, or use another --seed)\n",
			        taken, cfg.db_path);
		else
			fprintf(stderr, "shisa dev seed: cannot write the teams to %s: %s\n", cfg.db_path, sqlite3_errmsg(db.h));
		db_close(&db);
		return 1;
	}
	directory_changed(DIR_CHANGED_RULES);
	db_exec(&db, "PRAGMA wal_checkpoint(TRUNCATE)");
	printf("seeded %lld teams (seed %llu) into %s in %.1f s: %lld IPv4 and %lld IPv6 prefixes, %lld domains, "
	       "%lld AS numbers, %lld contacts, %lld people, %lld texts\n",
	       (long long)st.teams, seed, cfg.db_path, seconds_since(&t0), (long long)st.prefixes4,
	       (long long)st.prefixes6, (long long)st.domains, (long long)st.asns, (long long)st.contacts,
	       (long long)st.people, (long long)st.texts);
	db_close(&db);
	return 0;
}
