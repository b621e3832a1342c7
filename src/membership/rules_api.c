/* The texts applicants accept (the association's rules, TLP 2.0, the
 * Chatham House Rule) over the JSON API: anyone may read them, as an
 * applicant must before accepting; the secretariat replaces them, all six
 * (three texts in English and Japanese) at once, and the new version
 * applies to every application not yet submitted. */
#include <stdio.h>
#include <string.h>
#include "http/input.h"
#include "http/respond.h"
#include "membership/application_http.h"
#include "membership/membership_rules.h"

static json_t *rules_json(const struct membership_rules *r)
{
	json_t *o = json_pack("{s:s}", "version", r->version), *texts = json_object(), *custom = json_object();
	for (int t = 0; t < RULES__COUNT; t++) {
		json_object_set_new(texts, rules_text_name((enum rules_text)t),
		                    json_pack("{s:s,s:s}", "en", r->text[t][LANG_EN], "ja", r->text[t][LANG_JA]));
		json_object_set_new(custom, rules_text_name((enum rules_text)t),
		                    json_boolean(r->custom[t][LANG_EN] || r->custom[t][LANG_JA]));
	}
	json_object_set_new(o, "texts", texts);
	json_object_set_new(o, "custom", custom);
	return o;
}

static void reply_rules(struct ctx *c)
{
	struct membership_rules r;
	if (membership_rules_load(c->db, &r) < 0) {
		membership_rules_free(&r);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	json_t *o = rules_json(&r);
	membership_rules_free(&r);
	http_json_value(c, 200, o);
	json_decref(o);
}

static void rules_get(struct ctx *c)
{
	reply_rules(c);
}

static void rules_put(struct ctx *c)
{
	static const char *const fields[] = {"association", "tlp", "chatham_house", NULL};
	if (!input_json(c, fields))
		return;
	struct app_http h;
	const char *texts[RULES__COUNT][LANG__COUNT] = {{NULL}};
	app_http_begin(c, &h);
	for (int t = 0; t < RULES__COUNT; t++) {
		const char *name = rules_text_name((enum rules_text)t);
		json_t *both = json_object_get(c->json, name);
		if (!json_is_object(both)) {
			ctx_field_error(c, name, both ? "dir.want_en_ja" : "field.required");
			continue;
		}
		const char *key;
		json_t *v;
		json_object_foreach(both, key, v) {
			if (strcmp(key, "en") != 0 && strcmp(key, "ja") != 0) {
				char field[64];
				snprintf(field, sizeof(field), "%s.%s", name, key);
				ctx_field_error(c, ctx_strndup(c, field, strlen(field)), "field.unknown");
			}
		}
		for (int l = 0; l < LANG__COUNT; l++) {
			char field[64];
			snprintf(field, sizeof(field), "%s.%s", name, lang_code((enum lang)l));
			json_t *s = json_object_get(both, lang_code((enum lang)l));
			const char *where = ctx_strndup(c, field, strlen(field));
			if (s && !json_is_string(s))
				ctx_field_error(c, where, "field.want_string");
			else
				texts[t][l] = app_text(&h.call, where, json_string_value(s), RULES_TEXT_MAX, true, true);
		}
	}
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	char version[RULES_VERSION_LEN + 1], detail[96];
	membership_rules_version(texts, version);
	snprintf(detail, sizeof(detail), "{\"version\":\"%s\"}", version);
	if (db_begin(c->db) < 0 || membership_rules_save(c->db, texts) < 0 ||
	    ctx_audit(c, "membership.rules.update", "settings", 0, detail) < 0 || db_commit(c->db) < 0) {
		db_rollback(c->db);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	reply_rules(c);
}

const struct route membership_rules_routes[] = {
	{"GET", "/api/v1/membership/rules", ACT_PUBLIC_READ, rules_get, ROUTE_API},
	{"PUT", "/api/v1/membership/rules", ACT_SETTINGS_WRITE, rules_put, ROUTE_API},
	{0},
};
