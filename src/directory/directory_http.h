/* Routes of the team directory. */
#ifndef SHISA_DIRECTORY_HTTP_H
#define SHISA_DIRECTORY_HTTP_H
#include "http/router.h"

extern const struct route directory_api_routes[];
extern const struct route directory_edit_routes[];
extern const struct route directory_page_routes[];
extern const struct route lookup_routes[];
extern const struct route key_routes[];
extern const struct route stale_routes[];

#endif
