/* Administration operations shared by the pages and the API; see
 * admin_ops.h. Each change is: load, ask the policy about the object,
 * change inside one transaction together with its audit row, commit. */
#include <stdlib.h>
#include <string.h>
#include "accounts/admin.h"
#include "accounts/admin_ops.h"
#include "auth/mfa.h"
#include "core/clock.h"
#include "http/input.h"
#include "jobs/jobs.h"

const char *const admin_org_kinds[] = {"member", "observer", "applicant", "secretariat", NULL};
const char *const admin_user_roles[] = {"member", "team_admin", NULL};
const char *const admin_langs[] = {"ja", "en", NULL};

/* V (stolen) as compact JSON in the request pool, for an audit row's detail. */
static const char *detail_json(struct ctx *c, json_t *v)
{
	char *s = v ? json_dumps(v, JSON_COMPACT) : NULL;
	json_decref(v);
	if (!s)
		return "";
	char *p = ctx_strndup(c, s, strlen(s));
	free(s);
	return p;
}

static bool is_secretariat(const struct ctx *c)
{
	return c->actor.role == ROLE_SECRETARIAT;
}

void admin_read_new_user(struct ctx *c, struct admin_new_user *in)
{
	in->email = input_email(c, "email", true);
	in->name = input_text(c, "name", true, USER_NAME_MAX, false);
	in->role = input_choice(c, "role", admin_user_roles, "member");
	in->lang = input_choice(c, "lang", admin_langs, strcmp(c->cfg->default_lang, "en") == 0 ? "en" : "ja");
	int before = c->nfield_errors;
	in->org_id = input_int(c, "org_id", 0, 1, INT64_MAX);
	if (!in->org_id && c->nfield_errors == before) {
		if (is_secretariat(c))
			ctx_field_error(c, "org_id", "field.required");
		else
			in->org_id = c->actor.org_id;
	}
}

void admin_read_new_org(struct ctx *c, struct admin_new_org *in)
{
	in->name = input_text(c, "name", true, ORG_NAME_MAX, false);
	in->name_ja = input_text(c, "name_ja", false, ORG_NAME_MAX, false);
	in->kind = input_choice(c, "kind", admin_org_kinds, NULL);
}

enum err admin_list_scope(struct ctx *c, int64_t req_org, int64_t *org_id)
{
	*org_id = req_org;
	if (!is_secretariat(c) && !req_org)
		*org_id = c->actor.org_id;
	if (*org_id && !policy_allows(&c->actor, ACT_ORG_USERS_READ, &(struct policy_object){.org_id = *org_id}))
		return ERR_FORBIDDEN;
	return ERR_OK;
}

enum err admin_user_for(struct ctx *c, int64_t id, enum action act, struct user *u)
{
	int found = id > 0 ? user_get(c->db, id, u) : 0;
	if (found < 0)
		return ERR_INTERNAL;
	if (found == 0)
		return ERR_NOT_FOUND;
	if (!policy_allows(&c->actor, act, &(struct policy_object){.org_id = u->org_id, .user_id = u->id}))
		return ERR_FORBIDDEN;
	return ERR_OK;
}

enum err admin_create_user(struct ctx *c, const struct admin_new_user *in, struct user *u)
{
	struct org o;
	int64_t id, now = clock_now();
	/* The policy first, so a team admin learns nothing about other
	 * organisations, not even whether they exist. */
	if (!policy_allows(&c->actor, ACT_ORG_USERS_WRITE, &(struct policy_object){.org_id = in->org_id}))
		return ERR_FORBIDDEN;
	if (db_begin(c->db) < 0)
		return ERR_INTERNAL;
	int found = org_get(c->db, in->org_id, &o);
	if (found < 0)
		goto internal;
	if (found == 0) {
		db_rollback(c->db);
		ctx_field_error(c, "org_id", "admin.org_unknown");
		return ERR_VALIDATION;
	}
	enum acct_result r = user_create(c->db, o.id, in->email, in->name, in->role, in->lang, NULL, &id);
	if (r == ACCT_DUPLICATE) {
		db_rollback(c->db);
		ctx_field_error(c, "email", "admin.email_in_use");
		return ERR_CONFLICT;
	}
	if (r != ACCT_OK || user_get(c->db, id, u) != 1 || admin_welcome_queue(c->db, c->cfg, u, now) < 0)
		goto internal;
	json_t *d = json_pack("{s:s,s:s,s:I}", "email", u->email, "role", u->role, "org_id", (json_int_t)o.id);
	if (ctx_audit(c, "user.create", "user", id, detail_json(c, d)) < 0 || db_commit(c->db) < 0)
		goto internal;
	jobs_notify();
	return ERR_OK;
internal:
	db_rollback(c->db);
	return ERR_INTERNAL;
}

