/* Kept answers, one table for every loop thread; see response_cache.h.
 *
 * A mutex guards the table: a hit holds it for one lookup and one copy
 * (a few microseconds for a page), far below the cost of drawing it. It
 * spins a little before it sleeps, since it is never held for long: two
 * loops reading at once wait for each other without a system call.
 * Entries are chained per hash bucket and listed oldest first, so the
 * memory bound evicts the oldest. Invalidation drops everything and bumps
 * a generation; an answer drawn under an older generation is not kept.
 *
 * A hit sends the kept body where it lies, never copied: the request
 * holds a reference to its entry until h2o clears the request's pool, so
 * an entry dropped meanwhile is freed only when the last answer sending
 * it is done. The CSRF token goes into the holes as pieces of its own. */
#include <pthread.h>
#include <stdatomic.h>
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
	atomic_long refs;              /* the table's (while listed) and each sending request's */
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

static void entry_free(struct entry *e)
{
	free(e->key);
	free(e->body);
	free(e);
}

static void entry_release(struct entry *e)
{
	if (atomic_fetch_sub_explicit(&e->refs, 1, memory_order_acq_rel) == 1)
		entry_free(e);
}

/* h2o's dispose callback of a request's hold on an entry. */
static void drop_hold(void *p)
{
	entry_release(*(struct entry **)p);
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
	entry_release(e);
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

/* Append N bytes at S to KEY[*AT..MAX_KEY); false when they do not fit. */
static bool key_put(char *key, size_t *at, const void *s, size_t n)
{
	if (n >= MAX_KEY - *at)
		return false;
	memcpy(key + *at, s, n);
	*at += n;
	return true;
}

static bool key_put_line(char *key, size_t *at, const char *s, size_t n)
{
	return key_put(key, at, s, n) && key_put(key, at, "\n", 1);
}

/* Everything an answer may depend on: the method, language, user name and
 * time zone a line each, the actor's ids as they lie in memory, then the
 * path; false when the request is too unusual to keep (a path over
 * MAX_KEY). Built without printf: it runs for every cached answer. */
static bool make_key(struct ctx *c, char *key, size_t *len)
{
	const h2o_req_t *r = c->req;
	const char *lang = lang_code(c->lang);
	const int64_t ids[3] = { c->actor.user_id, c->actor.org_id, (int64_t)c->actor.role };
	size_t at = 0;
	if (!key_put_line(key, &at, r->method.base, r->method.len) ||
	    !key_put_line(key, &at, lang, strlen(lang)) || !key_put(key, &at, ids, sizeof(ids)) ||
	    !key_put_line(key, &at, c->user_name, strlen(c->user_name)) ||
	    !key_put_line(key, &at, c->user_tz, strlen(c->user_tz)) ||
	    !key_put(key, &at, r->path.base, r->path.len))
		return false;
	*len = at;
	return true;
}

static struct entry *find(uint64_t hash, const char *key, size_t len)
{
	for (struct entry *e = cache.bucket[hash % NBUCKETS]; e; e = e->chain)
		if (e->hash == hash && e->key_len == len && memcmp(e->key, key, len) == 0)
			return e;
	return NULL;
}

/* E's body with C's CSRF token in its holes, as pieces into V (room for
 * 2 * MAX_HOLES + 1); return how many. */
static size_t pieces(struct ctx *c, const struct entry *e, h2o_iovec_t *v)
{
	size_t n = 0, from = 0, tl = strlen(c->csrf);
	for (int i = 0; i < e->nholes; i++) {
		v[n++] = h2o_iovec_init(e->body + from, e->holes[i] - from);
		v[n++] = h2o_iovec_init(c->csrf, tl);
		from = e->holes[i];
	}
	v[n++] = h2o_iovec_init(e->body + from, e->body_len - from);
	return n;
}

bool response_cache_answer(struct ctx *c)
{
	char key[MAX_KEY];
	size_t len;
	if (!cache.max_bytes || !make_key(c, key, &len))
		return false;
	uint64_t hash = fnv1a(key, len);
	double now = clock_mono_ms();
	pthread_mutex_lock(&cache.lock);
	struct entry *e = find(hash, key, len);
	if (e && now - e->kept_ms > RESPONSE_CACHE_TTL_MS) {
		unlink_entry(e);
		e = NULL;
	}
	if (e) {
		cache.hits++;
		atomic_fetch_add_explicit(&e->refs, 1, memory_order_relaxed);
	} else {
		cache.misses++;
		c->cache_key = ctx_strndup(c, key, len);
		c->cache_key_len = len;
		c->cache_hash = hash;
		c->cache_generation = cache.generation;
	}
	pthread_mutex_unlock(&cache.lock);
	if (!e)
		return false;
	/* The entry is immutable once kept, and ours until the pool is cleared. */
	struct entry **hold = h2o_mem_alloc_shared(&c->req->pool, sizeof(*hold), drop_hold);
	*hold = e;
	h2o_iovec_t v[2 * MAX_HOLES + 1];
	http_send_pooled_vec(c, 200, e->ctype, v, pieces(c, e, v));
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
		entry_free(e);
		return;
	}
	memcpy(e->key, c->cache_key, c->cache_key_len);
	e->key_len = c->cache_key_len;
	e->hash = c->cache_hash;
	snprintf(e->ctype, sizeof(e->ctype), "%s", ctype);
	e->size = sizeof(*e) + e->key_len + e->body_len;
	e->kept_ms = clock_mono_ms();
	atomic_init(&e->refs, 1);
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
	if (!keep)
		entry_free(e);
}

void response_cache_stats(struct response_cache_stats *s)
{
	pthread_mutex_lock(&cache.lock);
	*s = (struct response_cache_stats){cache.hits, cache.misses, cache.kept, cache.entries, cache.bytes};
	pthread_mutex_unlock(&cache.lock);
}
