/* Kept answers, one table for every loop thread; see response_cache.h.
 *
 * A mutex guards the table: a hit holds it for one lookup and one copy
 * (a few microseconds for a page), far below the cost of drawing it. It
 * spins a little before it sleeps, since it is never held for long: two
 * loops reading at once wait for each other without a system call.
 * Entries are chained per hash bucket and listed oldest first, so the
 * memory bound evicts the oldest. Invalidation frees everything and bumps
 * a generation; an answer drawn under an older generation is not kept. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "http/respond.h"
#include "http/response_cache.h"

#define NBUCKETS 4096
#define MAX_KEY 4096
#define MAX_HOLES 8

struct entry {
	struct entry *chain;           /* same bucket */
	struct entry *older, *newer;   /* the order kept in */
	uint64_t hash;
	double kept_ms;
	size_t key_len, body_len, size;
	size_t holes[MAX_HOLES];       /* where the CSRF token goes back, in body */
	int nholes;
	char ctype[64];
	char *key, *body;
};

static struct {
	pthread_mutex_t lock;
	size_t max_bytes, bytes;
	uint64_t generation;
	struct entry *bucket[NBUCKETS];
	struct entry *oldest, *newest;
	unsigned long long hits, misses, kept, entries;
} cache = {.lock = PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP};

void response_cache_init(size_t max_bytes)
{
	pthread_mutex_lock(&cache.lock);
	cache.max_bytes = max_bytes;
	pthread_mutex_unlock(&cache.lock);
}

static void unlink_entry(struct entry *e)
{
	struct entry **p = &cache.bucket[e->hash % NBUCKETS];
	while (*p != e)
		p = &(*p)->chain;
	*p = e->chain;
	if (e->older)
		e->older->newer = e->newer;
	else
		cache.oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		cache.newest = e->older;
	cache.bytes -= e->size;
	cache.entries--;
	free(e->key);
	free(e->body);
	free(e);
}

static void drop_all(void)
{
	while (cache.oldest)
		unlink_entry(cache.oldest);
}

void response_cache_free(void)
{
	pthread_mutex_lock(&cache.lock);
	drop_all();
	pthread_mutex_unlock(&cache.lock);
}

void response_cache_invalidate(void)
{
	pthread_mutex_lock(&cache.lock);
	cache.generation++;
	drop_all();
	pthread_mutex_unlock(&cache.lock);
}

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* Everything an answer may depend on, one field a line; false when the
 * request is too unusual to keep (a path over MAX_KEY). */
static bool make_key(struct ctx *c, char *key, size_t *len)
{
	const h2o_req_t *r = c->req;
	int n = snprintf(key, MAX_KEY, "%.*s\n%s\n%lld\n%d\n%lld\n%s\n%s\n",
	                 (int)r->method.len, r->method.base, lang_code(c->lang), (long long)c->actor.user_id, (int)c->actor.role,
	                 (long long)c->actor.org_id, c->user_name, c->user_tz);
	if (n < 0 || (size_t)n + r->path.len >= MAX_KEY)
		return false;
	memcpy(key + n, r->path.base, r->path.len);
	*len = (size_t)n + r->path.len;
	return true;
}

static struct entry *find(uint64_t hash, const char *key, size_t len)
{
	for (struct entry *e = cache.bucket[hash % NBUCKETS]; e; e = e->chain)
		if (e->hash == hash && e->key_len == len && memcmp(e->key, key, len) == 0)
			return e;
	return NULL;
}

/* The kept body with C's CSRF token put back, in C's request pool. */
static char *fill(struct ctx *c, const struct entry *e, size_t *len)
{
	size_t tl = strlen(c->csrf);
	*len = e->body_len + (size_t)e->nholes * tl;
	char *out = h2o_mem_alloc_pool(&c->req->pool, *len ? *len : 1), *w = out;
	size_t from = 0;
	for (int i = 0; i < e->nholes; i++) {
		memcpy(w, e->body + from, e->holes[i] - from);
		w += e->holes[i] - from;
		memcpy(w, c->csrf, tl);
		w += tl;
		from = e->holes[i];
	}
	memcpy(w, e->body + from, e->body_len - from);
	return out;
}

