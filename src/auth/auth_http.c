/* Signing in and out: the password step (hashed on the worker pool, with
 * throttling per account and per client address), the second factor,
 * sign-out, first-time setup, and password reset by mail. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "accounts/accounts.h"
#include "auth/auth_http.h"
#include "auth/mfa.h"
#include "auth/password.h"
#include "auth/reset.h"
#include "auth/session.h"
#include "auth/setup.h"
#include "auth/throttle.h"
#include "core/clock.h"
#include "core/log.h"
#include "http/authn.h"
#include "http/input.h"
#include "http/respond.h"
#include "http/worker.h"
#include "jobs/jobs.h"
#include "mail/outbox.h"

/* ---- shared page helpers ---- */

static json_t *form_page(struct ctx *c, const char *title_key)
{
	json_t *d = json_object();
	json_object_set_new(d, "title", json_string(ctx_t(c, title_key)));
	json_t *errs = ctx_field_errors_json(c);
	json_object_set_new(d, "errors", errs);
	return d;
}

/* A page that only says something (after a reset request, for example). */
static void notice(struct ctx *c, int status, const char *title_key, const char *text_key)
{
	json_t *d = json_object();
	json_object_set_new(d, "title", json_string(ctx_t(c, title_key)));
	json_object_set_new(d, "text", json_string(ctx_t(c, text_key)));
	http_page(c, status, "notice.html", d);
}

static void start_session(struct ctx *c, int64_t user_id, bool mfa_pending)
{
	char token[SECRET_TOKEN_LEN + 1];
	h2o_iovec_t ua = ctx_header(c, "user-agent");
	char *agent = ua.base ? ctx_strndup(c, ua.base, ua.len < 200 ? ua.len : 200) : "";
	int64_t sid = session_create(c->db, user_id, mfa_pending, clock_now(), c->cfg->session_absolute_s,
	                             c->client_addr, agent, token);
	if (sid > 0) {
		http_cookie(c, COOKIE_SESSION, token, 0);
		c->session_id = sid;
	}
	sodium_memzero(token, sizeof(token));
}

/* ---- sign in ---- */

static void signin_page(struct ctx *c, int status, const char *email, const char *error_key)
{
	json_t *d = form_page(c, "signin.title");
	json_object_set_new(d, "email", json_string(email ? email : ""));
	json_object_set_new(d, "next", json_string(input_next(c, "next", "/")));
	if (error_key)
		json_object_set_new(d, "error", json_string(ctx_t(c, error_key)));
	http_page(c, status, "signin.html", d);
}

static void signin_form(struct ctx *c)
{
	if (c->actor.user_id) {
		http_redirect(c, input_next(c, "next", "/"));
		return;
	}
	signin_page(c, 200, NULL, NULL);
}

struct signin_job {
	char *password;
	char hash[PASSWORD_HASH_MAX];
	bool have_user;
	bool ok;
	int64_t user_id;
	int64_t org_id;
	bool mfa_enabled;
	char email[EMAIL_MAX + 1];
	char name[USER_NAME_MAX + 1];
	char lang[3];
};

static void signin_job_free(struct signin_job *j)
{
	if (j->password) {
		sodium_memzero(j->password, strlen(j->password));
		free(j->password);
	}
	sodium_memzero(j->hash, sizeof(j->hash));
	free(j);
}

static void signin_work(void *arg)
{
	struct signin_job *j = arg;
	j->ok = password_verify(j->have_user ? j->hash : NULL, j->password);
}

/* A notice to the account's owner when it is used from an address it has
 * not been used from before. */
