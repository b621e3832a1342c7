/* Random tokens and their hashes; see secret.h. */
#include <string.h>
#include <sodium.h>
#include "core/secret.h"

/* Each thread draws its random bytes from a buffer it refills from
 * libsodium now and then: libsodium makes a system call on every call (to
 * notice a fork), which a request that hands out a token or an id would
 * otherwise pay each time. Bytes are wiped as they are taken; shisa never
 * forks once it serves, so no two processes share a buffer. */
void secret_random(void *out, size_t n)
{
	static _Thread_local unsigned char pool[1024];
	static _Thread_local size_t used = sizeof(pool);
	unsigned char *o = out;
	while (n > 0) {
		if (used == sizeof(pool)) {
			randombytes_buf(pool, sizeof(pool));
			used = 0;
		}
		size_t k = sizeof(pool) - used < n ? sizeof(pool) - used : n;
		memcpy(o, pool + used, k);
		sodium_memzero(pool + used, k);
		used += k;
		o += k;
		n -= k;
	}
}

void secret_token(char out[SECRET_TOKEN_LEN + 1])
{
	unsigned char raw[32];
	secret_random(raw, sizeof(raw));
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
