/* The worker pool: work that must not run on an event loop (password
 * hashing, backups, big exports) runs on a pool thread, then its
 * completion is handed back to the request's own loop thread through an
 * h2o multithread queue. If the client went away meanwhile, the completion
 * is called with a NULL ctx so it can free its argument. */
#ifndef SHISA_WORKER_H
#define SHISA_WORKER_H
#include "http/ctx.h"

typedef void (*worker_fn)(void *arg);                        /* pool thread: no db, no h2o */
typedef void (*worker_done_fn)(struct ctx *c, void *arg);    /* loop thread; c may be NULL */

/* Start N pool threads (N >= 1). Return 0 or -1. */
int worker_pool_start(int n);
/* Finish queued work and join the threads. */
void worker_pool_stop(void);
/* Run WORK(ARG) on the pool, then DONE(C, ARG) on C's loop. Return 0 or -1
 * (pool not running; nothing was queued). */
int worker_submit(struct ctx *c, worker_fn work, worker_done_fn done, void *arg);
/* Loop side: deliver finished work (registered by the server per thread). */
void worker_on_done(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages);

#endif
