/* Passwords: argon2id (libsodium's crypto_pwhash_str) and the rules a new
 * password must meet. Hashing is deliberately slow, so the server runs it
 * on the worker pool, never on an event loop. */
#ifndef SHISA_PASSWORD_H
#define SHISA_PASSWORD_H
#include <stdbool.h>
#include <sodium.h>

#define PASSWORD_MIN 12          /* characters */
#define PASSWORD_MAX 1024        /* bytes */
#define PASSWORD_HASH_MAX crypto_pwhash_STRBYTES

/* NULL when PW is acceptable as a new password for the account EMAIL,
 * otherwise the i18n key of what is wrong. */
const char *password_rule_violation(const char *pw, const char *email);
/* Hash PW into OUT. Return 0, or -1 when out of memory. */
int password_hash(const char *pw, char out[PASSWORD_HASH_MAX]);
/* True when PW matches HASH. A missing or malformed hash never matches,
 * but still costs a full hash so timing does not tell accounts apart. */
bool password_verify(const char *hash, const char *pw);

#endif
