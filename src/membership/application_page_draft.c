/* The applicant's forms on the application page; see
 * application_page_draft.h. The draft form posts the organisation's
 * details, the record's fields under "team." (the team edit form's own
 * names) and one field per sponsor ("sponsors[0]", ...): a team's address,
 * typed or picked from the list of member teams the browser offers
 * (a datalist: searchable, no script). What the services will refuse on
 * submit is listed beforehand, so the applicant sees what is missing. */
#include <stdio.h>
#include <string.h>
#include "http/respond.h"
#include "membership/application_page_draft.h"
#include "membership/application_sponsors.h"
#include "membership/membership_rules.h"
#include "membership/sponsor_candidates.h"

int app_page_draft_values(struct db *db, const struct application *a, json_t *values)
{
	json_object_set_new(values, "org_name_ja", json_string(a->org_name_ja));
	json_object_set_new(values, "org_group", json_string(a->org_group));
	json_object_set_new(values, "contact_name", json_string(a->contact_name));
	json_object_set_new(values, "team_slug", json_string(a->team_slug));
	if (app_form_record_values(a->draft, values) < 0)
		return -1;
	struct app_sponsor s[APP_SPONSORS_MAX];
	int n = app_sponsors_load(db, a->id, s);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "sponsors[%d]", i);
		json_object_set_new(values, name, json_string(s[i].slug));
	}
	app_sponsors_release(s, n);
	return 0;
}

struct candidates {
	struct ctx *c;
	json_t *list;
};

static void add_candidate(const struct sponsor_candidate *s, void *arg)
{
	struct candidates *out = arg;
	const char *name = out->c->lang == LANG_JA && *s->name_ja ? s->name_ja : s->name_en;
	char label[APP_TEAM_NAME_MAX + 2 * ORG_NAME_MAX + 16];
	snprintf(label, sizeof(label), "%s%s%s", name, *s->org_group ? " · " : "", s->org_group);
	json_array_append_new(out->list, json_pack("{s:s,s:s}", "value", s->slug, "label", label));
}

/* A sponsor's text input NAME, for the template's own markup (it names
 * the list of candidates). */
static json_t *sponsor_input(struct app_form_view *v, const char *name, const char *label)
{
	return app_form_control(v, name, label, NULL, APP_W_TEXT, NULL);
}

/* The sponsors of the draft form: one input per sponsor required. */
static int draft_sponsors(struct app_form_view *v, const struct application *a, json_t *d)
{
	struct ctx *c = v->c;
	json_t *inputs = json_array();
	for (int i = 0; i < a->sponsors_required && i < APP_SPONSORS_MAX; i++) {
		char name[32], n[16];
		snprintf(name, sizeof(name), "sponsors[%d]", i);
		snprintf(n, sizeof(n), "%d", i + 1);
		const char *vars[] = {"n", n, NULL};
		json_array_append_new(inputs, sponsor_input(v, name, app_page_fill(c, "app.page.sponsor_n", vars)));
	}
	json_object_set_new(d, "sponsor_inputs", inputs);
	json_object_set_new(d, "sponsors_error", app_form_list_error(v, "sponsors", ctx_t(c, "app.page.sponsors"),
	                                                              "#sponsors"));
	char required[16];
	snprintf(required, sizeof(required), "%d", a->sponsors_required);
	const char *vars[] = {"n", required, "group", a->org_group, NULL};
	const char *rule = *a->org_group ? "app.page.sponsor_rule" : "app.page.sponsor_rule_nogroup";
	json_object_set_new(d, "sponsor_rule", json_string(app_page_fill(c, rule, vars)));
	struct candidates cand = {c, json_array()};
	if (sponsor_candidates_list(c->db, a->org_id, add_candidate, &cand) < 0) {
		json_decref(cand.list);
		return -1;
	}
	json_object_set_new(d, "candidates", cand.list);
	return 0;
}

/* The rules to read, whether they are accepted, and the form to accept them. */
static int rules_part(struct app_form_view *v, json_t *o, json_t *d)
{
	struct ctx *c = v->c;
	struct membership_rules r;
	if (membership_rules_load(c->db, &r) < 0) {
		membership_rules_free(&r);
		return -1;
	}
	static const char *const titles[RULES__COUNT] = {"app.rules.association", "app.rules.tlp",
	                                                  "app.rules.chatham_house"};
	json_t *texts = json_array();
	for (int t = 0; t < RULES__COUNT; t++)
		json_array_append_new(texts, json_pack("{s:s,s:s}", "title", ctx_t(c, titles[t]), "text", r.text[t][c->lang]));
	json_object_set_new(d, "rules_texts", texts);
	json_object_set_new(d, "rules_version", json_string(r.version));
	membership_rules_free(&r);
	json_t *rules = json_object_get(o, "rules");
	const char *at = app_json_text(rules, "accepted_at");
	const char *vars[] = {"at", app_page_when(c, at), NULL};
	bool current = json_is_true(json_object_get(rules, "current"));
	json_object_set_new(d, "rules_current", json_boolean(current));
	json_object_set_new(d, "rules_status", json_string(current ? app_page_fill(c, "app.page.rules_accepted", vars)
	                                                   : *at ? ctx_t(c, "app.page.rules_changed")
	                                                         : ctx_t(c, "app.page.rules_not_yet")));
	json_object_set_new(d, "rules_error", app_form_list_error(v, "rules", ctx_t(c, "app.page.rules"), "#rules"));
	const char *accept_error = json_string_value(json_object_get(v->errs, "accept"));
	if (accept_error) {
		json_array_append_new(v->summary, json_pack("{s:s,s:s,s:s}", "href", "#f-accept", "label",
		                                            ctx_t(c, "app.page.accept"), "message", accept_error));
		json_object_set_new(v->shown, "accept", json_true());
	}
	json_object_set_new(d, "accept_error", json_string(accept_error ? accept_error : ""));
	return 0;
}

