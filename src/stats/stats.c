/* The figures for one reader and one day, in one read transaction so that
 * every figure sees the same database; see stats.h. */
#include <stdlib.h>
#include <string.h>
#include "stats/partial_date.h"
#include "stats/stats_int.h"

struct stats *stats_compute(struct db *db, const struct stats_request *rq)
{
	struct partial_date d;
	if (!rq->as_of || partial_date_parse(rq->as_of, &d) < 0 || !d.day || rq->target <= 0)
		return NULL;
	struct stats *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	partial_date_format(&d, s->as_of);
	s->level = rq->level;
	s->detail = rq->detail;
	int as_of = partial_date_first_day(&d);
	struct stats_members ms;
	bool begun = db_read_begin(db);
	int rc = stats_members_load(db, rq, as_of, &ms);
	if (rc == 0) {
		s->hidden = ms.hidden;
		s->undated = ms.undated;
		rc = stats_growth(&ms, as_of, rq->target, s);
		stats_categories(&ms, as_of, s);
		stats_members_release(&ms);
	}
	if (rc == 0 && rq->detail)
		rc = stats_applications(db, rq->as_of_end, s);
	db_read_end(db, begun);
	if (rc < 0) {
		free(s);
		return NULL;
	}
	return s;
}

void stats_free(struct stats *s)
{
	free(s);
}
