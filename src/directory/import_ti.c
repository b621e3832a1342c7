/* Reading Trusted Introducer's directory export (teams.json: an array of
 * team objects, or one of them) into team records.
 *
 * What maps: official_name, short_name, country.code, established,
 * host_organisation, postal_address, business_hours and
 * business_hours_timezone onto the record's fields; constituency types,
 * asns, domains, ipranges and countries onto its constituency; phones
 * (by usage: emergency, fax, else voice; comments as the note) and
 * emails (usage "contact": incident reports, else general) onto its
 * contacts. TI's classification, key fingerprints (a key is added by
 * pasting it) and MISP details have no place and are reported skipped,
 * as are unknown fields and whole-TLD wildcards such as "*.at".
 *
 * jansson reads the whole file first; a second, light pass finds the
 * line each team starts on, so that every issue can name it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "directory/import_int.h"

struct ti {
	struct import_doc *d;
	struct import_record *r;
	size_t line, number;
	int rc;
};

/* A skipped issue names no field of the record: the source says it all. */
static void issue(struct ti *t, bool rejected, const char *field, const char *src, const char *key, const char *name)
{
	if (import_issue_add(t->d, rejected, t->line, t->number, src, strlen(src), rejected ? field : "", key, "name", name,
	                     NULL, NULL) < 0)
		t->rc = -1;
}

/* "constituency.domains[0]: *.at", for the report. */
static const char *source(char *buf, size_t n, const char *path, const char *value)
{
	snprintf(buf, n, "%s: %s", path, value);
	return buf;
}

/* A string value, or NULL after a rejected issue (NULL and "" are
 * simply not given: NULL returned, nothing said). */
static const char *string_at(struct ti *t, json_t *v, const char *path)
{
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		issue(t, true, path, path, "import.want_string", path);
		return NULL;
	}
	return json_string_length(v) ? json_string_value(v) : NULL;
}

static void set(struct ti *t, const char *field, bool bilingual, json_t *v, const char *path)
{
	const char *s = string_at(t, v, path);
	if (!s)
		return;
	char src[256], dest[64];
	snprintf(dest, sizeof(dest), "%s%s", field, !bilingual ? "" : import_is_japanese(s, strlen(s)) ? ".ja" : ".en");
	source(src, sizeof(src), path, s);
	if (import_set(t->r, dest, s, json_string_length(v), t->line, src, strlen(src)) < 0)
		t->rc = -1;
}

static void add(struct ti *t, const char *list, json_t *item, const char *src)
{
	if (import_add_item(t->r, list, item, t->line, src, strlen(src)) < 0)
		t->rc = -1;
}

static void rule(struct ti *t, const char *kind, const char *value, const char *src)
{
	add(t, "constituency", json_pack("{s:s,s:s}", "kind", kind, "value", value), src);
}

static void constituency(struct ti *t, json_t *c)
{
	if (!json_is_object(c)) {
		issue(t, true, "constituency", "constituency", "import.want_object", "constituency");
		return;
	}
	static const char *const lists[] = {"types", "asns", "domains", "ipranges", "countries", NULL};
	const char *key;
	json_t *list;
	json_object_foreach(c, key, list) {
		char path[96], src[512];
		size_t k = 0;
		while (lists[k] && strcmp(lists[k], key) != 0)
			k++;
		snprintf(path, sizeof(path), "constituency.%.60s", key);
		if (!lists[k]) {
			issue(t, false, path, path, "import.unknown_field", path);
			continue;
		}
		if (json_is_null(list))
			continue;
		if (!json_is_array(list)) {
			issue(t, true, path, path, "import.want_list", path);
			continue;
		}
		size_t i;
		json_t *v;
		json_array_foreach(list, i, v) {
			char ipath[128], asn[32];
			snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
			if (!strcmp(key, "asns") && json_is_integer(v)) {
				snprintf(asn, sizeof(asn), "AS%lld", (long long)json_integer_value(v));
				rule(t, "asn", asn, source(src, sizeof(src), ipath, asn));
				continue;
			}
			if (!strcmp(key, "countries") && json_is_object(v))
				v = json_object_get(v, "code");
			const char *s = string_at(t, v, ipath);
			if (!s)
				continue;
			source(src, sizeof(src), ipath, s);
			if (!strcmp(key, "domains")) {
				const char *bare = strncmp(s, "*.", 2) ? s : s + 2;
				if (!strchr(bare, '.')) {
					issue(t, false, "constituency", src, "import.tld_wildcard", s);
					continue;
				}
			}
			rule(t, !strcmp(key, "types") ? "type" : !strcmp(key, "asns") ? "asn" : !strcmp(key, "domains") ? "domain"
			        : !strcmp(key, "ipranges") ? "cidr" : "country", s, src);
		}
	}
}

static bool usage_has(json_t *usage, const char *what)
{
	size_t i;
	json_t *u;
	json_array_foreach(usage, i, u)
		if (json_is_string(u) && !strcmp(json_string_value(u), what))
			return true;
	return false;
}

