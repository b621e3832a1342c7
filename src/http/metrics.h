/* Prometheus metrics: requests by route and status, a latency histogram,
 * the database size and the job queue depth. Counters are atomics shared
 * by all loop threads. */
#ifndef SHISA_METRICS_H
#define SHISA_METRICS_H
#include "core/buf.h"
#include "db/db.h"

/* Count one request to route ROUTE_INDEX (-1 when no route matched). */
void metrics_observe(int route_index, int status, double ms);
/* Append the text exposition format to OUT, reading gauges from DB. */
void metrics_render(struct buf *out, struct db *db);

#endif
