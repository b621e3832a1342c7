/* HTML templates that escape by context. A template is compiled once: while
 * compiling, a small HTML tokenizer follows the literal markup, so every
 * {{slot}} knows whether it sits in text, in a quoted attribute value or in a
 * URL attribute, and slots where no escaping can be safe (inside <script> or
 * <style>, comments, tag or attribute names, unquoted values, event-handler
 * and style attributes) are compile errors. Rendering then only looks values
 * up in a jansson object and escapes them the way the compiler decided.
 *
 * Syntax:
 *   {{name}} {{user.name}} {{.}} {{@index}}   a value, escaped for its place
 *   {{t "message.key"}}                       a translation, escaped likewise
 *   {{#if x}}…{{else}}…{{/if}}                also #unless; else is optional
 *   {{#each xs}}…{{else}}…{{/each}}           else renders for an empty array
 *   {{> partial}}                             another template, by name
 *   {{raw html}}                              unescaped; already-rendered HTML
 *   {{! comment }}
 * Inside #each a name is looked up in the current element first, then in the
 * enclosing elements, then in the data object. A missing value, null, an
 * object or an array renders as nothing; numbers render as integers when
 * integral; booleans as true/false. */
#ifndef SHISA_TEMPLATE_H
#define SHISA_TEMPLATE_H
#include <stddef.h>
#include <jansson.h>
#include "core/buf.h"

#define TPL_MAX_SOURCE ((size_t)1 << 20)  /* bytes of template source */
#define TPL_MAX_DEPTH 32                  /* nested #if/#unless/#each */
#define TPL_MAX_PARTIALS 8                /* nested {{> partial}} while rendering */
#define TPL_MAX_STEPS ((size_t)1 << 22)   /* directives and loop turns per render */

/* A compiled template; immutable, so one may be rendered by many threads. */
struct tpl;

/* What a render may call back into. CTX is passed to both functions.
 * translate returns the text for KEY (NULL fails the render); load returns a
 * compiled template the caller keeps owning, or NULL when there is none. */
struct tpl_env {
	const char *(*translate)(void *ctx, const char *key);
	const struct tpl *(*load)(void *ctx, const char *name);
	void *ctx;
};

/* Compile LEN bytes of SRC; NAME serves only in error messages. Return
 * the template, to be released with tpl_free, or NULL after writing a
 * message such as "layout.html:12: unclosed {{#if}}" into ERR. */
struct tpl *tpl_compile(const char *name, const char *src, size_t len,
	char *err, size_t errlen);

/* Release a compiled template; NULL is allowed. */
void tpl_free(struct tpl *t);

/* Append T rendered with DATA (an object) to OUT. Return 0, or -1 when OUT
 * would exceed its maximum, memory ran out, a partial is missing or nested
 * deeper than TPL_MAX_PARTIALS, translate is missing or returned NULL, or
 * the render took more than TPL_MAX_STEPS; on -1 OUT holds a partial page
 * the caller must discard. ENV may be NULL for templates that use neither
 * {{t}} nor partials. */
int tpl_render(const struct tpl *t, json_t *data, const struct tpl_env *env,
	struct buf *out);

#endif
