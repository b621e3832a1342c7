/* The TOTP second factor as a specification: the published RFC 6238, RFC
 * 4226 and RFC 4648 vectors, the clock-skew window, replay refusal, what
 * counts as a malformed code, the enrolment URI and recovery codes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>
#include "auth/totp.h"

/* The secret of RFC 4226 Appendix D and RFC 6238 Appendix B (SHA-1). */
static const unsigned char rfc_secret[] = "12345678901234567890";
#define RFC_LEN 20

static void rfc6238_sha1_vectors_truncated_to_six_digits(void **state)
{
	static const struct { int64_t t; const char *code; } v[] = {
		{ 59, "287082" },               /* 94287082 */
		{ 1111111109, "081804" },       /* 07081804 */
		{ 1111111111, "050471" },       /* 14050471 */
		{ 1234567890, "005924" },       /* 89005924 */
		{ 2000000000, "279037" },       /* 69279037 */
		{ 20000000000, "353130" },      /* 65353130 */
	};
	char code[TOTP_DIGITS + 1];
	int64_t matched;
	(void)state;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(totp_code(rfc_secret, RFC_LEN, v[i].t / TOTP_PERIOD, code), 0);
		assert_string_equal(code, v[i].code);
		assert_int_equal(totp_verify(rfc_secret, RFC_LEN, v[i].code, v[i].t, 0, -1, &matched), 1);
		assert_int_equal(matched, v[i].t / TOTP_PERIOD);
	}
}

static void rfc4226_hotp_values_for_counters_0_to_9(void **state)
{
	static const char *want[] = {
		"755224", "287082", "359152", "969429", "338314",
		"254676", "287922", "162583", "399871", "520489",
	};
	char code[TOTP_DIGITS + 1];
	(void)state;

	for (int64_t c = 0; c < 10; c++) {
		assert_int_equal(totp_code(rfc_secret, RFC_LEN, c, code), 0);
		assert_string_equal(code, want[c]);
	}
}

static void code_refuses_missing_secret_and_negative_step(void **state)
{
	char code[TOTP_DIGITS + 1];
	(void)state;

	assert_int_equal(totp_code(NULL, RFC_LEN, 1, code), -1);
	assert_int_equal(totp_code(rfc_secret, 0, 1, code), -1);
	assert_int_equal(totp_code(rfc_secret, RFC_LEN, -1, code), -1);
}

static void window_accepts_one_step_either_side_and_no_more(void **state)
{
	const int64_t now = 1111111111, cur = now / TOTP_PERIOD;
	char code[TOTP_DIGITS + 1];
	int64_t matched;
	(void)state;

	for (int d = -1; d <= 1; d++) {
		assert_int_equal(totp_code(rfc_secret, RFC_LEN, cur + d, code), 0);
		matched = -1;
		assert_int_equal(totp_verify(rfc_secret, RFC_LEN, code, now, 1, -1, &matched), 1);
		assert_int_equal(matched, cur + d);
	}
	for (int d = -2; d <= 2; d += 4) {
		assert_int_equal(totp_code(rfc_secret, RFC_LEN, cur + d, code), 0);
		assert_int_equal(totp_verify(rfc_secret, RFC_LEN, code, now, 1, -1, NULL), 0);
	}
	/* Window 0 accepts only the current step. */
	assert_int_equal(totp_verify(rfc_secret, RFC_LEN, "081804", now, 0, -1, NULL), 0);
	assert_int_equal(totp_verify(rfc_secret, RFC_LEN, "050471", now, 0, -1, NULL), 1);
	/* Windows are capped at TOTP_WINDOW_MAX steps. */
	assert_int_equal(totp_code(rfc_secret, RFC_LEN, cur + TOTP_WINDOW_MAX, code), 0);
	assert_int_equal(totp_verify(rfc_secret, RFC_LEN, code, now, 1000, -1, NULL), 1);
	assert_int_equal(totp_code(rfc_secret, RFC_LEN, cur + TOTP_WINDOW_MAX + 1, code), 0);
	assert_int_equal(totp_verify(rfc_secret, RFC_LEN, code, now, 1000, -1, NULL), 0);
	/* A well-formed wrong code, and a clock before 1970, match nothing. */
	assert_int_equal(totp_verify(rfc_secret, RFC_LEN, "000000", now, 1, -1, NULL), 0);
	assert_int_equal(totp_verify(rfc_secret, RFC_LEN, "287082", -1, 1, -1, NULL), 0);
}

