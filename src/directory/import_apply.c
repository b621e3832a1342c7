/* The database side of an import (see import.h): which team each record
 * is, the record merged with what the team has, every value checked by
 * team_input_read exactly as the API checks it, and one transaction for
 * the whole file. Also the signature check of clear-signed files, which
 * needs the team's keys.
 *
 * A record's team: the one named by the caller (--team), else the slug
 * the file gives (csv), else the one team whose short name the record
 * has, else the slug made from its short name (or English name), which
 * is created when no team has it. A checked change that would leave the
 * record exactly as it is is not applied at all, so re-importing an
 * export touches nothing. (Not a savepoint per team rolled back: FTS5
 * flushes its pending index at every savepoint, which made a file of
 * thousands of teams crawl.) */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <h2o.h>
#include "directory/import_int.h"
#include "directory/pgpkey.h"
#include "directory/securitytxt.h"
#include "directory/team.h"
#include "directory/team_input.h"
#include "directory/team_store.h"

struct checked {
	struct import_record *r;
	char slug[TEAM_SLUG_MAX + 1];
	int64_t id;                  /* 0: to be created */
	json_t *before;              /* the team's record before (DIR_ALL), NULL when new */
	struct team_change ch;
};

/* --- signatures --- */

int import_team_keys(struct db *db, const char *slug, char ***keys, size_t *nkeys)
{
	static const char sql[] =
		"SELECT k.armored FROM team_keys k JOIN teams t ON t.id = k.team_id WHERE t.slug = ? ORDER BY k.id LIMIT 64";
	*keys = NULL;
	*nkeys = 0;
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, slug ? slug : "", -1, SQLITE_STATIC);
	char **k = calloc(64, sizeof(*k));
	int rc = k ? SQLITE_ROW : SQLITE_NOMEM;
	while (k && *nkeys < 64 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((k[*nkeys] = strdup(db_col_text(st, 0))))
			(*nkeys)++;
	sqlite3_reset(st);
	*keys = k;
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

void import_keys_free(char **keys, size_t nkeys)
{
	for (size_t i = 0; keys && i < nkeys; i++)
		free(keys[i]);
	free(keys);
}

int import_verify_signature(struct import_doc *d, const char *const keys[], size_t nkeys)
{
	if (d->sig != IMPORT_SIG_UNCHECKED)
		return 0;
	char fpr[65], err[256];
	switch (pgpkey_verify_clearsigned(d->signed_text, d->signed_len, keys, nkeys, fpr, err, sizeof(err))) {
	case PGPKEY_SIG_GOOD:
		d->sig = IMPORT_SIG_GOOD;
		snprintf(d->sig_fpr, sizeof(d->sig_fpr), "%s", fpr);
		return 0;
	case PGPKEY_SIG_BAD:
		d->sig = IMPORT_SIG_BAD;
		return import_issue_add(d, false, d->sig_line, 0, "", 0, "", "import.sig_bad", NULL, NULL, NULL, NULL);
	case PGPKEY_SIG_UNKNOWN_KEY:
		d->sig = IMPORT_SIG_UNKNOWN_KEY;
		return import_issue_add(d, false, d->sig_line, 0, "", 0, "", nkeys ? "import.sig_unknown_key" : "import.sig_no_keys",
		                        NULL, NULL, NULL, NULL);
	default:
		return import_issue_add(d, false, d->sig_line, 0, err, strlen(err), "", "import.sig_unchecked", NULL, NULL,
		                        NULL, NULL);
	}
}

/* --- which team --- */

/* A slug from a name: lowercase letters and digits, anything else one
 * hyphen ("JPCERT/CC" is "jpcert-cc"). False when too little is left. */
static bool derive_slug(const char *name, char out[TEAM_SLUG_MAX + 1])
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)name; *p && o < TEAM_SLUG_MAX; p++) {
		if (isalnum(*p) && *p < 0x80)
			out[o++] = (char)tolower(*p);
		else if (o && out[o - 1] != '-')
			out[o++] = '-';
	}
	while (o && out[o - 1] == '-')
		o--;
	out[o] = '\0';
	return team_slug_valid(out);
}

static const char *change_str(json_t *change, const char *field, const char *lang)
{
	json_t *v = json_object_get(change, field);
	if (lang)
		v = json_object_get(v, lang);
	return json_string_value(v);
}

/* Every team's short name, lowercased (as COLLATE NOCASE compares), to
 * its slug; null where two teams share it. One query for a whole file
 * rather than a scan of the teams per record. NULL on error. */
