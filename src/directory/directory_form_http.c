/* The directory's editing pages: the team edit form (GET/POST
 * /directory/{slug}/edit) for the team's own admins and the secretariat,
 * the OpenPGP key forms on the same page, and the secretariat's form that
 * creates a record (/directory/new).
 *
 * The edit form posts flat fields that team_form.c turns into the JSON
 * change the API takes, read by the API's own reader (dir_read_change):
 * a value is refused or kept exactly as the API would. A refused change
 * writes nothing and comes back with everything as typed, a summary that
 * links to each problem, and each message next to its field (a
 * constituency rule's next to its text area, with its line). The page is
 * drawn from a description of its sections (below), so the template only
 * loops; every label and message is in the reader's language. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "accounts/accounts.h"
#include "core/clock.h"
#include "core/json_writer.h"
#include "directory/changed.h"
#include "directory/directory_http.h"
#include "directory/team.h"
#include "directory/team_form.h"
#include "directory/team_input.h"
#include "directory/team_store.h"
#include "http/input.h"
#include "http/respond.h"

#define ORG_SELECT_MAX 2000     /* organisations offered on the create form */
#define BLANK_ROWS 2            /* empty contact and people rows to fill in */
/* A refused form comes back as typed when it is at most this large: every
 * field's limit fits many times over, and even escaped for HTML the page
 * stays within what a page may hold (8 MiB). Larger ones get the list of
 * problems alone. */
#define ECHO_MAX ((size_t)1 << 20)

enum widget { W_TEXT, W_TEXTAREA, W_SELECT, W_EMAIL, W_URL, W_NUMBER, W_CHECKBOX };

/* One field of the record on the form: a team_fields name with its
 * label, how it is typed in, and a hint. */
struct item {
	const char *field;
	const char *label_key;
	enum widget widget;
	const char *const *choices;     /* W_SELECT */
	const char *choice_prefix;      /* label keys of the choices: prefix + choice */
	const char *hint_key;
};

struct section {
	const char *id;
	const char *title_key;
	const struct item *items;
};

static const struct item names_items[] = {
	{"name", "dirform.name", W_TEXT, NULL, NULL, NULL},
	{"short_name", "dir.field.short_name", W_TEXT, NULL, NULL, "dirform.hint.short_name"},
	{"registered_name", "dir.field.registered_name", W_TEXT, NULL, NULL, NULL},
	{0},
};
static const struct item org_items[] = {
	{"host_org", "dir.field.host_org", W_TEXT, NULL, NULL, NULL},
	{"country", "dir.field.country", W_TEXT, NULL, NULL, "dirform.hint.country"},
	{"region", "dir.field.region", W_SELECT, team_regions, "dir.region.", NULL},
	{"sector", "dir.field.sector", W_SELECT, team_sectors, "dir.sector.", NULL},
	{"csirt_type", "dir.field.csirt_type", W_SELECT, team_csirt_types, "dir.type.", NULL},
	{0},
};
static const struct item date_items[] = {
	{"established", "dir.field.established", W_TEXT, NULL, NULL, "dirform.hint.date"},
	{"joined", "dir.field.joined", W_TEXT, NULL, NULL, "dirform.hint.date"},
	{0},
};
static const struct item where_items[] = {
	{"address", "dir.field.address", W_TEXTAREA, NULL, NULL, NULL},
	{"tz", "dir.field.tz", W_TEXT, NULL, NULL, "dirform.hint.tz"},
	{"business_hours", "dir.field.business_hours", W_TEXTAREA, NULL, NULL, NULL},
	{"website", "dir.field.website", W_URL, NULL, NULL, "dirform.hint.website"},
	{0},
};
static const struct item shape_items[] = {
	{"org_department", "dir.field.org_department", W_TEXT, NULL, NULL, "dirform.hint.org_department"},
	{"staff_at_founding", "dirform.staff_at_founding", W_NUMBER, NULL, NULL, NULL},
	{"staff_now", "dirform.staff_now", W_NUMBER, NULL, NULL, NULL},
	{"structure_spread", "dirform.structure_spread", W_SELECT, team_spreads, "dirform.spread.", NULL},
	{"structure_staffing", "dirform.structure_staffing", W_SELECT, team_staffings, "dirform.staffing.", NULL},
	{0},
};

static const struct section record_sections[] = {
	{"names", "dirform.sec.names", names_items},
	{"organisation", "dirform.sec.organisation", org_items},
	{"dates", "dirform.sec.dates", date_items},
	{"where", "dirform.sec.where", where_items},
	{"shape", "dirform.sec.shape", shape_items},
	{0},
};

/* The text sections: RFC 2350's, then the association's own (team_text_sections order). */
#define RFC2350_SECTIONS 10

static const char *const visibility_choices[] = {"public", "members", "secretariat", NULL};
/* For a new contact: "" leaves the visibility to the API's default for its kind. */
static const char *const contact_visibility_choices[] = {"", "public", "members", "secretariat", NULL};

/* What a page is being drawn from: the values to show, the problems to
 * show next to them, and the summary of those problems. */
