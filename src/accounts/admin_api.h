/* The JSON API for users and organisations (/api/v1/users, /api/v1/orgs). */
#ifndef SHISA_ADMIN_API_H
#define SHISA_ADMIN_API_H
#include "accounts/accounts.h"
#include "core/json_writer.h"
#include "http/router.h"

extern const struct route admin_api_routes[];

/* Organisation O as the API shows it (docs/openapi.json, schema Org). */
void admin_api_write_org(struct jw *w, const struct org *o);

#endif
