/* Composing and queueing the mail of applications; see application_mail.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "mail/outbox.h"
#include "membership/application_mail.h"

#define MAIL_BODY_MAX (64u << 10)
#define MAX_VARS 32

const char *const app_mail_kinds[] = {
	"verify", "created", "submitted", "sponsor_asked", "sponsor_declined", "window_opened", "window_open",
	"review_due", "approved", "new_member", "rejected", "sent_back", "withdrawn", NULL,
};

struct recipient {
	const char *email, *name, *lang, *tz;
};

static int queue_one(struct app_call *c, const struct application *a, const struct recipient *r, const char *kind,
                     const char *const extra[])
{
	enum lang lang = strcmp(r->lang, "en") == 0 ? LANG_EN : LANG_JA;
	char key[64], link[512] = "", ends[64] = "";
	if (a) {
		snprintf(link, sizeof(link), "%s/applications/%lld", c->cfg->base_url, (long long)a->id);
		if (a->window_ends_at)
			clock_local(a->window_ends_at, r->tz, ends, sizeof(ends));
	}
	const char *org = !a ? "" : lang == LANG_JA && a->org_name_ja[0] ? a->org_name_ja : a->org_name;
	const char *vars[MAX_VARS * 2 + 1];
	size_t n = 0;
	const char *common[] = {"name", r->name, "org", org, "link", link, "ends", ends,
	                        "instance", c->cfg->instance_name, "url", c->cfg->base_url, NULL};
	for (size_t i = 0; common[i] && n + 2 < MAX_VARS * 2; i += 2) {
		vars[n++] = common[i];
		vars[n++] = common[i + 1];
	}
	for (size_t i = 0; extra && extra[i] && n + 2 < MAX_VARS * 2; i += 2) {
		vars[n++] = extra[i];
		vars[n++] = extra[i + 1];
	}
	vars[n] = NULL;
	struct buf subject, body;
	buf_init(&subject, 4096);
	buf_init(&body, MAIL_BODY_MAX);
	snprintf(key, sizeof(key), "mail.app.%s.subject", kind);
	int rc = i18n_fill(&subject, i18n_get(lang, key), vars);
	snprintf(key, sizeof(key), "mail.app.%s.body", kind);
	if (rc == 0)
		rc = i18n_fill(&body, i18n_get(lang, key), vars);
	if (rc == 0 && mail_queue(c->db, r->email, r->name, lang_code(lang), subject.data ? subject.data : "",
	                          body.data ? body.data : "") < 0)
		rc = -1;
	buf_release(&subject);
	buf_release(&body);
	return rc;
}

int app_mail_applicant(struct app_call *c, const struct application *a, const char *kind, const char *const extra[])
{
	struct recipient r = {a->contact_email, a->contact_name, a->lang, c->cfg->default_tz};
	return queue_one(c, a, &r, kind, extra) < 0 ? -1 : 1;
}

/* Mail KIND to everyone SQL (bound with ID) returns as (email, name, lang, tz). */
static int queue_each(struct app_call *c, const struct application *a, const char *sql, int64_t id, const char *kind,
                      const char *const extra[])
{
	/* The recipients first, then the mail: queueing uses statements of
	 * its own while this one would still be stepping. */
	struct buf rows;
	buf_init(&rows, 256u << 20);
	sqlite3_stmt *st = db_stmt(c->db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc, n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int col = 0; col < 4; col++)
			if (buf_add(&rows, db_col_text(st, col), strlen(db_col_text(st, col)) + 1) < 0)
				rc = SQLITE_NOMEM;
		if (rc != SQLITE_ROW)
			break;
		n++;
	}
	sqlite3_reset(st);
	int queued = 0;
	const char *p = rows.data;
	for (int i = 0; rc == SQLITE_DONE && i < n; i++) {
		struct recipient r;
		r.email = p;
		p += strlen(p) + 1;
		r.name = p;
		p += strlen(p) + 1;
		r.lang = p;
		p += strlen(p) + 1;
		r.tz = p;
		p += strlen(p) + 1;
		if (queue_one(c, a, &r, kind, extra) < 0)
			rc = SQLITE_ERROR;
		else
			queued++;
	}
	buf_release(&rows);
	return rc == SQLITE_DONE ? queued : -1;
}

int app_mail_team_admins(struct app_call *c, const struct application *a, int64_t team_id, const char *kind,
                         const char *const extra[])
{
	static const char sql[] =
		"SELECT u.email, u.name, u.lang, u.tz FROM users u JOIN orgs o ON o.id = u.org_id"
		" JOIN teams t ON t.org_id = o.id WHERE t.id = ? AND o.kind = 'member' AND u.role = 'team_admin'"
		" AND u.disabled = 0 ORDER BY u.id";
	return queue_each(c, a, sql, team_id, kind, extra);
}

