/* Sponsors and opinions; see application_sponsors.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "directory/team_store.h"
#include "membership/application_sponsors.h"

int app_sponsors_load(struct db *db, int64_t id, struct app_sponsor out[APP_SPONSORS_MAX])
{
	static const char sql[] =
		"SELECT s.team_id, coalesce(t.org_id, 0), t.slug, t.name_en, t.name_ja, s.state, s.statement,"
		" coalesce(s.asked_at, 0), coalesce(s.answered_at, 0) FROM application_sponsors s"
		" JOIN teams t ON t.id = s.team_id WHERE s.application_id = ? ORDER BY t.name_en, t.id";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc, n = 0;
	while (n < APP_SPONSORS_MAX && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct app_sponsor *s = &out[n++];
		memset(s, 0, sizeof(*s));
		s->team_id = sqlite3_column_int64(st, 0);
		s->org_id = sqlite3_column_int64(st, 1);
		snprintf(s->slug, sizeof(s->slug), "%s", db_col_text(st, 2));
		snprintf(s->name_en, sizeof(s->name_en), "%s", db_col_text(st, 3));
		snprintf(s->name_ja, sizeof(s->name_ja), "%s", db_col_text(st, 4));
		snprintf(s->state, sizeof(s->state), "%s", db_col_text(st, 5));
		s->statement = strdup(db_col_text(st, 6));
		s->asked_at = sqlite3_column_int64(st, 7);
		s->answered_at = sqlite3_column_int64(st, 8);
		if (!s->statement)
			rc = SQLITE_NOMEM;
		if (rc != SQLITE_ROW)
			break;
	}
	if (n == APP_SPONSORS_MAX)
		rc = SQLITE_DONE;
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		app_sponsors_release(out, n);
		return -1;
	}
	return n;
}

void app_sponsors_release(struct app_sponsor *s, int n)
{
	for (int i = 0; i < n; i++) {
		free(s[i].statement);
		s[i].statement = NULL;
	}
}

/* The group as compared: without blanks (ASCII and the ideographic
 * space) around it, ASCII letters in lower case. */
