/* libFuzzer target for the membership history import's reader
 * (src/stats/history_parse.c, partial_date.c, name_key.c): the CSV of
 * `shisa stats import`, copied into a buffer of exactly its size so ASan
 * sees any read past it. Besides the sanitizers it asserts what the
 * writer relies on: every problem's line is within the file and its
 * message is in the catalogue and renders; its value is short valid
 * UTF-8; every row read has a non-empty valid name whose key is its own
 * key, dates in their canonical form (which read back the same), known
 * category keys, and sizes in range; and the name escapes into SVG text
 * without markup. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/json_writer.h"
#include "stats/history.h"
#include "stats/svg_chart.h"

static void check_text(const char *s, size_t max_bytes)
{
	size_t n = strlen(s);
	if (n > max_bytes || !utf8_valid(s, n))
		abort();
}

static void check_date(const char *s, bool required)
{
	struct partial_date d;
	char again[PARTIAL_DATE_MAX];
	if (!*s) {
		if (required)
			abort();
		return;
	}
	if (partial_date_parse(s, &d) < 0)
		abort();
	partial_date_format(&d, again);
	if (strcmp(s, again) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int loaded;
	if (!loaded) {
		char err[256];
		if (i18n_load(err, sizeof(err)) < 0)
			abort();
		loaded = 1;
	}
	char *text = malloc(size ? size : 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	struct history_file f;
	history_file_init(&f);
	if (history_parse(&f, text, size, "2026-11-26") < 0)
		abort();
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';
	struct buf b;
	buf_init(&b, 1 << 20);
	if (f.nissues > f.nproblems || f.nissues > HISTORY_MAX_ISSUES)
		abort();
	for (size_t i = 0; i < f.nissues; i++) {
		const struct history_issue *is = &f.issues[i];
		if (is->line > lines || !is->msg_key || !i18n_has(is->msg_key))
			abort();
		check_text(is->detail, sizeof(is->detail) - 1);
		buf_reset(&b);
		if (history_issue_text(is, LANG_EN, &b) < 0 || history_issue_text(is, LANG_JA, &b) < 0)
			abort();
	}
	for (size_t i = 0; i < f.nrows; i++) {
		const struct history_entry *e = &f.rows[i];
		char key[NAME_KEY_MAX];
		if (!e->name || !*e->name || !*e->name_key || e->line == 0 || e->line > lines)
			abort();
		check_text(e->name, 4 * HISTORY_TEXT_MAX);
		name_key(e->name_key, key);
		if (strcmp(key, e->name_key) != 0)
			abort();
		check_date(e->joined, true);
		check_date(e->left, false);
		check_date(e->established, false);
		if (!e->sector || !e->region || !e->csirt_type)
			abort();
		if (e->staff_at_founding > HISTORY_STAFF_MAX || e->staff_now > HISTORY_STAFF_MAX)
			abort();
		buf_reset(&b);
		if (svg_escape(&b, e->name) < 0 || (b.data && strpbrk(b.data, "<>\"'")))
			abort();
	}
	buf_release(&b);
	history_file_release(&f);
	free(text);
	return 0;
}
