/* `shisa serve`: one libh2o event loop per thread over one shared
 * listening socket (a dup() per loop), each thread with its own SQLite connection; a worker
 * pool for slow work; the job runner; graceful shutdown on SIGTERM/SIGINT. */
#ifndef SHISA_SERVER_H
#define SHISA_SERVER_H
#include <h2o.h>
#include <pthread.h>
#include <stdbool.h>
#include "core/config.h"
#include "db/db.h"

struct srv;

struct srv_thread {
	h2o_context_t ctx;            /* first: srv_thread_of() maps back from it */
	struct srv *srv;
	int index;
	pthread_t tid;
	h2o_accept_ctx_t accept_ctx;
	int listen_fd;                /* this loop's dup() of srv.listen_fd, until the loop owns it */
	h2o_socket_t *listener;
	struct db db;
	h2o_multithread_queue_t *queue;
	h2o_multithread_receiver_t worker_done;  /* worker pool -> this loop */
	int inflight;                 /* requests waiting on the worker pool */
};

struct srv {
	const struct config *cfg;
	h2o_globalconf_t globalconf;
	int listen_fd;
	int nthreads;
	struct srv_thread *threads;
	char bound[96];               /* the address actually bound, e.g. 127.0.0.1:40123 */
};

/* Serve until SIGTERM/SIGINT. Return the process exit status. */
int srv_run(const struct config *cfg);
/* The loop thread owning h2o context CTX. */
struct srv_thread *srv_thread_of(h2o_context_t *ctx);
/* True once shutdown has begun. */
bool srv_stopping(void);

#endif