static void queue_signin_notice(struct ctx *c, const struct signin_job *j)
{
	static const char seen[] = "SELECT count(*) FROM sessions WHERE user_id = ? AND client_addr = ?";
	sqlite3_stmt *st = db_stmt(c->db, seen);
	if (!st)
		return;
	sqlite3_bind_int64(st, 1, j->user_id);
	sqlite3_bind_text(st, 2, c->client_addr, -1, SQLITE_STATIC);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 1;
	sqlite3_reset(st);
	if (n > 0)
		return;
	enum lang lang = strcmp(j->lang, "en") == 0 ? LANG_EN : LANG_JA;
	char when[48];
	clock_local(clock_now(), c->user_tz[0] ? c->user_tz : c->cfg->default_tz, when, sizeof(when));
	const char *vars[] = {"name", j->name, "addr", c->client_addr, "time", when,
	                      "instance", c->cfg->instance_name, "url", c->cfg->base_url, NULL};
	struct buf body;
	buf_init(&body, 1 << 16);
	i18n_fill(&body, i18n_get(lang, "mail.signin.body"), vars);
	mail_queue(c->db, j->email, j->name, lang_code(lang), i18n_get(lang, "mail.signin.subject"),
	           body.data ? body.data : "");
	buf_release(&body);
}

static void signin_done(struct ctx *c, void *arg)
{
	struct signin_job *j = arg;
	if (!c) {
		signin_job_free(j);
		return;
	}
	int64_t now = clock_now();
	char ukey[40], akey[80];
	snprintf(ukey, sizeof(ukey), "user:%lld", (long long)j->user_id);
	snprintf(akey, sizeof(akey), "addr:%s", c->client_addr);
	if (db_begin(c->db) < 0)
		goto internal;
	if (!j->ok) {
		if (j->have_user && throttle_fail(c->db, ukey, THROTTLE_ACCOUNT_MAX, now) < 0)
			goto internal;
		if (throttle_fail(c->db, akey, THROTTLE_ADDR_MAX, now) < 0)
			goto internal;
		c->actor.user_id = 0;
		if (ctx_audit(c, "session.sign_in_failed", "user", j->have_user ? j->user_id : 0, "") < 0 ||
		    db_commit(c->db) < 0)
			goto internal;
		if (c->is_api)
			http_error(c, ERR_UNAUTHENTICATED, "signin.failed");
		else
			signin_page(c, 401, j->email, "signin.failed");
		signin_job_free(j);
		return;
	}
	throttle_clear(c->db, ukey);
	/* The password was right: only now may the user learn that their
	 * organisation's membership is suspended or has ended. */
	struct org o;
	int org_found = org_get(c->db, j->org_id, &o);
	if (org_found < 0)
		goto internal;
	if (org_found == 1 && strcmp(o.status, "active") != 0) {
		const char *why = strcmp(o.status, "withdrawn") == 0 ? "signin.org_withdrawn" : "signin.org_suspended";
		c->actor.user_id = j->user_id;
		c->actor.org_id = j->org_id;
		if (ctx_audit(c, "session.sign_in_refused", "user", j->user_id, o.status) < 0 || db_commit(c->db) < 0)
			goto internal;
		if (c->is_api)
			http_error(c, ERR_FORBIDDEN, why);
		else
			signin_page(c, 403, j->email, why);
		signin_job_free(j);
		return;
	}
	queue_signin_notice(c, j);
	start_session(c, j->user_id, j->mfa_enabled);
	c->actor.user_id = j->user_id;
	c->actor.org_id = j->org_id;
	if (ctx_audit(c, j->mfa_enabled ? "session.password_ok" : "session.sign_in", "user", j->user_id, "") < 0 ||
	    db_commit(c->db) < 0)
		goto internal;
	jobs_notify();
	const char *next = input_next(c, "next", "/");
	if (j->mfa_enabled) {
		char loc[600];
		snprintf(loc, sizeof(loc), "/signin/mfa?next=%s", next);
		http_redirect(c, loc);
	} else {
		http_redirect(c, next);
	}
	signin_job_free(j);
	return;
internal:
	db_rollback(c->db);
	http_error(c, ERR_INTERNAL, NULL);
	signin_job_free(j);
}

