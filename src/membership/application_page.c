/* One application, on one page whose content follows the reader, as
 * application_view.h decides: the state and what happens next, the
 * draft of the team record at the reader's level of the directory's
 * visibility, the sponsors and their answers, the community's opinions
 * and the history; and the forms of what this reader may do now: the
 * applicant's (application_page_draft.c), a sponsor team's answer, a
 * member team's opinion during the window, the secretariat's decision.
 * The page is drawn from application_json, the API's own view of the
 * application for this reader, so the page never shows what the API
 * would not. */
#include <stdio.h>
#include <string.h>
#include "core/clock.h"
#include "directory/team.h"
#include "directory/team_input.h"
#include "http/respond.h"
#include "membership/application_http.h"
#include "membership/application_page_draft.h"
#include "membership/application_pages.h"
#include "membership/application_sponsors.h"
#include "membership/application_view.h"

/* An {en, ja} pair in the reader's language, else the other one. */
static const char *in_lang(struct ctx *c, json_t *pair)
{
	const char *mine = app_json_text(pair, lang_code(c->lang));
	return *mine ? mine : app_json_text(pair, c->lang == LANG_JA ? "en" : "ja");
}

static const char *state_label(struct ctx *c, const char *state)
{
	return app_page_label(c, "app.state.", state);
}

/* ---- the draft of the record, to read ---- */

static const struct {
	const char *field, *label_key, *choice_prefix;
} record_facts[] = {
	{"name", "dirform.name", NULL},
	{"short_name", "dir.field.short_name", NULL},
	{"registered_name", "dir.field.registered_name", NULL},
	{"host_org", "dir.field.host_org", NULL},
	{"country", "dir.field.country", NULL},
	{"region", "dir.field.region", "dir.region."},
	{"sector", "dir.field.sector", "dir.sector."},
	{"csirt_type", "dir.field.csirt_type", "dir.type."},
	{"established", "dir.field.established", NULL},
	{"address", "dir.field.address", NULL},
	{"tz", "dir.field.tz", NULL},
	{"business_hours", "dir.field.business_hours", NULL},
	{"website", "dir.field.website", NULL},
	{"org_department", "dir.field.org_department", NULL},
	{"staff_at_founding", "dirform.staff_at_founding", NULL},
	{"staff_now", "dirform.staff_now", NULL},
	{"structure_spread", "dirform.structure_spread", "dirform.spread."},
	{"structure_staffing", "dirform.structure_staffing", "dirform.staffing."},
};

/* TEAM (the draft as application_json shows it to this reader) as
 * {facts, contacts, people, texts} to read. */
static json_t *record_view(struct ctx *c, json_t *team)
{
	json_t *facts = json_array(), *contacts = json_array(), *people = json_array(), *texts = json_array();
	for (size_t i = 0; i < sizeof(record_facts) / sizeof(record_facts[0]); i++) {
		json_t *v = json_object_get(team, record_facts[i].field);
		char num[24];
		const char *text = "";
		if (json_is_object(v)) {
			text = in_lang(c, v);
		} else if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
			text = num;
		} else if (json_is_string(v)) {
			text = json_string_value(v);
			if (*text && record_facts[i].choice_prefix)
				text = app_page_label(c, record_facts[i].choice_prefix, text);
		}
		if (*text)
			json_array_append_new(facts, json_pack("{s:s,s:s}", "label", ctx_t(c, record_facts[i].label_key), "value",
			                                       text));
	}
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(team, "contacts"), i, x)
		json_array_append_new(contacts, json_pack("{s:s,s:s,s:s,s:s}", "label",
		                                          app_page_label(c, "dir.contact.", app_json_text(x, "kind")), "value",
		                                          app_json_text(x, "value"), "hours", app_json_text(x, "hours"), "note",
		                                          app_json_text(x, "note")));
	json_array_foreach(json_object_get(team, "people"), i, x)
		json_array_append_new(people, json_pack("{s:s,s:s,s:s,s:s}", "name", app_json_text(x, "name"), "label",
		                                        app_page_label(c, "dir.role.", app_json_text(x, "role")), "email",
		                                        app_json_text(x, "email"), "phone", app_json_text(x, "phone")));
	const char *section;
	json_object_foreach(json_object_get(team, "texts"), section, x)
		json_array_append_new(texts, json_pack("{s:s,s:s}", "label", app_page_label(c, "dir.text.", section), "text",
		                                       in_lang(c, x)));
	return json_pack("{s:o,s:o,s:o,s:o}", "facts", facts, "contacts", contacts, "people", people, "texts", texts);
}

