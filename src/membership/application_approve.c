/* Approving an application: in one transaction the draft becomes the
 * team's directory record (active, joined today in the instance's time
 * zone, at the address the applicant chose), the organisation becomes an
 * active member of its group, and the applicant and every member team are
 * told; then everything derived from the directory is brought up to date.
 * See application_flow.h. */
#include <stdio.h>
#include <string.h>
#include "core/clock.h"
#include "directory/changed.h"
#include "membership/application_draft.h"
#include "membership/application_flow.h"
#include "membership/application_mail.h"
#include "membership/application_view.h"

static int make_member(struct db *db, const struct application *a, int64_t now)
{
	static const char sql[] =
		"UPDATE orgs SET kind = 'member', status = 'active', status_changed_at = ?2, name_ja = ?3, org_group = ?4"
		" WHERE id = ?1";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, a->org_id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_text(st, 3, a->org_name_ja, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->org_group, -1, SQLITE_STATIC);
	return db_run(db, st);
}

static enum err approve_in(struct app_call *c, void *arg)
{
	struct application a;
	enum app_view view;
	struct team_change ch;
	enum err e = app_load_visible(c, *(const int64_t *)arg, &a, &view);
	if (e == ERR_OK)
		e = app_can_move(c, &a, APP_EV_APPROVE, app_party_of(c, &a));
	if (e != ERR_OK)
		goto out;
	/* Checked again: the address may have been taken since the submission. */
	e = ERR_INTERNAL;
	app_draft_read(c, a.draft, &ch);
	if (app_slug_check(c, "team_slug", a.team_slug, a.id, true) < 0)
		goto out;
	if (c->nerrors) {
		e = ERR_VALIDATION;
		goto out;
	}
	char joined[64];
	clock_local(c->now, c->cfg->default_tz, joined, sizeof(joined));
	joined[10] = '\0';
	for (size_t i = 0; i < team_nfields; i++) {
		if (!strcmp(team_fields[i].name, "joined")) {
			ch.set[team_field_col(i)] = true;
			ch.text[team_field_col(i)] = joined;
		}
	}
	char link[600];
	snprintf(link, sizeof(link), "%s/directory/%s", c->cfg->base_url, a.team_slug);
	const char *vars[] = {"team_link", link, NULL};
	/* A member first, so that its team is made in the member's state. */
	if (make_member(c->db, &a, c->now) < 0)
		goto out;
	int made = team_create_with(c->db, a.org_id, a.team_slug, &ch, c->now, &a.team_id);
	if (made == 0)
		e = app_refuse(c, ERR_CONFLICT, "app.team_exists", NULL);
	if (made <= 0 || (e = app_move(c, &a, APP_EV_APPROVE, APP_BY_SECRETARIAT, "")) != ERR_OK)
		goto out;
	if (app_mail_applicant(c, &a, "approved", vars) < 0 || app_mail_members_later(c, &a, "new_member", vars) < 0)
		e = ERR_INTERNAL;
out:
	application_release(&a);
	return e;
}

enum err application_approve(struct app_call *c, int64_t id)
{
	enum err e = app_in_transaction(c, approve_in, &id);
	if (e == ERR_OK)
		directory_changed(DIR_CHANGED_RECORD | DIR_CHANGED_RULES);
	return e;
}
