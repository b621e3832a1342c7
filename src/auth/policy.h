/* The one access policy: "may actor A do V on object O". Every route names
 * its action (the router refuses a route without one), the router asks
 * policy_allows() before the handler runs, and handlers ask again with the
 * object once they have loaded it. The table in policy.c is the whole
 * truth; tests/http/policy.test.mjs walks every route against it. */
#ifndef SHISA_POLICY_H
#define SHISA_POLICY_H
#include <stdbool.h>
#include <stdint.h>
#include "core/i18n.h"

enum role {
	ROLE_ANONYMOUS,
	ROLE_APPLICANT,
	ROLE_OBSERVER,
	ROLE_MEMBER,
	ROLE_TEAM_ADMIN,
	ROLE_SECRETARIAT,
	ROLE__COUNT
};

enum action {
	ACT_NONE = 0,        /* not an action: a route with it is refused */
	ACT_PUBLIC_READ,     /* health, public pages, static files, OpenAPI */
	ACT_SIGN_IN,         /* sign-in, MFA step, password reset, first setup */
	ACT_SELF_READ,       /* own account, sessions, tokens */
	ACT_SELF_WRITE,      /* change own password, MFA, language, tokens, sign out */
	ACT_ORG_USERS_READ,  /* users of an organisation: own org (team admin) or any (secretariat) */
	ACT_ORG_USERS_WRITE, /* add or disable users of an organisation */
	ACT_ORGS_READ,       /* organisations, all of them */
	ACT_ORGS_WRITE,      /* create organisations, change their kind */
	ACT_AUDIT_READ,      /* the audit log */
	ACT_SETTINGS_WRITE,  /* instance settings (e.g. require MFA) */
	ACT_MEMBERSHIP_APPLY, /* the public application form and its verification: anyone */
	ACT_APPLICATIONS_READ,/* applications: the secretariat all, applicants their own, member teams those in
	                         the community window and those they sponsor (the handler decides which) */
	ACT_APPLICATION_OWN,  /* change, submit or withdraw one's own organisation's application */
	ACT_APPLICATION_RESPOND,/* a team admin answers as a sponsor, or gives the team's opinion */
	ACT_APPLICATIONS_REVIEW,/* approve, reject or send back an application (the secretariat) */
	ACT_OPS_READ,        /* /metrics */
	ACT_DIRECTORY_READ,  /* the team directory: each field then by its visibility */
	ACT_DIRECTORY_WRITE, /* edit a team record: its own team admins, or the secretariat */
	ACT_DIRECTORY_CREATE,/* create a team record (the secretariat) */
	ACT_DIRECTORY_SNAPSHOT,/* download the offline snapshot: the members-visible directory */
	ACT_STATS_DETAIL,    /* the statistics' members-only figures (department, team size, applications) */
	ACT__COUNT
};

/* Who is asking. Filled by the router from the session or API token. */
struct actor {
	enum role role;
	int64_t user_id;      /* 0 when anonymous */
	int64_t org_id;
	bool via_token;       /* authenticated with an API token */
	bool token_can_write; /* that token's scope is "write" */
};

/* What is being acted on, when it matters (NULL = only the coarse check). */
struct policy_object {
	int64_t org_id;       /* the organisation the object belongs to, 0 if none */
	int64_t user_id;      /* the user the object is, 0 if none */
};

/* May A do ACT (on O, when given)? */
bool policy_allows(const struct actor *a, enum action act, const struct policy_object *o);
/* True when ACT changes state (so read-only tokens may not do it). */
bool policy_action_writes(enum action act);

/* Stable names, for logs, tests and the policy table test. */
const char *policy_action_name(enum action act);
const char *policy_role_name(enum role r);
/* The role of a user from their organisation's kind and their role in it. */
enum role policy_role_for(const char *org_kind, const char *user_role);

#endif