/* ---- sponsors, opinions, history ---- */

static json_t *sponsors_view(struct ctx *c, json_t *o)
{
	json_t *out = json_array();
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(o, "sponsors"), i, s) {
		const char *state = app_json_text(s, "state");
		json_t *x = json_pack("{s:s,s:s,s:s,s:b,s:s}", "name", in_lang(c, json_object_get(s, "name")), "slug",
		                      app_json_text(s, "team"), "state_label", app_page_label(c, "app.sponsor_state.", state),
		                      "declined", !strcmp(state, "declined"), "statement", app_json_text(s, "statement"));
		json_object_set_new(x, "asked", json_string(app_page_when(c, app_json_text(s, "asked_at"))));
		json_object_set_new(x, "answered", json_string(app_page_when(c, app_json_text(s, "answered_at"))));
		json_array_append_new(out, x);
	}
	return out;
}

static json_t *opinions_view(struct ctx *c, json_t *o)
{
	json_t *out = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(o, "opinions"), i, x) {
		const char *stance = app_json_text(x, "stance");
		json_t *y = json_pack("{s:s,s:s,s:s,s:s,s:b}", "org", app_json_text(x, "org"), "team", app_json_text(x, "team"),
		                      "by", app_json_text(x, "by"), "stance_label", app_page_label(c, "app.stance.", stance),
		                      "object", !strcmp(stance, "object"));
		json_object_set_new(y, "reason", json_string(app_json_text(x, "reason")));
		json_object_set_new(y, "at", json_string(app_page_when(c, app_json_text(x, "at"))));
		json_array_append_new(out, y);
	}
	return out;
}

static json_t *history_view(struct ctx *c, json_t *history)
{
	json_t *out = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(history, i, x) {
		json_t *actor = json_object_get(x, "actor");
		const char *by = json_is_object(actor) ? app_json_text(actor, "name")
		                                       : app_page_label(c, "app.party.", app_json_text(x, "by"));
		/* "Submitted", "Approved": an event that names its state needs no arrow to it. */
		const char *event = app_page_label(c, "app.event.", app_json_text(x, "event"));
		const char *to = state_label(c, app_json_text(x, "to"));
		json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:s,s:s}", "at", app_page_when(c, app_json_text(x, "at")),
		                                     "event", event, "to", strcmp(event, to) ? to : "", "by", by, "note",
		                                     app_json_text(x, "note")));
	}
	return out;
}

/* ---- what this reader may do ---- */

/* A radio group NAME over CHOICES (labelled PREFIX + choice), with the
 * posted or given choice CHECKED, and its problem. */
static json_t *radios(struct app_form_view *v, const char *name, const char *legend, const char *const choices[],
                      const char *prefix, const char *checked)
{
	const char *posted = json_string_value(json_object_get(v->values, name));
	if (posted)
		checked = posted;
	json_t *list = json_array();
	for (size_t i = 0; choices[i]; i++) {
		char id[64], key[64];
		snprintf(id, sizeof(id), "f-%s-%s", name, choices[i]);
		snprintf(key, sizeof(key), "%s%s", prefix, choices[i]);
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:b}", "id", id, "value", choices[i], "label",
		                                      ctx_t(v->c, key), "checked", checked && !strcmp(checked, choices[i])));
	}
	const char *error = json_string_value(json_object_get(v->errs, name));
	char first[64];
	snprintf(first, sizeof(first), "f-%s-%s", name, choices[0]);
	if (error) {
		char href[72];
		snprintf(href, sizeof(href), "#%s", first);
		json_array_append_new(v->summary, json_pack("{s:s,s:s,s:s}", "href", href, "label", legend, "message", error));
		json_object_set_new(v->shown, name, json_true());
	}
	return json_pack("{s:s,s:s,s:o,s:s}", "name", name, "legend", legend, "choices", list, "error",
	                 error ? error : "");
}

static json_t *text_area(struct app_form_view *v, const char *name, const char *label_key, const char *hint_key)
{
	json_t *in = app_form_control(v, name, ctx_t(v->c, label_key), NULL, APP_W_TEXTAREA, hint_key);
	json_object_set_new(in, "rows", json_integer(5));
	return in;
}

