/* Joining starts without an account: the public form stores a pending
 * request and mails the contact a one-time link (valid
 * application_verify_hours); nothing else is stored until the address is
 * verified. Following the link with a password creates the applicant
 * organisation, its first user (the contact, a team admin of it) and the
 * application in draft. Both steps refuse an organisation or address
 * with an application still open, and one rejected within
 * reapply_lock_months, naming the day it may apply again. */
#ifndef SHISA_APPLICATION_REQUEST_H
#define SHISA_APPLICATION_REQUEST_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "membership/application_call.h"

/* Requests accepted from one client address per THROTTLE_WINDOW_S. */
#define APP_REQUESTS_PER_ADDR 10

/* The public form. NULL is the same as "". */
struct app_form {
	const char *org_name, *org_name_ja, *org_group;
	const char *contact_name, *contact_email;
	const char *lang;              /* "en" or "ja" */
	const char *team_slug;         /* may be chosen later */
	json_t *team;                  /* the first draft of the record: at least name.en */
};

/* Check F, store the request and mail the link; *EXPIRES_AT gets when the
 * link stops working. */
enum err application_request(struct app_call *c, const struct app_form *f, int64_t *expires_at);
/* Whether TOKEN is a link that still works; its contact address into
 * EMAIL (N bytes), for the password rules. */
enum err application_request_check(struct app_call *c, const char *token, char *email, size_t n);
/* Use TOKEN up: the organisation, the user with password hash PW_HASH,
 * and the application in draft (*ID). */
enum err application_verify(struct app_call *c, const char *token, const char *pw_hash, int64_t *id);

#endif
