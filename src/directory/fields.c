/* The team directory's field validators (see fields.h). Each one trims,
 * checks in a fixed order so that the first problem found is the one
 * reported, and writes the canonical form through a bounded sink that
 * cannot overrun OUT whatever the input. IP addresses are read by
 * src/directory/ip.c. */
#include "directory/fields.h"
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/json_writer.h"
#include "directory/ip.h"
#include "mail/message.h"

#define DOMAIN_LEN_MAX 253
#define LABEL_LEN_MAX 63
#define URL_LEN_MAX 2048
#define PHONE_LEN_MAX 48
#define PHONE_DIGITS_MIN 7
#define PHONE_DIGITS_MAX 15     /* E.164 */
#define PHONE_EXT_DIGITS_MAX 8
#define TZ_NAME_MAX 64          /* clock_tz_valid's limit */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static char to_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static char to_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The code point of the valid UTF-8 sequence of LEN bytes at P. */
static uint32_t utf8_decode(const unsigned char *p, int len)
{
	if (len == 1)
		return p[0];
	uint32_t c = p[0] & (0x7F >> len);
	for (int i = 1; i < len; i++)
		c = (c << 6) | (p[i] & 0x3F);
	return c;
}

/* Appending to a fixed array. What does not fit is counted but not
 * written, and once one piece did not fit no later one does, so LEN tells
 * how long the whole text would have been. */
struct sink {
	char *p;
	size_t len, cap;
};

