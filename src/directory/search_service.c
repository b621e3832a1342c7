/* The search index's life in the server: build, publish, rebuild; see
 * search_service.h. Each index carries the search_version it was built
 * from; readers compare it with the database's. They hold a reference for
 * one search (a short lock to take and drop it), so an index replaced
 * meanwhile is freed by its last reader. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "core/log.h"
#include "directory/search_service.h"

struct entry {
	struct search_index *ix;
	int64_t version;          /* search_version it was built from */
	int refs;                 /* readers, and one for being current */
	struct entry *next;       /* the replaced ones still read */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static atomic_bool running;
static bool stopping, dirty;
static int64_t wanted = -1;   /* the newest search_version a reader saw */
static struct entry *current, *replaced;
static pthread_t rebuild_thread;
static struct db rebuild_db;

/* Drop a reference to E (under the lock); return E when it is to be freed. */
static struct entry *unref(struct entry *e)
{
	if (--e->refs > 0)
		return NULL;
	for (struct entry **p = &replaced; *p; p = &(*p)->next) {
		if (*p == e) {
			*p = e->next;
			break;
		}
	}
	return e;
}

static void entry_free(struct entry *e)
{
	if (e) {
		search_index_free(e->ix);
		free(e);
	}
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static void *rebuild_main(void *unused)
{
	pthread_mutex_lock(&lock);
	for (;;) {
		while (!dirty && !stopping && wanted <= (current ? current->version : -1))
			pthread_cond_wait(&wake, &lock);
		if (stopping)
			break;
		dirty = false;
		pthread_mutex_unlock(&lock);
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		struct entry *e = calloc(1, sizeof(*e)), *old = NULL;
		if (e && (e->ix = search_index_build(&rebuild_db))) {
			char teams[24], ms[24], mb[24];
			snprintf(teams, sizeof(teams), "%zu", search_index_teams(e->ix));
			snprintf(ms, sizeof(ms), "%.0f", ms_since(&t0));
			snprintf(mb, sizeof(mb), "%.1f", (double)search_index_memory(e->ix) / 1048576);
			log_kv(LOG_INFO, "search index built", "teams", teams, "ms", ms, "mb", mb, NULL);
			e->version = search_index_version(e->ix);
			e->refs = 1;
		} else {
			log_kv(LOG_ERROR, "search index build failed: searching with SQL", NULL);
			free(e);
			e = NULL;
		}
		pthread_mutex_lock(&lock);
		if (e) {
			if (current) {
				current->next = replaced;
				replaced = current;
				old = unref(current);
			}
			current = e;
		} else {
			/* Not again until the next change. */
			wanted = -1;
		}
		pthread_mutex_unlock(&lock);
		entry_free(old);
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int search_service_start(const char *db_path, char *err, size_t errlen)
{
	if (db_open(&rebuild_db, db_path, false, err, errlen) < 0)
		return -1;
	pthread_mutex_lock(&lock);
	stopping = false;
	dirty = true;
	wanted = -1;
	pthread_mutex_unlock(&lock);
	if (pthread_create(&rebuild_thread, NULL, rebuild_main, NULL) != 0) {
		snprintf(err, errlen, "cannot start the search index thread");
		db_close(&rebuild_db);
		return -1;
	}
	running = true;
	return 0;
}

void search_service_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	stopping = true;
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(rebuild_thread, NULL);
	running = false;
	entry_free(current);
	current = NULL;
	while (replaced) {
		struct entry *e = replaced;
		replaced = e->next;
		entry_free(e);
	}
	db_close(&rebuild_db);
}

void search_service_changed(void)
{
	pthread_mutex_lock(&lock);
	dirty = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

struct search_index *search_service_acquire(struct db *db)
{
	static const char sql[] = "SELECT version FROM search_version";
	if (!running)
		return NULL;
	int64_t version = db_scalar(db, sql);
	struct search_index *ix = NULL;
	pthread_mutex_lock(&lock);
	if (current && current->version == version) {
		current->refs++;
		ix = current->ix;
	} else if (version > wanted) {
		wanted = version;
		pthread_cond_signal(&wake);
	}
	pthread_mutex_unlock(&lock);
	return ix;
}

void search_service_release(struct search_index *ix)
{
	struct entry *gone = NULL;
	if (!ix)
		return;
	pthread_mutex_lock(&lock);
	if (current && current->ix == ix) {
		gone = unref(current);
	} else {
		for (struct entry *e = replaced; e; e = e->next) {
			if (e->ix == ix) {
				gone = unref(e);
				break;
			}
		}
	}
	pthread_mutex_unlock(&lock);
	entry_free(gone);
}

void search_service_metrics(struct buf *out, struct db *db)
{
	static const char sql[] = "SELECT version FROM search_version";
	int64_t version = running ? db_scalar(db, sql) : -1;
	size_t teams = 0, bytes = 0;
	bool current_now = false;
	pthread_mutex_lock(&lock);
	if (current) {
		teams = search_index_teams(current->ix);
		bytes = search_index_memory(current->ix);
		current_now = current->version == version;
	}
	pthread_mutex_unlock(&lock);
	buf_printf(out,
	           "# HELP shisa_search_index_teams Teams in the directory search index in memory.\n"
	           "# TYPE shisa_search_index_teams gauge\nshisa_search_index_teams %zu\n"
	           "# HELP shisa_search_index_bytes Memory the directory search index occupies.\n"
	           "# TYPE shisa_search_index_bytes gauge\nshisa_search_index_bytes %zu\n"
	           "# HELP shisa_search_index_current 1 when the search index includes the latest change"
	           " (searches use SQL while it is 0).\n"
	           "# TYPE shisa_search_index_current gauge\nshisa_search_index_current %d\n",
	           teams, bytes, current_now);
}
