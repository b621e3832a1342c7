/* Routes for the signed-in user's own account: pages (account_http.c)
 * and the JSON API (account_api.c). */
#ifndef SHISA_ACCOUNT_HTTP_H
#define SHISA_ACCOUNT_HTTP_H
#include "http/router.h"

extern const struct route account_routes[];
extern const struct route account_api_routes[];

#endif
