/* Random tokens and their hashes; see secret.h. */
#include <sodium.h>
#include "core/secret.h"

void secret_token(char out[SECRET_TOKEN_LEN + 1])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, SECRET_TOKEN_LEN + 1, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void secret_hash(const char *s, size_t n, unsigned char out[SECRET_HASH_LEN])
{
	crypto_hash_sha256(out, (const unsigned char *)s, n);
}

void secret_hex(const unsigned char *in, size_t n, char *out)
{
	sodium_bin2hex(out, 2 * n + 1, in, n);
}