static void sink_add(struct sink *o, const char *s, size_t n)
{
	if (o->len < o->cap && n < o->cap - o->len)
		memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void sink_addc(struct sink *o, char c)
{
	sink_add(o, &c, 1);
}

/* NUL-terminate; false, and OUT emptied, when the text did not fit. */
static bool sink_end(struct sink *o)
{
	if (o->len >= o->cap) {
		o->p[0] = '\0';
		return false;
	}
	o->p[o->len] = '\0';
	return true;
}

/* What every validator but field_text does first: empty OUT (so refusals
 * leave ""), refuse what is not UTF-8, and find the text between the
 * surrounding blanks: *N bytes at *T. */
static enum field_result start(const char *s, char *out, const char **t, size_t *n)
{
	out[0] = '\0';
	if (!s)
		return FIELD_EMPTY;
	size_t len = strlen(s);
	while (len && is_blank(s[len - 1]))
		len--;
	while (len && is_blank(*s)) {
		s++;
		len--;
	}
	*t = s;
	*n = len;
	if (len == 0)
		return FIELD_EMPTY;
	return utf8_valid(s, len) ? FIELD_OK : FIELD_BAD_UTF8;
}

/* --- IP networks -------------------------------------------------------- */

static void add_ipv4(struct sink *o, const uint8_t a[4])
{
	char t[IP_TEXT_MAX];
	sink_add(o, t, ip_format4(a, t));
}

static void add_ipv6(struct sink *o, const uint8_t a[16], bool mixed)
{
	char t[IP_TEXT_MAX];
	sink_add(o, t, ip_format6(a, mixed, t));
}

/* The prefix length after '/': 0 to MAX, no sign, no leading zeros. */
static enum field_result parse_prefix(const char *s, size_t n, int max, int *prefix)
{
	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return FIELD_CIDR_PREFIX;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return FIELD_CIDR_PREFIX;
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return FIELD_CIDR_PREFIX;
	*prefix = v;
	return FIELD_OK;
}

enum field_result field_cidr(const char *s, char out[static FIELD_CIDR_MAX])
{
	const char *t;
	size_t n;
	enum field_result r = start(s, out, &t, &n);
	if (r)
		return r;
	if (memchr(t, '%', n))
		return FIELD_IP_ZONE_ID;

	const char *slash = memchr(t, '/', n);
	size_t alen = slash ? (size_t)(slash - t) : n;
	bool v6 = memchr(t, ':', alen) != NULL;
	uint8_t a[16];
	r = v6 ? ip_parse6(t, alen, a) : ip_parse4(t, alen, a);
	if (r)
		return r;
	int prefix = v6 ? 128 : 32;
	if (slash && (r = parse_prefix(slash + 1, n - alen - 1, prefix, &prefix)) != FIELD_OK)
		return r;
	/* An IPv4 network written the IPv6 way is stored as what it is. */
	if (v6 && prefix >= 96 && ip_v4_mapped(a)) {
		memmove(a, a + 12, 4);
		v6 = false;
		prefix -= 96;
	}

	size_t len = v6 ? 16 : 4;
	uint8_t net[16];
	for (size_t i = 0; i < len; i++) {
		int keep = prefix - 8 * (int)i;
		uint8_t mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
		net[i] = a[i] & mask;
	}
	struct sink o = {out, 0, FIELD_CIDR_MAX};
	if (v6)
		add_ipv6(&o, net, false);
	else
		add_ipv4(&o, net);
	char p[8];
	sink_add(&o, p, (size_t)snprintf(p, sizeof(p), "/%d", prefix));
	sink_end(&o);
	return memcmp(a, net, len) ? FIELD_CIDR_HOST_BITS : FIELD_OK;
}

/* --- AS numbers --------------------------------------------------------- */

enum field_result field_asn(const char *s, char out[static FIELD_ASN_MAX])
{
	const char *t;
	size_t n;
	enum field_result r = start(s, out, &t, &n);
	if (r)
		return r;
	if (n >= 2 && to_lower(t[0]) == 'a' && to_lower(t[1]) == 's') {
		t += 2;
		n -= 2;
	}
	if (n == 0)
		return FIELD_ASN_SYNTAX;
	for (size_t i = 0; i < n; i++)
		if (!is_digit(t[i]))
			return FIELD_ASN_SYNTAX;
	if (t[0] == '0')
		return n == 1 ? FIELD_ASN_ZERO : FIELD_ASN_SYNTAX;
	if (n > 10)
		return FIELD_ASN_RANGE;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (uint64_t)(t[i] - '0');
	if (v > UINT32_MAX)
		return FIELD_ASN_RANGE;
	if (v == 23456)
		return FIELD_ASN_TRANS;
	snprintf(out, FIELD_ASN_MAX, "AS%" PRIu64, v);
	return FIELD_OK;
}

/* --- Domain names ------------------------------------------------------- */

/* The domain rules on N bytes of valid UTF-8 at T, shared with the hosts
 * of email addresses and URLs; the lowercase name goes to O.
 * Internationalised names are refused rather than converted: libidn2
 * (Debian's libidn2-dev) could turn 日本語.jp into xn--wgv71a119e.jp, but
 * UTS #46 mapping is a dependency and a policy of its own, and members
 * know the xn-- form of their names from their registrar. */
static enum field_result check_domain(const char *t, size_t n, bool allow_wildcard, struct sink *o)
{
	bool non_ascii = false, underscore = false, other = false, star = false;
	for (size_t i = 0; i < n; i++) {
		char c = t[i];
		if ((unsigned char)c >= 0x80)
			non_ascii = true;
		else if (c == '_')
			underscore = true;
		else if (c == '*')
			star = true;
		else if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '.')
			other = true;
	}
	if (non_ascii)
		return FIELD_IDN_NOT_PUNYCODE;
	if (other)
		return FIELD_DOMAIN_CHAR;
	if (underscore)
		return FIELD_DOMAIN_UNDERSCORE;
	if (star && !allow_wildcard)
		return FIELD_DOMAIN_WILDCARD;

	/* "example.jp." names the same domain, fully qualified. */
	if (n > 0 && t[n - 1] == '.')
		n--;
	if (n > DOMAIN_LEN_MAX)
		return FIELD_DOMAIN_TOO_LONG;
	size_t skip = 0;
	if (star) {
		if (n < 2 || t[0] != '*' || t[1] != '.' || memchr(t + 1, '*', n - 1))
			return FIELD_DOMAIN_WILDCARD_PLACE;
		skip = 2;
	}

	int labels = 0;
	size_t from = skip;
	for (size_t i = skip; i <= n; i++) {
		if (i < n && t[i] != '.')
			continue;
		size_t len = i - from;
		if (len == 0)
			return FIELD_DOMAIN_EMPTY_LABEL;
		if (len > LABEL_LEN_MAX)
			return FIELD_DOMAIN_LABEL_TOO_LONG;
		if (t[from] == '-' || t[i - 1] == '-')
			return FIELD_DOMAIN_HYPHEN;
		labels++;
		from = i + 1;
	}
	if (labels < 2)
		return star ? FIELD_DOMAIN_WILDCARD_PLACE : FIELD_DOMAIN_ONE_LABEL;
	bool numeric = true;
	for (size_t i = n; i > 0 && t[i - 1] != '.'; i--)
		numeric = numeric && is_digit(t[i - 1]);
	if (numeric)
		return FIELD_DOMAIN_NUMERIC_TLD;

	for (size_t i = 0; i < n; i++)
		sink_addc(o, to_lower(t[i]));
	return FIELD_OK;
}

