/* Submitting, sponsoring, the community window and the decisions; see
 * application_flow.h. Approval, which also makes the team record, is in
 * application_approve.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "jobs/jobs.h"
#include "membership/application_draft.h"
#include "membership/application_flow.h"
#include "membership/application_mail.h"
#include "membership/application_sponsors.h"
#include "membership/application_view.h"

#define DAY_S 86400

/* Problems that keep A from being submitted, as field errors. Return 0
 * (look at c->nerrors) or -1. */
static int check_complete(struct app_call *c, const struct application *a)
{
	struct membership_rules r;
	if (membership_rules_load(c->db, &r) < 0) {
		membership_rules_free(&r);
		return -1;
	}
	if (!a->rules_accepted_at)
		app_field_error(c, "rules", "app.rules_not_accepted", NULL);
	else if (strcmp(a->rules_version, r.version) != 0)
		app_field_error(c, "rules", "app.rules_changed", NULL);
	membership_rules_free(&r);

	struct team_change ch;
	if (app_draft_read(c, a->draft, &ch) == 0) {
		int name = team_field_col(0);
		if (!ch.set[name] || !ch.text[name] || !*ch.text[name])
			app_field_error(c, "team.name.en", "field.required", NULL);
		bool incident = false;
		for (size_t i = 0; i < ch.ncontacts; i++)
			incident = incident || !strcmp(ch.contacts[i].kind, "email_incident");
		if (!incident)
			app_field_error(c, "team.contacts", "app.need_incident_email", NULL);
	}
	if (app_slug_check(c, "team_slug", a->team_slug, a->id, true) < 0)
		return -1;

	struct app_sponsor s[APP_SPONSORS_MAX];
	int n = app_sponsors_load(c->db, a->id, s);
	if (n < 0)
		return -1;
	const char *slugs[APP_SPONSORS_MAX];
	int64_t ids[APP_SPONSORS_MAX];
	for (int i = 0; i < n; i++)
		slugs[i] = s[i].slug;
	int rc = app_sponsors_check(c, a, slugs, (size_t)n, ids);
	app_sponsors_release(s, n);
	if (rc == 0 && n < a->sponsors_required) {
		char want[16];
		snprintf(want, sizeof(want), "%d", a->sponsors_required);
		const char *vars[] = {"n", want, NULL};
		app_field_error(c, "sponsors", "app.too_few_sponsors", vars);
	}
	return rc;
}

/* Mail the admins of every sponsor of A. */
static int ask_sponsors(struct app_call *c, const struct application *a)
{
	struct app_sponsor s[APP_SPONSORS_MAX];
	int n = app_sponsors_load(c->db, a->id, s);
	int rc = n < 0 ? -1 : 0;
	for (int i = 0; rc == 0 && i < n; i++)
		if (app_mail_team_admins(c, a, s[i].team_id, "sponsor_asked", NULL) < 0)
			rc = -1;
	if (n > 0)
		app_sponsors_release(s, n);
	return rc;
}

static enum err submit_in(struct app_call *c, void *arg)
{
	struct application a;
	enum err e = app_load_own(c, *(const int64_t *)arg, &a);
	if (e == ERR_OK)
		e = app_can_move(c, &a, APP_EV_SUBMIT, APP_BY_APPLICANT);
	if (e != ERR_OK)
		goto out;
	e = ERR_INTERNAL;
	if (check_complete(c, &a) < 0)
		goto out;
	if (c->nerrors) {
		e = ERR_VALIDATION;
		goto out;
	}
	if ((e = app_move(c, &a, APP_EV_SUBMIT, APP_BY_APPLICANT, "")) != ERR_OK ||
	    (e = app_move(c, &a, APP_EV_ASK_SPONSORS, APP_BY_SYSTEM, "")) != ERR_OK)
		goto out;
	/* A resubmission after a send-back asks every sponsor again. */
	if (app_sponsors_reset(c->db, a.id, c->now) < 0 || ask_sponsors(c, &a) < 0 ||
	    app_mail_applicant(c, &a, "submitted", NULL) < 0)
		e = ERR_INTERNAL;
out:
	application_release(&a);
	return e;
}

