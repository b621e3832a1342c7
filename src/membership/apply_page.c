/* Joining starts here, without an account: the public form (/apply) for
 * the organisation, the first draft of its team record and the contact
 * person, then "check your mail"; the mailed link (/apply/verify) lets
 * the contact choose a password, which creates the applicant account,
 * signs it in and leads to the application. Both call the services the
 * API calls (application_request.h); a refused form comes back with
 * everything as typed and each problem beside its field, a refusal of the
 * whole request (an application already open, too many forms from one
 * address) as a message at the top, a link that no longer works as a
 * page that says why. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "accounts/accounts.h"
#include "auth/auth_http.h"
#include "core/clock.h"
#include "http/input.h"
#include "http/respond.h"
#include "membership/application_http.h"
#include "membership/application_page_form.h"
#include "membership/application_pages.h"
#include "membership/application_request.h"

static const char *const langs[] = {"ja", "en", NULL};

static void apply_render(struct ctx *c, int status, json_t *values, const struct team_form *tf, const char *problem)
{
	struct app_form_view v;
	app_form_begin(&v, c, values, tf, NULL, 0);
	json_t *org = json_array(), *contact = json_array();
	json_array_append_new(org, app_form_control(&v, "org_name", ctx_t(c, "apply.org_name"), NULL, APP_W_TEXT,
	                                            "apply.org_name_hint"));
	json_array_append_new(org, app_form_control(&v, "org_name_ja", ctx_t(c, "apply.org_name_ja"), NULL, APP_W_TEXT,
	                                            NULL));
	json_array_append_new(org, app_form_control(&v, "org_group", ctx_t(c, "apply.org_group"), NULL, APP_W_TEXT,
	                                            "apply.org_group_hint"));
	json_array_append_new(contact, app_form_control(&v, "contact_name", ctx_t(c, "apply.contact_name"), NULL,
	                                                APP_W_TEXT, NULL));
	json_array_append_new(contact, app_form_control(&v, "contact_email", ctx_t(c, "apply.contact_email"), NULL,
	                                                APP_W_EMAIL, "apply.contact_email_hint"));
	json_array_append_new(contact, app_form_select(&v, "lang", ctx_t(c, "apply.lang"), langs, "apply.lang.", NULL,
	                                               lang_code(c->lang)));
	json_t *d = json_pack("{s:s,s:s,s:s,s:o,s:o}", "title", ctx_t(c, "apply.title"), "page_path", "/apply",
	                      "problem", problem ? problem : "", "org_inputs", org, "contact_inputs", contact);
	json_object_set_new(d, "sections", app_form_record_sections(&v));
	json_object_set_new(d, "contacts_error",
	                    app_form_list_error(&v, "team.contacts", ctx_t(c, "dir.contacts"), "#f-contacts"));
	json_object_set_new(d, "contacts", app_form_contact_rows(&v));
	app_form_finish(&v, d, "apply.errors_title");
	http_page(c, status, "apply.html", d);
}

static void apply_page(struct ctx *c)
{
	/* Most applicants are Japanese organisations. */
	json_t *values = json_pack("{s:s}", "team.country", "JP");
	apply_render(c, 200, values, NULL, NULL);
	json_decref(values);
}

static void apply_post(struct ctx *c)
{
	static const char *const fields[] = {"org_name", "org_name_ja", "org_group", "contact_name", "contact_email", "lang",
	                                     "team_slug", NULL};
	struct team_form tf;
	if (!app_form_only(c, fields, true, false))
		return;
	if (app_form_read_team(c, &tf) < 0) {
		team_form_release(&tf);
		return;
	}
	struct app_form f = {
		form_get(&c->form, "org_name"), form_get(&c->form, "org_name_ja"), form_get(&c->form, "org_group"),
		form_get(&c->form, "contact_name"), form_get(&c->form, "contact_email"), form_get(&c->form, "lang"),
		form_get(&c->form, "team_slug"), tf.change,
	};
	struct app_http h;
	int64_t expires = 0;
	app_http_begin(c, &h);
	enum err e = application_request(&h.call, &f, &expires);
	if (e == ERR_OK) {
		char iso[32];
		clock_iso_utc(expires, iso, sizeof(iso));
		const char *vars[] = {"email", f.contact_email, "expires", app_page_when(c, iso), NULL};
		json_t *d = json_pack("{s:s,s:s,s:s}", "title", ctx_t(c, "apply.sent_title"), "text",
		                      app_page_fill(c, "apply.sent_text", vars), "page_path", "/apply");
		http_page(c, 200, "notice.html", d);
	} else if (e == ERR_INTERNAL || e == ERR_UNAVAILABLE) {
		app_http_fail(&h, e);
	} else {
		json_t *values = app_form_posted(c);
		apply_render(c, err_info(e)->status, values, &tf, h.refusal);
		json_decref(values);
	}
	team_form_release(&tf);
}

