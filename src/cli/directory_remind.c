/* `shisa directory remind`: run the confirmation reminder scan once, now.
 * The server runs the same scan daily from its job runner; this is for
 * operators who want it at a time of their choosing, for a dry run before
 * switching reminders on, and for tests. The mail goes into the outbox,
 * which the running server delivers. */
#include <stdio.h>
#include "cli/cli.h"
#include "core/clock.h"
#include "directory/remind.h"

static int remind_cmd(int argc, char **argv);

const struct cli_cmd cli_directory_remind = {
	"remind", "queue reminders for records due for confirmation",
	"usage: shisa directory remind [--dry-run] [--base-url URL] [--db PATH] [--config FILE]\n"
	"\n"
	"Runs the confirmation reminder scan once, now (shisa serve runs it daily).\n"
	"Each active team whose record falls due within reminder_lead_days (14) or\n"
	"is overdue (not confirmed for confirm_months, 4) is reminded by mail: its\n"
	"team admins, each in their own language, or, when it has none, its\n"
	"general email contacts that do not bounce, in both languages. Within one\n"
	"due period a team gets at most reminder_max (4) reminders: the first when\n"
	"the record falls due within the lead time, one when it becomes overdue,\n"
	"then one every reminder_repeat_days (14). A reminder is never sent twice,\n"
	"however often the scan runs; confirming the record starts a new period.\n"
	"The mail is queued in the outbox; the running server delivers it.\n"
	"\n"
	"Prints one line per mail: team slug, kind (due or overdue) and number,\n"
	"address (language); then how many teams were reminded.\n"
	"\n"
	"  --dry-run        show what would be queued; write nothing\n"
	"  --base-url URL   the address users reach, for the link in the mail\n"
	"                   (default: base_url, else http:// and listen, as shisa serve)\n"
	"  --db PATH        database file (default ./var/shisa.db or $SHISA_DB)\n"
	"  --config FILE    configuration file (default ./shisa.conf when present)\n",
	remind_cmd,
};

static void print_mail(const struct remind_mail *m, void *arg)
{
	const struct remind_config *rc = arg;
	if (m->to)
		printf("%s\t%s %d/%d\t%s (%s)\n", m->slug, m->kind, m->number, rc->max, m->to, m->lang);
	else
		printf("%s\t%s %d/%d\tno one to remind: no team admin, no general email contact that does not bounce\n",
		       m->slug, m->kind, m->number, rc->max);
}

static int remind_cmd(int argc, char **argv)
{
	struct config cfg;
	bool dry_run = false;
	const struct cli_more_options more = {.flags = {{"dry-run", &dry_run}}, .base_url = true};
	int stop = cli_db_options(&cfg, argc, argv, &cli_directory_remind, "directory remind", 0, 0, &more);
	if (stop >= 0)
		return stop;
	if (!cfg.base_url[0])
		snprintf(cfg.base_url, sizeof(cfg.base_url), "http://%s", cfg.listen);
	struct db db;
	if (cli_open_db(&db, &cfg, false) < 0)
		return 1;
	struct remind_config rc;
	remind_config_from(&rc, &cfg, "cli");
	int n = remind_scan(&db, &rc, clock_now(), dry_run, print_mail, &rc);
	if (n < 0)
		fprintf(stderr, "shisa directory remind: database error: %s\n", sqlite3_errmsg(db.h));
	else
		printf("%d team%s %s\n", n, n == 1 ? "" : "s", dry_run ? "would be reminded (dry run)" : "reminded");
	db_close(&db);
	return n < 0 ? 1 : 0;
}
