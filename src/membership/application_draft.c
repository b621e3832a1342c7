/* The draft record and the applicant's changes; see application_draft.h. */
#include <stdio.h>
#include <string.h>
#include "membership/application_draft.h"
#include "membership/application_mail.h"
#include "membership/application_sponsors.h"
#include "membership/application_view.h"

static void draft_error(void *arg, const char *field, const char *msg_key, const char *const vars[])
{
	struct app_call *c = arg;
	size_t n = strlen(field);
	char *f = h2o_mem_alloc_pool(c->pool, n + 6);
	memcpy(f, "team.", 5);
	memcpy(f + 5, field, n + 1);
	app_field_error(c, f, msg_key, vars);
}

int app_draft_read(struct app_call *c, json_t *obj, struct team_change *ch)
{
	int before = c->nerrors;
	if (json_object_get(obj, "joined"))
		app_field_error(c, "team.joined", "app.joined_on_approval", NULL);
	struct team_input in = {c->pool, draft_error, c, 0};
	team_input_read(&in, obj, ch);
	return c->nerrors - before;
}

static enum visibility vis_of(const struct team_change *ch, const char *field, enum visibility dflt)
{
	for (size_t i = 0; i < ch->nvis; i++)
		if (!strcmp(ch->vis[i].field, field))
			return ch->vis[i].vis;
	return dflt;
}

static void set_text(json_t *o, const char *key, const char *s)
{
	json_object_set_new(o, key, json_string(s ? s : ""));
}

static void write_scalars(const struct team_change *ch, enum dir_level level, json_t *o)
{
	for (size_t i = 0; i < team_nfields; i++) {
		const struct team_field *f = &team_fields[i];
		int col = team_field_col(i);
		/* joined is the approval's to set; last_verified the team's confirmation's. */
		if (!strcmp(f->name, "joined") || !strcmp(f->name, "last_verified"))
			continue;
		if (!ch->set[col] && !(f->col_ja && ch->set[col + 1]))
			continue;
		if (!team_visible(f->locked ? VIS_PUBLIC : vis_of(ch, f->name, f->dflt), level))
			continue;
		if (f->col_ja) {
			json_t *both = json_object();
			if (ch->set[col])
				set_text(both, "en", ch->text[col]);
			if (ch->set[col + 1])
				set_text(both, "ja", ch->text[col + 1]);
			json_object_set_new(o, f->name, both);
		} else if (f->integer) {
			json_object_set_new(o, f->name, ch->is_null[col] ? json_null() : json_integer(ch->num[col]));
		} else {
			set_text(o, f->name, ch->text[col]);
		}
	}
}

json_t *app_draft_json(const struct team_change *ch, enum dir_level level)
{
	json_t *o = json_object();
	write_scalars(ch, level, o);
	bool all = level == DIR_ALL;
	if (ch->contacts_set) {
		json_t *list = json_array();
		for (size_t i = 0; i < ch->ncontacts; i++) {
			const struct team_contact *x = &ch->contacts[i];
			if (!team_visible(x->vis, level))
				continue;
			json_t *e = json_pack("{s:s,s:s,s:s,s:s}", "kind", x->kind, "value", x->value, "hours",
			                      x->hours ? x->hours : "", "note", x->note ? x->note : "");
			if (e && all)
				json_object_set_new(e, "visibility", json_string(visibility_name(x->vis)));
			json_array_append_new(list, e);
		}
		json_object_set_new(o, "contacts", list);
	}
	if (ch->people_set) {
		json_t *list = json_array();
		for (size_t i = 0; i < ch->npeople; i++) {
			const struct team_person *x = &ch->people[i];
			if (!team_visible(x->vis, level))
				continue;
			json_t *e = json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", x->name, "role", x->role, "email",
			                      x->email ? x->email : "", "phone", x->phone ? x->phone : "", "key_fingerprint",
			                      x->key_fpr ? x->key_fpr : "");
			if (e && all)
				json_object_set_new(e, "visibility", json_string(visibility_name(x->vis)));
			json_array_append_new(list, e);
		}
		json_object_set_new(o, "people", list);
	}
	if (ch->rules_set) {
		json_t *list = json_array();
		for (size_t i = 0; i < ch->nrules; i++) {
			const struct team_rule *x = &ch->rules[i];
			if (!team_visible(x->vis, level))
				continue;
			json_t *e = json_pack("{s:s,s:s}", "kind", x->kind, "value", x->value);
			if (e && all)
				json_object_set_new(e, "visibility", json_string(visibility_name(x->vis)));
			json_array_append_new(list, e);
		}
		json_object_set_new(o, "constituency", list);
	}
	json_t *texts = json_object();
	for (size_t i = 0; i < ch->ntexts; i++) {
		const struct team_text *x = &ch->texts[i];
		char field[96];
		snprintf(field, sizeof(field), "text.%s", x->section);
		if (!*x->body || !team_visible(vis_of(ch, field, VIS_PUBLIC), level))
			continue;
		json_t *section = json_object_get(texts, x->section);
		if (!section) {
			section = json_object();
			json_object_set_new(texts, x->section, section);
		}
		set_text(section, x->lang, x->body);
	}
	if (json_object_size(texts))
		json_object_set_new(o, "texts", texts);
	else
		json_decref(texts);
	if (all && ch->nvis) {
		json_t *vis = json_object();
		for (size_t i = 0; i < ch->nvis; i++)
			json_object_set_new(vis, ch->vis[i].field, json_string(visibility_name(ch->vis[i].vis)));
		json_object_set_new(o, "visibility", vis);
	}
	return o;
}

