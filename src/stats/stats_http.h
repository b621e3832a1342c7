/* Routes of the statistics: /stats, /stats/{chart}.csv|svg, /api/v1/stats. */
#ifndef SHISA_STATS_HTTP_H
#define SHISA_STATS_HTTP_H
#include "http/router.h"

extern const struct route stats_routes[];

#endif
