/* Reading a query or a rule's text: decide whether it is an IPv4 or IPv6
 * address or prefix, an AS number or a domain name, and say precisely
 * what is wrong when it is none of them. The classification goes by the
 * characters present, so each bad input gets the error of the kind it
 * plainly tried to be:
 *   a ':'                            IPv6
 *   "AS" + digits ("AS1.10" asdot)   AS number
 *   digits only                      AS number
 *   digits and dots, or a '/'        IPv4
 *   anything else                    domain name */
#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>
#include "directory/route_index_int.h"

static const char *const messages[RINDEX_E__COUNT] = {
	[RINDEX_OK] = "ok",
	[RINDEX_EEMPTY] = "empty query",
	[RINDEX_EIPV4] = "malformed IPv4 address",
	[RINDEX_EIPV4_OCTET] = "bad IPv4 octet (above 255 or with a leading zero)",
	[RINDEX_EIPV6] = "malformed IPv6 address",
	[RINDEX_EPREFIX] = "prefix length missing or out of range",
	[RINDEX_EASN] = "AS number out of range",
	[RINDEX_EDOMAIN_LENGTH] = "domain name longer than 253 characters",
	[RINDEX_ELABEL_EMPTY] = "empty label in domain name",
	[RINDEX_ELABEL_LENGTH] = "label longer than 63 characters",
	[RINDEX_ELABEL_HYPHEN] = "label starts or ends with a hyphen",
	[RINDEX_ECHAR] = "invalid character (letters, digits, '-' and '.' only)",
	[RINDEX_ENONASCII] = "non-ASCII name: give an IDN in its xn-- form",
	[RINDEX_ENUMERIC_TLD] = "top-level label is all digits",
	[RINDEX_EWILDCARD] = "wildcard only as a rule's leading \"*.\"",
	[RINDEX_ETOOMANY] = "too many rules",
	[RINDEX_ENOMEM] = "out of memory",
};

const char *rindex_strerror(int e)
{
	if (e < 0 || e >= RINDEX_E__COUNT)
		return "unknown error";
	return messages[e];
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int rindex_v6_mapped(const uint8_t a[16], int len, uint32_t *v4, int *len4)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (len < 96 || memcmp(a, mapped, sizeof(mapped)) != 0)
		return 0;
	*v4 = (uint32_t)a[12] << 24 | (uint32_t)a[13] << 16 | (uint32_t)a[14] << 8 | a[15];
	*len4 = len - 96;
	return 1;
}

/* Decimal digits S[0..N) into *V, refusing values above MAX. Return 0,
 * -1 when not all digits or empty, -2 when too large. */
static int decimal(const char *s, size_t n, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		x = x * 10 + (uint64_t)(s[i] - '0');
		if (x > max)
			return -2;
	}
	*v = x;
	return 0;
}

/* "/len" after an address: no sign, no leading zero, at most MAX. */
static int prefix_len(const char *s, size_t n, int max, int *len)
{
	uint64_t v;
	if (n > 1 && s[0] == '0')
		return RINDEX_EPREFIX;
	if (decimal(s, n, (uint64_t)max, &v) < 0)
		return RINDEX_EPREFIX;
	*len = (int)v;
	return RINDEX_OK;
}

static int parse_asn(const char *s, size_t n, bool asdot, struct rindex_query *out)
{
	uint64_t v, lo;
	const char *dot = asdot ? memchr(s, '.', n) : NULL;
	out->kind = RINDEX_ASN;
	if (dot) {
		size_t hn = (size_t)(dot - s);
		if (decimal(s, hn, 65535, &v) < 0 || decimal(dot + 1, n - hn - 1, 65535, &lo) < 0)
			return RINDEX_EASN;
		out->asn = (uint32_t)(v << 16 | lo);
		return RINDEX_OK;
	}
	if (n > 10 || decimal(s, n, UINT32_MAX, &v) < 0)
		return RINDEX_EASN;
	out->asn = (uint32_t)v;
	return RINDEX_OK;
}

static int parse_ipv4(const char *s, size_t n, struct rindex_query *out)
{
	const char *slash = memchr(s, '/', n);
	size_t an = slash ? (size_t)(slash - s) : n;
	uint32_t a = 0;
	int parts = 0, len = 32;
	for (size_t i = 0; i <= an; parts++) {
		size_t j = i;
		while (j < an && is_digit(s[j]))
			j++;
		if (j == i || parts == 4 || (j < an && s[j] != '.'))
			return RINDEX_EIPV4;
		uint64_t v;
		if ((j - i > 1 && s[i] == '0') || decimal(s + i, j - i, 255, &v) < 0)
			return RINDEX_EIPV4_OCTET;
		a = a << 8 | (uint32_t)v;
		i = j + 1;
	}
	if (parts != 4)
		return RINDEX_EIPV4;
	if (slash && prefix_len(slash + 1, n - an - 1, 32, &len))
		return RINDEX_EPREFIX;
	out->kind = RINDEX_IPV4;
	out->prefixlen = len;
	out->v4 = a & (uint32_t)~rindex_host_mask(len, 32);
	return RINDEX_OK;
}