/* The template draws a control of the page's own data through its
 * partial, from a list of one. */
static json_t *one(json_t *x)
{
	return json_pack("[o]", x);
}

/* The sponsor row of the reader's own organisation, if its team is one:
 * its state into STATE ("" when not a sponsor). Return 0 or -1. */
static int own_sponsor_state(struct db *db, const struct application *a, int64_t org_id, char state[12])
{
	struct app_sponsor s[APP_SPONSORS_MAX];
	int n = app_sponsors_load(db, a->id, s);
	if (n < 0)
		return -1;
	state[0] = '\0';
	for (int i = 0; i < n; i++)
		if (org_id && s[i].org_id == org_id)
			snprintf(state, 12, "%s", s[i].state);
	app_sponsors_release(s, n);
	return 0;
}

static const char *const answers[] = {"support", "decline", NULL};
static const char *const stances[] = {"support", "object", NULL};

/* A sponsor team's answer, or what it answered. */
static int sponsor_part(struct app_form_view *v, const struct application *a, json_t *d)
{
	struct ctx *c = v->c;
	char state[12];
	if (own_sponsor_state(c->db, a, c->actor.org_id, state) < 0)
		return -1;
	if (!*state)
		return 0;
	bool asked = !strcmp(state, "asked") && a->state == APP_SPONSOR_REVIEW;
	json_object_set_new(d, "own_sponsor_state", json_string(app_page_label(c, "app.sponsor_state.", state)));
	if (asked && c->actor.role == ROLE_TEAM_ADMIN) {
		json_object_set_new(d, "answer_radios", one(radios(v, "answer", ctx_t(c, "app.page.answer"), answers,
		                                                   "app.answer.", NULL)));
		json_object_set_new(d, "answer_statement", one(text_area(v, "statement", "app.page.statement",
		                                                         "app.page.statement_hint")));
	} else if (asked) {
		json_object_set_new(d, "answer_by_admins", json_true());
	}
	return 0;
}

/* A member team's opinion during the window. */
static int opinion_part(struct app_form_view *v, const struct application *a, json_t *o, enum app_view view, json_t *d)
{
	struct ctx *c = v->c;
	if (a->state != APP_COMMUNITY_WINDOW || (view != APP_VIEW_MEMBER && view != APP_VIEW_SPONSOR))
		return 0;
	const char *vars[] = {"ends", app_page_when(c, app_json_text(o, "window_ends_at")), NULL};
	bool open = json_is_true(json_object_get(o, "window_open"));
	json_object_set_new(d, "window_text", json_string(app_page_fill(c, open ? "app.page.window_until"
	                                                                        : "app.page.window_ended", vars)));
	json_t *mine = json_object_get(o, "my_opinion");
	if (json_is_object(mine)) {
		const char *mv[] = {"stance", app_page_label(c, "app.stance.", app_json_text(mine, "stance")), "at",
		                    app_page_when(c, app_json_text(mine, "at")), NULL};
		json_object_set_new(d, "my_opinion", json_string(app_page_fill(c, "app.page.my_opinion", mv)));
		json_object_set_new(d, "my_opinion_reason", json_string(app_json_text(mine, "reason")));
	}
	int member = c->actor.role == ROLE_TEAM_ADMIN ? app_org_active_member(c->db, c->actor.org_id) : 0;
	if (member < 0)
		return -1;
	if (open && member) {
		const char *had = json_is_object(mine) ? app_json_text(mine, "stance") : NULL;
		json_object_set_new(d, "opinion_radios",
		                    one(radios(v, "stance", ctx_t(c, "app.page.stance"), stances, "app.stance.", had)));
		json_t *reason = text_area(v, "reason", "app.page.opinion_reason", "app.page.opinion_reason_hint");
		if (json_is_object(mine) && !json_object_get(v->values, "reason"))
			json_object_set_new(reason, "value", json_string(app_json_text(mine, "reason")));
		json_object_set_new(d, "opinion_reason", one(reason));
	} else if (open) {
		json_object_set_new(d, "opinion_by_admins", json_true());
	}
	return 0;
}

