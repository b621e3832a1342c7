/* The membership application over the JSON API: the public form and its
 * verification, the applicant's draft and submission, the sponsors'
 * answers and the community's opinions, the secretariat's decisions, and
 * reading applications and their history as each reader may. Each handler
 * reads its body, calls one service (application_*.h) and answers with
 * the application as the reader sees it; the services decide everything
 * else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "http/input.h"
#include "http/respond.h"
#include "membership/application_draft.h"
#include "membership/application_flow.h"
#include "membership/application_http.h"
#include "membership/application_request.h"
#include "membership/application_sponsors.h"
#include "membership/application_view.h"

/* A string member of the body: NULL when absent or null, and a field
 * error when it is something else. */
static const char *body_str(struct ctx *c, const char *key)
{
	json_t *v = json_object_get(c->json, key);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		ctx_field_error(c, key, "field.want_string");
		return NULL;
	}
	return json_string_value(v);
}

/* Answer with application ID as the caller sees it. */
static void reply_application(struct ctx *c, int status, int64_t id)
{
	struct application a;
	enum app_view view = APP_VIEW_NONE;
	int found = application_load(c->db, id, &a);
	json_t *o = NULL;
	if (found == 1 && app_view_of(c->db, &c->actor, &a, &view) == 0 && view != APP_VIEW_NONE)
		o = application_json(c->db, &c->actor, &a, view, clock_now());
	application_release(&a);
	if (!o) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	http_json_value(c, status, o);
	json_decref(o);
}

static void apply_post(struct ctx *c)
{
	static const char *const fields[] = {"org_name", "org_name_ja", "org_group", "contact_name", "contact_email",
	                                     "lang", "team_slug", "team", NULL};
	if (!input_json(c, fields))
		return;
	struct app_form f = {
		body_str(c, "org_name"), body_str(c, "org_name_ja"), body_str(c, "org_group"), body_str(c, "contact_name"),
		body_str(c, "contact_email"), body_str(c, "lang"), body_str(c, "team_slug"), json_object_get(c->json, "team"),
	};
	if (!f.lang)
		f.lang = lang_code(c->lang);
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	struct app_http h;
	int64_t expires = 0;
	app_http_begin(c, &h);
	enum err e = application_request(&h.call, &f, &expires);
	if (e != ERR_OK) {
		app_http_fail(&h, e);
		return;
	}
	char iso[32];
	clock_iso_utc(expires, iso, sizeof(iso));
	json_t *o = json_pack("{s:s,s:s,s:s}", "status", "verification_sent", "expires_at", iso, "message",
	                      ctx_t(c, "app.verification_sent"));
	http_json_value(c, 202, o);
	json_decref(o);
}

/* The application is made: the caller gets it as its applicant will. */
static void verified(struct ctx *c, struct app_http *h, enum err e, int64_t id)
{
	if (e != ERR_OK) {
		app_http_fail(h, e);
		return;
	}
	/* The caller is still anonymous: it sees the application as its applicant will. */
	c->actor = h->call.actor;
	char loc[64];
	snprintf(loc, sizeof(loc), "/api/v1/applications/%lld", (long long)id);
	http_header(c, "location", loc);
	reply_application(c, 201, id);
}

static void verify_post(struct ctx *c)
{
	static const char *const fields[] = {"token", "password", "password_confirm", NULL};
	if (!input_json(c, fields))
		return;
	const char *token = body_str(c, "token");
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	struct app_http h;
	char email[EMAIL_MAX + 1];
	app_http_begin(c, &h);
	enum err e = application_request_check(&h.call, token, email, sizeof(email));
	if (e != ERR_OK) {
		app_http_fail(&h, e);
		return;
	}
	const char *pw = input_new_password(c, email);
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	if (app_http_verify_later(c, token, pw, verified) < 0)
		http_error(c, ERR_UNAVAILABLE, NULL);
}

