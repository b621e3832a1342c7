/* The forms of the membership pages; see application_page_form.h. The
 * controls have the shape of the team edit form's (team_form_input.html),
 * so both look and read alike, and the draft's fields are the team edit
 * form's own names under "team.", so that team_form.c reads them into the
 * API's change and places its problems back on the row they were typed
 * in. Nothing here decides whether a value is good: the services do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/clock.h"
#include "directory/team.h"
#include "directory/team_input.h"
#include "http/respond.h"
#include "membership/application_page_form.h"
#include "membership/application_sponsors.h"

#define BLANK_ROWS 2                /* empty contact rows to fill in */
#define TEAM_PREFIX "team."
#define TEAM_PREFIX_LEN 5

json_t *app_form_posted(struct ctx *c)
{
	json_t *values = json_object();
	for (size_t i = 0; i < c->form.n; i++)
		if (strcmp(c->form.fields[i].name, "_csrf") != 0)
			json_object_set_new(values, c->form.fields[i].name,
			                    json_stringn(c->form.fields[i].value, c->form.fields[i].value_len));
	return values;
}

const char *app_json_text(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

const char *app_page_label(struct ctx *c, const char *prefix, const char *value)
{
	char key[96];
	snprintf(key, sizeof(key), "%s%s", prefix, value);
	return i18n_has(key) ? ctx_t(c, key) : value;
}

const char *app_page_fill(struct ctx *c, const char *key, const char *const vars[])
{
	struct buf b;
	buf_init(&b, 1 << 16);
	const char *s = i18n_fill(&b, ctx_t(c, key), vars) == 0 && b.data ? ctx_strndup(c, b.data, b.len) : ctx_t(c, key);
	buf_release(&b);
	return s;
}

const char *app_page_when(struct ctx *c, const char *iso)
{
	int64_t t;
	char out[96];
	if (!iso || !*iso || clock_parse_iso_utc(iso, &t) < 0)
		return "";
	clock_local(t, c->user_tz, out, sizeof(out));
	return ctx_strndup(c, out, strlen(out));
}

/* The page's id of field NAME: "team.contacts[2].value" is "f-team-contacts-2-value". */
static void field_id(const char *name, char *id, size_t n)
{
	size_t k = (size_t)snprintf(id, n, "f-");
	for (const char *p = name; *p && k + 1 < n; p++) {
		if (*p == ']')
			continue;
		id[k++] = (*p == '[' || *p == '.') ? '-' : *p;
	}
	id[k] = '\0';
}

/* "sponsors[K]" -> K, else -1. */
static long sponsor_index(const char *field)
{
	if (strncmp(field, "sponsors[", 9) != 0)
		return -1;
	char *end;
	long k = strtol(field + 9, &end, 10);
	return end != field + 9 && !strcmp(end, "]") && k >= 0 ? k : -1;
}

void app_form_begin(struct app_form_view *v, struct ctx *c, json_t *values, const struct team_form *tf,
                    const int *sponsor_slots, size_t nslots)
{
	*v = (struct app_form_view){c, values, json_object(), json_array(), json_object()};
	for (int i = 0; i < c->nfield_errors; i++) {
		const char *field = c->field_errors[i].field;
		char name[APP_FORM_NAME_MAX];
		long k;
		if (!strncmp(field, TEAM_PREFIX, TEAM_PREFIX_LEN) && tf) {
			char placed[TEAM_FORM_NAME_MAX];
			int line;
			team_form_place(tf, field + TEAM_PREFIX_LEN, placed, &line);
			snprintf(name, sizeof(name), TEAM_PREFIX "%s", placed);
		} else if ((k = sponsor_index(field)) >= 0 && sponsor_slots && (size_t)k < nslots) {
			snprintf(name, sizeof(name), "sponsors[%d]", sponsor_slots[k]);
		} else {
			snprintf(name, sizeof(name), "%s", field);
		}
		const char *msg = ctx_field_error_text(c, i);
		const char *had = json_string_value(json_object_get(v->errs, name));
		if (had) {
			struct buf b;
			buf_init(&b, 1 << 16);
			buf_printf(&b, "%s\n%s", had, msg);
			json_object_set_new(v->errs, name, json_string(b.data ? b.data : had));
			buf_release(&b);
		} else {
			json_object_set_new(v->errs, name, json_string(msg));
		}
	}
}

/* Note the problem of NAME, shown beside its control ID, in the summary. */
static void summarise(struct app_form_view *v, const char *name, const char *id, const char *label, const char *error)
{
	char href[APP_FORM_NAME_MAX + 8];
	snprintf(href, sizeof(href), "#%s", id);
	json_array_append_new(v->summary, json_pack("{s:s,s:s,s:s}", "href", href, "label", label, "message", error));
	json_object_set_new(v->shown, name, json_true());
}

json_t *app_form_control(struct app_form_view *v, const char *name, const char *label, const char *summary_label,
                         enum app_widget w, const char *hint_key)
{
	char id[APP_FORM_NAME_MAX + 4], hint_id[APP_FORM_NAME_MAX + 12], err_id[APP_FORM_NAME_MAX + 12];
	field_id(name, id, sizeof(id));
	snprintf(hint_id, sizeof(hint_id), "%s-hint", id);
	snprintf(err_id, sizeof(err_id), "%s-err", id);
	const char *value = json_string_value(json_object_get(v->values, name));
	const char *error = json_string_value(json_object_get(v->errs, name));
	char describedby[2 * sizeof(err_id) + 2] = "";
	snprintf(describedby, sizeof(describedby), "%s%s%s", hint_key ? hint_id : "", hint_key && error ? " " : "",
	         error ? err_id : "");
	static const char *const types[] = {[APP_W_TEXT] = "text", [APP_W_EMAIL] = "email", [APP_W_URL] = "url",
	                                    [APP_W_TEXTAREA] = "", [APP_W_SELECT] = ""};
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:b,s:b,s:b,s:s,s:s,s:s,s:i}", "id", id,
	                      "name", name, "label", label, "value", value ? value : "", "error", error ? error : "",
	                      "err_id", err_id, "hint", hint_key ? ctx_t(v->c, hint_key) : "", "hint_id", hint_id,
	                      "describedby", describedby, "type", types[w], "is_input",
	                      w != APP_W_TEXTAREA && w != APP_W_SELECT, "is_textarea", w == APP_W_TEXTAREA, "is_select",
	                      w == APP_W_SELECT, "is_checkbox", false, "checked", false, "inputmode", "", "lang", "",
	                      "label_extra", "", "rows", w == APP_W_TEXTAREA ? 4 : 0);
	if (error)
		summarise(v, name, id, summary_label ? summary_label : label, error);
	return o;
}

