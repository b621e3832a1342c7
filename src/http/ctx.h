/* The request context every handler receives: the h2o request, this
 * thread's database, who is asking, in which language, and the parsed
 * query, form and route parameters. Allocated from the request's pool, so
 * it lives exactly as long as the request. */
#ifndef SHISA_CTX_H
#define SHISA_CTX_H
#include <h2o.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "auth/policy.h"
#include "core/config.h"
#include "core/i18n.h"
#include "db/db.h"
#include "http/form.h"
#include "http/multipart.h"

struct srv_thread;
struct route;

#define CTX_MAX_PARAMS 4
#define CTX_MAX_FIELD_ERRORS 64

/* A field-level validation error: FIELD names the input, MSG_KEY is the
 * i18n key of the message shown to the user. */
struct field_error {
	const char *field;
	const char *msg_key;
	const char *text;           /* the message already filled in, or NULL: use msg_key */
};

struct ctx {
	h2o_req_t *req;
	struct srv_thread *thr;
	struct db *db;
	const struct config *cfg;
	const struct route *route;
	int route_index;

	char rid[17];               /* request id, also in X-Request-Id */
	char client_addr[64];
	double start_ms;
	int status;                 /* set when responded */
	bool responded;
	bool is_api;                /* errors as JSON rather than pages */
	bool secure;                /* reached over TLS (directly or via a trusted proxy) */

	struct actor actor;
	int64_t session_id;         /* 0 when not signed in with a cookie */
	bool mfa_pending;           /* session_id is half signed in: MFA step next */
	bool mfa_enrol_required;    /* signed in, but must set up MFA before anything else */
	char csrf[48];              /* the token forms must echo back */
	bool set_csrf_cookie;       /* anonymous visitor: send the pre-session CSRF cookie */
	char user_name[128];
	char user_tz[64];
	enum lang lang;

	struct form query;
	struct form form;           /* urlencoded body, for ROUTE_FORM routes */
	struct multipart uploads;   /* the files of a multipart/form-data body, for ROUTE_UPLOAD routes */
	struct form cookies;
	json_t *json;               /* the JSON body, after input_json() */
	const char *param_name[CTX_MAX_PARAMS];
	const char *param[CTX_MAX_PARAMS];  /* decoded path parameters */
	int nparams;

	struct field_error field_errors[CTX_MAX_FIELD_ERRORS];
	int nfield_errors;

	/* Set by response_cache_answer on a miss: what the answer is kept under. */
	const char *cache_key;
	size_t cache_key_len;
	uint64_t cache_hash, cache_generation;
};

/* Path parameter NAME (from a "{name}" in the route pattern), or NULL. */
const char *ctx_param(const struct ctx *c, const char *name);
/* Path parameter NAME as a positive id; 0 if absent or not a number. */
int64_t ctx_param_id(const struct ctx *c, const char *name);
/* Record a field error; only the first for each field is kept (and none
 * past CTX_MAX_FIELD_ERRORS). */
void ctx_field_error(struct ctx *c, const char *field, const char *msg_key);
/* Record a field error whose message has placeholders: KEY's text in the
 * request's language with VARS (key, value, ..., NULL) filled in. */
void ctx_field_error_fill(struct ctx *c, const char *field, const char *msg_key, const char *const vars[]);
/* The message of field error I, in the request's language. */
const char *ctx_field_error_text(const struct ctx *c, int i);
/* The recorded field errors as an object {field: message} for templates
 * (new reference). */
json_t *ctx_field_errors_json(const struct ctx *c);
/* The translation of KEY in the request's language. */
const char *ctx_t(const struct ctx *c, const char *key);
/* A copy of the N bytes at S in the request pool, NUL-terminated. */
char *ctx_strndup(struct ctx *c, const char *s, size_t n);
/* Write an audit row for a change made by this request (inside the
 * caller's transaction). OID 0 means no object id. Return 0 or -1. */
int ctx_audit(struct ctx *c, const char *action, const char *object_type, int64_t oid, const char *detail);
/* The request header NAME (lowercase), or an iovec with base NULL. */
h2o_iovec_t ctx_header(const struct ctx *c, const char *name);

#endif
