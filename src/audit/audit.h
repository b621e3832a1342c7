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

/* Which rows audit_list() returns; an unset field (NULL or 0) matches all. */
struct audit_filter {
	const char *action_prefix; /* e.g. "user." or "user.disable" */
	int64_t actor_user_id;
	const char *object_type;   /* exact, e.g. "user" */
	int64_t ts_from;           /* Unix seconds, inclusive */
	int64_t ts_to;             /* Unix seconds, exclusive */
};

/* One row as audit_list() hands it out, with the actor's name and the
 * organisation's name joined in ("" when the actor is the system or has
 * been deleted). The strings live until EACH returns. */
struct audit_row {
	int64_t id;
	int64_t ts;
	int64_t actor_user_id;
	int64_t actor_org_id;
	const char *actor_name;
	const char *org_name;
	const char *action;
	const char *object_type;
	const char *object_id;
	const char *request_id;
	const char *client_addr;
	const char *detail;
};

/* Rows matching F (NULL: all) with id < BEFORE_ID (0: from the newest),
 * newest first, at most LIMIT; calls EACH per row. Return the number of
 * rows or -1. */
int audit_list(struct db *db, const struct audit_filter *f, int64_t before_id, int limit,
               void (*each)(const struct audit_row *r, void *arg), void *arg);
/* The id of the newest row, which is the number of rows while the chain is
 * whole (ids have no gaps); 0 when empty, -1 on error. Cheap at any size. */
int64_t audit_last_id(struct db *db);

#endif
