/* The team edit form as the API's JSON change, and a record as the form's
 * fields; see team_form.h. Nothing here decides whether a value is good:
 * that is team_input.c's job, for the API and the form alike. This file
 * only knows the form's shape (which names exist, which rows are blank,
 * how a text area of rules splits into rules) and undoes what a browser
 * adds (CRLF line ends, blanks around a pasted value). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "directory/team.h"
#include "directory/team_form.h"
#include "directory/team_input.h"

const char *const team_form_rule_fields[3] = {"constituency.public", "constituency.members", "constituency.secretariat"};

static const char *const contact_parts[] = {"kind", "value", "hours", "note", "visibility", "remove", NULL};
static const char *const person_parts[] = {"name", "role", "email", "phone", "key_fingerprint", "visibility", "remove",
                                           NULL};
/* What makes a row more than blank: select boxes always post a value. */
static const char *const contact_content[] = {"value", "hours", "note", NULL};
static const char *const person_content[] = {"name", "email", "phone", "key_fingerprint", NULL};

static bool in_list(const char *s, const char *const list[])
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* S without blanks around it and with CRLF (or a lone CR) as LF. */
static json_t *clean_text(const char *s)
{
	while (is_blank(*s))
		s++;
	size_t n = strlen(s);
	while (n && is_blank(s[n - 1]))
		n--;
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r') {
			out[k++] = '\n';
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
		} else {
			out[k++] = s[i];
		}
	}
	json_t *v = json_stringn(out, k);
	free(out);
	return v;
}

static bool blank_string(const char *s)
{
	while (is_blank(*s))
		s++;
	return !*s;
}

/* "contacts[12].value" -> 12 and "value", when LIST is "contacts"; -1 when
 * NAME is not a row field of LIST (or the row is out of range). */
static int row_of(const char *name, const char *list, const char **part)
{
	size_t n = strlen(list);
	if (strncmp(name, list, n) != 0 || name[n] != '[')
		return -1;
	const char *p = name + n + 1;
	int row = 0, digits = 0;
	while (*p >= '0' && *p <= '9' && digits < 3) {
		row = row * 10 + (*p++ - '0');
		digits++;
	}
	/* No leading zeros: one spelling per row, so a row cannot be posted twice. */
	if (!digits || (digits > 1 && name[n + 1] == '0') || *p != ']' || row >= TEAM_FORM_MAX_ROWS)
		return -1;
	if (p[1] == '\0') {
		*part = "";
		return row;
	}
	if (p[1] != '.')
		return -1;
	*part = p + 2;
	return row;
}

/* The team_fields entry of NAME ("tz", or "name.en" for a bilingual one)
 * that the form may set, or -1. *LANG gets "en"/"ja" or NULL. */
static int scalar_of(const char *name, const char **lang)
{
	*lang = NULL;
	for (size_t i = 0; i < team_nfields; i++) {
		const struct team_field *f = &team_fields[i];
		if (!strcmp(f->name, "last_verified"))
			continue;   /* set by confirming the record, not by editing it */
		size_t n = strlen(f->name);
		if (strncmp(name, f->name, n) != 0)
			continue;
		if (!f->col_ja && name[n] == '\0')
			return (int)i;
		if (f->col_ja && (!strcmp(name + n, ".en") || !strcmp(name + n, ".ja"))) {
			*lang = name + n + 1;
			return (int)i;
		}
	}
	return -1;
}

/* Whether NAME is a field the edit form has. */
static bool known_field(const char *name)
{
	const char *part, *lang;
	if (!strcmp(name, "_csrf") || scalar_of(name, &lang) >= 0)
		return true;
	if (!strncmp(name, "visibility.", 11) && name[11])
		return true;
	if (!strncmp(name, "texts.", 6)) {
		const char *dot = strchr(name + 6, '.');
		return dot && dot > name + 6 && dot[1];
	}
	for (int v = 0; v < 3; v++)
		if (!strcmp(name, team_form_rule_fields[v]))
			return true;
	int row = row_of(name, "contacts", &part);
	if (row >= 0)
		return in_list(part, contact_parts);
	row = row_of(name, "people", &part);
	return row >= 0 && in_list(part, person_parts);
}

static const char *value_at(json_t *values, const char *fmt, const char *list, int row, const char *part)
{
	char name[TEAM_FORM_NAME_MAX];
	snprintf(name, sizeof(name), fmt, list, row, part);
	return json_string_value(json_object_get(values, name));
}

/* A scalar's value as the API takes it: a whole number for the integer
 * fields when it is one (anything else stays text, for team_input to
 * refuse), null for an empty one; trimmed text otherwise. */
