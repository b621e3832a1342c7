/* What the administration pages (admin_http.c) and the JSON API
 * (admin_api.c) share: reading a new user or organisation from a form or a
 * JSON body, the object-level policy checks, and each change as one
 * transaction with its audit row. The callers only render: each operation
 * returns an enum err, records field errors in the ctx, and names in *WHY
 * (when not NULL) the i18n key that explains a refusal. */
#ifndef SHISA_ADMIN_OPS_H
#define SHISA_ADMIN_OPS_H
#include <stdbool.h>
#include <stdint.h>
#include "accounts/accounts.h"
#include "core/err.h"
#include "http/ctx.h"

extern const char *const admin_org_kinds[];    /* member, observer, applicant, secretariat */
extern const char *const admin_user_roles[];   /* member, team_admin */
extern const char *const admin_langs[];        /* ja, en */

struct admin_new_user {
	const char *email;
	const char *name;
	const char *role;
	const char *lang;
	int64_t org_id;
};

struct admin_new_org {
	const char *name;
	const char *name_ja;
	const char *kind;
};

/* Read email, name, role (default member), lang (default the instance's)
 * and org_id (required from the secretariat; a team admin's own
 * organisation when absent). */
void admin_read_new_user(struct ctx *c, struct admin_new_user *in);
/* Read name, name_ja (optional) and kind. */
void admin_read_new_org(struct ctx *c, struct admin_new_org *in);

/* Which organisation's users C may list when it asks for REQ_ORG (0: all
 * for the secretariat, their own for a team admin) into *ORG_ID (0: all).
 * ERR_FORBIDDEN for another organisation. */
enum err admin_list_scope(struct ctx *c, int64_t req_org, int64_t *org_id);
/* Load user ID into U if C may do ACT to them: ERR_NOT_FOUND,
 * ERR_FORBIDDEN (another organisation) or ERR_INTERNAL otherwise. */
enum err admin_user_for(struct ctx *c, int64_t id, enum action act, struct user *u);

/* Create the user IN (without a password) and queue the welcome mail with
 * a link to set one. ERR_FORBIDDEN for another organisation,
 * ERR_VALIDATION (unknown organisation) or ERR_CONFLICT (email in use) with
 * a field error. U receives the new user. */
enum err admin_create_user(struct ctx *c, const struct admin_new_user *in, struct user *u);
/* Disable (ending their sessions) or enable user ID; U receives the user
 * as it is afterwards. Refused (ERR_FORBIDDEN) on oneself, and
 * (ERR_CONFLICT) for the last active secretariat user. */
enum err admin_set_disabled(struct ctx *c, int64_t id, bool disabled, struct user *u, const char **why);
/* Remove user ID's second factor and recovery codes. */
enum err admin_reset_mfa(struct ctx *c, int64_t id, struct user *u);

/* Create the organisation IN; ERR_CONFLICT (field error on name) when the
 * name is taken. O receives it. */
enum err admin_create_org(struct ctx *c, const struct admin_new_org *in, struct org *o);
/* Change organisation ID's kind; ERR_CONFLICT when that would leave no
 * active secretariat user. */
enum err admin_change_org_kind(struct ctx *c, int64_t id, const char *kind, const char **why);
/* Turn the instance-wide MFA requirement on or off. */
enum err admin_set_require_mfa(struct ctx *c, bool on);

#endif