/* ---- the mailed link ---- */

static const char *token_of(struct ctx *c)
{
	const char *t = form_get(&c->form, "token");
	return t ? t : form_get(&c->query, "token");
}

/* A link that no longer works (or never did): a page that says which. */
static void link_refused(struct ctx *c, enum err e, const char *message)
{
	if (e == ERR_INTERNAL || e == ERR_UNAVAILABLE || !message) {
		http_error_message(c, e, message);
		return;
	}
	json_t *d = json_pack("{s:s,s:s}", "title", ctx_t(c, "apply.verify_title"), "text", message);
	http_page(c, err_info(e)->status, "apply_link.html", d);
}

static void verify_render(struct ctx *c, int status, const char *token, const char *email)
{
	json_t *d = json_pack("{s:s,s:s,s:s,s:o}", "title", ctx_t(c, "apply.verify_title"), "token", token, "email", email,
	                      "errors", ctx_field_errors_json(c));
	/* After a refused password the page answers a POST: its link to the
	 * other language keeps the mailed token (base64url, as mailed). */
	if (*token && strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == strlen(token)) {
		char path[128];
		snprintf(path, sizeof(path), "/apply/verify?token=%.64s", token);
		json_object_set_new(d, "page_path", json_string(path));
	}
	http_page(c, status, "apply_verify.html", d);
}

static void verify_page(struct ctx *c)
{
	struct app_http h;
	char email[EMAIL_MAX + 1];
	const char *token = token_of(c);
	app_http_begin(c, &h);
	enum err e = application_request_check(&h.call, token, email, sizeof(email));
	if (e != ERR_OK)
		link_refused(c, e, h.refusal);
	else
		verify_render(c, 200, token, email);
}

static void verified(struct ctx *c, struct app_http *h, enum err e, int64_t id)
{
	if (e != ERR_OK) {
		link_refused(c, e, h->refusal);
		return;
	}
	/* The new account is signed in on this browser, and goes on with its draft. */
	auth_start_session(c, h->call.actor.user_id, false);
	char loc[64];
	snprintf(loc, sizeof(loc), "/applications/%lld?done=verified", (long long)id);
	http_redirect(c, loc);
}

static void verify_post(struct ctx *c)
{
	struct app_http h;
	char email[EMAIL_MAX + 1];
	const char *token = token_of(c);
	app_http_begin(c, &h);
	enum err e = application_request_check(&h.call, token, email, sizeof(email));
	if (e != ERR_OK) {
		link_refused(c, e, h.refusal);
		return;
	}
	const char *pw = input_new_password(c, email);
	if (!input_ok(c)) {
		verify_render(c, 422, token, email);
		return;
	}
	if (app_http_verify_later(c, token, pw, verified) < 0)
		http_error(c, ERR_UNAVAILABLE, NULL);
}

const struct route apply_page_routes[] = {
	/* Anyone, without an account: the public form, and the link it mails. */
	{"GET", "/apply", ACT_MEMBERSHIP_APPLY, apply_page, 0},
	{"POST", "/apply", ACT_MEMBERSHIP_APPLY, apply_post, ROUTE_FORM},
	{"GET", "/apply/verify", ACT_MEMBERSHIP_APPLY, verify_page, 0},
	{"POST", "/apply/verify", ACT_MEMBERSHIP_APPLY, verify_post, ROUTE_FORM},
	{0},
};