static json_t *scalar_value(const struct team_field *f, const char *s)
{
	if (!f->integer)
		return clean_text(s);
	while (is_blank(*s))
		s++;
	size_t n = strlen(s);
	while (n && is_blank(s[n - 1]))
		n--;
	if (n == 0)
		return json_null();
	if (n <= 9 && strspn(s, "0123456789") >= n)
		return json_integer(strtoll(s, NULL, 10));
	return json_stringn(s, n);
}

static int add_scalars(struct team_form *tf)
{
	const char *name;
	json_t *v;
	json_object_foreach(tf->values, name, v) {
		const char *lang;
		int i = scalar_of(name, &lang);
		if (i < 0)
			continue;
		const struct team_field *f = &team_fields[i];
		if (!lang) {
			if (json_object_set_new(tf->change, f->name, scalar_value(f, json_string_value(v))) < 0)
				return -1;
			continue;
		}
		json_t *pair = json_object_get(tf->change, f->name);
		if (!pair) {
			pair = json_object();
			if (json_object_set_new(tf->change, f->name, pair) < 0)
				return -1;
		}
		if (json_object_set_new(pair, lang, clean_text(json_string_value(v))) < 0)
			return -1;
	}
	return 0;
}

/* "visibility.X" and "texts.S.L" fields into their objects, as posted:
 * team_input names the sections and fields it does not know. */
static int add_visibility_and_texts(struct team_form *tf)
{
	const char *name;
	json_t *v;
	json_object_foreach(tf->values, name, v) {
		if (!strncmp(name, "visibility.", 11)) {
			json_t *vis = json_object_get(tf->change, "visibility");
			if (!vis && json_object_set_new(tf->change, "visibility", vis = json_object()) < 0)
				return -1;
			if (json_object_set_new(vis, name + 11, clean_text(json_string_value(v))) < 0)
				return -1;
		} else if (!strncmp(name, "texts.", 6)) {
			const char *dot = strchr(name + 6, '.');
			json_t *texts = json_object_get(tf->change, "texts");
			if (!texts && json_object_set_new(tf->change, "texts", texts = json_object()) < 0)
				return -1;
			char section[TEAM_FORM_NAME_MAX];
			snprintf(section, sizeof(section), "%.*s", (int)(dot - name - 6), name + 6);
			json_t *langs = json_object_get(texts, section);
			if (!langs && json_object_set_new(texts, section, langs = json_object()) < 0)
				return -1;
			if (json_object_set_new(langs, dot + 1, clean_text(json_string_value(v))) < 0)
				return -1;
		}
	}
	return 0;
}

/* The rows of LIST that are neither blank nor marked for removal, as
 * objects of the parts that were posted; ROW_OF[i] is the form row of
 * entry i. Nothing is added when the form posted no row of LIST. */
static int add_rows(struct team_form *tf, const char *list, const char *const parts[], const char *const content[],
                    int row_of_entry[], size_t *n)
{
	int rows = team_form_rows(tf->values, list);
	*n = 0;
	if (rows == 0)
		return 0;
	json_t *arr = json_array();
	if (json_object_set_new(tf->change, list, arr) < 0)
		return -1;
	for (int r = 0; r < rows; r++) {
		if (value_at(tf->values, "%s[%d].%s", list, r, "remove"))
			continue;
		bool blank = true;
		for (size_t k = 0; content[k] && blank; k++) {
			const char *s = value_at(tf->values, "%s[%d].%s", list, r, content[k]);
			blank = !s || blank_string(s);
		}
		if (blank)
			continue;
		json_t *o = json_object();
		if (json_array_append_new(arr, o) < 0)
			return -1;
		for (size_t k = 0; parts[k]; k++) {
			const char *s = value_at(tf->values, "%s[%d].%s", list, r, parts[k]);
			/* An empty visibility is none chosen: the API's default for the row. */
			bool unchosen = s && !*s && !strcmp(parts[k], "visibility");
			if (s && !unchosen && strcmp(parts[k], "remove") != 0 &&
			    json_object_set_new(o, parts[k], clean_text(s)) < 0)
				return -1;
		}
		row_of_entry[(*n)++] = r;
	}
	return 0;
}

/* The kind of a rule line the person did not label: AS numbers, networks
 * and addresses, country codes and domains each have a look of their
 * own. Constituency types are free text, so they are written "type: ...". */
