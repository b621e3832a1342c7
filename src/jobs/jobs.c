/* The outbox runner; see jobs.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/log.h"
#include "jobs/jobs.h"
#include "jobs/periodic.h"
#include "mail/outbox.h"
#include "membership/application_mail.h"

#define LEASE_S 300
#define BACKOFF_MAX_S 3600

struct job_kind {
	const char *name;
	enum job_result (*run)(const struct config *cfg, const char *payload, char *err, size_t errlen);
	/* Or, for a job that writes to the database: it gets the runner's
	 * connection and its own id, so that it can mark itself done in the
	 * transaction of its writes and never do them twice. */
	enum job_result (*run_db)(struct db *db, const struct config *cfg, int64_t id, const char *payload, char *err,
	                          size_t errlen);
};

static const struct job_kind kinds[] = {
	{"mail", mail_job_run, NULL},
	{"membership.mail", NULL, app_mail_job_run},
};

struct jobs_runner {
	pthread_t tid;
	struct db db;
	const struct config *cfg;
	bool stop;
};

static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cond = PTHREAD_COND_INITIALIZER;
static bool wake_pending;

int64_t jobs_enqueue(struct db *db, const char *kind, const char *payload, int64_t run_after)
{
	static const char sql[] =
		"INSERT INTO jobs (kind, payload, run_after, created_at) VALUES (?, ?, ?, ?)";
	int64_t now = clock_now();
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, payload, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, run_after ? run_after : now);
	sqlite3_bind_int64(st, 4, now);
	if (db_run(db, st) < 0)
		return -1;
	return sqlite3_last_insert_rowid(db->h);
}

void jobs_notify(void)
{
	pthread_mutex_lock(&wake_lock);
	wake_pending = true;
	pthread_cond_broadcast(&wake_cond);
	pthread_mutex_unlock(&wake_lock);
}

int64_t jobs_queued(struct db *db)
{
	static const char sql[] = "SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')";
	return db_scalar(db, sql);
}

int64_t jobs_failed(struct db *db)
{
	static const char sql[] = "SELECT count(*) FROM jobs WHERE state = 'failed'";
	return db_scalar(db, sql);
}

static const struct job_kind *find_kind(const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

int jobs_run_one(struct db *db, const struct config *cfg)
{
	static const char claim[] =
		"UPDATE jobs SET state = 'running', locked_until = ?1 + ?2, attempts = attempts + 1"
		" WHERE id = (SELECT id FROM jobs WHERE (state = 'queued' AND run_after <= ?1)"
		"   OR (state = 'running' AND locked_until < ?1) ORDER BY run_after, id LIMIT 1)"
		" RETURNING id, kind, payload, attempts, max_attempts";
	/* A delivered payload can hold a one-time link: keep no copy of it. */
	static const char done[] =
		"UPDATE jobs SET state = 'done', done_at = ?, last_error = '', payload = '' WHERE id = ?";
	static const char retry[] =
		"UPDATE jobs SET state = ?, run_after = ?, last_error = substr(?, 1, 500) WHERE id = ?";
	int64_t now = clock_now();
	if (db_begin(db) < 0)
		return -1;
	sqlite3_stmt *st = db_stmt(db, claim);
	if (!st) {
		db_rollback(db);
		return -1;
	}
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, LEASE_S);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		db_rollback(db);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	int64_t id = sqlite3_column_int64(st, 0);
	char *kind = strdup(db_col_text(st, 1));
	char *payload = strdup(db_col_text(st, 2));
	int attempts = sqlite3_column_int(st, 3), max_attempts = sqlite3_column_int(st, 4);
	sqlite3_reset(st);
	if (db_commit(db) < 0) {
		free(kind);
		free(payload);
		return -1;
	}

	char err[512] = "";
	const struct job_kind *k = find_kind(kind);
	enum job_result res = JOB_FAIL;
	if (k)
		res = k->run ? k->run(cfg, payload, err, sizeof(err)) : k->run_db(db, cfg, id, payload, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "unknown job kind %s", kind);

	char idtxt[24];
	snprintf(idtxt, sizeof(idtxt), "%lld", (long long)id);
	if (res == JOB_OK) {
		st = db_stmt(db, done);
		sqlite3_bind_int64(st, 1, clock_now());
		sqlite3_bind_int64(st, 2, id);
		log_kv(LOG_INFO, "job done", "job", idtxt, "kind", kind, NULL);
	} else {
		bool give_up = res == JOB_FAIL || attempts >= max_attempts;
		int64_t backoff = (int64_t)cfg->jobs_retry_base_s << (attempts > 12 ? 12 : attempts - 1);
		if (backoff > BACKOFF_MAX_S)
			backoff = BACKOFF_MAX_S;
		st = db_stmt(db, retry);
		sqlite3_bind_text(st, 1, give_up ? "failed" : "queued", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, clock_now() + backoff);
		sqlite3_bind_text(st, 3, err, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, id);
		log_kv(give_up ? LOG_ERROR : LOG_WARN, give_up ? "job failed" : "job will be retried",
		       "job", idtxt, "kind", kind, "error", err, NULL);
	}
	rc = db_run(db, st);
	free(kind);
	free(payload);
	return rc < 0 ? -1 : 1;
}

static void *runner_main(void *arg)
{
	struct jobs_runner *r = arg;
	for (;;) {
		pthread_mutex_lock(&wake_lock);
		bool stop = r->stop;
		pthread_mutex_unlock(&wake_lock);
		if (stop)
			break;
		int rc = jobs_run_one(&r->db, r->cfg);
		if (rc == 1)
			continue;
		/* Idle: scheduled work, whose jobs then run at once. */
		if (periodic_run_due(&r->db, r->cfg, clock_now()) > 0)
			continue;
		pthread_mutex_lock(&wake_lock);
		if (!wake_pending && !r->stop) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&wake_cond, &wake_lock, &ts);
		}
		wake_pending = false;
		pthread_mutex_unlock(&wake_lock);
	}
	return NULL;
}

struct jobs_runner *jobs_runner_start(const struct config *cfg, char *err, size_t errlen)
{
	struct jobs_runner *r = calloc(1, sizeof(*r));
	r->cfg = cfg;
	if (db_open(&r->db, cfg->db_path, false, err, errlen) < 0) {
		free(r);
		return NULL;
	}
	if (pthread_create(&r->tid, NULL, runner_main, r) != 0) {
		snprintf(err, errlen, "cannot start the job runner");
		db_close(&r->db);
		free(r);
		return NULL;
	}
	return r;
}

void jobs_runner_stop(struct jobs_runner *r)
{
	pthread_mutex_lock(&wake_lock);
	r->stop = true;
	pthread_cond_broadcast(&wake_cond);
	pthread_mutex_unlock(&wake_lock);
	pthread_join(r->tid, NULL);
	db_close(&r->db);
	free(r);
}