static json_t *short_names(struct db *db)
{
	static const char sql[] = "SELECT slug, short_name FROM teams WHERE short_name != ''";
	sqlite3_stmt *st = db_stmt(db, sql);
	json_t *map = json_object();
	int rc = st && map ? SQLITE_ROW : SQLITE_ERROR;
	while (rc == SQLITE_ROW && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		char key[TEAM_TEXT_MAX * 4 + 1];
		snprintf(key, sizeof(key), "%s", db_col_text(st, 1));
		for (char *k = key; *k; k++)
			*k = (char)tolower((unsigned char)*k);
		json_object_set_new(map, key, json_object_get(map, key) ? json_null() : json_string(db_col_text(st, 0)));
	}
	if (st)
		sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(map);
		return NULL;
	}
	return map;
}

static const char *where_line(struct import_record *r, const char *path, size_t *line)
{
	json_t *at = json_object_get(r->where, path);
	*line = at ? (size_t)json_integer_value(json_array_get(at, 0)) : r->line;
	return at ? json_string_value(json_array_get(at, 1)) : "";
}

static int reject(struct import_doc *d, struct import_record *r, const char *path, const char *key, const char *name)
{
	size_t line;
	const char *src = where_line(r, path, &line);
	return import_issue_add(d, true, line, r->number, src, strlen(src), path, key, "name", name, NULL, NULL);
}

/* Decide the slug of R's team into SLUG (SHORT: short_names()). 1
 * found, 0 not (an issue added when D is not NULL). */
static int find_slug(json_t *shorts, struct import_doc *d, struct import_record *r, const char *team,
                     char slug[TEAM_SLUG_MAX + 1])
{
	if (team) {
		snprintf(slug, TEAM_SLUG_MAX + 1, "%s", team);
		return 1;
	}
	if (r->slug) {
		if (strlen(r->slug) > TEAM_SLUG_MAX || !team_slug_valid(r->slug))
			return d && reject(d, r, "slug", "dir.bad_slug", r->slug) < 0 ? -1 : 0;
		if (team_slug_reserved(r->slug))
			return d && reject(d, r, "slug", "dir.slug_reserved", r->slug) < 0 ? -1 : 0;
		snprintf(slug, TEAM_SLUG_MAX + 1, "%s", r->slug);
		return 1;
	}
	const char *short_name = change_str(r->change, "short_name", NULL);
	const char *name_en = change_str(r->change, "name", "en");
	if (short_name) {
		char key[TEAM_TEXT_MAX * 4 + 1];
		snprintf(key, sizeof(key), "%s", short_name);
		for (char *k = key; *k; k++)
			*k = (char)tolower((unsigned char)*k);
		const char *known = json_string_value(json_object_get(shorts, key));
		if (known) {
			snprintf(slug, TEAM_SLUG_MAX + 1, "%s", known);
			return 1;
		}
	}
	if ((short_name && derive_slug(short_name, slug)) || (name_en && derive_slug(name_en, slug))) {
		if (!team_slug_reserved(slug))
			return 1;
		return d && reject(d, r, short_name ? "short_name" : "name.en", "dir.slug_reserved", slug) < 0 ? -1 : 0;
	}
	if (!d)
		return 0;
	if (d->format == IMPORT_SECURITYTXT)
		return import_issue_add(d, true, 0, r->number, "", 0, "", "import.team_needed", NULL, NULL, NULL, NULL) < 0 ? -1 : 0;
	return reject(d, r, short_name ? "short_name" : "name.en", "import.no_slug", short_name ? short_name : "") < 0 ? -1 : 0;
}

int import_signer_slug(struct db *db, struct import_doc *d, const char *team, char slug[TEAM_SLUG_MAX + 1])
{
	slug[0] = '\0';
	if (d->nrecords != 1)
		return 0;
	json_t *shorts = short_names(db);
	int rc = shorts ? find_slug(shorts, NULL, &d->records[0], team, slug) : -1;
	json_decref(shorts);
	return rc;
}

/* The team's record as team_write_json gives it to the secretariat. */
static json_t *record_json(struct db *db, int64_t id)
{
	struct team t;
	struct buf b;
	struct jw w;
	json_t *v = NULL;
	if (team_load(db, NULL, id, &t) != 1)
		return NULL;
	buf_init(&b, (size_t)64 << 20);
	jw_init(&w, &b);
	if (team_write_json(db, &t, DIR_ALL, false, &w) == 0)
		v = json_loadb(b.data, b.len, 0, NULL);
	buf_release(&b);
	return v;
}

