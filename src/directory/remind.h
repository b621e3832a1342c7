/* Reminding teams to confirm their directory record. Each team confirms
 * its record every confirm_months; a scan (daily in the server's job
 * runner, or once with `shisa directory remind`) finds the records that
 * fall due within reminder_lead_days or are overdue, and queues mail
 * through the outbox to the team's admins (users with the team admin
 * role in the team's organisation, each in their own language and time
 * zone), or, when the team has none, to its general email contacts that
 * do not bounce (in both languages, the instance's default first).
 *
 * A due period is the time between two confirmations, named by the
 * last_verified value it starts from. Within one period a team gets at
 * most reminder_max reminders: the first when the record falls due within
 * the lead time (or at once when already overdue), one when it becomes
 * overdue, then one every reminder_repeat_days. Each reminder is a row of
 * team_reminders written in the same transaction as its mail, keyed by
 * (team, period, number), and the scan decides again inside that
 * transaction: scans may run at any time, as often as anyone likes, in
 * several processes, and never send the same reminder twice. A
 * confirmation starts a new period. */
#ifndef SHISA_DIRECTORY_REMIND_H
#define SHISA_DIRECTORY_REMIND_H
#include <stdbool.h>
#include <stdint.h>
#include "core/config.h"
#include "db/db.h"

struct remind_config {
	int confirm_months;
	int lead_days;
	int repeat_days;
	int max;                    /* 0: no reminders */
	const char *base_url;       /* links: BASE_URL/directory/SLUG */
	const char *instance_name;
	const char *default_lang;   /* "ja"/"en": the first language of mail to a contact */
	const char *origin;         /* request id of the audit rows: "cli" or "job" */
};

/* Fill RC from CFG (which must outlive RC), for a scan started from ORIGIN. */
void remind_config_from(struct remind_config *rc, const struct config *cfg, const char *origin);

/* One mail of a scan, as it is queued (or would be, in a dry run). */
struct remind_mail {
	const char *slug;
	const char *kind;           /* "due" or "overdue" */
	int number;                 /* 1.. within the period */
	const char *to;             /* NULL: the team has no one to remind */
	const char *lang;           /* "ja", "en", or "ja+en" / "en+ja" for a contact */
};

/* Run one scan at NOW over the active teams. Unless DRY_RUN, queue the
 * mail, record each reminder and audit it (one transaction per team);
 * with DRY_RUN write nothing. EACH (may be NULL) is told of every mail,
 * and once with to == NULL for a team that is due a reminder but has no
 * recipient (nothing is recorded for it, so it is reminded once someone
 * can be). Return the number of reminders recorded (or, in a dry run,
 * that would be), or -1 on a database error. */
int remind_scan(struct db *db, const struct remind_config *rc, int64_t now, bool dry_run,
                void (*each)(const struct remind_mail *m, void *arg), void *arg);

#endif
