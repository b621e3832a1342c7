/* TOTP second factor, base32, otpauth:// URIs and recovery codes; see
 * totp.h. HMAC-SHA1 comes from OpenSSL, randomness and constant-time
 * comparison from libsodium. */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include "auth/totp.h"

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char recovery_alphabet[] = "23456789abcdefghijkmnpqrstuvwxyz";

int totp_code(const unsigned char *secret, size_t len, int64_t step, char out[TOTP_DIGITS + 1])
{
	unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	bool ok;

	if (secret == NULL || len == 0 || len > INT_MAX || step < 0)
		return -1;
	for (int i = 7; i >= 0; i--, step >>= 8)
		msg[i] = (unsigned char)(step & 0xff);
	ok = HMAC(EVP_sha1(), secret, (int)len, msg, sizeof(msg), mac, &maclen) != NULL && maclen == 20;
	if (ok) {
		/* RFC 4226 section 5.3: dynamic truncation. */
		unsigned int off = mac[19] & 0x0f;
		uint32_t bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 |
			       (uint32_t)mac[off + 2] << 8 | (uint32_t)mac[off + 3];

		snprintf(out, TOTP_DIGITS + 1, "%06u", (unsigned int)(bin % 1000000));
	}
	sodium_memzero(mac, sizeof(mac));
	return ok ? 0 : -1;
}

/* Copy the digits of CODE (not NULL), skipping spaces, into DIGITS; 0 or -1. */
static int code_digits(const char *code, char digits[TOTP_DIGITS])
{
	size_t n = 0;

	for (const char *p = code; *p != '\0'; p++) {
		if (*p == ' ')
			continue;
		if (*p < '0' || *p > '9' || n == TOTP_DIGITS)
			return -1;
		digits[n++] = *p;
	}
	return n == TOTP_DIGITS ? 0 : -1;
}

int totp_verify(const unsigned char *secret, size_t len, const char *code, int64_t now, int window,
		int64_t last_used_step, int64_t *matched_step)
{
	char digits[TOTP_DIGITS], want[TOTP_DIGITS + 1];
	int64_t cur, found = -1;

	if (code == NULL || code_digits(code, digits) != 0 || secret == NULL || len == 0 || len > INT_MAX)
		return -1;
	if (now < 0)
		return 0;
	if (window < 0)
		window = 0;
	if (window > TOTP_WINDOW_MAX)
		window = TOTP_WINDOW_MAX;
	cur = now / TOTP_PERIOD;
	/* Try every step in the window without stopping early, so the time
	 * taken does not say which step matched. */
	for (int64_t s = cur - window; s <= cur + window; s++) {
		if (s < 0 || s <= last_used_step)
			continue;
		if (totp_code(secret, len, s, want) == 0 && sodium_memcmp(want, digits, TOTP_DIGITS) == 0)
			found = s;
	}
	sodium_memzero(want, sizeof(want));
	if (found < 0)
		return 0;
	if (matched_step != NULL)
		*matched_step = found;
	return 1;
}

int totp_base32_encode(const unsigned char *in, size_t n, char *out, size_t outlen)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;

	if (out == NULL || (in == NULL && n > 0) || n > (SIZE_MAX - 4) / 8 ||
	    outlen < TOTP_BASE32_LEN(n) + 1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		acc = acc << 8 | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = base32_alphabet[(acc >> bits) & 31];
		}
	}
	if (bits > 0)
		out[o++] = base32_alphabet[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	return 0;
}

/* The 5-bit value of base32 character C in either case, or -1. */
static int base32_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

