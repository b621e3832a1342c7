/* Changes to the directory that the server did not make itself: a
 * `shisa directory import`, `shisa dev seed`, `shisa directory
 * rotate-key` or the sqlite3 shell writing to the same database file.
 * Triggers count every change in directory_version
 * (schema/0006_directory_version.sql); a thread of the server reads the
 * counters once a second and, when they moved past what this process has
 * seen, calls directory_changed() as the server's own writers do (and
 * snapshot_changed() for a new signing key).
 *
 * The server's own writers call directory_changed() after their commit,
 * which first records the counters as seen (dir_version_seen), so the
 * watcher does not rebuild a second time for them. Recording may read
 * later counters than the writer's own commit, taking in a change made
 * meanwhile by another process: that is safe, because directory_changed
 * asks for its rebuilds only after the read, and every rebuild reads the
 * database afresh after it is asked for, so it includes that change too.
 * The one race left is benign: a poll that falls between a writer's
 * commit and its directory_changed() rebuilds for that change, and the
 * writer's call asks again (one redundant rebuild, never a missed one;
 * requests in a row are merged where the rebuild has not started). */
#ifndef SHISA_DIR_VERSION_H
#define SHISA_DIR_VERSION_H
#include <stdint.h>
#include "db/db.h"

#define DIR_VERSION_POLL_MS 1000   /* how often the server looks */

struct dir_version {
	int64_t version;        /* every change to the directory's tables */
	int64_t rules;          /* changes to constituency rules and team states */
	int64_t stamp;          /* random, drawn anew with each change counted in version */
	int64_t snapshot_key;   /* changes to the snapshot signing key */
};

/* The counters as DB holds them now (one statement). Return 0 or -1. */
int dir_version_read(struct db *db, struct dir_version *v);

/* Read the counters (what the services about to start are built from, or
 * newer), open a connection to DB_PATH and start the thread that looks
 * every POLL_MS milliseconds. Return 0, or -1 with a message in ERR. */
int dir_version_watch_start(const char *db_path, int poll_ms, char *err, size_t errlen);
/* Stop the thread and close its connection. */
void dir_version_watch_stop(void);
/* Called by directory_changed(WHAT) before it asks for rebuilds: record
 * the counters as seen, the rules too when WHAT includes
 * DIR_CHANGED_RULES. Nothing when the watcher is not running (the
 * command line). */
void dir_version_seen(unsigned what);
/* The same for the snapshot key, after the server made it itself (its
 * first start on a database) and before it makes its first snapshot. */
void dir_version_seen_snapshot_key(void);

#endif