/* phones: [{usage: [...], number, timezone, comments}]; emails: [{address, usage}]. */
static void contacts(struct ti *t, json_t *list, bool phones)
{
	const char *name = phones ? "phones" : "emails";
	if (json_is_null(list))
		return;
	if (!json_is_array(list)) {
		issue(t, true, name, name, "import.want_list", name);
		return;
	}
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		char path[64], vpath[80], src[512];
		snprintf(path, sizeof(path), "%s[%zu]", name, i);
		if (!json_is_object(o)) {
			issue(t, true, path, path, "import.want_object", path);
			continue;
		}
		snprintf(vpath, sizeof(vpath), "%s.%s", path, phones ? "number" : "address");
		const char *value = string_at(t, json_object_get(o, phones ? "number" : "address"), vpath);
		if (!value)
			continue;
		json_t *usage = json_object_get(o, "usage");
		const char *kind;
		if (phones)
			kind = usage_has(usage, "emergency") ? "phone_emergency" : usage_has(usage, "fax") ? "fax" : "phone_voice";
		else
			kind = json_array_size(usage) == 0 || usage_has(usage, "contact") ? "email_incident" : "email_general";
		json_t *c = import_contact(kind, value, strlen(value), "", 0);
		const char *note = json_is_string(json_object_get(o, "comments")) ? json_string_value(json_object_get(o, "comments"))
		                                                                  : "";
		if (c && *note)
			json_object_set_new(c, "note", json_string(note));
		add(t, "contacts", c, source(src, sizeof(src), vpath, value));
	}
}

static void team(struct ti *t, json_t *o)
{
	if (!json_is_object(o)) {
		issue(t, true, "", "", "import.ti_not_object", "");
		return;
	}
	if (!(t->r = import_record_add(t->d, t->line, t->number))) {
		t->rc = -1;
		return;
	}
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) {
		if (!strcmp(key, "official_name"))
			set(t, "name", true, v, key);
		else if (!strcmp(key, "short_name"))
			set(t, "short_name", false, v, key);
		else if (!strcmp(key, "country"))
			set(t, "country", false, json_is_object(v) ? json_object_get(v, "code") : v, "country.code");
		else if (!strcmp(key, "established"))
			set(t, "established", false, v, key);
		else if (!strcmp(key, "host_organisation"))
			set(t, "host_org", true, v, key);
		else if (!strcmp(key, "postal_address"))
			set(t, "address", true, v, key);
		else if (!strcmp(key, "business_hours"))
			set(t, "business_hours", true, v, key);
		else if (!strcmp(key, "business_hours_timezone"))
			set(t, "tz", false, v, key);
		else if (!strcmp(key, "constituency"))
			constituency(t, v);
		else if (!strcmp(key, "phones") || !strcmp(key, "emails"))
			contacts(t, v, key[0] == 'p');
		else if (!strcmp(key, "pgp_keys")) {
			if (json_array_size(v))
				issue(t, false, key, key, "import.keys_not_imported", key);
		} else if (!strcmp(key, "classification") || !strcmp(key, "misp")) {
			issue(t, false, key, key, "import.no_place", key);
		} else {
			char name[64];
			snprintf(name, sizeof(name), "%.60s", key);
			issue(t, false, name, name, "import.unknown_field", name);
		}
	}
}

/* Where each element of the top-level array starts: its line. The text
 * is known to be valid JSON. */
static size_t *element_lines(const char *s, size_t n, size_t count)
{
	size_t *lines = calloc(count ? count : 1, sizeof(*lines)), k = 0, line = 1;
	int depth = 0;
	bool in_str = false, esc = false, expecting = false;
	for (size_t i = 0; lines && i < n && k < count; i++) {
		char c = s[i];
		if (c == '\n')
			line++;
		if (in_str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (depth == 1 && expecting) {
			lines[k++] = line;
			expecting = false;
		}
		if (c == '"')
			in_str = true;
		else if (c == '[' || c == '{')
			expecting = ++depth == 1;
		else if (c == ']' || c == '}')
			depth--;
		else if (c == ',' && depth == 1)
			expecting = true;
	}
	return lines;
}

int import_parse_ti(struct import_doc *d, const char *data, size_t n)
{
	if (n >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
		data += 3;
		n -= 3;
	}
	if (!utf8_valid(data, n)) {
		struct import_lines it;
		struct import_line l;
		import_lines_init(&it, data, n, 1);
		while (import_lines_next(&it, &l))
			import_line_ok(d, &l, 0);
		return 0;
	}
	json_error_t err;
	json_t *root = json_loadb(data, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	if (!root) {
		char col[24];
		snprintf(col, sizeof(col), "%d", err.column);
		return import_issue_add(d, true, err.line > 0 ? (size_t)err.line : 0, 0, "", 0, "", "import.bad_json", "reason",
		                        err.text, "column", col);
	}
	struct ti t = {d, NULL, 1, 0, 0};
	if (json_is_object(root)) {
		t.number = 1;
		team(&t, root);
	} else if (json_is_array(root)) {
		size_t *lines = element_lines(data, n, json_array_size(root));
		if (!lines) {
			json_decref(root);
			return -1;
		}
		for (size_t i = 0; i < json_array_size(root) && t.rc == 0; i++) {
			t.line = lines[i];
			t.number = i + 1;
			team(&t, json_array_get(root, i));
		}
		free(lines);
	} else {
		t.rc = import_issue_add(d, true, 1, 0, "", 0, "", "import.ti_not_list", NULL, NULL, NULL, NULL);
	}
	json_decref(root);
	return t.rc;
}
