/* Who handles this IP address, AS number or domain: the constituency
 * router of the whole directory, kept in memory. One index per reader
 * level (a members-only rule must not route for the public), built from
 * the database at start and rebuilt in the background when constituencies
 * change; readers never lock (route_index.h's holder). Beside it, the
 * routing cards of the active teams (team_card.h), which answers show,
 * rebuilt with the router and after any change to a record. */
#ifndef SHISA_LOOKUP_H
#define SHISA_LOOKUP_H
#include "db/db.h"
#include "directory/route_index.h"
#include "directory/team_card.h"
#include "directory/team.h"

/* Build the indexes from DB_PATH and start the rebuild thread (with its
 * own connection). Return 0, or -1 with a message in ERR. */
int lookup_start(const char *db_path, char *err, size_t errlen);
/* Stop the thread and free the indexes. */
void lookup_stop(void);
/* Ask for a rebuild (after committing a change to constituencies or to a
 * team's state); several requests in a row make one rebuild. */
void lookup_changed(void);
/* The current index for LEVEL; give it back with lookup_release. NULL when
 * the service is not running. */
struct rindex *lookup_acquire(enum dir_level level);
void lookup_release(enum dir_level level, struct rindex *ix);

/* Ask for the routing cards to be rebuilt (after committing a change to
 * a team's names or contacts); lookup_changed rebuilds them too. */
void lookup_cards_changed(void);
/* The current routing cards, with a reference taken (a short lock, once
 * per request); give them back with lookup_cards_release. NULL when the
 * service is not running. */
struct team_cards *lookup_cards_acquire(void);
void lookup_cards_release(struct team_cards *tc);

/* Build the index for LEVEL from DB: the asn, cidr and domain rules of
 * active teams whose visibility LEVEL allows. NULL on error. */
struct rindex *lookup_build(struct db *db, enum dir_level level);

#endif
