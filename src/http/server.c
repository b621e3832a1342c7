/* The server's life: bind, open one database connection per loop thread,
 * drop privileges, run the loops, then shut down gracefully. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/log.h"
#include "http/router.h"
#include "http/response_cache.h"
#include "http/server.h"
#include "http/worker.h"
#include "jobs/jobs.h"

#define SHUTDOWN_GRACE_MS 10000

static atomic_bool stop_requested;

bool srv_stopping(void)
{
	return atomic_load(&stop_requested);
}

struct srv_thread *srv_thread_of(h2o_context_t *ctx)
{
	return (struct srv_thread *)ctx;
}

static void on_signal(int sig)
{
	atomic_store(&stop_requested, true);
}

static int open_listener(struct srv *s, char *err, size_t errlen)
{
	char host[80];
	int port;
	if (config_split_listen(s->cfg->listen, host, sizeof(host), &port) < 0) {
		snprintf(err, errlen, "--listen %s: want HOST:PORT, e.g. 127.0.0.1:8080", s->cfg->listen);
		return -1;
	}
	struct sockaddr_storage ss;
	socklen_t sl;
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		sl = sizeof(*sin);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		sl = sizeof(*sin6);
	} else {
		snprintf(err, errlen, "--listen %s: \"%s\" is not an IPv4 or IPv6 address", s->cfg->listen, host);
		return -1;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, SOMAXCONN) < 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", s->cfg->listen, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	sl = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	char addr[64];
	if (ss.ss_family == AF_INET) {
		inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof(addr));
		snprintf(s->bound, sizeof(s->bound), "%s:%d", addr, ntohs(sin->sin_port));
	} else {
		inet_ntop(AF_INET6, &sin6->sin6_addr, addr, sizeof(addr));
		snprintf(s->bound, sizeof(s->bound), "[%s]:%d", addr, ntohs(sin6->sin6_port));
	}
	s->listen_fd = fd;
	return 0;
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
	if (err)
		return;
	struct srv_thread *t = listener->data;
	h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
	if (sock)
		h2o_accept(&t->accept_ctx, sock);
}

/* Idle keep-alive connections would otherwise stay open until their
 * request timeout. Shutting down the reading side makes each one see end of
 * input, so h2o closes it cleanly as soon as it has nothing left to send. */
static int end_reading(h2o_req_t *req, void *unused)
{
	h2o_socket_t *sock = req->conn->callbacks->get_socket(req->conn);
	if (sock)
		shutdown(h2o_socket_get_fd(sock), SHUT_RD);
	return 0;
}

static void run_until(struct srv_thread *t, double deadline, bool (*done)(struct srv_thread *))
{
	while (!done(t) && clock_mono_ms() < deadline)
		h2o_evloop_run(t->ctx.loop, 50);
}

static bool no_inflight(struct srv_thread *t)
{
	return t->inflight == 0;
}

static bool no_connections(struct srv_thread *t)
{
	/* HTTP/2 is off (see srv_run), so its list stays empty; checked anyway. */
	return h2o_linklist_is_empty(&t->ctx.http1._conns) && h2o_linklist_is_empty(&t->ctx.http2._conns);
}

static void *loop_main(void *arg)
{
	struct srv_thread *t = arg;
	h2o_evloop_t *loop = h2o_evloop_create();
	h2o_context_init(&t->ctx, loop, &t->srv->globalconf);
	t->accept_ctx.ctx = &t->ctx;
	t->accept_ctx.hosts = t->srv->globalconf.hosts;
	t->queue = h2o_multithread_create_queue(loop);
	h2o_multithread_register_receiver(t->queue, &t->worker_done, worker_on_done);
	/* Each loop owns a dup() of the listening socket, so it can close its
	 * own at shutdown without pulling the socket from under the others. */
	t->listener = h2o_evloop_socket_create(loop, t->listen_fd, H2O_SOCKET_FLAG_DONT_READ);
	t->listen_fd = -1;
	t->listener->data = t;
	h2o_socket_read_start(t->listener, on_accept);

	while (!srv_stopping())
		h2o_evloop_run(loop, 200);

	/* Stop accepting; answers from now on carry "Connection: close". */
	h2o_socket_read_stop(t->listener);
	h2o_socket_close(t->listener);
	t->listener = NULL;
	h2o_context_request_shutdown(&t->ctx);
	/* Let in-flight work answer, then let every connection finish writing
	 * and close. */
	double deadline = clock_mono_ms() + SHUTDOWN_GRACE_MS;
	run_until(t, deadline, no_inflight);
	t->srv->globalconf.http1.callbacks.foreach_request(&t->ctx, end_reading, NULL);
	run_until(t, deadline, no_connections);

	if (!no_inflight(t) || !no_connections(t)) {
		/* A worker may still post to this loop's queue: keep it all alive. */
		log_kv(LOG_WARN, "shutdown grace period over with work still open", NULL);
		return NULL;
	}
	h2o_multithread_unregister_receiver(t->queue, &t->worker_done);
	h2o_multithread_destroy_queue(t->queue);
	t->queue = NULL;
	/* request_shutdown armed HTTP/2's GOAWAY timer even without HTTP/2
	 * connections; a linked timer must not outlive the context. */
	h2o_timeout_unlink(&t->ctx.http2._graceful_shutdown_timeout);
	h2o_context_dispose(&t->ctx);
	h2o_evloop_destroy(loop);
	return NULL;
}