enum field_result field_domain(const char *s, bool allow_wildcard, char out[static FIELD_DOMAIN_MAX])
{
	const char *t;
	size_t n;
	enum field_result r = start(s, out, &t, &n);
	if (r)
		return r;
	struct sink o = {out, 0, FIELD_DOMAIN_MAX};
	r = check_domain(t, n, allow_wildcard, &o);
	if (r == FIELD_OK)
		sink_end(&o);
	else
		out[0] = '\0';
	return r;
}

/* --- Email addresses ---------------------------------------------------- */

enum field_result field_email(const char *s, char out[static FIELD_EMAIL_MAX])
{
	const char *t;
	size_t n;
	enum field_result r = start(s, out, &t, &n);
	if (r)
		return r;
	if (n > MAIL_ADDR_MAX)
		return FIELD_EMAIL_TOO_LONG;
	const char *at = memchr(t, '@', n);
	if (!at || at + 1 == t + n || memchr(at + 1, '@', n - (size_t)(at - t) - 1))
		return FIELD_EMAIL_SYNTAX;

	/* The domain first: its rules give the more precise messages. */
	char addr[FIELD_EMAIL_MAX];
	struct sink o = {addr, 0, sizeof(addr)};
	sink_add(&o, t, (size_t)(at - t) + 1);
	r = check_domain(at + 1, n - (size_t)(at - t) - 1, false, &o);
	if (r)
		return r;
	if (!sink_end(&o) || !mail_addr_valid(addr))
		return FIELD_EMAIL_LOCAL;
	memcpy(out, addr, o.len + 1);
	return FIELD_OK;
}

/* --- Phone numbers ------------------------------------------------------ */

/* Characters a Japanese input method gives for digits, +, -, (, ) and
 * space in full-width mode: worth their own message. */
static bool fullwidth_phone_char(uint32_t c)
{
	return (c >= 0xFF10 && c <= 0xFF19) || c == 0xFF0B || c == 0xFF0D || c == 0xFF08 || c == 0xFF09 ||
	       c == 0x3000 || c == 0x30FC || c == 0x2212 || (c >= 0x2010 && c <= 0x2015);
}

/* An extension at the end: "ext. 123", "ext 123", "x123", either case. */
static enum field_result check_extension(const char *t, size_t n)
{
	size_t i = 0;
	if (n >= 3 && to_lower(t[0]) == 'e' && to_lower(t[1]) == 'x' && to_lower(t[2]) == 't') {
		i = 3;
		if (i < n && t[i] == '.')
			i++;
	} else if (n >= 1 && to_lower(t[0]) == 'x') {
		i = 1;
	} else {
		return FIELD_PHONE_CHAR;
	}
	while (i < n && t[i] == ' ')
		i++;
	size_t digits = n - i;
	if (digits == 0 || digits > PHONE_EXT_DIGITS_MAX)
		return FIELD_PHONE_EXT;
	for (; i < n; i++)
		if (!is_digit(t[i]))
			return FIELD_PHONE_EXT;
	return FIELD_OK;
}