static void list_get(struct ctx *c)
{
	const char *state = input_query_text(c, "state", 32);
	int limit = input_limit(c);
	int64_t cursor = input_cursor(c);
	enum app_state s;
	if (state && app_state_parse(state, &s) < 0)
		ctx_field_error(c, "state", "field.bad_choice");
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	json_t *items = json_array();
	int64_t last = 0;
	int n = application_list(c->db, &c->actor, state, cursor, limit + 1, items, &last);
	if (n < 0) {
		json_decref(items);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	json_t *next = json_null();
	if (n > limit) {
		json_array_remove(items, (size_t)limit);
		char cur[24];
		json_t *x = json_array_get(items, (size_t)limit - 1);
		snprintf(cur, sizeof(cur), "%lld", (long long)json_integer_value(json_object_get(x, "id")));
		json_decref(next);
		next = json_string(cur);
	}
	json_t *o = json_pack("{s:o,s:o}", "items", items, "next_cursor", next);
	http_json_value(c, 200, o);
	json_decref(o);
}

static void one_get(struct ctx *c)
{
	struct app_http h;
	struct application a;
	enum app_view view;
	app_http_begin(c, &h);
	enum err e = app_load_visible(&h.call, ctx_param_id(c, "id"), &a, &view);
	json_t *o = e == ERR_OK ? application_json(c->db, &c->actor, &a, view, h.call.now) : NULL;
	application_release(&a);
	if (e != ERR_OK || !o) {
		app_http_fail(&h, e != ERR_OK ? e : ERR_INTERNAL);
		return;
	}
	http_json_value(c, 200, o);
	json_decref(o);
}

static void history_get(struct ctx *c)
{
	struct app_http h;
	struct application a;
	enum app_view view;
	app_http_begin(c, &h);
	enum err e = app_load_visible(&h.call, ctx_param_id(c, "id"), &a, &view);
	json_t *items = e == ERR_OK ? application_history_json(c->db, &a, view) : NULL;
	application_release(&a);
	if (e != ERR_OK || !items) {
		app_http_fail(&h, e != ERR_OK ? e : ERR_INTERNAL);
		return;
	}
	json_t *o = json_pack("{s:o}", "items", items);
	http_json_value(c, 200, o);
	json_decref(o);
}

static void patch_one(struct ctx *c)
{
	static const char *const fields[] = {"org_name_ja", "org_group", "contact_name", "team_slug", "team", "sponsors",
	                                     NULL};
	if (!input_json(c, fields))
		return;
	if (json_object_size(c->json) == 0) {
		http_error(c, ERR_VALIDATION, "err.nothing_to_change");
		return;
	}
	struct app_update u = {
		.org_name_ja = body_str(c, "org_name_ja"), .org_group = body_str(c, "org_group"),
		.contact_name = body_str(c, "contact_name"), .team_slug = body_str(c, "team_slug"),
		.team = json_object_get(c->json, "team"),
	};
	json_t *list = json_object_get(c->json, "sponsors");
	const char *slugs[APP_SPONSORS_MAX];
	if (list) {
		size_t n = json_array_size(list);
		if (!json_is_array(list) || n > APP_SPONSORS_MAX) {
			ctx_field_error(c, "sponsors", "dir.want_list");
		} else {
			for (size_t i = 0; i < n; i++) {
				slugs[i] = json_string_value(json_array_get(list, i));
				if (!slugs[i]) {
					char field[32];
					snprintf(field, sizeof(field), "sponsors[%zu]", i);
					ctx_field_error(c, ctx_strndup(c, field, strlen(field)), "field.want_string");
				}
			}
			u.sponsors_set = true;
			u.sponsors = slugs;
			u.nsponsors = n;
		}
	}
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	struct app_http h;
	int64_t id = ctx_param_id(c, "id");
	app_http_begin(c, &h);
	enum err e = application_update(&h.call, id, &u);
	if (e != ERR_OK)
		app_http_fail(&h, e);
	else
		reply_application(c, 200, id);
}

/* The actions on one application: what each reads from its body, and
 * which service it calls with it. */
enum action_kind { ACCEPT_RULES, SUBMIT, WITHDRAW, SPONSOR, OPINION, APPROVE, REJECT, SEND_BACK };

static void act(struct ctx *c, enum action_kind kind)
{
	static const char *const none[] = {NULL};
	static const char *const version[] = {"version", NULL};
	static const char *const reason[] = {"reason", NULL};
	static const char *const answer[] = {"answer", "statement", NULL};
	static const char *const stance[] = {"stance", "reason", NULL};
	static const char *const *const allowed[] = {
		[ACCEPT_RULES] = version, [SUBMIT] = none, [WITHDRAW] = reason, [SPONSOR] = answer,
		[OPINION] = stance, [APPROVE] = none, [REJECT] = reason, [SEND_BACK] = reason,
	};
	if (!input_json(c, allowed[kind]))
		return;
	const char *a = allowed[kind][0] ? body_str(c, allowed[kind][0]) : NULL;
	const char *b = allowed[kind][0] && allowed[kind][1] ? body_str(c, allowed[kind][1]) : NULL;
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	struct app_http h;
	int64_t id = ctx_param_id(c, "id");
	app_http_begin(c, &h);
	enum err e = ERR_INTERNAL;
	switch (kind) {
	case ACCEPT_RULES: e = application_accept_rules(&h.call, id, a); break;
	case SUBMIT: e = application_submit(&h.call, id); break;
	case WITHDRAW: e = application_withdraw(&h.call, id, a); break;
	case SPONSOR: e = application_sponsor_answer(&h.call, id, a, b); break;
	case OPINION: e = application_opinion(&h.call, id, a, b); break;
	case APPROVE: e = application_approve(&h.call, id); break;
	case REJECT: e = application_reject(&h.call, id, a); break;
	case SEND_BACK: e = application_send_back(&h.call, id, a); break;
	}
	if (e != ERR_OK)
		app_http_fail(&h, e);
	else
		reply_application(c, 200, id);
}

static void accept_rules_post(struct ctx *c) { act(c, ACCEPT_RULES); }
static void submit_post(struct ctx *c) { act(c, SUBMIT); }
static void withdraw_post(struct ctx *c) { act(c, WITHDRAW); }
static void sponsor_post(struct ctx *c) { act(c, SPONSOR); }
static void opinion_post(struct ctx *c) { act(c, OPINION); }
static void approve_post(struct ctx *c) { act(c, APPROVE); }
static void reject_post(struct ctx *c) { act(c, REJECT); }
static void send_back_post(struct ctx *c) { act(c, SEND_BACK); }

const struct route application_api_routes[] = {
	/* The public form and its verification: anyone, without an account. */
	{"POST", "/api/v1/applications", ACT_MEMBERSHIP_APPLY, apply_post, ROUTE_API},
	{"POST", "/api/v1/applications/verify", ACT_MEMBERSHIP_APPLY, verify_post, ROUTE_API},
	{"GET", "/api/v1/applications", ACT_APPLICATIONS_READ, list_get, ROUTE_API},
	{"GET", "/api/v1/applications/{id}", ACT_APPLICATIONS_READ, one_get, ROUTE_API},
	{"PATCH", "/api/v1/applications/{id}", ACT_APPLICATION_OWN, patch_one, ROUTE_API},
	{"GET", "/api/v1/applications/{id}/history", ACT_APPLICATIONS_READ, history_get, ROUTE_API},
	{"POST", "/api/v1/applications/{id}/accept-rules", ACT_APPLICATION_OWN, accept_rules_post, ROUTE_API},
	{"POST", "/api/v1/applications/{id}/submit", ACT_APPLICATION_OWN, submit_post, ROUTE_API},
	{"POST", "/api/v1/applications/{id}/withdraw", ACT_APPLICATION_OWN, withdraw_post, ROUTE_API},
	{"POST", "/api/v1/applications/{id}/sponsor", ACT_APPLICATION_RESPOND, sponsor_post, ROUTE_API},
	{"POST", "/api/v1/applications/{id}/opinion", ACT_APPLICATION_RESPOND, opinion_post, ROUTE_API},
	{"POST", "/api/v1/applications/{id}/approve", ACT_APPLICATIONS_REVIEW, approve_post, ROUTE_API},
	{"POST", "/api/v1/applications/{id}/reject", ACT_APPLICATIONS_REVIEW, reject_post, ROUTE_API},
	{"POST", "/api/v1/applications/{id}/send-back", ACT_APPLICATIONS_REVIEW, send_back_post, ROUTE_API},
	{0},
};
