/* Editing the directory over the JSON API: the secretariat creates a
 * team's record, and the team's own admins (or the secretariat) change it.
 * Every value is checked by the validators of fields.c; each problem is a
 * field error naming the exact place ("contacts[2].value"), and a change
 * with any error writes nothing. */
#include <stdio.h>
#include <string.h>
#include "accounts/accounts.h"
#include "core/clock.h"
#include "core/json_writer.h"
#include "directory/directory_http.h"
#include "directory/fields.h"
#include "directory/lookup.h"
#include "directory/team_store.h"
#include "http/input.h"
#include "http/respond.h"

#define MAX_CONTACTS 50
#define MAX_PEOPLE 50
#define MAX_RULES 10000
#define MAX_TEXTS 64
#define TEXT_BODY_MAX 20000

static const char *const regions[] = {"", "hokkaido", "tohoku", "kanto", "chubu", "kansai", "chugoku", "shikoku",
                                      "kyushu", "okinawa", "overseas", NULL};
static const char *const sectors[] = {"", "ict", "manufacturing", "finance", "construction", "distribution",
                                      "education", "public", "medical", "energy", "transport", "media", "other", NULL};
static const char *const csirt_types[] = {"", "organisational", "product", "coordination", "national", "analysis",
                                          "incident_response_provider", NULL};
static const char *const spreads[] = {"", "centralised", "distributed", NULL};
static const char *const staffings[] = {"", "dedicated", "part_time", "mixed", NULL};
static const char *const contact_kinds[] = {"email_incident", "email_general", "phone_voice", "phone_emergency",
                                            "fax", NULL};
static const char *const person_roles[] = {"primary_poc", "secondary_poc", "representative", "member", NULL};
static const char *const rule_kinds[] = {"asn", "cidr", "domain", "country", "type", NULL};
static const char *const text_sections[] = {
	/* RFC 2350 */
	"mission", "constituency", "sponsorship", "authority", "policy_incident_types", "policy_cooperation",
	"policy_communication", "services", "incident_reporting", "disclaimers",
	/* the association's own directory texts: 概要, 設立の経緯・背景, 会社内における位置づけおよび活動内容 */
	"overview", "background", "position_and_activities", NULL};

static char *path(struct ctx *c, const char *fmt, const char *a, size_t i)
{
	char tmp[128];
	snprintf(tmp, sizeof(tmp), fmt, a, i);
	return ctx_strndup(c, tmp, strlen(tmp));
}

static bool one_of(const char *s, const char *const list[])
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

/* A validator's refusal as a field error, with its suggestion. */
static void refuse(struct ctx *c, const char *field, enum field_result r, const char *suggestion, size_t max)
{
	char maxs[24];
	snprintf(maxs, sizeof(maxs), "%zu", max);
	const char *vars[] = {"suggestion", suggestion ? suggestion : "", "max", maxs, NULL};
	ctx_field_error_fill(c, field, field_err_key(r), vars);
}

/* A JSON string, or NULL after a type error. */
static const char *string_at(struct ctx *c, json_t *v, const char *field)
{
	if (!json_is_string(v)) {
		ctx_field_error(c, field, "field.want_string");
		return NULL;
	}
	return json_string_value(v);
}

/* Free text; NULL (after an error) when not acceptable. "" is allowed
 * unless REQUIRED. */
static const char *text_at(struct ctx *c, json_t *v, const char *field, size_t max, bool multiline, bool required)
{
	const char *s = string_at(c, v, field);
	if (!s)
		return NULL;
	if (!*s) {
		if (required)
			ctx_field_error(c, field, "field.required");
		return required ? NULL : s;
	}
	enum field_result r = field_text(s, max, multiline);
	if (r != FIELD_OK) {
		refuse(c, field, r, NULL, max);
		return NULL;
	}
	return s;
}

typedef enum field_result (*canon_fn)(const char *s, char *out);

/* A value checked and canonicalised by FN into a pool copy; "" allowed
 * when OPTIONAL. */