static void signin_submit(struct ctx *c)
{
	const char *email = input_text(c, "email", true, EMAIL_MAX, false);
	const char *password = input_secret(c, "password", true);
	if (!input_ok(c) || strlen(password) > PASSWORD_MAX) {
		signin_page(c, 422, email, "signin.missing");
		return;
	}
	int64_t now = clock_now();
	char akey[80];
	snprintf(akey, sizeof(akey), "addr:%s", c->client_addr);
	struct user u;
	int found = user_find_email(c->db, email, &u);
	if (found < 0) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	char ukey[40];
	snprintf(ukey, sizeof(ukey), "user:%lld", (long long)(found ? u.id : 0));
	if (throttle_locked(c->db, akey, now) > 0 || (found && throttle_locked(c->db, ukey, now) > 0)) {
		signin_page(c, 429, email, "err.locked");
		return;
	}
	struct signin_job *j = calloc(1, sizeof(*j));
	j->password = strdup(password);
	snprintf(j->email, sizeof(j->email), "%s", email);
	if (found == 1 && !u.disabled && user_password_hash(c->db, u.id, j->hash, sizeof(j->hash)) == 1) {
		j->have_user = true;
		j->user_id = u.id;
		j->org_id = u.org_id;
		j->mfa_enabled = u.mfa_enabled;
		snprintf(j->name, sizeof(j->name), "%s", u.name);
		snprintf(j->lang, sizeof(j->lang), "%s", u.lang);
		snprintf(j->email, sizeof(j->email), "%s", u.email);
	}
	if (worker_submit(c, signin_work, signin_done, j) < 0) {
		signin_job_free(j);
		http_error(c, ERR_UNAVAILABLE, NULL);
	}
}

/* ---- second factor ---- */

static void mfa_page(struct ctx *c, int status, const char *error_key)
{
	json_t *d = form_page(c, "mfa.signin_title");
	json_object_set_new(d, "next", json_string(input_next(c, "next", "/")));
	if (error_key)
		json_object_set_new(d, "error", json_string(ctx_t(c, error_key)));
	http_page(c, status, "signin_mfa.html", d);
}

static void mfa_form(struct ctx *c)
{
	if (!c->mfa_pending) {
		http_redirect(c, c->actor.user_id ? "/" : "/signin");
		return;
	}
	mfa_page(c, 200, NULL);
}

static int64_t session_user(struct ctx *c)
{
	static const char sql[] = "SELECT user_id FROM sessions WHERE id = ?";
	sqlite3_stmt *st = db_stmt(c->db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, c->session_id);
	int64_t uid = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return uid;
}

static void mfa_submit(struct ctx *c)
{
	if (!c->mfa_pending) {
		http_redirect(c, "/signin");
		return;
	}
	const char *code = input_text(c, "code", true, 40, false);
	if (!input_ok(c)) {
		mfa_page(c, 422, "mfa.wrong");
		return;
	}
	int64_t now = clock_now(), uid = session_user(c);
	char ukey[40];
	snprintf(ukey, sizeof(ukey), "user:%lld", (long long)uid);
	if (uid <= 0 || db_begin(c->db) < 0)
		goto internal;
	if (throttle_locked(c->db, ukey, now) > 0) {
		db_rollback(c->db);
		mfa_page(c, 429, "err.locked");
		return;
	}
	int ok = mfa_check(c->db, uid, code, now);
	if (ok < 0)
		goto internal;
	c->actor.user_id = uid;
	if (!ok) {
		if (throttle_fail(c->db, ukey, THROTTLE_ACCOUNT_MAX, now) < 0 ||
		    ctx_audit(c, "session.mfa_failed", "user", uid, "") < 0 || db_commit(c->db) < 0)
			goto internal;
		mfa_page(c, 401, "mfa.wrong");
		return;
	}
	if (session_mfa_done(c->db, c->session_id) < 0 || throttle_clear(c->db, ukey) < 0 ||
	    ctx_audit(c, "session.sign_in", "user", uid, "mfa") < 0 || db_commit(c->db) < 0)
		goto internal;
	http_redirect(c, input_next(c, "next", "/"));
	return;
internal:
	db_rollback(c->db);
	http_error(c, ERR_INTERNAL, NULL);
}

