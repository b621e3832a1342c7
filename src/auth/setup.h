/* First-time setup: while no account exists, a one-time link lets the
 * person who started the server create the first secretariat account.
 * The link's token is random and stored hashed; it expires and works once. */
#ifndef SHISA_SETUP_H
#define SHISA_SETUP_H
#include <stdbool.h>
#include "core/secret.h"
#include "db/db.h"

#define SETUP_TOKEN_TTL_S (24 * 3600)

/* True when the database has no user yet. */
bool setup_needed(struct db *db);
/* Make a new setup token valid for TTL_S seconds; TOKEN receives it.
 * Return 0 or -1. */
int setup_token_create(struct db *db, int64_t now, int ttl_s, char token[SECRET_TOKEN_LEN + 1]);
/* Is TOKEN a valid, unused, unexpired setup token? 1 yes, 0 no, -1 error. */
int setup_token_check(struct db *db, const char *token, int64_t now);
/* Use TOKEN up (inside the caller's transaction). 1 used, 0 not valid, -1 error. */
int setup_token_consume(struct db *db, const char *token, int64_t now);

#endif
