/* argon2id hashing and password rules; see password.h. */
#include <pthread.h>
#include <string.h>
#include <strings.h>
#include "auth/password.h"
#include "core/json_writer.h"

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

const char *password_rule_violation(const char *pw, const char *email)
{
	size_t len = strlen(pw);
	if (len > PASSWORD_MAX)
		return "pw.too_long";
	if (!utf8_valid(pw, len))
		return "pw.bad_utf8";
	if (utf8_chars(pw) < PASSWORD_MIN)
		return "pw.too_short";
	bool same = true;
	for (size_t i = 1; i < len; i++)
		if (pw[i] != pw[0])
			same = false;
	if (same)
		return "pw.too_simple";
	if (email && *email && strcasecmp(pw, email) == 0)
		return "pw.is_email";
	return NULL;
}

int password_hash(const char *pw, char out[PASSWORD_HASH_MAX])
{
	return crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                         crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

static char dummy_hash[PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy_hash(void)
{
	if (password_hash("shisa-dummy-password", dummy_hash) < 0)
		dummy_hash[0] = '\0';
}

bool password_verify(const char *hash, const char *pw)
{
	if (!hash || strncmp(hash, "$argon2id$", 10) != 0) {
		/* Spend the same effort as a real check, then refuse. */
		pthread_once(&dummy_once, make_dummy_hash);
		int spent = dummy_hash[0] ? crypto_pwhash_str_verify(dummy_hash, pw, strlen(pw)) : -1;
		(void)spent;
		return false;
	}
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}
