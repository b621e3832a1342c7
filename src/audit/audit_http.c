/* The audit log, newest first, for the secretariat: filters (action
 * prefix, actor, object type, a date range in the reader's time zone),
 * cursor pages, and on the page a line saying whether the hash chain is
 * whole. Walking the chain hashes every row, so it runs on the worker pool
 * with its own database connection, and only while the log is small
 * enough to walk on a page view; beyond that, `shisa audit verify`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit/audit.h"
#include "audit/audit_http.h"
#include "core/clock.h"
#include "core/json_writer.h"
#include "http/list_page.h"
#include "http/input.h"
#include "http/respond.h"
#include "http/worker.h"

#define VERIFY_MAX_ROWS 100000
#define REPLY_MAX ((size_t)8 << 20)

struct audit_query {
	struct audit_filter f;
	const char *action, *object_type, *from, *to;   /* as given, for the links */
	int64_t actor;
	int limit;
	int64_t cursor;
};

/* Read the filters from the query string. Dates are whole days in the
 * reader's zone: from the start of FROM to the end of TO. */
static bool read_query(struct ctx *c, struct audit_query *q)
{
	int64_t start, end;
	memset(q, 0, sizeof(*q));
	q->action = q->f.action_prefix = input_query_text(c, "action", 64);
	q->actor = q->f.actor_user_id = input_query_id(c, "actor");
	q->object_type = q->f.object_type = input_query_text(c, "object_type", 32);
	q->from = input_query_text(c, "from", 32);
	q->to = input_query_text(c, "to", 32);
	if (q->from) {
		if (clock_local_day(q->from, c->user_tz, &start, &end) < 0)
			ctx_field_error(c, "from", "field.bad_date");
		else
			q->f.ts_from = start;
	}
	if (q->to) {
		if (clock_local_day(q->to, c->user_tz, &start, &end) < 0)
			ctx_field_error(c, "to", "field.bad_date");
		else
			q->f.ts_to = end;
	}
	if (q->f.ts_from && q->f.ts_to && q->f.ts_to <= q->f.ts_from)
		ctx_field_error(c, "to", "audit.to_before_from");
	q->limit = input_limit(c);
	q->cursor = input_cursor(c);
	return input_ok(c);
}

/* A page of rows (http/list_page.h), for the page or the API. */
struct rows {
	struct ctx *c;
	json_t *arr;       /* page */
	struct jw *w;      /* API */
	struct list_page lp;
};

/* ---- the page ---- */

static void page_row(const struct audit_row *a, void *arg)
{
	struct rows *r = arg;
	if (!list_page_take(&r->lp, a->id))
		return;
	char when[64];
	clock_local(a->ts, r->c->user_tz, when, sizeof(when));
	json_t *v = json_object();
	json_object_set_new(v, "id", json_integer(a->id));
	json_object_set_new(v, "time", json_string(when));
	if (a->actor_user_id)
		json_object_set_new(v, "actor_id", json_integer(a->actor_user_id));
	json_object_set_new(v, "actor_name", json_string(a->actor_name));
	json_object_set_new(v, "org_name", json_string(a->org_name));
	json_object_set_new(v, "action", json_string(a->action));
	json_object_set_new(v, "object_type", json_string(a->object_type));
	json_object_set_new(v, "object_id", json_string(a->object_id));
	json_object_set_new(v, "request_id", json_string(a->request_id));
	json_object_set_new(v, "client_addr", json_string(a->client_addr));
	json_object_set_new(v, "detail", json_string(a->detail));
	json_array_append_new(r->arr, v);
}

struct verify_job {
	char db_path[512];
	json_t *data;           /* the page, waiting for its status line */
	int rc;
	struct audit_check chk;
};

static void verify_work(void *arg)
{
	struct verify_job *j = arg;
	struct db db;
	char err[256];
	j->rc = -1;
	if (db_open(&db, j->db_path, false, err, sizeof(err)) == 0) {
		j->rc = audit_verify(&db, &j->chk);
		db_close(&db);
	}
}

static void verify_status(struct ctx *c, json_t *d, const char *key, int64_t n)
{
	char num[24];
	struct buf b;
	buf_init(&b, 4096);
	snprintf(num, sizeof(num), "%lld", (long long)n);
	const char *vars[] = {"n", num, NULL};
	i18n_fill(&b, ctx_t(c, key), vars);
	json_object_set_new(d, "verify_text", json_string(b.data ? b.data : ""));
	buf_release(&b);
	const char *cls = !strcmp(key, "audit.verify.ok") ? "notice ok" : !strcmp(key, "audit.verify.broken") ? "notice bad" : "hint";
	json_object_set_new(d, "verify_class", json_string(cls));
}

