/* Publishing indexes to lock-free readers: a reference count on each
 * index, and a two-counter epoch that closes the window between a reader
 * loading the current pointer and counting its reference (the scheme and
 * why it is safe: route_index.h, struct rindex_holder).
 *
 * Why a reader that loaded the old pointer is always waited for: it
 * announced itself in entering[e] and then saw the epoch still at e,
 * before loading the pointer, which came before the publisher's swap. If
 * e is the epoch this publisher advances, it waits on entering[e]. If e is
 * older, the publish that advanced e waited for that reader, and it ended
 * before this one began (publishers hold the mutex), so the reader had
 * already counted its reference. All atomics are sequentially consistent:
 * this runs once per request, not once per lookup. */
#include <sched.h>
#include "directory/route_index_int.h"

void (*rindex_holder_test_pause)(void);

void rindex_holder_init(struct rindex_holder *h)
{
	atomic_init(&h->cur, NULL);
	atomic_init(&h->epoch, 0);
	atomic_init(&h->entering[0], 0);
	atomic_init(&h->entering[1], 0);
	pthread_mutex_init(&h->publish_lock, NULL);
}

static void put(struct rindex *ix)
{
	if (ix && atomic_fetch_sub(&ix->refs, 1) == 1)
		rindex_free(ix);
}

void rindex_holder_publish(struct rindex_holder *h, struct rindex *ix)
{
	if (ix)
		atomic_store(&ix->refs, 1);     /* the holder's own reference */
	pthread_mutex_lock(&h->publish_lock);
	struct rindex *old = atomic_exchange(&h->cur, ix);
	unsigned long e = atomic_fetch_add(&h->epoch, 1) & 1;
	while (atomic_load(&h->entering[e]) != 0)
		sched_yield();
	pthread_mutex_unlock(&h->publish_lock);
	put(old);
}

struct rindex *rindex_holder_acquire(struct rindex_holder *h)
{
	unsigned long e;
	for (;;) {
		e = atomic_load(&h->epoch);
		atomic_fetch_add(&h->entering[e & 1], 1);
		if (atomic_load(&h->epoch) == e)
			break;
		atomic_fetch_sub(&h->entering[e & 1], 1);
	}
	struct rindex *ix = atomic_load(&h->cur);
	if (rindex_holder_test_pause)
		rindex_holder_test_pause();
	if (ix)
		atomic_fetch_add(&ix->refs, 1);
	atomic_fetch_sub(&h->entering[e & 1], 1);
	return ix;
}

void rindex_holder_release(struct rindex_holder *h, struct rindex *ix)
{
	(void)h;
	put(ix);
}

void rindex_holder_destroy(struct rindex_holder *h)
{
	rindex_holder_publish(h, NULL);
	pthread_mutex_destroy(&h->publish_lock);
}