/* ---- sign out ---- */

static void signout(struct ctx *c)
{
	if (c->session_id) {
		if (db_begin(c->db) < 0 || session_delete(c->db, c->session_id) < 0 ||
		    ctx_audit(c, "session.sign_out", "user", c->actor.user_id, "") < 0 || db_commit(c->db) < 0) {
			db_rollback(c->db);
			http_error(c, ERR_INTERNAL, NULL);
			return;
		}
	}
	http_cookie(c, COOKIE_SESSION, "", -1);
	http_redirect(c, "/");
}

/* ---- first-time setup ---- */

static void setup_page(struct ctx *c, int status, const char *token)
{
	json_t *d = form_page(c, "setup.title");
	json_object_set_new(d, "token", json_string(token));
	const char *fields[] = {"org_name", "name", "email"};
	for (size_t i = 0; i < 3; i++) {
		const char *v = form_get(&c->form, fields[i]);
		json_object_set_new(d, fields[i], json_string(v ? v : ""));
	}
	http_page(c, status, "setup.html", d);
}

static const char *setup_token_of(struct ctx *c)
{
	const char *t = form_get(&c->form, "token");
	if (!t)
		t = form_get(&c->query, "token");
	return t && strlen(t) == SECRET_TOKEN_LEN ? t : NULL;
}

static bool setup_allowed(struct ctx *c, const char *token)
{
	if (!token || !setup_needed(c->db) || setup_token_check(c->db, token, clock_now()) != 1) {
		notice(c, 400, "setup.title", "setup.invalid");
		return false;
	}
	return true;
}

static void setup_form(struct ctx *c)
{
	const char *token = setup_token_of(c);
	if (setup_allowed(c, token))
		setup_page(c, 200, token);
}

struct setup_job {
	char *password;
	char hash[PASSWORD_HASH_MAX];
	int rc;
};

static void setup_work(void *arg)
{
	struct setup_job *j = arg;
	j->rc = password_hash(j->password, j->hash);
}

static void setup_job_free(struct setup_job *j)
{
	sodium_memzero(j->password, strlen(j->password));
	free(j->password);
	free(j);
}

static void setup_done(struct ctx *c, void *arg)
{
	struct setup_job *j = arg;
	if (!c) {
		setup_job_free(j);
		return;
	}
	const char *token = setup_token_of(c);
	const char *org_name = input_text(c, "org_name", true, ORG_NAME_MAX, false);
	const char *name = input_text(c, "name", true, USER_NAME_MAX, false);
	const char *email = input_email(c, "email", true);
	int64_t org_id, user_id;
	if (j->rc < 0 || db_begin(c->db) < 0)
		goto internal;
	/* Check again inside the transaction: two browsers may race. */
	if (!setup_needed(c->db) || setup_token_consume(c->db, token, clock_now()) != 1) {
		db_rollback(c->db);
		notice(c, 400, "setup.title", "setup.invalid");
		setup_job_free(j);
		return;
	}
	if (org_create(c->db, org_name, "", "secretariat", &org_id) == ACCT_DUPLICATE) {
		struct org o;
		if (org_find(c->db, org_name, &o) != 1)
			goto internal;
		org_id = o.id;
	}
	if (user_create(c->db, org_id, email, name, "team_admin", lang_code(c->lang), j->hash, &user_id) != ACCT_OK)
		goto internal;
	c->actor.user_id = user_id;
	c->actor.org_id = org_id;
	if (ctx_audit(c, "setup.completed", "user", user_id, "") < 0)
		goto internal;
	start_session(c, user_id, false);
	if (db_commit(c->db) < 0)
		goto internal;
	log_kv(LOG_INFO, "first secretariat account created", "rid", c->rid, NULL);
	http_redirect(c, "/account");
	setup_job_free(j);
	return;
internal:
	db_rollback(c->db);
	http_error(c, ERR_INTERNAL, NULL);
	setup_job_free(j);
}