struct view {
	struct ctx *c;
	json_t *values;       /* {field name: text} */
	json_t *errs;         /* {field name: message} */
	json_t *summary;      /* [{href, label, message}] in page order */
	json_t *shown;        /* {field name: true} for the problems placed on the page */
};

static const char *tr(struct view *v, const char *key)
{
	return ctx_t(v->c, key);
}

/* The page's id of field NAME: "contacts[2].value" is "f-contacts-2-value". */
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

/* TEXT with {vars} filled, in the request pool. */
static const char *fill(struct ctx *c, const char *key, const char *const vars[])
{
	struct buf b;
	buf_init(&b, 4096);
	const char *s = i18n_fill(&b, ctx_t(c, key), vars) == 0 && b.data ? ctx_strndup(c, b.data, b.len) : ctx_t(c, key);
	buf_release(&b);
	return s;
}

/* [{value, label, sel}] for a select over CHOICES, labelled PREFIX +
 * choice; the choice "" (nothing chosen) is labelled EMPTY_KEY. */
static json_t *options(struct view *v, const char *const choices[], const char *prefix, const char *empty_key,
                       const char *selected)
{
	json_t *a = json_array();
	bool found = false;
	for (size_t i = 0; choices[i]; i++) {
		char key[96];
		snprintf(key, sizeof(key), "%s%s", prefix, choices[i]);
		bool sel = selected && !strcmp(selected, choices[i]);
		found = found || sel;
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", choices[i], "label",
		                                   *choices[i] ? tr(v, key) : tr(v, empty_key), "sel", sel));
	}
	/* A posted value that is not a choice stays visible next to its error. */
	if (selected && *selected && !found)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", selected, "label", selected, "sel", true));
	return a;
}

/* One control for field NAME. SUMMARY_LABEL names it in the summary of
 * problems ("Official name (English)"). */
static json_t *control(struct view *v, const char *name, const char *label, const char *summary_label,
                       enum widget w, const char *hint_key)
{
	char id[TEAM_FORM_NAME_MAX + 4], hint_id[TEAM_FORM_NAME_MAX + 12], err_id[TEAM_FORM_NAME_MAX + 12];
	field_id(name, id, sizeof(id));
	snprintf(hint_id, sizeof(hint_id), "%s-hint", id);
	snprintf(err_id, sizeof(err_id), "%s-err", id);
	const char *value = json_string_value(json_object_get(v->values, name));
	const char *error = json_string_value(json_object_get(v->errs, name));
	char describedby[2 * sizeof(err_id) + 2] = "";
	if (hint_key)
		snprintf(describedby, sizeof(describedby), "%s", hint_id);
	if (error)
		snprintf(describedby + strlen(describedby), sizeof(describedby) - strlen(describedby), "%s%s",
		         hint_key ? " " : "", err_id);
	static const char *const types[] = {[W_TEXT] = "text", [W_EMAIL] = "email", [W_URL] = "url", [W_NUMBER] = "text",
	                                    [W_CHECKBOX] = "checkbox", [W_TEXTAREA] = "", [W_SELECT] = ""};
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:b,s:b,s:b,s:s,s:s}", "id", id,
	                      "name", name, "label", label, "value", value ? value : "", "error", error ? error : "",
	                      "err_id", err_id, "hint", hint_key ? tr(v, hint_key) : "", "hint_id", hint_id,
	                      "describedby", describedby, "type", types[w], "is_input",
	                      w != W_TEXTAREA && w != W_SELECT && w != W_CHECKBOX, "is_textarea", w == W_TEXTAREA,
	                      "is_select", w == W_SELECT, "is_checkbox", w == W_CHECKBOX, "checked", value != NULL,
	                      "inputmode", w == W_NUMBER ? "numeric" : "", "lang", "");
	json_object_set_new(o, "rows", json_integer(w == W_TEXTAREA ? 3 : 0));
	json_object_set_new(o, "label_extra", json_string(""));
	if (error) {
		char href[sizeof(id) + 1];
		snprintf(href, sizeof(href), "#%s", id);
		json_array_append_new(v->summary, json_pack("{s:s,s:s,s:s}", "href", href, "label", summary_label,
		                                            "message", error));
		json_object_set_new(v->shown, name, json_true());
	}
	return o;
}

/* A select of CHOICES for field NAME; DFLT is chosen when the field has
 * no value yet (a new row). */
static json_t *select_control(struct view *v, const char *name, const char *label, const char *summary_label,
                              const char *const choices[], const char *prefix, const char *dflt)
{
	json_t *o = control(v, name, label, summary_label, W_SELECT, NULL);
	const char *value = json_string_value(json_object_get(v->values, name));
	json_object_set_new(o, "options", options(v, choices, prefix, "dirform.not_set", value ? value : dflt));
	return o;
}

static json_t *visibility_control(struct view *v, const char *field, const char *summary_label)
{
	char name[TEAM_FORM_NAME_MAX], label[256];
	snprintf(name, sizeof(name), "visibility.%s", field);
	snprintf(label, sizeof(label), "%s · %s", summary_label, tr(v, "dirform.shown_to"));
	json_t *o = select_control(v, name, tr(v, "dirform.shown_to"), label, visibility_choices, "dirform.vis.", NULL);
	/* Many selects share the visible label: each is named in full for screen readers. */
	json_object_set_new(o, "label_extra", json_string(summary_label));
	return o;
}

