/* The constituency router's life: build, publish, rebuild; see lookup.h. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "core/log.h"
#include "directory/lookup.h"

static struct rindex_holder holders[DIR_ALL + 1];
static bool running;
static pthread_t rebuild_thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static bool dirty, dirty_cards, stopping;
static struct db rebuild_db;
static struct team_cards *cards;
static pthread_mutex_t cards_lock = PTHREAD_MUTEX_INITIALIZER;

struct rindex *lookup_build(struct db *db, enum dir_level level)
{
	/* One pass over the table in rule order (ties keep the order rules
	 * were added), the active teams looked up in memory: a join through
	 * the kind index read rows and teams at random, about 25 times slower
	 * at a million rules (the server took a minute to start). */
	static const char sql[] =
		"SELECT c.id, c.team_id, c.kind, c.value, c.visibility FROM team_constituency c NOT INDEXED"
		" WHERE c.team_id IN (SELECT id FROM teams WHERE state = 'active') AND c.kind IN ('asn', 'cidr', 'domain')";
	struct rindex_builder *b = rindex_builder_new();
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!b || !st) {
		rindex_builder_free(b);
		return NULL;
	}
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		enum visibility v;
		if (visibility_parse(db_col_text(st, 4), &v) < 0 || !team_visible(v, level))
			continue;
		const char *text = db_col_text(st, 3);
		if (rindex_add_rule(b, text, sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 0)) != RINDEX_OK) {
			char id[24];
			snprintf(id, sizeof(id), "%lld", (long long)sqlite3_column_int64(st, 0));
			log_kv(LOG_WARN, "constituency rule skipped by the router", "rule", id, "value", text, NULL);
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		rindex_builder_free(b);
		return NULL;
	}
	struct rindex *ix = rindex_build(b);
	rindex_builder_free(b);
	return ix;
}

static void publish_cards(struct team_cards *tc)
{
	pthread_mutex_lock(&cards_lock);
	struct team_cards *old = cards;
	cards = tc;
	pthread_mutex_unlock(&cards_lock);
	team_cards_drop(old);
}

static int rebuild_cards(struct db *db)
{
	struct team_cards *tc = team_cards_load(db);
	if (!tc)
		return -1;
	publish_cards(tc);
	return 0;
}

static int rebuild_all(struct db *db)
{
	if (rebuild_cards(db) < 0)
		return -1;
	for (int l = 0; l <= DIR_ALL; l++) {
		struct rindex *ix = lookup_build(db, (enum dir_level)l);
		if (!ix)
			return -1;
		rindex_holder_publish(&holders[l], ix);
	}
	return 0;
}

static void *rebuild_main(void *unused)
{
	pthread_mutex_lock(&lock);
	for (;;) {
		while (!dirty && !dirty_cards && !stopping)
			pthread_cond_wait(&wake, &lock);
		if (stopping)
			break;
		bool all = dirty;
		dirty = dirty_cards = false;
		pthread_mutex_unlock(&lock);
		if ((all ? rebuild_all(&rebuild_db) : rebuild_cards(&rebuild_db)) < 0)
			log_kv(LOG_ERROR, "constituency router rebuild failed", NULL);
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int lookup_start(const char *db_path, char *err, size_t errlen)
{
	if (db_open(&rebuild_db, db_path, false, err, errlen) < 0)
		return -1;
	for (int l = 0; l <= DIR_ALL; l++)
		rindex_holder_init(&holders[l]);
	if (rebuild_all(&rebuild_db) < 0) {
		snprintf(err, errlen, "cannot build the constituency router: %s", sqlite3_errmsg(rebuild_db.h));
		lookup_stop();
		return -1;
	}
	stopping = dirty = dirty_cards = false;
	if (pthread_create(&rebuild_thread, NULL, rebuild_main, NULL) != 0) {
		snprintf(err, errlen, "cannot start the constituency router thread");
		lookup_stop();
		return -1;
	}
	running = true;
	return 0;
}

void lookup_stop(void)
{
	if (running) {
		pthread_mutex_lock(&lock);
		stopping = true;
		pthread_cond_broadcast(&wake);
		pthread_mutex_unlock(&lock);
		pthread_join(rebuild_thread, NULL);
		running = false;
	}
	for (int l = 0; l <= DIR_ALL; l++)
		rindex_holder_destroy(&holders[l]);
	publish_cards(NULL);
	db_close(&rebuild_db);
}

void lookup_changed(void)
{
	pthread_mutex_lock(&lock);
	dirty = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

struct rindex *lookup_acquire(enum dir_level level)
{
	return running ? rindex_holder_acquire(&holders[level]) : NULL;
}

void lookup_release(enum dir_level level, struct rindex *ix)
{
	if (ix)
		rindex_holder_release(&holders[level], ix);
}

void lookup_cards_changed(void)
{
	pthread_mutex_lock(&lock);
	dirty_cards = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

struct team_cards *lookup_cards_acquire(void)
{
	pthread_mutex_lock(&cards_lock);
	struct team_cards *tc = running ? cards : NULL;
	team_cards_hold(tc);
	pthread_mutex_unlock(&cards_lock);
	return tc;
}

void lookup_cards_release(struct team_cards *tc)
{
	team_cards_drop(tc);
}
