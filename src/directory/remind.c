/* Confirmation reminders; see remind.h. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit/audit.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "directory/remind.h"
#include "directory/team.h"
#include "jobs/jobs.h"
#include "mail/outbox.h"

#define DAY_S 86400
#define BATCH 200
#define MAX_RECIPIENTS 32
#define MAIL_BODY_MAX (64u << 10)

void remind_config_from(struct remind_config *rc, const struct config *cfg, const char *origin)
{
	*rc = (struct remind_config){
		.confirm_months = cfg->confirm_months,
		.lead_days = cfg->reminder_lead_days,
		.repeat_days = cfg->reminder_repeat_days,
		.max = cfg->reminder_max,
		.base_url = cfg->base_url,
		.instance_name = cfg->instance_name,
		.default_lang = cfg->default_lang,
		.origin = origin,
	};
}

/* A team that is due a reminder, and which one. */
struct due {
	int64_t team_id;
	char *slug, *name_en, *name_ja, *tz;
	int64_t last_verified;      /* 0: never confirmed */
	int64_t due_at;             /* when the record falls (or fell) due */
	int number;                 /* the reminder to send: 1.. */
	bool overdue;
};

static void due_free(struct due *d)
{
	free(d->slug);
	free(d->name_en);
	free(d->name_ja);
	free(d->tz);
	memset(d, 0, sizeof(*d));
}

/* Whether TEAM_ID is due a reminder at NOW: 1 (D filled; due_free it), 0
 * not, -1 on error. */
static int reminder_due(struct db *db, const struct remind_config *rc, int64_t team_id, int64_t now, struct due *d)
{
	static const char team_sql[] =
		"SELECT slug, name_en, name_ja, tz, coalesce(last_verified, 0), created_at FROM teams"
		" WHERE id = ? AND state = 'active'";
	static const char sent_sql[] =
		"SELECT count(*), coalesce(max(sent_at), 0), coalesce((SELECT kind FROM team_reminders"
		" WHERE team_id = ?1 AND period = ?2 ORDER BY seq DESC LIMIT 1), '') FROM team_reminders"
		" WHERE team_id = ?1 AND period = ?2";
	memset(d, 0, sizeof(*d));
	if (rc->max <= 0)
		return 0;
	sqlite3_stmt *st = db_stmt(db, team_sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, team_id);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		d->team_id = team_id;
		d->slug = strdup(db_col_text(st, 0));
		d->name_en = strdup(db_col_text(st, 1));
		d->name_ja = strdup(db_col_text(st, 2));
		d->tz = strdup(db_col_text(st, 3));
		d->last_verified = sqlite3_column_int64(st, 4);
		int64_t created = sqlite3_column_int64(st, 5);
		d->due_at = d->last_verified ? d->last_verified + (int64_t)rc->confirm_months * TEAM_MONTH_S : created;
		d->overdue = !d->last_verified || now > d->due_at;
	}
	sqlite3_reset(st);
	if (step != SQLITE_ROW || !d->slug || !d->name_en || !d->name_ja || !d->tz) {
		due_free(d);
		return step == SQLITE_DONE ? 0 : -1;
	}
	st = db_stmt(db, sent_sql);
	if (!st) {
		due_free(d);
		return -1;
	}
	sqlite3_bind_int64(st, 1, team_id);
	sqlite3_bind_int64(st, 2, d->last_verified);
	step = sqlite3_step(st);
	int sent = sqlite3_column_int(st, 0);
	int64_t last_sent = sqlite3_column_int64(st, 1);
	bool last_was_due = !strcmp(db_col_text(st, 2), "due");
	sqlite3_reset(st);
	bool send;
	if (step != SQLITE_ROW || sent >= rc->max)
		send = false;
	else if (sent == 0)
		send = now >= d->due_at - (int64_t)rc->lead_days * DAY_S;
	else
		send = (last_was_due && d->overdue) || now >= last_sent + (int64_t)rc->repeat_days * DAY_S;
	if (step != SQLITE_ROW || !send) {
		due_free(d);
		return step == SQLITE_ROW ? 0 : -1;
	}
	d->number = sent + 1;
	return 1;
}

struct recipient {
	char *email, *name;
	enum lang lang;
	char *tz;
	bool contact;               /* a general contact: both languages */
};

static void recipients_free(struct recipient *r, int n)
{
	for (int i = 0; i < n; i++) {
		free(r[i].email);
		free(r[i].name);
		free(r[i].tz);
	}
}

/* The team's admins, else its general email contacts that do not bounce.
 * Return how many (at most MAX_RECIPIENTS), or -1. */
