/* The directory search in memory: every team's searchable text (what
 * team_search_refresh puts in the full-text table: the names, registered
 * name, host organisation and texts, each piece at its visibility), folded
 * to lower case, with a positional trigram index over it, and what the
 * filters, facets and orders need. A query walks the postings of its
 * rarest trigram and compares the query at each; nothing is scanned, so a
 * query costs in proportion to what it finds, not to the directory's size
 * (SQLite's FTS5 takes hundreds of milliseconds at 100,000 teams, for the
 * level filter, the facets and the sorting around it).
 *
 * It gives the answers of the SQL search in team.c, which stays the
 * reference and serves while the index is out of date (search_service.h):
 * three characters or more match anywhere the reader may see, fewer the
 * names (name, Japanese name, short name); matches in the names come
 * first, then the rest, each by English name. Case folding covers ASCII,
 * Latin-1, Greek, Cyrillic and full-width Latin letters (FTS5 folds a few
 * more scripts; the SQL path of short queries folds ASCII only). Immutable
 * once built, so any number of threads may query it at once. */
#ifndef SHISA_SEARCH_INDEX_H
#define SHISA_SEARCH_INDEX_H
#include <stddef.h>
#include <stdint.h>
#include "db/db.h"
#include "directory/team.h"

struct search_index;

/* Build the index of every team in DB (read in one transaction). NULL on
 * a database error or when out of memory. */
struct search_index *search_index_build(struct db *db);
void search_index_free(struct search_index *ix);
/* Bytes it occupies. */
size_t search_index_memory(const struct search_index *ix);
/* Teams in it. */
size_t search_index_teams(const struct search_index *ix);
/* The directory's search_version it was built from (every change to
 * what search reads increments it: schema/0005_search.sql). */
int64_t search_index_version(const struct search_index *ix);

/* Run Q for a reader at LEVEL, as team_search does: the ids of the page
 * (Q->offset, at most MAX of them) in IDS, FACET for each facet count
 * (its strings belong to IX), *TOTAL the number of matches. Return the
 * number of ids, or -1 when out of memory. */
int search_index_query(const struct search_index *ix, const struct team_query *q, enum dir_level level,
                       int64_t *ids, int max, void (*facet)(const struct team_facet *f, void *arg), void *arg,
                       int64_t *total);

#endif
