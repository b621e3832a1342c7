/* The JSON API of member status (secretariat): changing an organisation's
 * status and reading its history. */
#ifndef SHISA_ORG_STATUS_API_H
#define SHISA_ORG_STATUS_API_H
#include "http/router.h"

extern const struct route org_status_api_routes[];

#endif