/* What submitting needs, each done or not, as the API would judge the
 * simple ones (the services judge them all again). */
static json_t *checklist(struct ctx *c, const struct application *a, json_t *o)
{
	json_t *team = json_object_get(o, "team");
	bool incident = false;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(team, "contacts"), i, x)
		incident = incident || !strcmp(app_json_text(x, "kind"), "email_incident");
	char named[16], required[16];
	snprintf(named, sizeof(named), "%zu", json_array_size(json_object_get(o, "sponsors")));
	snprintf(required, sizeof(required), "%d", a->sponsors_required);
	const char *vars[] = {"named", named, "n", required, NULL};
	struct {
		const char *label;
		bool done;
	} items[] = {
		{ctx_t(c, "app.page.check.name"), *app_json_text(json_object_get(team, "name"), "en") != '\0'},
		{ctx_t(c, "app.page.check.slug"), *a->team_slug != '\0'},
		{ctx_t(c, "app.page.check.incident"), incident},
		{app_page_fill(c, "app.page.check.sponsors", vars),
		 json_array_size(json_object_get(o, "sponsors")) == (size_t)a->sponsors_required},
		{ctx_t(c, "app.page.check.rules"), json_is_true(json_object_get(json_object_get(o, "rules"), "current"))},
	};
	json_t *out = json_array();
	for (size_t k = 0; k < sizeof(items) / sizeof(items[0]); k++)
		json_array_append_new(out, json_pack("{s:s,s:b,s:s}", "label", items[k].label, "done", items[k].done, "mark",
		                                     ctx_t(c, items[k].done ? "app.page.check.done" : "app.page.check.todo")));
	return out;
}

/* In sponsor review: an input for each sponsor that declined, the others kept. */
static int replace_part(struct app_form_view *v, const struct application *a, json_t *d)
{
	struct app_sponsor s[APP_SPONSORS_MAX];
	int n = app_sponsors_load(v->c->db, a->id, s);
	if (n < 0)
		return -1;
	json_t *slots = json_array();
	bool any = false;
	for (int i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "sponsors[%d]", i);
		bool declined = !strcmp(s[i].state, "declined");
		any = any || declined;
		const char *team = v->c->lang == LANG_JA && *s[i].name_ja ? s[i].name_ja : s[i].name_en;
		const char *vars[] = {"team", team, NULL};
		json_t *slot = declined ? sponsor_input(v, name, app_page_fill(v->c, "app.page.replace_n", vars))
		                        : json_pack("{s:s,s:s}", "name", name, "value", s[i].slug);
		json_object_set_new(slot, "replace", json_boolean(declined));
		json_object_set_new(slot, "team", json_string(team));
		json_array_append_new(slots, slot);
	}
	app_sponsors_release(s, n);
	if (!any) {
		json_decref(slots);
		return 0;
	}
	json_object_set_new(d, "replace_slots", slots);
	json_object_set_new(d, "sponsors_error", app_form_list_error(v, "sponsors", ctx_t(v->c, "app.page.sponsors"),
	                                                              "#replace"));
	struct candidates cand = {v->c, json_array()};
	if (sponsor_candidates_list(v->c->db, a->org_id, add_candidate, &cand) < 0) {
		json_decref(cand.list);
		return -1;
	}
	json_object_set_new(d, "candidates", cand.list);
	return 0;
}

int app_page_applicant_forms(struct app_form_view *v, const struct application *a, json_t *o, json_t *d)
{
	struct ctx *c = v->c;
	enum app_state to;
	if (app_step(a->state, APP_EV_WITHDRAW, APP_BY_APPLICANT, &to) == APP_STEP_OK) {
		json_t *reason = app_form_control(v, "withdraw_reason", ctx_t(c, "app.page.withdraw_reason"), NULL,
		                                  APP_W_TEXTAREA, "app.page.withdraw_hint");
		json_object_set_new(d, "withdraw_reason", json_pack("[o]", reason));
	}
	if (a->state == APP_SPONSOR_REVIEW)
		return replace_part(v, a, d);
	if (a->state != APP_DRAFT)
		return 0;
	json_t *org = json_array();
	json_array_append_new(org, app_form_control(v, "org_name_ja", ctx_t(c, "apply.org_name_ja"), NULL, APP_W_TEXT,
	                                            NULL));
	json_array_append_new(org, app_form_control(v, "org_group", ctx_t(c, "apply.org_group"), NULL, APP_W_TEXT,
	                                            "apply.org_group_hint"));
	json_array_append_new(org, app_form_control(v, "contact_name", ctx_t(c, "apply.contact_name"), NULL, APP_W_TEXT,
	                                            NULL));
	json_object_set_new(d, "draft_org_inputs", org);
	json_object_set_new(d, "org_name", json_string(a->org_name));
	json_object_set_new(d, "sections", app_form_record_sections(v));
	json_object_set_new(d, "contacts_error",
	                    app_form_list_error(v, "team.contacts", ctx_t(c, "dir.contacts"), "#f-contacts"));
	json_object_set_new(d, "contacts", app_form_contact_rows(v));
	json_object_set_new(d, "checklist", checklist(c, a, o));
	if (draft_sponsors(v, a, d) < 0 || rules_part(v, o, d) < 0)
		return -1;
	json_object_set_new(d, "editing", json_true());
	return 0;
}