json_t *app_form_select(struct app_form_view *v, const char *name, const char *label, const char *const choices[],
                        const char *prefix, const char *empty_key, const char *dflt)
{
	json_t *o = app_form_control(v, name, label, NULL, APP_W_SELECT, NULL);
	const char *value = json_string_value(json_object_get(v->values, name));
	const char *selected = value ? value : dflt;
	json_t *a = json_array();
	bool found = false;
	for (size_t i = 0; choices[i]; i++) {
		char key[96];
		snprintf(key, sizeof(key), "%s%s", prefix, choices[i]);
		bool sel = selected && !strcmp(selected, choices[i]);
		found = found || sel;
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", choices[i], "label",
		                                   *choices[i] ? ctx_t(v->c, key) : ctx_t(v->c, empty_key), "sel", sel));
	}
	/* A posted value that is not a choice stays visible beside its problem. */
	if (selected && *selected && !found)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", selected, "label", selected, "sel", true));
	json_object_set_new(o, "options", a);
	return o;
}

json_t *app_form_list_error(struct app_form_view *v, const char *name, const char *label, const char *anchor)
{
	const char *e = json_string_value(json_object_get(v->errs, name));
	if (!e)
		return json_string("");
	json_array_append_new(v->summary, json_pack("{s:s,s:s,s:s}", "href", anchor, "label", label, "message", e));
	json_object_set_new(v->shown, name, json_true());
	return json_string(e);
}

