/* The signed-in user's own account over the JSON API: who am I, my
 * preferences, my API tokens. */
#include <sodium.h>
#include <string.h>
#include "accounts/account_http.h"
#include "accounts/accounts.h"
#include "auth/apitoken.h"
#include "core/clock.h"
#include "core/json_writer.h"
#include "http/input.h"
#include "http/respond.h"

static void time_field(struct jw *w, const char *key, int64_t t)
{
	char iso[32];
	jw_key(w, key);
	if (!t) {
		jw_null(w);
		return;
	}
	clock_iso_utc(t, iso, sizeof(iso));
	jw_str(w, iso);
}

static void write_me(struct ctx *c, int status)
{
	struct user u;
	if (user_get(c->db, c->actor.user_id, &u) != 1) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	struct buf b;
	struct jw w;
	buf_init(&b, 1 << 16);
	jw_init(&w, &b);
	jw_obj_begin(&w);
	jw_kint(&w, "id", u.id);
	jw_kstr(&w, "email", u.email);
	jw_kstr(&w, "name", u.name);
	jw_kstr(&w, "role", u.role);
	jw_kstr(&w, "lang", u.lang);
	jw_kstr(&w, "tz", u.tz);
	jw_kbool(&w, "mfa_enabled", u.mfa_enabled);
	jw_key(&w, "org");
	jw_obj_begin(&w);
	jw_kint(&w, "id", u.org_id);
	jw_kstr(&w, "name", u.org_name);
	jw_kstr(&w, "kind", u.org_kind);
	jw_obj_end(&w);
	jw_kstr(&w, "access", policy_role_name(c->actor.role));
	time_field(&w, "created_at", u.created_at);
	jw_obj_end(&w);
	http_json(c, status, &b);
	buf_release(&b);
}

static void me_get(struct ctx *c)
{
	write_me(c, 200);
}

static void me_patch(struct ctx *c)
{
	static const char *const allowed[] = {"name", "lang", "tz", NULL};
	static const char *const langs[] = {"ja", "en", NULL};
	if (!input_json(c, allowed))
		return;
	if (json_object_size(c->json) == 0) {
		http_error(c, ERR_VALIDATION, "err.nothing_to_change");
		return;
	}
	const char *name = input_text(c, "name", false, USER_NAME_MAX, false);
	const char *lang = input_choice(c, "lang", langs, "");
	const char *tz = input_text(c, "tz", false, 63, false);
	if (tz && !clock_tz_valid(tz))
		ctx_field_error(c, "tz", "field.bad_tz");
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	if (db_begin(c->db) < 0 ||
	    user_set_prefs(c->db, c->actor.user_id, *lang ? lang : NULL, tz, name) != ACCT_OK ||
	    ctx_audit(c, "user.prefs", "user", c->actor.user_id, "") < 0 || db_commit(c->db) < 0) {
		db_rollback(c->db);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	write_me(c, 200);
}

static void token_json(struct jw *w, const struct apitoken *t)
{
	jw_obj_begin(w);
	jw_kint(w, "id", t->id);
	jw_kstr(w, "name", t->name);
	jw_kstr(w, "scope", t->scope);
	time_field(w, "created_at", t->created_at);
	time_field(w, "expires_at", t->expires_at);
	time_field(w, "last_used_at", t->last_used_at);
	time_field(w, "revoked_at", t->revoked_at);
	jw_obj_end(w);
}

static void each_token(const struct apitoken *t, void *arg)
{
	token_json(arg, t);
}

static void tokens_list(struct ctx *c)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 1 << 20);
	jw_init(&w, &b);
	jw_obj_begin(&w);
	jw_key(&w, "items");
	jw_arr_begin(&w);
	int n = apitoken_list(c->db, c->actor.user_id, each_token, &w);
	jw_arr_end(&w);
	jw_key(&w, "next_cursor");
	jw_null(&w);
	jw_obj_end(&w);
	if (n < 0)
		http_error(c, ERR_INTERNAL, NULL);
	else
		http_json(c, 200, &b);
	buf_release(&b);
}

static void tokens_create(struct ctx *c)
{
	static const char *const allowed[] = {"name", "scope", "expires_days", NULL};
	static const char *const scopes[] = {"read", "write", NULL};
	if (!input_json(c, allowed))
		return;
	const char *name = input_text(c, "name", true, APITOKEN_NAME_MAX, false);
	const char *scope = input_choice(c, "scope", scopes, "read");
	int64_t days = input_int(c, "expires_days", 90, 0, 3650);
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	char token[APITOKEN_LEN + 1];
	int64_t now = clock_now(), expires = days ? now + days * 86400 : 0, id;
	if (db_begin(c->db) < 0 || (id = apitoken_create(c->db, c->actor.user_id, name, scope, expires, token)) < 0 ||
	    ctx_audit(c, "token.create", "api_token", id, scope) < 0 || db_commit(c->db) < 0) {
		db_rollback(c->db);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	struct buf b;
	struct jw w;
	struct apitoken t = {.id = id, .created_at = now, .expires_at = expires};
	snprintf(t.name, sizeof(t.name), "%s", name);
	snprintf(t.scope, sizeof(t.scope), "%s", scope);
	buf_init(&b, 4096);
	jw_init(&w, &b);
	jw_obj_begin(&w);
	jw_key(&w, "token");
	token_json(&w, &t);
	jw_kstr(&w, "secret", token);   /* shown this once, never again */
	jw_obj_end(&w);
	sodium_memzero(token, sizeof(token));
	http_json(c, 201, &b);
	sodium_memzero(b.data, b.len);
	buf_release(&b);
}

static void tokens_revoke(struct ctx *c)
{
	int64_t id = ctx_param_id(c, "id");
	if (db_begin(c->db) < 0) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	int rc = apitoken_revoke(c->db, c->actor.user_id, id, clock_now());
	if (rc == 1 && ctx_audit(c, "token.revoke", "api_token", id, "") == 0 && db_commit(c->db) == 0) {
		http_send(c, 204, "application/json; charset=utf-8", "", 0);
		return;
	}
	db_rollback(c->db);
	http_error(c, rc == 0 ? ERR_NOT_FOUND : ERR_INTERNAL, NULL);
}

const struct route account_api_routes[] = {
	{"GET", "/api/v1/me", ACT_SELF_READ, me_get, ROUTE_API},
	{"PATCH", "/api/v1/me", ACT_SELF_WRITE, me_patch, ROUTE_API},
	{"GET", "/api/v1/me/tokens", ACT_SELF_READ, tokens_list, ROUTE_API},
	{"POST", "/api/v1/me/tokens", ACT_SELF_WRITE, tokens_create, ROUTE_API},
	{"DELETE", "/api/v1/me/tokens/{id}", ACT_SELF_WRITE, tokens_revoke, ROUTE_API},
	{0},
};
