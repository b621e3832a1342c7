/* What each reader sees of an application; see application_view.h. */
#include <stdio.h>
#include <string.h>
#include "core/clock.h"
#include "membership/application_draft.h"
#include "membership/application_sponsors.h"
#include "membership/application_view.h"

/* Whether ORG_ID's team was asked to sponsor application ID: 1, 0, -1. */
static int sponsor_org(struct db *db, int64_t id, int64_t org_id)
{
	static const char sql[] =
		"SELECT 1 FROM application_sponsors s JOIN teams t ON t.id = s.team_id"
		" WHERE s.application_id = ? AND t.org_id = ? AND s.state != 'named'";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, org_id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int app_view_of(struct db *db, const struct actor *actor, const struct application *a, enum app_view *out)
{
	*out = APP_VIEW_NONE;
	switch (actor->role) {
	case ROLE_SECRETARIAT:
		*out = APP_VIEW_SECRETARIAT;
		return 0;
	case ROLE_APPLICANT:
		if (actor->org_id == a->org_id)
			*out = APP_VIEW_APPLICANT;
		return 0;
	case ROLE_MEMBER:
	case ROLE_TEAM_ADMIN: {
		int sponsor = sponsor_org(db, a->id, actor->org_id);
		if (sponsor < 0)
			return -1;
		if (sponsor)
			*out = APP_VIEW_SPONSOR;
		else if (a->state == APP_COMMUNITY_WINDOW)
			*out = APP_VIEW_MEMBER;
		return 0;
	}
	default:
		return 0;
	}
}

enum err app_load_visible(struct app_call *c, int64_t id, struct application *a, enum app_view *view)
{
	memset(a, 0, sizeof(*a));
	int found = id > 0 ? application_load(c->db, id, a) : 0;
	if (found < 0 || (found && app_view_of(c->db, &c->actor, a, view) < 0))
		return ERR_INTERNAL;
	if (!found || *view == APP_VIEW_NONE)
		return app_refuse(c, ERR_NOT_FOUND, "app.not_found", NULL);
	return ERR_OK;
}

enum err app_load_own(struct app_call *c, int64_t id, struct application *a)
{
	enum app_view view;
	enum err e = app_load_visible(c, id, a, &view);
	if (e == ERR_OK && view != APP_VIEW_APPLICANT)
		e = app_refuse(c, ERR_FORBIDDEN, "app.applicant_only", NULL);
	return e;
}

enum app_party app_party_of(const struct app_call *c, const struct application *a)
{
	if (c->actor.role == ROLE_SECRETARIAT)
		return APP_BY_SECRETARIAT;
	if (c->actor.role == ROLE_APPLICANT && c->actor.org_id == a->org_id)
		return APP_BY_APPLICANT;
	return APP_BY_SPONSOR;
}

static json_t *when(int64_t t)
{
	if (!t)
		return json_null();
	char iso[32];
	clock_iso_utc(t, iso, sizeof(iso));
	return json_string(iso);
}

static json_t *en_ja(const char *en, const char *ja)
{
	return json_pack("{s:s,s:s}", "en", en, "ja", ja);
}

static json_t *sponsors_json(struct db *db, const struct application *a, enum app_view view, int64_t reader_org)
{
	struct app_sponsor s[APP_SPONSORS_MAX];
	int n = app_sponsors_load(db, a->id, s);
	if (n < 0)
		return NULL;
	json_t *list = json_array();
	for (int i = 0; i < n; i++) {
		json_t *o = json_pack("{s:s,s:o,s:s,s:o,s:o}", "team", s[i].slug, "name", en_ja(s[i].name_en, s[i].name_ja),
		                      "state", s[i].state, "asked_at", when(s[i].asked_at), "answered_at",
		                      when(s[i].answered_at));
		/* A sponsor's statement is for the applicant, the secretariat and
		 * the sponsor itself. */
		bool own = reader_org && s[i].org_id == reader_org;
		if (o && (view == APP_VIEW_APPLICANT || view == APP_VIEW_SECRETARIAT || own))
			json_object_set_new(o, "statement", json_string(s[i].statement));
		json_array_append_new(list, o);
	}
	app_sponsors_release(s, n);
	return list;
}

struct opinions_out {
	json_t *list;
	int64_t support, object;
	bool with_org;
};

static void opinion_json(const struct app_opinion *o, void *arg)
{
	struct opinions_out *out = arg;
	json_t *x = json_pack("{s:s,s:s,s:o}", "stance", o->stance, "reason", o->reason, "at", when(o->at));
	if (x && out->with_org) {
		json_object_set_new(x, "org", json_string(o->org_name));
		json_object_set_new(x, "team", *o->team_slug ? json_string(o->team_slug) : json_null());
		json_object_set_new(x, "by", json_string(o->user_name));
	}
	json_array_append_new(out->list, x);
	if (!strcmp(o->stance, "support"))
		out->support++;
	else
		out->object++;
}

static json_t *team_slug_of(struct db *db, int64_t team_id)
{
	static const char sql[] = "SELECT slug FROM teams WHERE id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, team_id);
	json_t *v = sqlite3_step(st) == SQLITE_ROW ? json_string(db_col_text(st, 0)) : json_null();
	sqlite3_reset(st);
	return v;
}

json_t *application_json(struct db *db, const struct actor *actor, const struct application *a, enum app_view view,
                         int64_t now)
{
	bool full = view == APP_VIEW_APPLICANT || view == APP_VIEW_SECRETARIAT;
	json_t *o = json_pack("{s:I,s:s,s:{s:s,s:s,s:s},s:s,s:o,s:i,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)a->id,
	                      "state", app_state_name(a->state), "org", "name", a->org_name, "name_ja", a->org_name_ja,
	                      "group", a->org_group, "team_slug", a->team_slug, "team",
	                      app_draft_view(a->draft, full ? DIR_ALL : DIR_MEMBERS), "sponsors_required",
	                      a->sponsors_required, "window_ends_at", when(a->window_ends_at), "created_at",
	                      when(a->created_at), "updated_at", when(a->updated_at), "submitted_at",
	                      when(a->submitted_at), "decided_at", when(a->decided_at));
	if (!o)
		return NULL;
	json_t *sponsors = sponsors_json(db, a, view, view == APP_VIEW_SPONSOR ? actor->org_id : 0);
	json_t *member_team = a->team_id ? team_slug_of(db, a->team_id) : json_null();
	if (!sponsors || !member_team) {
		json_decref(sponsors);
		json_decref(member_team);
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "sponsors", sponsors);
	json_object_set_new(o, "member_team", member_team);
	json_object_set_new(o, "window_open", json_boolean(a->state == APP_COMMUNITY_WINDOW && now < a->window_ends_at));
	if (full) {
		struct membership_rules r;
		if (membership_rules_load(db, &r) < 0) {
			membership_rules_free(&r);
			json_decref(o);
			return NULL;
		}
		json_object_set_new(o, "contact", json_pack("{s:s,s:s}", "name", a->contact_name, "email", a->contact_email));
		json_object_set_new(o, "lang", json_string(a->lang));
		json_object_set_new(o, "rules", json_pack("{s:s,s:o,s:b}", "version", a->rules_version, "accepted_at",
		                                          when(a->rules_accepted_at), "current",
		                                          a->rules_accepted_at && !strcmp(a->rules_version, r.version)));
		json_object_set_new(o, "decision_reason", json_string(a->decision_reason));
		membership_rules_free(&r);
	}
	/* The community's voices: all of them, with their reasons, for the
	 * secretariat; a member team's own for that team; none for the
	 * applicant. */
	if (view != APP_VIEW_APPLICANT) {
		struct opinions_out out = {json_array(), 0, 0, view == APP_VIEW_SECRETARIAT};
		int n = app_opinions_list(db, a->id, view == APP_VIEW_SECRETARIAT ? 0 : actor->org_id, opinion_json, &out);
		if (n < 0) {
			json_decref(out.list);
			json_decref(o);
			return NULL;
		}
		if (view == APP_VIEW_SECRETARIAT) {
			json_object_set_new(o, "opinions", out.list);
			json_object_set_new(o, "opinion_counts", json_pack("{s:I,s:I}", "support", (json_int_t)out.support,
			                                                   "object", (json_int_t)out.object));
		} else {
			json_object_set(o, "my_opinion", n ? json_array_get(out.list, 0) : json_null());
			json_decref(out.list);
		}
	}
	return o;
}

struct history_out {
	json_t *list;
	enum app_view view;
};

static void history_json(const struct app_history_row *r, void *arg)
{
	struct history_out *out = arg;
	enum app_event ev = APP_EV_CREATE;
	for (int e = 0; e < APP_EV__COUNT; e++)
		if (!strcmp(app_event_name((enum app_event)e), r->event))
			ev = (enum app_event)e;
	json_t *x = json_pack("{s:s,s:s,s:s,s:s,s:o}", "event", r->event, "from", r->from_state, "to", r->to_state, "by",
	                      app_party_name(app_event_party(ev)), "at", when(r->at));
	/* The reasons of a rejection or send-back are the applicant's to read. */
	if (x && (out->view == APP_VIEW_APPLICANT || out->view == APP_VIEW_SECRETARIAT))
		json_object_set_new(x, "note", json_string(r->note));
	if (x && out->view == APP_VIEW_SECRETARIAT)
		json_object_set_new(x, "actor", r->actor_user_id ? json_pack("{s:I,s:s}", "id", (json_int_t)r->actor_user_id,
		                                                             "name", r->actor_name)
		                                                 : json_null());
	json_array_append_new(out->list, x);
}

json_t *application_history_json(struct db *db, const struct application *a, enum app_view view)
{
	struct history_out out = {json_array(), view};
	if (application_history_list(db, a->id, history_json, &out) < 0) {
		json_decref(out.list);
		return NULL;
	}
	return out.list;
}

static json_t *summary_json(const struct application *a)
{
	json_t *name = json_object_get(a->draft, "name");
	return json_pack("{s:I,s:s,s:{s:s,s:s},s:s,s:O,s:o,s:o,s:o,s:o}", "id", (json_int_t)a->id, "state",
	                 app_state_name(a->state), "org", "name", a->org_name, "name_ja", a->org_name_ja, "team_slug",
	                 a->team_slug, "team_name", json_is_object(name) ? name : json_null(), "submitted_at",
	                 when(a->submitted_at), "window_ends_at", when(a->window_ends_at), "created_at",
	                 when(a->created_at), "updated_at", when(a->updated_at));
}

int application_list(struct db *db, const struct actor *actor, const char *state, int64_t after, int limit,
                     json_t *items, int64_t *last)
{
	/* ?3: 2 every application (the secretariat), 1 the organisation's own
	 * (an applicant), 0 those in the window and those the team sponsors. */
	static const char sql[] =
		"SELECT id FROM applications WHERE id > ?1 AND (?2 = '' OR state = ?2) AND (?3 = 2"
		" OR (?3 = 1 AND org_id = ?4)"
		" OR (?3 = 0 AND (state = 'community_window' OR EXISTS (SELECT 1 FROM application_sponsors s"
		"  JOIN teams t ON t.id = s.team_id WHERE s.application_id = applications.id AND t.org_id = ?4"
		"  AND s.state != 'named')))) ORDER BY id LIMIT ?5";
	int64_t ids[200];
	int n = 0, rc;
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_text(st, 2, state ? state : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, actor->role == ROLE_SECRETARIAT ? 2 : actor->role == ROLE_APPLICANT ? 1 : 0);
	sqlite3_bind_int64(st, 4, actor->org_id);
	sqlite3_bind_int(st, 5, limit);
	while (n < limit && n < 200 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	for (int i = 0; i < n; i++) {
		struct application a;
		int found = application_load(db, ids[i], &a);
		json_t *x = found == 1 ? summary_json(&a) : NULL;
		application_release(&a);
		if (!x)
			return -1;
		json_array_append_new(items, x);
		*last = ids[i];
	}
	return n;
}
