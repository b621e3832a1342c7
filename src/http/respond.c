/* Every response leaves through here; see respond.h. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "core/clock.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "http/authn.h"
#include "http/metrics.h"
#include "http/respond.h"
#include "http/response_cache.h"
#include "http/router.h"
#include "http/server.h"
#include "web/render.h"

/* No inline script or style anywhere: the pages work without JavaScript. */
static const char csp[] =
	"default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

static const char *status_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "";
	}
}

/* h2o keeps pointers to header names and values until the response is
 * written, after the handler returned: callers' values may be on the stack or
 * in a buffer they free, so they are copied into the request pool. */
void http_header(struct ctx *c, const char *name, const char *value)
{
	h2o_iovec_t v = h2o_strdup(&c->req->pool, value, strlen(value));
	h2o_add_header_by_str(&c->req->pool, &c->req->res.headers, name, strlen(name), 1, NULL, v.base, v.len);
}

/* A header whose name and value outlive the response: string literals, or
 * memory of the request itself (its pool, its ctx). */
static void const_header(struct ctx *c, const char *name, const char *value)
{
	h2o_add_header_by_str(&c->req->pool, &c->req->res.headers, name, strlen(name), 1, NULL,
	                      value, strlen(value));
}

static void static_header(struct ctx *c, const h2o_token_t *t, const char *v, size_t n)
{
	h2o_add_header(&c->req->pool, &c->req->res.headers, t, NULL, v, n);
}

void http_cookie(struct ctx *c, const char *name, const char *value, long max_age)
{
	char line[512];
	char age[48] = "";
	if (max_age < 0)
		snprintf(age, sizeof(age), "; Max-Age=0");
	else if (max_age > 0)
		snprintf(age, sizeof(age), "; Max-Age=%ld", max_age);
	snprintf(line, sizeof(line), "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", name, value, age,
	         c->secure ? "; Secure" : "");
	h2o_add_header(&c->req->pool, &c->req->res.headers, H2O_TOKEN_SET_COOKIE, NULL,
	               h2o_strdup(&c->req->pool, line, SIZE_MAX).base, strlen(line));
}

static void access_log(struct ctx *c)
{
	char status[8], dur[24], actor[32];
	double ms = clock_mono_ms() - c->start_ms;
	metrics_observe(c->route_index, c->status, ms);
	if (!log_enabled(LOG_INFO))
		return;
	snprintf(status, sizeof(status), "%d", c->status);
	snprintf(dur, sizeof(dur), "%.3f", ms);
	if (c->actor.user_id)
		snprintf(actor, sizeof(actor), "user:%lld", (long long)c->actor.user_id);
	else
		snprintf(actor, sizeof(actor), "anonymous");
	/* The method as sent, but only printable ASCII reaches the log. */
	char method[12];
	size_t mlen = c->req->method.len < sizeof(method) - 1 ? c->req->method.len : sizeof(method) - 1;
	for (size_t i = 0; i < mlen; i++) {
		char ch = c->req->method.base[i];
		method[i] = ch > 0x20 && ch < 0x7f ? ch : '?';
	}
	method[mlen] = '\0';
	/* The route pattern, never the raw path: paths and queries can carry tokens. */
	log_kv(LOG_INFO, "request", "rid", c->rid, "method", method,
	       "route", c->route ? c->route->pattern : "-", "status", status, "dur_ms", dur,
	       "actor", actor, "addr", c->client_addr, NULL);
}

/* The status and the headers every response carries; false when the
 * request was already answered. */
static bool start_response(struct ctx *c, int status, const char *ctype)
{
	if (c->responded)
		return false;
	c->responded = true;
	c->status = status;
	h2o_req_t *req = c->req;
	req->res.status = status;
	req->res.reason = status_reason(status);
	static_header(c, H2O_TOKEN_CONTENT_TYPE, ctype, strlen(ctype));
	const_header(c, "content-security-policy", csp);
	const_header(c, "x-content-type-options", "nosniff");
	const_header(c, "x-frame-options", "DENY");
	const_header(c, "referrer-policy", "same-origin");
	const_header(c, "cross-origin-opener-policy", "same-origin");
	const_header(c, "x-request-id", c->rid);
	if (c->secure)
		const_header(c, "strict-transport-security", "max-age=31536000");
	if (c->actor.user_id || c->session_id || c->is_api)
		static_header(c, H2O_TOKEN_CACHE_CONTROL, H2O_STRLIT("no-store"));
	if (c->set_csrf_cookie)
		http_cookie(c, COOKIE_CSRF, c->csrf, 0);
	return true;
}

/* The same, and the access line, for a response of LEN bytes. */
static bool begin_response(struct ctx *c, int status, const char *ctype, size_t len)
{
	if (!start_response(c, status, ctype))
		return false;
	c->req->res.content_length = len;
	access_log(c);
	return true;
}

void http_send(struct ctx *c, int status, const char *ctype, const char *body, size_t len)
{
	if (c->cache_key)
		response_cache_keep(c, status, ctype, body, len);
	if (begin_response(c, status, ctype, len))
		h2o_send_inline(c->req, body, len);
}