/* --- merging with what the team has --- */

static json_t *copy_keys(json_t *from, const char *const keys[])
{
	json_t *o = json_object();
	for (size_t i = 0; o && keys[i]; i++) {
		json_t *v = json_object_get(from, keys[i]);
		if (v)
			json_object_set(o, keys[i], v);
	}
	return o;
}

/* The existing entry of LIST that IMPORTED stands for: same kind and
 * value (contacts, rules) or same name (people). */
static json_t *same_entry(json_t *list, json_t *imported, bool people)
{
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		if (people ? json_equal(json_object_get(e, "name"), json_object_get(imported, "name"))
		           : json_equal(json_object_get(e, "kind"), json_object_get(imported, "kind")) &&
		                 json_equal(json_object_get(e, "value"), json_object_get(imported, "value")))
			return e;
	}
	return NULL;
}

/* Whether the file's LIST gives entries of ENTRY's kind (people: any). */
static bool covered(json_t *imported, json_t *entry, bool people)
{
	size_t k;
	json_t *x;
	if (people)
		return json_array_size(imported) > 0;
	json_array_foreach(imported, k, x)
		if (json_equal(json_object_get(x, "kind"), json_object_get(entry, "kind")))
			return true;
	return false;
}

/* Append the file's entries of the kind of ENTRY (all of them for
 * people) to MERGED, each keeping what the file does not say of an
 * existing entry it matches (its visibility, a note, hours), and note
 * where each went in AT. */
static void put_imported(json_t *merged, json_t *imported, json_t *existing, json_t *entry, const char *const keys[],
                         bool people, size_t *at)
{
	size_t i;
	json_t *e;
	json_array_foreach(imported, i, e) {
		if (!people && entry && !json_equal(json_object_get(e, "kind"), json_object_get(entry, "kind")))
			continue;
		json_t *old = same_entry(existing, e, people);
		for (size_t k = 0; old && keys[k]; k++)
			if (!json_object_get(e, keys[k]) && json_object_get(old, keys[k]))
				json_object_set(e, keys[k], json_object_get(old, keys[k]));
		at[i] = json_array_size(merged);
		json_array_append(merged, e);
	}
}

/* LIST of R's change becomes the team's list with the entries of the
 * kinds the file gives replaced by the file's, where the first of that
 * kind stood (kinds the team had none of go last), so that an unchanged
 * file leaves the order as it was. The "where" paths move along. */
