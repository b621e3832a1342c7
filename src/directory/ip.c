/* IP address text (see ip.h): parsing that names the mistake, and the
 * RFC 5952 form the directory stores. */
#include "directory/ip.h"
#include <stdio.h>
#include <string.h>

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned hex_value(char c)
{
	return is_digit(c) ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

enum field_result ip_parse4(const char *s, size_t n, uint8_t a[static 4])
{
	bool leading_zero = false;
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		if (part > 0) {
			if (i == n || s[i] != '.')
				return FIELD_CIDR_SYNTAX;
			i++;
		}
		size_t from = i;
		unsigned v = 0;
		while (i < n && is_digit(s[i]) && i - from < 3)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == from || v > 255 || (i < n && is_digit(s[i])))
			return FIELD_CIDR_SYNTAX;
		if (i - from > 1 && s[from] == '0')
			leading_zero = true;
		a[part] = (uint8_t)v;
	}
	if (i != n)
		return FIELD_CIDR_SYNTAX;
	return leading_zero ? FIELD_IP_LEADING_ZERO : FIELD_OK;
}

enum field_result ip_parse6(const char *s, size_t n, uint8_t a[static 16])
{
	unsigned w[8];
	int nw = 0, gap = -1;
	size_t i = 0;
	enum field_result tail = FIELD_OK;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (n == 0 || s[0] == ':') {
		return FIELD_CIDR_SYNTAX;
	}
	while (i < n) {
		size_t from = i;
		unsigned v = 0;
		while (i < n && is_hex(s[i]) && i - from < 5)
			v = v * 16 + hex_value(s[i++]);
		if (i < n && s[i] == '.') {
			uint8_t q[4];
			if (nw > 6)
				return FIELD_CIDR_SYNTAX;
			tail = ip_parse4(s + from, n - from, q);
			if (tail != FIELD_OK && tail != FIELD_IP_LEADING_ZERO)
				return tail;
			w[nw++] = (unsigned)q[0] << 8 | q[1];
			w[nw++] = (unsigned)q[2] << 8 | q[3];
			break;
		}
		if (i == from || i - from > 4 || nw == 8)
			return FIELD_CIDR_SYNTAX;
		w[nw++] = v;
		if (i == n)
			break;
		if (s[i++] != ':' || i == n)
			return FIELD_CIDR_SYNTAX;
		if (s[i] == ':') {
			if (gap >= 0)
				return FIELD_CIDR_SYNTAX;
			gap = nw;
			i++;
		}
	}
	if (gap < 0 ? nw != 8 : nw > 7)
		return FIELD_CIDR_SYNTAX;
	memset(a, 0, 16);
	for (int k = 0; k < nw; k++) {
		int pos = gap >= 0 && k >= gap ? 8 - (nw - gap) + (k - gap) : k;
		a[2 * pos] = (uint8_t)(w[k] >> 8);
		a[2 * pos + 1] = (uint8_t)w[k];
	}
	return tail;
}

bool ip_v4_mapped(const uint8_t a[static 16])
{
	static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

size_t ip_format4(const uint8_t a[static 4], char out[static IP_TEXT_MAX])
{
	return (size_t)snprintf(out, IP_TEXT_MAX, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

size_t ip_format6(const uint8_t a[static 16], bool mixed, char out[static IP_TEXT_MAX])
{
	if (mixed && ip_v4_mapped(a)) {
		char v4[IP_TEXT_MAX];
		ip_format4(a + 12, v4);
		return (size_t)snprintf(out, IP_TEXT_MAX, "::ffff:%s", v4);
	}
	unsigned w[8];
	int best = -1, best_len = 1;
	for (int i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	for (int i = 0; i < 8;) {
		int j = i;
		while (j < 8 && w[j] == 0)
			j++;
		if (j - i > best_len) {
			best = i;
			best_len = j - i;
		}
		i = j > i ? j : i + 1;
	}
	/* At most 8 groups of "xxxx:" (40 bytes), so N stays below IP_TEXT_MAX. */
	size_t n = 0;
	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best) {
				memcpy(out + n, "::", 2);
				n += 2;
			}
			continue;
		}
		if (i > 0 && i != best + best_len)
			out[n++] = ':';
		n += (size_t)snprintf(out + n, IP_TEXT_MAX - n, "%x", w[i]);
	}
	out[n] = '\0';
	return n;
}