enum err admin_set_disabled(struct ctx *c, int64_t id, bool disabled, struct user *u, const char **why)
{
	*why = NULL;
	if (db_begin(c->db) < 0)
		return ERR_INTERNAL;
	enum err e = admin_user_for(c, id, ACT_ORG_USERS_WRITE, u);
	if (e != ERR_OK) {
		db_rollback(c->db);
		return e;
	}
	if (disabled && u->id == c->actor.user_id) {
		db_rollback(c->db);
		*why = "admin.self_disable";
		return ERR_FORBIDDEN;
	}
	enum acct_result r = disabled ? admin_user_disable(c->db, u) : user_set_disabled(c->db, u->id, false);
	if (r == ACCT_REFUSED) {
		db_rollback(c->db);
		*why = "admin.last_secretariat";
		return ERR_CONFLICT;
	}
	if (r != ACCT_OK || ctx_audit(c, disabled ? "user.disable" : "user.enable", "user", u->id, "") < 0 ||
	    db_commit(c->db) < 0) {
		db_rollback(c->db);
		return ERR_INTERNAL;
	}
	u->disabled = disabled;
	return ERR_OK;
}

enum err admin_reset_mfa(struct ctx *c, int64_t id, struct user *u)
{
	if (db_begin(c->db) < 0)
		return ERR_INTERNAL;
	enum err e = admin_user_for(c, id, ACT_ORG_USERS_WRITE, u);
	if (e != ERR_OK) {
		db_rollback(c->db);
		return e;
	}
	if (mfa_disable(c->db, u->id) < 0 || ctx_audit(c, "user.reset_mfa", "user", u->id, "") < 0 ||
	    db_commit(c->db) < 0) {
		db_rollback(c->db);
		return ERR_INTERNAL;
	}
	u->mfa_enabled = false;
	return ERR_OK;
}

enum err admin_create_org(struct ctx *c, const struct admin_new_org *in, struct org *o)
{
	int64_t id;
	if (db_begin(c->db) < 0)
		return ERR_INTERNAL;
	enum acct_result r = org_create(c->db, in->name, in->name_ja, in->kind, &id);
	if (r == ACCT_DUPLICATE) {
		db_rollback(c->db);
		ctx_field_error(c, "name", "admin.org_name_in_use");
		return ERR_CONFLICT;
	}
	json_t *d = json_pack("{s:s,s:s}", "name", in->name, "kind", in->kind);
	if (r != ACCT_OK || org_get(c->db, id, o) != 1 || ctx_audit(c, "org.create", "org", id, detail_json(c, d)) < 0 ||
	    db_commit(c->db) < 0) {
		db_rollback(c->db);
		return ERR_INTERNAL;
	}
	return ERR_OK;
}

enum err admin_change_org_kind(struct ctx *c, int64_t id, const char *kind, const char **why)
{
	struct org o;
	*why = NULL;
	if (!org_kind_valid(kind)) {
		ctx_field_error(c, "kind", "field.bad_choice");
		return ERR_VALIDATION;
	}
	if (db_begin(c->db) < 0)
		return ERR_INTERNAL;
	int found = id > 0 ? org_get(c->db, id, &o) : 0;
	if (found <= 0) {
		db_rollback(c->db);
		return found < 0 ? ERR_INTERNAL : ERR_NOT_FOUND;
	}
	if (strcmp(o.kind, kind) == 0) {
		db_rollback(c->db);   /* nothing changes, nothing to record */
		return ERR_OK;
	}
	enum acct_result r = admin_org_set_kind(c->db, &o, kind);
	if (r == ACCT_REFUSED) {
		db_rollback(c->db);
		*why = "admin.last_secretariat_org";
		return ERR_CONFLICT;
	}
	json_t *d = json_pack("{s:s,s:s}", "from", o.kind, "to", kind);
	if (r != ACCT_OK || ctx_audit(c, "org.kind", "org", o.id, detail_json(c, d)) < 0 || db_commit(c->db) < 0) {
		db_rollback(c->db);
		return ERR_INTERNAL;
	}
	return ERR_OK;
}

enum err admin_set_require_mfa(struct ctx *c, bool on)
{
	if (db_begin(c->db) < 0)
		return ERR_INTERNAL;
	json_t *d = json_pack("{s:b}", "require_mfa", on);
	if (setting_set(c->db, "require_mfa", on ? "1" : "0") < 0 ||
	    ctx_audit(c, "settings.require_mfa", "setting", 0, detail_json(c, d)) < 0 || db_commit(c->db) < 0) {
		db_rollback(c->db);
		return ERR_INTERNAL;
	}
	return ERR_OK;
}
