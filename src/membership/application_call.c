/* Reporting problems and auditing from the membership services; see
 * application_call.h. */
#include <stdio.h>
#include <string.h>
#include "audit/audit.h"
#include "directory/fields.h"
#include "jobs/jobs.h"
#include "membership/application_call.h"

void app_field_error(struct app_call *c, const char *field, const char *msg_key, const char *const vars[])
{
	c->nerrors++;
	if (c->field_error)
		c->field_error(c->arg, field, msg_key, vars);
}

enum err app_refuse(struct app_call *c, enum err e, const char *msg_key, const char *const vars[])
{
	if (c->refusal)
		c->refusal(c->arg, msg_key, vars);
	return e;
}

char *app_strdup(struct app_call *c, const char *s)
{
	size_t n = strlen(s);
	char *p = h2o_mem_alloc_pool(c->pool, n + 1);
	memcpy(p, s, n + 1);
	return p;
}

int app_audit(struct app_call *c, const char *action, int64_t id, const char *detail)
{
	char oid[24] = "";
	if (id)
		snprintf(oid, sizeof(oid), "%lld", (long long)id);
	struct audit_entry e = {
		.actor_user_id = c->actor.user_id, .actor_org_id = c->actor.org_id, .action = action,
		.object_type = "application", .object_id = oid, .request_id = c->request_id,
		.client_addr = c->client_addr ? c->client_addr : "", .detail = detail ? detail : "",
	};
	return audit_write(c->db, &e) < 0 ? -1 : 0;
}

enum err app_in_transaction(struct app_call *c, enum err (*body)(struct app_call *c, void *arg), void *arg)
{
	if (db_begin(c->db) < 0)
		return ERR_INTERNAL;
	enum err e = body(c, arg);
	if (e == ERR_OK && db_commit(c->db) < 0)
		e = ERR_INTERNAL;
	if (e != ERR_OK) {
		db_rollback(c->db);
		return e;
	}
	jobs_notify();
	return ERR_OK;
}

static bool blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

const char *app_text(struct app_call *c, const char *field, const char *s, size_t max, bool multiline, bool required)
{
	size_t n = s ? strlen(s) : 0;
	while (n && blank(*s)) {
		s++;
		n--;
	}
	while (n && blank(s[n - 1]))
		n--;
	if (!n) {
		if (required)
			app_field_error(c, field, "field.required", NULL);
		return required ? NULL : "";
	}
	char *t = h2o_mem_alloc_pool(c->pool, n + 1);
	memcpy(t, s, n);
	t[n] = '\0';
	enum field_result r = field_text(t, max, multiline);
	if (r != FIELD_OK) {
		char maxs[24];
		snprintf(maxs, sizeof(maxs), "%zu", max);
		const char *vars[] = {"max", maxs, "suggestion", "", NULL};
		app_field_error(c, field, field_err_key(r), vars);
		return NULL;
	}
	return t;
}
