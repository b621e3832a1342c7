/* Team records and what each reader may see of them; see team.h. */
#include <stdio.h>
#include <string.h>
#include "core/buf.h"
#include "core/clock.h"
#include "directory/bounce.h"
#include "directory/constituency_type.h"
#include "directory/search_service.h"
#include "directory/team.h"

/* The scalar fields, in the order of their columns in TEAM_SELECT after
 * the four fixed ones (id, org_id, slug, state). */
const struct team_field team_fields[] = {
	{"name", "name_en", "name_ja", false, VIS_PUBLIC, true},
	{"short_name", "short_name", NULL, false, VIS_PUBLIC, true},
	{"registered_name", "registered_name", NULL, false, VIS_PUBLIC, false},
	{"host_org", "host_org_en", "host_org_ja", false, VIS_PUBLIC, false},
	{"country", "country", NULL, false, VIS_PUBLIC, false},
	{"region", "region", NULL, false, VIS_PUBLIC, false},
	{"sector", "sector", NULL, false, VIS_PUBLIC, false},
	{"csirt_type", "csirt_type", NULL, false, VIS_PUBLIC, false},
	{"established", "established", NULL, false, VIS_PUBLIC, false},
	{"joined", "joined", NULL, false, VIS_PUBLIC, false},
	{"address", "address_en", "address_ja", false, VIS_MEMBERS, false},
	{"tz", "tz", NULL, false, VIS_PUBLIC, false},
	{"business_hours", "business_hours_en", "business_hours_ja", false, VIS_PUBLIC, false},
	{"website", "website", NULL, false, VIS_PUBLIC, false},
	{"org_department", "org_department", NULL, false, VIS_MEMBERS, false},
	{"staff_at_founding", "staff_at_founding", NULL, true, VIS_MEMBERS, false},
	{"staff_now", "staff_now", NULL, true, VIS_MEMBERS, false},
	{"structure_spread", "structure_spread", NULL, false, VIS_MEMBERS, false},
	{"structure_staffing", "structure_staffing", NULL, false, VIS_MEMBERS, false},
	{"last_verified", "last_verified", NULL, true, VIS_PUBLIC, true},
};
const size_t team_nfields = sizeof(team_fields) / sizeof(team_fields[0]);

#define TEAM_SELECT \
	"SELECT id, org_id, slug, state, name_en, name_ja, short_name, registered_name, host_org_en," \
	" host_org_ja, country, region, sector, csirt_type, established, joined, address_en, address_ja, tz," \
	" business_hours_en, business_hours_ja, website, org_department, staff_at_founding, staff_now," \
	" structure_spread, structure_staffing, last_verified FROM teams"
#define FIRST_FIELD_COL 4

static const char *const vis_names[] = {"public", "members", "secretariat"};
static int confirm_months = 4;

void team_set_confirm_months(int months)
{
	if (months > 0)
		confirm_months = months;
}

bool team_overdue(int64_t last_verified, int64_t now)
{
	return last_verified <= 0 || now - last_verified > (int64_t)confirm_months * TEAM_MONTH_S;
}

int team_confirm(struct db *db, int64_t team_id, int64_t now)
{
	static const char sql[] = "UPDATE teams SET last_verified = ?, updated_at = ? WHERE id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, team_id);
	/* The team vouches for its addresses again: their bounces are forgotten. */
	return db_run(db, st) < 0 ? -1 : bounce_clear_team(db, team_id);
}

const char *visibility_name(enum visibility v)
{
	return (unsigned)v <= VIS_SECRETARIAT ? vis_names[v] : "secretariat";
}

int visibility_parse(const char *s, enum visibility *out)
{
	for (int i = 0; i <= VIS_SECRETARIAT; i++) {
		if (s && !strcmp(s, vis_names[i])) {
			*out = (enum visibility)i;
			return 0;
		}
	}
	return -1;
}

enum dir_level team_level_for(const struct actor *a, int64_t team_org_id)
{
	if (a->role == ROLE_SECRETARIAT || (a->user_id && team_org_id && a->org_id == team_org_id))
		return DIR_ALL;
	if (a->role == ROLE_MEMBER || a->role == ROLE_TEAM_ADMIN)
		return DIR_MEMBERS;
	return DIR_PUBLIC;
}

bool team_visible(enum visibility v, enum dir_level level)
{
	return (int)v <= (int)level;
}

