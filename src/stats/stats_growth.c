/* The association over time: members at the end of each year and month,
 * joins, departures and founding years per year, and the projection at
 * the current growth rate (see stats.h and docs/membership.md). Counts on
 * a day come from the join and departure dates, each sorted once: the
 * members on day D are those who joined on or before D less those who
 * left on or before D. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "stats/stats_int.h"

struct timeline {
	int *joined, *left;   /* sorted YYYYMMDD */
	size_t n;
};

static int by_day(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* How many of the N sorted days are on or before DAY. */
static size_t upto(const int *days, size_t n, int day)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (days[mid] <= day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int64_t members_on(const struct timeline *t, int day)
{
	return (int64_t)upto(t->joined, t->n, day) - (int64_t)upto(t->left, t->n, day);
}

/* The last day of a year or month, as a YYYYMMDD that compares after
 * every day of it (the 31st of every month will do). */
static int end_of_year(int y)
{
	return y * 10000 + 1231;
}

static int end_of_month(int y, int m)
{
	return y * 10000 + m * 100 + 31;
}

static void project(const struct timeline *t, int as_of, int64_t target, struct stats *s)
{
	struct stats_projection *p = &s->projection;
	int year = as_of / 10000;
	int last = as_of % 10000 == 1231 ? year : year - 1, base = last - STATS_RATE_YEARS;
	memset(p, 0, sizeof(*p));
	p->target = target;
	p->from_year = base;
	p->to_year = last;
	int64_t from = s->first_join_year && base >= s->first_join_year ? members_on(t, end_of_year(base)) : 0;
	int64_t to = members_on(t, end_of_year(last));
	if (from <= 0) {
		p->why_not = "stats.projection.too_short";
	} else {
		p->available = true;
		p->rate = pow((double)to / (double)from, 1.0 / STATS_RATE_YEARS) - 1.0;
		p->points[0].year = last;
		p->points[0].members = (double)to;
		p->npoints = 1;
		for (int k = 1; k <= STATS_PROJECTION_SHOWN && p->points[p->npoints - 1].members < (double)target; k++) {
			p->points[p->npoints].year = last + k;
			p->points[p->npoints].members = (double)to * pow(1.0 + p->rate, k);
			p->npoints++;
		}
	}
	/* The target: reached already (the first year it was), else when the
	 * rate would reach it, if it grows at all, by STATS_LAST_YEAR. */
	for (size_t i = 0; i < s->nyears; i++) {
		if (s->years[i].members >= target) {
			p->target_year = s->years[i].year;
			p->reached = true;
			return;
		}
	}
	if (!p->available || p->rate <= 0)
		return;
	for (int k = 1; last + k <= STATS_LAST_YEAR; k++) {
		if ((double)to * pow(1.0 + p->rate, k) >= (double)target) {
			p->target_year = last + k;
			return;
		}
	}
}

static void monthly(const struct stats_members *ms, const struct timeline *t, int as_of, struct stats *s)
{
	/* Month counts are exact after the last date known only to its year. */
	int latest_year_only = 0;
	for (size_t i = 0; i < ms->n; i++) {
		const struct stats_member *m = &ms->m[i];
		if (m->joined > as_of)
			continue;
		if (m->joined_year_only && m->joined / 10000 > latest_year_only)
			latest_year_only = m->joined / 10000;
		if (m->left_year_only && m->left <= as_of && m->left / 10000 > latest_year_only)
			latest_year_only = m->left / 10000;
	}
	int y = latest_year_only ? latest_year_only + 1 : t->joined[0] / 10000;
	int m = latest_year_only ? 1 : t->joined[0] / 100 % 100;
	s->monthly_from_year = y;
	s->monthly_from_month = m;
	s->monthly_cut = latest_year_only != 0;
	int ay = as_of / 10000, am = as_of / 100 % 100;
	while ((y < ay || (y == ay && m <= am)) && s->nmonths < STATS_MAX_MONTHS) {
		struct stats_month *row = &s->months[s->nmonths++];
		row->year = y;
		row->month = m;
		row->members = members_on(t, y == ay && m == am ? as_of : end_of_month(y, m));
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
}

int stats_growth(const struct stats_members *ms, int as_of, int64_t target, struct stats *s)
{
	struct timeline t = {malloc((ms->n + 1) * sizeof(int)), malloc((ms->n + 1) * sizeof(int)), 0};
	if (!t.joined || !t.left) {
		free(t.joined);
		free(t.left);
		return -1;
	}
	int first_founding = 0;
	for (size_t i = 0; i < ms->n; i++) {
		const struct stats_member *m = &ms->m[i];
		if (m->joined > as_of)
			continue;
		t.joined[t.n] = m->joined;
		t.left[t.n++] = m->left;
		if (m->established && (!first_founding || m->established < first_founding))
			first_founding = m->established;
	}
	qsort(t.joined, t.n, sizeof(int), by_day);
	qsort(t.left, t.n, sizeof(int), by_day);
	int year = as_of / 10000;
	s->first_join_year = t.n ? t.joined[0] / 10000 : 0;
	s->members = members_on(&t, as_of);
	int start = s->first_join_year;
	if (first_founding && (!start || first_founding < start))
		start = first_founding;
	if (start && start < STATS_FIRST_YEAR)
		start = STATS_FIRST_YEAR;
	if (start && start <= year) {
		for (int y = start; y <= year; y++) {
			struct stats_year *row = &s->years[s->nyears++];
			memset(row, 0, sizeof(*row));
			row->year = y;
			row->members = members_on(&t, y == year ? as_of : end_of_year(y));
		}
		for (size_t i = 0; i < ms->n; i++) {
			const struct stats_member *m = &ms->m[i];
			if (m->joined > as_of)
				continue;
			s->years[m->joined / 10000 - start].joined++;
			if (m->left <= as_of)
				s->years[m->left / 10000 - start].left++;
			if (m->established >= start && m->established <= year)
				s->years[m->established - start].established++;
		}
	}
	if (t.n)
		monthly(ms, &t, as_of, s);
	project(&t, as_of, target, s);
	free(t.joined);
	free(t.left);
	return 0;
}