static bool field_locked(const char *field)
{
	for (size_t i = 0; i < team_nfields; i++)
		if (!strcmp(team_fields[i].name, field))
			return team_fields[i].locked;
	return false;
}

/* An item: its control (two, English and Japanese, for a bilingual
 * field) and its visibility choice. */
static json_t *item_view(struct view *v, const struct item *it)
{
	const char *label = tr(v, it->label_key);
	bool bilingual = false;
	for (size_t i = 0; i < team_nfields; i++)
		if (!strcmp(team_fields[i].name, it->field))
			bilingual = team_fields[i].col_ja != NULL;
	json_t *inputs = json_array();
	if (bilingual) {
		static const char *const langs[][2] = {{"en", "dirform.lang_en"}, {"ja", "dirform.lang_ja"}};
		for (size_t k = 0; k < 2; k++) {
			char name[TEAM_FORM_NAME_MAX], summary[256];
			snprintf(name, sizeof(name), "%s.%s", it->field, langs[k][0]);
			snprintf(summary, sizeof(summary), "%s (%s)", label, tr(v, langs[k][1]));
			json_t *in = control(v, name, tr(v, langs[k][1]), summary, it->widget, k == 0 ? it->hint_key : NULL);
			json_object_set_new(in, "lang", json_string(langs[k][0]));
			json_array_append_new(inputs, in);
		}
	} else if (it->widget == W_SELECT) {
		json_array_append_new(inputs, select_control(v, it->field, label, label, it->choices, it->choice_prefix, NULL));
	} else {
		json_array_append_new(inputs, control(v, it->field, label, label, it->widget, it->hint_key));
	}
	json_t *vis = json_array();
	if (!field_locked(it->field))
		json_array_append_new(vis, visibility_control(v, it->field, label));
	return json_pack("{s:s,s:b,s:o,s:o}", "label", label, "multi", bilingual, "inputs", inputs, "vis", vis);
}

static json_t *sections_view(struct view *v)
{
	json_t *out = json_array();
	for (const struct section *s = record_sections; s->id; s++) {
		json_t *items = json_array();
		for (const struct item *it = s->items; it->field; it++)
			json_array_append_new(items, item_view(v, it));
		json_array_append_new(out, json_pack("{s:s,s:s,s:o}", "id", s->id, "title", tr(v, s->title_key), "items",
		                                     items));
	}
	return out;
}

/* The text sections from FIRST to END of team_text_sections, each in
 * both languages with its visibility. */
static json_t *texts_view(struct view *v, size_t first, size_t end)
{
	json_t *items = json_array();
	for (size_t i = first; i < end && team_text_sections[i]; i++) {
		const char *section = team_text_sections[i];
		char key[96], field[96];
		snprintf(key, sizeof(key), "dir.text.%s", section);
		const char *label = tr(v, key);
		json_t *inputs = json_array();
		static const char *const langs[][2] = {{"en", "dirform.lang_en"}, {"ja", "dirform.lang_ja"}};
		for (size_t k = 0; k < 2; k++) {
			char name[TEAM_FORM_NAME_MAX], summary[256];
			snprintf(name, sizeof(name), "texts.%s.%s", section, langs[k][0]);
			snprintf(summary, sizeof(summary), "%s (%s)", label, tr(v, langs[k][1]));
			json_t *in = control(v, name, tr(v, langs[k][1]), summary, W_TEXTAREA, NULL);
			json_object_set_new(in, "lang", json_string(langs[k][0]));
			json_object_set_new(in, "rows", json_integer(4));
			json_array_append_new(inputs, in);
		}
		snprintf(field, sizeof(field), "text.%s", section);
		json_t *vis = json_array();
		json_array_append_new(vis, visibility_control(v, field, label));
		json_array_append_new(items, json_pack("{s:s,s:b,s:o,s:o}", "label", label, "multi", true, "inputs", inputs,
		                                       "vis", vis));
	}
	return items;
}

static bool row_blank(struct view *v, const char *list, int row, const char *const content[])
{
	for (size_t k = 0; content[k]; k++) {
		char name[TEAM_FORM_NAME_MAX];
		snprintf(name, sizeof(name), "%s[%d].%s", list, row, content[k]);
		const char *s = json_string_value(json_object_get(v->values, name));
		if (s && s[strspn(s, " \t\r\n")])
			return false;
	}
	return true;
}

/* The list's error ("too many"), shown at the top of its card. */
static json_t *list_error(struct view *v, const char *list, const char *label)
{
	const char *e = json_string_value(json_object_get(v->errs, list));
	if (!e)
		return json_string("");
	char href[64];
	snprintf(href, sizeof(href), "#f-%s", list);
	json_array_append_new(v->summary, json_pack("{s:s,s:s,s:s}", "href", href, "label", label, "message", e));
	json_object_set_new(v->shown, list, json_true());
	return json_string(e);
}