static int field_index(const char *name)
{
	for (size_t i = 0; i < team_nfields; i++)
		if (!strcmp(team_fields[i].name, name))
			return (int)i;
	return -1;
}

/* Effective visibility: the default, or the team's own choice. */
static int load_visibility(struct db *db, struct team *t)
{
	static const char sql[] = "SELECT field, visibility FROM team_visibility WHERE team_id = ?";
	for (size_t i = 0; i < team_nfields; i++)
		t->vis[i] = team_fields[i].dflt;
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, t->id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int i = field_index(db_col_text(st, 0));
		enum visibility v;
		if (i >= 0 && !team_fields[i].locked && visibility_parse(db_col_text(st, 1), &v) == 0)
			t->vis[i] = v;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int team_load(struct db *db, const char *slug, int64_t id, struct team *t)
{
	static const char by_slug[] = "SELECT id, org_id, slug, state FROM teams WHERE slug = ?";
	static const char by_id[] = "SELECT id, org_id, slug, state FROM teams WHERE id = ?";
	sqlite3_stmt *st = db_stmt(db, slug ? by_slug : by_id);
	if (!st)
		return -1;
	if (slug)
		sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(t, 0, sizeof(*t));
		t->id = sqlite3_column_int64(st, 0);
		t->org_id = sqlite3_column_int64(st, 1);
		snprintf(t->slug, sizeof(t->slug), "%s", db_col_text(st, 2));
		snprintf(t->state, sizeof(t->state), "%s", db_col_text(st, 3));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : -1;
	return load_visibility(db, t) < 0 ? -1 : 1;
}

static bool in_summary(const char *name)
{
	static const char *const summary[] = {"name", "short_name", "country", "region", "sector", "csirt_type",
	                                      "website", "last_verified", NULL};
	for (size_t i = 0; summary[i]; i++)
		if (!strcmp(summary[i], name))
			return true;
	return false;
}

static void write_scalars(sqlite3_stmt *st, const struct team *t, enum dir_level level, bool summary,
                          struct jw *w)
{
	int col = FIRST_FIELD_COL;
	for (size_t i = 0; i < team_nfields; i++) {
		const struct team_field *f = &team_fields[i];
		int ncols = f->col_ja ? 2 : 1;
		if (team_visible(t->vis[i], level) && (!summary || in_summary(f->name))) {
			jw_key(w, f->name);
			if (f->col_ja) {
				jw_obj_begin(w);
				jw_kstr(w, "en", db_col_text(st, col));
				jw_kstr(w, "ja", db_col_text(st, col + 1));
				jw_obj_end(w);
			} else if (!strcmp(f->name, "last_verified")) {
				char iso[32];
				int64_t when = sqlite3_column_int64(st, col);
				if (sqlite3_column_type(st, col) == SQLITE_NULL) {
					jw_null(w);
				} else {
					clock_iso_utc(when, iso, sizeof(iso));
					jw_str(w, iso);
				}
				/* Readers are told when a record may be out of date. */
				jw_kbool(w, "overdue", team_overdue(when, clock_now()));
			} else if (f->integer) {
				if (sqlite3_column_type(st, col) == SQLITE_NULL)
					jw_null(w);
				else
					jw_int(w, sqlite3_column_int64(st, col));
			} else {
				jw_str(w, db_col_text(st, col));
			}
		}
		col += ncols;
	}
}

/* Rows of a child table whose visibility (column VIS_COL) LEVEL allows. */
static int write_rows(struct db *db, const char *sql, int64_t team_id, int vis_col, enum dir_level level,
                      const char *const names[], struct jw *w)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, team_id);
	jw_arr_begin(w);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		enum visibility v;
		if (visibility_parse(db_col_text(st, vis_col), &v) < 0 || !team_visible(v, level))
			continue;
		jw_obj_begin(w);
		for (int i = 0; names[i]; i++) {
			if (i == vis_col) {
				if (level == DIR_ALL)
					jw_kstr(w, "visibility", db_col_text(st, i));
				continue;
			}
			jw_key(w, names[i]);
			if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
				jw_int(w, sqlite3_column_int64(st, i));
			else if (!strcmp(names[i], "uids"))
				jw_raw_json(w, *db_col_text(st, i) ? db_col_text(st, i) : "[]");
			else
				jw_str(w, db_col_text(st, i));
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int write_texts(struct db *db, int64_t team_id, enum dir_level level, struct jw *w)
{
	static const char sql[] =
		"SELECT x.section, x.lang, x.body, coalesce(v.visibility, 'public') FROM team_texts x"
		" LEFT JOIN team_visibility v ON v.team_id = x.team_id AND v.field = 'text.' || x.section"
		" WHERE x.team_id = ? ORDER BY x.section, x.lang";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, team_id);
	jw_obj_begin(w);
	char open_section[64] = "";
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		enum visibility v;
		if (visibility_parse(db_col_text(st, 3), &v) < 0 || !team_visible(v, level))
			continue;
		const char *section = db_col_text(st, 0);
		if (strcmp(section, open_section) != 0) {
			if (open_section[0])
				jw_obj_end(w);
			snprintf(open_section, sizeof(open_section), "%s", section);
			jw_key(w, section);
			jw_obj_begin(w);
		}
		jw_kstr(w, db_col_text(st, 1), db_col_text(st, 2));
	}
	if (open_section[0])
		jw_obj_end(w);
	jw_obj_end(w);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int team_text_visibility(struct db *db, int64_t team_id, const char *section, enum visibility *out)
{
	static const char sql[] = "SELECT visibility FROM team_visibility WHERE team_id = ? AND field = 'text.' || ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, team_id);
	sqlite3_bind_text(st, 2, section, -1, SQLITE_STATIC);
	*out = VIS_PUBLIC;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		visibility_parse(db_col_text(st, 0), out);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

bool team_listed(const struct team *t, enum dir_level level)
{
	return level == DIR_ALL || !strcmp(t->state, "active");
}

int team_list(struct db *db, enum dir_level level, int64_t after, int limit,
              int (*each)(struct db *db, const struct team *t, void *arg), void *arg)
{
	static const char sql[] = "SELECT id FROM teams WHERE id > ? AND (? OR state = 'active') ORDER BY id LIMIT ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, level == DIR_ALL);
	sqlite3_bind_int(st, 3, limit);
	int64_t ids[200];
	int n = 0;
	while (n < limit && n < 200 && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	/* Load after the scan: each team's own statements reuse the cache. */
	for (int i = 0; i < n; i++) {
		struct team t;
		if (team_load(db, NULL, ids[i], &t) != 1 || each(db, &t, arg) < 0)
			return -1;
	}
	return n;
}

int team_write_json(struct db *db, const struct team *t, enum dir_level level, bool summary, struct jw *w)
{
	static const char scalars[] = TEAM_SELECT " WHERE id = ?";
	static const char contacts[] =
		"SELECT kind, value, hours, note, visibility FROM team_contacts WHERE team_id = ? ORDER BY position, id";
	static const char *const contact_names[] = {"kind", "value", "hours", "note", "visibility", NULL};
	static const char people[] =
		"SELECT name, role, email, phone, key_fpr, visibility FROM team_people WHERE team_id = ?"
		" ORDER BY position, id";
	static const char *const people_names[] = {"name", "role", "email", "phone", "key_fingerprint", "visibility",
	                                           NULL};
	static const char keys[] =
		"SELECT fingerprint, algo, created, expires, uids, visibility, armored,"
		" CASE WHEN expires = 0 THEN 'ok' WHEN expires < CAST(strftime('%s', 'now') AS INTEGER) THEN 'expired'"
		"  WHEN expires < CAST(strftime('%s', 'now') AS INTEGER) + 30 * 86400 THEN 'expiring' ELSE 'ok' END"
		" FROM team_keys WHERE team_id = ? ORDER BY id";
	static const char *const key_names[] = {"fingerprint", "algo", "created", "expires", "uids", "visibility",
	                                        "armored", "status", NULL};
	static const char constituency[] =
		"SELECT kind, value, visibility FROM team_constituency WHERE team_id = ? ORDER BY kind, value";
	static const char *const constituency_names[] = {"kind", "value", "visibility", NULL};

	sqlite3_stmt *st = db_stmt(db, scalars);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, t->id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return -1;
	}
	jw_obj_begin(w);
	jw_kstr(w, "slug", t->slug);
	jw_kstr(w, "state", t->state);
	write_scalars(st, t, level, summary, w);
	sqlite3_reset(st);
	if (summary) {
		jw_obj_end(w);
		return w->failed ? -1 : 0;
	}
	if (level == DIR_ALL) {
		jw_key(w, "visibility");
		jw_obj_begin(w);
		for (size_t i = 0; i < team_nfields; i++)
			jw_kstr(w, team_fields[i].name, visibility_name(t->vis[i]));
		jw_obj_end(w);
	}
	int rc = 0;
	jw_key(w, "contacts");
	rc |= write_rows(db, contacts, t->id, 4, level, contact_names, w);
	jw_key(w, "people");
	rc |= write_rows(db, people, t->id, 5, level, people_names, w);
	jw_key(w, "keys");
	rc |= write_rows(db, keys, t->id, 5, level, key_names, w);
	jw_key(w, "constituency");
	rc |= write_rows(db, constituency, t->id, 2, level, constituency_names, w);
	jw_key(w, "texts");
	rc |= write_texts(db, t->id, level, w);
	jw_obj_end(w);
	return rc || w->failed ? -1 : 0;
}

/* The visibility rank of a team's field F, for filters and facets. */
#define VIS(f) "(CASE coalesce((SELECT visibility FROM team_visibility v WHERE v.team_id = t.id" \
	" AND v.field = '" f "'), 'public') WHEN 'public' THEN 0 WHEN 'members' THEN 1 ELSE 2 END)"

/* A constituency type row of team t, of visibility at most ?2 (the rows
 * the reader may see). */
#define TYPE_ROW \
	" c.team_id = t.id AND c.kind = 'type' AND " CONSTITUENCY_TYPE_VIS_SQL("c.visibility") " <= ?2"
/* ?1 text (FTS phrase, or LIKE pattern), ?2 level, ?3..?6 filters, ?11 the
 * constituency type filter's key. */
#define FILTERS \
	" AND (?2 = 2 OR t.state = 'active')" \
	" AND (?3 = '' OR (t.sector = ?3 AND " VIS("sector") " <= ?2))" \
	" AND (?4 = '' OR (t.region = ?4 AND " VIS("region") " <= ?2))" \
	" AND (?5 = '' OR (t.csirt_type = ?5 AND " VIS("csirt_type") " <= ?2))" \
	" AND (?6 = '' OR (t.country = ?6 AND " VIS("country") " <= ?2))" \
	" AND (?11 = '' OR EXISTS (SELECT 1 FROM team_constituency c WHERE" TYPE_ROW \
	"   AND " CONSTITUENCY_TYPE_KEY_SQL("c.value") " = ?11))"
/* A row's rowid is team_id * 4 + level (team_store.c): no content read. */
#define BY_TEXT " t.id IN (SELECT rowid >> 2 FROM team_search WHERE team_search MATCH ?1 AND (rowid & 3) = ?2)"
#define BY_NAME " (?1 = '%%' OR t.name_en LIKE ?1 ESCAPE '\\' OR t.name_ja LIKE ?1 ESCAPE '\\'" \
	" OR t.short_name LIKE ?1 ESCAPE '\\')"
#define FACETS(where) \
	"WITH hits AS (SELECT t.id, t.sector, t.region, t.csirt_type, t.country, " VIS("sector") " AS vs, " \
	VIS("region") " AS vr, " VIS("csirt_type") " AS vt, " VIS("country") " AS vc FROM teams t WHERE" \
	where FILTERS "), " CONSTITUENCY_TYPE_LABELS_CTE \
	" SELECT 'total', '', count(*) FROM hits" \
	" UNION ALL SELECT 'sector', sector, count(*) FROM hits WHERE sector != '' AND vs <= ?2 GROUP BY sector" \
	" UNION ALL SELECT 'region', region, count(*) FROM hits WHERE region != '' AND vr <= ?2 GROUP BY region" \
	" UNION ALL SELECT 'csirt_type', csirt_type, count(*) FROM hits WHERE csirt_type != '' AND vt <= ?2" \
	"   GROUP BY csirt_type" \
	" UNION ALL SELECT 'country', country, count(*) FROM hits WHERE country != '' AND vc <= ?2 GROUP BY country" \
	" UNION ALL SELECT 'constituency_type', l.s, count(DISTINCT t.id) FROM hits t JOIN team_constituency c ON" \
	TYPE_ROW " JOIN type_labels l ON l.k = " CONSTITUENCY_TYPE_KEY_SQL("c.value") " GROUP BY l.k"

static void bind_query(sqlite3_stmt *st, const char *text, enum dir_level level, const struct team_query *q,
                       const char *type_key)
{
	sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, (int)level);
	sqlite3_bind_text(st, 3, q->sector ? q->sector : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, q->region ? q->region : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, q->csirt_type ? q->csirt_type : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, q->country ? q->country : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, type_key, -1, SQLITE_STATIC);
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* EACH for each of the N teams IDS; N, or -1. */
static int load_each(struct db *db, const int64_t *ids, int n, int (*each)(struct db *db, const struct team *t, void *arg),
                     void *arg)
{
	for (int i = 0; i < n; i++) {
		struct team t;
		if (team_load(db, NULL, ids[i], &t) != 1 || each(db, &t, arg) < 0)
			return -1;
	}
	return n;
}

static int search(struct db *db, const struct team_query *q, enum dir_level level,
                  int (*each)(struct db *db, const struct team *t, void *arg),
                  void (*facet)(const struct team_facet *f, void *arg), void *arg, int64_t *total)
{
	/* Relevance: matches in the names first, then the others, each by
	 * name (search_index.c orders the same way). */
	static const char text_rank[] =
		"SELECT t.id FROM teams t WHERE" BY_TEXT FILTERS
		" ORDER BY CASE WHEN ?9 OR (t.name_en || ' ' || t.name_ja || ' ' || t.short_name) LIKE ?10 ESCAPE '\\'"
		"  THEN 0 ELSE 1 END, t.name_en, t.id LIMIT ?7 OFFSET ?8";
	static const char name_order[] =
		"SELECT t.id FROM teams t WHERE" BY_NAME FILTERS " ORDER BY t.name_en, t.id LIMIT ?7 OFFSET ?8";
	static const char text_facets[] = FACETS(BY_TEXT);
	static const char name_facets[] = FACETS(BY_NAME);

	int64_t ids[200];
	int n = -1;
	/* The index in memory when it is up to date; SQL otherwise. */
	struct search_index *ix = search_service_acquire(db);
	if (ix) {
		n = search_index_query(ix, q, level, ids, 200, facet, arg, total);
		search_service_release(ix);
		if (n >= 0)
			return load_each(db, ids, n, each, arg);
	}

	/* Three characters or more: the trigram index, the text as one quoted
	 * phrase (no query syntax from the user). Fewer: names by LIKE. */
	const char *qs = q->q ? q->q : "";
	bool fts = utf8_chars(qs) >= 3;
	struct buf text, like, type_key;
	buf_init(&text, 4096);
	buf_init(&like, 4096);
	buf_init(&type_key, 4096);
	if (fts) {
		buf_addc(&text, '"');
		for (const char *p = qs; *p; p++) {
			if (*p == '"')
				buf_addc(&text, '"');
			buf_addc(&text, *p);
		}
		buf_addc(&text, '"');
	}
	buf_addc(&like, '%');
	for (const char *p = qs; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_addc(&like, '\\');
		buf_addc(&like, *p);
	}
	buf_addc(&like, '%');
	*total = 0;
	const char *match = fts ? text.data : like.data;
	sqlite3_stmt *st = db_stmt(db, fts ? text_facets : name_facets);
	if (!st || !match || constituency_type_key(q->constituency_type ? q->constituency_type : "", &type_key) < 0)
		goto out;
	bind_query(st, match, level, q, type_key.data);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct team_facet f = {db_col_text(st, 0), db_col_text(st, 1), sqlite3_column_int64(st, 2)};
		if (!strcmp(f.facet, "total"))
			*total = f.count;
		else if (facet)
			facet(&f, arg);
	}
	sqlite3_reset(st);

	st = db_stmt(db, fts ? text_rank : name_order);
	if (!st)
		goto out;
	bind_query(st, match, level, q, type_key.data);
	sqlite3_bind_int(st, 7, q->limit);
	sqlite3_bind_int(st, 8, q->offset);
	if (fts) {
		sqlite3_bind_int(st, 9, q->by_name);
		sqlite3_bind_text(st, 10, like.data, -1, SQLITE_STATIC);
	}
	n = 0;
	while (n < q->limit && n < 200 && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	n = load_each(db, ids, n, each, arg);
out:
	buf_release(&text);
	buf_release(&like);
	buf_release(&type_key);
	return n;
}

int team_search(struct db *db, const struct team_query *q, enum dir_level level,
                int (*each)(struct db *db, const struct team *t, void *arg),
                void (*facet)(const struct team_facet *f, void *arg), void *arg, int64_t *total)
{
	/* One read transaction for the search and the page's records. */
	bool begun = db_read_begin(db);
	int n = search(db, q, level, each, facet, arg, total);
	db_read_end(db, begun);
	return n;
}