static int recipients_of(struct db *db, const struct remind_config *rc, const struct due *d, struct recipient *r)
{
	static const char admins_sql[] =
		"SELECT u.email, u.name, u.lang, u.tz FROM users u JOIN orgs o ON o.id = u.org_id"
		" JOIN teams t ON t.org_id = o.id WHERE t.id = ? AND o.kind = 'member' AND u.role = 'team_admin'"
		" AND u.disabled = 0 ORDER BY u.id";
	static const char contacts_sql[] =
		"SELECT c.value FROM team_contacts c WHERE c.team_id = ?1 AND c.kind = 'email_general' AND NOT EXISTS"
		" (SELECT 1 FROM contact_bounces b WHERE b.team_id = ?1 AND b.address = c.value) ORDER BY c.position, c.id";
	int n = 0;
	for (int pass = 0; pass < 2 && n == 0; pass++) {
		sqlite3_stmt *st = db_stmt(db, pass == 0 ? admins_sql : contacts_sql);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, d->team_id);
		int step = SQLITE_DONE;
		while (n < MAX_RECIPIENTS && (step = sqlite3_step(st)) == SQLITE_ROW) {
			struct recipient *x = &r[n++];
			x->contact = pass == 1;
			x->email = strdup(db_col_text(st, 0));
			x->name = strdup(x->contact ? "" : db_col_text(st, 1));
			x->lang = x->contact ? (strcmp(rc->default_lang, "en") ? LANG_JA : LANG_EN)
			          : strcmp(db_col_text(st, 2), "en") ? LANG_JA : LANG_EN;
			x->tz = strdup(x->contact ? d->tz : db_col_text(st, 3));
			if (!x->email || !x->name || !x->tz)
				step = SQLITE_NOMEM;
			if (step != SQLITE_ROW)
				break;
		}
		sqlite3_reset(st);
		if (n == MAX_RECIPIENTS)
			step = SQLITE_DONE;
		if (step != SQLITE_DONE) {
			recipients_free(r, n);
			return -1;
		}
	}
	return n;
}

/* The date part of T in time zone TZ: "2026-11-25". */
static void local_date(int64_t t, const char *tz, char *out, size_t n)
{
	clock_local(t, tz, out, n);
	if (strlen(out) > 10)
		out[10] = '\0';
}

/* Append the reminder in LANG to SUBJECT and BODY. */
static int compose(struct buf *subject, struct buf *body, const struct remind_config *rc, const struct due *d,
                   enum lang lang, const char *name, const char *tz)
{
	char last[48] = "", due_on[48], months[16], number[16], max[16], link[600];
	if (d->last_verified)
		local_date(d->last_verified, tz, last, sizeof(last));
	local_date(d->due_at, tz, due_on, sizeof(due_on));
	snprintf(months, sizeof(months), "%d", rc->confirm_months);
	snprintf(number, sizeof(number), "%d", d->number);
	snprintf(max, sizeof(max), "%d", rc->max);
	snprintf(link, sizeof(link), "%s/directory/%s", rc->base_url, d->slug);
	const char *team = lang == LANG_JA && *d->name_ja ? d->name_ja : d->name_en;
	const char *status_key = !d->last_verified ? "mail.remind.status_never"
	                         : d->overdue ? "mail.remind.status_overdue" : "mail.remind.status_due";
	const char *status_vars[] = {"team", team, "last", last, "due", due_on, NULL};
	struct buf status;
	buf_init(&status, 4096);
	int rc_fill = i18n_fill(&status, i18n_get(lang, status_key), status_vars);
	const char *vars[] = {"name", *name ? name : team, "status", status.data ? status.data : "",
	                      "instance", rc->instance_name, "months", months, "link", link, "number", number,
	                      "max", max, "team", team, NULL};
	if (rc_fill == 0)
		rc_fill = i18n_fill(body, i18n_get(lang, "mail.remind.body"), vars);
	buf_release(&status);
	if (rc_fill == 0)
		rc_fill = i18n_fill(subject, i18n_get(lang, d->overdue ? "mail.remind.subject_overdue"
		                                                      : "mail.remind.subject_due"), vars);
	return rc_fill;
}

/* Queue the reminder for one recipient. Return 0 or -1. */
static int queue_one(struct db *db, const struct remind_config *rc, const struct due *d, const struct recipient *r)
{
	struct buf subject, body;
	buf_init(&subject, 2048);
	buf_init(&body, MAIL_BODY_MAX);
	int rc_q = compose(&subject, &body, rc, d, r->lang, r->name, r->tz);
	if (rc_q == 0 && r->contact) {
		/* No one's language is known: both, the instance's own first. */
		enum lang other = r->lang == LANG_JA ? LANG_EN : LANG_JA;
		rc_q = buf_adds(&subject, " / ") || buf_adds(&body, "\n----\n\n") ? -1 : 0;
		if (rc_q == 0)
			rc_q = compose(&subject, &body, rc, d, other, r->name, r->tz);
	}
	if (rc_q == 0 && mail_queue(db, r->email, r->name, lang_code(r->lang), subject.data, body.data) < 0)
		rc_q = -1;
	buf_release(&subject);
	buf_release(&body);
	return rc_q;
}

