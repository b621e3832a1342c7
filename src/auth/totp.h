/* Second factor: time-based one-time passwords (RFC 6238 over RFC 4226
 * HOTP) as authenticator apps expect them (HMAC-SHA1, 30-second steps, six
 * digits), the base32 and otpauth:// forms used to enrol an app, and
 * single-use recovery codes for when the phone is lost. Callers store the
 * last accepted step with the secret so a code works only once, and store
 * recovery codes only as the SHA-256 of their normalized form. */
#ifndef SHISA_TOTP_H
#define SHISA_TOTP_H
#include <stddef.h>
#include <stdint.h>

#define TOTP_SECRET_LEN 20              /* bytes; what totp_new_secret makes */
#define TOTP_SECRET_MAX 64              /* longest secret totp_uri accepts */
#define TOTP_DIGITS 6
#define TOTP_PERIOD 30                  /* seconds per step */
#define TOTP_WINDOW_MAX 10              /* totp_verify clamps WINDOW to this */
#define TOTP_RECOVERY_CODE_LEN 11       /* "xxxxx-xxxxx" */
#define TOTP_RECOVERY_NORM_LEN 10       /* the same without the dash */
/* Characters of unpadded base32 for N bytes, without the NUL. */
#define TOTP_BASE32_LEN(n) (((n) * 8 + 4) / 5)

/* The six-digit code for counter STEP (unix time / TOTP_PERIOD; or the HOTP
 * counter) under the LEN-byte SECRET, into OUT as a NUL-terminated string.
 * Return 0, or -1 when SECRET is NULL or empty, STEP is negative or HMAC
 * fails. */
int totp_code(const unsigned char *secret, size_t len, int64_t step, char out[TOTP_DIGITS + 1]);

/* Check CODE against the steps NOW / TOTP_PERIOD +- WINDOW (clamped to
 * 0..TOTP_WINDOW_MAX; 1 tolerates a phone clock 30 s off). ASCII spaces
 * anywhere in CODE are ignored, so "123 456" is read as "123456"; what is
 * left must be exactly six ASCII digits. Steps <= LAST_USED_STEP are never
 * accepted, so a code cannot be replayed: pass -1 when no code has been
 * used yet, and store *MATCHED_STEP as the new LAST_USED_STEP after a match.
 * Codes are compared in constant time. Return 1 on a match (writing the
 * step, the latest if several match, to MATCHED_STEP unless it is NULL),
 * 0 on no match (also for a negative NOW), or -1 when CODE is NULL or
 * malformed or SECRET is unusable. */
int totp_verify(const unsigned char *secret, size_t len, const char *code, int64_t now, int window,
		int64_t last_used_step, int64_t *matched_step);

/* RFC 4648 base32 of the N bytes at IN: uppercase, no padding, NUL-terminated
 * in OUT, which needs TOTP_BASE32_LEN(N) + 1 bytes. Return 0, or -1 when OUT
 * is too small (OUT is then left untouched). */
int totp_base32_encode(const unsigned char *in, size_t n, char *out, size_t outlen);

/* Decode base32 text IN into OUT (OUTLEN bytes), writing the byte count to
 * WRITTEN (which must not be NULL). Lowercase letters, ASCII spaces and
 * trailing '=' padding are accepted; if padding is present the text must be
 * padded to a multiple of eight characters. Return 0, or -1 for a character outside the alphabet,
 * data after padding, a length no encoder produces, non-zero unused bits in
 * the last character, or output longer than OUTLEN; on -1 OUT is zeroed
 * and *WRITTEN is 0. */
int totp_base32_decode(const char *in, unsigned char *out, size_t outlen, size_t *written);

/* Fill OUT with a new random secret. */
void totp_new_secret(unsigned char out[TOTP_SECRET_LEN]);

/* The enrolment URI for a QR code into OUT (OUTLEN bytes):
 * otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
 * with ISSUER and ACCOUNT percent-encoded byte by byte (UTF-8 stays intact;
 * spaces become %20). The URI contains the secret: treat it like one.
 * Return 0, or -1 when OUT is too small (OUT is then left empty), ISSUER
 * or ACCOUNT is empty, is not valid UTF-8 or contains ':' (which apps read
 * as the label separator), or LEN is 0 or above TOTP_SECRET_MAX. */
int totp_uri(char *out, size_t outlen, const char *issuer, const char *account,
	     const unsigned char *secret, size_t len);

/* A new random recovery code "xxxxx-xxxxx": ten characters (50 bits) from
 * the 32 lowercase letters and digits without 0, o, 1 and l. Show it to the
 * user once; store only the SHA-256 of its totp_recovery_normalize form. */
void totp_recovery_code(char out[TOTP_RECOVERY_CODE_LEN + 1]);

/* The canonical form of a recovery code the user typed: lowercased, with
 * ASCII spaces and dashes removed, ten characters, NUL-terminated in OUT.
 * Return 0, or -1 when IN is NULL or what remains is not exactly ten
 * characters of the recovery alphabet (OUT is then the empty string). */
int totp_recovery_normalize(const char *in, char out[TOTP_RECOVERY_NORM_LEN + 1]);

#endif
