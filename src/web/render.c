/* Template registry and page rendering; see render.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/embed.h"
#include "core/i18n.h"
#include "http/ctx.h"
#include "web/render.h"
#include "web/template.h"

#define TEMPLATE_DIR "src/web/templates/"
#define MAX_TEMPLATES 128

struct named_tpl {
	const char *name;          /* points into the embedded path */
	struct tpl *tpl;
};

static struct named_tpl templates[MAX_TEMPLATES];
static size_t ntemplates;

static const struct tpl *find_template(const char *name)
{
	for (size_t i = 0; i < ntemplates; i++)
		if (strcmp(templates[i].name, name) == 0)
			return templates[i].tpl;
	return NULL;
}

int web_init(char *err, size_t errlen)
{
	size_t dl = strlen(TEMPLATE_DIR);
	if (ntemplates)
		return 0;
	for (const struct embed_file *f = embed_files; f->path; f++) {
		if (strncmp(f->path, TEMPLATE_DIR, dl) != 0)
			continue;
		if (ntemplates == MAX_TEMPLATES) {
			snprintf(err, errlen, "more than %d templates", MAX_TEMPLATES);
			return -1;
		}
		struct tpl *t = tpl_compile(f->path + dl, (const char *)f->data, f->len, err, errlen);
		if (!t) {
			web_free();
			return -1;
		}
		templates[ntemplates].name = f->path + dl;
		templates[ntemplates++].tpl = t;
	}
	if (!find_template("layout.html") || !find_template("error.html")) {
		snprintf(err, errlen, "layout.html and error.html must be embedded");
		web_free();
		return -1;
	}
	return 0;
}

void web_free(void)
{
	for (size_t i = 0; i < ntemplates; i++)
		tpl_free(templates[i].tpl);
	ntemplates = 0;
}

bool web_ready(void)
{
	return ntemplates > 0;
}

static const char *translate(void *ctx, const char *key)
{
	enum lang *lang = ctx;
	return i18n_get(*lang, key);
}

static const struct tpl *load(void *ctx, const char *name)
{
	return find_template(name);
}

static int render(const char *name, json_t *data, enum lang lang, struct buf *out)
{
	const struct tpl *t = find_template(name);
	struct tpl_env env = {.translate = translate, .load = load, .ctx = &lang};
	return t ? tpl_render(t, data, &env, out) : -1;
}

int web_render_plain(const char *name, json_t *data, enum lang lang, struct buf *out)
{
	return render(name, data, lang, out);
}

static void url_component(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			buf_addc(b, (char)*p);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			buf_add(b, e, 3);
		}
	}
}

/* The current page in the other language: same path and query (filters,
 * page), with lang= replaced. A page drawn in answer to a POST to a path
 * that has no page of its own, or whose page needs what the form carried,
 * names its page in "page_path" (a path, perhaps with a query). */
static void lang_switch_url(struct ctx *c, json_t *data)
{
	h2o_req_t *req = c->req;
	size_t n = req->query_at != SIZE_MAX ? req->query_at : req->path.len;
	const char *page_path = json_string_value(json_object_get(data, "page_path"));
	struct buf b;
	buf_init(&b, 4096);
	if (page_path)
		buf_adds(&b, page_path);
	else
		buf_add(&b, req->path.base, n < 1024 ? n : 1024);
	buf_adds(&b, page_path && strchr(page_path, '?') ? "&" : "?");
	for (size_t i = 0; i < c->query.n; i++) {
		if (!strcmp(c->query.fields[i].name, "lang"))
			continue;
		url_component(&b, c->query.fields[i].name);
		buf_addc(&b, '=');
		url_component(&b, c->query.fields[i].value);
		buf_addc(&b, '&');
	}
	buf_printf(&b, "lang=%s", c->lang == LANG_JA ? "en" : "ja");
	json_object_set_new(data, "lang_switch_url", json_stringn(b.data ? b.data : "/", b.len));
	buf_release(&b);
}

int web_render_page(struct ctx *c, const char *name, json_t *data, struct buf *out)
{
	json_object_set_new(data, "lang", json_string(lang_code(c->lang)));
	json_object_set_new(data, "other_lang_name", json_string(c->lang == LANG_JA ? "English" : "日本語"));
	json_object_set_new(data, "csrf", json_string(c->csrf));
	json_object_set_new(data, "instance_name", json_string(c->cfg->instance_name));
	json_object_set_new(data, "signed_in", json_boolean(c->actor.user_id != 0));
	json_object_set_new(data, "user_name", json_string(c->user_name));
	json_object_set_new(data, "is_secretariat", json_boolean(c->actor.role == ROLE_SECRETARIAT));
	json_object_set_new(data, "is_team_admin", json_boolean(c->actor.role == ROLE_TEAM_ADMIN));
	json_object_set_new(data, "may_read_applications",
	                    json_boolean(policy_allows(&c->actor, ACT_APPLICATIONS_READ, NULL)));
	json_object_set_new(data, "request_id", json_string(c->rid));
	lang_switch_url(c, data);

	struct buf body;
	buf_init(&body, out->max);
	int rc = render(name, data, c->lang, &body);
	if (rc == 0) {
		json_object_set_new(data, "content", json_stringn(body.data ? body.data : "", body.len));
		rc = render("layout.html", data, c->lang, out);
		json_object_del(data, "content");
	}
	buf_release(&body);
	return rc;
}
