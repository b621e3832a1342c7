/* `shisa membership purge`: erase, now, the data of organisations that
 * withdrew more than withdrawn_retention_days ago (org_purge.h). The
 * server does the same daily; this is for operators who want it at a
 * time of their choosing, for a dry run that shows what would go, and
 * for tests. */
#include <stdio.h>
#include "accounts/org_purge.h"
#include "cli/cli.h"
#include "core/clock.h"

static int purge_cmd(int argc, char **argv);

const struct cli_cmd cli_membership_purge = {
	"purge", "erase withdrawn organisations' data after the retention period",
	"usage: shisa membership purge [--dry-run] [--db PATH] [--config FILE]\n"
	"\n"
	"Erases, now, what organisations that withdrew (退会) more than\n"
	"withdrawn_retention_days (365) ago left behind (shisa serve does it daily):\n"
	"their team's people, contacts, keys, texts, constituency rules, bounce\n"
	"records, postal address, business hours and website; the organisation's\n"
	"users (with their sessions and API tokens) and its applications' contact\n"
	"details. The team's name, slug, dates, country, region, sector, CSIRT type,\n"
	"organising department, staff counts and structure stay for the\n"
	"association's statistics. Each organisation is erased once, in one\n"
	"transaction with an audit row (org.purge) that counts the rows of each\n"
	"kind, never their values.\n"
	"\n"
	"Prints one line per organisation: its id, name and team, then how many rows\n"
	"of each kind were erased; then how many organisations. On a terminal,\n"
	"progress is shown on standard error.\n"
	"\n"
	"  --dry-run        show what would be erased; write nothing\n"
	"  --db PATH        database file (default ./var/shisa.db or $SHISA_DB)\n"
	"  --config FILE    configuration file (default ./shisa.conf when present)\n"
	"\n"
	"Exit status: 0 done (also when nothing was due), 1 failed, 2 usage error.\n",
	purge_cmd,
};

struct purge_run {
	struct cli_progress progress;
};

static void print_org(const struct org_purge_result *r, void *arg)
{
	struct purge_run *run = arg;
	if (run->progress.open) {
		fputs("\r\033[K", stderr);   /* the line below replaces the progress line */
		run->progress.open = false;
	}
	printf("%lld\t%s\t%s", (long long)r->org_id, r->org_name, r->team_slug[0] ? r->team_slug : "(no team)");
	const char *sep = "\t";
	for (int i = 0; i < ORG_PURGE_KINDS; i++) {
		if (!r->rows[i])
			continue;
		printf("%s%s %lld", sep, org_purge_kind(i), (long long)r->rows[i]);
		sep = ", ";
	}
	printf("%s\n", sep[0] == '\t' ? "\tnothing left to erase" : "");
	fflush(stdout);
	cli_progress_count(&run->progress, "organisations", r->done, r->total);
}

static int purge_cmd(int argc, char **argv)
{
	struct config cfg;
	bool dry_run = false;
	const struct cli_more_options more = {.flags = {{"dry-run", &dry_run}}};
	int stop = cli_db_options(&cfg, argc, argv, &cli_membership_purge, "membership purge", 0, 0, &more);
	if (stop >= 0)
		return stop;
	struct db db;
	if (cli_open_db(&db, &cfg, false) < 0)
		return 1;
	struct purge_run run = {.progress = {.label = "erasing"}};
	int n = org_purge_run(&db, cfg.withdrawn_retention_days, clock_now(), dry_run, "cli", print_org, &run);
	cli_progress_end(&run.progress);
	if (n < 0)
		fprintf(stderr, "shisa membership purge: database error: %s\n", sqlite3_errmsg(db.h));
	else
		printf("%d organisation%s withdrawn more than %d days ago %s\n", n, n == 1 ? "" : "s",
		       cfg.withdrawn_retention_days, dry_run ? "would be erased (dry run)" : "erased");
	db_close(&db);
	return n < 0 ? 1 : 0;
}