/* ---- the draft of the team record ---- */

struct record_item {
	const char *field;              /* a team_fields name, or "team_slug" (the application's own) */
	const char *label_key;
	enum app_widget widget;
	const char *const *choices;     /* APP_W_SELECT, labelled choice_prefix + choice */
	const char *choice_prefix;
	const char *hint_key;
	bool bilingual;                 /* "name.en" and "name.ja" */
};

static const struct record_item name_items[] = {
	{"name", "dirform.name", APP_W_TEXT, NULL, NULL, NULL, true},
	{"short_name", "dir.field.short_name", APP_W_TEXT, NULL, NULL, "dirform.hint.short_name", false},
	{"team_slug", "dirform.slug", APP_W_TEXT, NULL, NULL, "apply.slug_hint", false},
	{0},
};
static const struct record_item org_items[] = {
	{"host_org", "dir.field.host_org", APP_W_TEXT, NULL, NULL, NULL, true},
	{"country", "dir.field.country", APP_W_TEXT, NULL, NULL, "dirform.hint.country", false},
	{"region", "dir.field.region", APP_W_SELECT, team_regions, "dir.region.", NULL, false},
	{"sector", "dir.field.sector", APP_W_SELECT, team_sectors, "dir.sector.", NULL, false},
	{"csirt_type", "dir.field.csirt_type", APP_W_SELECT, team_csirt_types, "dir.type.", NULL, false},
	{"established", "dir.field.established", APP_W_TEXT, NULL, NULL, "dirform.hint.date", false},
	{"website", "dir.field.website", APP_W_URL, NULL, NULL, "dirform.hint.website", false},
	{0},
};

static const struct {
	const char *id, *title_key, *hint_key;
	const struct record_item *items;
} record_sections[] = {
	{"record-names", "apply.sec.record", "apply.record_hint", name_items},
	{"record-org", "dirform.sec.organisation", NULL, org_items},
};

static json_t *record_item_view(struct app_form_view *v, const struct record_item *it)
{
	const char *label = ctx_t(v->c, it->label_key);
	char name[APP_FORM_NAME_MAX];
	json_t *inputs = json_array();
	if (it->bilingual) {
		static const char *const langs[][2] = {{"en", "dirform.lang_en"}, {"ja", "dirform.lang_ja"}};
		for (size_t k = 0; k < 2; k++) {
			char summary[256];
			snprintf(name, sizeof(name), TEAM_PREFIX "%s.%s", it->field, langs[k][0]);
			snprintf(summary, sizeof(summary), "%s (%s)", label, ctx_t(v->c, langs[k][1]));
			json_t *in = app_form_control(v, name, ctx_t(v->c, langs[k][1]), summary, it->widget, NULL);
			json_object_set_new(in, "lang", json_string(langs[k][0]));
			json_object_set_new(in, "label_extra", json_string(label));
			json_array_append_new(inputs, in);
		}
	} else {
		/* The record's address belongs to the application, not to the record's fields. */
		snprintf(name, sizeof(name), "%s%s", strcmp(it->field, "team_slug") ? TEAM_PREFIX : "", it->field);
		json_array_append_new(inputs, it->widget == APP_W_SELECT
		                                  ? app_form_select(v, name, label, it->choices, it->choice_prefix,
		                                                    "dirform.not_set", NULL)
		                                  : app_form_control(v, name, label, NULL, it->widget, it->hint_key));
	}
	return json_pack("{s:s,s:b,s:o}", "label", label, "multi", it->bilingual, "inputs", inputs);
}

