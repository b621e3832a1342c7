/* The JSON API for users and organisations. Lists are pages of
 * {"items":[...],"next_cursor":"ID"|null}; pass next_cursor back as
 * ?cursor= for the next page. Replies carry what an administrator needs
 * and nothing secret: no password hashes, second-factor secrets or tokens
 * (struct user and struct org do not even hold them). */
#include <stdio.h>
#include "accounts/admin_api.h"
#include "accounts/admin_ops.h"
#include "accounts/org_status.h"
#include "core/clock.h"
#include "core/json_writer.h"
#include "http/list_page.h"
#include "http/input.h"
#include "http/respond.h"

#define REPLY_MAX ((size_t)8 << 20)

static void jw_time(struct jw *w, const char *key, int64_t t)
{
	char s[32];
	clock_iso_utc(t, s, sizeof(s));
	jw_kstr(w, key, s);
}

static void jw_user(struct jw *w, const struct user *u)
{
	jw_obj_begin(w);
	jw_kint(w, "id", u->id);
	jw_kint(w, "org_id", u->org_id);
	jw_kstr(w, "org_name", u->org_name);
	jw_kstr(w, "org_kind", u->org_kind);
	jw_kstr(w, "email", u->email);
	jw_kstr(w, "name", u->name);
	jw_kstr(w, "role", u->role);
	jw_kstr(w, "lang", u->lang);
	jw_kstr(w, "tz", u->tz);
	jw_kbool(w, "disabled", u->disabled);
	jw_kbool(w, "mfa_enabled", u->mfa_enabled);
	jw_time(w, "created_at", u->created_at);
	jw_obj_end(w);
}

/* A time that may be unset (0): null then. */
static void jw_time_or_null(struct jw *w, const char *key, int64_t t)
{
	if (t) {
		jw_time(w, key, t);
	} else {
		jw_key(w, key);
		jw_null(w);
	}
}

void admin_api_write_org(struct jw *w, const struct org *o)
{
	jw_obj_begin(w);
	jw_kint(w, "id", o->id);
	jw_kstr(w, "name", o->name);
	jw_kstr(w, "name_ja", o->name_ja);
	jw_kstr(w, "kind", o->kind);
	jw_kstr(w, "status", o->status);
	jw_time_or_null(w, "status_changed_at", o->status_changed_at);
	jw_time_or_null(w, "data_erased_at", o->purged_at);
	jw_kint(w, "users", o->users);
	jw_time(w, "created_at", o->created_at);
	jw_obj_end(w);
}

/* Send what W wrote into B, or a 500 if the writer failed. */
static void reply(struct ctx *c, int status, struct buf *b, const struct jw *w)
{
	if (w->failed)
		http_error(c, ERR_INTERNAL, NULL);
	else
		http_json(c, status, b);
	buf_release(b);
}

static void reply_user(struct ctx *c, int status, const struct user *u)
{
	struct buf b;
	struct jw w;
	buf_init(&b, REPLY_MAX);
	jw_init(&w, &b);
	jw_user(&w, u);
	reply(c, status, &b, &w);
}

static void reply_org(struct ctx *c, int status, const struct org *o)
{
	struct buf b;
	struct jw w;
	buf_init(&b, REPLY_MAX);
	jw_init(&w, &b);
	admin_api_write_org(&w, o);
	reply(c, status, &b, &w);
}

/* A page of a list (http/list_page.h) and the writer its items go to. */
struct page {
	struct jw *w;
	struct list_page lp;
};

static void page_user(const struct user *u, void *arg)
{
	struct page *p = arg;
	if (list_page_take(&p->lp, u->id))
		jw_user(p->w, u);
}

static void page_org(const struct org *o, void *arg)
{
	struct page *p = arg;
	if (list_page_take(&p->lp, o->id))
		admin_api_write_org(p->w, o);
}

/* ---- users ---- */

