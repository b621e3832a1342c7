/* /admin/membership/rules: the secretariat's form for the texts an
 * applicant accepts (the association's rules, TLP 2.0, the Chatham House
 * Rule), each in English and Japanese, all six saved at once as PUT
 * /api/v1/membership/rules saves them. A new version applies to every
 * application not yet submitted: those that accepted the old one accept
 * again. Line ends typed in a browser (CRLF) are kept as LF, so the same
 * text has the same version whichever door it came in by. */
#include <stdio.h>
#include <string.h>
#include "http/respond.h"
#include "membership/application_http.h"
#include "membership/application_page_form.h"
#include "membership/application_pages.h"
#include "membership/membership_rules.h"

static const char *const titles[RULES__COUNT] = {"app.rules.association", "app.rules.tlp", "app.rules.chatham_house"};

static void field_name(enum rules_text t, enum lang l, char *out, size_t n)
{
	snprintf(out, n, "%s.%s", rules_text_name(t), lang_code(l));
}

/* VALUES: the texts to show ({"tlp.en": text}); NULL: those in force. */
static void rules_render(struct ctx *c, int status, json_t *values)
{
	struct membership_rules r;
	if (membership_rules_load(c->db, &r) < 0) {
		membership_rules_free(&r);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	json_t *own = json_object();
	for (int t = 0; t < RULES__COUNT; t++) {
		for (int l = 0; l < LANG__COUNT; l++) {
			char name[64];
			field_name((enum rules_text)t, (enum lang)l, name, sizeof(name));
			json_object_set_new(own, name, json_string(r.text[t][l]));
		}
	}
	struct app_form_view v;
	app_form_begin(&v, c, values ? values : own, NULL, NULL, 0);
	json_t *texts = json_array();
	for (int t = 0; t < RULES__COUNT; t++) {
		json_t *inputs = json_array();
		for (int l = 0; l < LANG__COUNT; l++) {
			char name[64], summary[160];
			field_name((enum rules_text)t, (enum lang)l, name, sizeof(name));
			const char *lang_label = ctx_t(c, l == LANG_EN ? "dirform.lang_en" : "dirform.lang_ja");
			snprintf(summary, sizeof(summary), "%s (%s)", ctx_t(c, titles[t]), lang_label);
			json_t *in = app_form_control(&v, name, lang_label, summary, APP_W_TEXTAREA, NULL);
			json_object_set_new(in, "rows", json_integer(10));
			json_object_set_new(in, "lang", json_string(lang_code((enum lang)l)));
			json_object_set_new(in, "label_extra", json_string(ctx_t(c, titles[t])));
			json_array_append_new(inputs, in);
		}
		bool custom = r.custom[t][LANG_EN] || r.custom[t][LANG_JA];
		json_array_append_new(texts, json_pack("{s:s,s:s,s:o}", "title", ctx_t(c, titles[t]), "source",
		                                       ctx_t(c, custom ? "rules.page.custom" : "rules.page.built_in"),
		                                       "inputs", inputs));
	}
	const char *done = form_get(&c->query, "done");
	json_t *d = json_pack("{s:s,s:s,s:s,s:o,s:b}", "title", ctx_t(c, "rules.page.title"), "version", r.version,
	                      "page_path", "/admin/membership/rules", "texts", texts, "saved",
	                      done && !strcmp(done, "saved"));
	app_form_finish(&v, d, "rules.page.errors_title");
	membership_rules_free(&r);
	json_decref(own);
	http_page(c, status, "membership_rules.html", d);
}

static void rules_page(struct ctx *c)
{
	rules_render(c, 200, NULL);
}

/* S with CRLF and lone CRs as LF, in the request's pool. */
static const char *lf_only(struct ctx *c, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s), k = 0;
	char *out = ctx_strndup(c, s, n);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r') {
			out[k++] = '\n';
			if (s[i + 1] == '\n')
				i++;
		} else {
			out[k++] = s[i];
		}
	}
	out[k] = '\0';
	return out;
}

static void rules_post(struct ctx *c)
{
	struct app_http h;
	const char *texts[RULES__COUNT][LANG__COUNT];
	json_t *typed = json_object();
	app_http_begin(c, &h);
	for (int t = 0; t < RULES__COUNT; t++) {
		for (int l = 0; l < LANG__COUNT; l++) {
			char name[64];
			field_name((enum rules_text)t, (enum lang)l, name, sizeof(name));
			const char *s = lf_only(c, form_get(&c->form, name));
			json_object_set_new(typed, name, json_string(s ? s : ""));
			texts[t][l] = app_text(&h.call, ctx_strndup(c, name, strlen(name)), s, RULES_TEXT_MAX, true, true);
		}
	}
	if (h.call.nerrors) {
		rules_render(c, 422, typed);
		json_decref(typed);
		return;
	}
	json_decref(typed);
	char version[RULES_VERSION_LEN + 1], detail[96];
	membership_rules_version(texts, version);
	snprintf(detail, sizeof(detail), "{\"version\":\"%s\"}", version);
	if (db_begin(c->db) < 0 || membership_rules_save(c->db, texts) < 0 ||
	    ctx_audit(c, "membership.rules.update", "settings", 0, detail) < 0 || db_commit(c->db) < 0) {
		db_rollback(c->db);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	http_redirect(c, "/admin/membership/rules?done=saved");
}

const struct route membership_rules_page_routes[] = {
	{"GET", "/admin/membership/rules", ACT_SETTINGS_WRITE, rules_page, 0},
	{"POST", "/admin/membership/rules", ACT_SETTINGS_WRITE, rules_post, ROUTE_FORM},
	{0},
};
