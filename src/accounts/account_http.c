/* The signed-in user's own account: profile and language, password, the
 * second factor (enrol, confirm, remove), API tokens, and signing out
 * everywhere. Pages here; the JSON side is account_api.c. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "accounts/account_http.h"
#include "accounts/accounts.h"
#include "auth/apitoken.h"
#include "auth/mfa.h"
#include "auth/password.h"
#include "auth/session.h"
#include "core/clock.h"
#include "http/authn.h"
#include "http/input.h"
#include "http/respond.h"
#include "http/worker.h"

static const char *const langs[] = {"ja", "en", NULL};
static const char *const scopes[] = {"read", "write", NULL};

static void local_time(struct ctx *c, int64_t t, char *out, size_t n)
{
	if (t)
		clock_local(t, c->user_tz, out, n);
	else
		snprintf(out, n, "—");
}

static void add_token_row(const struct apitoken *t, void *arg)
{
	struct ctx *c = ((void **)arg)[0];
	json_t *rows = ((void **)arg)[1];
	char created[48], expires[48], used[48];
	local_time(c, t->created_at, created, sizeof(created));
	local_time(c, t->expires_at, expires, sizeof(expires));
	local_time(c, t->last_used_at, used, sizeof(used));
	bool expired = t->expires_at && t->expires_at <= clock_now();
	json_array_append_new(rows, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:b}", "id", (json_int_t)t->id, "name", t->name,
	                                      "scope", t->scope, "created", created, "expires", expires, "last_used",
	                                      used, "active", !t->revoked_at && !expired));
}

/* The account page, optionally with something to show once (a new API
 * token, recovery codes) or a notice. EXTRA is stolen. */
static void account_page(struct ctx *c, int status, json_t *extra)
{
	struct user u;
	if (user_get(c->db, c->actor.user_id, &u) != 1) {
		json_decref(extra);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	json_t *d = json_object();
	json_object_set_new(d, "title", json_string(ctx_t(c, "account.title")));
	json_object_set_new(d, "user", json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:b}", "name", u.name, "email", u.email,
	                                         "org", u.org_name, "lang", u.lang, "tz", u.tz, "mfa", u.mfa_enabled,
	                                         "lang_ja", !strcmp(u.lang, "ja"), "lang_en", !strcmp(u.lang, "en")));
	json_object_set_new(d, "role_name", json_string(ctx_t(c, !strcmp(u.role, "team_admin") ? "role.team_admin"
	                                                                                         : "role.member")));
	json_object_set_new(d, "recovery_left", json_integer(mfa_recovery_left(c->db, u.id)));
	json_object_set_new(d, "mfa_required", json_boolean(setting_require_mfa(c->db)));
	json_object_set_new(d, "must_enrol", json_boolean(c->mfa_enrol_required));
	json_t *rows = json_array();
	void *arg[2] = {c, rows};
	apitoken_list(c->db, u.id, add_token_row, arg);
	json_object_set_new(d, "tokens", rows);
	json_t *errs = ctx_field_errors_json(c);
	json_object_set_new(d, "errors", errs);
	if (extra)
		json_object_update(d, extra);
	json_decref(extra);
	http_page(c, status, "account.html", d);
}

static void account_view(struct ctx *c)
{
	json_t *extra = NULL;
	const char *done = form_get(&c->query, "done");
	static const char *const notices[] = {"prefs", "password", "mfa_off", "revoked", "signed_out", NULL};
	for (size_t i = 0; done && notices[i]; i++) {
		if (!strcmp(done, notices[i])) {
			char key[40];
			snprintf(key, sizeof(key), "account.done_%s", notices[i]);
			extra = json_pack("{s:s}", "notice", ctx_t(c, key));
		}
	}
	account_page(c, 200, extra);
}

/* Run a change in a transaction with its audit row, then go back to the
 * account page with a notice. */
