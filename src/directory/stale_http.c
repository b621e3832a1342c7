/* The secretariat's "stale records" view: teams that have not confirmed
 * their record within confirm_months, and OpenPGP keys that have expired
 * or expire within 30 days, so someone can chase them before an incident
 * finds the directory out of date. */
#include <stdio.h>
#include "core/clock.h"
#include "directory/directory_http.h"
#include "directory/team.h"
#include "http/respond.h"

static void stale_page(struct ctx *c)
{
	static const char teams_sql[] =
		"SELECT slug, name_en, name_ja, coalesce(last_verified, 0) FROM teams WHERE state = 'active'"
		" ORDER BY coalesce(last_verified, 0), name_en LIMIT 1000";
	static const char keys_sql[] =
		"SELECT t.slug, t.name_en, k.fingerprint, k.expires FROM team_keys k JOIN teams t ON t.id = k.team_id"
		" WHERE t.state = 'active' AND k.expires != 0 AND k.expires < ? ORDER BY k.expires LIMIT 1000";
	int64_t now = clock_now();
	json_t *teams = json_array(), *keys = json_array();
	sqlite3_stmt *st = db_stmt(c->db, teams_sql);
	int rc = st ? SQLITE_ROW : SQLITE_ERROR;
	while (st && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t lv = sqlite3_column_int64(st, 3);
		if (!team_overdue(lv, now))
			continue;
		char when[48] = "";
		if (lv)
			clock_local(lv, c->user_tz, when, sizeof(when));
		json_array_append_new(teams, json_pack("{s:s,s:s,s:s,s:s}", "slug", db_col_text(st, 0), "name",
		                                       db_col_text(st, c->lang == LANG_JA && *db_col_text(st, 2) ? 2 : 1),
		                                       "last_verified", when, "never", lv ? "" : "1"));
	}
	if (st)
		sqlite3_reset(st);
	if (rc == SQLITE_DONE && (st = db_stmt(c->db, keys_sql))) {
		sqlite3_bind_int64(st, 1, now + 30 * 86400);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t exp = sqlite3_column_int64(st, 3);
			char when[48];
			clock_local(exp, c->user_tz, when, sizeof(when));
			json_array_append_new(keys, json_pack("{s:s,s:s,s:s,s:s,s:b}", "slug", db_col_text(st, 0), "name",
			                                      db_col_text(st, 1), "fingerprint", db_col_text(st, 2), "expires",
			                                      when, "expired", exp < now));
		}
		sqlite3_reset(st);
	}
	if (rc != SQLITE_DONE) {
		json_decref(teams);
		json_decref(keys);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	http_page(c, 200, "admin_stale.html",
	          json_pack("{s:s,s:o,s:o}", "title", ctx_t(c, "stale.title"), "teams", teams, "keys", keys));
}

const struct route stale_routes[] = {
	{"GET", "/admin/stale", ACT_ORGS_READ, stale_page, 0},
	{0},
};
