/* libFuzzer target for src/web/template.c: compile the input as a template
 * and, when it compiles, render it with data full of markup, URLs and
 * nesting. Besides the sanitizers' checks it asserts the engine's promise:
 * the "<\x01" planted inside values and translations never reaches the
 * output unescaped, unless the template uses {{raw}} (literal markup cannot
 * fake it when the input holds no \x01 byte, and no value starts with one).
 * The partial "self" is the input itself, to exercise the recursion guard. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "web/template.h"

#define MARK "<\x01>"

static json_t *data;
static struct tpl *nav;

static const struct tpl *load(void *ctx, const char *name)
{
	if (!strcmp(name, "self"))
		return ctx;
	if (!strcmp(name, "nav"))
		return nav;
	return NULL;
}

static const char *translate(void *ctx, const char *key)
{
	(void)ctx;
	return strcmp(key, "none") ? "t " MARK " \"'& javascript:x" : NULL;
}

static void setup(void)
{
	data = json_pack("{s:s,s:s,s:s,s:i,s:f,s:b,s:n,s:[s,i,{s:s,s:[s,s]},[s]],"
		"s:{s:s,s:{s:s}},s:[]}",
		"name", MARK "\" onmouseover='x' & é",
		"url", " JaVaScRiPt:alert(1)//" MARK,
		"ok", "https://example.com/a b?c=d&e=東京#" MARK,
		"n", 42, "x", 2.5, "yes", 1, "nil",
		"xs", "a" MARK, 7, "name", MARK "inner", "xs", "p", MARK, "deep",
		"user", "name", "u" MARK, "profile", "site", "/p?q=" MARK,
		"empty");
	char err[128];
	const char *src = "<nav><a href=\"{{user.profile.site}}\">{{user.name}}</a></nav>";
	nav = tpl_compile("nav", src, strlen(src), err, sizeof err);
	if (!data || !nav)
		abort();
}

static bool contains(const char *s, size_t n, const char *needle)
{
	return s && memmem(s, n, needle, strlen(needle)) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	if (!data)
		setup();
	char err[256];
	struct tpl *t = tpl_compile("fuzz", (const char *)in, len, err, sizeof err);
	if (!t)
		return 0;
	struct tpl_env env = { translate, load, t };
	struct buf out;
	buf_init(&out, (size_t)1 << 20);
	int rc = tpl_render(t, data, &env, &out);
	if (!rc && contains(out.data, out.len, "<\x01")
	    && !memchr(in, '\x01', len) && !contains((const char *)in, len, "raw"))
		abort();
	buf_release(&out);
	tpl_free(t);
	return 0;
}
