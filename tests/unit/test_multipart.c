/* multipart/form-data bodies (src/http/multipart.c): what browsers send,
 * read exactly; everything malformed refused with the reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "http/multipart.h"
#include "test_arena.h"

#define CT "multipart/form-data; boundary=----WebKitFormBoundaryAbC123"
#define B "------WebKitFormBoundaryAbC123"

/* As Chromium sends the import page with a file chosen. */
static const char browser_body[] =
	B "\r\n"
	"Content-Disposition: form-data; name=\"_csrf\"\r\n"
	"\r\n"
	"tok3n\r\n"
	B "\r\n"
	"Content-Disposition: form-data; name=\"content\"\r\n"
	"\r\n"
	"\r\n"
	B "\r\n"
	"Content-Disposition: form-data; name=\"file\"; filename=\"チーム.csv\"\r\n"
	"Content-Type: text/csv\r\n"
	"\r\n"
	"slug,name_en\r\nt1,Team --One\r\n\r\n--" "----WebKitFormBoundaryAbC12 almost\r\n"
	"\r\n"
	B "--\r\n";

static enum multipart_status parse(const char *ct, const char *body, size_t n, struct multipart *m, struct arena *a)
{
	return multipart_parse(ct, strlen(ct), body, n, 1u << 20, m, arena_alloc, a);
}

