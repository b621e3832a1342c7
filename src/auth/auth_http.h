/* Routes for signing in and out, the second factor, first-time setup and
 * password reset. */
#ifndef SHISA_AUTH_HTTP_H
#define SHISA_AUTH_HTTP_H
#include "http/router.h"

extern const struct route auth_routes[];

#endif
