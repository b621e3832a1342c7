/* libFuzzer target for src/directory/fields.c and ip.c: every directory
 * field validator on the same input. Each OUT is its own malloc of exactly
 * the size fields.h promises is enough, so ASan sees a byte too many.
 * Besides the sanitizers it asserts the promises of fields.h: a known code
 * whose key is in the catalogue; a canonical form or suggestion that is
 * valid and its own canonical form; "" in OUT on every other refusal; and
 * per field what the stored text may contain. The IP parsers are checked
 * against glibc's inet_pton: they must accept exactly the same addresses
 * and read the same bits. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/clock.h"
#include "core/i18n.h"
#include "core/json_writer.h"
#include "directory/fields.h"
#include "mail/message.h"

typedef enum field_result (*validator)(const char *s, char *out);

static enum field_result domain_or_wildcard(const char *s, char *out)
{
	return field_domain(s, true, out);
}

static enum field_result host_name(const char *s, char *out)
{
	return field_domain(s, false, out);
}

static bool has_suggestion(enum field_result r)
{
	return r == FIELD_CIDR_HOST_BITS || r == FIELD_TZ_VARIANT || r == FIELD_TZ_ABBREV;
}

static void check_code(enum field_result r)
{
	if ((unsigned)r >= FIELD__COUNT || !i18n_has(field_err_key(r)))
		abort();
}

/* Run V on S into an OUT of exactly SIZE bytes; return OUT (malloc'd). */
static char *run(validator v, const char *s, size_t size, enum field_result *r)
{
	char *out = malloc(size);
	memset(out, 0x55, size);
	*r = v(s, out);
	check_code(*r);
	if (strlen(out) >= size)
		abort();
	if (*r == FIELD_OK || has_suggestion(*r)) {
		char *again = malloc(size);
		if (v(out, again) != FIELD_OK || strcmp(again, out) != 0)
			abort();
		free(again);
	} else if (out[0] != '\0') {
		abort();
	}
	return out;
}

static bool only(const char *s, const char *allowed)
{
	return strspn(s, allowed) == strlen(s);
}

/* The text between surrounding blanks, as the validators see it. */
static char *trimmed(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return strndup(s, n);
}

/* A bare address ("192.0.2.1", "2001:db8::1") is accepted by field_cidr
 * exactly when inet_pton accepts it (glibc also refuses leading zeros in
 * IPv4), and stored with the same bits. */
static void cidr_agrees_with_inet_pton(const char *s, enum field_result r, const char *out)
{
	char *t = trimmed(s);
	if (*t && !strchr(t, '/') && !strchr(t, '%')) {
		bool v6 = strchr(t, ':') != NULL;
		uint8_t want[16], got[16];
		int ok = inet_pton(v6 ? AF_INET6 : AF_INET, t, want);
		if ((r == FIELD_OK) != (ok == 1))
			abort();
		if (r == FIELD_OK) {
			char addr[FIELD_CIDR_MAX];
			snprintf(addr, sizeof(addr), "%.*s", (int)strcspn(out, "/"), out);
			if (strchr(addr, ':')) {
				if (inet_pton(AF_INET6, addr, got) != 1 || memcmp(got, want, 16) != 0)
					abort();
			} else if (inet_pton(AF_INET, addr, got) != 1 || memcmp(got, v6 ? want + 12 : want, 4) != 0) {
				abort();
			}
		}
	}
	free(t);
}

static void check_date(const char *out)
{
	int y, m, d;
	if (sscanf(out, "%4d-%2d-%2d", &y, &m, &d) != 3 || y < 1900 || y > 2100)
		abort();
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
	time_t t = timegm(&tm);
	struct tm back;
	gmtime_r(&t, &back);
	if (back.tm_year != y - 1900 || back.tm_mon != m - 1 || back.tm_mday != d)
		abort();
}

static void check_url(const char *out)
{
	const char *auth = strncmp(out, "https://", 8) == 0 ? out + 8 : strncmp(out, "http://", 7) == 0 ? out + 7 : NULL;
	if (!auth || strlen(out) > 2048)
		abort();
	size_t alen = strcspn(auth, "/?#");
	if (auth[alen] != '/' || memchr(auth, '@', alen))
		abort();
	for (const char *p = out; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || strchr("\"<>\\^`{|}", *p))
			abort();
}

static void check_text(const char *s)
{
	enum field_result one = field_text(s, SIZE_MAX, false), multi = field_text(s, SIZE_MAX, true);
	check_code(one);
	check_code(multi);
	if (one == FIELD_OK && multi != FIELD_OK)
		abort();
	if (multi == FIELD_OK && !utf8_valid(s, strlen(s)))
		abort();
	if (multi == FIELD_OK) {
		/* The limit is on code points: find the count, try it and one less. */
		size_t chars = 0;
		for (const char *p = s; *p; p++)
			chars += ((unsigned char)*p & 0xC0) != 0x80;
		if (field_text(s, chars, true) != FIELD_OK ||
		    (chars > 0 && field_text(s, chars - 1, true) != FIELD_TEXT_TOO_LONG))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool loaded;
	if (!loaded) {
		char err[256];
		if (i18n_load(err, sizeof(err)) != 0)
			abort();
		loaded = true;
	}
	char *s = strndup((const char *)data, size);
	enum field_result r;
	char *out;

	out = run(field_cidr, s, FIELD_CIDR_MAX, &r);
	cidr_agrees_with_inet_pton(s, r, out);
	free(out);

	out = run(field_asn, s, FIELD_ASN_MAX, &r);
	if (r == FIELD_OK && (strncmp(out, "AS", 2) != 0 || !only(out + 2, "0123456789") ||
	                      strtoull(out + 2, NULL, 10) > UINT32_MAX || strcmp(out, "AS23456") == 0))
		abort();
	free(out);

	out = run(domain_or_wildcard, s, FIELD_DOMAIN_MAX, &r);
	if (r == FIELD_OK && (!only(out, "abcdefghijklmnopqrstuvwxyz0123456789-.*") || strlen(out) > 253))
		abort();
	free(out);
	out = run(host_name, s, FIELD_DOMAIN_MAX, &r);
	if (r == FIELD_OK && strchr(out, '*'))
		abort();
	free(out);

	out = run(field_email, s, FIELD_EMAIL_MAX, &r);
	if (r == FIELD_OK && !mail_addr_valid(out))
		abort();
	free(out);

	out = run(field_phone, s, FIELD_PHONE_MAX, &r);
	if (r == FIELD_OK && (!only(out, "0123456789+-() extEXT.") || strlen(out) > 48))
		abort();
	free(out);

	out = run(field_url, s, FIELD_URL_MAX, &r);
	if (r == FIELD_OK)
		check_url(out);
	free(out);

	out = run(field_tz, s, FIELD_TZ_MAX, &r);
	if (r == FIELD_OK && !clock_tz_valid(out))
		abort();
	free(out);

	out = run(field_date, s, FIELD_DATE_MAX, &r);
	if (r == FIELD_OK)
		check_date(out);
	free(out);

	out = run(field_country, s, FIELD_COUNTRY_MAX, &r);
	if (r == FIELD_OK && (strlen(out) != 2 || !only(out, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")))
		abort();
	free(out);

	check_text(s);
	free(s);
	return 0;
}