static void used_step_and_earlier_steps_are_refused(void **state)
{
	const int64_t now = 1111111111, cur = now / TOTP_PERIOD;
	char before[TOTP_DIGITS + 1], current[TOTP_DIGITS + 1], after[TOTP_DIGITS + 1];
	int64_t last = -1;
	(void)state;

	assert_int_equal(totp_code(rfc_secret, RFC_LEN, cur - 1, before), 0);
	assert_int_equal(totp_code(rfc_secret, RFC_LEN, cur, current), 0);
	assert_int_equal(totp_code(rfc_secret, RFC_LEN, cur + 1, after), 0);

	assert_int_equal(totp_verify(rfc_secret, RFC_LEN, current, now, 1, last, &last), 1);
	assert_int_equal(last, cur);
	/* The same code again, even seconds later, is a replay. */
	assert_int_equal(totp_verify(rfc_secret, RFC_LEN, current, now + 5, 1, last, &last), 0);
	/* So is the previous step's code, although it is inside the window. */
	assert_int_equal(totp_verify(rfc_secret, RFC_LEN, before, now, 1, last, &last), 0);
	assert_int_equal(last, cur);
	/* The next step's code is new and moves the mark forward. */
	assert_int_equal(totp_verify(rfc_secret, RFC_LEN, after, now, 1, last, &last), 1);
	assert_int_equal(last, cur + 1);
}

static void malformed_codes_are_errors_not_mismatches(void **state)
{
	static const char *bad[] = {
		"28708", "2870820", "28708a", "abcdef", "", "      ", "287-082",
		"+28708", "287082\n", "\xef\xbc\x92\xef\xbc\x98\xef\xbc\x97\xef\xbc\x90\xef\xbc\x98\xef\xbc\x92",
	};
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(totp_verify(rfc_secret, RFC_LEN, bad[i], 59, 1, -1, NULL), -1);
	assert_int_equal(totp_verify(rfc_secret, RFC_LEN, NULL, 59, 1, -1, NULL), -1);
	assert_int_equal(totp_verify(NULL, RFC_LEN, "287082", 59, 1, -1, NULL), -1);
}

static void spaces_in_a_code_are_ignored(void **state)
{
	(void)state;

	assert_int_equal(totp_verify(rfc_secret, RFC_LEN, "287 082", 59, 0, -1, NULL), 1);
	assert_int_equal(totp_verify(rfc_secret, RFC_LEN, " 287082 ", 59, 0, -1, NULL), 1);
	assert_int_equal(totp_verify(rfc_secret, RFC_LEN, "2 8 7 0 8 2", 59, 0, -1, NULL), 1);
}

static const struct { const char *raw, *b32; } rfc4648[] = {
	{ "", "" }, { "f", "MY" }, { "fo", "MZXQ" }, { "foo", "MZXW6" },
	{ "foob", "MZXW6YQ" }, { "fooba", "MZXW6YTB" }, { "foobar", "MZXW6YTBOI" },
};

static void base32_encodes_rfc4648_vectors_without_padding(void **state)
{
	char out[32];
	(void)state;

	for (size_t i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
		const unsigned char *raw = (const unsigned char *)rfc4648[i].raw;
		size_t n = strlen(rfc4648[i].raw);

		assert_int_equal(TOTP_BASE32_LEN(n), strlen(rfc4648[i].b32));
		assert_int_equal(totp_base32_encode(raw, n, out, sizeof(out)), 0);
		assert_string_equal(out, rfc4648[i].b32);
	}
	/* "MZXW6YTBOI" and its NUL need 11 bytes. */
	strcpy(out, "untouched");
	assert_int_equal(totp_base32_encode((const unsigned char *)"foobar", 6, out, 10), -1);
	assert_string_equal(out, "untouched");
	assert_int_equal(totp_base32_encode((const unsigned char *)"foobar", 6, out, 11), 0);
}

static void base32_decodes_rfc4648_vectors(void **state)
{
	unsigned char out[16];
	size_t n;
	(void)state;

	for (size_t i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
		assert_int_equal(totp_base32_decode(rfc4648[i].b32, out, sizeof(out), &n), 0);
		assert_int_equal(n, strlen(rfc4648[i].raw));
		assert_memory_equal(out, rfc4648[i].raw, n);
	}
}

