/* Reading a change to a team record from JSON, without HTTP: the API,
 * the web form (which turns its fields into the same JSON) and the
 * importers all come through here, so a value is checked one way
 * whichever door it came in by. Every value goes through the validators
 * of fields.c; each problem is reported with the exact place
 * ("contacts[2].value"). */
#include <stdio.h>
#include <string.h>
#include "directory/constituency_type.h"
#include "directory/fields.h"
#include "directory/team_input.h"

static void ti_error(struct team_input *in, const char *field, const char *msg_key, const char *const vars[])
{
	in->nerrors++;
	in->error(in->arg, field, msg_key, vars);
}

static char *ti_strndup(struct team_input *in, const char *s, size_t n)
{
	char *p = h2o_mem_alloc_pool(in->pool, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

#define MAX_CONTACTS 50
#define MAX_PEOPLE 50
#define MAX_RULES 10000
#define MAX_TEXTS 64
#define TEXT_BODY_MAX 20000

const char *const team_regions[] = {"", "hokkaido", "tohoku", "kanto", "chubu", "kansai", "chugoku", "shikoku",
                                      "kyushu", "okinawa", "overseas", NULL};
const char *const team_sectors[] = {"", "ict", "manufacturing", "finance", "construction", "distribution",
                                      "education", "public", "medical", "energy", "transport", "media", "other", NULL};
const char *const team_csirt_types[] = {"", "organisational", "product", "coordination", "national", "analysis",
                                          "incident_response_provider", NULL};
const char *const team_spreads[] = {"", "centralised", "distributed", NULL};
const char *const team_staffings[] = {"", "dedicated", "part_time", "mixed", NULL};
const char *const team_contact_kinds[] = {"email_incident", "email_general", "phone_voice", "phone_emergency",
                                            "fax", NULL};
const char *const team_person_roles[] = {"primary_poc", "secondary_poc", "representative", "member", NULL};
const char *const team_rule_kinds[] = {"asn", "cidr", "domain", "country", "type", NULL};
const char *const team_text_sections[] = {
	/* RFC 2350 */
	"mission", "constituency", "sponsorship", "authority", "policy_incident_types", "policy_cooperation",
	"policy_communication", "services", "incident_reporting", "disclaimers",
	/* the association's own directory texts: 概要, 設立の経緯・背景, 会社内における位置づけおよび活動内容 */
	"overview", "background", "position_and_activities", NULL};

static char *path(struct team_input *in, const char *fmt, const char *a, size_t i)
{
	char tmp[128];
	snprintf(tmp, sizeof(tmp), fmt, a, i);
	return ti_strndup(in, tmp, strlen(tmp));
}

static bool one_of(const char *s, const char *const list[])
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

/* A validator's refusal as a field error, with its suggestion. */
static void refuse(struct team_input *in, const char *field, enum field_result r, const char *suggestion, size_t max)
{
	char maxs[24];
	snprintf(maxs, sizeof(maxs), "%zu", max);
	const char *vars[] = {"suggestion", suggestion ? suggestion : "", "max", maxs, NULL};
	ti_error(in, field, field_err_key(r), vars);
}

/* A JSON string, or NULL after a type error. */
static const char *string_at(struct team_input *in, json_t *v, const char *field)
{
	if (!json_is_string(v)) {
		ti_error(in, field, "field.want_string", NULL);
		return NULL;
	}
	return json_string_value(v);
}

/* Free text; NULL (after an error) when not acceptable. "" is allowed
 * unless REQUIRED. */
static const char *text_at(struct team_input *in, json_t *v, const char *field, size_t max, bool multiline, bool required)
{
	const char *s = string_at(in, v, field);
	if (!s)
		return NULL;
	if (!*s) {
		if (required)
			ti_error(in, field, "field.required", NULL);
		return required ? NULL : s;
	}
	enum field_result r = field_text(s, max, multiline);
	if (r != FIELD_OK) {
		refuse(in, field, r, NULL, max);
		return NULL;
	}
	return s;
}

typedef enum field_result (*canon_fn)(const char *s, char *out);

/* A value checked and canonicalised by FN into a pool copy; "" allowed
 * when OPTIONAL. */
static const char *canon_at(struct team_input *in, json_t *v, const char *field, enum field_result (*fn)(const char *, char *),
                            size_t outmax, bool optional)
{
	const char *s = string_at(in, v, field);
	if (!s)
		return NULL;
	if (!*s && optional)
		return s;
	char *out = h2o_mem_alloc_pool(in->pool, outmax);
	enum field_result r = fn(s, out);
	if (r != FIELD_OK) {
		refuse(in, field, r, out, 0);
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

static bool visibility_at(struct team_input *in, json_t *v, const char *field, enum visibility dflt, enum visibility *out)
{
	*out = dflt;
	if (!v)
		return true;
	const char *s = string_at(in, v, field);
	if (s && visibility_parse(s, out) == 0)
		return true;
	if (s)
		ti_error(in, field, "field.bad_choice", NULL);
	return false;
}

/* One scalar field of team_fields[I] from V into CH. */
static void read_scalar(struct team_input *in, size_t i, json_t *v, struct team_change *ch)
{
	const struct team_field *f = &team_fields[i];
	int col = team_field_col(i);
	const char *name = f->name, *s = NULL;
	if (f->col_ja) {
		/* Bilingual: {"en": …, "ja": …}, either may be left out. */
		if (!json_is_object(v)) {
			ti_error(in, name, "dir.want_en_ja", NULL);
			return;
		}
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x) {
			bool en = !strcmp(k, "en");
			if (!en && strcmp(k, "ja") != 0) {
				char tmp[160];
				snprintf(tmp, sizeof(tmp), "%s.%s", name, k);
				ti_error(in, ti_strndup(in, tmp, strlen(tmp)), "field.unknown", NULL);
				continue;
			}
			bool multiline = !strcmp(name, "address") || !strcmp(name, "business_hours");
			bool required = en && !strcmp(name, "name");
			const char *t = text_at(in, x, path(in, en ? "%s.en" : "%s.ja", name, 0), TEAM_TEXT_MAX * 2, multiline,
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
			ti_error(in, name, "field.want_int_range", NULL);
		}
		return;
	}
	if (!strcmp(name, "country"))
		s = canon_at(in, v, name, v_country, FIELD_COUNTRY_MAX, false);
	else if (!strcmp(name, "tz"))
		s = canon_at(in, v, name, v_tz, FIELD_TZ_MAX, false);
	else if (!strcmp(name, "website"))
		s = canon_at(in, v, name, v_url, FIELD_URL_MAX, true);
	else if (!strcmp(name, "established") || !strcmp(name, "joined"))
		s = canon_at(in, v, name, v_date, FIELD_DATE_MAX, true);
	else if (!strcmp(name, "region") || !strcmp(name, "sector") || !strcmp(name, "csirt_type") ||
	         !strcmp(name, "structure_spread") || !strcmp(name, "structure_staffing")) {
		const char *const *list = !strcmp(name, "region") ? team_regions : !strcmp(name, "sector") ? team_sectors
		                          : !strcmp(name, "csirt_type") ? team_csirt_types
		                          : !strcmp(name, "structure_spread") ? team_spreads : team_staffings;
		s = string_at(in, v, name);
		if (s && !one_of(s, list)) {
			ti_error(in, name, "field.bad_choice", NULL);
			s = NULL;
		}
	} else {
		s = text_at(in, v, name, TEAM_TEXT_MAX, false, false);
	}
	if (s) {
		ch->set[col] = true;
		ch->text[col] = s;
	}
}

static void read_contacts(struct team_input *in, json_t *list, struct team_change *ch)
{
	size_t n = json_array_size(list);
	if (!json_is_array(list) || n > MAX_CONTACTS) {
		ti_error(in, "contacts", "dir.want_list", NULL);
		return;
	}
	struct team_contact *out = h2o_mem_alloc_pool(in->pool, (n ? n : 1) * sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(list, i);
		struct team_contact *x = &out[i];
		memset(x, 0, sizeof(*x));
		if (!json_is_object(o)) {
			ti_error(in, path(in, "%s[%zu]", "contacts", i), "dir.want_object", NULL);
			continue;
		}
		json_t *kind = json_object_get(o, "kind");
		if (!kind) {
			ti_error(in, path(in, "%s[%zu].kind", "contacts", i), "field.required", NULL);
			continue;
		}
		x->kind = string_at(in, kind, path(in, "%s[%zu].kind", "contacts", i));
		if (x->kind && !one_of(x->kind, team_contact_kinds)) {
			ti_error(in, path(in, "%s[%zu].kind", "contacts", i), "field.bad_choice", NULL);
			continue;
		}
		if (!x->kind)
			continue;
		bool email = !strncmp(x->kind, "email", 5);
		json_t *val = json_object_get(o, "value");
		x->value = val ? canon_at(in, val, path(in, "%s[%zu].value", "contacts", i), email ? v_email : v_phone,
		                          email ? FIELD_EMAIL_MAX : FIELD_PHONE_MAX, false)
		               : NULL;
		if (!val)
			ti_error(in, path(in, "%s[%zu].value", "contacts", i), "field.required", NULL);
		json_t *h = json_object_get(o, "hours"), *note = json_object_get(o, "note");
		x->hours = h ? text_at(in, h, path(in, "%s[%zu].hours", "contacts", i), 200, false, false) : "";
		x->note = note ? text_at(in, note, path(in, "%s[%zu].note", "contacts", i), 500, false, false) : "";
		visibility_at(in, json_object_get(o, "visibility"), path(in, "%s[%zu].visibility", "contacts", i),
		              email ? VIS_PUBLIC : VIS_MEMBERS, &x->vis);
	}
	ch->contacts_set = true;
	ch->contacts = out;
	ch->ncontacts = n;
}

static void read_people(struct team_input *in, json_t *list, struct team_change *ch)
{
	size_t n = json_array_size(list);
	if (!json_is_array(list) || n > MAX_PEOPLE) {
		ti_error(in, "people", "dir.want_list", NULL);
		return;
	}
	struct team_person *out = h2o_mem_alloc_pool(in->pool, (n ? n : 1) * sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(list, i);
		struct team_person *x = &out[i];
		memset(x, 0, sizeof(*x));
		if (!json_is_object(o)) {
			ti_error(in, path(in, "%s[%zu]", "people", i), "dir.want_object", NULL);
			continue;
		}
		json_t *name = json_object_get(o, "name"), *role = json_object_get(o, "role");
		json_t *email = json_object_get(o, "email"), *phone = json_object_get(o, "phone");
		json_t *fpr = json_object_get(o, "key_fingerprint");
		x->name = name ? text_at(in, name, path(in, "%s[%zu].name", "people", i), 120, false, true) : NULL;
		if (!name)
			ti_error(in, path(in, "%s[%zu].name", "people", i), "field.required", NULL);
		x->role = role ? string_at(in, role, path(in, "%s[%zu].role", "people", i)) : "member";
		if (x->role && !one_of(x->role, team_person_roles))
			ti_error(in, path(in, "%s[%zu].role", "people", i), "field.bad_choice", NULL);
		x->email = email ? canon_at(in, email, path(in, "%s[%zu].email", "people", i), v_email, FIELD_EMAIL_MAX, true) : "";
		x->phone = phone ? canon_at(in, phone, path(in, "%s[%zu].phone", "people", i), v_phone, FIELD_PHONE_MAX, true) : "";
		x->key_fpr = fpr ? string_at(in, fpr, path(in, "%s[%zu].key_fingerprint", "people", i)) : "";
		if (x->key_fpr && *x->key_fpr &&
		    (strlen(x->key_fpr) != 40 || strspn(x->key_fpr, "0123456789ABCDEF") != 40))
			ti_error(in, path(in, "%s[%zu].key_fingerprint", "people", i), "dir.bad_fingerprint", NULL);
		visibility_at(in, json_object_get(o, "visibility"), path(in, "%s[%zu].visibility", "people", i),
		              VIS_MEMBERS, &x->vis);
	}
	ch->people_set = true;
	ch->people = out;
	ch->npeople = n;
}

static void read_rules(struct team_input *in, json_t *list, struct team_change *ch)
{
	size_t n = json_array_size(list);
	if (!json_is_array(list) || n > MAX_RULES) {
		ti_error(in, "constituency", "dir.want_list", NULL);
		return;
	}
	struct team_rule *out = h2o_mem_alloc_pool(in->pool, (n ? n : 1) * sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(list, i), *kind, *value;
		struct team_rule *x = &out[i];
		memset(x, 0, sizeof(*x));
		const char *kpath = path(in, "%s[%zu].kind", "constituency", i);
		const char *vpath = path(in, "%s[%zu].value", "constituency", i);
		if (!json_is_object(o) || !(kind = json_object_get(o, "kind")) || !(value = json_object_get(o, "value"))) {
			ti_error(in, path(in, "%s[%zu]", "constituency", i), "dir.want_rule", NULL);
			continue;
		}
		x->kind = string_at(in, kind, kpath);
		if (!x->kind || !one_of(x->kind, team_rule_kinds)) {
			if (x->kind)
				ti_error(in, kpath, "field.bad_choice", NULL);
			continue;
		}
		if (!strcmp(x->kind, "asn"))
			x->value = canon_at(in, value, vpath, v_asn, FIELD_ASN_MAX, false);
		else if (!strcmp(x->kind, "cidr"))
			x->value = canon_at(in, value, vpath, v_cidr, FIELD_CIDR_MAX, false);
		else if (!strcmp(x->kind, "domain"))
			x->value = canon_at(in, value, vpath, v_domain, FIELD_DOMAIN_MAX, false);
		else if (!strcmp(x->kind, "country"))
			x->value = canon_at(in, value, vpath, v_country, FIELD_COUNTRY_MAX, false);
		else
			x->value = text_at(in, value, vpath, CONSTITUENCY_TYPE_MAX, false, true);
		visibility_at(in, json_object_get(o, "visibility"), path(in, "%s[%zu].visibility", "constituency", i),
		              VIS_PUBLIC, &x->vis);
		/* The same rule twice is a mistake worth naming. */
		for (size_t k = 0; x->value && k < i; k++)
			if (out[k].kind && out[k].value && !strcmp(out[k].kind, x->kind) && !strcmp(out[k].value, x->value))
				ti_error(in, vpath, "dir.duplicate_rule", NULL);
	}
	ch->rules_set = true;
	ch->rules = out;
	ch->nrules = n;
}

static void read_texts(struct team_input *in, json_t *obj, struct team_change *ch)
{
	if (!json_is_object(obj) || json_object_size(obj) > MAX_TEXTS / 2) {
		ti_error(in, "texts", "dir.want_en_ja", NULL);
		return;
	}
	struct team_text *out = h2o_mem_alloc_pool(in->pool, MAX_TEXTS * sizeof(*out));
	size_t n = 0;
	const char *section, *lang;
	json_t *langs, *body;
	json_object_foreach(obj, section, langs) {
		const char *spath = path(in, "texts.%s", section, 0);
		if (!one_of(section, team_text_sections)) {
			ti_error(in, spath, "field.unknown", NULL);
			continue;
		}
		if (!json_is_object(langs)) {
			ti_error(in, spath, "dir.want_en_ja", NULL);
			continue;
		}
		json_object_foreach(langs, lang, body) {
			char tmp[96];
			snprintf(tmp, sizeof(tmp), "texts.%s.%s", section, lang);
			const char *lpath = ti_strndup(in, tmp, strlen(tmp));
			if (strcmp(lang, "en") != 0 && strcmp(lang, "ja") != 0) {
				ti_error(in, lpath, "field.unknown", NULL);
				continue;
			}
			const char *t = text_at(in, body, lpath, TEXT_BODY_MAX, true, false);
			if (t && n < MAX_TEXTS)
				out[n++] = (struct team_text){ti_strndup(in, section, strlen(section)), lang[0] == 'e' ? "en" : "ja", t};
		}
	}
	ch->texts = out;
	ch->ntexts = n;
}

static void read_visibility(struct team_input *in, json_t *obj, struct team_change *ch)
{
	if (!json_is_object(obj)) {
		ti_error(in, "visibility", "dir.want_object", NULL);
		return;
	}
	struct team_vis *out = h2o_mem_alloc_pool(in->pool, (json_object_size(obj) + 1) * sizeof(*out));
	size_t n = 0;
	const char *field;
	json_t *v;
	json_object_foreach(obj, field, v) {
		const char *fpath = path(in, "visibility.%s", field, 0);
		bool known = !strncmp(field, "text.", 5) && one_of(field + 5, team_text_sections);
		for (size_t i = 0; i < team_nfields && !known; i++) {
			if (!strcmp(team_fields[i].name, field)) {
				if (team_fields[i].locked) {
					ti_error(in, fpath, "dir.always_public", NULL);
					break;
				}
				known = true;
			}
		}
		if (!known) {
			ti_error(in, fpath, "field.unknown", NULL);
			continue;
		}
		enum visibility vis;
		if (visibility_at(in, v, fpath, VIS_PUBLIC, &vis))
			out[n++] = (struct team_vis){ti_strndup(in, field, strlen(field)), vis};
	}
	ch->vis = out;
	ch->nvis = n;
}

void team_input_read(struct team_input *in, json_t *obj, struct team_change *ch)
{
	const char *key;
	json_t *v;
	memset(ch, 0, sizeof(*ch));
	json_object_foreach(obj, key, v) {
		if (!strcmp(key, "contacts"))
			read_contacts(in, v, ch);
		else if (!strcmp(key, "people"))
			read_people(in, v, ch);
		else if (!strcmp(key, "constituency"))
			read_rules(in, v, ch);
		else if (!strcmp(key, "texts"))
			read_texts(in, v, ch);
		else if (!strcmp(key, "visibility"))
			read_visibility(in, v, ch);
		else {
			size_t i = 0;
			while (i < team_nfields && strcmp(team_fields[i].name, key) != 0)
				i++;
			/* last_verified is set by confirming the record, not by editing it. */
			if (i == team_nfields || !strcmp(key, "last_verified"))
				ti_error(in, ti_strndup(in, key, strlen(key)), "field.unknown", NULL);
			else
				read_scalar(in, i, v, ch);
		}
	}
}