/* Rows of contacts or people: those posted or stored, then blank ones to
 * fill in, up to TEAM_FORM_MAX_ROWS. */
static int rows_to_show(struct view *v, const char *list, const char *const content[])
{
	int rows = team_form_rows(v->values, list), blank = 0;
	while (blank < rows && row_blank(v, list, rows - 1 - blank, content))
		blank++;
	rows += blank < BLANK_ROWS ? BLANK_ROWS - blank : 0;
	return rows < TEAM_FORM_MAX_ROWS ? rows : TEAM_FORM_MAX_ROWS;
}

/* The legend of row ROW of a list: "Contact 3", or "New contact" for a blank one. */
static const char *row_legend(struct view *v, int row, bool blank, const char *title_key, const char *new_key)
{
	char n[16];
	snprintf(n, sizeof(n), "%d", row + 1);
	const char *vars[] = {"n", n, NULL};
	return blank ? tr(v, new_key) : fill(v->c, title_key, vars);
}

/* A row with its inputs, and a box to remove it unless it is blank. */
static json_t *row_view(struct view *v, const char *list, int row, bool blank, const char *legend,
                        const char *remove_key, json_t *inputs)
{
	if (!blank) {
		char name[TEAM_FORM_NAME_MAX], summary[256];
		snprintf(name, sizeof(name), "%s[%d].remove", list, row);
		snprintf(summary, sizeof(summary), "%s · %s", legend, tr(v, remove_key));
		json_array_append_new(inputs, control(v, name, tr(v, remove_key), summary, W_CHECKBOX, NULL));
	}
	return json_pack("{s:s,s:o}", "legend", legend, "inputs", inputs);
}

static json_t *contacts_view(struct view *v)
{
	static const char *const content[] = {"value", "hours", "note", NULL};
	json_t *rows = json_array();
	int n = rows_to_show(v, "contacts", content);
	for (int r = 0; r < n; r++) {
		bool blank = row_blank(v, "contacts", r, content);
		const char *legend = row_legend(v, r, blank, "dirform.contact_n", "dirform.contact_new");
		json_t *inputs = json_array();
		static const char *const parts[][2] = {{"kind", "dirform.contact.kind"}, {"value", "dirform.contact.value"},
		                                       {"hours", "dirform.contact.hours"}, {"note", "dirform.contact.note"},
		                                       {"visibility", "dirform.shown_to"}};
		for (size_t k = 0; k < 5; k++) {
			char name[TEAM_FORM_NAME_MAX], summary[256];
			snprintf(name, sizeof(name), "contacts[%d].%s", r, parts[k][0]);
			snprintf(summary, sizeof(summary), "%s · %s", legend, tr(v, parts[k][1]));
			if (k == 0) {
				json_array_append_new(inputs, select_control(v, name, tr(v, parts[k][1]), summary,
				                                             team_contact_kinds, "dir.contact.", NULL));
			} else if (k == 4) {
				/* A new contact is shown as usual for its kind (emails to
				 * everyone, phones to member teams) unless chosen otherwise. */
				const char *value = json_string_value(json_object_get(v->values, name));
				json_t *in = control(v, name, tr(v, parts[k][1]), summary, W_SELECT, NULL);
				json_object_set_new(in, "options", options(v, blank || (value && !*value) ? contact_visibility_choices
				                                                   : visibility_choices,
				                                           "dirform.vis.", "dirform.vis.usual", value ? value : ""));
				json_array_append_new(inputs, in);
			} else
				json_array_append_new(inputs, control(v, name, tr(v, parts[k][1]), summary, W_TEXT, NULL));
		}
		json_array_append_new(rows, row_view(v, "contacts", r, blank, legend, "dirform.remove_contact", inputs));
	}
	return rows;
}

/* The person's key: one of the team's keys, or the one on record. */
static json_t *key_choices(struct view *v, json_t *keys, const char *current)
{
	json_t *a = json_array();
	json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", "", "label", tr(v, "dirform.no_key"), "sel",
	                                   !current || !*current));
	bool found = !current || !*current;
	size_t i;
	json_t *k;
	json_array_foreach(keys, i, k) {
		const char *fpr = json_string_value(json_object_get(k, "fingerprint"));
		if (!fpr)
			continue;
		json_t *uid = json_array_get(json_object_get(k, "uids"), 0);
		const char *email = json_string_value(json_object_get(uid, "email"));
		char label[160];
		snprintf(label, sizeof(label), "%s%s%s", fpr, email && *email ? " · " : "", email ? email : "");
		bool sel = current && !strcmp(current, fpr);
		found = found || sel;
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", fpr, "label", label, "sel", sel));
	}
	if (!found)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", current, "label", current, "sel", true));
	return a;
}