static const char *canon_at(struct ctx *c, json_t *v, const char *field, enum field_result (*fn)(const char *, char *),
                            size_t outmax, bool optional)
{
	const char *s = string_at(c, v, field);
	if (!s)
		return NULL;
	if (!*s && optional)
		return s;
	char *out = h2o_mem_alloc_pool(&c->req->pool, outmax);
	enum field_result r = fn(s, out);
	if (r != FIELD_OK) {
		refuse(c, field, r, out, 0);
		return NULL;
	}
	return out;
}

static enum field_result v_cidr(const char *s, char *o) { return field_cidr(s, o); }
static enum field_result v_asn(const char *s, char *o) { return field_asn(s, o); }
static enum field_result v_domain(const char *s, char *o) { return field_domain(s, true, o); }
static enum field_result v_email(const char *s, char *o) { return field_email(s, o); }
static enum field_result v_phone(const char *s, char *o) { return field_phone(s, o); }
static enum field_result v_url(const char *s, char *o) { return field_url(s, o); }
static enum field_result v_tz(const char *s, char *o) { return field_tz(s, o); }
static enum field_result v_date(const char *s, char *o) { return field_date(s, o); }
static enum field_result v_country(const char *s, char *o) { return field_country(s, o); }

static bool visibility_at(struct ctx *c, json_t *v, const char *field, enum visibility dflt, enum visibility *out)
{
	*out = dflt;
	if (!v)
		return true;
	const char *s = string_at(c, v, field);
	if (s && visibility_parse(s, out) == 0)
		return true;
	if (s)
		ctx_field_error(c, field, "field.bad_choice");
	return false;
}

/* One scalar field of team_fields[I] from V into CH. */
static void read_scalar(struct ctx *c, size_t i, json_t *v, struct team_change *ch)
{
	const struct team_field *f = &team_fields[i];
	int col = team_field_col(i);
	const char *name = f->name, *s = NULL;
	if (f->col_ja) {
		/* Bilingual: {"en": …, "ja": …}, either may be left out. */
		if (!json_is_object(v)) {
			ctx_field_error(c, name, "dir.want_en_ja");
			return;
		}
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x) {
			bool en = !strcmp(k, "en");
			if (!en && strcmp(k, "ja") != 0) {
				char tmp[160];
				snprintf(tmp, sizeof(tmp), "%s.%s", name, k);
				ctx_field_error(c, ctx_strndup(c, tmp, strlen(tmp)), "field.unknown");
				continue;
			}
			bool multiline = !strcmp(name, "address") || !strcmp(name, "business_hours");
			bool required = en && !strcmp(name, "name");
			const char *t = text_at(c, x, path(c, en ? "%s.en" : "%s.ja", name, 0), TEAM_TEXT_MAX * 2, multiline,
			                        required);
			if (t) {
				ch->set[col + !en] = true;
				ch->text[col + !en] = t;
			}
		}
		return;
	}
	if (f->integer) {
		if (json_is_null(v)) {
			ch->set[col] = ch->is_null[col] = true;
		} else if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 1000000) {
			ch->set[col] = true;
			ch->num[col] = json_integer_value(v);
		} else {
			ctx_field_error(c, name, "field.want_int_range");
		}
		return;
	}
	if (!strcmp(name, "country"))
		s = canon_at(c, v, name, v_country, FIELD_COUNTRY_MAX, false);
	else if (!strcmp(name, "tz"))
		s = canon_at(c, v, name, v_tz, FIELD_TZ_MAX, false);
	else if (!strcmp(name, "website"))
		s = canon_at(c, v, name, v_url, FIELD_URL_MAX, true);
	else if (!strcmp(name, "established") || !strcmp(name, "joined"))
		s = canon_at(c, v, name, v_date, FIELD_DATE_MAX, true);
	else if (!strcmp(name, "region") || !strcmp(name, "sector") || !strcmp(name, "csirt_type") ||
	         !strcmp(name, "structure_spread") || !strcmp(name, "structure_staffing")) {
		const char *const *list = !strcmp(name, "region") ? regions : !strcmp(name, "sector") ? sectors
		                          : !strcmp(name, "csirt_type") ? csirt_types
		                          : !strcmp(name, "structure_spread") ? spreads : staffings;
		s = string_at(c, v, name);
		if (s && !one_of(s, list)) {
			ctx_field_error(c, name, "field.bad_choice");
			s = NULL;
		}
	} else {
		s = text_at(c, v, name, TEAM_TEXT_MAX, false, false);
	}
	if (s) {
		ch->set[col] = true;
		ch->text[col] = s;
	}
}