enum field_result field_phone(const char *s, char out[static FIELD_PHONE_MAX])
{
	const char *t;
	size_t n;
	enum field_result r = start(s, out, &t, &n);
	if (r)
		return r;
	for (size_t i = 0; i < n;) {
		int len = utf8_seq_len((const unsigned char *)t + i, n - i);
		if (len > 1 && fullwidth_phone_char(utf8_decode((const unsigned char *)t + i, len)))
			return FIELD_PHONE_FULLWIDTH;
		i += (size_t)len;
	}
	if (n > PHONE_LEN_MAX)
		return FIELD_PHONE_TOO_LONG;

	bool plus = t[0] == '+', in_paren = false, paren_digit = false;
	int digits = 0;
	size_t i = plus ? 1 : 0;
	for (; i < n; i++) {
		char c = t[i];
		if (is_digit(c)) {
			/* Country codes never start with 0; without one, only a
			 * domestic number (trunk prefix 0) is unambiguous. */
			if (digits == 0 && (plus ? c == '0' : c != '0'))
				return FIELD_PHONE_START;
			digits++;
			paren_digit = true;
		} else if (c == '(') {
			if (in_paren)
				return FIELD_PHONE_PAREN;
			in_paren = true;
			paren_digit = false;
		} else if (c == ')') {
			if (!in_paren || !paren_digit)
				return FIELD_PHONE_PAREN;
			in_paren = false;
		} else if (c == 'e' || c == 'E' || c == 'x' || c == 'X') {
			break;
		} else if (c != ' ' && c != '-') {
			return FIELD_PHONE_CHAR;
		}
	}
	if (in_paren)
		return FIELD_PHONE_PAREN;
	if (i < n && (r = check_extension(t + i, n - i)) != FIELD_OK)
		return r;
	if (digits < PHONE_DIGITS_MIN)
		return FIELD_PHONE_FEW_DIGITS;
	if (digits > PHONE_DIGITS_MAX)
		return FIELD_PHONE_MANY_DIGITS;
	memcpy(out, t, n);
	out[n] = '\0';
	return FIELD_OK;
}

/* --- Web addresses ------------------------------------------------------ */

/* RFC 3986 pchar besides %-escapes: unreserved, sub-delims, ':' and '@'. */
static bool url_pchar(char c)
{
	return is_alpha(c) || is_digit(c) || (c && strchr("-._~!$&'()*+,;=:@", c));
}

/* The host (and port) between "//" and the path: N bytes at T. */
static enum field_result url_authority(const char *t, size_t n, bool https, struct sink *o)
{
	if (memchr(t, '@', n))
		return FIELD_URL_USERINFO;
	size_t host_end;
	if (n > 0 && t[0] == '[') {
		const char *close = memchr(t, ']', n);
		if (!close)
			return FIELD_URL_HOST;
		size_t len = (size_t)(close - t) - 1;
		if (memchr(t + 1, '%', len))
			return FIELD_IP_ZONE_ID;
		uint8_t a[16];
		enum field_result r = ip_parse6(t + 1, len, a);
		if (r == FIELD_CIDR_SYNTAX)
			return FIELD_URL_HOST;
		if (r)
			return r;
		sink_addc(o, '[');
		add_ipv6(o, a, true);
		sink_addc(o, ']');
		host_end = len + 2;
		if (host_end < n && t[host_end] != ':')
			return FIELD_URL_HOST;
	} else {
		const char *colon = memchr(t, ':', n);
		host_end = colon ? (size_t)(colon - t) : n;
		if (host_end == 0)
			return FIELD_URL_HOST;
		/* Digits and dots only: an IPv4 address, never a domain. */
		size_t k = 0;
		while (k < host_end && (is_digit(t[k]) || t[k] == '.'))
			k++;
		if (k == host_end) {
			uint8_t a[4];
			enum field_result r = ip_parse4(t, host_end, a);
			if (r == FIELD_CIDR_SYNTAX)
				return FIELD_URL_HOST;
			if (r)
				return r;
			add_ipv4(o, a);
		} else {
			enum field_result r = check_domain(t, host_end, false, o);
			if (r)
				return r;
		}
	}
	if (host_end == n)
		return FIELD_OK;

