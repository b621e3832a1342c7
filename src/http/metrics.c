/* Prometheus counters; see metrics.h. */
#include <stdatomic.h>
#include <string.h>
#include "http/metrics.h"
#include "http/response_cache.h"
#include "directory/search_service.h"
#include "http/router.h"
#include "jobs/jobs.h"

#define MAX_ROUTE_SLOTS 513   /* routes + one for "no route" */
#define STATUS_CLASSES 5      /* 1xx..5xx */

static const double bounds_ms[] = {1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000};
#define NBUCKETS (sizeof(bounds_ms) / sizeof(bounds_ms[0]))

static atomic_ulong requests[MAX_ROUTE_SLOTS][STATUS_CLASSES];
static atomic_ulong buckets[NBUCKETS + 1];
static atomic_ulong latency_count;
static atomic_ullong latency_sum_us;

void metrics_observe(int route_index, int status, double ms)
{
	int slot = route_index < 0 || route_index >= MAX_ROUTE_SLOTS - 1 ? MAX_ROUTE_SLOTS - 1 : route_index;
	int cls = status / 100 - 1;
	if (cls < 0 || cls >= STATUS_CLASSES)
		cls = STATUS_CLASSES - 1;
	atomic_fetch_add_explicit(&requests[slot][cls], 1, memory_order_relaxed);
	size_t b = 0;
	while (b < NBUCKETS && ms > bounds_ms[b])
		b++;
	atomic_fetch_add_explicit(&buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&latency_count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&latency_sum_us, (unsigned long long)(ms * 1000), memory_order_relaxed);
}

void metrics_render(struct buf *out, struct db *db)
{
	size_t n = router_count();
	buf_adds(out, "# HELP shisa_http_requests_total HTTP requests by route and status class.\n"
	              "# TYPE shisa_http_requests_total counter\n");
	for (int i = 0; i < MAX_ROUTE_SLOTS; i++) {
		const struct route *r = i < (int)n ? router_route_at((size_t)i) : NULL;
		if (i < MAX_ROUTE_SLOTS - 1 && !r)
			continue;
		for (int cls = 0; cls < STATUS_CLASSES; cls++) {
			unsigned long v = atomic_load_explicit(&requests[i][cls], memory_order_relaxed);
			if (!v)
				continue;
			buf_printf(out, "shisa_http_requests_total{method=\"%s\",route=\"%s\",status=\"%dxx\"} %lu\n",
			           r ? r->method : "", r ? r->pattern : "unmatched", cls + 1, v);
		}
	}
	buf_adds(out, "# HELP shisa_http_request_duration_seconds Time to answer a request.\n"
	              "# TYPE shisa_http_request_duration_seconds histogram\n");
	unsigned long cum = 0;
	for (size_t b = 0; b < NBUCKETS; b++) {
		cum += atomic_load_explicit(&buckets[b], memory_order_relaxed);
		buf_printf(out, "shisa_http_request_duration_seconds_bucket{le=\"%g\"} %lu\n", bounds_ms[b] / 1000, cum);
	}
	cum += atomic_load_explicit(&buckets[NBUCKETS], memory_order_relaxed);
	buf_printf(out, "shisa_http_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n", cum);
	buf_printf(out, "shisa_http_request_duration_seconds_sum %.6f\n",
	           (double)atomic_load_explicit(&latency_sum_us, memory_order_relaxed) / 1e6);
	buf_printf(out, "shisa_http_request_duration_seconds_count %lu\n",
	           atomic_load_explicit(&latency_count, memory_order_relaxed));
	buf_printf(out, "# HELP shisa_db_size_bytes Size of the SQLite database file.\n"
	                "# TYPE shisa_db_size_bytes gauge\nshisa_db_size_bytes %lld\n",
	           (long long)db_size_bytes(db));
	buf_printf(out, "# HELP shisa_jobs_queued Jobs waiting to run (outbox depth).\n"
	                "# TYPE shisa_jobs_queued gauge\nshisa_jobs_queued %lld\n",
	           (long long)jobs_queued(db));
	buf_printf(out, "# HELP shisa_jobs_failed Jobs that gave up after their last attempt.\n"
	                "# TYPE shisa_jobs_failed gauge\nshisa_jobs_failed %lld\n",
	           (long long)jobs_failed(db));
	struct response_cache_stats rc;
	response_cache_stats(&rc);
	buf_printf(out, "# HELP shisa_response_cache_hits_total Directory answers sent from memory.\n"
	                "# TYPE shisa_response_cache_hits_total counter\nshisa_response_cache_hits_total %llu\n"
	                "# HELP shisa_response_cache_misses_total Directory answers drawn from the database.\n"
	                "# TYPE shisa_response_cache_misses_total counter\nshisa_response_cache_misses_total %llu\n"
	                "# HELP shisa_response_cache_bytes Memory held by kept answers.\n"
	                "# TYPE shisa_response_cache_bytes gauge\nshisa_response_cache_bytes %llu\n",
	           rc.hits, rc.misses, rc.bytes);
	search_service_metrics(out, db);
}