static void base32_decoding_accepts_lowercase_spaces_and_padding(void **state)
{
	static const struct { const char *in, *raw; } ok[] = {
		{ "mzxw6ytboi", "foobar" }, { "MzXw 6YtB oI", "foobar" }, { "MY======", "f" },
		{ "MZXQ====", "fo" }, { "MZXW6===", "foo" }, { "MZXW6YQ=", "foob" },
		{ "mzxw 6yq=", "foob" },
	};
	unsigned char out[16];
	size_t n;
	(void)state;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(totp_base32_decode(ok[i].in, out, sizeof(out), &n), 0);
		assert_int_equal(n, strlen(ok[i].raw));
		assert_memory_equal(out, ok[i].raw, n);
	}
}

static void base32_decoding_rejects_what_no_encoder_writes(void **state)
{
	static const char *bad[] = {
		"MZXW6YT1",     /* 1 is not in the alphabet */
		"MZXW0",        /* nor is 0 */
		"MZ!W",
		"MZXW6YTB\n",
		"MY=A",         /* data after padding */
		"MY=",          /* padding short of a full group */
		"MY=======",    /* padding past a full group */
		"A", "MYA", "MZXW6A",   /* 1, 3, 6 characters cannot hold whole bytes */
		"MZ",           /* "f" with a non-zero unused bit */
	};
	unsigned char out[16];
	size_t n = 99;
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(totp_base32_decode(bad[i], out, sizeof(out), &n), -1);
		assert_int_equal(n, 0);
	}
	assert_int_equal(totp_base32_decode(NULL, out, sizeof(out), &n), -1);
}

static void base32_decoding_refuses_output_too_small(void **state)
{
	static const unsigned char zero[5];
	unsigned char out[6];
	size_t n;
	(void)state;

	assert_int_equal(totp_base32_decode("MZXW6YTBOI", out, 5, &n), -1);
	assert_int_equal(n, 0);
	assert_memory_equal(out, zero, 5);
	assert_int_equal(totp_base32_decode("MZXW6YTBOI", out, 6, &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(totp_base32_decode("", NULL, 0, &n), 0);
	assert_int_equal(n, 0);
}

static void new_secrets_are_random_and_survive_base32(void **state)
{
	unsigned char a[TOTP_SECRET_LEN], b[TOTP_SECRET_LEN], back[TOTP_SECRET_LEN];
	char text[TOTP_BASE32_LEN(TOTP_SECRET_LEN) + 1];
	size_t n;
	(void)state;

	totp_new_secret(a);
	totp_new_secret(b);
	assert_memory_not_equal(a, b, TOTP_SECRET_LEN);
	assert_int_equal(totp_base32_encode(a, sizeof(a), text, sizeof(text)), 0);
	assert_int_equal(strlen(text), 32);
	assert_int_equal(totp_base32_decode(text, back, sizeof(back), &n), 0);
	assert_int_equal(n, TOTP_SECRET_LEN);
	assert_memory_equal(a, back, TOTP_SECRET_LEN);
}

static void uri_percent_encodes_issuer_and_account(void **state)
{
	static const char want[] =
		"otpauth://totp/Shisa%20Team:%E5%B1%B1%E7%94%B0%20taro%40example.jp"
		"?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Shisa%20Team"
		"&algorithm=SHA1&digits=6&period=30";
	const char *account = "\xe5\xb1\xb1\xe7\x94\xb0 taro@example.jp";     /* 山田 */
	char out[256];
	(void)state;

	assert_int_equal(totp_uri(out, sizeof(out), "Shisa Team", account, rfc_secret, RFC_LEN), 0);
	assert_string_equal(out, want);
	/* Exactly long enough works; one byte less does not, and leaves no partial URI. */
	assert_int_equal(totp_uri(out, sizeof(want), "Shisa Team", account, rfc_secret, RFC_LEN), 0);
	assert_int_equal(totp_uri(out, sizeof(want) - 1, "Shisa Team", account, rfc_secret, RFC_LEN), -1);
	assert_string_equal(out, "");
}

static void uri_refuses_labels_apps_would_misread(void **state)
{
	static const char *bad[] = {
		"", "a:b", "\xff", "\xc0\xaf" /* overlong '/' */, "\xe5\xb1" /* cut short */,
		"\xed\xa0\x80" /* surrogate */, "\xf4\x90\x80\x80" /* above U+10FFFF */,
	};
	unsigned char big[TOTP_SECRET_MAX + 1] = { 0 };
	char out[512];
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(totp_uri(out, sizeof(out), "Shisa", bad[i], rfc_secret, RFC_LEN), -1);
		assert_int_equal(totp_uri(out, sizeof(out), bad[i], "taro", rfc_secret, RFC_LEN), -1);
	}
	assert_int_equal(totp_uri(out, sizeof(out), NULL, "taro", rfc_secret, RFC_LEN), -1);
	assert_int_equal(totp_uri(out, sizeof(out), "Shisa", "taro", rfc_secret, 0), -1);
	assert_int_equal(totp_uri(out, sizeof(out), "Shisa", "taro", big, sizeof(big)), -1);
	assert_int_equal(totp_uri(out, sizeof(out), "Shisa", "taro", big, TOTP_SECRET_MAX), 0);
}

static void recovery_codes_are_two_groups_of_five_unambiguous_characters(void **state)
{
	static const char alphabet[] = "23456789abcdefghijkmnpqrstuvwxyz";
	char code[TOTP_RECOVERY_CODE_LEN + 1], other[TOTP_RECOVERY_CODE_LEN + 1];
	char norm[TOTP_RECOVERY_NORM_LEN + 1];
	(void)state;

	for (int round = 0; round < 200; round++) {
		totp_recovery_code(code);
		assert_int_equal(strlen(code), TOTP_RECOVERY_CODE_LEN);
		assert_int_equal(code[5], '-');
		for (int i = 0; i < TOTP_RECOVERY_CODE_LEN; i++) {
			if (i != 5)
				assert_non_null(memchr(alphabet, code[i], sizeof(alphabet) - 1));
		}
		assert_null(strpbrk(code, "0o1lABCDEFGHIJKLMNOPQRSTUVWXYZ"));
		assert_int_equal(totp_recovery_normalize(code, norm), 0);
		assert_memory_equal(norm, code, 5);
		assert_string_equal(norm + 5, code + 6);
	}
	totp_recovery_code(other);
	assert_string_not_equal(code, other);
}

static void recovery_normalization_gives_one_form_to_hash(void **state)
{
	static const char *same[] = {
		"abcde-fghjk", "ABCDE-FGHJK", "abcdefghjk", "abcde fghjk", " Abcde - fGhjk ", "ab-cd-ef-gh-jk",
	};
	char norm[TOTP_RECOVERY_NORM_LEN + 1];
	(void)state;

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		assert_int_equal(totp_recovery_normalize(same[i], norm), 0);
		assert_string_equal(norm, "abcdefghjk");
	}
}

