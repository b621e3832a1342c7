/* Schema migrations: schema/NNNN_name.sql files compiled into the binary,
 * applied in order, each in its own transaction, tracked by PRAGMA
 * user_version. A database newer than this binary is refused. */
#ifndef SHISA_MIGRATE_H
#define SHISA_MIGRATE_H
#include <stddef.h>
#include "db/db.h"

/* The highest schema version this binary knows. */
int migrate_latest(void);
/* The database's current version, or -1. */
int migrate_current(struct db *db);
/* Bring DB up to date. APPLIED receives how many migrations ran (may be
 * NULL). Return 0, or -1 with a message in ERR. */
int migrate_run(struct db *db, int *applied, char *err, size_t errlen);

#endif