static void ignore_error(void *arg, const char *field, const char *msg_key, const char *const vars[])
{
}

json_t *app_draft_view(json_t *draft, enum dir_level level)
{
	h2o_mem_pool_t pool;
	h2o_mem_init_pool(&pool);
	struct team_input in = {&pool, ignore_error, NULL, 0};
	struct team_change ch;
	team_input_read(&in, draft, &ch);
	json_t *out = app_draft_json(&ch, level);
	h2o_mem_clear_pool(&pool);
	return out;
}

int app_slug_check(struct app_call *c, const char *field, const char *slug, int64_t application_id, bool required)
{
	static const char sql[] =
		"SELECT (SELECT count(*) FROM teams WHERE slug = ?1) + (SELECT count(*) FROM applications"
		" WHERE team_slug = ?1 AND id != ?2 AND state NOT IN ('approved', 'rejected', 'withdrawn'))";
	if (!*slug) {
		if (required)
			app_field_error(c, field, "app.slug_required", NULL);
		return 0;
	}
	if (!team_slug_valid(slug)) {
		app_field_error(c, field, "dir.bad_slug", NULL);
		return 0;
	}
	if (team_slug_reserved(slug)) {
		app_field_error(c, field, "dir.slug_reserved", NULL);
		return 0;
	}
	sqlite3_stmt *st = db_stmt(c->db, sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, application_id);
	int rc = sqlite3_step(st);
	int64_t taken = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return -1;
	if (taken)
		app_field_error(c, field, "app.slug_taken", NULL);
	return 0;
}

/* In sponsor_review the applicant replaces sponsors that declined: every
 * sponsor that has not declined stays. */
static int keeps_answering_sponsors(struct app_call *c, const struct application *a, const int64_t ids[], size_t n)
{
	struct app_sponsor s[APP_SPONSORS_MAX];
	int have = app_sponsors_load(c->db, a->id, s);
	for (int i = 0; i < have; i++) {
		bool kept = false;
		for (size_t k = 0; k < n; k++)
			kept = kept || ids[k] == s[i].team_id;
		if (!kept && strcmp(s[i].state, "declined") != 0) {
			const char *vars[] = {"team", s[i].slug, NULL};
			app_field_error(c, "sponsors", "app.keep_sponsors", vars);
			break;
		}
	}
	app_sponsors_release(s, have < 0 ? 0 : have);
	return have < 0 ? -1 : 0;
}

/* Mail the admins of each sponsor in IDS that application A has not
 * asked before (BEFORE: the sponsors it had). */
static int ask_new_sponsors(struct app_call *c, const struct application *a, const int64_t ids[], size_t n,
                            const struct app_sponsor *before, int nbefore)
{
	for (size_t k = 0; k < n; k++) {
		bool known = false;
		for (int i = 0; i < nbefore; i++)
			known = known || before[i].team_id == ids[k];
		if (!known && app_mail_team_admins(c, a, ids[k], "sponsor_asked", NULL) < 0)
			return -1;
	}
	return 0;
}

struct update {
	int64_t id;
	const struct app_update *u;
};

