/* The standing of a member or observer organisation: active, suspended
 * (its users cannot sign in, its team's record is hidden) or withdrawn
 * (退会: as suspended, for good; its data is erased after
 * withdrawn_retention_days by org_purge.h). Applicants have their own
 * lifecycle (applications) and the secretariat cannot be suspended, so
 * only organisations of kind member or observer change status. The rules
 * are one pure function (org_status_check, tested for every kind x from x
 * to); the change itself writes the organisation, its history, its team's
 * state and the mail to its team admins in the caller's transaction.
 * docs/membership.md describes what each status means to users. */
#ifndef SHISA_ORG_STATUS_H
#define SHISA_ORG_STATUS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "accounts/accounts.h"
#include "core/config.h"
#include "db/db.h"

#define ORG_STATUS_REASON_MAX 2000   /* characters */

/* "active", "suspended", "withdrawn", then NULL: the choices of a form. */
extern const char *const org_statuses[];
/* Whether S is one of them. */
bool org_status_valid(const char *s);

enum org_status_verdict {
	ORG_STATUS_OK = 0,
	ORG_STATUS_UNKNOWN,        /* FROM or TO is not one of org_statuses */
	ORG_STATUS_WRONG_KIND,     /* only member and observer organisations have a status */
	ORG_STATUS_SAME,           /* the organisation is in TO already */
	ORG_STATUS_FINAL,          /* withdrawn is final: to come back, the organisation applies again */
};

/* May an organisation of KIND go from status FROM to TO? Pure. The kind
 * is looked at first, then whether it is the same status, then withdrawal
 * being final. */
enum org_status_verdict org_status_check(const char *kind, const char *from, const char *to);
/* The i18n key that explains a refusal (placeholders {status} and
 * {kind}), or NULL for ORG_STATUS_OK. */
const char *org_status_refusal_key(enum org_status_verdict v);

struct org_status_change {
	const struct org *org;     /* as loaded inside the caller's transaction */
	const char *to;
	const char *reason;        /* required by the callers; kept in the history and mailed */
	int64_t actor_user_id;     /* 0: the system or the command line */
	int64_t now;
};

/* Change CH->org's status inside the caller's write transaction: the
 * organisation (status, status_changed_at), a row of org_status_history,
 * the state of the organisation's team (and its left_on, today in the
 * instance's time zone, on withdrawal), and a mail to each of its enabled
 * team admins in their language. Writes nothing unless the change is
 * allowed. Return the verdict, or -1 on a database error. The caller
 * writes the audit row, commits, then calls directory_changed() and
 * jobs_notify(). */
int org_status_change(struct db *db, const struct config *cfg, const struct org_status_change *ch);

/* The slug of ORG_ID's team into SLUG (N bytes). 1 found, 0 the
 * organisation has no team, -1 on error. */
int org_status_team(struct db *db, int64_t org_id, char *slug, size_t n);

/* One change, as org_status_history hands it out (strings live until EACH
 * returns). */
struct org_status_event {
	int64_t id;
	const char *from, *to, *reason;
	int64_t actor_user_id;
	const char *actor_name;    /* "" for the system, or an erased user */
	int64_t at;
};

/* ORG_ID's changes with id > AFTER, oldest first, at most LIMIT; calls
 * EACH per change. Return the number of changes or -1. */
int org_status_history(struct db *db, int64_t org_id, int64_t after, int limit,
                       void (*each)(const struct org_status_event *e, void *arg), void *arg);

#endif
