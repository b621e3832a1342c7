/* Application rows, their history and their moves; see application_store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "membership/application_store.h"

#define APP_COLUMNS \
	"id, org_id, state, org_name, org_name_ja, org_group, contact_name, contact_email, lang, team_slug," \
	" team_draft, rules_version, coalesce(rules_accepted_at, 0), sponsors_required, coalesce(window_ends_at, 0)," \
	" decision_reason, coalesce(team_id, 0), created_at, updated_at, coalesce(submitted_at, 0)," \
	" coalesce(decided_at, 0)"

static void copy(char *dst, size_t n, sqlite3_stmt *st, int col)
{
	snprintf(dst, n, "%s", db_col_text(st, col));
}

int application_load(struct db *db, int64_t id, struct application *a)
{
	static const char sql[] = "SELECT " APP_COLUMNS " FROM applications WHERE id = ?";
	memset(a, 0, sizeof(*a));
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	int found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
	if (found == 1) {
		a->id = sqlite3_column_int64(st, 0);
		a->org_id = sqlite3_column_int64(st, 1);
		if (app_state_parse(db_col_text(st, 2), &a->state) < 0)
			found = -1;
		copy(a->org_name, sizeof(a->org_name), st, 3);
		copy(a->org_name_ja, sizeof(a->org_name_ja), st, 4);
		copy(a->org_group, sizeof(a->org_group), st, 5);
		copy(a->contact_name, sizeof(a->contact_name), st, 6);
		copy(a->contact_email, sizeof(a->contact_email), st, 7);
		copy(a->lang, sizeof(a->lang), st, 8);
		copy(a->team_slug, sizeof(a->team_slug), st, 9);
		a->draft = json_loads(db_col_text(st, 10), 0, NULL);
		copy(a->rules_version, sizeof(a->rules_version), st, 11);
		a->rules_accepted_at = sqlite3_column_int64(st, 12);
		a->sponsors_required = sqlite3_column_int(st, 13);
		a->window_ends_at = sqlite3_column_int64(st, 14);
		a->decision_reason = strdup(db_col_text(st, 15));
		a->team_id = sqlite3_column_int64(st, 16);
		a->created_at = sqlite3_column_int64(st, 17);
		a->updated_at = sqlite3_column_int64(st, 18);
		a->submitted_at = sqlite3_column_int64(st, 19);
		a->decided_at = sqlite3_column_int64(st, 20);
		if (!json_is_object(a->draft) || !a->decision_reason)
			found = -1;
	}
	sqlite3_reset(st);
	return found;
}

void application_release(struct application *a)
{
	json_decref(a->draft);
	free(a->decision_reason);
	a->draft = NULL;
	a->decision_reason = NULL;
}

static void bind_time(sqlite3_stmt *st, int i, int64_t t)
{
	if (t)
		sqlite3_bind_int64(st, i, t);
	else
		sqlite3_bind_null(st, i);
}

/* The fields both statements write, from ?2 on. */
static int bind_fields(sqlite3_stmt *st, const struct application *a, char **draft)
{
	*draft = a->draft ? json_dumps(a->draft, JSON_COMPACT | JSON_SORT_KEYS) : strdup("{}");
	if (!*draft)
		return -1;
	sqlite3_bind_text(st, 2, app_state_name(a->state), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->org_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->org_name_ja, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, a->org_group, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, a->contact_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, a->contact_email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, a->lang, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, a->team_slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, *draft, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, a->rules_version, -1, SQLITE_STATIC);
	bind_time(st, 12, a->rules_accepted_at);
	sqlite3_bind_int(st, 13, a->sponsors_required);
	bind_time(st, 14, a->window_ends_at);
	sqlite3_bind_text(st, 15, a->decision_reason ? a->decision_reason : "", -1, SQLITE_STATIC);
	bind_time(st, 16, a->team_id);
	bind_time(st, 17, a->submitted_at);
	bind_time(st, 18, a->decided_at);
	return 0;
}

int application_insert(struct db *db, struct application *a, int64_t now)
{
	static const char sql[] =
		"INSERT INTO applications (org_id, state, org_name, org_name_ja, org_group, contact_name, contact_email,"
		" lang, team_slug, team_draft, rules_version, rules_accepted_at, sponsors_required, window_ends_at,"
		" decision_reason, team_id, submitted_at, decided_at, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?19)";
	sqlite3_stmt *st = db_stmt(db, sql);
	char *draft = NULL;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, a->org_id);
	int rc = bind_fields(st, a, &draft);
	sqlite3_bind_int64(st, 19, now);
	if (rc == 0)
		rc = db_run(db, st);
	free(draft);
	if (rc < 0)
		return -1;
	a->id = sqlite3_last_insert_rowid(db->h);
	a->created_at = a->updated_at = now;
	return 0;
}