static enum err update_in(struct app_call *c, void *arg)
{
	const struct update *x = arg;
	const struct app_update *u = x->u;
	struct application a;
	struct app_sponsor before[APP_SPONSORS_MAX];
	int nbefore = 0;
	int64_t ids[APP_SPONSORS_MAX];
	json_t *draft_new = NULL;
	enum err e = app_load_own(c, x->id, &a);
	if (e != ERR_OK)
		goto out;
	bool draft = a.state == APP_DRAFT;
	bool only_sponsors = !u->org_name_ja && !u->org_group && !u->contact_name && !u->team_slug && !u->team;
	if (!draft && !(a.state == APP_SPONSOR_REVIEW && only_sponsors)) {
		const char *vars[] = {"state", app_state_name(a.state), NULL};
		e = app_refuse(c, ERR_CONFLICT, a.state == APP_SPONSOR_REVIEW ? "app.only_sponsors_now" : "app.not_editable",
		               vars);
		goto out;
	}
	const char *name_ja = u->org_name_ja ? app_text(c, "org_name_ja", u->org_name_ja, ORG_NAME_MAX, false, false) : NULL;
	const char *group = u->org_group ? app_text(c, "org_group", u->org_group, ORG_NAME_MAX, false, false) : NULL;
	const char *contact = u->contact_name ? app_text(c, "contact_name", u->contact_name, USER_NAME_MAX, false, true)
	                                      : NULL;
	e = ERR_INTERNAL;
	if (u->team_slug && app_slug_check(c, "team_slug", u->team_slug, a.id, false) < 0)
		goto out;
	if (u->team && !json_is_object(u->team)) {
		app_field_error(c, "team", "app.want_object", NULL);
	} else if (u->team) {
		json_t *merged = json_deep_copy(a.draft);
		struct team_change ch;
		json_object_update_recursive(merged, u->team);
		if (app_draft_read(c, merged, &ch) == 0)
			draft_new = app_draft_json(&ch, DIR_ALL);
		json_decref(merged);
	}
	/* The group rule is judged against the group as it will be. */
	if (group)
		snprintf(a.org_group, sizeof(a.org_group), "%s", group);
	if (u->sponsors_set && app_sponsors_check(c, &a, u->sponsors, u->nsponsors, ids) < 0)
		goto out;
	if (u->sponsors_set && !draft && !c->nerrors && keeps_answering_sponsors(c, &a, ids, u->nsponsors) < 0)
		goto out;
	if (c->nerrors) {
		e = ERR_VALIDATION;
		goto out;
	}
	if (name_ja)
		snprintf(a.org_name_ja, sizeof(a.org_name_ja), "%s", name_ja);
	if (contact)
		snprintf(a.contact_name, sizeof(a.contact_name), "%s", contact);
	if (u->team_slug)
		snprintf(a.team_slug, sizeof(a.team_slug), "%s", u->team_slug);
	if (draft_new) {
		json_decref(a.draft);
		a.draft = draft_new;
		draft_new = NULL;
	}
	if ((nbefore = app_sponsors_load(c->db, a.id, before)) < 0) {
		nbefore = 0;
		goto out;
	}
	if (application_save(c->db, &a, c->now) < 0 ||
	    (u->sponsors_set &&
	     (app_sponsors_replace(c->db, a.id, ids, u->nsponsors, draft ? "named" : "asked", c->now) < 0 ||
	      (!draft && ask_new_sponsors(c, &a, ids, u->nsponsors, before, nbefore) < 0))) ||
	    app_audit(c, "application.update", a.id, "") < 0)
		goto out;
	e = ERR_OK;
out:
	json_decref(draft_new);
	app_sponsors_release(before, nbefore);
	application_release(&a);
	return e;
}

enum err application_update(struct app_call *c, int64_t id, const struct app_update *u)
{
	struct update x = {id, u};
	return app_in_transaction(c, update_in, &x);
}

struct accept {
	int64_t id;
	const char *version;
};

static enum err accept_in(struct app_call *c, void *arg)
{
	const struct accept *x = arg;
	struct application a;
	struct membership_rules r;
	memset(&r, 0, sizeof(r));
	enum err e = app_load_own(c, x->id, &a);
	if (e != ERR_OK)
		goto out;
	if (a.state != APP_DRAFT) {
		const char *vars[] = {"state", app_state_name(a.state), NULL};
		e = app_refuse(c, ERR_CONFLICT, "app.not_editable", vars);
		goto out;
	}
	e = ERR_INTERNAL;
	if (membership_rules_load(c->db, &r) < 0)
		goto out;
	if (x->version && strcmp(x->version, r.version) != 0) {
		e = app_refuse(c, ERR_CONFLICT, "app.rules_changed", NULL);
		goto out;
	}
	snprintf(a.rules_version, sizeof(a.rules_version), "%s", r.version);
	a.rules_accepted_at = c->now;
	char detail[96];
	snprintf(detail, sizeof(detail), "{\"rules_version\":\"%s\"}", r.version);
	if (application_save(c->db, &a, c->now) == 0 && app_audit(c, "application.accept_rules", a.id, detail) == 0)
		e = ERR_OK;
out:
	membership_rules_free(&r);
	application_release(&a);
	return e;
}

enum err application_accept_rules(struct app_call *c, int64_t id, const char *version)
{
	struct accept x = {id, version};
	return app_in_transaction(c, accept_in, &x);
}
