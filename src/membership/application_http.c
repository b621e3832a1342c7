/* From a request to a membership service and back; see application_http.h. */
#include "core/buf.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "http/respond.h"
#include "membership/application_http.h"

static void field_error(void *arg, const char *field, const char *msg_key, const char *const vars[])
{
	struct app_http *h = arg;
	if (vars)
		ctx_field_error_fill(h->c, field, msg_key, vars);
	else
		ctx_field_error(h->c, field, msg_key);
}

static void refusal(void *arg, const char *msg_key, const char *const vars[])
{
	struct app_http *h = arg;
	struct buf b;
	buf_init(&b, 1 << 16);
	if (i18n_fill(&b, ctx_t(h->c, msg_key), vars) == 0 && b.data)
		h->refusal = ctx_strndup(h->c, b.data, b.len);
	buf_release(&b);
}

void app_http_begin(struct ctx *c, struct app_http *h)
{
	*h = (struct app_http){
		.call = {
			.db = c->db, .cfg = c->cfg, .actor = c->actor, .request_id = c->rid, .client_addr = c->client_addr,
			.now = clock_now(), .pool = &c->req->pool, .field_error = field_error, .refusal = refusal, .arg = h,
		},
		.c = c,
	};
}

void app_http_fail(struct app_http *h, enum err e)
{
	http_error_message(h->c, e, h->refusal);
}
