/* Applications in numbers, for members' eyes: how many are in each state
 * at the end of the as-of day, and how long they stay in each stage. Both
 * come from the applications' history (schema/0010_membership.sql): the
 * state an application was in on a day is where its last transition up to
 * then led; a stay in a state is the time from the transition into it to
 * the next one, counted once the application has left it. An application
 * with no history at all is counted in its state as it is now, from the
 * day it was created. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "stats/stats_int.h"

const char *const stats_state_names[STATS_NSTATES] = {
	"draft", "submitted", "sponsor_review", "community_window", "secretariat_review", "approved", "rejected",
	"withdrawn",
};

struct stays {
	double *days;
	size_t n, cap;
};

static int state_index(const char *state)
{
	for (int i = 0; i < STATS_NSTATES; i++)
		if (!strcmp(state, stats_state_names[i]))
			return i;
	return -1;
}

static int add_stay(struct stays *s, double days)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		double *p = realloc(s->days, cap * sizeof(*p));
		if (!p)
			return -1;
		s->days = p;
		s->cap = cap;
	}
	s->days[s->n++] = days;
	return 0;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(struct stays *s)
{
	if (!s->n)
		return NAN;
	qsort(s->days, s->n, sizeof(double), by_value);
	return s->n % 2 ? s->days[s->n / 2] : (s->days[s->n / 2 - 1] + s->days[s->n / 2]) / 2.0;
}

int stats_applications(struct db *db, int64_t as_of_end, struct stats *s)
{
	static const char sql[] =
		"SELECT a.id, a.state, a.created_at, h.to_state, h.at,"
		" (SELECT count(*) FROM application_history x WHERE x.application_id = a.id)"
		" FROM applications a LEFT JOIN application_history h ON h.application_id = a.id AND h.at < ?1"
		" ORDER BY a.id, h.at, h.id";
	struct stays stays[STATS_NSTATES];
	memset(stays, 0, sizeof(stays));
	for (int i = 0; i < STATS_NSTATES; i++) {
		s->states[i].state = stats_state_names[i];
		s->states[i].applications = 0;
		s->states[i].stays = 0;
	}
	int result = -1;
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, as_of_end);
	int64_t app = -1;
	int in = -1;              /* the state the current application is in, as far as read */
	int64_t since = 0;        /* since when */
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		if (id != app) {
			if (in >= 0)
				s->states[in].applications++;
			app = id;
			in = -1;
		}
		if (sqlite3_column_type(st, 3) == SQLITE_NULL) {
			/* No transition by then: the state as it is, if it existed and has no history at all. */
			if (sqlite3_column_int64(st, 5) == 0 && sqlite3_column_int64(st, 2) < as_of_end)
				in = state_index(db_col_text(st, 1));
			continue;
		}
		int64_t at = sqlite3_column_int64(st, 4);
		if (in >= 0 && add_stay(&stays[in], (double)(at > since ? at - since : 0) / 86400.0) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		in = state_index(db_col_text(st, 3));
		since = at;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto out;
	if (in >= 0)
		s->states[in].applications++;
	for (int i = 0; i < STATS_NSTATES; i++) {
		s->states[i].stays = (int64_t)stays[i].n;
		s->states[i].median_days = median(&stays[i]);
	}
	result = 0;
out:
	for (int i = 0; i < STATS_NSTATES; i++)
		free(stays[i].days);
	return result;
}