static int merge_list(struct import_record *r, json_t *before, const char *list, const char *const keys[], bool people)
{
	json_t *imported = json_object_get(r->change, list);
	if (!json_is_array(imported))
		return 0;
	json_t *existing = json_object_get(before, list), *merged = json_array(), *done = json_object();
	size_t n = json_array_size(imported), *at = calloc(n ? n : 1, sizeof(*at));
	if (!merged || !done || !at) {
		json_decref(merged);
		json_decref(done);
		free(at);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		at[i] = (size_t)-1;
	size_t i;
	json_t *e;
	json_array_foreach(existing, i, e) {
		if (!covered(imported, e, people)) {
			json_array_append_new(merged, copy_keys(e, keys));
			continue;
		}
		const char *kind = people ? "" : json_string_value(json_object_get(e, "kind"));
		if (kind && !json_object_get(done, kind)) {
			json_object_set_new(done, kind, json_true());
			put_imported(merged, imported, existing, e, keys, people, at);
		}
	}
	json_array_foreach(imported, i, e)
		if (at[i] == (size_t)-1)
			put_imported(merged, imported, existing, e, keys, people, at);
	/* Renumber "list[i]" in where: collect first, then set. */
	json_t *moved = json_object();
	for (size_t k = 0; moved && k < n; k++) {
		char from[64], to[64];
		snprintf(from, sizeof(from), "%s[%zu]", list, k);
		snprintf(to, sizeof(to), "%s[%zu]", list, at[k]);
		json_t *w = json_object_get(r->where, from);
		if (w)
			json_object_set(moved, to, w);
	}
	for (size_t k = 0; moved && k < n; k++) {
		char from[64];
		snprintf(from, sizeof(from), "%s[%zu]", list, k);
		json_object_del(r->where, from);
	}
	int rc = moved && json_object_update(r->where, moved) == 0 ? 0 : -1;
	json_decref(moved);
	json_object_set_new(r->change, list, merged);
	json_decref(done);
	free(at);
	return rc;
}

/* A security.txt says mailto: and tel:, not which kind of address or
 * number it is. One the team already has (as the directory's own
 * security.txt writes it: securitytxt.c) keeps its kind and the form the
 * record writes it in, so that the team's own file changes nothing. */
static void known_contacts(struct import_record *r, json_t *before)
{
	const char *country = json_string_value(json_object_get(before, "country"));
	size_t i, k;
	json_t *c, *e;
	json_array_foreach(json_object_get(r->change, "contacts"), i, c) {
		const char *v = json_string_value(json_object_get(c, "value"));
		bool email = !strncmp(json_string_value(json_object_get(c, "kind")), "email", 5);
		char uri[512], theirs[512];
		if (!v || !(email ? securitytxt_mailto_uri(v, uri, sizeof(uri))
		                  : securitytxt_tel_uri(v, country ? country : "", uri, sizeof(uri))))
			continue;
		json_array_foreach(json_object_get(before, "contacts"), k, e) {
			const char *kind = json_string_value(json_object_get(e, "kind")), *ev = json_string_value(json_object_get(e, "value"));
			if (!kind || !ev || !strncmp(kind, "email", 5) != email)
				continue;
			bool same = email ? securitytxt_mailto_uri(ev, theirs, sizeof(theirs)) && !strcasecmp(uri, theirs)
			                  : securitytxt_tel_uri(ev, country ? country : "", theirs, sizeof(theirs)) &&
			                        !strcmp(uri, theirs);
			if (same) {
				json_object_set(c, "kind", json_object_get(e, "kind"));
				json_object_set(c, "value", json_object_get(e, "value"));
				break;
			}
		}
	}
}

static int merge(struct import_doc *d, struct import_record *r, json_t *before)
{
	if (d->format == IMPORT_SECURITYTXT)
		known_contacts(r, before);
	static const char *const contact_keys[] = {"kind", "value", "hours", "note", "visibility", NULL};
	static const char *const rule_keys[] = {"kind", "value", "visibility", NULL};
	static const char *const people_keys[] = {"name", "role", "email", "phone", "key_fingerprint", "visibility", NULL};
	if (merge_list(r, before, "contacts", contact_keys, false) < 0 ||
	    merge_list(r, before, "constituency", rule_keys, false) < 0 ||
	    merge_list(r, before, "people", people_keys, true) < 0)
		return -1;
	return 0;
}

/* --- checking --- */

struct check_ctx {
	struct import_doc *d;
	struct import_record *r;
};

/* A field error of team_input_read as a rejected issue, at the line the
 * value came from ("contacts[3].value" came with "contacts[3]"). */
static void field_error(void *arg, const char *field, const char *msg_key, const char *const vars[])
{
	struct check_ctx *cc = arg;
	char path[128];
	snprintf(path, sizeof(path), "%s", field);
	json_t *at = NULL;
	for (;;) {
		if ((at = json_object_get(cc->r->where, path)))
			break;
		char *cut = strrchr(path, '.'), *br = strrchr(path, '[');
		char *end = cut && (!br || cut > br) ? cut : br;
		if (!end)
			break;
		*end = '\0';
	}
	size_t line = at ? (size_t)json_integer_value(json_array_get(at, 0)) : cc->r->line;
	const char *src = at ? json_string_value(json_array_get(at, 1)) : "";
	const char *k[2] = {NULL, NULL}, *v[2] = {NULL, NULL};
	for (size_t i = 0; vars && vars[2 * i] && i < 2; i++) {
		k[i] = vars[2 * i];
		v[i] = vars[2 * i + 1];
	}
	import_issue_add(cc->d, true, line, cc->r->number, src, strlen(src), field, msg_key, k[0], v[0], k[1], v[1]);
}

static int check_record(struct db *db, struct import_doc *d, struct checked *x, const struct import_options *o,
                        h2o_mem_pool_t *pool, json_t *seen, json_t *shorts)
{
	int rc = find_slug(shorts, d, x->r, o->team, x->slug);
	if (rc <= 0)
		return rc;
	if (json_object_get(seen, x->slug))
		return reject(d, x->r, "slug", "import.duplicate_team", x->slug) < 0 ? -1 : 0;
	json_object_set_new(seen, x->slug, json_true());
	struct team t;
	rc = team_load(db, x->slug, 0, &t);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		x->id = t.id;
		if (!(x->before = record_json(db, t.id)) || merge(d, x->r, x->before) < 0)
			return -1;
	} else if (!change_str(x->r->change, "name", "en") && change_str(x->r->change, "short_name", NULL)) {
		/* A new team known only by its short name (and a Japanese name). */
		json_t *nm = json_object_get(x->r->change, "name");
		if (!json_is_object(nm))
			json_object_set_new(x->r->change, "name", nm = json_object());
		json_object_set(nm, "en", json_object_get(x->r->change, "short_name"));
		json_object_set(x->r->where, "name.en", json_object_get(x->r->where, "short_name"));
	} else if (!change_str(x->r->change, "name", "en")) {
		if (d->format == IMPORT_SECURITYTXT)
			return import_issue_add(d, true, 0, x->r->number, "", 0, "", "import.team_needed", NULL, NULL, NULL, NULL) < 0
			               ? -1 : 0;
		return reject(d, x->r, "name.en", "import.name_needed", x->slug) < 0 ? -1 : 0;
	}
	struct check_ctx cc = {d, x->r};
	struct team_input in = {pool, field_error, &cc, 0};
	team_input_read(&in, x->r->change, &x->ch);
	return 1;
}

