/* Organisations and their users: the domain side (SQL, no HTTP). An
 * organisation has a kind (member team, observer, applicant, secretariat);
 * a user belongs to one organisation with a role in it (member or team
 * admin). Callers hold the write transaction and write the audit row. */
#ifndef SHISA_ACCOUNTS_H
#define SHISA_ACCOUNTS_H
#include <stdbool.h>
#include <stdint.h>
#include "db/db.h"

#define ORG_NAME_MAX 200
#define USER_NAME_MAX 120
#define EMAIL_MAX 254

struct org {
	int64_t id;
	char name[ORG_NAME_MAX + 1];
	char name_ja[ORG_NAME_MAX + 1];
	char kind[16];
	int64_t created_at;
	char status[16];           /* active | suspended | withdrawn (org_status.h) */
	int64_t status_changed_at; /* 0: never changed */
	int64_t purged_at;         /* when a withdrawn organisation's data was erased; 0: not */
	int64_t users;             /* number of users (lists only) */
};

struct user {
	int64_t id;
	int64_t org_id;
	char org_name[ORG_NAME_MAX + 1];
	char org_kind[16];
	char email[EMAIL_MAX + 1];
	char name[USER_NAME_MAX + 1];
	char role[16];
	char lang[3];
	char tz[64];
	bool disabled;
	bool mfa_enabled;
	int64_t created_at;
};

/* Results of the create and update functions. */
enum acct_result {
	ACCT_OK = 0,
	ACCT_ERROR = -1,           /* database error (logged) */
	ACCT_DUPLICATE = -2,       /* name or email already taken */
	ACCT_NOT_FOUND = -3,
	ACCT_REFUSED = -4,         /* would break a rule (e.g. leave no active secretariat user) */
};

bool org_kind_valid(const char *kind);
bool user_role_valid(const char *role);

/* Create an organisation; *ID receives its id. */
enum acct_result org_create(struct db *db, const char *name, const char *name_ja, const char *kind, int64_t *id);
/* Load organisation ID into O. 1 found, 0 not, -1 error. */
int org_get(struct db *db, int64_t id, struct org *o);
/* Find an organisation by (case-insensitive) name. 1 found, 0 not, -1 error. */
int org_find(struct db *db, const char *name, struct org *o);
/* Organisations with id > AFTER (and, unless STATUS is NULL, that status),
 * by id, at most LIMIT; calls EACH per row. Return the number of rows or -1. */
int org_list(struct db *db, const char *status, int64_t after, int limit, void (*each)(const struct org *o, void *arg),
             void *arg);
/* Number of users of organisation ID (disabled ones included); -1 on error. */
int64_t org_user_count(struct db *db, int64_t id);
/* Change an organisation's kind. */
enum acct_result org_set_kind(struct db *db, int64_t id, const char *kind);

/* Create a user with password hash PW_HASH (may be NULL: must reset first). */
enum acct_result user_create(struct db *db, int64_t org_id, const char *email, const char *name, const char *role,
                             const char *lang, const char *pw_hash, int64_t *id);
/* Load user ID (with organisation). 1 found, 0 not, -1 error. */
int user_get(struct db *db, int64_t id, struct user *u);
/* Find a user by (case-insensitive) email. 1 found, 0 not, -1 error. */
int user_find_email(struct db *db, const char *email, struct user *u);
/* The stored password hash of user ID into OUT ("" when none). 1, 0, -1. */
int user_password_hash(struct db *db, int64_t id, char *out, size_t outlen);
/* Users (of ORG_ID, or all when 0) with id > AFTER, by id, at most LIMIT. */
int user_list(struct db *db, int64_t org_id, int64_t after, int limit,
              void (*each)(const struct user *u, void *arg), void *arg);
enum acct_result user_set_password(struct db *db, int64_t id, const char *pw_hash, int64_t now);
enum acct_result user_set_disabled(struct db *db, int64_t id, bool disabled);
enum acct_result user_set_prefs(struct db *db, int64_t id, const char *lang, const char *tz, const char *name);
/* Number of users. */
int64_t user_count(struct db *db);

/* Instance settings (key/value). get: 1 found (OUT filled), 0 not, -1 error. */
int setting_get(struct db *db, const char *key, char *out, size_t outlen);
int setting_set(struct db *db, const char *key, const char *value);
/* True when the secretariat requires MFA for every account. */
bool setting_require_mfa(struct db *db);

#endif