static void users_list(struct ctx *c)
{
	int64_t req_org = input_query_id(c, "org_id"), org_id;
	int limit = input_limit(c);
	int64_t cursor = input_cursor(c);
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	enum err e = admin_list_scope(c, req_org, &org_id);
	if (e != ERR_OK) {
		http_error(c, e, NULL);
		return;
	}
	struct buf b;
	struct jw w;
	buf_init(&b, REPLY_MAX);
	jw_init(&w, &b);
	list_page_json_begin(&w);
	struct page p = {.w = &w, .lp = {.limit = limit}};
	if (user_list(c->db, org_id, cursor, limit + 1, page_user, &p) < 0) {
		buf_release(&b);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	list_page_json_end(&w, &p.lp);
	reply(c, 200, &b, &w);
}

static void users_create(struct ctx *c)
{
	static const char *const fields[] = {"email", "name", "role", "org_id", "lang", NULL};
	struct admin_new_user in;
	struct user u;
	if (!input_json(c, fields))
		return;
	admin_read_new_user(c, &in);
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	enum err e = admin_create_user(c, &in, &u);
	if (e != ERR_OK) {
		http_error(c, e, NULL);
		return;
	}
	char loc[48];
	snprintf(loc, sizeof(loc), "/api/v1/users/%lld", (long long)u.id);
	http_header(c, "location", loc);
	reply_user(c, 201, &u);
}

static void user_get_one(struct ctx *c)
{
	struct user u;
	enum err e = admin_user_for(c, ctx_param_id(c, "id"), ACT_ORG_USERS_READ, &u);
	if (e != ERR_OK) {
		http_error(c, e, NULL);
		return;
	}
	reply_user(c, 200, &u);
}

static void user_set_disabled_api(struct ctx *c, bool disabled)
{
	struct user u;
	const char *why = NULL;
	enum err e = admin_set_disabled(c, ctx_param_id(c, "id"), disabled, &u, &why);
	if (e != ERR_OK) {
		http_error(c, e, why);
		return;
	}
	reply_user(c, 200, &u);
}

static void user_disable(struct ctx *c)
{
	user_set_disabled_api(c, true);
}

static void user_enable(struct ctx *c)
{
	user_set_disabled_api(c, false);
}

/* ---- organisations ---- */

static void orgs_list(struct ctx *c)
{
	int limit = input_limit(c);
	int64_t cursor = input_cursor(c);
	const char *status = input_query_text(c, "status", 16);
	if (status && !org_status_valid(status))
		ctx_field_error(c, "status", "field.bad_choice");
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	struct buf b;
	struct jw w;
	buf_init(&b, REPLY_MAX);
	jw_init(&w, &b);
	list_page_json_begin(&w);
	struct page p = {.w = &w, .lp = {.limit = limit}};
	if (org_list(c->db, status, cursor, limit + 1, page_org, &p) < 0) {
		buf_release(&b);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	list_page_json_end(&w, &p.lp);
	reply(c, 200, &b, &w);
}

static void orgs_create(struct ctx *c)
{
	static const char *const fields[] = {"name", "name_ja", "kind", NULL};
	struct admin_new_org in;
	struct org o;
	if (!input_json(c, fields))
		return;
	admin_read_new_org(c, &in);
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	enum err e = admin_create_org(c, &in, &o);
	if (e != ERR_OK) {
		http_error(c, e, NULL);
		return;
	}
	char loc[48];
	snprintf(loc, sizeof(loc), "/api/v1/orgs/%lld", (long long)o.id);
	http_header(c, "location", loc);
	reply_org(c, 201, &o);
}

static void org_get_one(struct ctx *c)
{
	struct org o;
	int64_t id = ctx_param_id(c, "id");
	int found = id > 0 ? org_get(c->db, id, &o) : 0;
	if (found > 0)
		o.users = org_user_count(c->db, id);
	if (found < 0 || (found > 0 && o.users < 0)) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	if (found == 0) {
		http_error(c, ERR_NOT_FOUND, NULL);
		return;
	}
	reply_org(c, 200, &o);
}

const struct route admin_api_routes[] = {
	{"GET", "/api/v1/users", ACT_ORG_USERS_READ, users_list, ROUTE_API},
	{"POST", "/api/v1/users", ACT_ORG_USERS_WRITE, users_create, ROUTE_API},
	{"GET", "/api/v1/users/{id}", ACT_ORG_USERS_READ, user_get_one, ROUTE_API},
	{"POST", "/api/v1/users/{id}/disable", ACT_ORG_USERS_WRITE, user_disable, ROUTE_API},
	{"POST", "/api/v1/users/{id}/enable", ACT_ORG_USERS_WRITE, user_enable, ROUTE_API},
	{"GET", "/api/v1/orgs", ACT_ORGS_READ, orgs_list, ROUTE_API},
	{"POST", "/api/v1/orgs", ACT_ORGS_WRITE, orgs_create, ROUTE_API},
	{"GET", "/api/v1/orgs/{id}", ACT_ORGS_READ, org_get_one, ROUTE_API},
	{0},
};