static int parse_ipv6(const char *s, size_t n, struct rindex_query *out)
{
	const char *slash = memchr(s, '/', n);
	size_t an = slash ? (size_t)(slash - s) : n;
	char text[INET6_ADDRSTRLEN];
	uint8_t a[16];
	int len = 128;
	if (an >= sizeof(text))
		return RINDEX_EIPV6;
	memcpy(text, s, an);
	text[an] = '\0';
	if (inet_pton(AF_INET6, text, a) != 1)
		return RINDEX_EIPV6;
	if (slash && prefix_len(slash + 1, n - an - 1, 128, &len))
		return RINDEX_EPREFIX;
	if (rindex_v6_mapped(a, len, &out->v4, &out->prefixlen)) {
		out->kind = RINDEX_IPV4;
		out->v4 &= (uint32_t)~rindex_host_mask(out->prefixlen, 32);
		return RINDEX_OK;
	}
	for (int i = 0; i < 16; i++) {
		int keep = len - 8 * i;
		a[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
	}
	out->kind = RINDEX_IPV6;
	out->prefixlen = len;
	memcpy(out->v6, a, 16);
	return RINDEX_OK;
}

/* Check and normalise the name S[0..LEN) into OUT (kind, name, namelen,
 * wildcard). A leading "*." is allowed when ALLOW_WILD. */
int rindex_parse_domain(const char *s, size_t len, bool allow_wild, struct rindex_query *out)
{
	size_t start = 0;
	bool digits = true;
	out->kind = RINDEX_DOMAIN;
	out->wildcard = false;
	if (len && s[len - 1] == '.')
		len--;
	if (len >= 2 && s[0] == '*' && s[1] == '.') {
		if (!allow_wild)
			return RINDEX_EWILDCARD;
		out->wildcard = true;
		s += 2;
		len -= 2;
	}
	if (len > RINDEX_NAME_MAX)
		return RINDEX_EDOMAIN_LENGTH;
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = i < len ? (unsigned char)s[i] : '.';
		if (c == '.') {
			if (i == start)
				return RINDEX_ELABEL_EMPTY;
			if (out->name[i - 1] == '-')
				return RINDEX_ELABEL_HYPHEN;
			if (i == len && digits)
				return RINDEX_ENUMERIC_TLD;
			start = i + 1;
			digits = true;
			out->name[i] = '.';
			continue;
		}
		if (i - start == RINDEX_LABEL_MAX)
			return RINDEX_ELABEL_LENGTH;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (c == '-' && i == start)
			return RINDEX_ELABEL_HYPHEN;
		if (c == '*')
			return RINDEX_EWILDCARD;
		if (c >= 0x80)
			return RINDEX_ENONASCII;
		if (!(c >= 'a' && c <= 'z') && !is_digit((char)c) && c != '-')
			return RINDEX_ECHAR;
		digits = digits && is_digit((char)c);
		out->name[i] = (char)c;
	}
	out->name[len] = '\0';
	out->namelen = len;
	return RINDEX_OK;
}

static int parse(const char *q, bool rule, struct rindex_query *out)
{
	size_t n;
	bool only_digits = true, digits_dots = true, only_dots = true;
	memset(out, 0, offsetof(struct rindex_query, name));
	out->name[0] = '\0';
	while (is_space(*q))
		q++;
	n = strlen(q);
	while (n && is_space(q[n - 1]))
		n--;
	if (!n)
		return RINDEX_EEMPTY;
	for (size_t i = 0; i < n; i++) {
		only_digits = only_digits && is_digit(q[i]);
		digits_dots = digits_dots && (is_digit(q[i]) || q[i] == '.');
		only_dots = only_dots && q[i] == '.';
	}
	if (memchr(q, ':', n))
		return parse_ipv6(q, n, out);
	if (n > 2 && (q[0] | 0x20) == 'a' && (q[1] | 0x20) == 's' && is_digit(q[2])) {
		size_t i = 2, dots = 0;
		for (; i < n && (is_digit(q[i]) || q[i] == '.'); i++)
			dots += q[i] == '.';
		if (i == n && dots <= 1 && q[n - 1] != '.')
			return parse_asn(q + 2, n - 2, true, out);
	}
	if (only_digits)
		return parse_asn(q, n, false, out);
	if ((digits_dots && !only_dots) || memchr(q, '/', n))
		return parse_ipv4(q, n, out);
	return rindex_parse_domain(q, n, rule, out);
}

int rindex_parse_query(const char *q, struct rindex_query *out)
{
	return parse(q, false, out);
}

int rindex_parse_rule(const char *text, struct rindex_query *out)
{
	return parse(text, true, out);
}