	const char *p = t + host_end + 1;
	size_t plen = n - host_end - 1;
	if (plen == 0 || plen > 5 || p[0] == '0')
		return FIELD_URL_PORT;
	unsigned port = 0;
	for (size_t i = 0; i < plen; i++) {
		if (!is_digit(p[i]))
			return FIELD_URL_PORT;
		port = port * 10 + (unsigned)(p[i] - '0');
	}
	if (port > 65535)
		return FIELD_URL_PORT;
	if (port != (https ? 443u : 80u)) {
		sink_addc(o, ':');
		sink_add(o, p, plen);
	}
	return FIELD_OK;
}

/* Path, query and fragment: N bytes at T, copied with %-escapes in
 * uppercase. */
static enum field_result url_rest(const char *t, size_t n, struct sink *o)
{
	enum { PATH, QUERY, FRAGMENT } part = PATH;
	if (n == 0 || t[0] != '/')
		sink_addc(o, '/');
	for (size_t i = 0; i < n; i++) {
		char c = t[i];
		if (c == '%') {
			if (n - i < 3 || !is_hex(t[i + 1]) || !is_hex(t[i + 2]))
				return FIELD_URL_PERCENT;
			char esc[3] = {'%', to_upper(t[i + 1]), to_upper(t[i + 2])};
			sink_add(o, esc, 3);
			i += 2;
			continue;
		}
		if (c == '#' && part != FRAGMENT)
			part = FRAGMENT;
		else if (c == '?' && part == PATH)
			part = QUERY;
		else if (!url_pchar(c) && c != '/' && !(c == '?' && part != PATH))
			return FIELD_URL_CHAR;
		sink_addc(o, c);
	}
	return FIELD_OK;
}

enum field_result field_url(const char *s, char out[static FIELD_URL_MAX])
{
	const char *t;
	size_t n;
	enum field_result r = start(s, out, &t, &n);
	if (r)
		return r;
	if (n > URL_LEN_MAX)
		return FIELD_URL_TOO_LONG;

	/* scheme "://": anything else before "://" is not a scheme at all. */
	const char *sep = memmem(t, n, "://", 3);
	size_t slen = sep ? (size_t)(sep - t) : 0;
	if (slen == 0 || !is_alpha(t[0]))
		return FIELD_URL_NO_SCHEME;
	for (size_t i = 0; i < slen; i++)
		if (!is_alpha(t[i]) && !is_digit(t[i]) && !strchr("+-.", t[i]))
			return FIELD_URL_NO_SCHEME;
	bool https = slen == 5 && strncasecmp(t, "https", 5) == 0;
	if (!https && !(slen == 4 && strncasecmp(t, "http", 4) == 0))
		return FIELD_URL_SCHEME;

	const char *auth = sep + 3, *end = t + n;
	size_t alen = strcspn(auth, "/?#");
	if (alen > (size_t)(end - auth))
		alen = (size_t)(end - auth);
	struct sink o = {out, 0, FIELD_URL_MAX};
	sink_add(&o, https ? "https://" : "http://", https ? 8 : 7);
	if ((r = url_authority(auth, alen, https, &o)) != FIELD_OK ||
	    (r = url_rest(auth + alen, (size_t)(end - auth) - alen, &o)) != FIELD_OK) {
		out[0] = '\0';
		return r;
	}
	/* Only a few characters longer than the text (a "/", an IPv6 literal
	 * in mixed form), so this is rare, but OUT keeps the promise. */
	if (o.len > URL_LEN_MAX || !sink_end(&o)) {
		out[0] = '\0';
		return FIELD_URL_TOO_LONG;
	}
	return FIELD_OK;
}

/* --- Time zones --------------------------------------------------------- */

/* What people write instead of a zone name, and the zone they most likely
 * mean. An abbreviation not listed gets Asia/Tokyo as the example, this
 * being a Japanese association. */
