/* The audit log for the secretariat: the page (/admin/audit) and the API
 * (/api/v1/audit). */
#ifndef SHISA_AUDIT_HTTP_H
#define SHISA_AUDIT_HTTP_H
#include "http/router.h"

extern const struct route audit_routes[];

#endif
