/* Random tokens (core/secret.c): each thread draws from its own buffer of
 * libsodium's bytes, so tokens must still never repeat, within a thread or
 * across threads, and a draw larger than the buffer must come whole. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "core/secret.h"

#define THREADS 4
#define PER_THREAD 5000

static char tokens[THREADS * PER_THREAD][SECRET_TOKEN_LEN + 1];

static void *draw(void *arg)
{
	size_t t = (size_t)(uintptr_t)arg;
	for (size_t i = 0; i < PER_THREAD; i++)
		secret_token(tokens[t * PER_THREAD + i]);
	return NULL;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void tokens_never_repeat_across_threads(void **state)
{
	(void)state;
	pthread_t th[THREADS];
	for (size_t t = 0; t < THREADS; t++)
		assert_int_equal(pthread_create(&th[t], NULL, draw, (void *)(uintptr_t)t), 0);
	for (size_t t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	for (size_t i = 0; i < THREADS * PER_THREAD; i++) {
		assert_int_equal(strlen(tokens[i]), SECRET_TOKEN_LEN);
		assert_int_equal(strspn(tokens[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
			SECRET_TOKEN_LEN);
	}
	qsort(tokens, THREADS * PER_THREAD, sizeof(tokens[0]), by_text);
	for (size_t i = 1; i < THREADS * PER_THREAD; i++)
		assert_string_not_equal(tokens[i - 1], tokens[i]);
}

/* Draws of every size up to past the buffer's: each comes whole (no
 * run of zero bytes where a piece was left out) and differs from the last. */
static void draws_of_any_size_come_whole(void **state)
{
	(void)state;
	static unsigned char a[3000], b[3000];
	for (size_t n = 1; n <= sizeof(a); n += n < 64 ? 1 : 97) {
		memset(a, 0, sizeof(a));
		secret_random(a, n);
		secret_random(b, n);
		if (n >= 16)
			assert_true(memcmp(a, b, n) != 0);
		for (size_t i = 0; i + 16 <= n; i += 16) {
			static const unsigned char zero[16];
			assert_true(memcmp(a + i, zero, 16) != 0);
		}
		for (size_t i = n; i < sizeof(a); i++)
			assert_int_equal(a[i], 0);
	}
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tokens_never_repeat_across_threads),
		cmocka_unit_test(draws_of_any_size_come_whole),
	};
	return cmocka_run_group_tests_name("secret", tests, NULL, NULL);
}
