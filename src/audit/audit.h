/* The audit log: every state change writes one row in the same
 * transaction as the change. Rows are hash-chained: each row's SHA-256
 * covers the previous row's hash and this row's fields, so removing or
 * editing a row breaks the chain at that point. */
#ifndef SHISA_AUDIT_H
#define SHISA_AUDIT_H
#include <stdint.h>
#include "db/db.h"

struct audit_entry {
	int64_t actor_user_id;     /* 0: the system or the command line */
	int64_t actor_org_id;
	const char *action;        /* e.g. "user.create", "session.sign_in" */
	const char *object_type;   /* e.g. "user" */
	const char *object_id;
	const char *request_id;    /* the HTTP request id, or "cli" */
	const char *client_addr;
	const char *detail;        /* short JSON or text; never secrets */
};

/* Append E. Must run inside the caller's write transaction (db_begin).
 * Return the row id or -1. */
int64_t audit_write(struct db *db, const struct audit_entry *e);

struct audit_check {
	int64_t checked;           /* rows walked */
	int64_t first_broken_id;   /* 0 when the chain is whole */
};
/* Walk the chain from the first row. Return 0 whole, 1 broken (see
 * first_broken_id), -1 on a database error. */
int audit_verify(struct db *db, struct audit_check *out);

#endif