static void setup_submit(struct ctx *c)
{
	const char *token = setup_token_of(c);
	if (!setup_allowed(c, token))
		return;
	input_text(c, "org_name", true, ORG_NAME_MAX, false);
	input_text(c, "name", true, USER_NAME_MAX, false);
	const char *email = input_email(c, "email", true);
	const char *pw = input_new_password(c, email);
	if (!input_ok(c)) {
		setup_page(c, 422, token);
		return;
	}
	struct setup_job *j = calloc(1, sizeof(*j));
	j->password = strdup(pw);
	if (worker_submit(c, setup_work, setup_done, j) < 0) {
		setup_job_free(j);
		http_error(c, ERR_UNAVAILABLE, NULL);
	}
}

/* ---- password reset ---- */

static void reset_request_form(struct ctx *c)
{
	http_page(c, 200, "reset_request.html", form_page(c, "reset.title"));
}

static void reset_request_submit(struct ctx *c)
{
	const char *email = input_email(c, "email", true);
	if (!input_ok(c)) {
		http_page(c, 422, "reset_request.html", form_page(c, "reset.title"));
		return;
	}
	int64_t now = clock_now();
	char akey[80];
	snprintf(akey, sizeof(akey), "reset:%s", c->client_addr);
	struct user u;
	int found = user_find_email(c->db, email, &u);
	if (found < 0 || db_begin(c->db) < 0)
		goto internal;
	/* Each request counts against the client, so the form cannot be used
	 * to flood someone's mailbox. */
	if (throttle_locked(c->db, akey, now) > 0) {
		db_rollback(c->db);
		notice(c, 429, "reset.title", "err.rate_limited");
		return;
	}
	if (throttle_fail(c->db, akey, THROTTLE_ADDR_MAX / 2, now) < 0)
		goto internal;
	if (found == 1 && !u.disabled) {
		char token[SECRET_TOKEN_LEN + 1], link[600];
		if (reset_create(c->db, u.id, now, token) < 0)
			goto internal;
		snprintf(link, sizeof(link), "%s/reset/confirm?token=%s", c->cfg->base_url, token);
		sodium_memzero(token, sizeof(token));
		enum lang lang = strcmp(u.lang, "en") == 0 ? LANG_EN : LANG_JA;
		const char *vars[] = {"name", u.name, "link", link, "instance", c->cfg->instance_name, NULL};
		struct buf body;
		buf_init(&body, 1 << 16);
		i18n_fill(&body, i18n_get(lang, "mail.reset.body"), vars);
		int64_t job = mail_queue(c->db, u.email, u.name, lang_code(lang), i18n_get(lang, "mail.reset.subject"),
		                         body.data ? body.data : "");
		sodium_memzero(link, sizeof(link));
		buf_release(&body);
		c->actor.user_id = 0;
		if (job < 0 || ctx_audit(c, "password.reset_requested", "user", u.id, "") < 0)
			goto internal;
	}
	if (db_commit(c->db) < 0)
		goto internal;
	jobs_notify();
	notice(c, 200, "reset.title", "reset.sent");
	return;
internal:
	db_rollback(c->db);
	http_error(c, ERR_INTERNAL, NULL);
}

static const char *reset_token_of(struct ctx *c)
{
	const char *t = form_get(&c->form, "token");
	if (!t)
		t = form_get(&c->query, "token");
	return t && strlen(t) == SECRET_TOKEN_LEN ? t : NULL;
}

static void reset_confirm_page(struct ctx *c, int status, const char *token)
{
	json_t *d = form_page(c, "reset.confirm_title");
	json_object_set_new(d, "token", json_string(token));
	http_page(c, status, "reset_confirm.html", d);
}

