/* What the forms of the application page post: each reads its fields,
 * calls one service (the same as the API's), and on success goes back to
 * the page with a note of what was done (303, so a reload does not post
 * again). A refused form shows the page again with the problems beside
 * their fields and everything as typed, a refusal of the request as a
 * message at the top, with the error's status; nothing is written. */
#include <stdio.h>
#include <string.h>
#include "http/input.h"
#include "http/respond.h"
#include "membership/application_draft.h"
#include "membership/application_flow.h"
#include "membership/application_http.h"
#include "membership/application_page_form.h"
#include "membership/application_pages.h"
#include "membership/application_sponsors.h"

/* After service E for application ID: back to the page noting DONE, or
 * the page again with the problems (POSTED: the form sent; NULL for
 * every field as typed). */
static void finish(struct ctx *c, struct app_http *h, enum err e, int64_t id, const char *done,
                   const struct app_page_posted *posted)
{
	if (e == ERR_OK) {
		char loc[96];
		snprintf(loc, sizeof(loc), "/applications/%lld?done=%s", (long long)id, done);
		http_redirect(c, loc);
		return;
	}
	if (e == ERR_INTERNAL || e == ERR_UNAVAILABLE || e == ERR_NOT_FOUND) {
		app_http_fail(h, e);
		return;
	}
	struct app_page_posted typed = {app_form_posted(c), NULL, NULL, 0};
	app_page_show(c, id, err_info(e)->status, h->refusal, posted ? posted : &typed);
	json_decref(typed.values);
}

/* A service's problem with "reason" is the problem of the form's FIELD:
 * the page has a reason for each decision. */
static void reason_field(struct ctx *c, const char *field)
{
	for (int i = 0; i < c->nfield_errors; i++)
		if (!strcmp(c->field_errors[i].field, "reason"))
			c->field_errors[i].field = field;
}

/* The posted sponsor fields "sponsors[K]", in order, the blank ones left
 * out: their addresses into SLUGS (trimmed, in the pool) and their form
 * slots into SLOTS. Return how many; *ANY says whether the form had
 * sponsor fields at all. A blank one is a field error when REQUIRED. */
static size_t posted_sponsors(struct ctx *c, const char *slugs[], int slots[], bool required, bool *any)
{
	size_t n = 0;
	*any = false;
	for (int k = 0; k < APP_SPONSORS_MAX; k++) {
		char name[32];
		snprintf(name, sizeof(name), "sponsors[%d]", k);
		const char *s = form_get(&c->form, name);
		if (!s)
			continue;
		*any = true;
		size_t len = strlen(s);
		while (*s == ' ' || *s == '\t') {
			s++;
			len--;
		}
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (!len) {
			if (required)
				ctx_field_error(c, ctx_strndup(c, name, strlen(name)), "field.required");
			continue;
		}
		slugs[n] = ctx_strndup(c, s, len);
		slots[n++] = k;
	}
	return n;
}

static void draft_post(struct ctx *c)
{
	static const char *const fields[] = {"org_name_ja", "org_group", "contact_name", "team_slug", NULL};
	int64_t id = ctx_param_id(c, "id");
	struct team_form tf;
	if (!app_form_only(c, fields, true, true))
		return;
	if (app_form_read_team(c, &tf) < 0) {
		team_form_release(&tf);
		return;
	}
	const char *slugs[APP_SPONSORS_MAX];
	int slots[APP_SPONSORS_MAX];
	bool any;
	size_t n = posted_sponsors(c, slugs, slots, false, &any);
	struct app_update u = {
		.org_name_ja = form_get(&c->form, "org_name_ja"), .org_group = form_get(&c->form, "org_group"),
		.contact_name = form_get(&c->form, "contact_name"), .team_slug = form_get(&c->form, "team_slug"),
		.team = json_object_size(tf.change) ? tf.change : NULL, .sponsors_set = any, .sponsors = slugs,
		.nsponsors = n,
	};
	struct app_http h;
	app_http_begin(c, &h);
	bool nothing = !u.org_name_ja && !u.org_group && !u.contact_name && !u.team_slug && !u.team && !u.sponsors_set;
	enum err e = nothing ? app_refuse(&h.call, ERR_VALIDATION, "err.nothing_to_change", NULL)
	                     : application_update(&h.call, id, &u);
	json_t *values = app_form_posted(c);
	struct app_page_posted posted = {values, &tf, slots, n};
	finish(c, &h, e, id, "saved", &posted);
	json_decref(values);
	team_form_release(&tf);
}