static json_t *people_view(struct view *v, json_t *keys)
{
	static const char *const content[] = {"name", "email", "phone", "key_fingerprint", NULL};
	json_t *rows = json_array();
	int n = rows_to_show(v, "people", content);
	for (int r = 0; r < n; r++) {
		bool blank = row_blank(v, "people", r, content);
		const char *legend = row_legend(v, r, blank, "dirform.person_n", "dirform.person_new");
		json_t *inputs = json_array();
		static const char *const parts[][2] = {{"name", "dirform.person.name"}, {"role", "dirform.person.role"},
		                                       {"email", "dirform.person.email"}, {"phone", "dirform.person.phone"},
		                                       {"key_fingerprint", "dirform.person.key"},
		                                       {"visibility", "dirform.shown_to"}};
		for (size_t k = 0; k < 6; k++) {
			char name[TEAM_FORM_NAME_MAX], summary[256];
			snprintf(name, sizeof(name), "people[%d].%s", r, parts[k][0]);
			snprintf(summary, sizeof(summary), "%s · %s", legend, tr(v, parts[k][1]));
			const char *label = tr(v, parts[k][1]);
			json_t *in;
			if (k == 1) {
				in = select_control(v, name, label, summary, team_person_roles, "dir.role.", NULL);
			} else if (k == 4) {
				in = control(v, name, label, summary, W_SELECT, NULL);
				json_object_set_new(in, "options",
				                    key_choices(v, keys, json_string_value(json_object_get(v->values, name))));
			} else if (k == 5) {
				in = select_control(v, name, label, summary, visibility_choices, "dirform.vis.", "members");
			} else {
				in = control(v, name, label, summary, k == 2 ? W_EMAIL : W_TEXT, NULL);
			}
			json_array_append_new(inputs, in);
		}
		json_array_append_new(rows, row_view(v, "people", r, blank, legend, "dirform.remove_person", inputs));
	}
	return rows;
}

static json_t *rules_view(struct view *v)
{
	static const char *const labels[] = {"dirform.rules.public", "dirform.rules.members", "dirform.rules.secretariat"};
	json_t *a = json_array();
	for (int vis = 0; vis < 3; vis++) {
		char summary[256];
		snprintf(summary, sizeof(summary), "%s · %s", tr(v, "dir.constituency"), tr(v, labels[vis]));
		json_t *in = control(v, team_form_rule_fields[vis], tr(v, labels[vis]), summary, W_TEXTAREA, NULL);
		json_object_set_new(in, "rows", json_integer(vis == 0 ? 6 : 3));
		/* One hint above the three text areas describes them all. */
		char describedby[TEAM_FORM_NAME_MAX + 32];
		const char *err = json_string_value(json_object_get(in, "error"));
		snprintf(describedby, sizeof(describedby), "rules-hint%s%s", *err ? " " : "",
		         *err ? json_string_value(json_object_get(in, "err_id")) : "");
		json_object_set_new(in, "describedby", json_string(describedby));
		json_array_append_new(a, in);
	}
	return a;
}

static json_t *keys_view(struct view *v, json_t *keys, const char *slug)
{
	json_t *a = json_array();
	size_t i;
	json_t *k;
	json_array_foreach(keys, i, k) {
		const char *fpr = json_string_value(json_object_get(k, "fingerprint"));
		const char *status = json_string_value(json_object_get(k, "status"));
		const char *vis = json_string_value(json_object_get(k, "visibility"));
		if (!fpr)
			continue;
		char created[32] = "", expires[32] = "", key[64], action[256];
		clock_iso_utc(json_integer_value(json_object_get(k, "created")), created, sizeof(created));
		created[10] = '\0';
		int64_t exp = json_integer_value(json_object_get(k, "expires"));
		if (exp) {
			clock_iso_utc(exp, expires, sizeof(expires));
			expires[10] = '\0';
		}
		snprintf(key, sizeof(key), "dirform.key.status.%s", status ? status : "ok");
		snprintf(action, sizeof(action), "/directory/%s/keys/%s/remove", slug, fpr);
		json_t *uids = json_array();
		size_t u;
		json_t *uid;
		json_array_foreach(json_object_get(k, "uids"), u, uid) {
			const char *name = json_string_value(json_object_get(uid, "name"));
			const char *email = json_string_value(json_object_get(uid, "email"));
			char line[512];
			snprintf(line, sizeof(line), "%s%s%s%s", name ? name : "", email && *email ? " <" : "", email ? email : "",
			         email && *email ? ">" : "");
			json_array_append_new(uids, json_string(line));
		}
		char vkey[48];
		snprintf(vkey, sizeof(vkey), "dirform.vis.%s", vis ? vis : "public");
		const char *algo = json_string_value(json_object_get(k, "algo"));
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:o,s:s,s:s}", "fingerprint", fpr, "algo",
		                                   algo ? algo : "", "created", created,
		                                   "expires", exp ? expires : tr(v, "dirform.key.never"), "status",
		                                   i18n_has(key) ? tr(v, key) : "", "flagged",
		                                   status && strcmp(status, "ok") != 0, "uids", uids, "visibility",
		                                   i18n_has(vkey) ? tr(v, vkey) : "", "action", action));
	}
	return a;
}

/* The record of T as its editors see it, with each text section's
 * visibility in "visibility" as "text.<section>". */