int totp_base32_decode(const char *in, unsigned char *out, size_t outlen, size_t *written)
{
	uint32_t acc = 0;
	int bits = 0, v;
	size_t o = 0, nchars = 0, npad = 0;

	if (written == NULL)
		return -1;
	*written = 0;
	if (in == NULL || (out == NULL && outlen > 0))
		return -1;
	for (const char *p = in; *p != '\0'; p++) {
		if (*p == ' ')
			continue;
		if (*p == '=') {
			npad++;
			continue;
		}
		if (npad > 0 || (v = base32_value(*p)) < 0)
			goto fail;
		nchars++;
		acc = acc << 5 | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			if (o == outlen)
				goto fail;
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	/* 1, 3 or 6 characters in the last group cannot come from whole bytes. */
	switch (nchars % 8) {
	case 1: case 3: case 6:
		goto fail;
	}
	if ((npad > 0 && (nchars + npad) % 8 != 0) || (acc & ((1u << bits) - 1)) != 0)
		goto fail;
	*written = o;
	return 0;
fail:
	if (outlen > 0)
		sodium_memzero(out, outlen);
	return -1;
}

void totp_new_secret(unsigned char out[TOTP_SECRET_LEN])
{
	randombytes_buf(out, TOTP_SECRET_LEN);
}

/* True if S is non-empty, well-formed UTF-8 (no overlongs, surrogates or
 * code points above U+10FFFF) and has no ':'. */
static bool label_part_ok(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	if (s == NULL || *s == '\0')
		return false;
	while (*s != '\0') {
		uint32_t cp, min;
		int more;

		if (*s == ':')
			return false;
		if (*s < 0x80)
			more = 0, cp = *s, min = 0;
		else if ((*s & 0xe0) == 0xc0)
			more = 1, cp = *s & 0x1f, min = 0x80;
		else if ((*s & 0xf0) == 0xe0)
			more = 2, cp = *s & 0x0f, min = 0x800;
		else if ((*s & 0xf8) == 0xf0)
			more = 3, cp = *s & 0x07, min = 0x10000;
		else
			return false;
		/* A NUL fails the continuation test, so we never read past it. */
		for (int i = 1; i <= more; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		s += more + 1;
	}
	return true;
}

/* Append the N bytes at S to OUT at *O, keeping it NUL-terminated; 0 or -1. */
static int put(char *out, size_t outlen, size_t *o, const char *s, size_t n)
{
	if (n >= outlen - *o)
		return -1;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
	return 0;
}

/* Append S percent-encoded: all but RFC 3986 unreserved characters. */
static int put_pct(char *out, size_t outlen, size_t *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };
		bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			     (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL;

		if (put(out, outlen, o, plain ? (const char *)p : esc, plain ? 1 : 3) != 0)
			return -1;
	}
	return 0;
}

int totp_uri(char *out, size_t outlen, const char *issuer, const char *account,
	     const unsigned char *secret, size_t len)
{
	static const char tail[] = "&algorithm=SHA1&digits=6&period=30";
	char b32[TOTP_BASE32_LEN(TOTP_SECRET_MAX) + 1];
	size_t o = 0;
	int rc = 0;

	if (out == NULL || outlen == 0 || !label_part_ok(issuer) || !label_part_ok(account) ||
	    secret == NULL || len == 0 || len > TOTP_SECRET_MAX ||
	    totp_base32_encode(secret, len, b32, sizeof(b32)) != 0)
		return -1;
	if (put(out, outlen, &o, "otpauth://totp/", 15) != 0 || put_pct(out, outlen, &o, issuer) != 0 ||
	    put(out, outlen, &o, ":", 1) != 0 || put_pct(out, outlen, &o, account) != 0 ||
	    put(out, outlen, &o, "?secret=", 8) != 0 || put(out, outlen, &o, b32, strlen(b32)) != 0 ||
	    put(out, outlen, &o, "&issuer=", 8) != 0 || put_pct(out, outlen, &o, issuer) != 0 ||
	    put(out, outlen, &o, tail, sizeof(tail) - 1) != 0) {
		sodium_memzero(out, outlen);
		rc = -1;
	}
	sodium_memzero(b32, sizeof(b32));
	return rc;
}

void totp_recovery_code(char out[TOTP_RECOVERY_CODE_LEN + 1])
{
	unsigned char raw[TOTP_RECOVERY_NORM_LEN];
	size_t o = 0;

	randombytes_buf(raw, sizeof(raw));
	for (size_t i = 0; i < sizeof(raw); i++) {
		if (i == TOTP_RECOVERY_NORM_LEN / 2)
			out[o++] = '-';
		/* 32 divides 256, so masking keeps every character equally likely. */
		out[o++] = recovery_alphabet[raw[i] & 31];
	}
	out[o] = '\0';
	sodium_memzero(raw, sizeof(raw));
}

int totp_recovery_normalize(const char *in, char out[TOTP_RECOVERY_NORM_LEN + 1])
{
	size_t n = 0;

	out[0] = '\0';
	if (in == NULL)
		return -1;
	for (const char *p = in; *p != '\0'; p++) {
		char c = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;

		if (c == ' ' || c == '-')
			continue;
		if (n == TOTP_RECOVERY_NORM_LEN ||
		    memchr(recovery_alphabet, c, sizeof(recovery_alphabet) - 1) == NULL)
			goto fail;
		out[n++] = c;
	}
	if (n != TOTP_RECOVERY_NORM_LEN)
		goto fail;
	out[n] = '\0';
	return 0;
fail:
	sodium_memzero(out, TOTP_RECOVERY_NORM_LEN + 1);
	return -1;
}