void http_send_pooled_vec(struct ctx *c, int status, const char *ctype, h2o_iovec_t *v, size_t n)
{
	static h2o_generator_t generator = {NULL, NULL};
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += v[i].len;
	if (!begin_response(c, status, ctype, len))
		return;
	h2o_start_response(c->req, &generator);
	if (h2o_memis(c->req->method.base, c->req->method.len, H2O_STRLIT("HEAD")))
		h2o_send(c->req, NULL, 0, H2O_SEND_STATE_FINAL);
	else
		h2o_send(c->req, v, n, H2O_SEND_STATE_FINAL);
}

void http_send_pooled(struct ctx *c, int status, const char *ctype, const char *body, size_t len)
{
	h2o_iovec_t v = h2o_iovec_init(body, len);
	http_send_pooled_vec(c, status, ctype, &v, 1);
}

void http_stream_start(struct ctx *c, int status, const char *ctype, h2o_generator_t *gen)
{
	start_response(c, status, ctype);
	c->thr->inflight++;
	h2o_start_response(c->req, gen);
}

void http_stream_send(struct ctx *c, h2o_iovec_t *bufs, size_t n, bool final)
{
	if (final) {
		/* Logged before the last piece leaves: h2o may dispose of the
		 * request (and C with it) inside h2o_send. */
		c->thr->inflight--;
		access_log(c);
	}
	h2o_send(c->req, bufs, n, final ? H2O_SEND_STATE_FINAL : H2O_SEND_STATE_IN_PROGRESS);
}

void http_stream_stalled(struct ctx *c, const char *what)
{
	h2o_socket_t *sock = c->req->conn->callbacks->get_socket(c->req->conn);
	log_kv(LOG_WARN, "the client stopped reading; closing", "answer", what, "rid", c->rid, NULL);
	if (sock)
		shutdown(h2o_socket_get_fd(sock), SHUT_RDWR);
}

void http_stream_abort(struct ctx *c)
{
	c->thr->inflight--;
	c->status = 500;
	access_log(c);
	h2o_send(c->req, NULL, 0, H2O_SEND_STATE_ERROR);
}

void http_stream_stopped(struct ctx *c)
{
	c->thr->inflight--;
	c->status = 499;   /* as nginx logs it: the client closed the connection first */
	access_log(c);
}

void http_json(struct ctx *c, int status, const struct buf *b)
{
	http_send(c, status, "application/json; charset=utf-8", b->data ? b->data : "", b->len);
}

void http_json_value(struct ctx *c, int status, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!s) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	http_send(c, status, "application/json; charset=utf-8", s, strlen(s));
	free(s);
}

static void error_json(struct ctx *c, const struct err_info *ei, const char *message)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 1 << 16);
	jw_init(&w, &b);
	jw_obj_begin(&w);
	jw_key(&w, "error");
	jw_obj_begin(&w);
	jw_kstr(&w, "code", ei->code);
	jw_kstr(&w, "message", message);
	jw_kstr(&w, "request_id", c->rid);
	if (c->nfield_errors) {
		jw_key(&w, "fields");
		jw_obj_begin(&w);
		for (int i = 0; i < c->nfield_errors; i++)
			jw_kstr(&w, c->field_errors[i].field, ctx_field_error_text(c, i));
		jw_obj_end(&w);
	}
	jw_obj_end(&w);
	jw_obj_end(&w);
	http_json(c, ei->status, &b);
	buf_release(&b);
}

void http_error(struct ctx *c, enum err e, const char *detail_key)
{
	http_error_message(c, e, ctx_t(c, detail_key ? detail_key : err_info(e)->msg_key));
}

void http_error_message(struct ctx *c, enum err e, const char *message)
{
	const struct err_info *ei = err_info(e);
	if (!message)
		message = ctx_t(c, ei->msg_key);
	if (e == ERR_INTERNAL)
		log_kv(LOG_ERROR, "internal error", "rid", c->rid,
		       "route", c->route ? c->route->pattern : "-", NULL);
	if (c->is_api || !web_ready()) {
		error_json(c, ei, message);
		return;
	}
	json_t *data = json_object();
	json_object_set_new(data, "status", json_integer(ei->status));
	json_object_set_new(data, "code", json_string(ei->code));
	json_object_set_new(data, "message", json_string(message));
	json_t *fields = json_array();
	for (int i = 0; i < c->nfield_errors; i++)
		json_array_append_new(fields, json_pack("{s:s,s:s}", "field", c->field_errors[i].field,
		                                        "message", ctx_field_error_text(c, i)));
	json_object_set_new(data, "fields", fields);
	http_page(c, ei->status, "error.html", data);
}

void http_redirect(struct ctx *c, const char *location)
{
	h2o_add_header(&c->req->pool, &c->req->res.headers, H2O_TOKEN_LOCATION, NULL,
	               h2o_strdup(&c->req->pool, location, SIZE_MAX).base, strlen(location));
	http_send(c, 303, "text/plain; charset=utf-8", "", 0);
}

void http_page(struct ctx *c, int status, const char *name, json_t *data)
{
	struct buf out;
	buf_init(&out, 8u << 20);
	if (web_render_page(c, name, data, &out) < 0) {
		buf_release(&out);
		json_decref(data);
		c->is_api = true;   /* the page machinery failed: answer plainly */
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	json_decref(data);
	http_send(c, status, "text/html; charset=utf-8", out.data, out.len);
	buf_release(&out);
}
