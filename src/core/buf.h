/* Growable byte buffers with a hard maximum size, in the spirit of git's
 * strbuf and curl's dynbuf: every buffer says how large it may grow, so no
 * input can make the process allocate without bound. */
#ifndef SHISA_BUF_H
#define SHISA_BUF_H
#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;     /* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
	size_t max;     /* the most bytes this buffer may ever hold */
};

#define BUF_MAX_DEFAULT ((size_t)64 << 20)

/* Start an empty buffer that refuses to grow beyond MAX bytes. */
void buf_init(struct buf *b, size_t max);
/* Free the storage; the buffer may be reused after buf_init. */
void buf_release(struct buf *b);
/* Forget the content, keep the storage. */
void buf_reset(struct buf *b);
/* Hand the storage (malloc'd, NUL-terminated) to the caller; B becomes empty. */
char *buf_detach(struct buf *b, size_t *len);

/* Append. Return 0, or -1 when the buffer would exceed its maximum or memory
 * ran out; on -1 the buffer is left as it was. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);

/* For writers that know a bound and want no call per piece: room for N
 * more bytes, returned as the address to write them at (B->data +
 * B->len), or NULL as buf_add would fail. Write at most N bytes there,
 * then buf_commit(B, END) with END just past the last byte written. */
char *buf_reserve(struct buf *b, size_t n);
void buf_commit(struct buf *b, char *end);

#endif