static void read_contacts(struct ctx *c, json_t *list, struct team_change *ch)
{
	size_t n = json_array_size(list);
	if (!json_is_array(list) || n > MAX_CONTACTS) {
		ctx_field_error(c, "contacts", "dir.want_list");
		return;
	}
	struct team_contact *out = h2o_mem_alloc_pool(&c->req->pool, (n ? n : 1) * sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(list, i);
		struct team_contact *x = &out[i];
		memset(x, 0, sizeof(*x));
		if (!json_is_object(o)) {
			ctx_field_error(c, path(c, "%s[%zu]", "contacts", i), "dir.want_object");
			continue;
		}
		json_t *kind = json_object_get(o, "kind");
		if (!kind) {
			ctx_field_error(c, path(c, "%s[%zu].kind", "contacts", i), "field.required");
			continue;
		}
		x->kind = string_at(c, kind, path(c, "%s[%zu].kind", "contacts", i));
		if (x->kind && !one_of(x->kind, contact_kinds)) {
			ctx_field_error(c, path(c, "%s[%zu].kind", "contacts", i), "field.bad_choice");
			continue;
		}
		if (!x->kind)
			continue;
		bool email = !strncmp(x->kind, "email", 5);
		json_t *val = json_object_get(o, "value");
		x->value = val ? canon_at(c, val, path(c, "%s[%zu].value", "contacts", i), email ? v_email : v_phone,
		                          email ? FIELD_EMAIL_MAX : FIELD_PHONE_MAX, false)
		               : NULL;
		if (!val)
			ctx_field_error(c, path(c, "%s[%zu].value", "contacts", i), "field.required");
		json_t *h = json_object_get(o, "hours"), *note = json_object_get(o, "note");
		x->hours = h ? text_at(c, h, path(c, "%s[%zu].hours", "contacts", i), 200, false, false) : "";
		x->note = note ? text_at(c, note, path(c, "%s[%zu].note", "contacts", i), 500, false, false) : "";
		visibility_at(c, json_object_get(o, "visibility"), path(c, "%s[%zu].visibility", "contacts", i),
		              email ? VIS_PUBLIC : VIS_MEMBERS, &x->vis);
	}
	ch->contacts_set = true;
	ch->contacts = out;
	ch->ncontacts = n;
}

static void read_people(struct ctx *c, json_t *list, struct team_change *ch)
{
	size_t n = json_array_size(list);
	if (!json_is_array(list) || n > MAX_PEOPLE) {
		ctx_field_error(c, "people", "dir.want_list");
		return;
	}
	struct team_person *out = h2o_mem_alloc_pool(&c->req->pool, (n ? n : 1) * sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(list, i);
		struct team_person *x = &out[i];
		memset(x, 0, sizeof(*x));
		if (!json_is_object(o)) {
			ctx_field_error(c, path(c, "%s[%zu]", "people", i), "dir.want_object");
			continue;
		}
		json_t *name = json_object_get(o, "name"), *role = json_object_get(o, "role");
		json_t *email = json_object_get(o, "email"), *phone = json_object_get(o, "phone");
		json_t *fpr = json_object_get(o, "key_fingerprint");
		x->name = name ? text_at(c, name, path(c, "%s[%zu].name", "people", i), 120, false, true) : NULL;
		if (!name)
			ctx_field_error(c, path(c, "%s[%zu].name", "people", i), "field.required");
		x->role = role ? string_at(c, role, path(c, "%s[%zu].role", "people", i)) : "member";
		if (x->role && !one_of(x->role, person_roles))
			ctx_field_error(c, path(c, "%s[%zu].role", "people", i), "field.bad_choice");
		x->email = email ? canon_at(c, email, path(c, "%s[%zu].email", "people", i), v_email, FIELD_EMAIL_MAX, true) : "";
		x->phone = phone ? canon_at(c, phone, path(c, "%s[%zu].phone", "people", i), v_phone, FIELD_PHONE_MAX, true) : "";
		x->key_fpr = fpr ? string_at(c, fpr, path(c, "%s[%zu].key_fingerprint", "people", i)) : "";
		if (x->key_fpr && *x->key_fpr &&
		    (strlen(x->key_fpr) != 40 || strspn(x->key_fpr, "0123456789ABCDEF") != 40))
			ctx_field_error(c, path(c, "%s[%zu].key_fingerprint", "people", i), "dir.bad_fingerprint");
		visibility_at(c, json_object_get(o, "visibility"), path(c, "%s[%zu].visibility", "people", i),
		              VIS_MEMBERS, &x->vis);
	}
	ch->people_set = true;
	ch->people = out;
	ch->npeople = n;
}