/* The secretariat's decisions the state allows now. */
static void review_part(struct app_form_view *v, const struct application *a, json_t *d)
{
	enum app_state to;
	bool approve = app_step(a->state, APP_EV_APPROVE, APP_BY_SECRETARIAT, &to) == APP_STEP_OK;
	bool reject = app_step(a->state, APP_EV_REJECT, APP_BY_SECRETARIAT, &to) == APP_STEP_OK;
	bool send_back = app_step(a->state, APP_EV_SEND_BACK, APP_BY_SECRETARIAT, &to) == APP_STEP_OK;
	json_object_set_new(d, "can_approve", json_boolean(approve));
	if (reject)
		json_object_set_new(d, "reject_reason", one(text_area(v, "reject_reason", "app.page.reject_reason",
		                                                      "app.page.reason_told")));
	if (send_back)
		json_object_set_new(d, "send_back_reason", one(text_area(v, "send_back_reason", "app.page.send_back_reason",
		                                                         "app.page.reason_told")));
	json_object_set_new(d, "can_review", json_boolean(approve || reject || send_back));
}

static const char *done_notice(struct ctx *c)
{
	static const char *const done[] = {"verified", "saved", "accepted", "submitted", "sponsors", "withdrawn",
	                                   "answered", "opinion", "approved", "rejected", "sent_back", NULL};
	const char *d = form_get(&c->query, "done");
	for (size_t i = 0; d && done[i]; i++) {
		if (!strcmp(d, done[i])) {
			char key[48];
			snprintf(key, sizeof(key), "app.page.done.%s", done[i]);
			return ctx_t(c, key);
		}
	}
	return "";
}

