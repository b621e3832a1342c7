/* Writing team records; see team_store.h. One UPDATE sets any subset of
 * the scalar columns (a flag and a value per column), and each list is
 * replaced whole, so a change is one transaction of a few statements. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "directory/bounce.h"
#include "directory/team_store.h"

int team_field_col(size_t i)
{
	int col = 0;
	for (size_t k = 0; k < i && k < team_nfields; k++)
		col += team_fields[k].col_ja ? 2 : 1;
	return col;
}

bool team_slug_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > TEAM_SLUG_MAX || s[0] == '-' || s[n - 1] == '-')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

bool team_slug_reserved(const char *s)
{
	/* /api/v1/teams/export is the directory's export, /directory/new the
	 * page that creates records: neither may be a team's address. */
	return !strcmp(s, "export") || !strcmp(s, "new");
}

/* The teams row alone, without its search rows. */
static int insert_team(struct db *db, int64_t org_id, const char *slug, const char *name_en, int64_t now, int64_t *id)
{
	/* A team created for a suspended or withdrawn organisation starts as
	 * hidden as the rest of it (docs/membership.md). */
	static const char sql[] =
		"INSERT INTO teams (org_id, slug, name_en, state, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, coalesce((SELECT status FROM orgs WHERE id = ?1), 'active'), ?4, ?5)";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	if (org_id)
		sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_text(st, 2, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name_en, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return 0;
	if (rc != SQLITE_DONE)
		return -1;
	*id = sqlite3_last_insert_rowid(db->h);
	return 1;
}

int team_create(struct db *db, int64_t org_id, const char *slug, const char *name_en, int64_t now, int64_t *id)
{
	int rc = insert_team(db, org_id, slug, name_en, now, id);
	return rc == 1 && team_search_refresh(db, *id) < 0 ? -1 : rc;
}

int team_create_with(struct db *db, int64_t org_id, const char *slug, const struct team_change *ch, int64_t now,
                     int64_t *id)
{
	/* The search rows are written once, by team_apply: replacing them
	 * costs as much again as writing them. */
	const char *name_en = ch->set[0] && ch->text[0] ? ch->text[0] : "";
	int rc = insert_team(db, org_id, slug, name_en, now, id);
	return rc == 1 && team_apply(db, *id, ch, now) < 0 ? -1 : rc;
}

static int update_scalars(struct db *db, int64_t team_id, const struct team_change *ch, int64_t now)
{
	static const char sql[] =
		"UPDATE teams SET "
		"name_en = CASE WHEN ?1 THEN ?2 ELSE name_en END,"
		"name_ja = CASE WHEN ?3 THEN ?4 ELSE name_ja END,"
		"short_name = CASE WHEN ?5 THEN ?6 ELSE short_name END,"
		"registered_name = CASE WHEN ?7 THEN ?8 ELSE registered_name END,"
		"host_org_en = CASE WHEN ?9 THEN ?10 ELSE host_org_en END,"
		"host_org_ja = CASE WHEN ?11 THEN ?12 ELSE host_org_ja END,"
		"country = CASE WHEN ?13 THEN ?14 ELSE country END,"
		"region = CASE WHEN ?15 THEN ?16 ELSE region END,"
		"sector = CASE WHEN ?17 THEN ?18 ELSE sector END,"
		"csirt_type = CASE WHEN ?19 THEN ?20 ELSE csirt_type END,"
		"established = CASE WHEN ?21 THEN ?22 ELSE established END,"
		"joined = CASE WHEN ?23 THEN ?24 ELSE joined END,"
		"address_en = CASE WHEN ?25 THEN ?26 ELSE address_en END,"
		"address_ja = CASE WHEN ?27 THEN ?28 ELSE address_ja END,"
		"tz = CASE WHEN ?29 THEN ?30 ELSE tz END,"
		"business_hours_en = CASE WHEN ?31 THEN ?32 ELSE business_hours_en END,"
		"business_hours_ja = CASE WHEN ?33 THEN ?34 ELSE business_hours_ja END,"
		"website = CASE WHEN ?35 THEN ?36 ELSE website END,"
		"org_department = CASE WHEN ?37 THEN ?38 ELSE org_department END,"
		"staff_at_founding = CASE WHEN ?39 THEN ?40 ELSE staff_at_founding END,"
		"staff_now = CASE WHEN ?41 THEN ?42 ELSE staff_now END,"
		"structure_spread = CASE WHEN ?43 THEN ?44 ELSE structure_spread END,"
		"structure_staffing = CASE WHEN ?45 THEN ?46 ELSE structure_staffing END,"
		"last_verified = CASE WHEN ?47 THEN ?48 ELSE last_verified END,"
		"updated_at = ?49 WHERE id = ?50";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	for (size_t i = 0; i < team_nfields; i++) {
		int col = team_field_col(i);
		for (int k = 0; k < (team_fields[i].col_ja ? 2 : 1); k++, col++) {
			sqlite3_bind_int(st, 2 * col + 1, ch->set[col]);
			if (!ch->set[col])
				continue;
			if (team_fields[i].integer && !ch->is_null[col])
				sqlite3_bind_int64(st, 2 * col + 2, ch->num[col]);
			else if (!team_fields[i].integer)
				sqlite3_bind_text(st, 2 * col + 2, ch->text[col] ? ch->text[col] : "", -1, SQLITE_STATIC);
		}
	}
	sqlite3_bind_int64(st, 2 * TEAM_NCOLS + 1, now);
	sqlite3_bind_int64(st, 2 * TEAM_NCOLS + 2, team_id);
	return db_run(db, st);
}

static int clear_list(struct db *db, const char *sql, int64_t team_id)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, team_id);
	return db_run(db, st);
}

