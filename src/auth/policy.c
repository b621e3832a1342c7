/* The access policy table; see policy.h. One row per action: which roles
 * may do it at all, whether it writes, and whether it is limited to the
 * actor's own organisation (except for the secretariat). */
#include <string.h>
#include "auth/policy.h"

#define R(x) (1u << (x))
#define ANY (R(ROLE_ANONYMOUS) | SIGNED_IN)
#define SIGNED_IN (R(ROLE_APPLICANT) | R(ROLE_OBSERVER) | R(ROLE_MEMBER) | R(ROLE_TEAM_ADMIN) | R(ROLE_SECRETARIAT))

struct rule {
	const char *name;
	unsigned roles;
	bool writes;
	bool own_org_only;   /* non-secretariat actors only on their own organisation */
};

static const struct rule rules[ACT__COUNT] = {
	[ACT_NONE]            = {"none", 0, false, false},
	[ACT_PUBLIC_READ]     = {"public.read", ANY, false, false},
	[ACT_SIGN_IN]         = {"auth.sign_in", ANY, true, false},
	[ACT_SELF_READ]       = {"self.read", SIGNED_IN, false, false},
	[ACT_SELF_WRITE]      = {"self.write", SIGNED_IN, true, false},
	[ACT_ORG_USERS_READ]  = {"org.users.read", R(ROLE_TEAM_ADMIN) | R(ROLE_SECRETARIAT), false, true},
	[ACT_ORG_USERS_WRITE] = {"org.users.write", R(ROLE_TEAM_ADMIN) | R(ROLE_SECRETARIAT), true, true},
	[ACT_ORGS_READ]       = {"orgs.read", R(ROLE_SECRETARIAT), false, false},
	[ACT_ORGS_WRITE]      = {"orgs.write", R(ROLE_SECRETARIAT), true, false},
	[ACT_AUDIT_READ]      = {"audit.read", R(ROLE_SECRETARIAT), false, false},
	[ACT_SETTINGS_WRITE]  = {"settings.write", R(ROLE_SECRETARIAT), true, false},
	[ACT_MEMBERSHIP_APPLY] = {"membership.apply", ANY, true, false},
	[ACT_APPLICATIONS_READ] = {"applications.read",
	                           R(ROLE_APPLICANT) | R(ROLE_MEMBER) | R(ROLE_TEAM_ADMIN) | R(ROLE_SECRETARIAT), false, false},
	[ACT_APPLICATION_OWN] = {"application.own", R(ROLE_APPLICANT), true, true},
	[ACT_APPLICATION_RESPOND] = {"application.respond", R(ROLE_TEAM_ADMIN), true, false},
	[ACT_APPLICATIONS_REVIEW] = {"applications.review", R(ROLE_SECRETARIAT), true, false},
	[ACT_OPS_READ]        = {"ops.read", ANY, false, false},
	[ACT_DIRECTORY_READ]  = {"directory.read", ANY, false, false},
	[ACT_DIRECTORY_WRITE] = {"directory.write", R(ROLE_TEAM_ADMIN) | R(ROLE_SECRETARIAT), true, true},
	[ACT_DIRECTORY_CREATE] = {"directory.create", R(ROLE_SECRETARIAT), true, false},
	[ACT_DIRECTORY_SNAPSHOT] = {"directory.snapshot", R(ROLE_MEMBER) | R(ROLE_TEAM_ADMIN) | R(ROLE_SECRETARIAT), false,
	                            false},
	[ACT_STATS_DETAIL]    = {"stats.detail", R(ROLE_MEMBER) | R(ROLE_TEAM_ADMIN) | R(ROLE_SECRETARIAT), false, false},
};

static const char *const role_names[ROLE__COUNT] = {
	"anonymous", "applicant", "observer", "member", "team_admin", "secretariat",
};

bool policy_allows(const struct actor *a, enum action act, const struct policy_object *o)
{
	if ((unsigned)act >= ACT__COUNT || act == ACT_NONE)
		return false;
	const struct rule *r = &rules[act];
	if (!(r->roles & R(a->role)))
		return false;
	if (r->writes && a->via_token && !a->token_can_write && act != ACT_SIGN_IN)
		return false;
	if (o && r->own_org_only && a->role != ROLE_SECRETARIAT && o->org_id != a->org_id)
		return false;
	return true;
}

bool policy_action_writes(enum action act)
{
	return (unsigned)act < ACT__COUNT && rules[act].writes;
}

const char *policy_action_name(enum action act)
{
	return (unsigned)act < ACT__COUNT ? rules[act].name : "invalid";
}

const char *policy_role_name(enum role r)
{
	return (unsigned)r < ROLE__COUNT ? role_names[r] : "invalid";
}

enum role policy_role_for(const char *org_kind, const char *user_role)
{
	if (strcmp(org_kind, "secretariat") == 0)
		return ROLE_SECRETARIAT;
	if (strcmp(org_kind, "applicant") == 0)
		return ROLE_APPLICANT;
	if (strcmp(org_kind, "observer") == 0)
		return ROLE_OBSERVER;
	if (strcmp(org_kind, "member") == 0)
		return strcmp(user_role, "team_admin") == 0 ? ROLE_TEAM_ADMIN : ROLE_MEMBER;
	return ROLE_ANONYMOUS;
}
