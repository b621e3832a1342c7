/* A user's second factor: enrolment (a new TOTP secret, confirmed with a
 * first code), recovery codes (shown once, stored hashed, single use),
 * checking a code at sign-in, and removal. */
#ifndef SHISA_MFA_H
#define SHISA_MFA_H
#include <stdbool.h>
#include <stdint.h>
#include "auth/totp.h"
#include "db/db.h"

#define MFA_RECOVERY_CODES 10

/* Store a fresh secret for USER_ID, not yet enabled; SECRET receives it. */
int mfa_begin(struct db *db, int64_t user_id, unsigned char secret[TOTP_SECRET_LEN]);
/* The user's secret (enabled or pending) into SECRET. 1 found, 0 none, -1 error. */
int mfa_secret(struct db *db, int64_t user_id, unsigned char secret[TOTP_SECRET_LEN], bool *enabled);
/* Confirm enrolment with CODE; on success enable MFA and write new
 * recovery codes into CODES. 1 enabled, 0 wrong code, -1 error/malformed. */
int mfa_confirm(struct db *db, int64_t user_id, const char *code, int64_t now,
                char codes[MFA_RECOVERY_CODES][TOTP_RECOVERY_CODE_LEN + 1]);
/* Check CODE (a TOTP code or an unused recovery code) at sign-in; uses it
 * up. 1 accepted, 0 refused, -1 error. */
int mfa_check(struct db *db, int64_t user_id, const char *code, int64_t now);
/* Remove the second factor and the recovery codes. */
int mfa_disable(struct db *db, int64_t user_id);
/* Unused recovery codes left. */
int64_t mfa_recovery_left(struct db *db, int64_t user_id);

#endif