static json_t *record_for_edit(struct ctx *c, const struct team *t)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 8u << 20);
	jw_init(&w, &b);
	json_t *rec = team_write_json(c->db, t, DIR_ALL, false, &w) == 0 ? json_loadb(b.data, b.len, 0, NULL) : NULL;
	buf_release(&b);
	json_t *vis = json_object_get(rec, "visibility");
	for (size_t i = 0; vis && team_text_sections[i]; i++) {
		enum visibility tv;
		char field[96];
		snprintf(field, sizeof(field), "text.%s", team_text_sections[i]);
		if (team_text_visibility(c->db, t->id, team_text_sections[i], &tv) < 0) {
			json_decref(rec);
			return NULL;
		}
		json_object_set_new(vis, field, json_string(visibility_name(tv)));
	}
	return rec;
}

/* The problems recorded on the request, by the form field they belong
 * to: a constituency rule's as "Line N: ..." lines under its text area. */
static json_t *errors_by_field(struct ctx *c, const struct team_form *tf)
{
	json_t *errs = json_object();
	for (int i = 0; i < c->nfield_errors; i++) {
		char name[TEAM_FORM_NAME_MAX];
		int line = 0;
		const char *msg = ctx_field_error_text(c, i);
		if (tf)
			team_form_place(tf, c->field_errors[i].field, name, &line);
		else
			snprintf(name, sizeof(name), "%s", c->field_errors[i].field);
		if (line) {
			char ls[16];
			snprintf(ls, sizeof(ls), "%d", line);
			const char *vars[] = {"line", ls, "message", msg, NULL};
			msg = fill(c, "dirform.line", vars);
		}
		const char *had = json_string_value(json_object_get(errs, name));
		if (had) {
			struct buf b;
			buf_init(&b, 1 << 20);
			buf_printf(&b, "%s\n%s", had, msg);
			json_object_set_new(errs, name, json_string(b.data ? b.data : had));
			buf_release(&b);
		} else {
			json_object_set_new(errs, name, json_string(msg));
		}
	}
	return errs;
}

static const char *done_notice(struct ctx *c)
{
	static const char *const done[] = {"created", "key_added", "key_removed", NULL};
	const char *d = form_get(&c->query, "done");
	for (size_t i = 0; d && done[i]; i++) {
		if (!strcmp(d, done[i])) {
			char key[48];
			snprintf(key, sizeof(key), "dirform.done.%s", done[i]);
			return ctx_t(c, key);
		}
	}
	return "";
}

/* The edit page of T. VALUES are what to show in the form (NULL: the
 * record as stored); TF, when the form was posted, places the problems
 * recorded on the request; ARMORED is a key being added, shown again. */
