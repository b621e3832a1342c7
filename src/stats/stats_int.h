/* Inside the statistics (stats*.c): the member teams as the figures read
 * them, one reader's view of each, loaded once per computation. Dates are
 * whole numbers YYYYMMDD, so that comparing them compares the days. */
#ifndef SHISA_STATS_INT_H
#define SHISA_STATS_INT_H
#include <stdbool.h>
#include <stdint.h>
#include "stats/stats.h"

#define STATS_NEVER 99999999       /* the left date of a team still a member */

/* A member team as the reader may see it. */
struct stats_member {
	int joined;                /* YYYYMMDD; a year alone is its 1 January, a month its first day */
	int left;                  /* YYYYMMDD, or STATS_NEVER */
	bool joined_year_only, left_year_only;
	int established;           /* the founding year, 0 when unknown or not shown */
	const char *sector, *region, *csirt_type;   /* the directory's key, or NULL: unknown or not shown */
	const char *department;    /* department.h's key, or NULL */
	int64_t staff_at_founding, staff_now;       /* -1: unknown or not shown */
};

struct stats_members {
	struct stats_member *m;
	size_t n, cap;
	int64_t hidden;            /* members on the as-of day whose join date the reader may not see */
	int64_t undated;           /* members on the as-of day with no join date */
};

/* Load every member team of the directory and of the imported history as
 * RQ's reader sees them. AS_OF is RQ's day as YYYYMMDD. Return 0 or -1. */
int stats_members_load(struct db *db, const struct stats_request *rq, int as_of, struct stats_members *out);
void stats_members_release(struct stats_members *ms);

/* The figures built from the members (stats_growth.c, stats_categories.c)
 * and from the applications (stats_applications.c). Return 0 or -1. */
int stats_growth(const struct stats_members *ms, int as_of, int64_t target, struct stats *s);
void stats_categories(const struct stats_members *ms, int as_of, struct stats *s);
int stats_applications(struct db *db, int64_t as_of_end, struct stats *s);

#endif
