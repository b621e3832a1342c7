/* The membership services called from a request: the call is filled from
 * the request (its database, who asks, the request id and client
 * address, its pool), field problems become the request's field errors,
 * and a refusal becomes the error's message in the reader's language. For
 * the JSON API here, and for the web pages that call the same services. */
#ifndef SHISA_APPLICATION_HTTP_H
#define SHISA_APPLICATION_HTTP_H
#include "http/ctx.h"
#include "http/router.h"
#include "membership/application_call.h"

struct app_http {
	struct app_call call;
	struct ctx *c;
	const char *refusal;          /* the refusal's message, or NULL */
};

/* Fill H for the request C. */
void app_http_begin(struct ctx *c, struct app_http *h);
/* Answer with the error E of a service (the refusal's message, the field
 * errors). */
void app_http_fail(struct app_http *h, enum err e);
/* The mailed link's last step, for the API and the page alike: hash
 * PASSWORD on the worker pool (slow by design), then verify the request
 * TOKEN with it (application_verify) back on the loop, and call DONE with
 * the service's result and the new application's id. Return 0, or -1 when
 * nothing could be started (answer 503). */
int app_http_verify_later(struct ctx *c, const char *token, const char *password,
                          void (*done)(struct ctx *c, struct app_http *h, enum err e, int64_t id));

/* The routes of the membership API (application_api.c, rules_api.c). */
extern const struct route application_api_routes[];
extern const struct route membership_rules_routes[];

#endif
