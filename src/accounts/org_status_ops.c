/* Status changes shared by the pages and the API; see org_status_ops.h. */
#include <stdio.h>
#include <string.h>
#include "accounts/org_status.h"
#include "accounts/org_status_ops.h"
#include "core/clock.h"
#include "directory/changed.h"
#include "http/input.h"
#include "jobs/jobs.h"

void org_status_read(struct ctx *c, struct org_status_input *in)
{
	in->status = input_choice(c, "status", org_statuses, NULL);
	in->reason = input_text(c, "reason", true, ORG_STATUS_REASON_MAX, true);
}

const char *org_status_label(const struct ctx *c, const char *s)
{
	char key[48];
	snprintf(key, sizeof(key), "org_status.name.%s", s);
	return ctx_t(c, key);
}

/* The refusal V of a change of O, as a field error on "status". */
static void refuse(struct ctx *c, const struct org *o, enum org_status_verdict v)
{
	char kind_key[32];
	snprintf(kind_key, sizeof(kind_key), "kind.%s", o->kind);
	const char *vars[] = {"status", org_status_label(c, o->status), "kind", ctx_t(c, kind_key), NULL};
	ctx_field_error_fill(c, "status", org_status_refusal_key(v), vars);
}

enum err org_status_apply(struct ctx *c, int64_t id, const struct org_status_input *in, struct org *o)
{
	if (db_begin(c->db) < 0)
		return ERR_INTERNAL;
	int found = id > 0 ? org_get(c->db, id, o) : 0;
	if (found <= 0) {
		db_rollback(c->db);
		return found < 0 ? ERR_INTERNAL : ERR_NOT_FOUND;
	}
	struct org_status_change ch = {
		.org = o, .to = in->status, .reason = in->reason, .actor_user_id = c->actor.user_id, .now = clock_now(),
	};
	int v = org_status_change(c->db, c->cfg, &ch);
	if (v > 0) {
		db_rollback(c->db);
		refuse(c, o, (enum org_status_verdict)v);
		return ERR_CONFLICT;
	}
	char detail[80];
	snprintf(detail, sizeof(detail), "{\"from\":\"%s\",\"to\":\"%s\"}", o->status, in->status);
	if (v < 0 || ctx_audit(c, "org.status", "org", o->id, detail) < 0 || db_commit(c->db) < 0) {
		db_rollback(c->db);
		return ERR_INTERNAL;
	}
	/* The team's state moves routing too. */
	directory_changed(DIR_CHANGED_RULES | DIR_CHANGED_RECORD);
	jobs_notify();
	snprintf(o->status, sizeof(o->status), "%s", in->status);
	o->status_changed_at = ch.now;
	return ERR_OK;
}
