/* The policy table: who may do what, token scopes, own-organisation rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "auth/policy.h"

static struct actor as(enum role r, int64_t org)
{
	struct actor a = {.role = r, .user_id = r == ROLE_ANONYMOUS ? 0 : 1, .org_id = org};
	return a;
}

static void every_action_has_a_name_and_none_is_refused(void **state)
{
	for (int act = 1; act < ACT__COUNT; act++) {
		assert_string_not_equal(policy_action_name(act), "none");
		assert_string_not_equal(policy_action_name(act), "invalid");
	}
	for (int r = 0; r < ROLE__COUNT; r++) {
		struct actor a = as(r, 1);
		assert_false(policy_allows(&a, ACT_NONE, NULL));
		assert_false(policy_allows(&a, ACT__COUNT, NULL));
	}
}

static void roles_come_from_org_kind_and_user_role(void **state)
{
	assert_int_equal(policy_role_for("secretariat", "member"), ROLE_SECRETARIAT);
	assert_int_equal(policy_role_for("member", "team_admin"), ROLE_TEAM_ADMIN);
	assert_int_equal(policy_role_for("member", "member"), ROLE_MEMBER);
	assert_int_equal(policy_role_for("observer", "team_admin"), ROLE_OBSERVER);
	assert_int_equal(policy_role_for("applicant", "member"), ROLE_APPLICANT);
	assert_int_equal(policy_role_for("bogus", "member"), ROLE_ANONYMOUS);
}

static void audit_is_for_the_secretariat_only(void **state)
{
	for (int r = 0; r < ROLE__COUNT; r++) {
		struct actor a = as(r, 1);
		assert_int_equal(policy_allows(&a, ACT_AUDIT_READ, NULL), r == ROLE_SECRETARIAT);
	}
}

static void team_admins_manage_only_their_own_organisation(void **state)
{
	struct actor admin = as(ROLE_TEAM_ADMIN, 5), sec = as(ROLE_SECRETARIAT, 1), member = as(ROLE_MEMBER, 5);
	struct policy_object own = {.org_id = 5}, other = {.org_id = 6};
	assert_true(policy_allows(&admin, ACT_ORG_USERS_WRITE, &own));
	assert_false(policy_allows(&admin, ACT_ORG_USERS_WRITE, &other));
	assert_true(policy_allows(&sec, ACT_ORG_USERS_WRITE, &other));
	assert_false(policy_allows(&member, ACT_ORG_USERS_WRITE, &own));
}

static void read_only_tokens_cannot_write(void **state)
{
	struct actor a = as(ROLE_SECRETARIAT, 1);
	a.via_token = true;
	a.token_can_write = false;
	assert_true(policy_allows(&a, ACT_ORGS_READ, NULL));
	assert_false(policy_allows(&a, ACT_ORGS_WRITE, NULL));
	assert_false(policy_allows(&a, ACT_SELF_WRITE, NULL));
	a.token_can_write = true;
	assert_true(policy_allows(&a, ACT_ORGS_WRITE, NULL));
}

static void anonymous_may_only_read_public_and_sign_in(void **state)
{
	struct actor a = as(ROLE_ANONYMOUS, 0);
	for (int act = 1; act < ACT__COUNT; act++) {
		bool want = act == ACT_PUBLIC_READ || act == ACT_SIGN_IN || act == ACT_OPS_READ || act == ACT_DIRECTORY_READ ||
		            act == ACT_MEMBERSHIP_APPLY;
		assert_int_equal(policy_allows(&a, act, NULL), want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_action_has_a_name_and_none_is_refused),
		cmocka_unit_test(roles_come_from_org_kind_and_user_role),
		cmocka_unit_test(audit_is_for_the_secretariat_only),
		cmocka_unit_test(team_admins_manage_only_their_own_organisation),
		cmocka_unit_test(read_only_tokens_cannot_write),
		cmocka_unit_test(anonymous_may_only_read_public_and_sign_in),
	};
	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
