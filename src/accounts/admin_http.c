/* The administration pages: the users of an organisation (all of them for
 * the secretariat, their own for a team admin) with adding, disabling,
 * enabling and resetting the second factor; organisations, their kinds
 * and the instance settings (secretariat). Forms post here, changes go
 * through admin_ops.c, and success redirects back with ?done=WHAT so a
 * reload never repeats a change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "accounts/admin_http.h"
#include "accounts/admin_ops.h"
#include "accounts/org_status.h"
#include "core/clock.h"
#include "http/input.h"
#include "http/respond.h"

#define ORG_SELECT_MAX 2000     /* organisations offered in a select */
#define PAGE_DEFAULT 50         /* input_limit()'s default */

/* The outcomes a redirect may announce; anything else in ?done= is ignored. */
static const char *const done_keys[] = {
	"created", "disabled", "enabled", "mfa_reset", "org_created", "kind_changed", "settings_saved", NULL,
};

static json_t *page_data(struct ctx *c, const char *title_key)
{
	json_t *d = json_object();
	json_object_set_new(d, "title", json_string(ctx_t(c, title_key)));
	json_t *errs = ctx_field_errors_json(c);
	json_object_set_new(d, "errors", errs);
	const char *done = form_get(&c->query, "done");
	for (size_t i = 0; done && done_keys[i]; i++) {
		if (strcmp(done, done_keys[i]) == 0) {
			char key[48];
			snprintf(key, sizeof(key), "admin.done.%s", done_keys[i]);
			json_object_set_new(d, "notice", json_string(ctx_t(c, key)));
		}
	}
	return d;
}

static void redirect_done(struct ctx *c, const char *to, const char *done)
{
	char loc[640];
	snprintf(loc, sizeof(loc), "%s%cdone=%s", to, strchr(to, '?') ? '&' : '?', done);
	http_redirect(c, loc);
}

static json_t *local_time(struct ctx *c, int64_t t)
{
	char s[64];
	clock_local(t, c->user_tz, s, sizeof(s));
	return json_string(s);
}

/* The translation of PREFIX + NAME (e.g. "role." + "team_admin"). */
static json_t *label(struct ctx *c, const char *prefix, const char *name)
{
	char key[64];
	snprintf(key, sizeof(key), "%s%s", prefix, name);
	return json_string(ctx_t(c, key));
}

/* [{value, label, sel}] for a select over CHOICES, SELECTED marked. */
static json_t *options(struct ctx *c, const char *prefix, const char *const choices[], const char *selected)
{
	json_t *a = json_array();
	for (size_t i = 0; choices[i]; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "value", json_string(choices[i]));
		json_object_set_new(o, "label", label(c, prefix, choices[i]));
		json_object_set_new(o, "sel", json_boolean(selected && strcmp(selected, choices[i]) == 0));
		json_array_append_new(a, o);
	}
	return a;
}

static const char *org_label(const struct ctx *c, const struct org *o)
{
	return c->lang == LANG_JA && o->name_ja[0] ? o->name_ja : o->name;
}

/* ---- the organisation select (secretariat) ---- */

struct org_opts {
	const struct ctx *c;
	json_t *arr;
	int64_t sel, sel_new, last;
};

static void add_org_opt(const struct org *o, void *arg)
{
	struct org_opts *oo = arg;
	json_t *v = json_object();
	json_object_set_new(v, "id", json_integer(o->id));
	json_object_set_new(v, "name", json_string(org_label(oo->c, o)));
	json_object_set_new(v, "sel", json_boolean(o->id == oo->sel));
	json_object_set_new(v, "sel_new", json_boolean(o->id == oo->sel_new));
	json_array_append_new(oo->arr, v);
	oo->last = o->id;
}

/* Organisations for a select, by id, at most ORG_SELECT_MAX (larger
 * associations reach the others from the organisations page). */
static json_t *org_options(struct ctx *c, int64_t sel, int64_t sel_new)
{
	struct org_opts oo = {.c = c, .arr = json_array(), .sel = sel, .sel_new = sel_new};
	int n;
	do {
		n = org_list(c->db, NULL, oo.last, 500, add_org_opt, &oo);
	} while (n == 500 && json_array_size(oo.arr) < ORG_SELECT_MAX);
	return oo.arr;
}

