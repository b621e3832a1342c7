/* Editing the directory over the JSON API: the secretariat creates a
 * team's record, and the team's own admins (or the secretariat) change it.
 * Every value is checked by team_input.c; each problem is a field error
 * naming the exact place ("contacts[2].value"), and a change with any
 * error writes nothing. */
#include <stdio.h>
#include <string.h>
#include "accounts/accounts.h"
#include "core/clock.h"
#include "core/json_writer.h"
#include "directory/directory_http.h"
#include "directory/team_input.h"
#include "directory/changed.h"
#include "directory/team_store.h"
#include "http/input.h"
#include "http/respond.h"

static void field_error_to_ctx(void *arg, const char *field, const char *msg_key, const char *const vars[])
{
	struct ctx *c = arg;
	if (vars)
		ctx_field_error_fill(c, field, msg_key, vars);
	else
		ctx_field_error(c, field, msg_key);
}

void dir_read_change(struct ctx *c, json_t *obj, struct team_change *ch)
{
	struct team_input in = {&c->req->pool, field_error_to_ctx, c, 0};
	team_input_read(&in, obj, ch);
}

static void reply_team(struct ctx *c, int status, int64_t id)
{
	struct team t;
	struct buf b;
	struct jw w;
	if (team_load(c->db, NULL, id, &t) != 1) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	buf_init(&b, 8u << 20);
	jw_init(&w, &b);
	if (team_write_json(c->db, &t, team_level_for(&c->actor, t.org_id), false, &w) < 0)
		http_error(c, ERR_INTERNAL, NULL);
	else
		http_json(c, status, &b);
	buf_release(&b);
}

bool dir_editable_team(struct ctx *c, struct team *t)
{
	int found = team_load(c->db, ctx_param(c, "slug"), 0, t);
	if (found < 0) {
		http_error(c, ERR_INTERNAL, NULL);
		return false;
	}
	if (!found || !team_listed(t, team_level_for(&c->actor, t->org_id))) {
		http_error(c, ERR_NOT_FOUND, "dir.team_not_found");
		return false;
	}
	/* A team without an organisation yet belongs to no team admin. */
	if (!policy_allows(&c->actor, ACT_DIRECTORY_WRITE, &(struct policy_object){.org_id = t->org_id ? t->org_id : -1})) {
		http_error(c, ERR_FORBIDDEN, "dir.not_your_team");
		return false;
	}
	return true;
}

static void team_patch(struct ctx *c)
{
	struct team t;
	struct team_change ch;
	if (!dir_editable_team(c, &t) || !input_json(c, NULL))
		return;
	if (json_object_size(c->json) == 0) {
		http_error(c, ERR_VALIDATION, "err.nothing_to_change");
		return;
	}
	dir_read_change(c, c->json, &ch);
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	if (db_begin(c->db) < 0 || team_apply(c->db, t.id, &ch, clock_now()) < 0 ||
	    ctx_audit(c, "team.update", "team", t.id, t.slug) < 0 || db_commit(c->db) < 0) {
		db_rollback(c->db);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	directory_changed(ch.rules_set ? DIR_CHANGED_RULES : DIR_CHANGED_RECORD);
	reply_team(c, 200, t.id);
}

enum err dir_create_team(struct ctx *c, int64_t *id, char *slug_out)
{
	const char *slug = input_text(c, "slug", true, TEAM_SLUG_MAX, false);
	const char *name = input_text(c, "name_en", true, TEAM_TEXT_MAX, false);
	int64_t org_id = input_int(c, "org_id", 0, 1, INT64_MAX);
	if (slug && !team_slug_valid(slug))
		ctx_field_error(c, "slug", "dir.bad_slug");
	if (slug && team_slug_reserved(slug))
		ctx_field_error(c, "slug", "dir.slug_reserved");
	struct org o;
	if (org_id && org_get(c->db, org_id, &o) != 1)
		ctx_field_error(c, "org_id", "admin.org_unknown");
	if (!input_ok(c))
		return ERR_VALIDATION;
	if (db_begin(c->db) < 0)
		return ERR_INTERNAL;
	int rc = team_create(c->db, org_id, slug, name, clock_now(), id);
	if (rc == 0) {
		db_rollback(c->db);
		ctx_field_error(c, org_id ? "org_id" : "slug", "dir.team_exists");
		return ERR_CONFLICT;
	}
	if (rc < 0 || ctx_audit(c, "team.create", "team", *id, slug) < 0 || db_commit(c->db) < 0) {
		db_rollback(c->db);
		return ERR_INTERNAL;
	}
	directory_changed(DIR_CHANGED_RECORD);
	snprintf(slug_out, TEAM_SLUG_MAX + 1, "%s", slug);
	return ERR_OK;
}

static void team_post(struct ctx *c)
{
	static const char *const allowed[] = {"slug", "name_en", "org_id", NULL};
	if (!input_json(c, allowed))
		return;
	int64_t id = 0;
	char slug[TEAM_SLUG_MAX + 1];
	enum err e = dir_create_team(c, &id, slug);
	if (e != ERR_OK) {
		http_error(c, e, NULL);
		return;
	}
	char loc[128];
	snprintf(loc, sizeof(loc), "/api/v1/teams/%s", slug);
	http_header(c, "location", loc);
	reply_team(c, 201, id);
}

/* The team says its record is still right (or the secretariat does for it). */
static void team_confirm_api(struct ctx *c)
{
	struct team t;
	if (!dir_editable_team(c, &t))
		return;
	if (db_begin(c->db) < 0 || team_confirm(c->db, t.id, clock_now()) < 0 ||
	    ctx_audit(c, "team.confirm", "team", t.id, t.slug) < 0 || db_commit(c->db) < 0) {
		db_rollback(c->db);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	directory_changed(DIR_CHANGED_RECORD);
	if (c->is_api)
		reply_team(c, 200, t.id);
	else {
		char loc[128];
		snprintf(loc, sizeof(loc), "/directory/%s?confirmed=1", t.slug);
		http_redirect(c, loc);
	}
}

const struct route directory_edit_routes[] = {
	{"POST", "/api/v1/teams/{slug}/confirm", ACT_DIRECTORY_WRITE, team_confirm_api, ROUTE_API},
	{"POST", "/directory/{slug}/confirm", ACT_DIRECTORY_WRITE, team_confirm_api, ROUTE_FORM},
	{"POST", "/api/v1/teams", ACT_DIRECTORY_CREATE, team_post, ROUTE_API},
	{"PATCH", "/api/v1/teams/{slug}", ACT_DIRECTORY_WRITE, team_patch, ROUTE_API},
	{0},
};
