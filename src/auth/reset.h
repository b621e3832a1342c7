/* Password reset by mail: a single-use token that expires, sent to the
 * account's address. Asking for one never tells whether an address exists. */
#ifndef SHISA_RESET_H
#define SHISA_RESET_H
#include <stdint.h>
#include "core/secret.h"
#include "db/db.h"

#define RESET_TTL_S 3600

/* A new reset token for USER_ID into TOKEN. Earlier unused tokens of the
 * user stop working. Return 0 or -1. */
int reset_create(struct db *db, int64_t user_id, int64_t now, char token[SECRET_TOKEN_LEN + 1]);
/* The user of a valid TOKEN. 1 (USER_ID set), 0 invalid/expired/used, -1 error. */
int reset_check(struct db *db, const char *token, int64_t now, int64_t *user_id);
/* Use TOKEN up; same results as reset_check. */
int reset_consume(struct db *db, const char *token, int64_t now, int64_t *user_id);

#endif