static void read_rules(struct ctx *c, json_t *list, struct team_change *ch)
{
	size_t n = json_array_size(list);
	if (!json_is_array(list) || n > MAX_RULES) {
		ctx_field_error(c, "constituency", "dir.want_list");
		return;
	}
	struct team_rule *out = h2o_mem_alloc_pool(&c->req->pool, (n ? n : 1) * sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(list, i), *kind, *value;
		struct team_rule *x = &out[i];
		memset(x, 0, sizeof(*x));
		const char *kpath = path(c, "%s[%zu].kind", "constituency", i);
		const char *vpath = path(c, "%s[%zu].value", "constituency", i);
		if (!json_is_object(o) || !(kind = json_object_get(o, "kind")) || !(value = json_object_get(o, "value"))) {
			ctx_field_error(c, path(c, "%s[%zu]", "constituency", i), "dir.want_rule");
			continue;
		}
		x->kind = string_at(c, kind, kpath);
		if (!x->kind || !one_of(x->kind, rule_kinds)) {
			if (x->kind)
				ctx_field_error(c, kpath, "field.bad_choice");
			continue;
		}
		if (!strcmp(x->kind, "asn"))
			x->value = canon_at(c, value, vpath, v_asn, FIELD_ASN_MAX, false);
		else if (!strcmp(x->kind, "cidr"))
			x->value = canon_at(c, value, vpath, v_cidr, FIELD_CIDR_MAX, false);
		else if (!strcmp(x->kind, "domain"))
			x->value = canon_at(c, value, vpath, v_domain, FIELD_DOMAIN_MAX, false);
		else if (!strcmp(x->kind, "country"))
			x->value = canon_at(c, value, vpath, v_country, FIELD_COUNTRY_MAX, false);
		else
			x->value = text_at(c, value, vpath, 100, false, true);
		visibility_at(c, json_object_get(o, "visibility"), path(c, "%s[%zu].visibility", "constituency", i),
		              VIS_PUBLIC, &x->vis);
		/* The same rule twice is a mistake worth naming. */
		for (size_t k = 0; x->value && k < i; k++)
			if (out[k].kind && out[k].value && !strcmp(out[k].kind, x->kind) && !strcmp(out[k].value, x->value))
				ctx_field_error(c, vpath, "dir.duplicate_rule");
	}
	ch->rules_set = true;
	ch->rules = out;
	ch->nrules = n;
}

static void read_texts(struct ctx *c, json_t *obj, struct team_change *ch)
{
	if (!json_is_object(obj) || json_object_size(obj) > MAX_TEXTS / 2) {
		ctx_field_error(c, "texts", "dir.want_en_ja");
		return;
	}
	struct team_text *out = h2o_mem_alloc_pool(&c->req->pool, MAX_TEXTS * sizeof(*out));
	size_t n = 0;
	const char *section, *lang;
	json_t *langs, *body;
	json_object_foreach(obj, section, langs) {
		const char *spath = path(c, "texts.%s", section, 0);
		if (!one_of(section, text_sections)) {
			ctx_field_error(c, spath, "field.unknown");
			continue;
		}
		if (!json_is_object(langs)) {
			ctx_field_error(c, spath, "dir.want_en_ja");
			continue;
		}
		json_object_foreach(langs, lang, body) {
			char tmp[96];
			snprintf(tmp, sizeof(tmp), "texts.%s.%s", section, lang);
			const char *lpath = ctx_strndup(c, tmp, strlen(tmp));
			if (strcmp(lang, "en") != 0 && strcmp(lang, "ja") != 0) {
				ctx_field_error(c, lpath, "field.unknown");
				continue;
			}
			const char *t = text_at(c, body, lpath, TEXT_BODY_MAX, true, false);
			if (t && n < MAX_TEXTS)
				out[n++] = (struct team_text){ctx_strndup(c, section, strlen(section)), lang[0] == 'e' ? "en" : "ja", t};
		}
	}
	ch->texts = out;
	ch->ntexts = n;
}

