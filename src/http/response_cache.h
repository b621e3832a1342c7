/* Answers to the reads many readers repeat (the directory's list and its
 * records), kept as sent so the next identical request is answered from
 * memory instead of the database and the templates.
 *
 * An answer is kept under the method, path and query, the reader (user,
 * role, organisation, name, time zone) and the language. The one
 * per-request value inside a page, the CSRF token of its forms, is cut out
 * when kept and filled in again when sent. Kept answers are dropped when
 * the data under them changes (response_cache_invalidate): at once for a
 * change the server makes itself (directory_changed, the snapshot
 * service), and within a second for one made by another process (the
 * directory's watch, dir_version.h, calls directory_changed too), the
 * same delay as the search index and the router. An answer drawn while a
 * change was made is not kept. Every answer is dropped after
 * RESPONSE_CACHE_TTL_MS in any case, so what depends on the clock (an
 * overdue record, an expiring key) is never older than that. Only 200
 * answers are kept; memory is bounded by response_cache_size.
 *
 * Finding an answer costs no database read: a request answered from
 * memory makes no system call but its own read and write. */
#ifndef SHISA_RESPONSE_CACHE_H
#define SHISA_RESPONSE_CACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "http/ctx.h"

#define RESPONSE_CACHE_TTL_MS 30000

/* Keep at most MAX_BYTES of answers; 0 turns the cache off. Call before
 * serving. */
void response_cache_init(size_t max_bytes);
/* Free every kept answer (at exit). */
void response_cache_free(void);
/* The data answers are drawn from changed: forget them all. Safe from any
 * thread, and from processes that serve nothing (then it does nothing). */
void response_cache_invalidate(void);
/* At the start of a cacheable handler: send the kept answer to this
 * request and return true; or return false and mark C so that its 200
 * answer is kept when sent (http_send calls response_cache_keep). */
bool response_cache_answer(struct ctx *c);
/* Keep BODY as C's answer if C was marked by response_cache_answer and
 * nothing changed since it started. */
void response_cache_keep(struct ctx *c, int status, const char *ctype, const char *body, size_t len);

struct response_cache_stats {
	unsigned long long hits, misses, kept, entries, bytes;
};
/* Counters for /metrics and tests. */
void response_cache_stats(struct response_cache_stats *s);

#endif