/* --- writing --- */

static bool same_str(json_t *v, const char *s)
{
	return json_is_string(v) && !strcmp(json_string_value(v), s ? s : "");
}

/* Whether the row ROW (contact, person, rule as team_write_json writes
 * them) has these values under these KEYS. */
static bool row_is(json_t *row, const char *const keys[], const char *const values[])
{
	for (size_t k = 0; keys[k]; k++)
		if (!same_str(json_object_get(row, keys[k]), values[k]))
			return false;
	return true;
}

/* Whether applying CH would leave the record BEFORE (DIR_ALL) exactly as
 * it is: then the team is not touched at all. CH holds canonical values,
 * as stored. */
static bool change_is_noop(const struct team_change *ch, json_t *before)
{
	for (size_t i = 0; i < team_nfields; i++) {
		const struct team_field *f = &team_fields[i];
		int col = team_field_col(i);
		json_t *v = json_object_get(before, f->name);
		for (int k = 0; k < (f->col_ja ? 2 : 1); k++) {
			json_t *cur = f->col_ja ? json_object_get(v, k ? "ja" : "en") : v;
			if (!ch->set[col + k])
				continue;
			if (f->integer && (ch->is_null[col + k] ? !json_is_null(cur)
			                   : !json_is_integer(cur) || json_integer_value(cur) != ch->num[col + k]))
				return false;
			if (!f->integer && !same_str(cur, ch->text[col + k]))
				return false;
		}
	}
	for (size_t i = 0; i < ch->nvis; i++)
		if (!same_str(json_object_get(json_object_get(before, "visibility"), ch->vis[i].field),
		              visibility_name(ch->vis[i].vis)))
			return false;
	json_t *contacts = json_object_get(before, "contacts"), *people = json_object_get(before, "people");
	if (ch->contacts_set && json_array_size(contacts) != ch->ncontacts)
		return false;
	for (size_t i = 0; ch->contacts_set && i < ch->ncontacts; i++) {
		static const char *const keys[] = {"kind", "value", "hours", "note", "visibility", NULL};
		const struct team_contact *c = &ch->contacts[i];
		const char *values[] = {c->kind, c->value, c->hours, c->note, visibility_name(c->vis)};
		if (!row_is(json_array_get(contacts, i), keys, values))
			return false;
	}
	if (ch->people_set && json_array_size(people) != ch->npeople)
		return false;
	for (size_t i = 0; ch->people_set && i < ch->npeople; i++) {
		static const char *const keys[] = {"name", "role", "email", "phone", "key_fingerprint", "visibility", NULL};
		const struct team_person *p = &ch->people[i];
		const char *values[] = {p->name, p->role, p->email, p->phone, p->key_fpr, visibility_name(p->vis)};
		if (!row_is(json_array_get(people, i), keys, values))
			return false;
	}
	/* Rules are a set (the record lists them by kind and value). */
	json_t *rules = json_object_get(before, "constituency");
	if (ch->rules_set && json_array_size(rules) != ch->nrules)
		return false;
	for (size_t i = 0; ch->rules_set && i < ch->nrules; i++) {
		static const char *const keys[] = {"kind", "value", "visibility", NULL};
		const char *values[] = {ch->rules[i].kind, ch->rules[i].value, visibility_name(ch->rules[i].vis)};
		bool found = false;
		size_t k;
		json_t *row;
		json_array_foreach(rules, k, row)
			found |= row_is(row, keys, values);
		if (!found)
			return false;
	}
	for (size_t i = 0; i < ch->ntexts; i++) {
		json_t *cur = json_object_get(json_object_get(json_object_get(before, "texts"), ch->texts[i].section),
		                              ch->texts[i].lang);
		if (*ch->texts[i].body ? !same_str(cur, ch->texts[i].body) : cur != NULL)
			return false;
	}
	return true;
}