static void read_visibility(struct ctx *c, json_t *obj, struct team_change *ch)
{
	if (!json_is_object(obj)) {
		ctx_field_error(c, "visibility", "dir.want_object");
		return;
	}
	struct team_vis *out = h2o_mem_alloc_pool(&c->req->pool, (json_object_size(obj) + 1) * sizeof(*out));
	size_t n = 0;
	const char *field;
	json_t *v;
	json_object_foreach(obj, field, v) {
		const char *fpath = path(c, "visibility.%s", field, 0);
		bool known = !strncmp(field, "text.", 5) && one_of(field + 5, text_sections);
		for (size_t i = 0; i < team_nfields && !known; i++) {
			if (!strcmp(team_fields[i].name, field)) {
				if (team_fields[i].locked) {
					ctx_field_error(c, fpath, "dir.always_public");
					break;
				}
				known = true;
			}
		}
		if (!known) {
			ctx_field_error(c, fpath, "field.unknown");
			continue;
		}
		enum visibility vis;
		if (visibility_at(c, v, fpath, VIS_PUBLIC, &vis))
			out[n++] = (struct team_vis){ctx_strndup(c, field, strlen(field)), vis};
	}
	ch->vis = out;
	ch->nvis = n;
}

/* Read a whole change from the JSON body into CH; field errors as found. */
static void read_change(struct ctx *c, struct team_change *ch)
{
	const char *key;
	json_t *v;
	memset(ch, 0, sizeof(*ch));
	json_object_foreach(c->json, key, v) {
		if (!strcmp(key, "contacts"))
			read_contacts(c, v, ch);
		else if (!strcmp(key, "people"))
			read_people(c, v, ch);
		else if (!strcmp(key, "constituency"))
			read_rules(c, v, ch);
		else if (!strcmp(key, "texts"))
			read_texts(c, v, ch);
		else if (!strcmp(key, "visibility"))
			read_visibility(c, v, ch);
		else {
			size_t i = 0;
			while (i < team_nfields && strcmp(team_fields[i].name, key) != 0)
				i++;
			/* last_verified is set by confirming the record, not by editing it. */
			if (i == team_nfields || !strcmp(key, "last_verified"))
				ctx_field_error(c, ctx_strndup(c, key, strlen(key)), "field.unknown");
			else
				read_scalar(c, i, v, ch);
		}
	}
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
	read_change(c, &ch);
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
	if (ch.rules_set)
		lookup_changed();
	reply_team(c, 200, t.id);
}

static bool slug_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > TEAM_SLUG_MAX || s[0] == '-' || s[n - 1] == '-')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static void team_post(struct ctx *c)
{
	static const char *const allowed[] = {"slug", "name_en", "org_id", NULL};
	if (!input_json(c, allowed))
		return;
	const char *slug = input_text(c, "slug", true, TEAM_SLUG_MAX, false);
	const char *name = input_text(c, "name_en", true, TEAM_TEXT_MAX, false);
	int64_t org_id = input_int(c, "org_id", 0, 1, INT64_MAX);
	if (slug && !slug_ok(slug))
		ctx_field_error(c, "slug", "dir.bad_slug");
	struct org o;
	if (org_id && org_get(c->db, org_id, &o) != 1)
		ctx_field_error(c, "org_id", "admin.org_unknown");
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	int64_t id = 0;
	if (db_begin(c->db) < 0) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	int rc = team_create(c->db, org_id, slug, name, clock_now(), &id);
	if (rc == 0) {
		db_rollback(c->db);
		ctx_field_error(c, org_id ? "org_id" : "slug", "dir.team_exists");
		http_error(c, ERR_CONFLICT, NULL);
		return;
	}
	if (rc < 0 || ctx_audit(c, "team.create", "team", id, slug) < 0 || db_commit(c->db) < 0) {
		db_rollback(c->db);
		http_error(c, ERR_INTERNAL, NULL);
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
