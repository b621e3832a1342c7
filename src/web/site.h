/* Routes every instance has: home, static files, health, metrics, status,
 * the OpenAPI document. */
#ifndef SHISA_SITE_H
#define SHISA_SITE_H
#include "http/router.h"

extern const struct route site_routes[];

#endif