static void reset_confirm_form(struct ctx *c)
{
	const char *token = reset_token_of(c);
	int64_t uid;
	if (!token || reset_check(c->db, token, clock_now(), &uid) != 1) {
		notice(c, 400, "reset.confirm_title", "reset.invalid");
		return;
	}
	reset_confirm_page(c, 200, token);
}

struct reset_job {
	char *password;
	char hash[PASSWORD_HASH_MAX];
	int rc;
};

static void reset_work(void *arg)
{
	struct reset_job *j = arg;
	j->rc = password_hash(j->password, j->hash);
}

static void reset_job_free(struct reset_job *j)
{
	sodium_memzero(j->password, strlen(j->password));
	free(j->password);
	free(j);
}

static void reset_done(struct ctx *c, void *arg)
{
	struct reset_job *j = arg;
	if (!c) {
		reset_job_free(j);
		return;
	}
	int64_t uid, now = clock_now();
	if (j->rc < 0 || db_begin(c->db) < 0)
		goto internal;
	int rc = reset_consume(c->db, reset_token_of(c), now, &uid);
	if (rc < 0)
		goto internal;
	if (rc == 0) {
		db_rollback(c->db);
		notice(c, 400, "reset.confirm_title", "reset.invalid");
		reset_job_free(j);
		return;
	}
	c->actor.user_id = uid;
	char ukey[40];
	snprintf(ukey, sizeof(ukey), "user:%lld", (long long)uid);
	/* A new password ends every session: whoever had the old one is out. */
	if (user_set_password(c->db, uid, j->hash, now) != ACCT_OK || session_delete_user(c->db, uid, 0) < 0 ||
	    throttle_clear(c->db, ukey) < 0 || ctx_audit(c, "password.reset", "user", uid, "") < 0 ||
	    db_commit(c->db) < 0)
		goto internal;
	notice(c, 200, "reset.confirm_title", "reset.done");
	reset_job_free(j);
	return;
internal:
	db_rollback(c->db);
	http_error(c, ERR_INTERNAL, NULL);
	reset_job_free(j);
}

static void reset_confirm_submit(struct ctx *c)
{
	const char *token = reset_token_of(c);
	int64_t uid;
	struct user u;
	if (!token || reset_check(c->db, token, clock_now(), &uid) != 1 || user_get(c->db, uid, &u) != 1) {
		notice(c, 400, "reset.confirm_title", "reset.invalid");
		return;
	}
	const char *pw = input_new_password(c, u.email);
	if (!input_ok(c)) {
		reset_confirm_page(c, 422, token);
		return;
	}
	struct reset_job *j = calloc(1, sizeof(*j));
	j->password = strdup(pw);
	if (worker_submit(c, reset_work, reset_done, j) < 0) {
		reset_job_free(j);
		http_error(c, ERR_UNAVAILABLE, NULL);
	}
}

const struct route auth_routes[] = {
	{"GET", "/signin", ACT_SIGN_IN, signin_form, 0},
	{"POST", "/signin", ACT_SIGN_IN, signin_submit, ROUTE_FORM},
	{"GET", "/signin/mfa", ACT_SIGN_IN, mfa_form, 0},
	{"POST", "/signin/mfa", ACT_SIGN_IN, mfa_submit, ROUTE_FORM},
	{"POST", "/signout", ACT_SELF_WRITE, signout, ROUTE_FORM | ROUTE_MFA_SETUP},
	{"GET", "/setup", ACT_SIGN_IN, setup_form, 0},
	{"POST", "/setup", ACT_SIGN_IN, setup_submit, ROUTE_FORM},
	{"GET", "/reset", ACT_SIGN_IN, reset_request_form, 0},
	{"POST", "/reset", ACT_SIGN_IN, reset_request_submit, ROUTE_FORM},
	{"GET", "/reset/confirm", ACT_SIGN_IN, reset_confirm_form, 0},
	{"POST", "/reset/confirm", ACT_SIGN_IN, reset_confirm_submit, ROUTE_FORM},
	{0},
};
