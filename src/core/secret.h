/* Secrets we hand out (session cookies, API tokens, reset and setup links):
 * 256 random bits, base64url, stored only as their SHA-256. */
#ifndef SHISA_SECRET_H
#define SHISA_SECRET_H
#include <stdbool.h>
#include <stddef.h>

#define SECRET_TOKEN_LEN 43            /* base64url of 32 bytes, no padding */
#define SECRET_HASH_LEN 32

/* N random bytes into OUT (libsodium's generator, buffered per thread). */
void secret_random(void *out, size_t n);
/* A new random token into OUT (SECRET_TOKEN_LEN + 1 bytes). */
void secret_token(char out[SECRET_TOKEN_LEN + 1]);
/* SHA-256 of the N bytes at S. */
void secret_hash(const char *s, size_t n, unsigned char out[SECRET_HASH_LEN]);
/* Lowercase hex of N bytes into OUT (2N + 1 bytes). */
void secret_hex(const unsigned char *in, size_t n, char *out);

#endif
