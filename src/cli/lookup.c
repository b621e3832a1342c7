/* `shisa lookup QUERY...` and `shisa lookup -`: which teams handle an IP
 * address, AS number or domain, from the database directly (the operator
 * on the machine sees every rule). One line per query:
 *   QUERY<TAB>SLUG<TAB>RULE<TAB>NAME (one line per match, most specific first)
 *   QUERY<TAB>-<TAB>no team found
 * and a bad query on stderr with the reason. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "directory/lookup.h"

static int lookup_cmd(int argc, char **argv);

const struct cli_cmd cli_lookup = {
	"lookup", "which teams handle an IP address, AS number or domain",
	"usage: shisa lookup [--db PATH] [--config FILE] QUERY...\n"
	"       shisa lookup [--db PATH] [--config FILE] -     (one query per line on stdin)\n"
	"\n"
	"QUERY is an IPv4 or IPv6 address or prefix (203.0.113.7, 2001:db8::/32), an\n"
	"AS number (AS64500) or a domain (www.example.jp). For each match, most\n"
	"specific first, prints: QUERY, team slug, matching rule, team name (TAB\n"
	"separated); \"-\" and \"no team found\" when none. Exit status 1 when a\n"
	"query was malformed (reported on stderr), 2 on a usage error.\n",
	lookup_cmd,
};

static void print_matches(struct db *db, const struct rindex *ix, const char *q, int *bad)
{
	static const char name_sql[] = "SELECT slug, name_en, name_ja FROM teams WHERE id = ?";
	struct rindex_query rq;
	int e = rindex_parse_query(q, &rq);
	if (e != RINDEX_OK) {
		fprintf(stderr, "shisa lookup: %s: %s\n", q, rindex_strerror(e));
		*bad = 1;
		return;
	}
	struct rindex_match m[64];
	size_t n = rindex_lookup(ix, &rq, m, 64);
	if (n == 0)
		printf("%s\t-\tno team found\n", q);
	for (size_t i = 0; i < n && i < 64; i++) {
		char why[320];
		rindex_match_format(&m[i], why, sizeof(why));
		sqlite3_stmt *st = db_stmt(db, name_sql);
		sqlite3_bind_int64(st, 1, m[i].team_id);
		if (sqlite3_step(st) == SQLITE_ROW)
			printf("%s\t%s\t%s\t%s%s%s\n", q, db_col_text(st, 0), why, db_col_text(st, 1),
			       *db_col_text(st, 2) ? " / " : "", db_col_text(st, 2));
		sqlite3_reset(st);
	}
}

static int lookup_cmd(int argc, char **argv)
{
	struct config cfg;
	int stop = cli_db_options(&cfg, argc, argv, &cli_lookup, "lookup", 1, -1, NULL);
	if (stop >= 0)
		return stop;
	struct db db;
	if (cli_open_db(&db, &cfg, false) < 0)
		return 1;
	struct rindex *ix = lookup_build(&db, DIR_ALL);
	if (!ix) {
		fprintf(stderr, "shisa lookup: cannot build the router: %s\n", sqlite3_errmsg(db.h));
		db_close(&db);
		return 1;
	}
	int bad = 0;
	if (optind + 1 == argc && !strcmp(argv[optind], "-")) {
		char line[1024];
		while (fgets(line, sizeof(line), stdin)) {
			line[strcspn(line, "\r\n")] = '\0';
			if (*line)
				print_matches(&db, ix, line, &bad);
		}
	} else {
		for (int i = optind; i < argc; i++)
			print_matches(&db, ix, argv[i], &bad);
	}
	rindex_free(ix);
	db_close(&db);
	return bad;
}