static const char *guess_kind(const char *s, size_t n)
{
	if (n > 2 && !strncasecmp(s, "AS", 2) && s[2] >= '0' && s[2] <= '9')
		return "asn";
	if (strspn(s, "0123456789") >= n)
		return "asn";
	if (memchr(s, ':', n) || memchr(s, '/', n) || strspn(s, "0123456789.") >= n)
		return "cidr";
	if (n == 2 && ((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z') && ((s[1] | 0x20) >= 'a' && (s[1] | 0x20) <= 'z'))
		return "country";
	return "domain";
}

/* One line of a rule text area as {kind, value, visibility}; NULL for a
 * blank line. */
static json_t *rule_of_line(const char *s, size_t n, const char *vis)
{
	while (n && is_blank(*s))
		s++, n--;
	while (n && is_blank(s[n - 1]))
		n--;
	if (!n)
		return NULL;
	const char *kind = NULL;
	for (size_t k = 0; team_rule_kinds[k]; k++) {
		size_t kl = strlen(team_rule_kinds[k]);
		if (n > kl && !strncasecmp(s, team_rule_kinds[k], kl) && s[kl] == ':') {
			kind = team_rule_kinds[k];
			s += kl + 1;
			n -= kl + 1;
			while (n && is_blank(*s))
				s++, n--;
			break;
		}
	}
	if (!kind)
		kind = guess_kind(s, n);
	return json_pack("{s:s,s:s%,s:s}", "kind", kind, "value", s, n, "visibility", vis);
}

static int add_rules(struct team_form *tf)
{
	const char *text[3];
	bool any = false;
	size_t lines = 0;
	for (int v = 0; v < 3; v++) {
		text[v] = json_string_value(json_object_get(tf->values, team_form_rule_fields[v]));
		any = any || text[v];
		for (const char *p = text[v]; p && *p; p++)
			lines += *p == '\n';
		lines++;
	}
	if (!any)
		return 0;
	json_t *arr = json_array();
	tf->rule_src = calloc(lines, sizeof(*tf->rule_src));
	if (!tf->rule_src || json_object_set_new(tf->change, "constituency", arr) < 0)
		return -1;
	for (int v = 0; v < 3; v++) {
		const char *p = text[v];
		for (int line = 1; p && *p; line++) {
			size_t n = strcspn(p, "\r\n");
			json_t *rule = rule_of_line(p, n, team_form_rule_fields[v] + strlen("constituency."));
			if (rule) {
				if (json_array_append_new(arr, rule) < 0)
					return -1;
				tf->rule_src[tf->nrules++] = (struct team_form_rule_src){v, line};
			}
			p += n;
			if (*p == '\r' && p[1] == '\n')
				p++;
			if (*p)
				p++;
		}
	}
	return 0;
}

int team_form_read(const struct form *f, struct team_form *tf)
{
	memset(tf, 0, sizeof(*tf));
	tf->change = json_object();
	tf->values = json_object();
	if (!tf->change || !tf->values)
		return -1;
	for (size_t i = 0; i < f->n; i++) {
		const char *name = f->fields[i].name;
		if (!known_field(name) || json_object_get(tf->values, name)) {
			tf->bad_field = name;
			return -1;
		}
		if (strcmp(name, "_csrf") != 0 &&
		    json_object_set_new(tf->values, name, json_stringn(f->fields[i].value, f->fields[i].value_len)) < 0)
			return -1;
	}
	if (add_scalars(tf) < 0 || add_visibility_and_texts(tf) < 0 ||
	    add_rows(tf, "contacts", contact_parts, contact_content, tf->contact_row, &tf->ncontacts) < 0 ||
	    add_rows(tf, "people", person_parts, person_content, tf->person_row, &tf->npeople) < 0 || add_rules(tf) < 0)
		return -1;
	return 0;
}

void team_form_release(struct team_form *tf)
{
	json_decref(tf->change);
	json_decref(tf->values);
	free(tf->rule_src);
	memset(tf, 0, sizeof(*tf));
}

/* "[12]" at P: the index, and *REST after it; -1 when P is not one. */
static long index_at(const char *p, const char **rest)
{
	if (*p != '[')
		return -1;
	char *end;
	long i = strtol(p + 1, &end, 10);
	if (end == p + 1 || *end != ']' || i < 0)
		return -1;
	*rest = end + 1;
	return i;
}

void team_form_place(const struct team_form *tf, const char *path, char name[static TEAM_FORM_NAME_MAX], int *line)
{
	const char *rest;
	long i;
	*line = 0;
	snprintf(name, TEAM_FORM_NAME_MAX, "%s", path);
	if (!strncmp(path, "contacts[", 9) && (i = index_at(path + 8, &rest)) >= 0 && (size_t)i < tf->ncontacts)
		snprintf(name, TEAM_FORM_NAME_MAX, "contacts[%d]%s", tf->contact_row[i], *rest ? rest : ".value");
	else if (!strncmp(path, "people[", 7) && (i = index_at(path + 6, &rest)) >= 0 && (size_t)i < tf->npeople)
		snprintf(name, TEAM_FORM_NAME_MAX, "people[%d]%s", tf->person_row[i], *rest ? rest : ".name");
	else if (!strncmp(path, "constituency[", 13) && (i = index_at(path + 12, &rest)) >= 0 &&
	         (size_t)i < tf->nrules) {
		snprintf(name, TEAM_FORM_NAME_MAX, "%s", team_form_rule_fields[tf->rule_src[i].vis]);
		*line = tf->rule_src[i].line;
	}
}

/* ---- a record as the form's fields ---- */

static int put(json_t *values, const char *name, json_t *v)
{
	if (json_is_integer(v)) {
		char num[24];
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		return json_object_set_new(values, name, json_string(num));
	}
	return json_object_set_new(values, name, json_string(json_is_string(v) ? json_string_value(v) : ""));
}

static int put_rows(json_t *values, json_t *rows, const char *list, const char *const parts[])
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		for (size_t k = 0; parts[k]; k++) {
			json_t *v = json_object_get(row, parts[k]);
			char name[TEAM_FORM_NAME_MAX];
			snprintf(name, sizeof(name), "%s[%zu].%s", list, i, parts[k]);
			if (v && put(values, name, v) < 0)
				return -1;
		}
	}
	return 0;
}

/* The rules of RECORD as three text areas' texts, one rule a line. */
static int put_rules(json_t *values, json_t *rules)
{
	char *text[3] = {NULL, NULL, NULL};
	size_t len[3] = {0, 0, 0}, i;
	json_t *rule;
	int rc = 0;
	json_array_foreach(rules, i, rule) {
		const char *kind = json_string_value(json_object_get(rule, "kind"));
		const char *value = json_string_value(json_object_get(rule, "value"));
		enum visibility vis;
		if (!kind || !value || visibility_parse(json_string_value(json_object_get(rule, "visibility")), &vis) < 0)
			continue;
		bool typed = !strcmp(kind, "type");
		size_t add = strlen(value) + (typed ? 6 : 0) + 1;
		char *grown = realloc(text[vis], len[vis] + add + 1);
		if (!grown) {
			rc = -1;
			break;
		}
		text[vis] = grown;
		len[vis] += (size_t)snprintf(text[vis] + len[vis], add + 1, "%s%s\n", typed ? "type: " : "", value);
	}
	for (int v = 0; v < 3; v++) {
		if (rc == 0 && json_object_set_new(values, team_form_rule_fields[v], json_stringn(text[v] ? text[v] : "", len[v])) < 0)
			rc = -1;
		free(text[v]);
	}
	return rc;
}

json_t *team_form_values(json_t *record)
{
	json_t *values = json_object();
	if (!values)
		return NULL;
	int rc = 0;
	for (size_t i = 0; i < team_nfields && rc == 0; i++) {
		const struct team_field *f = &team_fields[i];
		json_t *v = json_object_get(record, f->name);
		if (!strcmp(f->name, "last_verified"))
			continue;
		char name[TEAM_FORM_NAME_MAX];
		if (f->col_ja) {
			snprintf(name, sizeof(name), "%s.en", f->name);
			rc |= put(values, name, json_object_get(v, "en"));
			snprintf(name, sizeof(name), "%s.ja", f->name);
			rc |= put(values, name, json_object_get(v, "ja"));
		} else {
			rc |= put(values, f->name, v);
		}
	}
	const char *key;
	json_t *v;
	json_object_foreach(json_object_get(record, "visibility"), key, v) {
		char name[TEAM_FORM_NAME_MAX];
		snprintf(name, sizeof(name), "visibility.%s", key);
		rc |= put(values, name, v);
	}
	json_t *langs;
	json_object_foreach(json_object_get(record, "texts"), key, langs) {
		const char *lang;
		json_object_foreach(langs, lang, v) {
			char name[TEAM_FORM_NAME_MAX];
			snprintf(name, sizeof(name), "texts.%s.%s", key, lang);
			rc |= put(values, name, v);
		}
	}
	rc |= put_rows(values, json_object_get(record, "contacts"), "contacts", contact_parts);
	rc |= put_rows(values, json_object_get(record, "people"), "people", person_parts);
	rc |= put_rules(values, json_object_get(record, "constituency"));
	if (rc) {
		json_decref(values);
		return NULL;
	}
	return values;
}

int team_form_rows(json_t *values, const char *list)
{
	int rows = 0;
	const char *name, *part;
	json_t *v;
	json_object_foreach(values, name, v) {
		int r = row_of(name, list, &part);
		if (r >= rows)
			rows = r + 1;
	}
	return rows;
}
