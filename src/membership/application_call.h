/* How the membership services are called: the database, the
 * configuration, who is acting, the request (for the audit log), the time,
 * and where problems go. The JSON API fills one from its request
 * (application_http.h); the web pages can do the same, and the job runner
 * and the command line call as the system. A service returns an enum err;
 * field problems (a bad sponsor, a missing reason) go to field_error, a
 * refusal of the whole request (an illegal transition, a duplicate
 * application) to refusal, each with an i18n key and its variables. */
#ifndef SHISA_APPLICATION_CALL_H
#define SHISA_APPLICATION_CALL_H
#include <h2o.h>
#include <stdint.h>
#include "auth/policy.h"
#include "core/config.h"
#include "core/err.h"
#include "db/db.h"

struct app_call {
	struct db *db;
	const struct config *cfg;
	struct actor actor;           /* role ROLE_ANONYMOUS and user 0 for the system */
	const char *request_id;       /* the audit rows' request id: the HTTP one, "cli" or "job" */
	const char *client_addr;      /* "" when not from a client */
	int64_t now;
	h2o_mem_pool_t *pool;         /* what the services read from input lives here */
	/* VARS is (key, value, ..., NULL) or NULL. */
	void (*field_error)(void *arg, const char *field, const char *msg_key, const char *const vars[]);
	void (*refusal)(void *arg, const char *msg_key, const char *const vars[]);
	void *arg;
	int nerrors;                  /* field errors reported so far */
};

/* Report a problem with FIELD. */
void app_field_error(struct app_call *c, const char *field, const char *msg_key, const char *const vars[]);
/* Refuse the request as E with the message MSG_KEY; returns E. */
enum err app_refuse(struct app_call *c, enum err e, const char *msg_key, const char *const vars[]);
/* A copy of S in the call's pool. */
char *app_strdup(struct app_call *c, const char *s);
/* Append an audit row for application ID (0: none) inside the caller's
 * transaction. Return 0 or -1. */
int app_audit(struct app_call *c, const char *action, int64_t id, const char *detail);

/* Run BODY(C, ARG) inside one write transaction: committed when it
 * returns ERR_OK (then the outbox is woken for the mail it queued), rolled
 * back, with nothing written, otherwise. The application is read inside
 * the transaction too, so two requests never act on the same old state.
 * Returns BODY's result, or ERR_INTERNAL when the database fails. */
enum err app_in_transaction(struct app_call *c, enum err (*body)(struct app_call *c, void *arg), void *arg);

/* Free text from a client: NULL or "" is absent (a field error when
 * REQUIRED), else UTF-8 of at most MAX characters without control
 * characters (but line breaks when MULTILINE). Returns the text (trimmed
 * of blanks at both ends, in the pool), "" when absent, or NULL after a
 * field error. */
const char *app_text(struct app_call *c, const char *field, const char *s, size_t max, bool multiline, bool required);

#endif
