/* The JSON API of member status: POST /api/v1/orgs/{id}/status changes it
 * (answering with the organisation as GET /api/v1/orgs/{id} does), GET
 * /api/v1/orgs/{id}/status-history pages through its changes, oldest
 * first, as {"items":[...],"next_cursor":"ID"|null}. */
#include <stdio.h>
#include "accounts/admin_api.h"
#include "accounts/org_status.h"
#include "accounts/org_status_api.h"
#include "accounts/org_status_ops.h"
#include "core/clock.h"
#include "core/json_writer.h"
#include "http/list_page.h"
#include "http/input.h"
#include "http/respond.h"

#define REPLY_MAX ((size_t)8 << 20)

static void reply(struct ctx *c, struct buf *b, const struct jw *w)
{
	if (w->failed)
		http_error(c, ERR_INTERNAL, NULL);
	else
		http_json(c, 200, b);
	buf_release(b);
}

static void status_change(struct ctx *c)
{
	static const char *const fields[] = {"status", "reason", NULL};
	struct org_status_input in;
	struct org o;
	if (!input_json(c, fields))
		return;
	org_status_read(c, &in);
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	enum err e = org_status_apply(c, ctx_param_id(c, "id"), &in, &o);
	if (e == ERR_OK && (o.users = org_user_count(c->db, o.id)) < 0)
		e = ERR_INTERNAL;
	if (e != ERR_OK) {
		http_error(c, e, e == ERR_NOT_FOUND ? "admin.org_unknown" : NULL);
		return;
	}
	struct buf b;
	struct jw w;
	buf_init(&b, REPLY_MAX);
	jw_init(&w, &b);
	admin_api_write_org(&w, &o);
	reply(c, &b, &w);
}

struct history_page {
	struct jw *w;
	struct list_page lp;
};

static void history_item(const struct org_status_event *e, void *arg)
{
	struct history_page *p = arg;
	if (!list_page_take(&p->lp, e->id))
		return;
	char at[32];
	clock_iso_utc(e->at, at, sizeof(at));
	jw_obj_begin(p->w);
	jw_kint(p->w, "id", e->id);
	jw_kstr(p->w, "from", e->from);
	jw_kstr(p->w, "to", e->to);
	jw_kstr(p->w, "reason", e->reason);
	jw_key(p->w, "actor");
	if (e->actor_user_id) {
		jw_obj_begin(p->w);
		jw_kint(p->w, "id", e->actor_user_id);
		jw_kstr(p->w, "name", e->actor_name);
		jw_obj_end(p->w);
	} else {
		jw_null(p->w);
	}
	jw_kstr(p->w, "at", at);
	jw_obj_end(p->w);
}

static void status_history(struct ctx *c)
{
	int limit = input_limit(c);
	int64_t cursor = input_cursor(c);
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	struct org o;
	int64_t id = ctx_param_id(c, "id");
	int found = id > 0 ? org_get(c->db, id, &o) : 0;
	if (found <= 0) {
		http_error(c, found < 0 ? ERR_INTERNAL : ERR_NOT_FOUND, found < 0 ? NULL : "admin.org_unknown");
		return;
	}
	struct buf b;
	struct jw w;
	buf_init(&b, REPLY_MAX);
	jw_init(&w, &b);
	list_page_json_begin(&w);
	struct history_page p = {.w = &w, .lp = {.limit = limit}};
	if (org_status_history(c->db, id, cursor, limit + 1, history_item, &p) < 0) {
		buf_release(&b);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	list_page_json_end(&w, &p.lp);
	reply(c, &b, &w);
}

const struct route org_status_api_routes[] = {
	{"POST", "/api/v1/orgs/{id}/status", ACT_ORGS_WRITE, status_change, ROUTE_API},
	{"GET", "/api/v1/orgs/{id}/status-history", ACT_ORGS_READ, status_history, ROUTE_API},
	{0},
};