int app_mail_members(struct app_call *c, const struct application *a, const char *kind, const char *const extra[])
{
	static const char sql[] =
		"SELECT u.email, u.name, u.lang, u.tz FROM users u JOIN orgs o ON o.id = u.org_id"
		" WHERE o.kind = 'member' AND o.status = 'active' AND o.id != ? AND u.role = 'team_admin'"
		" AND u.disabled = 0 AND EXISTS (SELECT 1 FROM teams t WHERE t.org_id = o.id AND t.state = 'active')"
		" ORDER BY u.id";
	return queue_each(c, a, sql, a->org_id, kind, extra);
}

int app_mail_members_later(struct app_call *c, const struct application *a, const char *kind,
                           const char *const extra[])
{
	json_t *vars = json_array();
	for (size_t i = 0; extra && extra[i] && extra[i + 1]; i += 2) {
		json_array_append_new(vars, json_string(extra[i]));
		json_array_append_new(vars, json_string(extra[i + 1]));
	}
	json_t *p = json_pack("{s:I,s:s,s:o}", "application", (json_int_t)a->id, "kind", kind, "vars", vars);
	char *text = p ? json_dumps(p, JSON_COMPACT) : NULL;
	json_decref(p);
	int64_t job = text ? jobs_enqueue(c->db, "membership.mail", text, 0) : -1;
	free(text);
	return job < 0 ? -1 : 0;
}

enum job_result app_mail_job_run(struct db *db, const struct config *cfg, int64_t job_id, const char *payload,
                                 char *err, size_t errlen)
{
	static const char done[] =
		"UPDATE jobs SET state = 'done', done_at = ?2, payload = '' WHERE id = ?1 AND state = 'running'";
	json_t *p = json_loads(payload, 0, NULL), *vars = json_object_get(p, "vars");
	const char *kind = json_string_value(json_object_get(p, "kind"));
	int64_t id = json_integer_value(json_object_get(p, "application"));
	const char *extra[MAX_VARS * 2 + 1];
	size_t n = 0;
	for (size_t i = 0; i < json_array_size(vars) && n < MAX_VARS * 2; i++)
		extra[n++] = json_string_value(json_array_get(vars, i));
	extra[n & ~(size_t)1] = NULL;
	bool known = false;
	for (size_t i = 0; kind && app_mail_kinds[i]; i++)
		known = known || !strcmp(kind, app_mail_kinds[i]);
	if (!known || n % 2 || !json_is_array(vars)) {
		snprintf(err, errlen, "not a membership mail job: %.200s", payload);
		json_decref(p);
		return JOB_FAIL;
	}
	struct app_call c = {.db = db, .cfg = cfg, .request_id = "job", .client_addr = "", .now = clock_now()};
	struct application a;
	memset(&a, 0, sizeof(a));
	enum job_result res = JOB_RETRY;
	if (db_begin(db) < 0)
		goto out;
	sqlite3_stmt *st = db_stmt(db, done);
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int64(st, 2, c.now);
	if (db_run(db, st) < 0)
		goto fail;
	/* Done already by another runner whose lease had run out: nothing to do. */
	int found = sqlite3_changes(db->h) == 1 ? application_load(db, id, &a) : 0;
	if (found < 0 || (found && app_mail_members(&c, &a, kind, extra) < 0) || db_commit(db) < 0)
		goto fail;
	res = JOB_OK;
	goto out;
fail:
	db_rollback(db);
	snprintf(err, errlen, "database error: %s", sqlite3_errmsg(db->h));
out:
	application_release(&a);
	json_decref(p);
	return res;
}

int app_mail_secretariat(struct app_call *c, const struct application *a, const char *kind, const char *const extra[])
{
	static const char sql[] =
		"SELECT u.email, u.name, u.lang, u.tz FROM users u JOIN orgs o ON o.id = u.org_id"
		" WHERE o.kind = 'secretariat' AND u.disabled = 0 AND ? ORDER BY u.id";
	return queue_each(c, a, sql, 1, kind, extra);
}

int app_mail_verify(struct app_call *c, const char *email, const char *name, const char *lang, const char *org,
                    const char *link)
{
	char hours[16];
	snprintf(hours, sizeof(hours), "%d", c->cfg->application_verify_hours);
	struct recipient r = {email, name, lang, c->cfg->default_tz};
	const char *extra[] = {"org", org, "link", link, "hours", hours, NULL};
	return queue_one(c, NULL, &r, "verify", extra);
}