json_t *app_form_record_sections(struct app_form_view *v)
{
	json_t *out = json_array();
	for (size_t s = 0; s < sizeof(record_sections) / sizeof(record_sections[0]); s++) {
		json_t *items = json_array();
		for (const struct record_item *it = record_sections[s].items; it->field; it++)
			json_array_append_new(items, record_item_view(v, it));
		const char *hint = record_sections[s].hint_key ? ctx_t(v->c, record_sections[s].hint_key) : "";
		json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:o}", "id", record_sections[s].id, "title",
		                                     ctx_t(v->c, record_sections[s].title_key), "hint", hint, "items", items));
	}
	return out;
}

static const char *const contact_parts[][2] = {
	{"kind", "dirform.contact.kind"}, {"value", "dirform.contact.value"}, {"hours", "dirform.contact.hours"},
	{"note", "dirform.contact.note"}, {"visibility", "dirform.shown_to"},
};
#define NCONTACT_PARTS (sizeof(contact_parts) / sizeof(contact_parts[0]))
/* For a new contact "" leaves the visibility to the directory's default for its kind. */
static const char *const contact_visibility_choices[] = {"", "public", "members", "secretariat", NULL};

static bool contact_blank(struct app_form_view *v, int row)
{
	static const char *const content[] = {"value", "hours", "note"};
	for (size_t k = 0; k < 3; k++) {
		char name[APP_FORM_NAME_MAX];
		snprintf(name, sizeof(name), TEAM_PREFIX "contacts[%d].%s", row, content[k]);
		const char *s = json_string_value(json_object_get(v->values, name));
		if (s && s[strspn(s, " \t\r\n")])
			return false;
	}
	return true;
}

/* One more than the highest contact row in the values. */
static int contact_rows(struct app_form_view *v)
{
	int rows = 0;
	const char *name;
	json_t *x;
	json_object_foreach(v->values, name, x) {
		static const char prefix[] = TEAM_PREFIX "contacts[";
		if (strncmp(name, prefix, sizeof(prefix) - 1) != 0)
			continue;
		int r = atoi(name + sizeof(prefix) - 1);
		if (r >= rows && r < TEAM_FORM_MAX_ROWS)
			rows = r + 1;
	}
	return rows;
}

json_t *app_form_contact_rows(struct app_form_view *v)
{
	int rows = contact_rows(v), blank = 0;
	while (blank < rows && contact_blank(v, rows - 1 - blank))
		blank++;
	rows += blank < BLANK_ROWS ? BLANK_ROWS - blank : 0;
	if (rows > TEAM_FORM_MAX_ROWS)
		rows = TEAM_FORM_MAX_ROWS;
	json_t *out = json_array();
	for (int r = 0; r < rows; r++) {
		char n[16];
		snprintf(n, sizeof(n), "%d", r + 1);
		const char *vars[] = {"n", n, NULL};
		bool is_blank = contact_blank(v, r);
		const char *legend = is_blank ? ctx_t(v->c, "dirform.contact_new")
		                              : app_page_fill(v->c, "dirform.contact_n", vars);
		json_t *inputs = json_array();
		for (size_t k = 0; k < NCONTACT_PARTS; k++) {
			char name[APP_FORM_NAME_MAX], summary[256];
			const char *label = ctx_t(v->c, contact_parts[k][1]);
			snprintf(name, sizeof(name), TEAM_PREFIX "contacts[%d].%s", r, contact_parts[k][0]);
			snprintf(summary, sizeof(summary), "%s · %s", legend, label);
			json_t *in;
			if (k == 0)
				in = app_form_select(v, name, label, team_contact_kinds, "dir.contact.", NULL, NULL);
			else if (k == NCONTACT_PARTS - 1)
				in = app_form_select(v, name, label, contact_visibility_choices, "dirform.vis.", "dirform.vis.usual",
				                     "");
			else
				in = app_form_control(v, name, label, summary, APP_W_TEXT, NULL);
			json_object_set_new(in, "label_extra", json_string(legend));
			json_array_append_new(inputs, in);
		}
		json_array_append_new(out, json_pack("{s:s,s:o}", "legend", legend, "inputs", inputs));
	}
	return out;
}

