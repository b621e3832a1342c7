/* Changing an organisation's status from the administration pages
 * (org_status_http.c) and the JSON API (org_status_api.c) alike: reading
 * the status and the reason, and the change as one transaction with its
 * audit row, followed by the directory's rebuild and the mail's delivery.
 * Refusals are field errors on "status" (or "reason") in the reader's
 * language, so a page shows them at the form and the API in "fields". */
#ifndef SHISA_ORG_STATUS_OPS_H
#define SHISA_ORG_STATUS_OPS_H
#include <stdint.h>
#include "accounts/accounts.h"
#include "core/err.h"
#include "http/ctx.h"

struct org_status_input {
	const char *status;        /* one of org_statuses */
	const char *reason;        /* required, at most ORG_STATUS_REASON_MAX characters, may span lines */
};

/* Read "status" and "reason" (field errors when missing or wrong). */
void org_status_read(struct ctx *c, struct org_status_input *in);
/* The translation of status S ("org_status.name.S"). */
const char *org_status_label(const struct ctx *c, const char *s);
/* Change organisation ID to IN. ERR_NOT_FOUND; ERR_CONFLICT with a field
 * error on "status" naming why (the kind, the same status, withdrawal
 * being final); ERR_INTERNAL. O receives the organisation as it is
 * afterwards (or as it is, after a refusal). */
enum err org_status_apply(struct ctx *c, int64_t id, const struct org_status_input *in, struct org *o);

#endif
