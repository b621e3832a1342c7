/* Routes: method + pattern -> action + handler. Every domain exports a
 * table of routes (ending with an empty entry) and src/http/routes.c lists
 * the tables. router_init() refuses a route without an action, so nothing
 * can be served outside the access policy. */
#ifndef SHISA_ROUTER_H
#define SHISA_ROUTER_H
#include <stddef.h>
#include "auth/policy.h"
#include "http/ctx.h"

enum route_flags {
	ROUTE_API  = 1 << 0,   /* JSON API: JSON errors, Bearer tokens accepted */
	ROUTE_FORM = 1 << 1,   /* HTML form post: urlencoded body parsed into ctx->form */
	ROUTE_NO_CSRF = 1 << 2,/* state-changing but safe without a token (documented at the route) */
	ROUTE_MFA_SETUP = 1 << 3,/* reachable while MFA enrolment is required (account MFA pages, sign-out) */
	ROUTE_BULK_BODY = 1 << 4,/* takes a bulk upload: a body up to max_batch_body rather than max_body */
	ROUTE_UPLOAD = 1 << 5,  /* a ROUTE_FORM that may also come as multipart/form-data (a file input):
	                           text fields into ctx->form, files into ctx->uploads */
};

typedef void (*route_fn)(struct ctx *c);

struct route {
	const char *method;    /* "GET", "POST", "PUT", "PATCH", "DELETE" */
	const char *pattern;   /* "/api/v1/users/{id}": {name} matches one segment */
	enum action action;
	route_fn handler;
	unsigned flags;
};

/* Check every table and build the flat list. Return 0, or -1 after logging
 * which route is wrong (no action, no handler, bad pattern, duplicate). */
int router_init(void);
/* The number of routes, and the Ith in registration order. */
size_t router_count(void);
const struct route *router_route_at(size_t i);
/* The largest body any route takes: what h2o is told to read at most. */
size_t router_max_body(const struct config *cfg);
/* The h2o entry point for every request. */
int router_handle(h2o_handler_t *self, h2o_req_t *req);

/* The tables, defined in src/http/routes.c. */
extern const struct route *const route_tables[];

#endif