static void edit_render(struct ctx *c, const struct team *t, int status, json_t *values, const struct team_form *tf,
                        const char *armored)
{
	json_t *rec = record_for_edit(c, t);
	json_t *own_values = rec && !values ? team_form_values(rec) : NULL;
	if (!rec || (!values && !own_values)) {
		json_decref(rec);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	struct view v = {c, values ? values : own_values, errors_by_field(c, tf), json_array(), json_object()};
	json_t *keys = json_object_get(rec, "keys");
	json_t *names = json_object_get(rec, "name");
	const char *mine = json_string_value(json_object_get(names, lang_code(c->lang)));
	const char *display = mine && *mine ? mine : json_string_value(json_object_get(names, "en"));
	const char *vars[] = {"name", display ? display : t->slug, NULL};

	json_t *d = json_object();
	json_object_set_new(d, "title", json_string(fill(c, "dirform.edit_heading", vars)));
	json_object_set_new(d, "slug", json_string(t->slug));
	char page_path[TEAM_SLUG_MAX + 24];
	snprintf(page_path, sizeof(page_path), "/directory/%s/edit", t->slug);
	json_object_set_new(d, "page_path", json_string(page_path));
	json_object_set_new(d, "notice", json_string(done_notice(c)));
	json_object_set_new(d, "sections", sections_view(&v));
	json_object_set_new(d, "contacts_error", list_error(&v, "contacts", tr(&v, "dir.contacts")));
	json_object_set_new(d, "contacts", contacts_view(&v));
	json_object_set_new(d, "people_error", list_error(&v, "people", tr(&v, "dir.people")));
	json_object_set_new(d, "people", people_view(&v, keys));
	json_object_set_new(d, "rules_error", list_error(&v, "constituency", tr(&v, "dir.constituency")));
	json_object_set_new(d, "rules", rules_view(&v));
	json_object_set_new(d, "rfc2350", texts_view(&v, 0, RFC2350_SECTIONS));
	json_object_set_new(d, "dirtexts", texts_view(&v, RFC2350_SECTIONS, SIZE_MAX));
	json_object_set_new(d, "keys", keys_view(&v, keys, t->slug));

	/* The key form: its own values and problem. */
	json_t *kv = json_pack("{s:s,s:s}", "armored", armored ? armored : "", "visibility",
	                       form_get(&c->form, "visibility") && armored ? form_get(&c->form, "visibility") : "public");
	json_t *saved_values = v.values;
	v.values = kv;
	json_t *key_inputs = json_array();
	json_t *armored_in = control(&v, "armored", tr(&v, "dirform.key.armored"), tr(&v, "dirform.key.armored"), W_TEXTAREA,
	                             "dirform.key.armored_hint");
	json_object_set_new(armored_in, "rows", json_integer(8));
	json_array_append_new(key_inputs, armored_in);
	json_array_append_new(key_inputs, select_control(&v, "visibility", tr(&v, "dirform.shown_to"),
	                                                 tr(&v, "dirform.shown_to"), visibility_choices, "dirform.vis.", NULL));
	json_object_set_new(d, "key_inputs", key_inputs);
	v.values = saved_values;
	json_decref(kv);

	/* Problems the page has no field for (a crafted visibility name, say). */
	for (int i = 0; i < c->nfield_errors; i++) {
		char name[TEAM_FORM_NAME_MAX];
		int line = 0;
		if (tf)
			team_form_place(tf, c->field_errors[i].field, name, &line);
		else
			snprintf(name, sizeof(name), "%s", c->field_errors[i].field);
		if (!json_object_get(v.shown, name))
			json_array_append_new(v.summary, json_pack("{s:s,s:s,s:s}", "href", "#team-form", "label", name, "message",
			                                           ctx_field_error_text(c, i)));
	}
	size_t nproblems = json_array_size(v.summary);
	if (nproblems) {
		char count[24];
		snprintf(count, sizeof(count), "%zu", nproblems);
		const char *cv[] = {"count", count, NULL};
		json_object_set_new(d, "summary_title",
		                    json_string(fill(c, armored ? "dirform.key.not_added" : "dirform.errors_title", cv)));
	}
	json_object_set_new(d, "summary", v.summary);
	json_decref(v.errs);
	json_decref(v.shown);
	json_decref(own_values);
	json_decref(rec);
	http_page(c, status, "team_edit.html", d);
}

static void edit_page(struct ctx *c)
{
	struct team t;
	if (dir_editable_team(c, &t))
		edit_render(c, &t, 200, NULL, NULL, NULL);
}

static void edit_post(struct ctx *c)
{
	struct team t;
	struct team_form tf;
	struct team_change ch;
	if (!dir_editable_team(c, &t))
		return;
	if (team_form_read(&c->form, &tf) < 0) {
		if (tf.bad_field) {
			ctx_field_error(c, ctx_strndup(c, tf.bad_field, strlen(tf.bad_field)),
			                json_object_get(tf.values, tf.bad_field) ? "dirform.twice_field" : "dirform.unknown_field");
			http_error(c, ERR_BAD_REQUEST, "dirform.crafted");
		} else {
			http_error(c, ERR_INTERNAL, NULL);
		}
		team_form_release(&tf);
		return;
	}
	if (json_object_size(tf.change) == 0) {
		team_form_release(&tf);
		http_error(c, ERR_VALIDATION, "err.nothing_to_change");
		return;
	}
	dir_read_change(c, tf.change, &ch);
	if (!input_ok(c)) {
		if (c->req->entity.len > ECHO_MAX)
			http_error(c, ERR_VALIDATION, NULL);
		else
			edit_render(c, &t, 422, tf.values, &tf, NULL);
		team_form_release(&tf);
		return;
	}
	if (db_begin(c->db) < 0 || team_apply(c->db, t.id, &ch, clock_now()) < 0 ||
	    ctx_audit(c, "team.update", "team", t.id, t.slug) < 0 || db_commit(c->db) < 0) {
		db_rollback(c->db);
		team_form_release(&tf);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	team_form_release(&tf);
	directory_changed(ch.rules_set ? DIR_CHANGED_RULES : DIR_CHANGED_RECORD);
	char loc[128];
	snprintf(loc, sizeof(loc), "/directory/%s?saved=1", t.slug);
	http_redirect(c, loc);
}

/* ---- keys ---- */

static void key_form_done(struct ctx *c, const struct team *t, const struct dir_key_result *r)
{
	if (r->err == ERR_VALIDATION || r->err == ERR_CONFLICT) {
		const char *armored = form_get(&c->form, "armored");
		edit_render(c, t, err_info(r->err)->status, NULL, NULL, armored && strlen(armored) <= ECHO_MAX ? armored : "");
		return;
	}
	if (r->err != ERR_OK) {
		http_error(c, r->err, NULL);
		return;
	}
	char loc[128];
	snprintf(loc, sizeof(loc), "/directory/%s/edit?done=key_added#keys", t->slug);
	http_redirect(c, loc);
}

static void key_post(struct ctx *c)
{
	struct team t;
	if (!dir_editable_team(c, &t))
		return;
	const char *armored = input_secret(c, "armored", true);
	const char *v = input_choice(c, "visibility", visibility_choices, "public");
	enum visibility vis = VIS_PUBLIC;
	visibility_parse(v, &vis);
	if (armored && !armored[strspn(armored, " \t\r\n")])
		ctx_field_error(c, "armored", "field.required");
	if (!input_ok(c)) {
		edit_render(c, &t, 422, NULL, NULL, armored && strlen(armored) <= ECHO_MAX ? armored : "");
		return;
	}
	if (dir_key_add(c, armored, vis, key_form_done) < 0)
		http_error(c, ERR_UNAVAILABLE, NULL);
}

static void key_remove_post(struct ctx *c)
{
	struct team t;
	if (!dir_editable_team(c, &t))
		return;
	enum err e = dir_key_remove(c, &t, ctx_param(c, "fingerprint"));
	if (e != ERR_OK) {
		http_error(c, e, NULL);
		return;
	}
	char loc[128];
	snprintf(loc, sizeof(loc), "/directory/%s/edit?done=key_removed#keys", t.slug);
	http_redirect(c, loc);
}

/* ---- a new record (secretariat) ---- */

struct org_opts {
	struct ctx *c;
	json_t *arr;
	int64_t sel, last;
};

static void add_org_opt(const struct org *o, void *arg)
{
	struct org_opts *oo = arg;
	oo->last = o->id;
	if (!strcmp(o->kind, "secretariat"))
		return;   /* the association's own office has no team record */
	const char *name = oo->c->lang == LANG_JA && o->name_ja[0] ? o->name_ja : o->name;
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)o->id);
	json_array_append_new(oo->arr, json_pack("{s:s,s:s,s:b}", "value", id, "label", name, "sel", o->id == oo->sel));
}