static void reads_the_boundary_of_the_content_type(void **state)
{
	char b[MULTIPART_BOUNDARY_MAX + 1];
	static const char *const good[][2] = {
		{"multipart/form-data; boundary=abc", "abc"},
		{"Multipart/Form-Data;boundary=abc", "abc"},
		{"multipart/form-data; charset=utf-8; BOUNDARY=\"a b'()+_,-./:=?\"", "a b'()+_,-./:=?"},
		{"multipart/form-data ; boundary=x ", "x"},
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(multipart_boundary(good[i][0], strlen(good[i][0]), b), MULTIPART_OK);
		assert_string_equal(b, good[i][1]);
	}
	char longest[200];
	snprintf(longest, sizeof(longest), "multipart/form-data; boundary=%070d", 7);
	assert_int_equal(multipart_boundary(longest, strlen(longest), b), MULTIPART_OK);
	assert_int_equal(strlen(b), 70);
	static const char *const bad[] = {
		"multipart/form-data",
		"multipart/form-data; boundary=",
		"multipart/form-data; boundary=\"\"",
		"multipart/form-data; boundary=\"ends with a space \"",
		"multipart/form-data; boundary=\"semi;colon\"",
		"multipart/form-data; boundary=\"unclosed",
		"multipart/form-data; boundary=a; boundary=b",
		"multipart/form-data; boundary=abc;",
		"multipart/form-data boundary=abc",
		"multipart/mixed; boundary=abc",
		"multipart/form-dataX; boundary=abc",
		"application/x-www-form-urlencoded",
		"",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(multipart_boundary(bad[i], strlen(bad[i]), b), MULTIPART_NO_BOUNDARY);
	snprintf(longest, sizeof(longest), "multipart/form-data; boundary=%071d", 7);
	assert_int_equal(multipart_boundary(longest, strlen(longest), b), MULTIPART_NO_BOUNDARY);
	assert_int_equal(multipart_boundary(NULL, 0, b), MULTIPART_NO_BOUNDARY);
}

static void reads_what_a_browser_sends(void **state)
{
	struct arena a = {0};
	struct multipart m;
	assert_int_equal(parse(CT, browser_body, sizeof(browser_body) - 1, &m, &a), MULTIPART_OK);
	assert_int_equal(m.n, 3);
	assert_string_equal(m.parts[0].name, "_csrf");
	assert_null(m.parts[0].filename);
	assert_null(m.parts[0].content_type);
	assert_int_equal(m.parts[0].len, 5);
	assert_memory_equal(m.parts[0].data, "tok3n", 5);
	assert_string_equal(m.parts[1].name, "content");
	assert_int_equal(m.parts[1].len, 0);
	const struct multipart_part *f = multipart_get(&m, "file");
	assert_ptr_equal(f, &m.parts[2]);
	assert_string_equal(f->filename, "チーム.csv");
	assert_string_equal(f->content_type, "text/csv");
	/* The data keeps its CRLFs, and what merely looks like the boundary
	 * (not at a line start, or longer) is data. */
	const char *want = "slug,name_en\r\nt1,Team --One\r\n\r\n------WebKitFormBoundaryAbC12 almost\r\n";
	assert_int_equal(f->len, strlen(want));
	assert_memory_equal(f->data, want, f->len);
	assert_null(multipart_get(&m, "missing"));

	struct form fields;
	struct multipart files;
	assert_int_equal(multipart_split(&m, &fields, &files, arena_alloc, &a), MULTIPART_OK);
	assert_int_equal(fields.n, 2);
	assert_string_equal(form_get(&fields, "_csrf"), "tok3n");
	assert_string_equal(form_get(&fields, "content"), "");
	assert_int_equal(files.n, 1);
	assert_string_equal(multipart_get(&files, "file")->filename, "チーム.csv");
	assert_null(multipart_get(&files, "_csrf"));
	arena_free(&a);
}

/* A preamble and an epilogue are not read; blanks after a boundary are
 * padding; a part may have headers and no body at all; a file input left
 * empty comes as filename="". */
static void reads_the_framing_rfc_2046_allows(void **state)
{
	struct arena a = {0};
	struct multipart m;
	const char body[] = "This is the preamble.\r\n--xyz  \t\r\n"
	                    "content-disposition: FORM-DATA; name=empty\r\n"
	                    "X-Other: ignored\r\n"
	                    "Content-Transfer-Encoding: binary\r\n"
	                    "\r\n--xyz\r\n"
	                    "Content-Disposition: form-data; name=\"file\"; filename=\"\"\r\n"
	                    "Content-Type: application/octet-stream\r\n\r\n"
	                    "\r\n--xyz--and this is the epilogue\r\n";
	assert_int_equal(parse("multipart/form-data; boundary=xyz", body, sizeof(body) - 1, &m, &a), MULTIPART_OK);
	assert_int_equal(m.n, 2);
	assert_string_equal(m.parts[0].name, "empty");
	assert_int_equal(m.parts[0].len, 0);
	assert_string_equal(m.parts[1].filename, "");
	assert_int_equal(m.parts[1].len, 0);

	const char only_close[] = "--xyz--";
	assert_int_equal(parse("multipart/form-data; boundary=xyz", only_close, 7, &m, &a), MULTIPART_OK);
	assert_int_equal(m.n, 0);
	arena_free(&a);
}

struct refusal {
	const char *why, *body;
	enum multipart_status want;
};

static void refuses_malformed_bodies(void **state)
{
	static const struct refusal cases[] = {
		{"no boundary at all", "just text", MULTIPART_NO_START},
		{"another boundary", "--abc\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--abc--", MULTIPART_NO_START},
		{"an empty body", "", MULTIPART_NO_START},
		{"cut after the first boundary", "--xyz", MULTIPART_UNTERMINATED},
		{"cut in the headers", "--xyz\r\nContent-Disposition: form-da", MULTIPART_UNTERMINATED},
		{"cut before the data", "--xyz\r\nContent-Disposition: form-data; name=a\r\n", MULTIPART_UNTERMINATED},
		{"cut in the data", "--xyz\r\nContent-Disposition: form-data; name=a\r\n\r\nhalf", MULTIPART_UNTERMINATED},
		{"no closing boundary", "--xyz\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--xyz",
		 MULTIPART_UNTERMINATED},
		{"no closing boundary, a CRLF", "--xyz\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--xyz\r\n",
		 MULTIPART_UNTERMINATED},
		{"text after the boundary", "--xyzzy\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--xyz--",
		 MULTIPART_BAD_HEADER},
		{"no Content-Disposition", "--xyz\r\nContent-Type: text/plain\r\n\r\nx\r\n--xyz--", MULTIPART_BAD_HEADER},
		{"no headers", "--xyz\r\n\r\nx\r\n--xyz--", MULTIPART_BAD_HEADER},
		{"not form-data", "--xyz\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--xyz--",
		 MULTIPART_BAD_HEADER},
		{"no name", "--xyz\r\nContent-Disposition: form-data; filename=a\r\n\r\nx\r\n--xyz--", MULTIPART_BAD_HEADER},
		{"two names", "--xyz\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\nx\r\n--xyz--",
		 MULTIPART_BAD_HEADER},
		{"two Content-Dispositions",
		 "--xyz\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n\r\n"
		 "x\r\n--xyz--",
		 MULTIPART_BAD_HEADER},
		{"two Content-Types",
		 "--xyz\r\nContent-Disposition: form-data; name=a\r\nContent-Type: a/b\r\nContent-Type: a/b\r\n\r\n"
		 "x\r\n--xyz--",
		 MULTIPART_BAD_HEADER},
		{"an unclosed quote", "--xyz\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--xyz--",
		 MULTIPART_BAD_HEADER},
		{"base64", "--xyz\r\nContent-Disposition: form-data; name=a\r\nContent-Transfer-Encoding: base64\r\n\r\n"
		 "eA==\r\n--xyz--", MULTIPART_BAD_HEADER},
		{"a bare LF", "--xyz\nContent-Disposition: form-data; name=a\n\nx\n--xyz--", MULTIPART_BAD_HEADER},
		{"a bare LF in the headers", "--xyz\r\nContent-Disposition: form-data; name=a\n\r\nx\r\n--xyz--",
		 MULTIPART_BAD_HEADER},
		{"a folded header", "--xyz\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\nx\r\n--xyz--",
		 MULTIPART_BAD_HEADER},
		{"a header without a colon", "--xyz\r\nContent-Disposition form-data; name=a\r\n\r\nx\r\n--xyz--",
		 MULTIPART_BAD_HEADER},
		{"a control character", "--xyz\r\nContent-Disposition: form-data; name=\"a\x01\"\r\n\r\nx\r\n--xyz--",
		 MULTIPART_BAD_HEADER},
		{"a file name not UTF-8",
		 "--xyz\r\nContent-Disposition: form-data; name=f; filename=\"\xff.csv\"\r\n\r\nx\r\n--xyz--",
		 MULTIPART_BAD_UTF8},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct arena a = {0};
		struct multipart m;
		enum multipart_status st = parse("multipart/form-data; boundary=xyz", cases[i].body,
		                                 strlen(cases[i].body), &m, &a);
		if (st != cases[i].want)
			fail_msg("%s: got %d, want %d", cases[i].why, st, cases[i].want);
		assert_int_equal(m.n, 0);
		arena_free(&a);
	}
}

/* Cut anywhere before its end, a body is refused: the parser never takes
 * a truncated upload for a whole one. */
static void refuses_every_truncation(void **state)
{
	size_t n = sizeof(browser_body) - 1;
	for (size_t cut = 0; cut < n - 2; cut++) {
		struct arena a = {0};
		struct multipart m;
		enum multipart_status st = parse(CT, browser_body, cut, &m, &a);
		if (st != MULTIPART_NO_START && st != MULTIPART_UNTERMINATED)
			fail_msg("cut at %zu: got %d", cut, st);
		arena_free(&a);
	}
}

static void limits_parts_sizes_and_headers(void **state)
{
	struct arena a = {0};
	struct multipart m;
	char *body = malloc(64 * 1024);
	size_t n = 0;
	for (int i = 0; i <= MULTIPART_MAX_PARTS; i++)
		n += (size_t)sprintf(body + n, "--xyz\r\nContent-Disposition: form-data; name=f%d\r\n\r\n%d\r\n", i, i);
	n += (size_t)sprintf(body + n, "--xyz--");
	assert_int_equal(parse("multipart/form-data; boundary=xyz", body, n, &m, &a), MULTIPART_TOO_MANY);
	/* One part fewer is fine. */
	const char *last = strstr(body, "--xyz\r\nContent-Disposition: form-data; name=f64\r\n");
	n = (size_t)(last - body);
	n += (size_t)sprintf(body + n, "--xyz--");
	assert_int_equal(parse("multipart/form-data; boundary=xyz", body, n, &m, &a), MULTIPART_OK);
	assert_int_equal(m.n, MULTIPART_MAX_PARTS);

	const char part[] = "--xyz\r\nContent-Disposition: form-data; name=a\r\n\r\n0123456789\r\n--xyz--";
	assert_int_equal(multipart_parse("multipart/form-data; boundary=xyz", 33, part, strlen(part), 10, &m,
	                                 arena_alloc, &a), MULTIPART_OK);
	assert_int_equal(multipart_parse("multipart/form-data; boundary=xyz", 33, part, strlen(part), 9, &m,
	                                 arena_alloc, &a), MULTIPART_TOO_LARGE);
	/* Too large also when the end is never found. */
	assert_int_equal(multipart_parse("multipart/form-data; boundary=xyz", 33, part, strlen(part) - 9, 9, &m,
	                                 arena_alloc, &a), MULTIPART_TOO_LARGE);

	n = (size_t)sprintf(body, "--xyz\r\nContent-Disposition: form-data; name=a\r\nX-Long: ");
	memset(body + n, 'x', MULTIPART_MAX_HEADER);
	n += MULTIPART_MAX_HEADER;
	n += (size_t)sprintf(body + n, "\r\n\r\nx\r\n--xyz--");
	assert_int_equal(parse("multipart/form-data; boundary=xyz", body, n, &m, &a), MULTIPART_TOO_LARGE);
	free(body);
	arena_free(&a);
}

/* Text fields become form fields, which are UTF-8 without NUL like any
 * form's; a file may hold any bytes. */
static void text_fields_must_be_utf8_files_need_not(void **state)
{
	struct arena a = {0};
	struct multipart m, files;
	struct form fields;
	const char bin[] = "--xyz\r\nContent-Disposition: form-data; name=f; filename=a.bin\r\n\r\n\xff\0\xfe\r\n--xyz--";
	assert_int_equal(parse("multipart/form-data; boundary=xyz", bin, sizeof(bin) - 1, &m, &a), MULTIPART_OK);
	assert_int_equal(multipart_split(&m, &fields, &files, arena_alloc, &a), MULTIPART_OK);
	assert_int_equal(files.parts[0].len, 3);
	assert_int_equal(fields.n, 0);
	const char text[] = "--xyz\r\nContent-Disposition: form-data; name=t\r\n\r\na\0b\r\n--xyz--";
	assert_int_equal(parse("multipart/form-data; boundary=xyz", text, sizeof(text) - 1, &m, &a), MULTIPART_OK);
	assert_int_equal(multipart_split(&m, &fields, &files, arena_alloc, &a), MULTIPART_BAD_UTF8);
	assert_int_equal(fields.n, 0);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_the_boundary_of_the_content_type),
		cmocka_unit_test(reads_what_a_browser_sends),
		cmocka_unit_test(reads_the_framing_rfc_2046_allows),
		cmocka_unit_test(refuses_malformed_bodies),
		cmocka_unit_test(refuses_every_truncation),
		cmocka_unit_test(limits_parts_sizes_and_headers),
		cmocka_unit_test(text_fields_must_be_utf8_files_need_not),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
