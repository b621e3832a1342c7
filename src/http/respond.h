/* Every response leaves through here: security headers, the request id,
 * the session and language cookies, the access log line and the metrics.
 * API routes get JSON errors {"error":{"code","message","fields"}}; pages
 * get the error page in the reader's language. */
#ifndef SHISA_RESPOND_H
#define SHISA_RESPOND_H
#include <jansson.h>
#include "core/buf.h"
#include "core/err.h"
#include "http/ctx.h"

/* Send BODY (copied) with STATUS and Content-Type CTYPE. */
void http_send(struct ctx *c, int status, const char *ctype, const char *body, size_t len);
/* Send the LEN bytes at BODY without copying them: for large downloads.
 * BODY must stay valid until the request's pool is cleared (tie its
 * release to the pool with h2o_mem_alloc_shared). */
void http_send_pooled(struct ctx *c, int status, const char *ctype, const char *body, size_t len);
/* The same for a body in N pieces (V[0], V[1], ...), sent as they lie. */
void http_send_pooled_vec(struct ctx *c, int status, const char *ctype, h2o_iovec_t *v, size_t n);
/* A response sent in pieces as it is computed, for a long answer that
 * must not hold the event loop. http_stream_start sends STATUS and the
 * headers every response has; GEN (in memory the caller keeps until the
 * end) gets proceed() each time the last piece has been written, and
 * stop() if the connection ends first: then http_stream_stopped. Until
 * the end the request counts as in flight (shutdown waits for it). C must
 * not have been answered. */
void http_stream_start(struct ctx *c, int status, const char *ctype, h2o_generator_t *gen);
/* Send BUFS[0..N), whose memory must stay valid until proceed() or
 * stop(). FINAL ends the response and logs it; C may be gone after. */
void http_stream_send(struct ctx *c, h2o_iovec_t *bufs, size_t n, bool final);
/* A streamed answer's client stopped reading for the request timeout:
 * log it (WHAT names the answer) and shut the connection down, so the
 * pending write fails and h2o calls the generator's stop(). */
void http_stream_stalled(struct ctx *c, const char *what);
/* End the response broken (the client sees it cut short, without the
 * final chunk): for an error found after the status was sent. */
void http_stream_abort(struct ctx *c);
/* From GEN's stop(): the client went away before the end. */
void http_stream_stopped(struct ctx *c);
/* Send the JSON in B (a complete document). */
void http_json(struct ctx *c, int status, const struct buf *b);
/* Send a jansson value as the JSON body. */
void http_json_value(struct ctx *c, int status, json_t *v);
/* Send the error E. DETAIL_KEY, when not NULL, is an i18n key that replaces
 * the generic message. Field errors recorded in C are included. */
void http_error(struct ctx *c, enum err e, const char *detail_key);
/* Send the error E with MESSAGE (already in the reader's language)
 * instead of the generic one; NULL means the generic one. */
void http_error_message(struct ctx *c, enum err e, const char *message);
/* 303 See Other to LOCATION (a local path). */
void http_redirect(struct ctx *c, const char *location);
/* Render template NAME inside the layout with DATA (reference stolen). */
void http_page(struct ctx *c, int status, const char *name, json_t *data);
/* Add a response header. NAME must be a string literal (h2o keeps the
 * pointer); VALUE is copied into the request pool. */
void http_header(struct ctx *c, const char *name, const char *value);
/* Set a cookie: HttpOnly, SameSite=Lax, Path=/, Secure when appropriate.
 * MAX_AGE < 0 deletes it; 0 makes a browser-session cookie. */
void http_cookie(struct ctx *c, const char *name, const char *value, long max_age);

#endif
