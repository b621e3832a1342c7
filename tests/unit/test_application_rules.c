/* The pieces of the membership services that stand alone, on a real
 * database: the texts an applicant accepts (built in until the
 * secretariat writes its own, in both languages, and versioned by their
 * content), how two organisation groups compare, and that every kind of
 * application mail has its subject and body in both languages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "core/i18n.h"
#include "membership/application_mail.h"
#include "membership/application_sponsors.h"
#include "membership/membership_rules.h"
#include "testutil.h"

static int setup(void **state)
{
	static struct testdb t;
	char err[256];
	assert_int_equal(i18n_load(err, sizeof(err)), 0);
	testdb_open(&t);
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	testdb_close(*state);
	return 0;
}

static void built_in_texts_in_both_languages(void **state)
{
	struct testdb *t = *state;
	struct membership_rules r;
	assert_int_equal(membership_rules_load(&t->db, &r), 0);
	for (int x = 0; x < RULES__COUNT; x++) {
		for (int l = 0; l < LANG__COUNT; l++) {
			assert_false(r.custom[x][l]);
			assert_true(strlen(r.text[x][l]) > 40);
			assert_null(strstr(r.text[x][l], "rules.default"));
		}
	}
	/* TLP 2.0: its four labels and CLEAR, in both languages. */
	static const char *const labels[] = {"TLP:RED", "TLP:AMBER+STRICT", "TLP:AMBER", "TLP:GREEN", "TLP:CLEAR", NULL};
	for (int i = 0; labels[i]; i++) {
		assert_non_null(strstr(r.text[RULES_TLP][LANG_EN], labels[i]));
		assert_non_null(strstr(r.text[RULES_TLP][LANG_JA], labels[i]));
	}
	assert_non_null(strstr(r.text[RULES_CHATHAM_HOUSE][LANG_EN], "neither the identity nor the affiliation"));
	assert_non_null(strstr(r.text[RULES_CHATHAM_HOUSE][LANG_JA], "チャタムハウスルール"));
	assert_int_equal(strlen(r.version), RULES_VERSION_LEN);
	membership_rules_free(&r);
}

static void the_version_follows_the_texts(void **state)
{
	struct testdb *t = *state;
	struct membership_rules a, b;
	assert_int_equal(membership_rules_load(&t->db, &a), 0);
	assert_int_equal(membership_rules_load(&t->db, &b), 0);
	assert_string_equal(a.version, b.version);
	membership_rules_free(&b);

	const char *texts[RULES__COUNT][LANG__COUNT] = {{"ab", "c"}, {"TLP", "TLP ja"}, {"CHR", "CHR ja"}};
	const char *moved[RULES__COUNT][LANG__COUNT] = {{"a", "bc"}, {"TLP", "TLP ja"}, {"CHR", "CHR ja"}};
	char v1[RULES_VERSION_LEN + 1], v2[RULES_VERSION_LEN + 1];
	membership_rules_version(texts, v1);
	membership_rules_version(moved, v2);
	assert_string_not_equal(v1, v2);   /* the same letters, in other texts */

	assert_int_equal(db_begin(&t->db), 0);
	assert_int_equal(membership_rules_save(&t->db, texts), 0);
	assert_int_equal(db_commit(&t->db), 0);
	assert_int_equal(membership_rules_load(&t->db, &b), 0);
	assert_string_equal(b.version, v1);
	assert_string_not_equal(b.version, a.version);
	assert_string_equal(b.text[RULES_ASSOCIATION][LANG_JA], "c");
	assert_true(b.custom[RULES_TLP][LANG_EN]);
	membership_rules_free(&a);
	membership_rules_free(&b);
}

static void groups_compare_trimmed_and_case_folded(void **state)
{
	assert_true(app_same_group("Alpha Group", "Alpha Group"));
	assert_true(app_same_group("Alpha Group", " alpha GROUP\t"));
	assert_true(app_same_group("\xe3\x80\x80" "Alpha", "alpha\xe3\x80\x80"));   /* ideographic spaces */
	assert_true(app_same_group("例グループ", " 例グループ "));
	assert_false(app_same_group("Alpha Group", "Alpha Groups"));
	assert_false(app_same_group("Alpha Group", "AlphaGroup"));
	/* No group is nobody's group, not even another organisation's with none. */
	assert_false(app_same_group("", ""));
	assert_false(app_same_group("  ", ""));
	assert_false(app_same_group("Alpha", ""));
	assert_false(app_same_group("", "Alpha"));
}

static void every_mail_in_both_languages(void **state)
{
	int kinds = 0;
	for (size_t i = 0; app_mail_kinds[i]; i++, kinds++) {
		char key[64];
		for (int part = 0; part < 2; part++) {
			snprintf(key, sizeof(key), "mail.app.%s.%s", app_mail_kinds[i], part ? "body" : "subject");
			if (!i18n_has(key))
				fail_msg("%s is not in messages.tsv", key);
		}
		/* Every body greets its recipient and links where to act. */
		assert_non_null(strstr(i18n_get(LANG_EN, key), "{name}"));
		assert_non_null(strstr(i18n_get(LANG_JA, key), "{name}"));
		assert_true(strstr(i18n_get(LANG_EN, key), "{link}") || strstr(i18n_get(LANG_EN, key), "{team_link}"));
	}
	assert_int_equal(kinds, 13);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(built_in_texts_in_both_languages),
		cmocka_unit_test(the_version_follows_the_texts),
		cmocka_unit_test(groups_compare_trimmed_and_case_folded),
		cmocka_unit_test(every_mail_in_both_languages),
	};
	return cmocka_run_group_tests_name("application_rules", tests, setup, teardown);
}
