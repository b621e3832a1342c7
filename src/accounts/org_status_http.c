/* The organisation page of the administration (secretariat): what the
 * organisation is, its membership status and since when, whether its data
 * has been erased after withdrawal, its team, the history of its status,
 * and the form that changes the status with a reason. The form posts to
 * /admin/orgs/{id}/status; a refusal shows the page again with the field
 * errors at the form, success redirects back with ?done=status_changed so
 * a reload never repeats the change. */
#include <stdio.h>
#include <string.h>
#include "accounts/org_status.h"
#include "accounts/org_status_http.h"
#include "accounts/org_status_ops.h"
#include "core/clock.h"
#include "directory/team.h"
#include "http/input.h"
#include "http/respond.h"

#define HISTORY_SHOWN 200     /* changes listed on the page; the API pages through all */

static json_t *local_time(struct ctx *c, int64_t t)
{
	char s[64];
	clock_local(t, c->user_tz, s, sizeof(s));
	return json_string(s);
}

struct history_rows {
	struct ctx *c;
	json_t *arr;
};

static void add_history_row(const struct org_status_event *e, void *arg)
{
	struct history_rows *h = arg;
	json_t *v = json_object();
	json_object_set_new(v, "from", json_string(org_status_label(h->c, e->from)));
	json_object_set_new(v, "to", json_string(org_status_label(h->c, e->to)));
	json_object_set_new(v, "reason", json_string(e->reason));
	json_object_set_new(v, "actor", json_string(e->actor_name));
	json_object_set_new(v, "at", local_time(h->c, e->at));
	json_array_append_new(h->arr, v);
}

/* [{value, label, sel}] for the status select: the statuses the
 * organisation may go to, SELECTED (the posted one) marked. */
static json_t *status_options(struct ctx *c, const struct org *o, const char *selected)
{
	json_t *a = json_array();
	for (size_t i = 0; org_statuses[i]; i++) {
		if (org_status_check(o->kind, o->status, org_statuses[i]) != ORG_STATUS_OK)
			continue;
		json_t *opt = json_object();
		json_object_set_new(opt, "value", json_string(org_statuses[i]));
		json_object_set_new(opt, "label", json_string(org_status_label(c, org_statuses[i])));
		json_object_set_new(opt, "sel", json_boolean(selected && !strcmp(selected, org_statuses[i])));
		json_array_append_new(a, opt);
	}
	return a;
}

/* Why O has no status to go to (another kind, or withdrawn for good), in
 * the reader's language. */
static const char *why_unchangeable(struct ctx *c, const struct org *o)
{
	char kind_key[32];
	snprintf(kind_key, sizeof(kind_key), "kind.%s", o->kind);
	const char *vars[] = {"status", org_status_label(c, o->status), "kind", ctx_t(c, kind_key), NULL};
	/* Active and suspended organisations of the right kind can always
	 * change: what is left is the kind, or withdrawal being final. */
	const char *key = org_status_refusal_key(org_status_check(o->kind, o->status, "active"));
	struct buf b;
	buf_init(&b, 4096);
	const char *text = i18n_fill(&b, ctx_t(c, key ? key : "org_status.final"), vars) == 0 && b.data
	                   ? ctx_strndup(c, b.data, b.len) : "";
	buf_release(&b);
	return text;
}

/* The page of organisation O, with the form as posted (if it was). */
static void org_render(struct ctx *c, int status, const struct org *o)
{
	json_t *d = json_object();
	const char *name = c->lang == LANG_JA && o->name_ja[0] ? o->name_ja : o->name;
	json_object_set_new(d, "title", json_string(name));
	json_object_set_new(d, "errors", ctx_field_errors_json(c));
	if (form_get(&c->query, "done") && !strcmp(form_get(&c->query, "done"), "status_changed"))
		json_object_set_new(d, "notice", json_string(ctx_t(c, "org_status.done")));
	char key[32], url[96];
	snprintf(key, sizeof(key), "kind.%s", o->kind);
	json_object_set_new(d, "id", json_integer(o->id));
	json_object_set_new(d, "name", json_string(o->name));
	json_object_set_new(d, "name_ja", json_string(o->name_ja));
	json_object_set_new(d, "kind", json_string(ctx_t(c, key)));
	json_object_set_new(d, "created", local_time(c, o->created_at));
	json_object_set_new(d, "status", json_string(org_status_label(c, o->status)));
	json_object_set_new(d, "hidden", json_boolean(strcmp(o->status, "active") != 0));
	if (o->status_changed_at)
		json_object_set_new(d, "status_since", local_time(c, o->status_changed_at));
	if (o->purged_at)
		json_object_set_new(d, "erased", local_time(c, o->purged_at));
	snprintf(url, sizeof(url), "/admin/users?org_id=%lld", (long long)o->id);
	json_object_set_new(d, "users_url", json_string(url));
	json_object_set_new(d, "users", json_integer(org_user_count(c->db, o->id)));
	char slug[TEAM_SLUG_MAX + 1];
	if (org_status_team(c->db, o->id, slug, sizeof(slug)) == 1) {
		snprintf(url, sizeof(url), "/directory/%s", slug);
		json_object_set_new(d, "team_url", json_string(url));
		json_object_set_new(d, "team", json_string(slug));
	}
	struct history_rows h = {c, json_array()};
	if (org_status_history(c->db, o->id, 0, HISTORY_SHOWN, add_history_row, &h) < 0) {
		json_decref(h.arr);
		json_decref(d);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	json_object_set_new(d, "history", h.arr);
	json_t *opts = status_options(c, o, form_get(&c->form, "status"));
	json_object_set_new(d, "can_change", json_boolean(json_array_size(opts) > 0));
	json_object_set_new(d, "statuses", opts);
	if (json_array_size(opts) == 0)
		json_object_set_new(d, "cannot_change", json_string(why_unchangeable(c, o)));
	const char *reason = form_get(&c->form, "reason");
	json_object_set_new(d, "reason", json_string(reason ? reason : ""));
	http_page(c, status, "admin_org.html", d);
}

/* Load organisation {id} into O, or answer 404. */
static bool org_of_path(struct ctx *c, struct org *o)
{
	int64_t id = ctx_param_id(c, "id");
	int found = id > 0 ? org_get(c->db, id, o) : 0;
	if (found <= 0) {
		http_error(c, found < 0 ? ERR_INTERNAL : ERR_NOT_FOUND, found < 0 ? NULL : "admin.org_unknown");
		return false;
	}
	return true;
}

static void org_page(struct ctx *c)
{
	struct org o;
	if (org_of_path(c, &o))
		org_render(c, 200, &o);
}

static void org_status_post(struct ctx *c)
{
	struct org o;
	struct org_status_input in;
	if (!org_of_path(c, &o))
		return;
	org_status_read(c, &in);
	if (!input_ok(c)) {
		org_render(c, 422, &o);
		return;
	}
	enum err e = org_status_apply(c, o.id, &in, &o);
	if (e == ERR_CONFLICT) {
		org_render(c, 409, &o);
		return;
	}
	if (e != ERR_OK) {
		http_error(c, e, e == ERR_NOT_FOUND ? "admin.org_unknown" : NULL);
		return;
	}
	char loc[80];
	snprintf(loc, sizeof(loc), "/admin/orgs/%lld?done=status_changed", (long long)o.id);
	http_redirect(c, loc);
}

const struct route org_status_routes[] = {
	{"GET", "/admin/orgs/{id}", ACT_ORGS_READ, org_page, 0},
	{"POST", "/admin/orgs/{id}/status", ACT_ORGS_WRITE, org_status_post, ROUTE_FORM},
	{0},
};