static void verify_done(struct ctx *c, void *arg)
{
	struct verify_job *j = arg;
	if (c) {
		if (j->rc == 0)
			verify_status(c, j->data, "audit.verify.ok", j->chk.checked);
		else if (j->rc == 1)
			verify_status(c, j->data, "audit.verify.broken", j->chk.first_broken_id);
		else
			verify_status(c, j->data, "audit.verify.failed", 0);
		http_page(c, 200, "admin_audit.html", j->data);
	} else {
		json_decref(j->data);
	}
	free(j);
}

static void audit_page(struct ctx *c)
{
	struct audit_query q;
	bool ok = read_query(c, &q);
	json_t *d = json_object();
	json_object_set_new(d, "title", json_string(ctx_t(c, "audit.title")));
	json_t *errs = ctx_field_errors_json(c);
	json_object_set_new(d, "errors", errs);
	json_object_set_new(d, "f_action", json_string(q.action ? q.action : ""));
	json_object_set_new(d, "f_object_type", json_string(q.object_type ? q.object_type : ""));
	json_object_set_new(d, "f_from", json_string(q.from ? q.from : ""));
	json_object_set_new(d, "f_to", json_string(q.to ? q.to : ""));
	if (q.actor)
		json_object_set_new(d, "f_actor", json_integer(q.actor));
	json_object_set_new(d, "limit", json_integer(q.limit));
	json_object_set_new(d, "tz", json_string(c->user_tz));
	if (!ok) {
		/* Show the form again with what is wrong, and no rows. */
		json_object_set_new(d, "rows", json_array());
		http_page(c, 422, "admin_audit.html", d);
		return;
	}
	struct rows r = {.c = c, .arr = json_array(), .lp = {.limit = q.limit}};
	json_object_set_new(d, "rows", r.arr);
	if (audit_list(c->db, &q.f, q.cursor, q.limit + 1, page_row, &r) < 0) {
		json_decref(d);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	if (r.lp.more)
		json_object_set_new(d, "next_cursor", json_integer(r.lp.last));
	if (q.cursor)
		json_object_set_new(d, "paged", json_true());

	int64_t total = audit_last_id(c->db);
	if (total < 0) {
		json_decref(d);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	if (total >= VERIFY_MAX_ROWS) {
		verify_status(c, d, "audit.verify.too_many", total);
		http_page(c, 200, "admin_audit.html", d);
		return;
	}
	struct verify_job *j = calloc(1, sizeof(*j));
	if (j) {
		snprintf(j->db_path, sizeof(j->db_path), "%s", c->cfg->db_path);
		j->data = d;
		if (worker_submit(c, verify_work, verify_done, j) == 0)
			return;
		free(j);
	}
	verify_status(c, d, "audit.verify.failed", 0);
	http_page(c, 200, "admin_audit.html", d);
}

/* ---- the API ---- */

static void api_row(const struct audit_row *a, void *arg)
{
	struct rows *r = arg;
	if (!list_page_take(&r->lp, a->id))
		return;
	char t[32];
	clock_iso_utc(a->ts, t, sizeof(t));
	struct jw *w = r->w;
	jw_obj_begin(w);
	jw_kint(w, "id", a->id);
	jw_kstr(w, "time", t);
	jw_key(w, "actor_user_id");
	if (a->actor_user_id)
		jw_int(w, a->actor_user_id);
	else
		jw_null(w);
	jw_kstr(w, "actor_name", a->actor_name);
	jw_key(w, "actor_org_id");
	if (a->actor_org_id)
		jw_int(w, a->actor_org_id);
	else
		jw_null(w);
	jw_kstr(w, "org_name", a->org_name);
	jw_kstr(w, "action", a->action);
	jw_kstr(w, "object_type", a->object_type);
	jw_kstr(w, "object_id", a->object_id);
	jw_kstr(w, "request_id", a->request_id);
	jw_kstr(w, "client_addr", a->client_addr);
	jw_kstr(w, "detail", a->detail);
	jw_obj_end(w);
}

static void audit_api(struct ctx *c)
{
	struct audit_query q;
	if (!read_query(c, &q)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	struct buf b;
	struct jw w;
	buf_init(&b, REPLY_MAX);
	jw_init(&w, &b);
	list_page_json_begin(&w);
	struct rows r = {.c = c, .w = &w, .lp = {.limit = q.limit}};
	if (audit_list(c->db, &q.f, q.cursor, q.limit + 1, api_row, &r) < 0) {
		buf_release(&b);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	list_page_json_end(&w, &r.lp);
	if (w.failed)
		http_error(c, ERR_INTERNAL, NULL);
	else
		http_json(c, 200, &b);
	buf_release(&b);
}

const struct route audit_routes[] = {
	{"GET", "/admin/audit", ACT_AUDIT_READ, audit_page, 0},
	{"GET", "/api/v1/audit", ACT_AUDIT_READ, audit_api, ROUTE_API},
	{0},
};
