/* libFuzzer target for the import parsers (src/directory/import_*.c):
 * RFC 2350 documents and security.txt files above all, and Trusted
 * Introducer's JSON and the CSV export with them. The first byte picks
 * the format (its low two bits; 0 RFC 2350, 1 security.txt, 2 TI JSON,
 * 3 CSV), the rest is the file, copied into a buffer of exactly its size
 * so ASan sees any read past it. Besides the sanitizers it asserts what
 * the rest of the import relies on: every issue's line is within the
 * file, its excerpt and field are short valid UTF-8, rejected issues are
 * counted, every record's change is an object of valid JSON that
 * re-serialises, and the report renders. Guessing the format runs too. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/json_writer.h"
#include "directory/import.h"

static void check_text(const char *s, size_t max_bytes)
{
	size_t n = strlen(s);
	if (n > max_bytes || !utf8_valid(s, n))
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
	if (size == 0)
		return 0;
	enum import_format f = (enum import_format)(data[0] & 3);
	size_t n = size - 1;
	char *text = malloc(n ? n : 1);
	if (!text)
		abort();
	memcpy(text, data + 1, n);
	if ((unsigned)import_guess(text, n) >= IMPORT__FORMATS)
		abort();

	struct import_doc d;
	import_doc_init(&d, f);
	if (import_parse(&d, text, n) < 0)
		abort();
	size_t lines = 1;
	for (size_t i = 0; i < n; i++)
		lines += text[i] == '\n';
	size_t rejected = 0;
	for (size_t i = 0; i < d.nissues; i++) {
		const struct import_issue *is = &d.issues[i];
		if (is->line > lines || !is->msg_key || !i18n_has(is->msg_key))
			abort();
		check_text(is->excerpt, 4 * 61);
		check_text(is->field, 4096);
		rejected += is->rejected;
	}
	if (d.nissues > IMPORT_MAX_ISSUES || rejected > d.nrejected)
		abort();
	for (size_t i = 0; i < d.nrecords; i++) {
		const struct import_record *r = &d.records[i];
		if (!json_is_object(r->change) || !json_is_object(r->where) || r->line > lines)
			abort();
		char *s = json_dumps(r->change, JSON_COMPACT);
		if (!s || !utf8_valid(s, strlen(s)))
			abort();
		free(s);
	}
	if (d.signed_text && (d.signed_text < text || d.signed_text + d.signed_len > text + n))
		abort();

	struct buf b;
	struct jw w;
	buf_init(&b, 64u << 20);
	jw_init(&w, &b);
	jw_obj_begin(&w);
	import_report_members(&d, NULL, false, LANG_JA, &w);
	jw_obj_end(&w);
	json_t *report = w.failed ? NULL : json_loadb(b.data, b.len, 0, NULL);
	if (!report)
		abort();
	json_decref(report);
	buf_release(&b);
	import_doc_release(&d);
	free(text);
	return 0;
}
