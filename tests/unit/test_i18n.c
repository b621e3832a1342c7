/* Every message exists in English and Japanese, and every key the code and
 * templates use is in the catalogue. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "core/embed.h"
#include "core/err.h"
#include "core/i18n.h"

static void catalogue_loads_with_both_languages(void **state)
{
	char err[256];
	assert_int_equal(i18n_load(err, sizeof(err)), 0);
	assert_true(i18n_count() > 10);
	for (size_t i = 0; i < i18n_count(); i++) {
		const char *k = i18n_key_at(i);
		assert_string_not_equal(i18n_get(LANG_EN, k), k);
		assert_string_not_equal(i18n_get(LANG_JA, k), k);
		assert_true(strlen(i18n_get(LANG_EN, k)) > 0);
		assert_true(strlen(i18n_get(LANG_JA, k)) > 0);
	}
}

static void every_error_has_a_message(void **state)
{
	for (int e = 0; e < ERR__COUNT; e++)
		assert_true(i18n_has(err_info(e)->msg_key));
}

static void every_template_key_is_translated(void **state)
{
	int checked = 0;
	for (const struct embed_file *f = embed_files; f->path; f++) {
		if (strncmp(f->path, "src/web/templates/", 18) != 0)
			continue;
		const char *p = (const char *)f->data;
		while ((p = strstr(p, "{{t \"")) != NULL) {
			p += 5;
			const char *e = strchr(p, '"');
			assert_non_null(e);
			char key[128];
			snprintf(key, sizeof(key), "%.*s", (int)(e - p), p);
			if (!i18n_has(key))
				fail_msg("%s uses {{t \"%s\"}} which is not in messages.tsv", f->path, key);
			checked++;
		}
	}
	assert_true(checked > 5);
}

static void accept_language_picks_the_best_supported(void **state)
{
	const char *h1 = "fr-FR, ja;q=0.8, en;q=0.5";
	const char *h2 = "en-US,en;q=0.9,ja;q=0.8";
	const char *h3 = "de, fr";
	const char *h4 = "ja;q=0, en;q=0.1";
	assert_int_equal(lang_from_accept(h1, strlen(h1), LANG_EN), LANG_JA);
	assert_int_equal(lang_from_accept(h2, strlen(h2), LANG_JA), LANG_EN);
	assert_int_equal(lang_from_accept(h3, strlen(h3), LANG_JA), LANG_JA);
	assert_int_equal(lang_from_accept(h4, strlen(h4), LANG_JA), LANG_EN);
	enum lang l;
	assert_int_equal(lang_parse("ja-JP", 5, &l), 0);
	assert_int_equal(l, LANG_JA);
	assert_int_equal(lang_parse("jax", 3, &l), -1);
	assert_int_equal(lang_parse("fr", 2, &l), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catalogue_loads_with_both_languages),
		cmocka_unit_test(every_error_has_a_message),
		cmocka_unit_test(every_template_key_is_translated),
		cmocka_unit_test(accept_language_picks_the_best_supported),
	};
	return cmocka_run_group_tests_name("i18n", tests, NULL, NULL);
}