/* The heading facts of A as O shows it. */
static json_t *facts_view(struct ctx *c, const struct application *a, json_t *o, enum app_view view)
{
	json_t *facts = json_array();
	struct {
		const char *key, *value;
	} rows[] = {
		{"app.page.state", state_label(c, app_state_name(a->state))},
		{"app.page.group", a->org_group},
		{"app.page.created", app_page_when(c, app_json_text(o, "created_at"))},
		{"app.page.submitted", app_page_when(c, app_json_text(o, "submitted_at"))},
		{"app.page.window_ends", app_page_when(c, app_json_text(o, "window_ends_at"))},
		{"app.page.decided", app_page_when(c, app_json_text(o, "decided_at"))},
		{"dirform.slug", a->team_slug},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (*rows[i].value)
			json_array_append_new(facts, json_pack("{s:s,s:s}", "label", ctx_t(c, rows[i].key), "value",
			                                       rows[i].value));
	json_t *contact = json_object_get(o, "contact");
	if (view == APP_VIEW_SECRETARIAT && json_is_object(contact)) {
		char who[USER_NAME_MAX + EMAIL_MAX + 8];
		snprintf(who, sizeof(who), "%s <%s>", app_json_text(contact, "name"), app_json_text(contact, "email"));
		json_array_append_new(facts, json_pack("{s:s,s:s}", "label", ctx_t(c, "app.page.contact"), "value", who));
	}
	return facts;
}

/* The page data of A for this reader, drawn with V. */
static void page_data(struct app_form_view *v, const struct application *a, enum app_view view, json_t *o,
                      json_t *history, json_t *d)
{
	struct ctx *c = v->c;
	const char *name = c->lang == LANG_JA && *a->org_name_ja ? a->org_name_ja : a->org_name;
	const char *other = name == a->org_name ? a->org_name_ja : a->org_name;
	char path[48], state_key[64];
	snprintf(path, sizeof(path), "/applications/%lld", (long long)a->id);
	snprintf(state_key, sizeof(state_key), "app.page.about.%s", app_state_name(a->state));
	const char *vars[] = {"ends", app_page_when(c, app_json_text(o, "window_ends_at")), NULL};
	json_object_update_new(d, json_pack("{s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:o}", "title", name, "other_name", other,
	                                    "page_path", path, "id", (json_int_t)a->id, "state", app_state_name(a->state),
	                                    "state_label", state_label(c, app_state_name(a->state)), "state_about",
	                                    app_page_fill(c, state_key, vars), "done", done_notice(c), "facts",
	                                    facts_view(c, a, o, view)));
	json_object_set_new(d, "member_team", json_incref(json_object_get(o, "member_team")));
	const char *reason = app_json_text(o, "decision_reason");
	if (*reason && (a->state == APP_REJECTED || a->state == APP_DRAFT))
		json_object_set_new(d, "decision", json_pack("{s:s,s:s}", "label",
		                                             ctx_t(c, a->state == APP_REJECTED ? "app.page.rejected_because"
		                                                                                : "app.page.sent_back_because"),
		                                             "reason", reason));
	bool editing = view == APP_VIEW_APPLICANT && a->state == APP_DRAFT;
	if (!editing)
		json_object_set_new(d, "record", record_view(c, json_object_get(o, "team")));
	json_object_set_new(d, "sponsors", sponsors_view(c, o));
	json_object_set_new(d, "sponsors_hidden_statements", json_boolean(view == APP_VIEW_MEMBER ||
	                                                                  view == APP_VIEW_SPONSOR));
	if (view == APP_VIEW_SECRETARIAT) {
		json_t *counts = json_object_get(o, "opinion_counts");
		json_object_set_new(d, "opinions", opinions_view(c, o));
		char sup[24], obj[24];
		snprintf(sup, sizeof(sup), "%lld", (long long)json_integer_value(json_object_get(counts, "support")));
		snprintf(obj, sizeof(obj), "%lld", (long long)json_integer_value(json_object_get(counts, "object")));
		const char *cv[] = {"support", sup, "object", obj, NULL};
		json_object_set_new(d, "opinion_counts", json_string(app_page_fill(c, "app.page.opinion_counts", cv)));
		json_object_set_new(d, "show_opinions", json_boolean(a->state == APP_COMMUNITY_WINDOW ||
		                                                     a->state == APP_SECRETARIAT_REVIEW ||
		                                                     json_array_size(json_object_get(o, "opinions"))));
		review_part(v, a, d);
	}
	json_object_set_new(d, "history", history_view(c, history));
	json_object_set_new(d, "history_notes", json_boolean(view == APP_VIEW_APPLICANT || view == APP_VIEW_SECRETARIAT));
}

void app_page_show(struct ctx *c, int64_t id, int status, const char *problem, const struct app_page_posted *posted)
{
	struct app_http h;
	struct application a;
	enum app_view view = APP_VIEW_NONE;
	app_http_begin(c, &h);
	enum err e = app_load_visible(&h.call, id, &a, &view);
	if (e != ERR_OK) {
		application_release(&a);
		app_http_fail(&h, e);
		return;
	}
	json_t *o = application_json(c->db, &c->actor, &a, view, h.call.now);
	json_t *history = o ? application_history_json(c->db, &a, view) : NULL;
	json_t *values = json_object();
	int rc = o && history ? 0 : -1;
	if (rc == 0 && view == APP_VIEW_APPLICANT)
		rc = app_page_draft_values(c->db, &a, values);
	if (rc == 0 && posted) {
		/* A refused form comes back as typed: the rows of a list that was
		 * sent (contacts, sponsors) are the sent ones, not the stored ones. */
		static const char *const lists[] = {"team.contacts[", "sponsors["};
		for (size_t k = 0; k < 2; k++) {
			const char *key;
			json_t *x;
			void *tmp;
			bool sent = false;
			json_object_foreach(posted->values, key, x)
				sent = sent || !strncmp(key, lists[k], strlen(lists[k]));
			json_object_foreach_safe(values, tmp, key, x)
				if (sent && !strncmp(key, lists[k], strlen(lists[k])))
					json_object_del(values, key);
		}
		json_object_update(values, posted->values);
	}
	struct app_form_view v;
	app_form_begin(&v, c, values, posted ? posted->tf : NULL, posted ? posted->sponsor_slots : NULL,
	               posted ? posted->nslots : 0);
	json_t *d = json_object();
	if (rc == 0) {
		page_data(&v, &a, view, o, history, d);
		json_object_set_new(d, "problem", json_string(problem ? problem : ""));
		if (view == APP_VIEW_APPLICANT)
			rc = app_page_applicant_forms(&v, &a, o, d);
		if (rc == 0 && (view == APP_VIEW_SPONSOR || view == APP_VIEW_MEMBER))
			rc = sponsor_part(&v, &a, d) < 0 || opinion_part(&v, &a, o, view, d) < 0 ? -1 : 0;
	}
	app_form_finish(&v, d, "app.page.errors_title");
	json_decref(values);
	json_decref(history);
	json_decref(o);
	application_release(&a);
	if (rc < 0) {
		json_decref(d);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	http_page(c, status, "application.html", d);
}