int application_save(struct db *db, struct application *a, int64_t now)
{
	static const char sql[] =
		"UPDATE applications SET state = ?2, org_name = ?3, org_name_ja = ?4, org_group = ?5, contact_name = ?6,"
		" contact_email = ?7, lang = ?8, team_slug = ?9, team_draft = ?10, rules_version = ?11,"
		" rules_accepted_at = ?12, sponsors_required = ?13, window_ends_at = ?14, decision_reason = ?15,"
		" team_id = ?16, submitted_at = ?17, decided_at = ?18, updated_at = ?19 WHERE id = ?1";
	sqlite3_stmt *st = db_stmt(db, sql);
	char *draft = NULL;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, a->id);
	int rc = bind_fields(st, a, &draft);
	sqlite3_bind_int64(st, 19, now);
	if (rc == 0)
		rc = db_run(db, st);
	free(draft);
	if (rc == 0)
		a->updated_at = now;
	return rc;
}

static int history_add(struct app_call *c, const struct application *a, enum app_state from, enum app_event ev,
                       bool by_system, const char *note)
{
	static const char sql[] =
		"INSERT INTO application_history (application_id, from_state, to_state, event, note, actor_user_id,"
		" actor_org_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = db_stmt(c->db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_text(st, 2, app_state_name(from), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, app_state_name(a->state), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, app_event_name(ev), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, note ? note : "", -1, SQLITE_STATIC);
	if (!by_system && c->actor.user_id) {
		sqlite3_bind_int64(st, 6, c->actor.user_id);
		sqlite3_bind_int64(st, 7, c->actor.org_id);
	}
	sqlite3_bind_int64(st, 8, c->now);
	return db_run(c->db, st);
}

enum err app_can_move(struct app_call *c, const struct application *a, enum app_event ev, enum app_party by)
{
	enum app_state to;
	enum app_step_result r = app_step(a->state, ev, by, &to);
	if (r == APP_STEP_ILLEGAL) {
		const char *vars[] = {"event", app_event_name(ev), "state", app_state_name(a->state), NULL};
		return app_refuse(c, ERR_CONFLICT, "app.illegal_transition", vars);
	}
	if (r == APP_STEP_NOT_YOURS) {
		const char *vars[] = {"event", app_event_name(ev), "party", app_party_name(app_event_party(ev)), NULL};
		return app_refuse(c, ERR_FORBIDDEN, "app.not_your_transition", vars);
	}
	return ERR_OK;
}

enum err app_move(struct app_call *c, struct application *a, enum app_event ev, enum app_party by, const char *note)
{
	enum app_state from = a->state, to;
	enum err e = app_can_move(c, a, ev, by);
	if (e != ERR_OK)
		return e;
	app_step(from, ev, by, &to);
	a->state = to;
	if (ev == APP_EV_SUBMIT)
		a->submitted_at = c->now;
	if (to == APP_APPROVED || to == APP_REJECTED || to == APP_WITHDRAWN)
		a->decided_at = c->now;
	char action[48], detail[96];
	snprintf(action, sizeof(action), "application.%s", app_event_name(ev));
	snprintf(detail, sizeof(detail), "{\"from\":\"%s\",\"to\":\"%s\"}", app_state_name(from), app_state_name(to));
	if (application_save(c->db, a, c->now) < 0 || history_add(c, a, from, ev, by == APP_BY_SYSTEM, note) < 0 ||
	    app_audit(c, action, a->id, detail) < 0)
		return ERR_INTERNAL;
	return ERR_OK;
}

int application_history_list(struct db *db, int64_t id, void (*each)(const struct app_history_row *r, void *arg),
                             void *arg)
{
	static const char sql[] =
		"SELECT h.id, h.from_state, h.to_state, h.event, h.note, coalesce(h.actor_user_id, 0),"
		" coalesce(u.name, ''), h.at FROM application_history h LEFT JOIN users u ON u.id = h.actor_user_id"
		" WHERE h.application_id = ? ORDER BY h.at, h.id";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc, n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct app_history_row r = {
			sqlite3_column_int64(st, 0), db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
			db_col_text(st, 4), sqlite3_column_int64(st, 5), db_col_text(st, 6), sqlite3_column_int64(st, 7),
		};
		each(&r, arg);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}
