/* Work the job runner does on a schedule rather than on demand: the daily
 * scan for directory confirmation reminders, and the daily erasure of
 * withdrawn organisations' data after the retention period. When each task is next due
 * is kept in the database (periodic_tasks), so a restart neither repeats
 * a task nor skips one, and two servers on one database do not both run
 * it: a runner claims a due task by moving its next time an hour ahead (a
 * lease, should it die while running the task), runs it, then sets the
 * next time one interval on. A task that fails is tried again when the
 * lease ends. The tasks themselves are safe to run at any time (the
 * reminder scan never sends the same reminder twice), so the schedule only
 * decides how often work is looked for. */
#ifndef SHISA_JOBS_PERIODIC_H
#define SHISA_JOBS_PERIODIC_H
#include <stdint.h>
#include "core/config.h"
#include "db/db.h"

/* Run, on DB, each periodic task that is due at NOW (a first run is due at
 * once). Return the number of tasks run, or -1 when one failed (logged). */
int periodic_run_due(struct db *db, const struct config *cfg, int64_t now);

#endif