static int record(struct db *db, const struct remind_config *rc, const struct due *d, int nrcpt, int64_t now)
{
	static const char sql[] =
		"INSERT INTO team_reminders (team_id, period, seq, kind, sent_at, recipients) VALUES (?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, d->team_id);
	sqlite3_bind_int64(st, 2, d->last_verified);
	sqlite3_bind_int(st, 3, d->number - 1);
	sqlite3_bind_text(st, 4, d->overdue ? "overdue" : "due", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int(st, 6, nrcpt);
	if (db_run(db, st) < 0)
		return -1;
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)d->team_id);
	json_t *detail = json_pack("{s:s,s:s,s:i,s:i}", "slug", d->slug, "kind", d->overdue ? "overdue" : "due",
	                           "number", d->number, "recipients", nrcpt);
	char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	json_decref(detail);
	struct audit_entry e = {
		.action = "team.remind", .object_type = "team", .object_id = id, .request_id = rc->origin,
		.client_addr = "local", .detail = text ? text : "",
	};
	int64_t rid = audit_write(db, &e);
	free(text);
	return rid < 0 ? -1 : 0;
}

static void report(void (*each)(const struct remind_mail *m, void *arg), void *arg, const struct due *d,
                   const struct recipient *r)
{
	if (!each)
		return;
	const char *lang = !r ? "" : !r->contact ? lang_code(r->lang) : r->lang == LANG_JA ? "ja+en" : "en+ja";
	struct remind_mail m = {d->slug, d->overdue ? "overdue" : "due", d->number, r ? r->email : NULL, lang};
	each(&m, arg);
}

/* Remind one team that is due. Return 1 reminded, 0 not (no recipient,
 * or no longer due), -1 on error. */
static int remind_team(struct db *db, const struct remind_config *rc, int64_t team_id, int64_t now, bool dry_run,
                       void (*each)(const struct remind_mail *m, void *arg), void *arg)
{
	struct due d;
	struct recipient r[MAX_RECIPIENTS];
	if (!dry_run && db_begin(db) < 0)
		return -1;
	/* Decided again inside the transaction: another scan may have sent it. */
	int res = reminder_due(db, rc, team_id, now, &d);
	int n = res == 1 ? recipients_of(db, rc, &d, r) : 0;
	if (n < 0)
		res = -1;
	if (res == 1 && n == 0) {
		report(each, arg, &d, NULL);
		res = 0;
	}
	for (int i = 0; res == 1 && i < n; i++)
		if (!dry_run && queue_one(db, rc, &d, &r[i]) < 0)
			res = -1;
	if (res == 1 && !dry_run && (record(db, rc, &d, n, now) < 0 || db_commit(db) < 0))
		res = -1;
	if (res != 1 && !dry_run)
		db_rollback(db);
	for (int i = 0; res == 1 && i < n; i++)
		report(each, arg, &d, &r[i]);
	if (n > 0)
		recipients_free(r, n);
	due_free(&d);
	return res;
}

int remind_scan(struct db *db, const struct remind_config *rc, int64_t now, bool dry_run,
                void (*each)(const struct remind_mail *m, void *arg), void *arg)
{
	/* Records whose first reminder is due: last confirmed before
	 * NOW - confirm_months + lead_days, or never. */
	static const char candidates[] =
		"SELECT id FROM teams WHERE state = 'active' AND id > ?1 AND (last_verified IS NULL OR last_verified <= ?2)"
		" ORDER BY id LIMIT ?3";
	int64_t horizon = now - (int64_t)rc->confirm_months * TEAM_MONTH_S + (int64_t)rc->lead_days * DAY_S;
	int64_t after = 0, ids[BATCH];
	int reminded = 0, n;
	if (rc->max <= 0)
		return 0;
	do {
		sqlite3_stmt *st = db_stmt(db, candidates);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, after);
		sqlite3_bind_int64(st, 2, horizon);
		sqlite3_bind_int(st, 3, BATCH);
		int step;
		n = 0;
		while ((step = sqlite3_step(st)) == SQLITE_ROW)
			ids[n++] = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (step != SQLITE_DONE)
			return -1;
		for (int i = 0; i < n; i++) {
			/* Most candidates were reminded lately: look before taking the write lock. */
			struct due d;
			int due = reminder_due(db, rc, ids[i], now, &d);
			due_free(&d);
			if (due == 1)
				due = remind_team(db, rc, ids[i], now, dry_run, each, arg);
			if (due < 0)
				return -1;
			reminded += due;
		}
		if (n > 0)
			after = ids[n - 1];
	} while (n == BATCH);
	if (reminded > 0 && !dry_run)
		jobs_notify();
	return reminded;
}
