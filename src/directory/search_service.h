/* The directory search index (search_index.h) as a service of the
 * server: built in the background at start, and again after every change
 * to what search reads. team_search uses it only while it reflects the
 * database: triggers count every change in search_version, whoever makes
 * it (the server, `shisa dev seed`, the sqlite3 shell), and an index older
 * than that count is not handed out; the search is SQL meanwhile (the
 * seconds a rebuild takes at 100,000 teams). Outside the server (the
 * command line, tests) it is not running and every search is SQL. */
#ifndef SHISA_SEARCH_SERVICE_H
#define SHISA_SEARCH_SERVICE_H
#include "core/buf.h"
#include "directory/search_index.h"

/* Start the rebuild thread (with its own connection to DB_PATH), which
 * builds the first index at once. Return 0, or -1 with a message in ERR. */
int search_service_start(const char *db_path, char *err, size_t errlen);
/* Stop the thread and free the index. */
void search_service_stop(void);
/* The directory changed (after the commit): rebuild now, rather than at
 * the next search. */
void search_service_changed(void);
/* The current index with a reference taken, when it was built from what
 * DB holds now (one read of search_version); else NULL, and a rebuild is
 * asked for. Give it back with search_service_release. */
struct search_index *search_service_acquire(struct db *db);
void search_service_release(struct search_index *ix);
/* Append the index's gauges for /metrics to OUT: its teams and bytes,
 * and whether it is current with DB (0 while searches are SQL). */
void search_service_metrics(struct buf *out, struct db *db);

#endif