void app_form_finish(struct app_form_view *v, json_t *d, const char *title_key)
{
	const char *name;
	json_t *msg;
	json_object_foreach(v->errs, name, msg) {
		if (!json_object_get(v->shown, name))
			json_array_append_new(v->summary, json_pack("{s:s,s:s,s:O}", "href", "#main", "label", name, "message",
			                                            msg));
	}
	size_t n = json_array_size(v->summary);
	if (n) {
		char count[24];
		snprintf(count, sizeof(count), "%zu", n);
		const char *vars[] = {"count", count, NULL};
		json_object_set_new(d, "summary_title", json_string(app_page_fill(v->c, title_key, vars)));
	}
	json_object_set_new(d, "summary", v->summary);
	json_decref(v->errs);
	json_decref(v->shown);
	*v = (struct app_form_view){0};
}

/* ---- reading the posted draft ---- */

static void *pool_alloc(void *owner, size_t n)
{
	return h2o_mem_alloc_pool((h2o_mem_pool_t *)owner, n);
}

/* Whether NAME is "sponsors[K]", K below APP_SPONSORS_MAX, spelt one way. */
static bool sponsor_slot_name(const char *name)
{
	long k = sponsor_index(name);
	char canonical[32];
	snprintf(canonical, sizeof(canonical), "sponsors[%ld]", k);
	return k >= 0 && k < APP_SPONSORS_MAX && !strcmp(name, canonical);
}

bool app_form_only(struct ctx *c, const char *const names[], bool team, bool sponsors)
{
	for (size_t i = 0; i < c->form.n; i++) {
		const char *name = c->form.fields[i].name;
		if (team && !strncmp(name, TEAM_PREFIX, TEAM_PREFIX_LEN))
			continue;
		bool known = !strcmp(name, "_csrf") || (sponsors && sponsor_slot_name(name));
		for (size_t k = 0; names[k] && !known; k++)
			known = !strcmp(name, names[k]);
		if (known && form_count(&c->form, name) == 1)
			continue;
		ctx_field_error(c, name, known ? "dirform.twice_field" : "dirform.unknown_field");
		http_error(c, ERR_BAD_REQUEST, "apply.crafted");
		return false;
	}
	return true;
}

int app_form_read_team(struct ctx *c, struct team_form *tf)
{
	struct form team = {pool_alloc(&c->req->pool, (c->form.n + 1) * sizeof(struct form_field)), 0};
	for (size_t i = 0; i < c->form.n; i++) {
		if (!strncmp(c->form.fields[i].name, TEAM_PREFIX, TEAM_PREFIX_LEN)) {
			team.fields[team.n] = c->form.fields[i];
			team.fields[team.n++].name += TEAM_PREFIX_LEN;
		}
	}
	if (team_form_read(&team, tf) == 0)
		return 0;
	if (tf->bad_field) {
		char field[APP_FORM_NAME_MAX];
		snprintf(field, sizeof(field), TEAM_PREFIX "%s", tf->bad_field);
		ctx_field_error(c, ctx_strndup(c, field, strlen(field)),
		                json_object_get(tf->values, tf->bad_field) ? "dirform.twice_field" : "dirform.unknown_field");
		http_error(c, ERR_BAD_REQUEST, "apply.crafted");
	} else {
		http_error(c, ERR_INTERNAL, NULL);
	}
	return -1;
}

int app_form_record_values(json_t *draft, json_t *values)
{
	json_t *record = team_form_values(draft);
	if (!record)
		return -1;
	const char *name;
	json_t *x;
	json_object_foreach(record, name, x) {
		char prefixed[APP_FORM_NAME_MAX];
		snprintf(prefixed, sizeof(prefixed), TEAM_PREFIX "%s", name);
		json_object_set(values, prefixed, x);
	}
	json_decref(record);
	return 0;
}
