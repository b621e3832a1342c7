/* The JSON API for users and organisations (/api/v1/users, /api/v1/orgs). */
#ifndef SHISA_ADMIN_API_H
#define SHISA_ADMIN_API_H
#include "http/router.h"

extern const struct route admin_api_routes[];

#endif