static void recovery_normalization_rejects_malformed_input(void **state)
{
	static const char *bad[] = {
		"", "-----", "abcde-fghj", "abcde-fghjkm", "abcde-fghj0", "abcde-fghjo",
		"abcde-fghj1", "abcde-fghjl", "abcde_fghjk", "abcde-fghjk\t", "abcde-fghj\xc3\xa9",
	};
	char norm[TOTP_RECOVERY_NORM_LEN + 1];
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(totp_recovery_normalize(bad[i], norm), -1);
		assert_string_equal(norm, "");
	}
	assert_int_equal(totp_recovery_normalize(NULL, norm), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc6238_sha1_vectors_truncated_to_six_digits),
		cmocka_unit_test(rfc4226_hotp_values_for_counters_0_to_9),
		cmocka_unit_test(code_refuses_missing_secret_and_negative_step),
		cmocka_unit_test(window_accepts_one_step_either_side_and_no_more),
		cmocka_unit_test(used_step_and_earlier_steps_are_refused),
		cmocka_unit_test(malformed_codes_are_errors_not_mismatches),
		cmocka_unit_test(spaces_in_a_code_are_ignored),
		cmocka_unit_test(base32_encodes_rfc4648_vectors_without_padding),
		cmocka_unit_test(base32_decodes_rfc4648_vectors),
		cmocka_unit_test(base32_decoding_accepts_lowercase_spaces_and_padding),
		cmocka_unit_test(base32_decoding_rejects_what_no_encoder_writes),
		cmocka_unit_test(base32_decoding_refuses_output_too_small),
		cmocka_unit_test(new_secrets_are_random_and_survive_base32),
		cmocka_unit_test(uri_percent_encodes_issuer_and_account),
		cmocka_unit_test(uri_refuses_labels_apps_would_misread),
		cmocka_unit_test(recovery_codes_are_two_groups_of_five_unambiguous_characters),
		cmocka_unit_test(recovery_normalization_gives_one_form_to_hash),
		cmocka_unit_test(recovery_normalization_rejects_malformed_input),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