static void commit_and_return(struct ctx *c, const char *done)
{
	if (db_commit(c->db) < 0) {
		db_rollback(c->db);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	char loc[64];
	snprintf(loc, sizeof(loc), "/account?done=%s", done);
	http_redirect(c, loc);
}

static void fail(struct ctx *c)
{
	db_rollback(c->db);
	http_error(c, ERR_INTERNAL, NULL);
}

static void prefs_submit(struct ctx *c)
{
	const char *name = input_text(c, "name", true, USER_NAME_MAX, false);
	const char *lang = input_choice(c, "lang", langs, NULL);
	const char *tz = input_text(c, "tz", true, 63, false);
	if (tz && !clock_tz_valid(tz))
		ctx_field_error(c, "tz", "field.bad_tz");
	if (!input_ok(c)) {
		account_page(c, 422, NULL);
		return;
	}
	if (db_begin(c->db) < 0 || user_set_prefs(c->db, c->actor.user_id, lang, tz, name) != ACCT_OK ||
	    ctx_audit(c, "user.prefs", "user", c->actor.user_id, "") < 0) {
		fail(c);
		return;
	}
	http_cookie(c, COOKIE_LANG, lang, 365L * 86400);
	commit_and_return(c, "prefs");
}

/* Changing the password: check the current one and hash the new one on the
 * worker pool. */
struct pw_job {
	char *current;
	char *next;
	char stored[PASSWORD_HASH_MAX];
	char hash[PASSWORD_HASH_MAX];
	bool current_ok;
	int rc;
};

static void pw_job_free(struct pw_job *j)
{
	sodium_memzero(j->current, strlen(j->current));
	sodium_memzero(j->next, strlen(j->next));
	free(j->current);
	free(j->next);
	sodium_memzero(j, sizeof(*j));
	free(j);
}

static void pw_work(void *arg)
{
	struct pw_job *j = arg;
	j->current_ok = password_verify(j->stored, j->current);
	j->rc = j->current_ok ? password_hash(j->next, j->hash) : 0;
}

static void pw_done(struct ctx *c, void *arg)
{
	struct pw_job *j = arg;
	if (!c) {
		pw_job_free(j);
		return;
	}
	if (!j->current_ok) {
		ctx_field_error(c, "current_password", "pw.wrong_current");
		account_page(c, 422, NULL);
	} else if (j->rc < 0 || db_begin(c->db) < 0 ||
	           user_set_password(c->db, c->actor.user_id, j->hash, clock_now()) != ACCT_OK ||
	           session_delete_user(c->db, c->actor.user_id, c->session_id) < 0 ||
	           ctx_audit(c, "password.change", "user", c->actor.user_id, "") < 0) {
		fail(c);
	} else {
		commit_and_return(c, "password");
	}
	pw_job_free(j);
}

static void password_submit(struct ctx *c)
{
	struct user u;
	if (user_get(c->db, c->actor.user_id, &u) != 1) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	const char *cur = input_secret(c, "current_password", true);
	const char *pw = input_new_password(c, u.email);
	if (cur && strlen(cur) > PASSWORD_MAX)
		ctx_field_error(c, "current_password", "pw.wrong_current");
	if (!input_ok(c)) {
		account_page(c, 422, NULL);
		return;
	}
	struct pw_job *j = calloc(1, sizeof(*j));
	j->current = strdup(cur);
	j->next = strdup(pw);
	user_password_hash(c->db, u.id, j->stored, sizeof(j->stored));
	if (worker_submit(c, pw_work, pw_done, j) < 0) {
		pw_job_free(j);
		http_error(c, ERR_UNAVAILABLE, NULL);
	}
}

/* ---- the second factor ---- */

static void mfa_setup_page(struct ctx *c, int status)
{
	unsigned char secret[TOTP_SECRET_LEN];
	bool enabled = false;
	json_t *d = json_object();
	json_object_set_new(d, "title", json_string(ctx_t(c, "mfa.setup_title")));
	json_object_set_new(d, "must_enrol", json_boolean(c->mfa_enrol_required));
	int rc = mfa_secret(c->db, c->actor.user_id, secret, &enabled);
	if (rc == 1 && !enabled) {
		char b32[TOTP_BASE32_LEN(TOTP_SECRET_LEN) + 1], uri[512];
		struct user u;
		totp_base32_encode(secret, sizeof(secret), b32, sizeof(b32));
		if (user_get(c->db, c->actor.user_id, &u) == 1 &&
		    totp_uri(uri, sizeof(uri), c->cfg->instance_name, u.email, secret, sizeof(secret)) == 0)
			json_object_set_new(d, "uri", json_string(uri));
		json_object_set_new(d, "secret", json_string(b32));
		sodium_memzero(b32, sizeof(b32));
	}
	sodium_memzero(secret, sizeof(secret));
	json_object_set_new(d, "enabled", json_boolean(enabled));
	json_t *errs = ctx_field_errors_json(c);
	json_object_set_new(d, "errors", errs);
	http_page(c, status, "account_mfa.html", d);
}

static void mfa_view(struct ctx *c)
{
	mfa_setup_page(c, 200);
}

static void mfa_begin_submit(struct ctx *c)
{
	unsigned char secret[TOTP_SECRET_LEN];
	bool enabled = false;
	if (mfa_secret(c->db, c->actor.user_id, secret, &enabled) == 1 && enabled) {
		http_redirect(c, "/account/mfa");
		return;
	}
	if (db_begin(c->db) < 0 || mfa_begin(c->db, c->actor.user_id, secret) < 0 ||
	    ctx_audit(c, "mfa.begin", "user", c->actor.user_id, "") < 0 || db_commit(c->db) < 0) {
		sodium_memzero(secret, sizeof(secret));
		fail(c);
		return;
	}
	sodium_memzero(secret, sizeof(secret));
	http_redirect(c, "/account/mfa");
}

static void mfa_confirm_submit(struct ctx *c)
{
	char codes[MFA_RECOVERY_CODES][TOTP_RECOVERY_CODE_LEN + 1];
	const char *code = input_text(c, "code", true, 20, false);
	if (!input_ok(c)) {
		mfa_setup_page(c, 422);
		return;
	}
	if (db_begin(c->db) < 0) {
		fail(c);
		return;
	}
	int rc = mfa_confirm(c->db, c->actor.user_id, code, clock_now(), codes);
	if (rc != 1) {
		db_rollback(c->db);
		ctx_field_error(c, "code", "mfa.wrong");
		mfa_setup_page(c, 422);
		return;
	}
	if (ctx_audit(c, "mfa.enable", "user", c->actor.user_id, "") < 0 || db_commit(c->db) < 0) {
		fail(c);
		return;
	}
	c->mfa_enrol_required = false;
	json_t *list = json_array();
	for (int i = 0; i < MFA_RECOVERY_CODES; i++)
		json_array_append_new(list, json_string(codes[i]));
	sodium_memzero(codes, sizeof(codes));
	account_page(c, 200, json_pack("{s:o,s:s}", "recovery_codes", list, "notice", ctx_t(c, "mfa.enabled_notice")));
}

static void mfa_disable_submit(struct ctx *c)
{
	if (setting_require_mfa(c->db)) {
		http_error(c, ERR_FORBIDDEN, "mfa.required_cannot_disable");
		return;
	}
	const char *code = input_text(c, "code", true, 20, false);
	if (!input_ok(c)) {
		account_page(c, 422, NULL);
		return;
	}
	/* Removing the second factor needs the second factor. */
	if (db_begin(c->db) < 0) {
		fail(c);
		return;
	}
	int rc = mfa_check(c->db, c->actor.user_id, code, clock_now());
	if (rc != 1) {
		db_rollback(c->db);
		ctx_field_error(c, "code", "mfa.wrong");
		account_page(c, 422, NULL);
		return;
	}
	if (mfa_disable(c->db, c->actor.user_id) < 0 || ctx_audit(c, "mfa.disable", "user", c->actor.user_id, "") < 0) {
		fail(c);
		return;
	}
	commit_and_return(c, "mfa_off");
}

/* ---- API tokens ---- */

static void token_create_submit(struct ctx *c)
{
	const char *name = input_text(c, "name", true, APITOKEN_NAME_MAX, false);
	const char *scope = input_choice(c, "scope", scopes, "read");
	int64_t days = input_int(c, "expires_days", 90, 0, 3650);
	if (!input_ok(c)) {
		account_page(c, 422, NULL);
		return;
	}
	char token[APITOKEN_LEN + 1];
	int64_t expires = days ? clock_now() + days * 86400 : 0;
	int64_t id;
	if (db_begin(c->db) < 0 || (id = apitoken_create(c->db, c->actor.user_id, name, scope, expires, token)) < 0 ||
	    ctx_audit(c, "token.create", "api_token", id, scope) < 0 || db_commit(c->db) < 0) {
		fail(c);
		return;
	}
	account_page(c, 201, json_pack("{s:s,s:s}", "new_token", token, "new_token_name", name));
	sodium_memzero(token, sizeof(token));
}

static void token_revoke_submit(struct ctx *c)
{
	int64_t id = ctx_param_id(c, "id");
	if (db_begin(c->db) < 0) {
		fail(c);
		return;
	}
	int rc = apitoken_revoke(c->db, c->actor.user_id, id, clock_now());
	if (rc < 0) {
		fail(c);
		return;
	}
	if (rc == 0) {
		db_rollback(c->db);
		http_error(c, ERR_NOT_FOUND, NULL);
		return;
	}
	if (ctx_audit(c, "token.revoke", "api_token", id, "") < 0) {
		fail(c);
		return;
	}
	commit_and_return(c, "revoked");
}

static void signout_all_submit(struct ctx *c)
{
	if (db_begin(c->db) < 0 || session_delete_user(c->db, c->actor.user_id, c->session_id) < 0 ||
	    ctx_audit(c, "session.sign_out_others", "user", c->actor.user_id, "") < 0) {
		fail(c);
		return;
	}
	commit_and_return(c, "signed_out");
}

const struct route account_routes[] = {
	{"GET", "/account", ACT_SELF_READ, account_view, 0},
	{"POST", "/account/prefs", ACT_SELF_WRITE, prefs_submit, ROUTE_FORM},
	{"POST", "/account/password", ACT_SELF_WRITE, password_submit, ROUTE_FORM},
	{"GET", "/account/mfa", ACT_SELF_READ, mfa_view, ROUTE_MFA_SETUP},
	{"POST", "/account/mfa/begin", ACT_SELF_WRITE, mfa_begin_submit, ROUTE_FORM | ROUTE_MFA_SETUP},
	{"POST", "/account/mfa/confirm", ACT_SELF_WRITE, mfa_confirm_submit, ROUTE_FORM | ROUTE_MFA_SETUP},
	{"POST", "/account/mfa/disable", ACT_SELF_WRITE, mfa_disable_submit, ROUTE_FORM},
	{"POST", "/account/tokens", ACT_SELF_WRITE, token_create_submit, ROUTE_FORM},
	{"POST", "/account/tokens/{id}/revoke", ACT_SELF_WRITE, token_revoke_submit, ROUTE_FORM},
	{"POST", "/account/signout-others", ACT_SELF_WRITE, signout_all_submit, ROUTE_FORM},
	{0},
};