bool response_cache_answer(struct ctx *c)
{
	char key[MAX_KEY];
	size_t len;
	if (!cache.max_bytes || !make_key(c, key, &len))
		return false;
	uint64_t hash = fnv1a(key, len);
	double now = clock_mono_ms();
	char *body = NULL, *ctype = NULL;
	size_t body_len = 0;
	pthread_mutex_lock(&cache.lock);
	struct entry *e = find(hash, key, len);
	if (e && now - e->kept_ms > RESPONSE_CACHE_TTL_MS) {
		unlink_entry(e);
		e = NULL;
	}
	if (e) {
		cache.hits++;
		body = fill(c, e, &body_len);
		ctype = ctx_strndup(c, e->ctype, strlen(e->ctype));
	} else {
		cache.misses++;
		c->cache_key = ctx_strndup(c, key, len);
		c->cache_key_len = len;
		c->cache_hash = hash;
		c->cache_generation = cache.generation;
	}
	pthread_mutex_unlock(&cache.lock);
	if (!body)
		return false;
	http_send_pooled(c, 200, ctype, body, body_len);
	return true;
}

/* Cut C's CSRF token out of BODY into E; false if the answer should not be
 * kept (more tokens than holes, or the request id inside it). */
static bool cut_holes(struct ctx *c, struct entry *e, const char *body, size_t len)
{
	size_t tl = strlen(c->csrf), from = 0, w = 0;
	if (memmem(body, len, c->rid, strlen(c->rid)))
		return false;
	e->body = malloc(len ? len : 1);
	if (!e->body)
		return false;
	for (const char *hit; tl && (hit = memmem(body + from, len - from, c->csrf, tl)) != NULL;) {
		if (e->nholes == MAX_HOLES)
			return false;
		size_t n = (size_t)(hit - body) - from;
		memcpy(e->body + w, body + from, n);
		w += n;
		e->holes[e->nholes++] = w;
		from += n + tl;
	}
	memcpy(e->body + w, body + from, len - from);
	e->body_len = w + len - from;
	return true;
}

void response_cache_keep(struct ctx *c, int status, const char *ctype, const char *body, size_t len)
{
	if (!c->cache_key || status != 200 || strlen(ctype) >= sizeof(((struct entry *)0)->ctype))
		return;
	struct entry *e = calloc(1, sizeof(*e));
	if (!e)
		return;
	e->key = malloc(c->cache_key_len);
	if (!e->key || !cut_holes(c, e, body, len)) {
		free(e->key);
		free(e->body);
		free(e);
		return;
	}
	memcpy(e->key, c->cache_key, c->cache_key_len);
	e->key_len = c->cache_key_len;
	e->hash = c->cache_hash;
	snprintf(e->ctype, sizeof(e->ctype), "%s", ctype);
	e->size = sizeof(*e) + e->key_len + e->body_len;
	e->kept_ms = clock_mono_ms();
	pthread_mutex_lock(&cache.lock);
	/* Not when the data changed while it was drawn, nor one answer over an
	 * eighth of the budget. */
	bool keep = c->cache_generation == cache.generation && e->size <= cache.max_bytes / 8;
	if (keep) {
		struct entry *old = find(e->hash, e->key, e->key_len);
		if (old)
			unlink_entry(old);
		while (cache.oldest && cache.bytes + e->size > cache.max_bytes)
			unlink_entry(cache.oldest);
		e->chain = cache.bucket[e->hash % NBUCKETS];
		cache.bucket[e->hash % NBUCKETS] = e;
		e->older = cache.newest;
		if (cache.newest)
			cache.newest->newer = e;
		else
			cache.oldest = e;
		cache.newest = e;
		cache.bytes += e->size;
		cache.entries++;
		cache.kept++;
	}
	pthread_mutex_unlock(&cache.lock);
	c->cache_key = NULL;
	if (!keep) {
		free(e->key);
		free(e->body);
		free(e);
	}
}

void response_cache_stats(struct response_cache_stats *s)
{
	pthread_mutex_lock(&cache.lock);
	*s = (struct response_cache_stats){cache.hits, cache.misses, cache.kept, cache.entries, cache.bytes};
	pthread_mutex_unlock(&cache.lock);
}