/* In sponsor review: every sponsor that declined replaced, the others kept. */
static void sponsors_post(struct ctx *c)
{
	static const char *const none[] = {NULL};
	int64_t id = ctx_param_id(c, "id");
	if (!app_form_only(c, none, false, true))
		return;
	const char *slugs[APP_SPONSORS_MAX];
	int slots[APP_SPONSORS_MAX];
	bool any;
	size_t n = posted_sponsors(c, slugs, slots, true, &any);
	struct app_http h;
	app_http_begin(c, &h);
	json_t *values = app_form_posted(c);
	struct app_page_posted posted = {values, NULL, slots, n};
	if (!input_ok(c)) {
		app_page_show(c, id, 422, NULL, &posted);
	} else {
		struct app_update u = {.sponsors_set = true, .sponsors = slugs, .nsponsors = n};
		finish(c, &h, application_update(&h.call, id, &u), id, "sponsors", &posted);
	}
	json_decref(values);
}

static void accept_rules_post(struct ctx *c)
{
	int64_t id = ctx_param_id(c, "id");
	if (!form_get(&c->form, "accept")) {
		ctx_field_error(c, "accept", "app.page.accept_required");
		json_t *values = app_form_posted(c);
		struct app_page_posted posted = {values, NULL, NULL, 0};
		app_page_show(c, id, 422, NULL, &posted);
		json_decref(values);
		return;
	}
	struct app_http h;
	app_http_begin(c, &h);
	finish(c, &h, application_accept_rules(&h.call, id, form_get(&c->form, "version")), id, "accepted", NULL);
}

static void submit_post(struct ctx *c)
{
	int64_t id = ctx_param_id(c, "id");
	struct app_http h;
	app_http_begin(c, &h);
	finish(c, &h, application_submit(&h.call, id), id, "submitted", NULL);
}

static void withdraw_post(struct ctx *c)
{
	int64_t id = ctx_param_id(c, "id");
	struct app_http h;
	app_http_begin(c, &h);
	enum err e = application_withdraw(&h.call, id, form_get(&c->form, "withdraw_reason"));
	reason_field(c, "withdraw_reason");
	finish(c, &h, e, id, "withdrawn", NULL);
}

static void sponsor_post(struct ctx *c)
{
	int64_t id = ctx_param_id(c, "id");
	struct app_http h;
	app_http_begin(c, &h);
	enum err e = application_sponsor_answer(&h.call, id, form_get(&c->form, "answer"), form_get(&c->form, "statement"));
	finish(c, &h, e, id, "answered", NULL);
}

static void opinion_post(struct ctx *c)
{
	int64_t id = ctx_param_id(c, "id");
	struct app_http h;
	app_http_begin(c, &h);
	enum err e = application_opinion(&h.call, id, form_get(&c->form, "stance"), form_get(&c->form, "reason"));
	finish(c, &h, e, id, "opinion", NULL);
}

static void approve_post(struct ctx *c)
{
	int64_t id = ctx_param_id(c, "id");
	struct app_http h;
	app_http_begin(c, &h);
	finish(c, &h, application_approve(&h.call, id), id, "approved", NULL);
}

static void reject_post(struct ctx *c)
{
	int64_t id = ctx_param_id(c, "id");
	struct app_http h;
	app_http_begin(c, &h);
	enum err e = application_reject(&h.call, id, form_get(&c->form, "reject_reason"));
	reason_field(c, "reject_reason");
	finish(c, &h, e, id, "rejected", NULL);
}

static void send_back_post(struct ctx *c)
{
	int64_t id = ctx_param_id(c, "id");
	struct app_http h;
	app_http_begin(c, &h);
	enum err e = application_send_back(&h.call, id, form_get(&c->form, "send_back_reason"));
	reason_field(c, "send_back_reason");
	finish(c, &h, e, id, "sent_back", NULL);
}

static void one_page(struct ctx *c)
{
	app_page_show(c, ctx_param_id(c, "id"), 200, NULL, NULL);
}

const struct route application_page_routes[] = {
	{"GET", "/applications/{id}", ACT_APPLICATIONS_READ, one_page, 0},
	{"POST", "/applications/{id}/draft", ACT_APPLICATION_OWN, draft_post, ROUTE_FORM},
	{"POST", "/applications/{id}/sponsors", ACT_APPLICATION_OWN, sponsors_post, ROUTE_FORM},
	{"POST", "/applications/{id}/accept-rules", ACT_APPLICATION_OWN, accept_rules_post, ROUTE_FORM},
	{"POST", "/applications/{id}/submit", ACT_APPLICATION_OWN, submit_post, ROUTE_FORM},
	{"POST", "/applications/{id}/withdraw", ACT_APPLICATION_OWN, withdraw_post, ROUTE_FORM},
	{"POST", "/applications/{id}/sponsor", ACT_APPLICATION_RESPOND, sponsor_post, ROUTE_FORM},
	{"POST", "/applications/{id}/opinion", ACT_APPLICATION_RESPOND, opinion_post, ROUTE_FORM},
	{"POST", "/applications/{id}/approve", ACT_APPLICATIONS_REVIEW, approve_post, ROUTE_FORM},
	{"POST", "/applications/{id}/reject", ACT_APPLICATIONS_REVIEW, reject_post, ROUTE_FORM},
	{"POST", "/applications/{id}/send-back", ACT_APPLICATIONS_REVIEW, send_back_post, ROUTE_FORM},
	{0},
};
