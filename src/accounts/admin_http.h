/* The administration pages: users (secretariat and team admins),
 * organisations and instance settings (secretariat). */
#ifndef SHISA_ADMIN_HTTP_H
#define SHISA_ADMIN_HTTP_H
#include "http/router.h"

extern const struct route admin_routes[];

#endif
