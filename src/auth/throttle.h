/* Throttling sign-in attempts: failures are counted per account and per
 * client address in a sliding window; past the limit the key is locked for
 * a while. Kept in the database so every thread and a restart see it. */
#ifndef SHISA_THROTTLE_H
#define SHISA_THROTTLE_H
#include <stdint.h>
#include "db/db.h"

#define THROTTLE_WINDOW_S (15 * 60)
#define THROTTLE_LOCK_S (15 * 60)
#define THROTTLE_ACCOUNT_MAX 5      /* failures per account per window */
#define THROTTLE_ADDR_MAX 20        /* failures per client address per window */

/* Seconds KEY stays locked (0 when it is not). -1 on error. */
int64_t throttle_locked(struct db *db, const char *key, int64_t now);
/* Count a failure for KEY; lock it once it reaches MAX in the window.
 * Return 1 if this failure locked it, 0 if not, -1 on error. */
int throttle_fail(struct db *db, const char *key, int max, int64_t now);
/* Forget KEY's failures (after a successful sign-in). */
int throttle_clear(struct db *db, const char *key);

#endif
