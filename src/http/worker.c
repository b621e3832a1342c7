/* The worker pool; see worker.h. A job is shared by the loop (through a
 * hook in the request pool that fires when the request is disposed) and
 * the pool thread; both sides run their part of its life on the loop
 * thread, so its reference count needs no atomics. */
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "http/server.h"
#include "http/worker.h"

#define POOL_NICE 5

struct job {
	h2o_multithread_message_t msg;   /* first: the queue hands it back */
	struct job *next;
	worker_fn work;
	worker_done_fn done;
	void *arg;
	struct ctx *c;                   /* NULL once the request is gone */
	struct srv_thread *thr;
	int refs;                        /* the request hook and the completion */
};

struct job_hook {
	struct job *job;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct job *head, *tail;
static pthread_t *threads;
static int nthreads;
static bool stopping;

static void job_release(struct job *j)
{
	if (--j->refs == 0)
		free(j);
}

static void *pool_main(void *unused)
{
	/* Below the event loops (Linux gives each thread its own nice value):
	 * when both want a core, the loop answering requests goes first, and
	 * pool work still gets every core the loops leave idle. */
	setpriority(PRIO_PROCESS, (id_t)gettid(), POOL_NICE);
	for (;;) {
		pthread_mutex_lock(&lock);
		while (!head && !stopping)
			pthread_cond_wait(&wake, &lock);
		struct job *j = head;
		if (j) {
			head = j->next;
			if (!head)
				tail = NULL;
		}
		pthread_mutex_unlock(&lock);
		if (!j)
			return NULL;
		j->work(j->arg);
		h2o_multithread_send_message(&j->thr->worker_done, &j->msg);
	}
}

int worker_pool_start(int n)
{
	if (n < 1)
		n = 1;
	threads = calloc((size_t)n, sizeof(*threads));
	stopping = false;
	for (int i = 0; i < n; i++) {
		if (pthread_create(&threads[i], NULL, pool_main, NULL) != 0)
			return -1;
		nthreads++;
	}
	return 0;
}

void worker_pool_stop(void)
{
	pthread_mutex_lock(&lock);
	stopping = true;
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	threads = NULL;
	nthreads = 0;
}

/* The request's pool is being freed: the ctx is no longer valid. */
static void on_request_disposed(void *p)
{
	struct job_hook *hook = p;
	hook->job->c = NULL;
	job_release(hook->job);
}

int worker_submit(struct ctx *c, worker_fn work, worker_done_fn done, void *arg)
{
	if (!threads)
		return -1;
	struct job *j = calloc(1, sizeof(*j));
	if (!j)
		return -1;
	j->work = work;
	j->done = done;
	j->arg = arg;
	j->c = c;
	j->thr = c->thr;
	j->refs = 2;
	struct job_hook *hook = h2o_mem_alloc_shared(&c->req->pool, sizeof(*hook), on_request_disposed);
	hook->job = j;
	c->thr->inflight++;
	pthread_mutex_lock(&lock);
	if (tail)
		tail->next = j;
	else
		head = j;
	tail = j;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	return 0;
}

void worker_on_done(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
	while (!h2o_linklist_is_empty(messages)) {
		h2o_multithread_message_t *m = H2O_STRUCT_FROM_MEMBER(h2o_multithread_message_t, link, messages->next);
		h2o_linklist_unlink(&m->link);
		struct job *j = (struct job *)m;
		j->thr->inflight--;
		j->done(j->c, j->arg);
		job_release(j);
	}
}