static const struct {
	const char *abbrev;
	const char *zone;
} tz_abbrevs[] = {
	{"JST", "Asia/Tokyo"}, {"KST", "Asia/Seoul"}, {"ROK", "Asia/Seoul"},
	{"PRC", "Asia/Shanghai"}, {"ROC", "Asia/Taipei"}, {"HKT", "Asia/Hong_Kong"},
	{"SGT", "Asia/Singapore"}, {"ICT", "Asia/Bangkok"}, {"WIB", "Asia/Jakarta"},
	{"AEST", "Australia/Sydney"}, {"AEDT", "Australia/Sydney"},
	{"NZ", "Pacific/Auckland"}, {"NZST", "Pacific/Auckland"}, {"NZDT", "Pacific/Auckland"},
	{"NZ-CHAT", "Pacific/Chatham"}, {"HST", "Pacific/Honolulu"},
	{"GMT", "UTC"}, {"GMT0", "UTC"}, {"GMT+0", "UTC"}, {"GMT-0", "UTC"}, {"UCT", "UTC"}, {"Z", "UTC"},
	{"GB", "Europe/London"}, {"BST", "Europe/London"}, {"WET", "Europe/Lisbon"},
	{"CET", "Europe/Paris"}, {"CEST", "Europe/Paris"}, {"MET", "Europe/Paris"},
	{"EET", "Europe/Helsinki"}, {"EEST", "Europe/Helsinki"}, {"W-SU", "Europe/Moscow"}, {"MSK", "Europe/Moscow"},
	{"EST", "America/New_York"}, {"EDT", "America/New_York"}, {"EST5EDT", "America/New_York"},
	{"CST6CDT", "America/Chicago"}, {"CDT", "America/Chicago"},
	{"MST", "America/Denver"}, {"MDT", "America/Denver"}, {"MST7MDT", "America/Denver"},
	{"PST", "America/Los_Angeles"}, {"PDT", "America/Los_Angeles"}, {"PST8PDT", "America/Los_Angeles"},
};

/* Files in zoneinfo that clock_tz_valid finds but no one should store:
 * the machine's own zone, the template for POSIX TZ strings, the zone of
 * "not configured". */
static const char *const tz_not_zones[] = {"localtime", "posixrules", "Factory"};

/* "JST", "EST5EDT", "GMT+0": no '/', no lowercase letter. */
static bool tz_abbrev_shaped(const char *name)
{
	if (!(name[0] >= 'A' && name[0] <= 'Z') || strchr(name, '/'))
		return false;
	for (const char *p = name; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			return false;
	return true;
}

/* A compiled zone starts with "TZif" (tzfile(5)); "leapseconds" does not. */
static bool tzif(const char *name)
{
	char path[96], magic[4];
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = read(fd, magic, 4) == 4 && memcmp(magic, "TZif", 4) == 0;
	close(fd);
	return ok;
}

static enum field_result check_tz(const char *name, char *out)
{
	static const char *const variants[] = {"posix/", "right/"};
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		size_t len = strlen(variants[i]);
		if (strncmp(name, variants[i], len) == 0) {
			enum field_result r = check_tz(name + len, out);
			return r == FIELD_OK ? FIELD_TZ_VARIANT : r;
		}
	}
	if (strcmp(name, "UTC") != 0 && tz_abbrev_shaped(name)) {
		const char *zone = "Asia/Tokyo";
		for (size_t i = 0; i < sizeof(tz_abbrevs) / sizeof(tz_abbrevs[0]); i++)
			if (strcmp(name, tz_abbrevs[i].abbrev) == 0)
				zone = tz_abbrevs[i].zone;
		snprintf(out, FIELD_TZ_MAX, "%s", zone);
		return FIELD_TZ_ABBREV;
	}
	for (size_t i = 0; i < sizeof(tz_not_zones) / sizeof(tz_not_zones[0]); i++)
		if (strcmp(name, tz_not_zones[i]) == 0)
			return FIELD_TZ_UNKNOWN;
	if (!clock_tz_valid(name) || (strcmp(name, "UTC") != 0 && !tzif(name)))
		return FIELD_TZ_UNKNOWN;
	snprintf(out, FIELD_TZ_MAX, "%s", name);
	return FIELD_OK;
}