enum err application_submit(struct app_call *c, int64_t id)
{
	return app_in_transaction(c, submit_in, &id);
}

/* Every sponsor of A supports it: the window opens. */
static enum err open_window(struct app_call *c, struct application *a)
{
	a->window_ends_at = c->now + (int64_t)c->cfg->community_window_days * DAY_S;
	enum err e = app_move(c, a, APP_EV_OPEN_WINDOW, APP_BY_SYSTEM, "");
	if (e != ERR_OK)
		return e;
	/* A second window (after a send-back) starts with no opinions. */
	if (app_opinions_clear(c->db, a->id) < 0 || app_mail_members_later(c, a, "window_open", NULL) < 0 ||
	    app_mail_applicant(c, a, "window_opened", NULL) < 0)
		return ERR_INTERNAL;
	return ERR_OK;
}

static const char *const answers[] = {"support", "decline", NULL};
static const char *const stances[] = {"support", "object", NULL};

static bool one_of(const char *s, const char *const list[])
{
	for (size_t i = 0; s && list[i]; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

/* An answer (a sponsor's, or an opinion) to application ID. */
struct answer {
	int64_t id;
	const char *choice, *text;
};

static enum err sponsor_answer_in(struct app_call *c, void *arg)
{
	const struct answer *x = arg;
	struct application a;
	struct app_sponsor s[APP_SPONSORS_MAX];
	int n = 0;
	int64_t team_id = 0;
	memset(&a, 0, sizeof(a));
	int found = x->id > 0 ? application_load(c->db, x->id, &a) : 0;
	enum err e = ERR_INTERNAL;
	if (found < 0 || (found && app_team_of_org(c->db, c->actor.org_id, &team_id) < 0))
		goto out;
	if (found && (n = app_sponsors_load(c->db, a.id, s)) < 0) {
		n = 0;
		goto out;
	}
	if (!found) {
		e = app_refuse(c, ERR_NOT_FOUND, "app.not_found", NULL);
		goto out;
	}
	int mine = -1;
	for (int i = 0; i < n; i++)
		if (team_id && s[i].team_id == team_id && strcmp(s[i].state, "named") != 0)
			mine = i;
	if (mine < 0) {
		e = app_refuse(c, ERR_FORBIDDEN, "app.not_a_sponsor", NULL);
		goto out;
	}
	if (!one_of(x->choice, answers))
		app_field_error(c, "answer", x->choice ? "field.bad_choice" : "field.required", NULL);
	const char *statement = app_text(c, "statement", x->text, APP_REASON_MAX, true, true);
	if (c->nerrors) {
		e = ERR_VALIDATION;
		goto out;
	}
	if (a.state != APP_SPONSOR_REVIEW) {
		const char *vars[] = {"state", app_state_name(a.state), NULL};
		e = app_refuse(c, ERR_CONFLICT, "app.sponsor_not_now", vars);
		goto out;
	}
	if (strcmp(s[mine].state, "asked") != 0) {
		const char *vars[] = {"answer", s[mine].state, NULL};
		e = app_refuse(c, ERR_CONFLICT, "app.already_answered", vars);
		goto out;
	}
	bool support = !strcmp(x->choice, "support");
	int supported = 0;
	for (int i = 0; i < n; i++)
		supported += i == mine ? support : !strcmp(s[i].state, "supported");
	char detail[160];
	snprintf(detail, sizeof(detail), "{\"team\":\"%s\",\"answer\":\"%s\"}", s[mine].slug, x->choice);
	bool ja = !strcmp(a.lang, "ja") && s[mine].name_ja[0];
	const char *vars[] = {"team", ja ? s[mine].name_ja : s[mine].name_en, "statement", statement, NULL};
	if (app_sponsor_answer(c->db, a.id, team_id, support ? "supported" : "declined", statement, c->actor.user_id,
	                       c->now) < 0 ||
	    app_audit(c, "application.sponsor_answer", a.id, detail) < 0 ||
	    (!support && app_mail_applicant(c, &a, "sponsor_declined", vars) < 0))
		goto out;
	e = supported == a.sponsors_required && supported == n ? open_window(c, &a) : ERR_OK;
out:
	app_sponsors_release(s, n);
	application_release(&a);
	return e;
}

enum err application_sponsor_answer(struct app_call *c, int64_t id, const char *answer, const char *statement)
{
	struct answer x = {id, answer, statement};
	return app_in_transaction(c, sponsor_answer_in, &x);
}

static enum err opinion_in(struct app_call *c, void *arg)
{
	const struct answer *x = arg;
	struct application a;
	memset(&a, 0, sizeof(a));
	int found = x->id > 0 ? application_load(c->db, x->id, &a) : 0;
	enum app_view view = APP_VIEW_NONE;
	enum err e = ERR_INTERNAL;
	if (found < 0 || (found && app_view_of(c->db, &c->actor, &a, &view) < 0))
		goto out;
	/* An application that never had a window is none of the community's
	 * business: not found, unless the reader may see it anyway. */
	if (!found || (!a.window_ends_at && view == APP_VIEW_NONE)) {
		e = app_refuse(c, ERR_NOT_FOUND, "app.not_found", NULL);
		goto out;
	}
	int member = app_org_active_member(c->db, c->actor.org_id);
	if (member < 0)
		goto out;
	if (!member || c->actor.org_id == a.org_id) {
		e = app_refuse(c, ERR_FORBIDDEN, "app.opinion_members_only", NULL);
		goto out;
	}
	if (!one_of(x->choice, stances))
		app_field_error(c, "stance", x->choice ? "field.bad_choice" : "field.required", NULL);
	bool object = x->choice && !strcmp(x->choice, "object");
	const char *reason = app_text(c, "reason", x->text, APP_REASON_MAX, true, object);
	if (c->nerrors) {
		e = ERR_VALIDATION;
		goto out;
	}
	if (a.window_ends_at && c->now >= a.window_ends_at) {
		char ends[64];
		clock_local(a.window_ends_at, c->cfg->default_tz, ends, sizeof(ends));
		const char *vars[] = {"date", ends, NULL};
		e = app_refuse(c, ERR_CONFLICT, "app.window_closed", vars);
		goto out;
	}
	if (a.state != APP_COMMUNITY_WINDOW) {
		const char *vars[] = {"state", app_state_name(a.state), NULL};
		e = app_refuse(c, ERR_CONFLICT, "app.window_not_open", vars);
		goto out;
	}
	char detail[64];
	snprintf(detail, sizeof(detail), "{\"stance\":\"%s\"}", x->choice);
	if (app_opinion_put(c->db, a.id, c->actor.org_id, x->choice, reason, c->actor.user_id, c->now) == 0 &&
	    app_audit(c, "application.opinion", a.id, detail) == 0)
		e = ERR_OK;
out:
	application_release(&a);
	return e;
}

enum err application_opinion(struct app_call *c, int64_t id, const char *stance, const char *reason)
{
	struct answer x = {id, stance, reason};
	return app_in_transaction(c, opinion_in, &x);
}

/* Reject, send back or withdraw an application, with a reason. */
struct decision {
	int64_t id;
	enum app_event ev;
	const char *reason;
	bool required;
};

static enum err decide_in(struct app_call *c, void *arg)
{
	const struct decision *x = arg;
	struct application a;
	enum app_view view;
	enum err e = app_load_visible(c, x->id, &a, &view);
	if (e != ERR_OK)
		goto out;
	const char *reason = app_text(c, "reason", x->reason, APP_REASON_MAX, true, x->required);
	if (c->nerrors) {
		e = ERR_VALIDATION;
		goto out;
	}
	enum app_state from = a.state;
	if ((e = app_can_move(c, &a, x->ev, app_party_of(c, &a))) != ERR_OK)
		goto out;
	e = ERR_INTERNAL;
	if (x->ev != APP_EV_WITHDRAW) {
		free(a.decision_reason);
		if (!(a.decision_reason = strdup(reason)))
			goto out;
	}
	if (x->ev == APP_EV_SEND_BACK)
		a.window_ends_at = 0;
	const char *vars[] = {"reason", reason, NULL};
	if ((e = app_move(c, &a, x->ev, app_party_of(c, &a), reason)) != ERR_OK)
		goto out;
	/* Sent back, the applicant may change its sponsors before submitting again. */
	if ((x->ev == APP_EV_SEND_BACK && app_sponsors_reset(c->db, a.id, 0) < 0) ||
	    (x->ev == APP_EV_REJECT && app_mail_applicant(c, &a, "rejected", vars) < 0) ||
	    (x->ev == APP_EV_SEND_BACK && app_mail_applicant(c, &a, "sent_back", vars) < 0) ||
	    (x->ev == APP_EV_WITHDRAW && from != APP_DRAFT && app_mail_secretariat(c, &a, "withdrawn", vars) < 0))
		e = ERR_INTERNAL;
out:
	application_release(&a);
	return e;
}

static enum err decide(struct app_call *c, int64_t id, enum app_event ev, const char *reason, bool required)
{
	struct decision x = {id, ev, reason, required};
	return app_in_transaction(c, decide_in, &x);
}

enum err application_reject(struct app_call *c, int64_t id, const char *reason)
{
	return decide(c, id, APP_EV_REJECT, reason, true);
}

enum err application_send_back(struct app_call *c, int64_t id, const char *reason)
{
	return decide(c, id, APP_EV_SEND_BACK, reason, true);
}

enum err application_withdraw(struct app_call *c, int64_t id, const char *reason)
{
	return decide(c, id, APP_EV_WITHDRAW, reason, false);
}

int application_close_windows(struct db *db, const struct config *cfg, int64_t now, const char *origin,
                              void (*each)(int64_t id, const char *org_name, int64_t ended_at, void *arg), void *arg)
{
	static const char sql[] =
		"SELECT id FROM applications WHERE state = 'community_window' AND window_ends_at <= ? ORDER BY id LIMIT 200";
	struct app_call c = {.db = db, .cfg = cfg, .request_id = origin, .client_addr = "", .now = now};
	int closed = 0;
	for (;;) {
		int64_t ids[200];
		int n = 0, rc;
		sqlite3_stmt *st = db_stmt(db, sql);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, now);
		while (n < 200 && (rc = sqlite3_step(st)) == SQLITE_ROW)
			ids[n++] = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (n == 0)
			break;
		for (int i = 0; i < n; i++) {
			struct application a;
			if (db_begin(db) < 0)
				return -1;
			/* Decided again inside the transaction: another process may
			 * have closed it, or the secretariat rejected it meanwhile. */
			int found = application_load(db, ids[i], &a);
			bool due = found == 1 && a.state == APP_COMMUNITY_WINDOW && a.window_ends_at <= now;
			if (found < 0 || (due && (app_move(&c, &a, APP_EV_CLOSE_WINDOW, APP_BY_SYSTEM, "") != ERR_OK ||
			                          app_mail_secretariat(&c, &a, "review_due", NULL) < 0)) ||
			    db_commit(db) < 0) {
				db_rollback(db);
				application_release(&a);
				return -1;
			}
			if (due) {
				closed++;
				if (each)
					each(a.id, a.org_name, a.window_ends_at, arg);
			}
			application_release(&a);
		}
	}
	if (closed)
		jobs_notify();
	return closed;
}
