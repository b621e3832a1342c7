/* The stale records report; see stale.h. */
#include <stdio.h>
#include "core/clock.h"
#include "directory/stale.h"
#include "directory/team.h"

static json_t *when(int64_t t, const char *tz)
{
	char out[48];
	if (t <= 0)
		return json_null();
	if (tz)
		clock_local(t, tz, out, sizeof(out));
	else
		clock_iso_utc(t, out, sizeof(out));
	return json_string(out);
}

static json_t *names(sqlite3_stmt *st, int col)
{
	return json_pack("{s:s,s:s}", "en", db_col_text(st, col), "ja", db_col_text(st, col + 1));
}

static int add_overdue(struct db *db, int64_t now, const char *tz, json_t *list)
{
	static const char sql[] =
		"SELECT t.slug, t.name_en, t.name_ja, coalesce(t.last_verified, 0), count(r.seq), max(r.sent_at)"
		" FROM teams t LEFT JOIN team_reminders r ON r.team_id = t.id AND r.period = coalesce(t.last_verified, 0)"
		" WHERE t.state = 'active' GROUP BY t.id ORDER BY coalesce(t.last_verified, 0), t.name_en LIMIT ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, STALE_LIST_MAX);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t lv = sqlite3_column_int64(st, 3);
		if (!team_overdue(lv, now))
			break;   /* oldest first: the rest were confirmed later */
		json_array_append_new(list, json_pack("{s:s,s:o,s:o,s:I,s:o}", "slug", db_col_text(st, 0), "name",
		                                      names(st, 1), "last_verified", when(lv, tz), "reminders_sent",
		                                      (json_int_t)sqlite3_column_int64(st, 4), "last_reminder",
		                                      when(sqlite3_column_int64(st, 5), tz)));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int add_keys(struct db *db, int64_t now, const char *tz, json_t *list)
{
	static const char sql[] =
		"SELECT t.slug, t.name_en, t.name_ja, k.fingerprint, k.expires FROM team_keys k JOIN teams t"
		" ON t.id = k.team_id WHERE t.state = 'active' AND k.expires != 0 AND k.expires < ? ORDER BY k.expires LIMIT ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, now + 30 * 86400);
	sqlite3_bind_int(st, 2, STALE_LIST_MAX);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t exp = sqlite3_column_int64(st, 4);
		json_array_append_new(list, json_pack("{s:s,s:o,s:s,s:o,s:b}", "slug", db_col_text(st, 0), "name",
		                                      names(st, 1), "fingerprint", db_col_text(st, 3), "expires",
		                                      when(exp, tz), "expired", exp < now));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int add_bounces(struct db *db, const char *tz, json_t *list)
{
	/* b.address on the left: its NOCASE collation decides the comparison. */
	static const char sql[] =
		"SELECT t.slug, t.name_en, t.name_ja, b.address, b.status, b.diagnostic, b.first_at, b.last_at, b.count,"
		" (SELECT json_group_array(c.kind) FROM team_contacts c WHERE c.team_id = b.team_id AND b.address = c.value"
		"   AND c.kind IN ('email_incident', 'email_general')),"
		" (SELECT json_group_array(p.name) FROM team_people p WHERE p.team_id = b.team_id AND b.address = p.email)"
		" FROM contact_bounces b JOIN teams t ON t.id = b.team_id ORDER BY b.last_at DESC, t.slug, b.address LIMIT ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, STALE_LIST_MAX);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *contacts = json_loads(db_col_text(st, 9), 0, NULL), *people = json_loads(db_col_text(st, 10), 0, NULL);
		json_array_append_new(list, json_pack("{s:s,s:o,s:s,s:s,s:s,s:o,s:o,s:I,s:o,s:o}", "slug", db_col_text(st, 0),
		                                      "name", names(st, 1), "address", db_col_text(st, 3), "status",
		                                      db_col_text(st, 4), "diagnostic", db_col_text(st, 5), "first_bounce",
		                                      when(sqlite3_column_int64(st, 6), tz), "last_bounce",
		                                      when(sqlite3_column_int64(st, 7), tz), "count",
		                                      (json_int_t)sqlite3_column_int64(st, 8), "contacts",
		                                      contacts ? contacts : json_array(), "people",
		                                      people ? people : json_array()));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

json_t *stale_report(struct db *db, int64_t now, const char *tz)
{
	json_t *r = json_pack("{s:[],s:[],s:[]}", "overdue", "keys", "bounces");
	if (!r || add_overdue(db, now, tz, json_object_get(r, "overdue")) < 0 ||
	    add_keys(db, now, tz, json_object_get(r, "keys")) < 0 || add_bounces(db, tz, json_object_get(r, "bounces")) < 0) {
		json_decref(r);
		return NULL;
	}
	return r;
}