static int drop_privileges(const char *user, char *err, size_t errlen)
{
	if (getuid() != 0) {
		if (*user)
			log_kv(LOG_WARN, "--user ignored: not started as root", NULL);
		return 0;
	}
	if (!*user) {
		log_kv(LOG_WARN, "running as root: start with --user NAME to drop privileges after binding", NULL);
		return 0;
	}
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		snprintf(err, errlen, "--user %s: no such user", user);
		return -1;
	}
	if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
		snprintf(err, errlen, "cannot switch to user %s: %s", user, strerror(errno));
		return -1;
	}
	log_kv(LOG_INFO, "privileges dropped", "user", user, NULL);
	return 0;
}

static void register_router(struct srv *s)
{
	h2o_hostconf_t *host = h2o_config_register_host(&s->globalconf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
	h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
	h2o_handler_t *h = h2o_create_handler(path, sizeof(*h));
	h->on_req = router_handle;
}

int srv_run(const struct config *cfg)
{
	struct srv s;
	char err[512];
	int status = 1, opened = 0;
	struct jobs_runner *runner = NULL;
	memset(&s, 0, sizeof(s));
	s.cfg = cfg;
	s.listen_fd = -1;
	s.nthreads = cfg->threads > 0 ? cfg->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (s.nthreads < 1)
		s.nthreads = 1;

	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	if (router_init() < 0) {
		fprintf(stderr, "shisa: the route table is invalid (see the log above)\n");
		return 1;
	}
	h2o_config_init(&s.globalconf);
	s.globalconf.max_request_entity_size = router_max_body(cfg);
	s.globalconf.http1.req_timeout = (uint64_t)cfg->request_timeout_s * 1000;
	s.globalconf.server_name = h2o_iovec_init(H2O_STRLIT("shisa"));
	/* HTTP/1.1 only: no "Upgrade: h2c". An upgraded connection that never
	 * sends the HTTP/2 preface would also hold shutdown for the whole grace
	 * period (h2o 2.2 never closes HTTP/2 stragglers by default). */
	s.globalconf.http1.upgrade_to_http2 = 0;
	register_router(&s);
	response_cache_init(cfg->response_cache_bytes);

	if (open_listener(&s, err, sizeof(err)) < 0)
		goto out;
	s.threads = calloc((size_t)s.nthreads, sizeof(*s.threads));
	if (!s.threads) {
		snprintf(err, sizeof(err), "out of memory");
		goto out;
	}
	for (int i = 0; i < s.nthreads; i++)
		s.threads[i].listen_fd = -1;
	for (int i = 0; i < s.nthreads; i++, opened++) {
		s.threads[i].srv = &s;
		s.threads[i].index = i;
		if (db_open(&s.threads[i].db, cfg->db_path, false, err, sizeof(err)) < 0)
			goto out;
		s.threads[i].listen_fd = fcntl(s.listen_fd, F_DUPFD_CLOEXEC, 0);
		if (s.threads[i].listen_fd < 0) {
			snprintf(err, sizeof(err), "cannot duplicate the listening socket: %s", strerror(errno));
			opened++;
			goto out;
		}
	}
	runner = jobs_runner_start(cfg, err, sizeof(err));
	if (!runner)
		goto out;
	if (drop_privileges(cfg->user, err, sizeof(err)) < 0)
		goto out;
	if (worker_pool_start(cfg->workers > 0 ? cfg->workers : s.nthreads) < 0) {
		snprintf(err, sizeof(err), "cannot start the worker pool");
		goto out;
	}
	char nthreads[16];
	snprintf(nthreads, sizeof(nthreads), "%d", s.nthreads);
	log_kv(LOG_INFO, "listening", "addr", s.bound, "threads", nthreads, "db", cfg->db_path, NULL);
	int started = 0;
	while (started < s.nthreads && pthread_create(&s.threads[started].tid, NULL, loop_main, &s.threads[started]) == 0)
		started++;
	if (started < s.nthreads) {
		/* Stop the loops that did start, then fail. */
		atomic_store(&stop_requested, true);
		snprintf(err, sizeof(err), "cannot start event loop thread %d of %d", started + 1, s.nthreads);
	}
	for (int i = 0; i < started; i++)
		pthread_join(s.threads[i].tid, NULL);
	log_kv(LOG_INFO, "shutting down", NULL);
	worker_pool_stop();
	if (started < s.nthreads)
		goto out;
	status = 0;
	err[0] = '\0';
out:
	if (runner)
		jobs_runner_stop(runner);
	for (int i = 0; i < opened; i++) {
		if (s.threads[i].listen_fd >= 0)   /* a loop that never started */
			close(s.threads[i].listen_fd);
		db_close(&s.threads[i].db);
	}
	free(s.threads);
	response_cache_free();
	h2o_config_dispose(&s.globalconf);
	if (s.listen_fd >= 0)
		close(s.listen_fd);
	if (status != 0)
		fprintf(stderr, "shisa: %s\n", err);
	else
		log_kv(LOG_INFO, "stopped cleanly", NULL);
	return status;
}