static int write_one(struct db *db, struct checked *x, const struct import_options *o, struct import_team *out,
                     bool *rules)
{
	snprintf(out->slug, sizeof(out->slug), "%s", x->slug);
	out->id = x->id;
	out->outcome = x->id ? IMPORT_UPDATED : IMPORT_CREATED;
	if (x->id && change_is_noop(&x->ch, x->before)) {
		out->outcome = IMPORT_UNCHANGED;
		return 0;
	}
	int rc = 0;
	if (!x->id)
		rc = team_create(db, 0, x->slug, change_str(x->r->change, "name", "en"), o->now, &out->id) == 1 ? 0 : -1;
	if (rc == 0)
		rc = team_apply(db, out->id, &x->ch, o->now);
	if (rc == 0 && o->audit)
		rc = o->audit(o->audit_arg, out->id, out->slug, out->outcome);
	*rules |= x->ch.rules_set;
	if (o->dry_run && out->outcome == IMPORT_CREATED)
		out->id = 0;
	return rc;
}

int import_apply(struct db *db, struct import_doc *d, const struct import_options *o, struct import_result *r)
{
	memset(r, 0, sizeof(*r));
	size_t n = d->nrecords;
	json_t *seen = json_object(), *shorts = NULL;
	r->teams = calloc(n ? n : 1, sizeof(*r->teams));
	/* One transaction for the whole file. Each record is checked and, as
	 * long as nothing was refused, written at once, so that memory does
	 * not grow with the file; a refusal anywhere rolls it all back. */
	bool began = seen && r->teams && db_begin(db) == 0;
	int rc = began && (shorts = short_names(db)) ? 0 : -1;
	bool team_refused = false;
	if (rc == 0 && o->team && (strlen(o->team) > TEAM_SLUG_MAX || !team_slug_valid(o->team) ||
	                           team_slug_reserved(o->team))) {
		rc = import_issue_add(d, true, 0, 0, "", 0, "slug", team_slug_valid(o->team) ? "dir.slug_reserved" : "dir.bad_slug",
		                      NULL, NULL, NULL, NULL);
		team_refused = true;
	} else if (rc == 0 && o->team && n > 1) {
		rc = import_issue_add(d, true, 0, 0, "", 0, "slug", "import.team_one_record", NULL, NULL, NULL, NULL);
		team_refused = true;
	}
	if (rc == 0 && n == 0 && d->nrejected == 0)
		rc = import_issue_add(d, true, 0, 0, "", 0, "", "import.no_teams", NULL, NULL, NULL, NULL);
	/* Check every record, even after a refusal, to list every problem. */
	for (size_t i = 0; rc == 0 && !team_refused && i < n; i++) {
		struct checked x = {.r = &d->records[i]};
		h2o_mem_pool_t pool;
		h2o_mem_init_pool(&pool);
		int c = check_record(db, d, &x, o, &pool, seen, shorts);
		if (c < 0)
			rc = -1;
		else if (c > 0 && d->nrejected == 0)
			rc = write_one(db, &x, o, &r->teams[r->nteams++], &r->rules_changed);
		json_decref(x.before);
		h2o_mem_clear_pool(&pool);
		if (o->progress)
			o->progress(o->progress_arg, i + 1, n);
	}
	bool commit = rc == 0 && d->nrejected == 0 && !o->dry_run;
	if (commit)
		rc = db_commit(db);
	else if (began)
		db_rollback(db);
	if (rc < 0 || d->nrejected)
		r->nteams = 0;   /* nothing of it stands */
	r->written = commit && rc == 0;
	for (size_t i = 0; i < r->nteams; i++) {
		r->created += r->teams[i].outcome == IMPORT_CREATED;
		r->updated += r->teams[i].outcome == IMPORT_UPDATED;
		r->unchanged += r->teams[i].outcome == IMPORT_UNCHANGED;
	}
	json_decref(seen);
	json_decref(shorts);
	return rc;
}

void import_result_release(struct import_result *r)
{
	free(r->teams);
	memset(r, 0, sizeof(*r));
}
