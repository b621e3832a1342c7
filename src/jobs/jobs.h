/* The outbox: durable jobs in the database (mail first). A job is written
 * in the same transaction as the change that causes it, so a crash loses
 * nothing; the runner thread claims ready jobs with a lease, retries
 * temporary failures with exponential backoff, and never runs a job again
 * once it has succeeded. (Delivery is at least once: a crash between
 * sending and recording success sends again after the lease expires.) */
#ifndef SHISA_JOBS_H
#define SHISA_JOBS_H
#include <stddef.h>
#include <stdint.h>
#include "core/config.h"
#include "db/db.h"

/* What a job handler returns. */
enum job_result { JOB_OK = 0, JOB_RETRY = -1, JOB_FAIL = -2 };

/* Queue a job of KIND with PAYLOAD (JSON text) to run at RUN_AFTER (or now
 * when 0). Call inside the caller's transaction. Return the id or -1. */
int64_t jobs_enqueue(struct db *db, const char *kind, const char *payload, int64_t run_after);
/* Wake the runner (after committing new jobs). */
void jobs_notify(void);
/* Jobs waiting to run, and jobs that gave up. */
int64_t jobs_queued(struct db *db);
int64_t jobs_failed(struct db *db);

/* Run at most one ready job now, on DB. Return 1 if one ran, 0 if none was
 * ready, -1 on a database error. Used by the runner and by tests. */
int jobs_run_one(struct db *db, const struct config *cfg);

struct jobs_runner;
/* Start the runner thread with its own connection. NULL (ERR filled) on failure. */
struct jobs_runner *jobs_runner_start(const struct config *cfg, char *err, size_t errlen);
/* Stop it after the job in hand (if any) and close its connection. */
void jobs_runner_stop(struct jobs_runner *r);

#endif
