/* Bounced addresses of the directory; see bounce.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/clock.h"
#include "directory/bounce.h"

/* The email contacts and people of a team, as one list of addresses. */
#define TEAM_ADDRESSES(team) \
	"SELECT value FROM team_contacts WHERE team_id = " team " AND kind IN ('email_incident', 'email_general')" \
	" UNION SELECT email FROM team_people WHERE team_id = " team " AND email != ''"

int bounce_record(struct db *db, const char *addr, const char *status, const char *diagnostic, int64_t now,
                  int (*each)(int64_t team_id, const char *slug, void *arg), void *arg)
{
	static const char teams_sql[] =
		"SELECT id, slug FROM teams WHERE id IN (SELECT team_id FROM team_contacts WHERE value = ?1 COLLATE NOCASE"
		" AND kind IN ('email_incident', 'email_general') UNION SELECT team_id FROM team_people"
		" WHERE email = ?1 COLLATE NOCASE) ORDER BY id";
	static const char upsert[] =
		"INSERT INTO contact_bounces (team_id, address, status, diagnostic, first_at, last_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (team_id, address) DO UPDATE SET status = excluded.status,"
		" diagnostic = excluded.diagnostic, last_at = excluded.last_at, count = count + 1";
	struct hit {
		int64_t id;
		char *slug;
	} *hits = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;
	sqlite3_stmt *st = db_stmt(db, teams_sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, addr, -1, SQLITE_STATIC);
	int step;
	/* Collected first: the writes below reuse the connection. */
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			struct hit *more = realloc(hits, cap * sizeof(*hits));
			if (!more)
				break;
			hits = more;
		}
		hits[n].id = sqlite3_column_int64(st, 0);
		hits[n].slug = strdup(db_col_text(st, 1));
		if (!hits[n++].slug)
			break;
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE)
		goto out;
	for (size_t i = 0; i < n; i++) {
		st = db_stmt(db, upsert);
		if (!st)
			goto out;
		sqlite3_bind_int64(st, 1, hits[i].id);
		sqlite3_bind_text(st, 2, addr, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, diagnostic, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, now);
		if (db_run(db, st) < 0 || (each && each(hits[i].id, hits[i].slug, arg) < 0))
			goto out;
	}
	rc = (int)n;
out:
	for (size_t i = 0; i < n; i++)
		free(hits[i].slug);
	free(hits);
	return rc;
}

int bounce_clear_team(struct db *db, int64_t team_id)
{
	static const char sql[] = "DELETE FROM contact_bounces WHERE team_id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, team_id);
	return db_run(db, st);
}

int bounce_prune_team(struct db *db, int64_t team_id)
{
	/* address is COLLATE NOCASE: NOT IN compares without regard to case. */
	static const char sql[] =
		"DELETE FROM contact_bounces WHERE team_id = ?1 AND address NOT IN (" TEAM_ADDRESSES("?1") ")";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, team_id);
	return db_run(db, st);
}

/* Give each row of LIST whose FIELD is ADDR the bounce object B. */
static int mark_rows(json_t *list, const char *field, const char *addr, json_t *b)
{
	size_t i;
	json_t *row;
	int marked = 0;
	json_array_foreach(list, i, row) {
		const char *v = json_string_value(json_object_get(row, field));
		const char *kind = json_string_value(json_object_get(row, "kind"));
		if (v && !strcasecmp(v, addr) && (!kind || !strncmp(kind, "email_", 6))) {
			json_object_set(row, "bounce", b);
			marked++;
		}
	}
	return marked;
}

int bounce_mark_record(struct db *db, int64_t team_id, json_t *record, const char *tz)
{
	static const char sql[] =
		"SELECT address, status, diagnostic, last_at, count FROM contact_bounces WHERE team_id = ? ORDER BY address";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, team_id);
	int rc, marked = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char last[48];
		clock_local(sqlite3_column_int64(st, 3), tz, last, sizeof(last));
		json_t *b = json_pack("{s:s,s:s,s:s,s:I}", "status", db_col_text(st, 1), "diagnostic", db_col_text(st, 2),
		                      "last", last, "count", (json_int_t)sqlite3_column_int64(st, 4));
		const char *addr = db_col_text(st, 0);
		marked += mark_rows(json_object_get(record, "contacts"), "value", addr, b);
		marked += mark_rows(json_object_get(record, "people"), "email", addr, b);
		json_decref(b);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? marked : -1;
}