static void new_render(struct ctx *c, int status)
{
	const char *org = form_get(&c->form, "org_id");
	struct org_opts oo = {c, json_array(), org ? strtoll(org, NULL, 10) : 0, 0};
	json_array_append_new(oo.arr, json_pack("{s:s,s:s,s:b}", "value", "", "label", ctx_t(c, "dirform.no_org"), "sel",
	                                        oo.sel == 0));
	int n;
	do {
		n = org_list(c->db, NULL, oo.last, 500, add_org_opt, &oo);
	} while (n == 500 && json_array_size(oo.arr) < ORG_SELECT_MAX);
	json_t *values = json_object();
	static const char *const fields[] = {"slug", "name_en", "org_id", NULL};
	for (size_t i = 0; fields[i]; i++) {
		const char *s = form_get(&c->form, fields[i]);
		json_object_set_new(values, fields[i], json_string(s ? s : ""));
	}
	struct view v = {c, values, ctx_field_errors_json(c), json_array(), json_object()};
	json_t *inputs = json_array();
	json_array_append_new(inputs, control(&v, "slug", tr(&v, "dirform.slug"), tr(&v, "dirform.slug"), W_TEXT,
	                                      "dirform.slug_hint"));
	json_array_append_new(inputs, control(&v, "name_en", tr(&v, "dirform.name_en"), tr(&v, "dirform.name_en"), W_TEXT,
	                                      NULL));
	json_t *org_in = control(&v, "org_id", tr(&v, "dirform.org"), tr(&v, "dirform.org"), W_SELECT, "dirform.org_hint");
	json_object_set_new(org_in, "options", oo.arr);
	json_array_append_new(inputs, org_in);
	json_t *d = json_pack("{s:s,s:o,s:o}", "title", ctx_t(c, "dirform.new"), "inputs", inputs, "summary", v.summary);
	if (json_array_size(v.summary)) {
		char count[24];
		snprintf(count, sizeof(count), "%zu", json_array_size(v.summary));
		const char *cv[] = {"count", count, NULL};
		json_object_set_new(d, "summary_title", json_string(fill(c, "dirform.new_errors_title", cv)));
	}
	json_decref(v.errs);
	json_decref(v.shown);
	json_decref(values);
	http_page(c, status, "team_new.html", d);
}

static void new_page(struct ctx *c)
{
	new_render(c, 200);
}

static void new_post(struct ctx *c)
{
	int64_t id = 0;
	char slug[TEAM_SLUG_MAX + 1];
	enum err e = dir_create_team(c, &id, slug);
	if (e == ERR_VALIDATION || e == ERR_CONFLICT) {
		new_render(c, err_info(e)->status);
		return;
	}
	if (e != ERR_OK) {
		http_error(c, e, NULL);
		return;
	}
	char loc[128];
	snprintf(loc, sizeof(loc), "/directory/%s/edit?done=created", slug);
	http_redirect(c, loc);
}

/* Registered before the directory's pages: /directory/new is not a team. */
const struct route directory_form_routes[] = {
	{"GET", "/directory/new", ACT_DIRECTORY_CREATE, new_page, 0},
	{"POST", "/directory/new", ACT_DIRECTORY_CREATE, new_post, ROUTE_FORM},
	{"GET", "/directory/{slug}/edit", ACT_DIRECTORY_WRITE, edit_page, 0},
	{"POST", "/directory/{slug}/edit", ACT_DIRECTORY_WRITE, edit_post, ROUTE_FORM},
	{"POST", "/directory/{slug}/keys", ACT_DIRECTORY_WRITE, key_post, ROUTE_FORM},
	{"POST", "/directory/{slug}/keys/{fingerprint}/remove", ACT_DIRECTORY_WRITE, key_remove_post, ROUTE_FORM},
	{0},
};
