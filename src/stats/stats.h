/* The association in numbers (issue 4, docs/membership.md): who is a
 * member on a given day, and every figure the statistics page draws,
 * computed for one reader. Domain only: SQL and arithmetic, no HTTP, no
 * language (stats_table.h turns the figures into labelled tables).
 *
 * Who counts as a member on day D: a team of the directory whose joined
 * date is on or before D and whose left_on date is empty or after D,
 * unless its organisation is an observer or an applicant (a team with no
 * organisation counts: seeded and imported directories have none); and
 * every row of the imported history (member_history, `shisa stats
 * import`) that is not linked to a directory team. A history row is linked
 * when the import linked it, or when its name is a directory team's name
 * (English, Japanese or short): the directory's record then prevails.
 * Dates known only to the year count from 1 January, to the month from
 * its first day.
 *
 * What a reader sees of the directory's teams follows each field's
 * visibility at the reader's level (team.h): a team whose join date the
 * reader may not see is left out of every figure (and counted in
 * stats.hidden), a sector the reader may not see counts as unknown, and
 * so on. Public category counts below STATS_FOLD_BELOW are added together
 * in one row, so that no category of one or two teams points at a team
 * the directory does not list (a suspended one). */
#ifndef SHISA_STATS_H
#define SHISA_STATS_H
#include <stdbool.h>
#include <stdint.h>
#include "db/db.h"
#include "directory/team.h"

#define STATS_FOLD_BELOW 3          /* public category counts below this are folded */
#define STATS_RATE_YEARS 3          /* growth rate: compound annual growth over this many full years */
#define STATS_PROJECTION_SHOWN 4    /* projected years drawn after the last full year, at most */
#define STATS_FIRST_YEAR 1900
#define STATS_LAST_YEAR 2100
#define STATS_MAX_YEARS (STATS_LAST_YEAR - STATS_FIRST_YEAR + 1)
#define STATS_MAX_MONTHS (STATS_MAX_YEARS * 12)
#define STATS_MAX_CATEGORIES 32
#define STATS_NSTATES 8

/* Category keys beside the directory's own. */
#define STATS_UNKNOWN "unknown"     /* not given, or not shown to this reader */
#define STATS_FOLDED "folded"       /* public: the categories under STATS_FOLD_BELOW, together */

struct stats_year {
	int year;
	int64_t members;          /* at the end of the year; for the as-of year, on the as-of day */
	int64_t joined, left;     /* joins and departures in the year (up to the as-of day) */
	int64_t established;      /* member teams founded in the year (members who joined by the as-of day) */
};

struct stats_month {
	int year, month;
	int64_t members;          /* at the end of the month; for the as-of month, on the as-of day */
};

/* One row of a category chart: COUNT[0], and for team sizes COUNT[1]
 * (at founding, now). */
struct stats_category {
	const char *key;          /* the directory's key ("ict"), a band, STATS_UNKNOWN or STATS_FOLDED */
	int64_t count[2];
};

struct stats_categories {
	struct stats_category rows[STATS_MAX_CATEGORIES];
	size_t n;
	int folded;               /* categories added into the STATS_FOLDED row */
};

struct stats_state {
	const char *state;        /* the application state ("sponsor_review") */
	int64_t applications;     /* applications in it at the end of the as-of day */
	int64_t stays;            /* times an application entered it and left it again by then */
	double median_days;       /* the median of those stays; NAN when none */
};

struct stats_projection {
	bool available;
	const char *why_not;      /* when not: an i18n key */
	int from_year, to_year;   /* members at the end of these years give the rate */
	double rate;              /* compound annual growth: 0.25 is 25 % a year */
	int64_t target;           /* member_target */
	int target_year;          /* the first year at or above the target; 0: not at this rate (or by 2100) */
	bool reached;             /* target_year is a real year (the target is reached already) */
	struct {
		int year;
		double members;
	} points[STATS_PROJECTION_SHOWN + 1];   /* the dashed line: to_year (real), then projected */
	size_t npoints;
};

struct stats {
	char as_of[11];           /* YYYY-MM-DD */
	enum dir_level level;
	bool detail;              /* the members' figures (department, size, applications) too */

	int64_t members;          /* on the as-of day, in the figures */
	int64_t hidden;           /* members that day left out: their join date is not shown to this reader */
	int64_t undated;          /* members that day left out: no join date */

	int first_join_year;      /* 0: nobody has joined by the as-of day */
	struct stats_year years[STATS_MAX_YEARS];   /* from the first join or founding year to the as-of year */
	size_t nyears;
	struct stats_month months[STATS_MAX_MONTHS];/* from monthly_from to the as-of month */
	size_t nmonths;
	int monthly_from_year, monthly_from_month;  /* the first month of MONTHS */
	bool monthly_cut;         /* they start after a date known only to its year, not at the first join */
	struct stats_projection projection;

	struct stats_categories sector, region, csirt_type;   /* members on the as-of day */
	struct stats_categories department, staff;            /* detail only */
	struct stats_state states[STATS_NSTATES];             /* detail only */
};

struct stats_request {
	const char *as_of;        /* YYYY-MM-DD, a real date from STATS_FIRST_YEAR to STATS_LAST_YEAR */
	int64_t as_of_end;        /* the first second after the as-of day (Unix time): for applications */
	enum dir_level level;     /* what the reader may see of the directory's fields */
	bool detail;              /* the reader may see the members' figures */
	int64_t target;           /* member_target (> 0) */
};

/* The figures of RQ, in memory the caller frees with stats_free. NULL on
 * a database error or a request that is not a real date. */
struct stats *stats_compute(struct db *db, const struct stats_request *rq);
void stats_free(struct stats *s);

/* The application states, in the order of their life (draft first). */
extern const char *const stats_state_names[STATS_NSTATES];

#endif