enum field_result field_tz(const char *s, char out[static FIELD_TZ_MAX])
{
	const char *t;
	size_t n;
	enum field_result r = start(s, out, &t, &n);
	if (r)
		return r;
	if (n > TZ_NAME_MAX)
		return FIELD_TZ_UNKNOWN;
	char name[TZ_NAME_MAX + 1];
	memcpy(name, t, n);
	name[n] = '\0';
	return check_tz(name, out);
}

/* --- Dates -------------------------------------------------------------- */

enum field_result field_date(const char *s, char out[static FIELD_DATE_MAX])
{
	const char *t;
	size_t n;
	enum field_result r = start(s, out, &t, &n);
	if (r)
		return r;
	if (n != 10 || t[4] != '-' || t[7] != '-')
		return FIELD_DATE_SYNTAX;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !is_digit(t[i]))
			return FIELD_DATE_SYNTAX;
	int y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
	int m = (t[5] - '0') * 10 + (t[6] - '0');
	int d = (t[8] - '0') * 10 + (t[9] - '0');
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
		return FIELD_DATE_NO_SUCH_DAY;
	if (y < 1900 || y > 2100)
		return FIELD_DATE_RANGE;
	memcpy(out, t, 10);
	out[10] = '\0';
	return FIELD_OK;
}

/* --- Countries ---------------------------------------------------------- */

/* ISO 3166-1 alpha-2, the 249 assigned codes, sorted (from tzdata's
 * iso3166.tab, which matches iso-codes' iso_3166-1.json). Reserved codes
 * such as UK, EU or XK are not countries here. */
static const char countries[] =
	"ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBY"
	"BZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFK"
	"FMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIR"
	"ISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMK"
	"MLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPM"
	"PNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTF"
	"TGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW";

enum field_result field_country(const char *s, char out[static FIELD_COUNTRY_MAX])
{
	const char *t;
	size_t n;
	enum field_result r = start(s, out, &t, &n);
	if (r)
		return r;
	if (n != 2 || !is_alpha(t[0]) || !is_alpha(t[1]))
		return FIELD_COUNTRY_SYNTAX;
	char cc[2] = {to_upper(t[0]), to_upper(t[1])};
	for (size_t i = 0; i + 1 < sizeof(countries); i += 2) {
		if (countries[i] == cc[0] && countries[i + 1] == cc[1]) {
			memcpy(out, cc, 2);
			out[2] = '\0';
			return FIELD_OK;
		}
	}
	return FIELD_COUNTRY_UNKNOWN;
}

/* --- Free text ---------------------------------------------------------- */

enum field_result field_text(const char *s, size_t max_chars, bool multiline)
{
	if (!s)
		return FIELD_OK;
	size_t n = strlen(s), chars = 0;
	if (!utf8_valid(s, n))
		return FIELD_BAD_UTF8;
	for (size_t i = 0; i < n; chars++) {
		const unsigned char *p = (const unsigned char *)s + i;
		int len = utf8_seq_len(p, n - i);
		uint32_t c = utf8_decode(p, len);
		bool line = c == '\n' || c == '\r' || c == '\t';
		if ((c < 0x20 && !(multiline && line)) || (c >= 0x7F && c <= 0x9F))
			return FIELD_TEXT_CONTROL;
		i += (size_t)len;
	}
	return chars > max_chars ? FIELD_TEXT_TOO_LONG : FIELD_OK;
}

/* --- Messages ----------------------------------------------------------- */