static void group_key(const char *s, char *out, size_t n)
{
	size_t len = strlen(s);
	for (;;) {
		if (len && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		} else if (len >= 3 && !memcmp(s, "\xe3\x80\x80", 3)) {
			s += 3;
			len -= 3;
		} else {
			break;
		}
	}
	for (;;) {
		if (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		else if (len >= 3 && !memcmp(s + len - 3, "\xe3\x80\x80", 3))
			len -= 3;
		else
			break;
	}
	size_t i = 0;
	for (; i < len && i + 1 < n; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
	out[i] = '\0';
}

bool app_same_group(const char *a, const char *b)
{
	char ka[ORG_NAME_MAX * 4 + 1], kb[ORG_NAME_MAX * 4 + 1];
	group_key(a, ka, sizeof(ka));
	group_key(b, kb, sizeof(kb));
	return ka[0] && !strcmp(ka, kb);
}

static void sponsor_error(struct app_call *c, size_t i, const char *key, const char *const vars[])
{
	char field[32];
	snprintf(field, sizeof(field), "sponsors[%zu]", i);
	app_field_error(c, app_strdup(c, field), key, vars);
}

int app_sponsors_check(struct app_call *c, const struct application *a, const char *const slugs[], size_t n,
                       int64_t ids[])
{
	static const char sql[] =
		"SELECT t.id, coalesce(t.org_id, 0), t.state, coalesce(o.kind, ''), coalesce(o.status, ''),"
		" coalesce(o.org_group, '') FROM teams t LEFT JOIN orgs o ON o.id = t.org_id WHERE t.slug = ?";
	char required[16];
	snprintf(required, sizeof(required), "%d", a->sponsors_required);
	if (n > (size_t)a->sponsors_required) {
		const char *vars[] = {"n", required, NULL};
		app_field_error(c, "sponsors", "app.too_many_sponsors", vars);
		return 0;
	}
	size_t valid = 0, outside = 0;
	for (size_t i = 0; i < n; i++) {
		ids[i] = 0;
		if (!team_slug_valid(slugs[i])) {
			sponsor_error(c, i, "app.sponsor_unknown", NULL);
			continue;
		}
		sqlite3_stmt *st = db_stmt(c->db, sql);
		if (!st)
			return -1;
		sqlite3_bind_text(st, 1, slugs[i], -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		if (rc != SQLITE_ROW) {
			sqlite3_reset(st);
			if (rc != SQLITE_DONE)
				return -1;
			sponsor_error(c, i, "app.sponsor_unknown", NULL);
			continue;
		}
		int64_t team_id = sqlite3_column_int64(st, 0), org_id = sqlite3_column_int64(st, 1);
		bool member = !strcmp(db_col_text(st, 2), "active") && !strcmp(db_col_text(st, 3), "member") &&
		              !strcmp(db_col_text(st, 4), "active");
		bool same_group = app_same_group(db_col_text(st, 5), a->org_group);
		sqlite3_reset(st);
		bool twice = false;
		for (size_t k = 0; k < i; k++)
			twice = twice || ids[k] == team_id;
		if (org_id && org_id == a->org_id)
			sponsor_error(c, i, "app.sponsor_self", NULL);
		else if (!member)
			sponsor_error(c, i, "app.sponsor_not_member", NULL);
		else if (twice)
			sponsor_error(c, i, "app.sponsor_twice", NULL);
		else {
			ids[i] = team_id;
			valid++;
			outside += !same_group;
		}
	}
	/* The group rule can only be judged once every sponsor is named. */
	if (valid == (size_t)a->sponsors_required && outside == 0) {
		const char *vars[] = {"group", a->org_group, NULL};
		app_field_error(c, "sponsors", "app.sponsors_one_group", vars);
	}
	return 0;
}

int app_sponsors_replace(struct db *db, int64_t id, const int64_t ids[], size_t n, const char *state, int64_t now)
{
	static const char del[] =
		"DELETE FROM application_sponsors WHERE application_id = ?1 AND team_id NOT IN"
		" (SELECT value FROM json_each(?2))";
	static const char ins[] =
		"INSERT INTO application_sponsors (application_id, team_id, state, asked_at) VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT (application_id, team_id) DO NOTHING";
	char list[APP_SPONSORS_MAX * 24 + 3] = "[";
	size_t len = 1;
	for (size_t i = 0; i < n && i < APP_SPONSORS_MAX; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%lld", i ? "," : "", (long long)ids[i]);
	snprintf(list + len, sizeof(list) - len, "]");
	sqlite3_stmt *st = db_stmt(db, del);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, list, -1, SQLITE_STATIC);
	if (db_run(db, st) < 0)
		return -1;
	bool asked = !strcmp(state, "asked");
	for (size_t i = 0; i < n; i++) {
		if (!(st = db_stmt(db, ins)))
			return -1;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, ids[i]);
		sqlite3_bind_text(st, 3, state, -1, SQLITE_STATIC);
		if (asked)
			sqlite3_bind_int64(st, 4, now);
		if (db_run(db, st) < 0)
			return -1;
	}
	return 0;
}

int app_sponsors_reset(struct db *db, int64_t id, int64_t now)
{
	static const char sql[] =
		"UPDATE application_sponsors SET state = CASE WHEN ?2 THEN 'asked' ELSE 'named' END, statement = '',"
		" asked_at = CASE WHEN ?2 THEN ?2 END, answered_at = NULL, answered_by = NULL WHERE application_id = ?1";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	return db_run(db, st);
}

int app_sponsor_answer(struct db *db, int64_t id, int64_t team_id, const char *state, const char *statement,
                       int64_t user_id, int64_t now)
{
	static const char sql[] =
		"UPDATE application_sponsors SET state = ?3, statement = ?4, answered_by = ?5, answered_at = ?6"
		" WHERE application_id = ?1 AND team_id = ?2";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, team_id);
	sqlite3_bind_text(st, 3, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, statement, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, user_id);
	sqlite3_bind_int64(st, 6, now);
	return db_run(db, st);
}

int app_team_of_org(struct db *db, int64_t org_id, int64_t *team_id)
{
	static const char sql[] = "SELECT id FROM teams WHERE org_id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, org_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*team_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int app_org_active_member(struct db *db, int64_t org_id)
{
	static const char sql[] =
		"SELECT o.kind = 'member' AND o.status = 'active' AND EXISTS (SELECT 1 FROM teams t WHERE t.org_id = o.id"
		" AND t.state = 'active') FROM orgs o WHERE o.id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, org_id);
	int rc = sqlite3_step(st);
	int yes = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? yes : -1;
}

int app_opinion_put(struct db *db, int64_t id, int64_t org_id, const char *stance, const char *reason, int64_t user_id,
                    int64_t now)
{
	static const char sql[] =
		"INSERT INTO application_opinions (application_id, org_id, stance, reason, user_id, at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (application_id, org_id)"
		" DO UPDATE SET stance = ?3, reason = ?4, user_id = ?5, at = ?6";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, org_id);
	sqlite3_bind_text(st, 3, stance, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, user_id);
	sqlite3_bind_int64(st, 6, now);
	return db_run(db, st);
}

int app_opinions_clear(struct db *db, int64_t id)
{
	static const char sql[] = "DELETE FROM application_opinions WHERE application_id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return db_run(db, st);
}

int app_opinions_list(struct db *db, int64_t id, int64_t org_id, void (*each)(const struct app_opinion *o, void *arg),
                      void *arg)
{
	static const char sql[] =
		"SELECT p.org_id, o.name, coalesce(t.slug, ''), p.stance, p.reason, coalesce(u.name, ''), p.at"
		" FROM application_opinions p JOIN orgs o ON o.id = p.org_id LEFT JOIN teams t ON t.org_id = p.org_id"
		" LEFT JOIN users u ON u.id = p.user_id WHERE p.application_id = ?1 AND (?2 = 0 OR p.org_id = ?2)"
		" ORDER BY o.name";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, org_id);
	int rc, n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct app_opinion o = {
			sqlite3_column_int64(st, 0), db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
			db_col_text(st, 4), db_col_text(st, 5), sqlite3_column_int64(st, 6),
		};
		each(&o, arg);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}