static int replace_contacts(struct db *db, int64_t team_id, const struct team_change *ch)
{
	static const char del[] = "DELETE FROM team_contacts WHERE team_id = ?";
	static const char ins[] =
		"INSERT INTO team_contacts (team_id, kind, value, hours, note, visibility, position) VALUES (?,?,?,?,?,?,?)";
	if (clear_list(db, del, team_id) < 0)
		return -1;
	for (size_t i = 0; i < ch->ncontacts; i++) {
		const struct team_contact *x = &ch->contacts[i];
		sqlite3_stmt *st = db_stmt(db, ins);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, team_id);
		sqlite3_bind_text(st, 2, x->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, x->value, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, x->hours ? x->hours : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, x->note ? x->note : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, visibility_name(x->vis), -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 7, (int64_t)i);
		if (db_run(db, st) < 0)
			return -1;
	}
	return 0;
}

static int replace_people(struct db *db, int64_t team_id, const struct team_change *ch)
{
	static const char del[] = "DELETE FROM team_people WHERE team_id = ?";
	static const char ins[] =
		"INSERT INTO team_people (team_id, name, role, email, phone, key_fpr, visibility, position)"
		" VALUES (?,?,?,?,?,?,?,?)";
	if (clear_list(db, del, team_id) < 0)
		return -1;
	for (size_t i = 0; i < ch->npeople; i++) {
		const struct team_person *x = &ch->people[i];
		sqlite3_stmt *st = db_stmt(db, ins);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, team_id);
		sqlite3_bind_text(st, 2, x->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, x->role, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, x->email ? x->email : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, x->phone ? x->phone : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, x->key_fpr ? x->key_fpr : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, visibility_name(x->vis), -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 8, (int64_t)i);
		if (db_run(db, st) < 0)
			return -1;
	}
	return 0;
}

static int replace_rules(struct db *db, int64_t team_id, const struct team_change *ch)
{
	static const char del[] = "DELETE FROM team_constituency WHERE team_id = ?";
	static const char ins[] = "INSERT INTO team_constituency (team_id, kind, value, visibility) VALUES (?,?,?,?)";
	if (clear_list(db, del, team_id) < 0)
		return -1;
	for (size_t i = 0; i < ch->nrules; i++) {
		sqlite3_stmt *st = db_stmt(db, ins);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, team_id);
		sqlite3_bind_text(st, 2, ch->rules[i].kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, ch->rules[i].value, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, visibility_name(ch->rules[i].vis), -1, SQLITE_STATIC);
		if (db_run(db, st) < 0)
			return -1;
	}
	return 0;
}

static int put_texts(struct db *db, int64_t team_id, const struct team_change *ch)
{
	static const char del[] = "DELETE FROM team_texts WHERE team_id = ? AND section = ? AND lang = ?";
	static const char put[] =
		"INSERT INTO team_texts (team_id, section, lang, body) VALUES (?,?,?,?)"
		" ON CONFLICT(team_id, section, lang) DO UPDATE SET body = excluded.body";
	for (size_t i = 0; i < ch->ntexts; i++) {
		const struct team_text *x = &ch->texts[i];
		sqlite3_stmt *st = db_stmt(db, *x->body ? put : del);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, team_id);
		sqlite3_bind_text(st, 2, x->section, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, x->lang, -1, SQLITE_STATIC);
		if (*x->body)
			sqlite3_bind_text(st, 4, x->body, -1, SQLITE_STATIC);
		if (db_run(db, st) < 0)
			return -1;
	}
	return 0;
}

static int put_visibility(struct db *db, int64_t team_id, const struct team_change *ch)
{
	static const char sql[] =
		"INSERT INTO team_visibility (team_id, field, visibility) VALUES (?, ?, ?)"
		" ON CONFLICT(team_id, field) DO UPDATE SET visibility = excluded.visibility";
	for (size_t i = 0; i < ch->nvis; i++) {
		sqlite3_stmt *st = db_stmt(db, sql);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, team_id);
		sqlite3_bind_text(st, 2, ch->vis[i].field, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, visibility_name(ch->vis[i].vis), -1, SQLITE_STATIC);
		if (db_run(db, st) < 0)
			return -1;
	}
	return 0;
}

