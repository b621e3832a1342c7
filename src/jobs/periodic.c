/* Periodic tasks of the job runner; see periodic.h. */
#include <stdio.h>
#include "accounts/org_purge.h"
#include "core/log.h"
#include "directory/remind.h"
#include "jobs/periodic.h"
#include "membership/application_flow.h"

#define LEASE_S 3600

struct periodic_task {
	const char *name;
	int64_t every_s;
	int (*run)(struct db *db, const struct config *cfg, int64_t now);
};

static int remind_task(struct db *db, const struct config *cfg, int64_t now)
{
	struct remind_config rc;
	remind_config_from(&rc, cfg, "job");
	int n = remind_scan(db, &rc, now, false, NULL, NULL);
	if (n > 0) {
		char count[16];
		snprintf(count, sizeof(count), "%d", n);
		log_kv(LOG_INFO, "confirmation reminders queued", "teams", count, NULL);
	}
	return n < 0 ? -1 : 0;
}

/* Applications whose community window has ended go to the secretariat. */
static int close_windows_task(struct db *db, const struct config *cfg, int64_t now)
{
	int n = application_close_windows(db, cfg, now, "job", NULL, NULL);
	if (n > 0) {
		char count[16];
		snprintf(count, sizeof(count), "%d", n);
		log_kv(LOG_INFO, "community windows closed", "applications", count, NULL);
	}
	return n < 0 ? -1 : 0;
}

static const struct periodic_task tasks[] = {
	{"membership.close_windows", 60, close_windows_task},
	{"directory.remind", 86400, remind_task},
	{"membership.purge", 86400, org_purge_task},
};

/* Take TASK when it is due: 1 taken, 0 not due (or another runner took
 * it), -1 on error. */
static int claim(struct db *db, const struct periodic_task *task, int64_t now)
{
	static const char next_sql[] = "SELECT next_at FROM periodic_tasks WHERE name = ?";
	static const char claim_sql[] =
		"INSERT INTO periodic_tasks (name, next_at) VALUES (?1, ?2)"
		" ON CONFLICT (name) DO UPDATE SET next_at = ?2 WHERE next_at <= ?3";
	sqlite3_stmt *st = db_stmt(db, next_sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, task->name, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	bool due = step == SQLITE_DONE || (step == SQLITE_ROW && sqlite3_column_int64(st, 0) <= now);
	sqlite3_reset(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return -1;
	if (!due)
		return 0;
	/* Looked at without a lock: the claim itself decides. */
	if (!(st = db_stmt(db, claim_sql)))
		return -1;
	sqlite3_bind_text(st, 1, task->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now + LEASE_S);
	sqlite3_bind_int64(st, 3, now);
	if (db_run(db, st) < 0)
		return -1;
	return sqlite3_changes(db->h) == 1;
}

static int finish(struct db *db, const struct periodic_task *task, int64_t now)
{
	static const char sql[] = "UPDATE periodic_tasks SET next_at = ?2, last_at = ?3 WHERE name = ?1";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, task->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now + task->every_s);
	sqlite3_bind_int64(st, 3, now);
	return db_run(db, st);
}

int periodic_run_due(struct db *db, const struct config *cfg, int64_t now)
{
	int ran = 0;
	for (size_t i = 0; i < sizeof(tasks) / sizeof(tasks[0]); i++) {
		int taken = claim(db, &tasks[i], now);
		if (taken == 0)
			continue;
		if (taken < 0 || tasks[i].run(db, cfg, now) < 0 || finish(db, &tasks[i], now) < 0) {
			log_kv(LOG_ERROR, "periodic task failed; tried again within the hour", "task", tasks[i].name, NULL);
			return -1;
		}
		ran++;
	}
	return ran;
}
