/* From a request to a membership service and back; see application_http.h. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "auth/password.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "http/respond.h"
#include "http/worker.h"
#include "membership/application_http.h"
#include "membership/application_request.h"

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

struct verify_job {
	char *password, *token;
	char hash[PASSWORD_HASH_MAX];
	int rc;
	void (*done)(struct ctx *c, struct app_http *h, enum err e, int64_t id);
};

static void verify_job_free(struct verify_job *j)
{
	if (j->password)
		sodium_memzero(j->password, strlen(j->password));
	free(j->password);
	free(j->token);
	sodium_memzero(j->hash, sizeof(j->hash));
	free(j);
}

static void verify_work(void *arg)
{
	struct verify_job *j = arg;
	j->rc = password_hash(j->password, j->hash);
}

static void verify_done(struct ctx *c, void *arg)
{
	struct verify_job *j = arg;
	if (!c) {
		verify_job_free(j);
		return;
	}
	struct app_http h;
	int64_t id = 0;
	app_http_begin(c, &h);
	enum err e = j->rc < 0 ? ERR_INTERNAL : application_verify(&h.call, j->token, j->hash, &id);
	void (*done)(struct ctx *, struct app_http *, enum err, int64_t) = j->done;
	verify_job_free(j);
	done(c, &h, e, id);
}

int app_http_verify_later(struct ctx *c, const char *token, const char *password,
                          void (*done)(struct ctx *c, struct app_http *h, enum err e, int64_t id))
{
	struct verify_job *j = calloc(1, sizeof(*j));
	if (!j)
		return -1;
	j->password = strdup(password);
	j->token = strdup(token);
	j->done = done;
	if (!j->password || !j->token || worker_submit(c, verify_work, verify_done, j) < 0) {
		verify_job_free(j);
		return -1;
	}
	return 0;
}
