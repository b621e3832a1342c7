/* Small accessors over struct ctx; see ctx.h. */
#include <stdlib.h>
#include <string.h>
#include "http/ctx.h"

const char *ctx_param(const struct ctx *c, const char *name)
{
	for (int i = 0; i < c->nparams; i++)
		if (strcmp(c->param_name[i], name) == 0)
			return c->param[i];
	return NULL;
}

int64_t ctx_param_id(const struct ctx *c, const char *name)
{
	const char *s = ctx_param(c, name);
	if (!s || !*s || strlen(s) > 18)
		return 0;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return strtoll(s, NULL, 10);
}

void ctx_field_error(struct ctx *c, const char *field, const char *msg_key)
{
	if (c->nfield_errors >= CTX_MAX_FIELD_ERRORS)
		return;
	c->field_errors[c->nfield_errors].field = field;
	c->field_errors[c->nfield_errors].msg_key = msg_key;
	c->nfield_errors++;
}

const char *ctx_t(const struct ctx *c, const char *key)
{
	return i18n_get(c->lang, key);
}

char *ctx_strndup(struct ctx *c, const char *s, size_t n)
{
	char *p = h2o_mem_alloc_pool(&c->req->pool, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

h2o_iovec_t ctx_header(const struct ctx *c, const char *name)
{
	ssize_t i = h2o_find_header_by_str(&c->req->headers, name, strlen(name), -1);
	if (i < 0)
		return h2o_iovec_init(NULL, 0);
	return c->req->headers.entries[i].value;
}
