/* The administration page of one organisation: its status, the history of
 * it, and the form that changes it (secretariat). */
#ifndef SHISA_ORG_STATUS_HTTP_H
#define SHISA_ORG_STATUS_HTTP_H
#include "http/router.h"

extern const struct route org_status_routes[];

#endif
