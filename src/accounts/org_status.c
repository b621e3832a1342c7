/* Member organisations' status; see org_status.h. */
#include <stdio.h>
#include <string.h>
#include "accounts/org_status.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "mail/outbox.h"

#define MAIL_BODY_MAX (64u << 10)

const char *const org_statuses[] = {"active", "suspended", "withdrawn", NULL};

bool org_status_valid(const char *s)
{
	for (size_t i = 0; s && org_statuses[i]; i++)
		if (!strcmp(s, org_statuses[i]))
			return true;
	return false;
}

enum org_status_verdict org_status_check(const char *kind, const char *from, const char *to)
{
	if (!org_status_valid(from) || !org_status_valid(to))
		return ORG_STATUS_UNKNOWN;
	if (!kind || (strcmp(kind, "member") && strcmp(kind, "observer")))
		return ORG_STATUS_WRONG_KIND;
	if (!strcmp(from, to))
		return ORG_STATUS_SAME;
	if (!strcmp(from, "withdrawn"))
		return ORG_STATUS_FINAL;
	return ORG_STATUS_OK;
}

const char *org_status_refusal_key(enum org_status_verdict v)
{
	switch (v) {
	case ORG_STATUS_OK: return NULL;
	case ORG_STATUS_UNKNOWN: return "field.bad_choice";
	case ORG_STATUS_WRONG_KIND: return "org_status.wrong_kind";
	case ORG_STATUS_SAME: return "org_status.same";
	case ORG_STATUS_FINAL: return "org_status.final";
	}
	return "field.bad_choice";
}

/* Today in the instance's time zone, as YYYY-MM-DD: the first ten
 * characters of clock_local's "2026-11-25 19:00 JST". */
static void local_date(int64_t t, const char *tz, char out[11])
{
	char s[64];
	clock_local(t, tz, s, sizeof(s));
	memcpy(out, s, 10);
	out[10] = '\0';
}

static int write_org(struct db *db, const struct org_status_change *ch)
{
	static const char org_sql[] = "UPDATE orgs SET status = ?, status_changed_at = ? WHERE id = ?";
	static const char history_sql[] =
		"INSERT INTO org_status_history (org_id, from_status, to_status, reason, actor_user_id, at)"
		" VALUES (?, ?, ?, ?, nullif(?, 0), ?)";
	sqlite3_stmt *st = db_stmt(db, org_sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, ch->to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ch->now);
	sqlite3_bind_int64(st, 3, ch->org->id);
	if (db_run(db, st) < 0 || !(st = db_stmt(db, history_sql)))
		return -1;
	sqlite3_bind_int64(st, 1, ch->org->id);
	sqlite3_bind_text(st, 2, ch->org->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ch->to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ch->reason ? ch->reason : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, ch->actor_user_id);
	sqlite3_bind_int64(st, 6, ch->now);
	return db_run(db, st);
}

/* The team's state follows the organisation's status; withdrawal also
 * dates its leaving, which the statistics count members up to. */
static int write_team(struct db *db, const struct org_status_change *ch, const char *today)
{
	static const char sql[] =
		"UPDATE teams SET state = ?1, left_on = CASE WHEN ?1 = 'withdrawn' THEN ?2 ELSE left_on END,"
		" updated_at = ?3 WHERE org_id = ?4";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, ch->to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ch->now);
	sqlite3_bind_int64(st, 4, ch->org->id);
	return db_run(db, st);
}

/* Append KEY's text in LANG with VARS filled in to OUT. Return 0 or -1. */
static int fill(struct buf *out, enum lang lang, const char *key, const char *const vars[])
{
	return i18n_fill(out, i18n_get(lang, key), vars) < 0 || !out->data ? -1 : 0;
}

/* Tell each enabled team admin of the organisation, in their language. */
static int mail_admins(struct db *db, const struct config *cfg, const struct org_status_change *ch, const char *today)
{
	static const char sql[] =
		"SELECT email, name, lang FROM users WHERE org_id = ? AND role = 'team_admin' AND disabled = 0 ORDER BY id";
	char subject_key[64], body_key[64], days[16];
	snprintf(subject_key, sizeof(subject_key), "mail.org_status.%s.subject", ch->to);
	snprintf(body_key, sizeof(body_key), "mail.org_status.%s.body", ch->to);
	snprintf(days, sizeof(days), "%d", cfg->withdrawn_retention_days);
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ch->org->id);
	int rc, failed = 0;
	while (!failed && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *email = db_col_text(st, 0), *name = db_col_text(st, 1);
		enum lang lang = strcmp(db_col_text(st, 2), "en") == 0 ? LANG_EN : LANG_JA;
		const char *org_name = lang == LANG_JA && ch->org->name_ja[0] ? ch->org->name_ja : ch->org->name;
		const char *vars[] = {"name", name, "org", org_name, "instance", cfg->instance_name, "reason",
		                      ch->reason ? ch->reason : "", "date", today, "days", days, "url", cfg->base_url,
		                      NULL};
		struct buf subject, body;
		buf_init(&subject, MAIL_BODY_MAX);
		buf_init(&body, MAIL_BODY_MAX);
		failed = fill(&subject, lang, subject_key, vars) < 0 || fill(&body, lang, body_key, vars) < 0 ||
		         mail_queue(db, email, name, lang_code(lang), subject.data, body.data) < 0;
		buf_release(&subject);
		buf_release(&body);
	}
	sqlite3_reset(st);
	return failed || rc != SQLITE_DONE ? -1 : 0;
}

int org_status_change(struct db *db, const struct config *cfg, const struct org_status_change *ch)
{
	enum org_status_verdict v = org_status_check(ch->org->kind, ch->org->status, ch->to);
	if (v != ORG_STATUS_OK)
		return (int)v;
	char today[11];
	local_date(ch->now, cfg->default_tz, today);
	if (write_org(db, ch) < 0 || write_team(db, ch, today) < 0 || mail_admins(db, cfg, ch, today) < 0)
		return -1;
	return ORG_STATUS_OK;
}

int org_status_team(struct db *db, int64_t org_id, char *slug, size_t n)
{
	static const char sql[] = "SELECT slug FROM teams WHERE org_id = ?";
	return db_text_for_id(db, sql, org_id, slug, n);
}

int org_status_history(struct db *db, int64_t org_id, int64_t after, int limit,
                       void (*each)(const struct org_status_event *e, void *arg), void *arg)
{
	static const char sql[] =
		"SELECT h.id, h.from_status, h.to_status, h.reason, coalesce(h.actor_user_id, 0), coalesce(u.name, ''), h.at"
		" FROM org_status_history h LEFT JOIN users u ON u.id = h.actor_user_id"
		" WHERE h.org_id = ? AND h.id > ? ORDER BY h.id LIMIT ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int(st, 3, limit);
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct org_status_event e = {
			.id = sqlite3_column_int64(st, 0),
			.from = db_col_text(st, 1),
			.to = db_col_text(st, 2),
			.reason = db_col_text(st, 3),
			.actor_user_id = sqlite3_column_int64(st, 4),
			.actor_name = db_col_text(st, 5),
			.at = sqlite3_column_int64(st, 6),
		};
		each(&e, arg);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}