int team_apply(struct db *db, int64_t team_id, const struct team_change *ch, int64_t now)
{
	if (update_scalars(db, team_id, ch, now) < 0 || put_visibility(db, team_id, ch) < 0 ||
	    put_texts(db, team_id, ch) < 0)
		return -1;
	if (ch->contacts_set && replace_contacts(db, team_id, ch) < 0)
		return -1;
	if (ch->people_set && replace_people(db, team_id, ch) < 0)
		return -1;
	if (ch->rules_set && replace_rules(db, team_id, ch) < 0)
		return -1;
	/* An address the team no longer lists no longer bounces for it. */
	if ((ch->contacts_set || ch->people_set) && bounce_prune_team(db, team_id) < 0)
		return -1;
	return team_search_refresh(db, team_id);
}

/* The searchable text of a team, as rows of (text, visibility rank):
 * names, registered name, host organisation, and the texts. */
#define SEARCH_SOURCES \
	"SELECT name_en || ' ' || name_ja || ' ' || short_name, 0 FROM teams WHERE id = ?1" \
	" UNION ALL SELECT registered_name, coalesce((SELECT visibility FROM team_visibility" \
	"   WHERE team_id = ?1 AND field = 'registered_name'), 'public') FROM teams WHERE id = ?1" \
	" UNION ALL SELECT host_org_en || ' ' || host_org_ja, coalesce((SELECT visibility FROM team_visibility" \
	"   WHERE team_id = ?1 AND field = 'host_org'), 'public') FROM teams WHERE id = ?1" \
	" UNION ALL SELECT x.body, coalesce(v.visibility, 'public') FROM team_texts x LEFT JOIN team_visibility v" \
	"   ON v.team_id = x.team_id AND v.field = 'text.' || x.section WHERE x.team_id = ?1"

/* A team's row for reader level L has rowid team_id * 4 + L, so its rows
 * are found by rowid: deleting by team_id would scan the whole table. */
int team_search_refresh(struct db *db, int64_t team_id)
{
	static const char del[] = "DELETE FROM team_search WHERE rowid BETWEEN ?1 * 4 AND ?1 * 4 + 3";
	static const char src[] = SEARCH_SOURCES;
	static const char ins[] = "INSERT INTO team_search (rowid, body, team_id, level) VALUES (?2 * 4 + ?3, ?1, ?2, ?3)";
	struct buf body[DIR_ALL + 1];
	int rc = -1;
	for (int l = 0; l <= DIR_ALL; l++)
		buf_init(&body[l], 4u << 20);
	sqlite3_stmt *st = db_stmt(db, del);
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, team_id);
	if (db_run(db, st) < 0 || !(st = db_stmt(db, src)))
		goto out;
	sqlite3_bind_int64(st, 1, team_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		enum visibility v = VIS_PUBLIC;
		if (sqlite3_column_type(st, 1) == SQLITE_TEXT)
			visibility_parse(db_col_text(st, 1), &v);
		for (int l = 0; l <= DIR_ALL; l++) {
			if (!team_visible(v, (enum dir_level)l))
				continue;
			buf_adds(&body[l], db_col_text(st, 0));
			buf_addc(&body[l], '\n');
		}
	}
	sqlite3_reset(st);
	for (int l = 0; l <= DIR_ALL; l++) {
		if (!(st = db_stmt(db, ins)))
			goto out;
		sqlite3_bind_text(st, 1, body[l].data ? body[l].data : "", (int)body[l].len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, team_id);
		sqlite3_bind_int(st, 3, l);
		if (db_run(db, st) < 0)
			goto out;
	}
	rc = 0;
out:
	for (int l = 0; l <= DIR_ALL; l++)
		buf_release(&body[l]);
	return rc;
}

/* The key's user ids as the JSON array the uids column holds (malloc'd). */
static char *uids_json(const struct pgpkey_info *info)
{
	json_t *a = json_array();
	for (size_t i = 0; i < info->n_uids; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "name", info->uids[i].name, "email",
		                                   info->uids[i].email, "comment", info->uids[i].comment));
	char *s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

int team_key_add(struct db *db, int64_t team_id, const struct pgpkey_info *info, enum visibility vis)
{
	static const char ins[] =
		"INSERT INTO team_keys (team_id, fingerprint, algo, created, expires, uids, armored, visibility)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = db_stmt(db, ins);
	char *uids = uids_json(info);
	if (!st || !uids) {
		free(uids);
		return -1;
	}
	sqlite3_bind_int64(st, 1, team_id);
	sqlite3_bind_text(st, 2, info->fpr, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, info->algo, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, info->created);
	sqlite3_bind_int64(st, 5, info->expires);
	sqlite3_bind_text(st, 6, uids, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, info->armored, (int)info->armored_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, visibility_name(vis), -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	free(uids);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return 0;
	return rc == SQLITE_DONE ? 1 : -1;
}

int team_key_remove(struct db *db, int64_t team_id, const char *fpr)
{
	static const char del[] = "DELETE FROM team_keys WHERE team_id = ? AND fingerprint = ? RETURNING id";
	sqlite3_stmt *st = db_stmt(db, del);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, team_id);
	sqlite3_bind_text(st, 2, fpr, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}
