/* Routes for signing in and out, the second factor, first-time setup and
 * password reset. */
#ifndef SHISA_AUTH_HTTP_H
#define SHISA_AUTH_HTTP_H
#include "http/router.h"

/* Sign USER_ID in on this browser: a new session and its cookie (a
 * half-signed-in one, waiting for the second factor, when MFA_PENDING).
 * Nothing is answered; on a database error the reader stays signed out. */
void auth_start_session(struct ctx *c, int64_t user_id, bool mfa_pending);

extern const struct route auth_routes[];

#endif
