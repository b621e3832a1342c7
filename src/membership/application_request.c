/* The public application form and the verification of its address; see
 * application_request.h. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "accounts/accounts.h"
#include "auth/throttle.h"
#include "core/clock.h"
#include "core/secret.h"
#include "directory/fields.h"
#include "jobs/jobs.h"
#include "membership/application_draft.h"
#include "membership/application_mail.h"
#include "membership/application_request.h"
#include "membership/application_store.h"

#define DAY_TEXT_MAX 32   /* "2026-11-25", with room for any int the compiler imagines */

/* The day (YYYY-MM-DD) MONTHS calendar months after the day T is in
 * time zone TZ, the day of the month kept where the month has it (else
 * its last day). */
static void months_later(int64_t t, const char *tz, int months, char out[DAY_TEXT_MAX])
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	char local[64];
	int y = 1970, m = 1, d = 1;
	clock_local(t, tz, local, sizeof(local));
	sscanf(local, "%d-%d-%d", &y, &m, &d);
	int idx = (y * 12 + m - 1) + months;
	y = idx / 12;
	m = idx % 12 + 1;
	int last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	snprintf(out, DAY_TEXT_MAX, "%04d-%02d-%02d", y, m, d > last ? last : d);
}

static void today(int64_t now, const char *tz, char out[DAY_TEXT_MAX])
{
	char local[64];
	clock_local(now, tz, local, sizeof(local));
	snprintf(out, DAY_TEXT_MAX, "%.10s", local);
}

/* Whether organisation ID has withdrawn from the association: 1, 0, -1. */
static int org_withdrawn(struct db *db, int64_t id)
{
	static const char sql[] = "SELECT status = 'withdrawn' FROM orgs WHERE id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	int yes = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? yes : -1;
}

/* Whether an organisation called ORG_NAME, or the address EMAIL, may
 * start an application now. *REUSE_ORG gets the id of an applicant
 * organisation of that name (from an earlier application) to apply
 * again as, else 0. ERR_OK or the refusal. */
