/* `shisa membership close-windows`: end, now, every community window
 * whose time is up. The server does the same every minute from its job
 * runner; this is for operators who want it at once (after changing a
 * window's end by hand, say) and for tests. The mail to the secretariat
 * goes into the outbox, which the running server delivers. */
#include <stdio.h>
#include "cli/cli.h"
#include "core/clock.h"
#include "membership/application_flow.h"

static int close_windows_cmd(int argc, char **argv);

const struct cli_cmd cli_membership_close_windows = {
	"close-windows", "send applications whose community window ended to the secretariat",
	"usage: shisa membership close-windows [--base-url URL] [--db PATH] [--config FILE]\n"
	"\n"
	"Moves every application whose community window has ended (window_ends_at\n"
	"in the past) from community_window to secretariat_review, recording the\n"
	"transition in its history and the audit log, and mails the secretariat\n"
	"that it is due for review (shisa serve does this every minute). Safe to run\n"
	"at any time: an application is moved once.\n"
	"\n"
	"Prints one line per application moved (id, organisation, when its window\n"
	"ended), then how many.\n"
	"\n"
	"  --base-url URL   the address users reach, for the link in the mail\n"
	"                   (default: base_url, else http:// and listen, as shisa serve)\n"
	"  --db PATH        database file (default ./var/shisa.db or $SHISA_DB)\n"
	"  --config FILE    configuration file (default ./shisa.conf when present)\n",
	close_windows_cmd,
};

static void print_closed(int64_t id, const char *org_name, int64_t ended_at, void *arg)
{
	char ended[32];
	clock_iso_utc(ended_at, ended, sizeof(ended));
	printf("%lld\t%s\twindow ended %s\n", (long long)id, org_name, ended);
}

static int close_windows_cmd(int argc, char **argv)
{
	struct config cfg;
	const struct cli_more_options more = {.base_url = true};
	int stop = cli_db_options(&cfg, argc, argv, &cli_membership_close_windows, "membership close-windows", 0, 0,
	                          &more);
	if (stop >= 0)
		return stop;
	if (!cfg.base_url[0])
		snprintf(cfg.base_url, sizeof(cfg.base_url), "http://%s", cfg.listen);
	struct db db;
	if (cli_open_db(&db, &cfg, false) < 0)
		return 1;
	int n = application_close_windows(&db, &cfg, clock_now(), "cli", print_closed, NULL);
	if (n < 0)
		fprintf(stderr, "shisa membership close-windows: database error: %s\n", sqlite3_errmsg(db.h));
	else
		printf("%d application%s sent to the secretariat's review\n", n, n == 1 ? "" : "s");
	db_close(&db);
	return n < 0 ? 1 : 0;
}