/* ---- users ---- */

struct user_rows {
	struct ctx *c;
	json_t *arr;
	int limit, n;
	int64_t last;
	bool more;
};

static void add_user_row(const struct user *u, void *arg)
{
	struct user_rows *r = arg;
	if (r->n == r->limit) {
		r->more = true;
		return;
	}
	r->n++;
	r->last = u->id;
	json_t *v = json_object();
	json_object_set_new(v, "id", json_integer(u->id));
	json_object_set_new(v, "name", json_string(u->name));
	json_object_set_new(v, "email", json_string(u->email));
	json_object_set_new(v, "org_name", json_string(u->org_name));
	json_object_set_new(v, "role", label(r->c, "role.", policy_role_name(policy_role_for(u->org_kind, u->role))));
	json_object_set_new(v, "mfa", json_boolean(u->mfa_enabled));
	json_object_set_new(v, "disabled", json_boolean(u->disabled));
	json_object_set_new(v, "self", json_boolean(u->id == r->c->actor.user_id));
	json_object_set_new(v, "created", local_time(r->c, u->created_at));
	json_array_append_new(r->arr, v);
}

/* The users page, listing REQ_ORG's users (0: the default scope) from
 * CURSOR; the add form shows what was posted, if anything. */
static void users_render(struct ctx *c, int status, int64_t req_org, int limit, int64_t cursor)
{
	int64_t org_id;
	enum err e = admin_list_scope(c, req_org, &org_id);
	if (e != ERR_OK) {
		http_error(c, e, NULL);
		return;
	}
	json_t *d = page_data(c, "admin.users.title");
	struct user_rows rows = {.c = c, .arr = json_array(), .limit = limit};
	if (user_list(c->db, org_id, cursor, limit + 1, add_user_row, &rows) < 0) {
		json_decref(rows.arr);
		json_decref(d);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	json_object_set_new(d, "users", rows.arr);

	char url[160], org_q[40] = "", limit_q[24] = "";
	if (req_org)
		snprintf(org_q, sizeof(org_q), "&org_id=%lld", (long long)req_org);
	if (limit != PAGE_DEFAULT)
		snprintf(limit_q, sizeof(limit_q), "&limit=%d", limit);
	if (rows.more) {
		snprintf(url, sizeof(url), "/admin/users?cursor=%lld%s%s", (long long)rows.last, org_q, limit_q);
		json_object_set_new(d, "next_url", json_string(url));
	}
	if (cursor) {
		snprintf(url, sizeof(url), "/admin/users?cursor=0%s%s", org_q, limit_q);
		json_object_set_new(d, "first_url", json_string(url));
	}
	/* Where the buttons in the table come back to. */
	snprintf(url, sizeof(url), "/admin/users?cursor=%lld%s%s", (long long)cursor, org_q, limit_q);
	json_object_set_new(d, "back", json_string(url));

	const char *f_org = form_get(&c->form, "org_id");
	int64_t new_org = f_org ? strtoll(f_org, NULL, 10) : org_id;
	if (c->actor.role == ROLE_SECRETARIAT) {
		json_object_set_new(d, "orgs", org_options(c, org_id, new_org));
		json_object_set_new(d, "filter_all", json_boolean(org_id == 0));
	} else {
		struct org o;
		if (org_get(c->db, c->actor.org_id, &o) == 1)
			json_object_set_new(d, "own_org", json_string(org_label(c, &o)));
	}
	const char *f_email = form_get(&c->form, "email"), *f_name = form_get(&c->form, "name");
	json_object_set_new(d, "new_email", json_string(f_email ? f_email : ""));
	json_object_set_new(d, "new_name", json_string(f_name ? f_name : ""));
	const char *f_role = form_get(&c->form, "role"), *f_lang = form_get(&c->form, "lang");
	json_object_set_new(d, "roles", options(c, "role.", admin_user_roles, f_role ? f_role : "member"));
	json_object_set_new(d, "langs", options(c, "lang.", admin_langs, f_lang ? f_lang : c->cfg->default_lang));
	http_page(c, status, "admin_users.html", d);
}

static void users_list(struct ctx *c)
{
	int64_t req_org = input_query_id(c, "org_id");
	int limit = input_limit(c);
	int64_t cursor = input_cursor(c);
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	users_render(c, 200, req_org, limit, cursor);
}

static void users_create(struct ctx *c)
{
	struct admin_new_user in;
	struct user u;
	admin_read_new_user(c, &in);
	if (!input_ok(c)) {
		users_render(c, 422, 0, PAGE_DEFAULT, 0);
		return;
	}
	enum err e = admin_create_user(c, &in, &u);
	if (e == ERR_VALIDATION || e == ERR_CONFLICT) {
		users_render(c, err_info(e)->status, 0, PAGE_DEFAULT, 0);
		return;
	}
	if (e != ERR_OK) {
		http_error(c, e, NULL);
		return;
	}
	redirect_done(c, "/admin/users", "created");
}

enum user_change { CHANGE_DISABLE, CHANGE_ENABLE, CHANGE_RESET_MFA };

static void user_change(struct ctx *c, enum user_change what)
{
	static const char *const done[] = {"disabled", "enabled", "mfa_reset"};
	int64_t id = ctx_param_id(c, "id");
	struct user u;
	const char *why = NULL;
	enum err e = what == CHANGE_RESET_MFA ? admin_reset_mfa(c, id, &u)
	             : admin_set_disabled(c, id, what == CHANGE_DISABLE, &u, &why);
	if (e != ERR_OK) {
		http_error(c, e, why);
		return;
	}
	redirect_done(c, input_next(c, "next", "/admin/users"), done[what]);
}

static void user_disable(struct ctx *c)
{
	user_change(c, CHANGE_DISABLE);
}

static void user_enable(struct ctx *c)
{
	user_change(c, CHANGE_ENABLE);
}

static void user_reset_mfa(struct ctx *c)
{
	user_change(c, CHANGE_RESET_MFA);
}

/* ---- organisations and settings (secretariat) ---- */

struct org_rows {
	struct ctx *c;
	json_t *arr;
	int limit, n;
	int64_t last;
	bool more;
};

static void add_org_row(const struct org *o, void *arg)
{
	struct org_rows *r = arg;
	if (r->n == r->limit) {
		r->more = true;
		return;
	}
	r->n++;
	r->last = o->id;
	char url[64];
	json_t *v = json_object();
	json_object_set_new(v, "id", json_integer(o->id));
	json_object_set_new(v, "name", json_string(o->name));
	json_object_set_new(v, "name_ja", json_string(o->name_ja));
	json_object_set_new(v, "kind", label(r->c, "kind.", o->kind));
	json_object_set_new(v, "status", label(r->c, "org_status.name.", o->status));
	json_object_set_new(v, "inactive", json_boolean(strcmp(o->status, "active") != 0));
	snprintf(url, sizeof(url), "/admin/orgs/%lld", (long long)o->id);
	json_object_set_new(v, "url", json_string(url));
	snprintf(url, sizeof(url), "/admin/users?org_id=%lld", (long long)o->id);
	json_object_set_new(v, "kinds", options(r->c, "kind.", admin_org_kinds, o->kind));
	json_object_set_new(v, "users", json_integer(o->users));
	json_object_set_new(v, "users_url", json_string(url));
	json_object_set_new(v, "created", local_time(r->c, o->created_at));
	json_array_append_new(r->arr, v);
}

/* The organisations page, those with status FILTER (NULL: all) from CURSOR. */
static void orgs_render(struct ctx *c, int status, const char *filter, int limit, int64_t cursor)
{
	json_t *d = page_data(c, "admin.orgs.title");
	struct org_rows rows = {.c = c, .arr = json_array(), .limit = limit};
	if (org_list(c->db, filter, cursor, limit + 1, add_org_row, &rows) < 0) {
		json_decref(rows.arr);
		json_decref(d);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	json_object_set_new(d, "orgs", rows.arr);
	char url[128], limit_q[24] = "", status_q[32] = "";
	if (limit != PAGE_DEFAULT)
		snprintf(limit_q, sizeof(limit_q), "&limit=%d", limit);
	if (filter)
		snprintf(status_q, sizeof(status_q), "&status=%s", filter);
	if (rows.more) {
		snprintf(url, sizeof(url), "/admin/orgs?cursor=%lld%s%s", (long long)rows.last, status_q, limit_q);
		json_object_set_new(d, "next_url", json_string(url));
	}
	if (cursor) {
		snprintf(url, sizeof(url), "/admin/orgs?cursor=0%s%s", status_q, limit_q);
		json_object_set_new(d, "first_url", json_string(url));
	}
	json_object_set_new(d, "statuses", options(c, "org_status.name.", org_statuses, filter));
	json_object_set_new(d, "filter_all", json_boolean(filter == NULL));
	const char *f_name = form_get(&c->form, "name"), *f_name_ja = form_get(&c->form, "name_ja");
	const char *f_kind = form_get(&c->form, "kind");
	json_object_set_new(d, "new_name", json_string(f_name ? f_name : ""));
	json_object_set_new(d, "new_name_ja", json_string(f_name_ja ? f_name_ja : ""));
	json_object_set_new(d, "kinds", options(c, "kind.", admin_org_kinds, f_kind ? f_kind : "member"));
	json_object_set_new(d, "require_mfa", json_boolean(setting_require_mfa(c->db)));
	http_page(c, status, "admin_orgs.html", d);
}

static void orgs_list(struct ctx *c)
{
	int limit = input_limit(c);
	int64_t cursor = input_cursor(c);
	const char *filter = input_query_text(c, "status", 16);
	if (filter && !org_status_valid(filter))
		ctx_field_error(c, "status", "field.bad_choice");
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	orgs_render(c, 200, filter, limit, cursor);
}

static void orgs_create(struct ctx *c)
{
	struct admin_new_org in;
	struct org o;
	admin_read_new_org(c, &in);
	if (!input_ok(c)) {
		orgs_render(c, 422, NULL, PAGE_DEFAULT, 0);
		return;
	}
	enum err e = admin_create_org(c, &in, &o);
	if (e == ERR_CONFLICT) {
		orgs_render(c, 409, NULL, PAGE_DEFAULT, 0);
		return;
	}
	if (e != ERR_OK) {
		http_error(c, e, NULL);
		return;
	}
	redirect_done(c, "/admin/orgs", "org_created");
}

static void org_kind(struct ctx *c)
{
	const char *why = NULL;
	const char *kind = input_choice(c, "kind", admin_org_kinds, NULL);
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	enum err e = admin_change_org_kind(c, ctx_param_id(c, "id"), kind, &why);
	if (e != ERR_OK) {
		http_error(c, e, why);
		return;
	}
	redirect_done(c, input_next(c, "next", "/admin/orgs"), "kind_changed");
}

static void settings_save(struct ctx *c)
{
	bool require_mfa = input_bool(c, "require_mfa", false);
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	enum err e = admin_set_require_mfa(c, require_mfa);
	if (e != ERR_OK) {
		http_error(c, e, NULL);
		return;
	}
	redirect_done(c, "/admin/orgs", "settings_saved");
}

const struct route admin_routes[] = {
	{"GET", "/admin/users", ACT_ORG_USERS_READ, users_list, 0},
	{"POST", "/admin/users", ACT_ORG_USERS_WRITE, users_create, ROUTE_FORM},
	{"POST", "/admin/users/{id}/disable", ACT_ORG_USERS_WRITE, user_disable, ROUTE_FORM},
	{"POST", "/admin/users/{id}/enable", ACT_ORG_USERS_WRITE, user_enable, ROUTE_FORM},
	{"POST", "/admin/users/{id}/reset-mfa", ACT_ORG_USERS_WRITE, user_reset_mfa, ROUTE_FORM},
	{"GET", "/admin/orgs", ACT_ORGS_READ, orgs_list, 0},
	{"POST", "/admin/orgs", ACT_ORGS_WRITE, orgs_create, ROUTE_FORM},
	{"POST", "/admin/orgs/{id}/kind", ACT_ORGS_WRITE, org_kind, ROUTE_FORM},
	{"POST", "/admin/settings", ACT_SETTINGS_WRITE, settings_save, ROUTE_FORM},
	{0},
};
