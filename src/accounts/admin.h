/* Administering users and organisations: the rules that every way in (the
 * pages, the API and the command line) must share, on top of the accounts
 * domain. Above all, the association never loses its last active
 * secretariat account, which would leave nobody able to administer it.
 * Callers hold the write transaction and write the audit row. */
#ifndef SHISA_ADMIN_H
#define SHISA_ADMIN_H
#include <stdint.h>
#include "accounts/accounts.h"
#include "core/config.h"
#include "db/db.h"

#define ADMIN_LINK_MAX 600

/* Disable user U and end every session of theirs. ACCT_REFUSED when U is
 * the last active secretariat user. Disabling a disabled user is ACCT_OK. */
enum acct_result admin_user_disable(struct db *db, const struct user *u);
/* Change the kind of organisation O to KIND. ACCT_REFUSED when O is a
 * secretariat organisation and no active secretariat user would be left. */
enum acct_result admin_org_set_kind(struct db *db, const struct org *o, const char *kind);
/* A one-time link that lets user USER_ID set a password (valid for
 * RESET_TTL_S; earlier links of the user stop working) into LINK, N bytes:
 * BASE_URL/reset/confirm?token=... The link is a secret: show it to its
 * owner only, never log it, wipe it after use. Return 0 or -1. */
int admin_password_link(struct db *db, const char *base_url, int64_t user_id, int64_t now, char *link, size_t n);
/* Queue the welcome mail for the new user U (in U's language) with a
 * password-set link. Call jobs_notify() after committing. Return 0 or -1. */
int admin_welcome_queue(struct db *db, const struct config *cfg, const struct user *u, int64_t now);

#endif
