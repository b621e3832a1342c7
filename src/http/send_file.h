/* Answers streamed from a file a handler has written first: a large
 * export made on the worker pool into an unnamed temporary file. However
 * large the file, the answer holds one piece in memory, read only once
 * h2o has written the one before, so a slow client costs a file
 * descriptor rather than the whole document in memory. A client that
 * stops reading for the request timeout has its connection closed. */
#ifndef SHISA_SEND_FILE_H
#define SHISA_SEND_FILE_H
#include <sys/types.h>
#include "http/ctx.h"

/* Send the SIZE bytes of FD from offset 0 with STATUS and CTYPE, plus
 * Content-Length. FD is the answer's from now on: closed when the answer
 * ends, however it ends. */
void http_send_fd(struct ctx *c, int status, const char *ctype, int fd, off_t size);

#endif
