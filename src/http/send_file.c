/* A file sent in pieces through h2o's generator; see send_file.h. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "core/log.h"
#include "http/respond.h"
#include "http/send_file.h"

#define PIECE_BYTES ((size_t)256 << 10)

struct file_answer {
	h2o_generator_t gen;          /* first: h2o hands it back to proceed/stop */
	struct ctx *c;
	int fd;
	off_t sent, size;
	h2o_timeout_entry_t stall;    /* linked while a piece waits for the client */
	char *piece;
};

/* Read LEN bytes at OFF, whole: 0, or -1. */
static int read_at(int fd, char *to, size_t len, off_t off)
{
	while (len) {
		ssize_t n = pread(fd, to, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		to += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

static void send_piece(struct file_answer *f)
{
	size_t len = f->size - f->sent < (off_t)PIECE_BYTES ? (size_t)(f->size - f->sent) : PIECE_BYTES;
	if (read_at(f->fd, f->piece, len, f->sent) < 0) {
		/* Too late for a status: the client sees the answer cut short. */
		log_kv(LOG_ERROR, "cannot read the file being sent", "rid", f->c->rid, "error", strerror(errno), NULL);
		http_stream_abort(f->c);
		return;
	}
	f->sent += (off_t)len;
	h2o_iovec_t v = h2o_iovec_init(f->piece, len);
	bool last = f->sent == f->size;
	if (!last)
		h2o_timeout_link(f->c->req->conn->ctx->loop, &f->c->req->conn->ctx->http1.req_timeout, &f->stall);
	/* After the last piece h2o may free the request, and F with it. */
	http_stream_send(f->c, &v, 1, last);
}

static void on_proceed(h2o_generator_t *gen, h2o_req_t *req)
{
	struct file_answer *f = (struct file_answer *)gen;
	h2o_timeout_unlink(&f->stall);
	send_piece(f);
}

static void on_stop(h2o_generator_t *gen, h2o_req_t *req)
{
	struct file_answer *f = (struct file_answer *)gen;
	if (h2o_timeout_is_linked(&f->stall))
		h2o_timeout_unlink(&f->stall);
	http_stream_stopped(f->c);
}

static void on_stall(h2o_timeout_entry_t *entry)
{
	struct file_answer *f = H2O_STRUCT_FROM_MEMBER(struct file_answer, stall, entry);
	http_stream_stalled(f->c, "download");
}

/* With the request's memory: the file goes too. */
static void on_dispose(void *p)
{
	struct file_answer *f = p;
	if (h2o_timeout_is_linked(&f->stall))
		h2o_timeout_unlink(&f->stall);
	close(f->fd);
}

void http_send_fd(struct ctx *c, int status, const char *ctype, int fd, off_t size)
{
	struct file_answer *f = h2o_mem_alloc_shared(&c->req->pool, sizeof(*f), on_dispose);
	memset(f, 0, sizeof(*f));
	f->gen.proceed = on_proceed;
	f->gen.stop = on_stop;
	f->c = c;
	f->fd = fd;
	f->size = size;
	f->stall.cb = on_stall;
	f->piece = h2o_mem_alloc_pool(&c->req->pool, PIECE_BYTES);
	c->req->res.content_length = (size_t)size;
	http_stream_start(c, status, ctype, &f->gen);
	if (size == 0) {
		http_stream_send(c, NULL, 0, true);
		return;
	}
	send_piece(f);
}
