/* The directory's change counters and the server's watch on them; see
 * dir_version.h. One lock guards the watcher's connection and what this
 * process has seen, so a read and the record of it are one step whether
 * the watcher or a writer's directory_changed() makes it. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include "core/clock.h"
#include "core/log.h"
#include "directory/changed.h"
#include "directory/dir_version.h"
#include "directory/snapshot_service.h"

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;          /* on the monotonic clock */
	pthread_t thread;
	bool running, stopping, failing;
	int poll_ms;
	struct db db;
	struct dir_version seen;
} watch = {.lock = PTHREAD_MUTEX_INITIALIZER};

int dir_version_read(struct db *db, struct dir_version *v)
{
	static const char sql[] = "SELECT version, rules, stamp, snapshot_key FROM directory_version WHERE id = 1";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		v->version = sqlite3_column_int64(st, 0);
		v->rules = sqlite3_column_int64(st, 1);
		v->stamp = sqlite3_column_int64(st, 2);
		v->snapshot_key = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Read the counters on the watcher's connection (under the lock); log the
 * first failure of a run of them. */
static int read_locked(struct dir_version *v)
{
	if (dir_version_read(&watch.db, v) == 0) {
		watch.failing = false;
		return 0;
	}
	if (!watch.failing)
		log_kv(LOG_ERROR, "cannot read the directory's change counters; looking again each second",
		       "error", sqlite3_errmsg(watch.db.h), NULL);
	watch.failing = true;
	return -1;
}

void dir_version_seen(unsigned what)
{
	struct dir_version now;
	pthread_mutex_lock(&watch.lock);
	if (watch.running && read_locked(&now) == 0) {
		if (what & (DIR_CHANGED_RECORD | DIR_CHANGED_RULES))
			watch.seen.version = now.version;
		if (what & DIR_CHANGED_RULES)
			watch.seen.rules = now.rules;
	}
	pthread_mutex_unlock(&watch.lock);
}

void dir_version_seen_snapshot_key(void)
{
	struct dir_version now;
	pthread_mutex_lock(&watch.lock);
	if (watch.running && read_locked(&now) == 0)
		watch.seen.snapshot_key = now.snapshot_key;
	pthread_mutex_unlock(&watch.lock);
}

/* One look: what moved since last seen, now recorded as seen. */
static void look(unsigned *what, bool *key)
{
	struct dir_version now;
	*what = 0;
	*key = false;
	if (read_locked(&now) < 0)
		return;
	if (now.rules != watch.seen.rules)
		*what = DIR_CHANGED_RULES | DIR_CHANGED_RECORD;
	else if (now.version != watch.seen.version)
		*what = DIR_CHANGED_RECORD;
	*key = now.snapshot_key != watch.seen.snapshot_key;
	watch.seen = now;
}

static struct timespec deadline_in(int ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

static void *watch_main(void *unused)
{
	pthread_mutex_lock(&watch.lock);
	while (!watch.stopping) {
		struct timespec until = deadline_in(watch.poll_ms);
		if (pthread_cond_timedwait(&watch.wake, &watch.lock, &until) != ETIMEDOUT || watch.stopping)
			continue;
		unsigned what;
		bool key;
		look(&what, &key);
		if (!what && !key)
			continue;
		pthread_mutex_unlock(&watch.lock);
		log_kv(LOG_INFO, "directory changed by another process", "rules", what & DIR_CHANGED_RULES ? "yes" : "no",
		       "snapshot_key", key ? "yes" : "no", NULL);
		if (what)
			directory_changed(what);
		if (key)
			snapshot_changed();
		pthread_mutex_lock(&watch.lock);
	}
	pthread_mutex_unlock(&watch.lock);
	return NULL;
}

int dir_version_watch_start(const char *db_path, int poll_ms, char *err, size_t errlen)
{
	if (db_open(&watch.db, db_path, false, err, errlen) < 0)
		return -1;
	if (dir_version_read(&watch.db, &watch.seen) < 0) {
		snprintf(err, errlen, "cannot read the directory's change counters: %s", sqlite3_errmsg(watch.db.h));
		db_close(&watch.db);
		return -1;
	}
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&watch.wake, &attr);
	pthread_condattr_destroy(&attr);
	watch.poll_ms = poll_ms > 0 ? poll_ms : 1000;
	watch.stopping = false;
	watch.failing = false;
	if (pthread_create(&watch.thread, NULL, watch_main, NULL) != 0) {
		snprintf(err, errlen, "cannot start the directory watch thread");
		pthread_cond_destroy(&watch.wake);
		db_close(&watch.db);
		return -1;
	}
	pthread_mutex_lock(&watch.lock);
	watch.running = true;
	pthread_mutex_unlock(&watch.lock);
	return 0;
}

void dir_version_watch_stop(void)
{
	pthread_mutex_lock(&watch.lock);
	bool was = watch.running;
	watch.running = false;
	watch.stopping = true;
	pthread_cond_broadcast(&watch.wake);
	pthread_mutex_unlock(&watch.lock);
	if (!was)
		return;
	pthread_join(watch.thread, NULL);
	pthread_cond_destroy(&watch.wake);
	db_close(&watch.db);
}
