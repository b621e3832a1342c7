/* Small accessors over struct ctx; see ctx.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit/audit.h"
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
	for (int i = 0; i < c->nfield_errors; i++)
		if (!strcmp(c->field_errors[i].field, field))
			return;   /* the first problem of a field is the one to fix */
	c->field_errors[c->nfield_errors].field = field;
	c->field_errors[c->nfield_errors].msg_key = msg_key;
	c->field_errors[c->nfield_errors].text = NULL;
	c->nfield_errors++;
}

void ctx_field_error_fill(struct ctx *c, const char *field, const char *msg_key, const char *const vars[])
{
	int before = c->nfield_errors;
	ctx_field_error(c, field, msg_key);
	if (c->nfield_errors == before)
		return;
	struct buf b;
	buf_init(&b, 4096);
	if (i18n_fill(&b, ctx_t(c, msg_key), vars) == 0 && b.data)
		c->field_errors[before].text = ctx_strndup(c, b.data, b.len);
	buf_release(&b);
}

const char *ctx_field_error_text(const struct ctx *c, int i)
{
	const struct field_error *e = &c->field_errors[i];
	return e->text ? e->text : ctx_t(c, e->msg_key);
}

json_t *ctx_field_errors_json(const struct ctx *c)
{
	json_t *errs = json_object();
	for (int i = 0; i < c->nfield_errors; i++)
		json_object_set_new(errs, c->field_errors[i].field, json_string(ctx_field_error_text(c, i)));
	return errs;
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

int ctx_audit(struct ctx *c, const char *action, const char *object_type, int64_t oid, const char *detail)
{
	char id[24] = "";
	if (oid)
		snprintf(id, sizeof(id), "%lld", (long long)oid);
	struct audit_entry e = {
		.actor_user_id = c->actor.user_id, .actor_org_id = c->actor.org_id, .action = action,
		.object_type = object_type, .object_id = id, .request_id = c->rid,
		.client_addr = c->client_addr, .detail = detail,
	};
	return audit_write(c->db, &e) < 0 ? -1 : 0;
}
