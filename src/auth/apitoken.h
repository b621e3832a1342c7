/* API tokens: named, scoped (read or write), optionally expiring,
 * revocable; the token itself is shown once and only its hash is kept.
 * Tokens start with "shisa_" so secret scanners can recognise leaks. */
#ifndef SHISA_APITOKEN_H
#define SHISA_APITOKEN_H
#include <stdbool.h>
#include <stdint.h>
#include "core/secret.h"
#include "db/db.h"

#define APITOKEN_PREFIX "shisa_"
#define APITOKEN_LEN (6 + SECRET_TOKEN_LEN)
#define APITOKEN_NAME_MAX 100

struct apitoken {
	int64_t id;
	char name[APITOKEN_NAME_MAX + 1];
	char scope[8];
	int64_t created_at;
	int64_t expires_at;      /* 0: never */
	int64_t last_used_at;    /* 0: never */
	int64_t revoked_at;      /* 0: active */
};

/* Create a token for USER_ID; TOKEN receives it (APITOKEN_LEN + 1 bytes). */
int64_t apitoken_create(struct db *db, int64_t user_id, const char *name, const char *scope, int64_t expires_at,
                        char token[APITOKEN_LEN + 1]);
/* USER_ID's tokens, newest first. Return the count or -1. */
int apitoken_list(struct db *db, int64_t user_id, void (*each)(const struct apitoken *t, void *arg), void *arg);
/* Revoke token ID of USER_ID. 1 revoked, 0 no such active token, -1 error. */
int apitoken_revoke(struct db *db, int64_t user_id, int64_t id, int64_t now);

#endif
