/* Pages: every embedded template compiled once at start-up, and the page
 * renderer that puts a page's body inside the shared layout with what
 * every page needs (language, the signed-in user, the CSRF token). */
#ifndef SHISA_RENDER_H
#define SHISA_RENDER_H
#include <jansson.h>
#include <stdbool.h>
#include "core/buf.h"
#include "http/ctx.h"

/* Compile every embedded template. Return 0, or -1 naming the template,
 * line and problem in ERR. */
int web_init(char *err, size_t errlen);
/* Free the compiled templates. */
void web_free(void);
/* True once web_init succeeded. */
bool web_ready(void);
/* Render template NAME (e.g. "home.html") with DATA inside layout.html into
 * OUT. DATA is borrowed; common fields are added to it. Return 0 or -1. */
int web_render_page(struct ctx *c, const char *name, json_t *data, struct buf *out);
/* Render one template on its own (no layout, no request): for mail bodies
 * and tests. Return 0 or -1. */
int web_render_plain(const char *name, json_t *data, enum lang lang, struct buf *out);

#endif