static enum err may_apply(struct app_call *c, const char *org_name, const char *email, int64_t *reuse_org)
{
	static const char open_sql[] =
		"SELECT 1 FROM applications WHERE (org_name = ?1 OR contact_email = ?2)"
		" AND state NOT IN ('approved', 'rejected', 'withdrawn') LIMIT 1";
	static const char rejected_sql[] =
		"SELECT max(decided_at) FROM applications WHERE state = 'rejected' AND (org_name = ?1 OR contact_email = ?2)";
	*reuse_org = 0;
	sqlite3_stmt *st = db_stmt(c->db, open_sql);
	if (!st)
		return ERR_INTERNAL;
	sqlite3_bind_text(st, 1, org_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, email, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return app_refuse(c, ERR_CONFLICT, "app.duplicate_open", NULL);
	if (rc != SQLITE_DONE || !(st = db_stmt(c->db, rejected_sql)))
		return ERR_INTERNAL;
	sqlite3_bind_text(st, 1, org_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, email, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	int64_t rejected_at = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return ERR_INTERNAL;
	if (rejected_at) {
		char may[DAY_TEXT_MAX], now[DAY_TEXT_MAX];
		months_later(rejected_at, c->cfg->default_tz, c->cfg->reapply_lock_months, may);
		today(c->now, c->cfg->default_tz, now);
		if (strcmp(now, may) < 0) {
			const char *vars[] = {"date", may, NULL};
			return app_refuse(c, ERR_CONFLICT, "app.reapply_locked", vars);
		}
	}
	struct org o;
	int found = org_find(c->db, org_name, &o);
	if (found < 0)
		return ERR_INTERNAL;
	if (found && strcmp(o.kind, "applicant") != 0) {
		int withdrawn = org_withdrawn(c->db, o.id);
		if (withdrawn < 0)
			return ERR_INTERNAL;
		return app_refuse(c, ERR_CONFLICT, withdrawn ? "app.org_withdrawn" : "app.org_exists", NULL);
	}
	if (found)
		*reuse_org = o.id;
	struct user u;
	found = user_find_email(c->db, email, &u);
	if (found < 0)
		return ERR_INTERNAL;
	if (found && (!*reuse_org || u.org_id != *reuse_org))
		return app_refuse(c, ERR_CONFLICT, "app.email_in_use", NULL);
	return ERR_OK;
}

/* The form's values, checked and canonical, in the call's pool. */
struct form_values {
	const char *org_name, *org_name_ja, *org_group, *contact_name, *lang, *team_slug;
	char email[FIELD_EMAIL_MAX];
	json_t *draft;                 /* canonical; owned */
};

static void check_form(struct app_call *c, const struct app_form *f, struct form_values *v)
{
	memset(v, 0, sizeof(*v));
	v->org_name = app_text(c, "org_name", f->org_name, ORG_NAME_MAX, false, true);
	v->org_name_ja = app_text(c, "org_name_ja", f->org_name_ja, ORG_NAME_MAX, false, false);
	v->org_group = app_text(c, "org_group", f->org_group, ORG_NAME_MAX, false, false);
	v->contact_name = app_text(c, "contact_name", f->contact_name, USER_NAME_MAX, false, true);
	if (!f->contact_email || !*f->contact_email) {
		app_field_error(c, "contact_email", "field.required", NULL);
	} else {
		enum field_result r = field_email(f->contact_email, v->email);
		if (r != FIELD_OK) {
			const char *vars[] = {"suggestion", "", "max", "254", NULL};
			app_field_error(c, "contact_email", field_err_key(r), vars);
		}
	}
	v->lang = f->lang && *f->lang ? f->lang : "ja";
	if (strcmp(v->lang, "en") != 0 && strcmp(v->lang, "ja") != 0)
		app_field_error(c, "lang", "field.bad_choice", NULL);
	v->team_slug = f->team_slug ? f->team_slug : "";
	if (!json_is_object(f->team)) {
		app_field_error(c, "team", f->team ? "app.want_object" : "field.required", NULL);
		return;
	}
	struct team_change ch;
	if (app_draft_read(c, f->team, &ch) > 0)
		return;
	if (!ch.set[team_field_col(0)] || !ch.text[team_field_col(0)] || !*ch.text[team_field_col(0)])
		app_field_error(c, "team.name.en", "field.required", NULL);
	else
		v->draft = app_draft_json(&ch, DIR_ALL);
}

enum err application_request(struct app_call *c, const struct app_form *f, int64_t *expires_at)
{
	struct form_values v;
	check_form(c, f, &v);
	if (!c->nerrors && app_slug_check(c, "team_slug", v.team_slug, 0, false) < 0) {
		json_decref(v.draft);
		return ERR_INTERNAL;
	}
	if (c->nerrors) {
		json_decref(v.draft);
		return ERR_VALIDATION;
	}
	static const char sql[] =
		"INSERT INTO application_requests (token_hash, email, org_name, lang, payload, client_addr, created_at,"
		" expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	char akey[96], token[SECRET_TOKEN_LEN + 1], link[600];
	unsigned char hash[SECRET_HASH_LEN];
	snprintf(akey, sizeof(akey), "apply:%s", c->client_addr ? c->client_addr : "");
	json_t *payload = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "org_name", v.org_name, "org_name_ja",
	                            v.org_name_ja, "org_group", v.org_group, "contact_name", v.contact_name,
	                            "contact_email", v.email, "lang", v.lang, "team_slug", v.team_slug, "team", v.draft);
	char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
	json_decref(payload);
	int64_t reuse;
	enum err e = ERR_INTERNAL;
	if (!text || db_begin(c->db) < 0)
		goto out;
	int64_t locked = throttle_locked(c->db, akey, c->now);
	if (locked != 0) {
		db_rollback(c->db);
		e = locked < 0 ? ERR_INTERNAL : app_refuse(c, ERR_RATE_LIMITED, "err.rate_limited", NULL);
		goto out;
	}
	if ((e = may_apply(c, v.org_name, v.email, &reuse)) != ERR_OK) {
		db_rollback(c->db);
		goto out;
	}
	e = ERR_INTERNAL;
	secret_token(token);
	secret_hash(token, strlen(token), hash);
	snprintf(link, sizeof(link), "%s/apply/verify?token=%s", c->cfg->base_url, token);
	sodium_memzero(token, sizeof(token));
	*expires_at = c->now + (int64_t)c->cfg->application_verify_hours * 3600;
	sqlite3_stmt *st = db_stmt(c->db, sql);
	if (!st)
		goto fail;
	sqlite3_bind_blob(st, 1, hash, sizeof(hash), SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, v.email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, v.org_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, v.lang, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, c->client_addr ? c->client_addr : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, c->now);
	sqlite3_bind_int64(st, 8, *expires_at);
	/* Each request counts against the client, so the form cannot be used
	 * to flood someone's mailbox. */
	if (db_run(c->db, st) < 0 ||
	    app_mail_verify(c, v.email, v.contact_name, v.lang, v.org_name, link) < 0 ||
	    throttle_fail(c->db, akey, APP_REQUESTS_PER_ADDR, c->now) < 0 ||
	    app_audit(c, "application.request", 0, "") < 0 || db_commit(c->db) < 0)
		goto fail;
	jobs_notify();
	e = ERR_OK;
	goto out;
fail:
	db_rollback(c->db);
out:
	sodium_memzero(link, sizeof(link));
	free(text);
	return e;
}

/* The request of TOKEN: its state into *USED / *EXPIRED. 1 found, 0 not, -1. */
static int request_state(struct app_call *c, const char *token, char *email, size_t n, bool *used, bool *expired)
{
	static const char sql[] =
		"SELECT email, used_at IS NOT NULL, expires_at <= ?2 FROM application_requests WHERE token_hash = ?1";
	unsigned char hash[SECRET_HASH_LEN];
	secret_hash(token, strlen(token), hash);
	sqlite3_stmt *st = db_stmt(c->db, sql);
	if (!st)
		return -1;
	sqlite3_bind_blob(st, 1, hash, sizeof(hash), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, c->now);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(email, n, "%s", db_col_text(st, 0));
		*used = sqlite3_column_int(st, 1);
		*expired = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

enum err application_request_check(struct app_call *c, const char *token, char *email, size_t n)
{
	bool used = false, expired = false;
	int found = token ? request_state(c, token, email, n, &used, &expired) : 0;
	if (found < 0)
		return ERR_INTERNAL;
	if (!found)
		return app_refuse(c, ERR_BAD_REQUEST, "app.token_unknown", NULL);
	if (used)
		return app_refuse(c, ERR_BAD_REQUEST, "app.token_used", NULL);
	if (expired)
		return app_refuse(c, ERR_BAD_REQUEST, "app.token_expired", NULL);
	return ERR_OK;
}

static int set_org_details(struct db *db, int64_t org_id, const char *name_ja, const char *group)
{
	static const char sql[] = "UPDATE orgs SET name_ja = ?, org_group = ? WHERE id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name_ja, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, group, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, org_id);
	return db_run(db, st);
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* The organisation and its first user, as the request describes them. */
static int make_account(struct app_call *c, json_t *p, int64_t reuse_org, const char *pw_hash, int64_t *org_id,
                        int64_t *user_id)
{
	const char *name = str(p, "org_name"), *name_ja = str(p, "org_name_ja"), *group = str(p, "org_group");
	const char *email = str(p, "contact_email");
	*org_id = reuse_org;
	if (!reuse_org && org_create(c->db, name, name_ja, "applicant", org_id) != ACCT_OK)
		return -1;
	if (set_org_details(c->db, *org_id, name_ja, group) < 0)
		return -1;
	/* Applying again: the contact of an earlier application chooses a new password. */
	struct user u;
	int found = user_find_email(c->db, email, &u);
	if (found < 0)
		return -1;
	if (found) {
		*user_id = u.id;
		return user_set_password(c->db, u.id, pw_hash, c->now) == ACCT_OK ? 0 : -1;
	}
	return user_create(c->db, *org_id, email, str(p, "contact_name"), "team_admin", str(p, "lang"), pw_hash,
	                   user_id) == ACCT_OK ? 0 : -1;
}

enum err application_verify(struct app_call *c, const char *token, const char *pw_hash, int64_t *id)
{
	static const char sql[] =
		"UPDATE application_requests SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2"
		" RETURNING payload";
	char email[EMAIL_MAX + 1];
	enum err e = application_request_check(c, token, email, sizeof(email));
	if (e != ERR_OK)
		return e;
	unsigned char hash[SECRET_HASH_LEN];
	secret_hash(token, strlen(token), hash);
	json_t *p = NULL;
	struct application a;
	memset(&a, 0, sizeof(a));
	e = ERR_INTERNAL;
	if (db_begin(c->db) < 0)
		return e;
	sqlite3_stmt *st = db_stmt(c->db, sql);
	if (!st)
		goto fail;
	sqlite3_bind_blob(st, 1, hash, sizeof(hash), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, c->now);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		p = json_loads(db_col_text(st, 0), 0, NULL);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		/* Used or expired since the check: say which. */
		db_rollback(c->db);
		return application_request_check(c, token, email, sizeof(email));
	}
	if (!json_is_object(p))
		goto fail;
	int64_t reuse, org_id, user_id;
	if ((e = may_apply(c, str(p, "org_name"), str(p, "contact_email"), &reuse)) != ERR_OK)
		goto fail;
	e = ERR_INTERNAL;
	if (make_account(c, p, reuse, pw_hash, &org_id, &user_id) < 0)
		goto fail;
	c->actor = (struct actor){.role = ROLE_APPLICANT, .user_id = user_id, .org_id = org_id};
	a.org_id = org_id;
	a.state = APP_DRAFT;
	snprintf(a.org_name, sizeof(a.org_name), "%s", str(p, "org_name"));
	snprintf(a.org_name_ja, sizeof(a.org_name_ja), "%s", str(p, "org_name_ja"));
	snprintf(a.org_group, sizeof(a.org_group), "%s", str(p, "org_group"));
	snprintf(a.contact_name, sizeof(a.contact_name), "%s", str(p, "contact_name"));
	snprintf(a.contact_email, sizeof(a.contact_email), "%s", str(p, "contact_email"));
	snprintf(a.lang, sizeof(a.lang), "%s", str(p, "lang"));
	snprintf(a.team_slug, sizeof(a.team_slug), "%s", str(p, "team_slug"));
	a.draft = json_incref(json_object_get(p, "team"));
	a.sponsors_required = c->cfg->sponsors_required;
	if (!json_is_object(a.draft) || application_insert(c->db, &a, c->now) < 0)
		goto fail;
	/* Inserted as a draft; its history starts with the creation. */
	a.state = APP_NONE;
	if ((e = app_move(c, &a, APP_EV_CREATE, APP_BY_APPLICANT, "")) != ERR_OK)
		goto fail;
	e = ERR_INTERNAL;
	if (app_mail_applicant(c, &a, "created", NULL) < 0 || db_commit(c->db) < 0)
		goto fail;
	jobs_notify();
	*id = a.id;
	json_decref(p);
	application_release(&a);
	return ERR_OK;
fail:
	db_rollback(c->db);
	json_decref(p);
	application_release(&a);
	return e;
}