static const char *const err_keys[FIELD__COUNT] = {
	[FIELD_OK] = "dir.err.ok",
	[FIELD_EMPTY] = "dir.err.empty",
	[FIELD_BAD_UTF8] = "dir.err.bad_utf8",
	[FIELD_CIDR_SYNTAX] = "dir.err.cidr_syntax",
	[FIELD_CIDR_PREFIX] = "dir.err.cidr_prefix",
	[FIELD_CIDR_HOST_BITS] = "dir.err.cidr_host_bits",
	[FIELD_IP_LEADING_ZERO] = "dir.err.ip_leading_zero",
	[FIELD_IP_ZONE_ID] = "dir.err.ip_zone_id",
	[FIELD_ASN_SYNTAX] = "dir.err.asn_syntax",
	[FIELD_ASN_ZERO] = "dir.err.asn_zero",
	[FIELD_ASN_TRANS] = "dir.err.asn_trans",
	[FIELD_ASN_RANGE] = "dir.err.asn_range",
	[FIELD_DOMAIN_CHAR] = "dir.err.domain_char",
	[FIELD_DOMAIN_UNDERSCORE] = "dir.err.domain_underscore",
	[FIELD_IDN_NOT_PUNYCODE] = "dir.err.idn_not_punycode",
	[FIELD_DOMAIN_TOO_LONG] = "dir.err.domain_too_long",
	[FIELD_DOMAIN_EMPTY_LABEL] = "dir.err.domain_empty_label",
	[FIELD_DOMAIN_LABEL_TOO_LONG] = "dir.err.domain_label_too_long",
	[FIELD_DOMAIN_HYPHEN] = "dir.err.domain_hyphen",
	[FIELD_DOMAIN_ONE_LABEL] = "dir.err.domain_one_label",
	[FIELD_DOMAIN_NUMERIC_TLD] = "dir.err.domain_numeric_tld",
	[FIELD_DOMAIN_WILDCARD] = "dir.err.domain_wildcard",
	[FIELD_DOMAIN_WILDCARD_PLACE] = "dir.err.domain_wildcard_place",
	[FIELD_EMAIL_SYNTAX] = "dir.err.email_syntax",
	[FIELD_EMAIL_LOCAL] = "dir.err.email_local",
	[FIELD_EMAIL_TOO_LONG] = "dir.err.email_too_long",
	[FIELD_PHONE_CHAR] = "dir.err.phone_char",
	[FIELD_PHONE_FULLWIDTH] = "dir.err.phone_fullwidth",
	[FIELD_PHONE_START] = "dir.err.phone_start",
	[FIELD_PHONE_PAREN] = "dir.err.phone_paren",
	[FIELD_PHONE_FEW_DIGITS] = "dir.err.phone_few_digits",
	[FIELD_PHONE_MANY_DIGITS] = "dir.err.phone_many_digits",
	[FIELD_PHONE_EXT] = "dir.err.phone_ext",
	[FIELD_PHONE_TOO_LONG] = "dir.err.phone_too_long",
	[FIELD_URL_TOO_LONG] = "dir.err.url_too_long",
	[FIELD_URL_NO_SCHEME] = "dir.err.url_no_scheme",
	[FIELD_URL_SCHEME] = "dir.err.url_scheme",
	[FIELD_URL_USERINFO] = "dir.err.url_userinfo",
	[FIELD_URL_HOST] = "dir.err.url_host",
	[FIELD_URL_PORT] = "dir.err.url_port",
	[FIELD_URL_CHAR] = "dir.err.url_char",
	[FIELD_URL_PERCENT] = "dir.err.url_percent",
	[FIELD_TZ_UNKNOWN] = "dir.err.tz_unknown",
	[FIELD_TZ_VARIANT] = "dir.err.tz_variant",
	[FIELD_TZ_ABBREV] = "dir.err.tz_abbrev",
	[FIELD_DATE_SYNTAX] = "dir.err.date_syntax",
	[FIELD_DATE_NO_SUCH_DAY] = "dir.err.date_no_such_day",
	[FIELD_DATE_RANGE] = "dir.err.date_range",
	[FIELD_COUNTRY_SYNTAX] = "dir.err.country_syntax",
	[FIELD_COUNTRY_UNKNOWN] = "dir.err.country_unknown",
	[FIELD_TEXT_CONTROL] = "dir.err.text_control",
	[FIELD_TEXT_TOO_LONG] = "dir.err.text_too_long",
};

const char *field_err_key(enum field_result r)
{
	if ((unsigned)r >= FIELD__COUNT || !err_keys[r])
		return "dir.err.unknown";
	return err_keys[r];
}
