/* The team directory's field validators, as a specification: for each kind
 * of field, what is accepted and how it is stored, and each way of getting
 * it wrong with the code (and so the message) the user sees. Every
 * canonical form and every suggestion is checked to be valid itself. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/i18n.h"
#include "directory/fields.h"

/* One row: the input, the code, and what OUT holds then (the canonical
 * form, a suggestion, or "" when OUT is NULL here). */
struct field_case {
	const char *in;
	enum field_result want;
	const char *out;
};

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

static void check_one(const char *name, validator v, const struct field_case *c)
{
	char out[FIELD_URL_MAX], again[FIELD_URL_MAX];
	memset(out, 'x', sizeof(out));
	enum field_result r = v(c->in, out);
	const char *want_out = c->out ? c->out : "";
	if (r != c->want || strcmp(out, want_out) != 0)
		fail_msg("%s(\"%s\"): got %s \"%s\", want %s \"%s\"", name, c->in ? c->in : "(null)", field_err_key(r),
		         out, field_err_key(c->want), want_out);
	/* What is stored, or offered, passes as it is. */
	if (r == FIELD_OK || has_suggestion(r)) {
		enum field_result r2 = v(out, again);
		if (r2 != FIELD_OK || strcmp(again, out) != 0)
			fail_msg("%s(\"%s\") is not a fixed point: %s \"%s\"", name, out, field_err_key(r2), again);
	}
}

#define CHECK_ALL(v, cases) \
	do { \
		for (size_t i_ = 0; i_ < sizeof(cases) / sizeof(cases[0]); i_++) \
			check_one(#v, v, &cases[i_]); \
	} while (0)

/* --- field_cidr --------------------------------------------------------- */

static void cidr_accepts_networks_and_stores_them_canonically(void **state)
{
	static const struct field_case cases[] = {
		{"192.0.2.0/24", FIELD_OK, "192.0.2.0/24"},
		{" 192.0.2.0/24\n", FIELD_OK, "192.0.2.0/24"},
		{"10.0.0.0/8", FIELD_OK, "10.0.0.0/8"},
		{"192.0.2.128/25", FIELD_OK, "192.0.2.128/25"},
		{"255.255.255.255/32", FIELD_OK, "255.255.255.255/32"},
		{"0.0.0.0/0", FIELD_OK, "0.0.0.0/0"},
		/* A bare address is one host. */
		{"192.0.2.1", FIELD_OK, "192.0.2.1/32"},
		{"0.0.0.0", FIELD_OK, "0.0.0.0/32"},
		/* IPv6 in RFC 5952 form: lowercase, no leading zeros, the longest
		 * run of zero groups (the first of equals) as "::", never one. */
		{"2001:db8::/32", FIELD_OK, "2001:db8::/32"},
		{"2001:DB8::/32", FIELD_OK, "2001:db8::/32"},
		{"2001:0db8:0000:0000:0000:0000:0000:0000/32", FIELD_OK, "2001:db8::/32"},
		{"2001:db8::1", FIELD_OK, "2001:db8::1/128"},
		{"2001:db8:0:0:1:0:0:1", FIELD_OK, "2001:db8::1:0:0:1/128"},
		{"2001:0:0:1:0:0:0:1", FIELD_OK, "2001:0:0:1::1/128"},
		{"2001:db8:0:1:1:1:1:1", FIELD_OK, "2001:db8:0:1:1:1:1:1/128"},
		{"1:2:3:4:5:6:7::", FIELD_OK, "1:2:3:4:5:6:7:0/128"},
		{"::2:3:4:5:6:7:8", FIELD_OK, "0:2:3:4:5:6:7:8/128"},
		{"::", FIELD_OK, "::/128"},
		{"::/0", FIELD_OK, "::/0"},
		{"::1", FIELD_OK, "::1/128"},
		{"fe80::/10", FIELD_OK, "fe80::/10"},
		{"1:2:3:4:5:6:1.2.3.4", FIELD_OK, "1:2:3:4:5:6:102:304/128"},
		{"64:ff9b::192.0.2.1", FIELD_OK, "64:ff9b::c000:201/128"},
		/* IPv4-mapped IPv6 is stored as the IPv4 it is. */
		{"::ffff:192.0.2.0/120", FIELD_OK, "192.0.2.0/24"},
		{"::ffff:192.0.2.1", FIELD_OK, "192.0.2.1/32"},
		{"::FFFF:c000:0201", FIELD_OK, "192.0.2.1/32"},
		{"::ffff:0:0/96", FIELD_OK, "0.0.0.0/0"},
	};
	CHECK_ALL(field_cidr, cases);
}

static void cidr_with_host_bits_suggests_the_network(void **state)
{
	static const struct field_case cases[] = {
		{"192.0.2.1/24", FIELD_CIDR_HOST_BITS, "192.0.2.0/24"},
		{"10.1.2.3/8", FIELD_CIDR_HOST_BITS, "10.0.0.0/8"},
		{"192.0.2.129/25", FIELD_CIDR_HOST_BITS, "192.0.2.128/25"},
		{"192.0.2.1/0", FIELD_CIDR_HOST_BITS, "0.0.0.0/0"},
		{"2001:db8::1/32", FIELD_CIDR_HOST_BITS, "2001:db8::/32"},
		{"2001:db8:ffff::/33", FIELD_CIDR_HOST_BITS, "2001:db8:8000::/33"},
		{"::ffff:192.0.2.1/120", FIELD_CIDR_HOST_BITS, "192.0.2.0/24"},
		/* Shorter than /96 it is an IPv6 network like any other. */
		{"::ffff:0:0/95", FIELD_CIDR_HOST_BITS, "::fffe:0:0/95"},
	};
	CHECK_ALL(field_cidr, cases);
}

static void cidr_refuses_each_mistake_with_its_own_code(void **state)
{
	static const struct field_case cases[] = {
		{NULL, FIELD_EMPTY, NULL},
		{"", FIELD_EMPTY, NULL},
		{" \t ", FIELD_EMPTY, NULL},
		{"192.0.2.0/24\xff", FIELD_BAD_UTF8, NULL},
		{"192.0.2.0/33", FIELD_CIDR_PREFIX, NULL},
		{"2001:db8::/129", FIELD_CIDR_PREFIX, NULL},
		{"192.0.2.0/", FIELD_CIDR_PREFIX, NULL},
		{"192.0.2.0/024", FIELD_CIDR_PREFIX, NULL},
		{"192.0.2.0/-1", FIELD_CIDR_PREFIX, NULL},
		{"192.0.2.0/+24", FIELD_CIDR_PREFIX, NULL},
		{"192.0.2.0/24/24", FIELD_CIDR_PREFIX, NULL},
		{"192.0.2.0/1000", FIELD_CIDR_PREFIX, NULL},
		/* 010 is 8 to inet_aton and 10 to a person. */
		{"192.0.2.010", FIELD_IP_LEADING_ZERO, NULL},
		{"192.000.2.0/24", FIELD_IP_LEADING_ZERO, NULL},
		{"::ffff:192.0.2.01", FIELD_IP_LEADING_ZERO, NULL},
		{"fe80::1%eth0", FIELD_IP_ZONE_ID, NULL},
		{"fe80::1%eth0/64", FIELD_IP_ZONE_ID, NULL},
		/* Short forms, out-of-range numbers, anything else. */
		{"192.0.2/24", FIELD_CIDR_SYNTAX, NULL},
		{"10/8", FIELD_CIDR_SYNTAX, NULL},
		{"192.0.2.256", FIELD_CIDR_SYNTAX, NULL},
		{"192.0.2.0.1", FIELD_CIDR_SYNTAX, NULL},
		{"192.0.2.0 /24", FIELD_CIDR_SYNTAX, NULL},
		{"0x7f.0.0.1", FIELD_CIDR_SYNTAX, NULL},
		{"[2001:db8::]/32", FIELD_CIDR_SYNTAX, NULL},
		{"2001:db8:::/32", FIELD_CIDR_SYNTAX, NULL},
		{"1::2::3", FIELD_CIDR_SYNTAX, NULL},
		{":1::", FIELD_CIDR_SYNTAX, NULL},
		{"1::", FIELD_OK, "1::/128"},
		{"1:", FIELD_CIDR_SYNTAX, NULL},
		{"1:2:3:4:5:6:7", FIELD_CIDR_SYNTAX, NULL},
		{"1:2:3:4:5:6:7:8:9", FIELD_CIDR_SYNTAX, NULL},
		{"1:2:3:4:5:6:7:8::", FIELD_CIDR_SYNTAX, NULL},
		{"1:2:3:4:5:6:7::8", FIELD_CIDR_SYNTAX, NULL},
		{"1:2:3:4:5:6:7:1.2.3.4", FIELD_CIDR_SYNTAX, NULL},
		{"::1.2.3.4:5", FIELD_CIDR_SYNTAX, NULL},
		{"12345::", FIELD_CIDR_SYNTAX, NULL},
		{"2001:db8::g", FIELD_CIDR_SYNTAX, NULL},
		{"example.jp", FIELD_CIDR_SYNTAX, NULL},
	};
	CHECK_ALL(field_cidr, cases);
}

/* --- field_asn ---------------------------------------------------------- */

static void asn_accepts_asplain_with_or_without_as(void **state)
{
	static const struct field_case cases[] = {
		{"AS64500", FIELD_OK, "AS64500"},
		{"as64500", FIELD_OK, "AS64500"},
		{"As64500", FIELD_OK, "AS64500"},
		{"64500", FIELD_OK, "AS64500"},
		{" AS13335 ", FIELD_OK, "AS13335"},
		{"1", FIELD_OK, "AS1"},
		{"4294967295", FIELD_OK, "AS4294967295"},
		/* Private use and documentation numbers are members' business. */
		{"AS64512", FIELD_OK, "AS64512"},
		{"AS65534", FIELD_OK, "AS65534"},
		{"AS4200000000", FIELD_OK, "AS4200000000"},
		{"AS64496", FIELD_OK, "AS64496"},
		{"AS65536", FIELD_OK, "AS65536"},
		{"AS65535", FIELD_OK, "AS65535"},
	};
	CHECK_ALL(field_asn, cases);
}

static void asn_refuses_each_mistake_with_its_own_code(void **state)
{
	static const struct field_case cases[] = {
		{"", FIELD_EMPTY, NULL},
		{"AS64500\xc3", FIELD_BAD_UTF8, NULL},
		{"AS", FIELD_ASN_SYNTAX, NULL},
		{"AS 64500", FIELD_ASN_SYNTAX, NULL},
		{"AS-64500", FIELD_ASN_SYNTAX, NULL},
		{"ASN64500", FIELD_ASN_SYNTAX, NULL},
		{"+64500", FIELD_ASN_SYNTAX, NULL},
		{"064500", FIELD_ASN_SYNTAX, NULL},
		{"00", FIELD_ASN_SYNTAX, NULL},
		/* asdot, or a thousands separator? Neither is guessed. */
		{"AS1.10", FIELD_ASN_SYNTAX, NULL},
		{"64.500", FIELD_ASN_SYNTAX, NULL},
		{"64,500", FIELD_ASN_SYNTAX, NULL},
		{"６４５００", FIELD_ASN_SYNTAX, NULL},
		{"0", FIELD_ASN_ZERO, NULL},
		{"AS0", FIELD_ASN_ZERO, NULL},
		{"AS23456", FIELD_ASN_TRANS, NULL},
		{"23456", FIELD_ASN_TRANS, NULL},
		{"4294967296", FIELD_ASN_RANGE, NULL},
		{"AS99999999999999999999999", FIELD_ASN_RANGE, NULL},
	};
	CHECK_ALL(field_asn, cases);
}

/* --- field_domain ------------------------------------------------------- */

static void domain_accepts_host_names_in_lowercase(void **state)
{
	static const struct field_case cases[] = {
		{"example.jp", FIELD_OK, "example.jp"},
		{"Example.JP", FIELD_OK, "example.jp"},
		{" www.example.co.jp ", FIELD_OK, "www.example.co.jp"},
		{"example.jp.", FIELD_OK, "example.jp"},
		{"a-b.example.jp", FIELD_OK, "a-b.example.jp"},
		{"3com.com", FIELD_OK, "3com.com"},
		{"123.example.jp", FIELD_OK, "123.example.jp"},
		{"xn--wgv71a119e.jp", FIELD_OK, "xn--wgv71a119e.jp"},
		{"*.example.jp", FIELD_OK, "*.example.jp"},
		{"*.Example.JP.", FIELD_OK, "*.example.jp"},
	};
	CHECK_ALL(domain_or_wildcard, cases);
}

static void domain_refuses_each_mistake_with_its_own_code(void **state)
{
	static const struct field_case cases[] = {
		{"", FIELD_EMPTY, NULL},
		{"example.jp\x80", FIELD_BAD_UTF8, NULL},
		/* Raw UTF-8: the xn-- form is wanted (no libidn2 here). */
		{"日本語.jp", FIELD_IDN_NOT_PUNYCODE, NULL},
		{"example。jp", FIELD_IDN_NOT_PUNYCODE, NULL},
		{"exa mple.jp", FIELD_DOMAIN_CHAR, NULL},
		{"example.jp/", FIELD_DOMAIN_CHAR, NULL},
		{"user@example.jp", FIELD_DOMAIN_CHAR, NULL},
		{"_dmarc.example.jp", FIELD_DOMAIN_UNDERSCORE, NULL},
		{"a..jp", FIELD_DOMAIN_EMPTY_LABEL, NULL},
		{".example.jp", FIELD_DOMAIN_EMPTY_LABEL, NULL},
		{"example.jp..", FIELD_DOMAIN_EMPTY_LABEL, NULL},
		{".", FIELD_DOMAIN_EMPTY_LABEL, NULL},
		{"-a.jp", FIELD_DOMAIN_HYPHEN, NULL},
		{"a-.jp", FIELD_DOMAIN_HYPHEN, NULL},
		{"xn--.jp", FIELD_DOMAIN_HYPHEN, NULL},
		{"localhost", FIELD_DOMAIN_ONE_LABEL, NULL},
		{"jp.", FIELD_DOMAIN_ONE_LABEL, NULL},
		{"example.123", FIELD_DOMAIN_NUMERIC_TLD, NULL},
		{"192.0.2.1", FIELD_DOMAIN_NUMERIC_TLD, NULL},
		{"a.*.jp", FIELD_DOMAIN_WILDCARD_PLACE, NULL},
		{"*x.example.jp", FIELD_DOMAIN_WILDCARD_PLACE, NULL},
		{"**.example.jp", FIELD_DOMAIN_WILDCARD_PLACE, NULL},
		{"*.*.example.jp", FIELD_DOMAIN_WILDCARD_PLACE, NULL},
		{"*.jp", FIELD_DOMAIN_WILDCARD_PLACE, NULL},
		{"*", FIELD_DOMAIN_WILDCARD_PLACE, NULL},
		{"*.", FIELD_DOMAIN_WILDCARD_PLACE, NULL},
	};
	CHECK_ALL(domain_or_wildcard, cases);
}

static void domain_without_wildcard_is_a_host_name(void **state)
{
	static const struct field_case cases[] = {
		{"www.example.jp", FIELD_OK, "www.example.jp"},
		{"*.example.jp", FIELD_DOMAIN_WILDCARD, NULL},
		{"a.*.jp", FIELD_DOMAIN_WILDCARD, NULL},
	};
	CHECK_ALL(host_name, cases);
}

static void domain_limits_labels_to_63_and_names_to_253(void **state)
{
	char name[512], out[FIELD_DOMAIN_MAX];
	/* 63 + ".jp" */
	memset(name, 'a', 63);
	strcpy(name + 63, ".jp");
	assert_int_equal(field_domain(name, false, out), FIELD_OK);
	memset(name, 'a', 64);
	strcpy(name + 64, ".jp");
	assert_int_equal(field_domain(name, false, out), FIELD_DOMAIN_LABEL_TOO_LONG);

	/* Four labels of 63 with dots: 255; trimmed to 253 by the last label. */
	size_t n = 0;
	for (int i = 0; i < 4; i++) {
		memset(name + n, 'a' + i, 63);
		n += 63;
		name[n++] = '.';
	}
	name[--n] = '\0';
	assert_int_equal(strlen(name), 255);
	assert_int_equal(field_domain(name, false, out), FIELD_DOMAIN_TOO_LONG);
	name[253] = '\0';
	assert_int_equal(field_domain(name, false, out), FIELD_OK);
	assert_int_equal(strlen(out), 253);
	/* With the root's dot, 254 characters name the same 253. */
	strcpy(name + 253, ".");
	assert_int_equal(field_domain(name, false, out), FIELD_OK);
	assert_int_equal(strlen(out), 253);
	assert_true(name[252] == out[252] && out[253] == '\0');
}

/* --- field_email -------------------------------------------------------- */

static void email_keeps_the_local_part_and_lowercases_the_domain(void **state)
{
	static const struct field_case cases[] = {
		{"alice@example.jp", FIELD_OK, "alice@example.jp"},
		{"Alice.Smith@Example.JP", FIELD_OK, "Alice.Smith@example.jp"},
		{"  bob+csirt@example.jp ", FIELD_OK, "bob+csirt@example.jp"},
		{"x@xn--wgv71a119e.jp", FIELD_OK, "x@xn--wgv71a119e.jp"},
		{"a@example.jp.", FIELD_OK, "a@example.jp"},
	};
	CHECK_ALL(field_email, cases);
}

static void email_refuses_each_mistake_with_its_own_code(void **state)
{
	static const struct field_case cases[] = {
		{"", FIELD_EMPTY, NULL},
		{"alice", FIELD_EMAIL_SYNTAX, NULL},
		{"alice@", FIELD_EMAIL_SYNTAX, NULL},
		{"a@b@example.jp", FIELD_EMAIL_SYNTAX, NULL},
		{"@example.jp", FIELD_EMAIL_LOCAL, NULL},
		{"al ice@example.jp", FIELD_EMAIL_LOCAL, NULL},
		{".alice@example.jp", FIELD_EMAIL_LOCAL, NULL},
		{"alice.@example.jp", FIELD_EMAIL_LOCAL, NULL},
		{"al..ice@example.jp", FIELD_EMAIL_LOCAL, NULL},
		{"\"alice\"@example.jp", FIELD_EMAIL_LOCAL, NULL},
		{"山田@example.jp", FIELD_EMAIL_LOCAL, NULL},
		/* The domain follows field_domain, with its messages. */
		{"alice@localhost", FIELD_DOMAIN_ONE_LABEL, NULL},
		{"alice@例え.jp", FIELD_IDN_NOT_PUNYCODE, NULL},
		{"alice@exa_mple.jp", FIELD_DOMAIN_UNDERSCORE, NULL},
		{"alice@*.example.jp", FIELD_DOMAIN_WILDCARD, NULL},
		{"alice@example..jp", FIELD_DOMAIN_EMPTY_LABEL, NULL},
	};
	CHECK_ALL(field_email, cases);
}

static void email_limits_the_local_part_to_64_and_the_address_to_254(void **state)
{
	char addr[300], out[FIELD_EMAIL_MAX];
	memset(addr, 'a', 64);
	strcpy(addr + 64, "@example.jp");
	assert_int_equal(field_email(addr, out), FIELD_OK);
	memset(addr, 'a', 65);
	strcpy(addr + 65, "@example.jp");
	assert_int_equal(field_email(addr, out), FIELD_EMAIL_LOCAL);

	/* a@ + 63.63.63.60 = 2 + 252 = 254 characters. */
	strcpy(addr, "a@");
	size_t n = 2;
	for (int i = 0; i < 4; i++) {
		memset(addr + n, 'b' + i, i < 3 ? 63 : 60);
		n += i < 3 ? 63 : 60;
		addr[n++] = '.';
	}
	addr[--n] = '\0';
	assert_int_equal(strlen(addr), 254);
	assert_int_equal(field_email(addr, out), FIELD_OK);
	assert_string_equal(out, addr);
	strcpy(addr + 254, "c");
	assert_int_equal(field_email(addr, out), FIELD_EMAIL_TOO_LONG);
}

/* --- field_phone -------------------------------------------------------- */

static void phone_accepts_international_and_japanese_numbers_as_typed(void **state)
{
	static const struct field_case cases[] = {
		{"+81 3-1234-5678", FIELD_OK, "+81 3-1234-5678"},
		{"+81-3-1234-5678", FIELD_OK, "+81-3-1234-5678"},
		{"+81 (0)3-1234-5678", FIELD_OK, "+81 (0)3-1234-5678"},
		{"03-1234-5678", FIELD_OK, "03-1234-5678"},
		{"0120-123-456", FIELD_OK, "0120-123-456"},
		{"(03) 1234-5678", FIELD_OK, "(03) 1234-5678"},
		{"  090-1234-5678  ", FIELD_OK, "090-1234-5678"},
		{"0312345678", FIELD_OK, "0312345678"},
		{"+44 20 7946 0958", FIELD_OK, "+44 20 7946 0958"},
		{"+8112345", FIELD_OK, "+8112345"},
		{"+123456789012345", FIELD_OK, "+123456789012345"},
		/* Extensions: ext, ext., x, any case. */
		{"+81 3-1234-5678 ext. 123", FIELD_OK, "+81 3-1234-5678 ext. 123"},
		{"03-1234-5678 EXT 5", FIELD_OK, "03-1234-5678 EXT 5"},
		{"+1 (555) 123-4567 x89", FIELD_OK, "+1 (555) 123-4567 x89"},
		{"03-1234-5678x12345678", FIELD_OK, "03-1234-5678x12345678"},
	};
	CHECK_ALL(field_phone, cases);
}

static void phone_refuses_each_mistake_with_its_own_code(void **state)
{
	static const struct field_case cases[] = {
		{"", FIELD_EMPTY, NULL},
		{"03-1234-5678\xfe", FIELD_BAD_UTF8, NULL},
		/* What a Japanese input method types in full-width mode. */
		{"０３－１２３４－５６７８", FIELD_PHONE_FULLWIDTH, NULL},
		{"03-1234-５６７８", FIELD_PHONE_FULLWIDTH, NULL},
		{"03　1234　5678", FIELD_PHONE_FULLWIDTH, NULL},
		{"03ー1234ー5678", FIELD_PHONE_FULLWIDTH, NULL},
		{"＋81 3-1234-5678", FIELD_PHONE_FULLWIDTH, NULL},
		{"03.1234.5678", FIELD_PHONE_CHAR, NULL},
		{"03/1234/5678", FIELD_PHONE_CHAR, NULL},
		{"0120-ABC-DEF", FIELD_PHONE_CHAR, NULL},
		{"03-1234-5678 内線 12", FIELD_PHONE_CHAR, NULL},
		{"+81 3+1234-5678", FIELD_PHONE_CHAR, NULL},
		{"03-1234-5678 e12", FIELD_PHONE_CHAR, NULL},
		{"tel:+81312345678", FIELD_PHONE_CHAR, NULL},
		{"81 3-1234-5678", FIELD_PHONE_START, NULL},
		{"3-1234-5678", FIELD_PHONE_START, NULL},
		{"+0 3 1234 5678", FIELD_PHONE_START, NULL},
		{"+(0)3-1234-5678", FIELD_PHONE_START, NULL},
		{"(03 1234-5678", FIELD_PHONE_PAREN, NULL},
		{"03) 1234-5678", FIELD_PHONE_PAREN, NULL},
		{"((03)) 1234-5678", FIELD_PHONE_PAREN, NULL},
		{"() 03-1234-5678", FIELD_PHONE_PAREN, NULL},
		{"(03 x12", FIELD_PHONE_PAREN, NULL},
		{"03-123", FIELD_PHONE_FEW_DIGITS, NULL},
		{"+", FIELD_PHONE_FEW_DIGITS, NULL},
		{"x123", FIELD_PHONE_FEW_DIGITS, NULL},
		{"0123456789012345", FIELD_PHONE_MANY_DIGITS, NULL},
		{"03-1234-5678 ext", FIELD_PHONE_EXT, NULL},
		{"03-1234-5678 ext.", FIELD_PHONE_EXT, NULL},
		{"03-1234-5678 x123456789", FIELD_PHONE_EXT, NULL},
		{"03-1234-5678 x12a", FIELD_PHONE_EXT, NULL},
		{"03-1234-5678 x 12 x 3", FIELD_PHONE_EXT, NULL},
		{"03 -  -  -  -  -  -  -  -  -  -  -  -  -  - 1234-5678", FIELD_PHONE_TOO_LONG, NULL},
	};
	CHECK_ALL(field_phone, cases);
}

/* --- field_url ---------------------------------------------------------- */

static void url_accepts_http_and_https_and_normalises_scheme_host_and_port(void **state)
{
	static const struct field_case cases[] = {
		{"https://www.example.jp/", FIELD_OK, "https://www.example.jp/"},
		{"HTTPS://WWW.Example.JP", FIELD_OK, "https://www.example.jp/"},
		{"http://example.jp:8080/path?q=1#top", FIELD_OK, "http://example.jp:8080/path?q=1#top"},
		{"https://example.jp:443/", FIELD_OK, "https://example.jp/"},
		{"http://example.jp:80", FIELD_OK, "http://example.jp/"},
		{"http://example.jp:443/", FIELD_OK, "http://example.jp:443/"},
		{"https://example.jp?q", FIELD_OK, "https://example.jp/?q"},
		{"https://example.jp#frag", FIELD_OK, "https://example.jp/#frag"},
		{"https://example.jp./", FIELD_OK, "https://example.jp/"},
		{"https://Example.JP/Path/Case", FIELD_OK, "https://example.jp/Path/Case"},
		{"https://example.jp/a%2fb%e6%97%a5", FIELD_OK, "https://example.jp/a%2Fb%E6%97%A5"},
		{"https://example.jp/~user/(1)!$'*+,;=:@-._", FIELD_OK, "https://example.jp/~user/(1)!$'*+,;=:@-._"},
		{"https://example.jp/a?x=1&y=/?z#f/?", FIELD_OK, "https://example.jp/a?x=1&y=/?z#f/?"},
		{"https://xn--wgv71a119e.jp/", FIELD_OK, "https://xn--wgv71a119e.jp/"},
		{"https://192.0.2.1/", FIELD_OK, "https://192.0.2.1/"},
		{"https://[2001:DB8::1]:8443/x", FIELD_OK, "https://[2001:db8::1]:8443/x"},
		{"http://[::1]", FIELD_OK, "http://[::1]/"},
		{"https://[::ffff:c000:201]/", FIELD_OK, "https://[::ffff:192.0.2.1]/"},
	};
	CHECK_ALL(field_url, cases);
}

static void url_refuses_each_mistake_with_its_own_code(void **state)
{
	static const struct field_case cases[] = {
		{"", FIELD_EMPTY, NULL},
		{"https://example.jp/\xff", FIELD_BAD_UTF8, NULL},
		{"www.example.jp", FIELD_URL_NO_SCHEME, NULL},
		{"javascript:alert(1)", FIELD_URL_NO_SCHEME, NULL},
		{"//example.jp/", FIELD_URL_NO_SCHEME, NULL},
		{"https:/example.jp", FIELD_URL_NO_SCHEME, NULL},
		{"example.jp/?next=https://evil.example", FIELD_URL_NO_SCHEME, NULL},
		{"ftp://example.jp/", FIELD_URL_SCHEME, NULL},
		{"httpx://example.jp/", FIELD_URL_SCHEME, NULL},
		{"file:///etc/passwd", FIELD_URL_SCHEME, NULL},
		{"https://user:pass@example.jp/", FIELD_URL_USERINFO, NULL},
		{"https://user@example.jp/", FIELD_URL_USERINFO, NULL},
		{"https://example.jp@evil.example/", FIELD_URL_USERINFO, NULL},
		{"https:///path", FIELD_URL_HOST, NULL},
		{"https://:8080/", FIELD_URL_HOST, NULL},
		{"https://[::1/", FIELD_URL_HOST, NULL},
		{"https://[v1.x]/", FIELD_URL_HOST, NULL},
		{"https://[::1]x/", FIELD_URL_HOST, NULL},
		{"https://[192.0.2.1]/", FIELD_URL_HOST, NULL},
		{"https://999.1.1.1/", FIELD_URL_HOST, NULL},
		{"https://1.2.3/", FIELD_URL_HOST, NULL},
		{"https://[fe80::1%25eth0]/", FIELD_IP_ZONE_ID, NULL},
		{"https://010.1.1.1/", FIELD_IP_LEADING_ZERO, NULL},
		/* The host follows field_domain (no wildcard), with its messages. */
		{"https://localhost/", FIELD_DOMAIN_ONE_LABEL, NULL},
		{"https://exa_mple.jp/", FIELD_DOMAIN_UNDERSCORE, NULL},
		{"https://例え.jp/", FIELD_IDN_NOT_PUNYCODE, NULL},
		{"https://*.example.jp/", FIELD_DOMAIN_WILDCARD, NULL},
		{"https://example.jp:0/", FIELD_URL_PORT, NULL},
		{"https://example.jp:65536/", FIELD_URL_PORT, NULL},
		{"https://example.jp:/", FIELD_URL_PORT, NULL},
		{"https://example.jp:08080/", FIELD_URL_PORT, NULL},
		{"https://example.jp:80a/", FIELD_URL_PORT, NULL},
		{"https://example.jp:8080:80/", FIELD_URL_PORT, NULL},
		{"https://example.jp/a b", FIELD_URL_CHAR, NULL},
		{"https://example.jp/<script>", FIELD_URL_CHAR, NULL},
		{"https://example.jp/\"", FIELD_URL_CHAR, NULL},
		{"https://example.jp/a\\b", FIELD_URL_CHAR, NULL},
		{"https://example.jp/[x]", FIELD_URL_CHAR, NULL},
		{"https://example.jp/日本", FIELD_URL_CHAR, NULL},
		{"https://example.jp/a#b#c", FIELD_URL_CHAR, NULL},
		{"https://example.jp/%zz", FIELD_URL_PERCENT, NULL},
		{"https://example.jp/%2", FIELD_URL_PERCENT, NULL},
		{"https://example.jp/?q=100%", FIELD_URL_PERCENT, NULL},
	};
	CHECK_ALL(field_url, cases);
}

static void url_is_at_most_2048_characters_stored(void **state)
{
	char url[2100], out[FIELD_URL_MAX];
	strcpy(url, "https://example.jp/");
	memset(url + 19, 'a', 2048 - 19);
	url[2048] = '\0';
	assert_int_equal(field_url(url, out), FIELD_OK);
	assert_string_equal(out, url);
	strcpy(url + 2048, "a");
	assert_int_equal(field_url(url, out), FIELD_URL_TOO_LONG);
	assert_string_equal(out, "");
	/* 2048 typed, but the stored form needs a "/" more. */
	strcpy(url, "https://example.jp?");
	memset(url + 19, 'a', 2048 - 19);
	url[2048] = '\0';
	assert_int_equal(field_url(url, out), FIELD_URL_TOO_LONG);
	assert_string_equal(out, "");
}

/* --- field_tz ----------------------------------------------------------- */

static void tz_accepts_iana_names_from_the_system_zoneinfo(void **state)
{
	static const struct field_case cases[] = {
		{"Asia/Tokyo", FIELD_OK, "Asia/Tokyo"},
		{" Asia/Tokyo ", FIELD_OK, "Asia/Tokyo"},
		{"UTC", FIELD_OK, "UTC"},
		{"Etc/UTC", FIELD_OK, "Etc/UTC"},
		{"America/Argentina/Buenos_Aires", FIELD_OK, "America/Argentina/Buenos_Aires"},
		{"Etc/GMT-9", FIELD_OK, "Etc/GMT-9"},
		/* Legacy aliases are zones too, kept as typed. */
		{"Japan", FIELD_OK, "Japan"},
		{"US/Eastern", FIELD_OK, "US/Eastern"},
	};
	CHECK_ALL(field_tz, cases);
}

static void tz_refuses_abbreviations_and_variants_with_a_suggestion(void **state)
{
	static const struct field_case cases[] = {
		{"JST", FIELD_TZ_ABBREV, "Asia/Tokyo"},
		{"KST", FIELD_TZ_ABBREV, "Asia/Seoul"},
		{"EST", FIELD_TZ_ABBREV, "America/New_York"},
		{"PST8PDT", FIELD_TZ_ABBREV, "America/Los_Angeles"},
		{"CET", FIELD_TZ_ABBREV, "Europe/Paris"},
		{"GMT", FIELD_TZ_ABBREV, "UTC"},
		{"GMT+0", FIELD_TZ_ABBREV, "UTC"},
		{"UCT", FIELD_TZ_ABBREV, "UTC"},
		{"XYZT", FIELD_TZ_ABBREV, "Asia/Tokyo"},
		{"posix/Asia/Tokyo", FIELD_TZ_VARIANT, "Asia/Tokyo"},
		{"right/UTC", FIELD_TZ_VARIANT, "UTC"},
		{"posix/right/Europe/Berlin", FIELD_TZ_VARIANT, "Europe/Berlin"},
		{"posix/JST", FIELD_TZ_ABBREV, "Asia/Tokyo"},
	};
	CHECK_ALL(field_tz, cases);
}

static void tz_refuses_what_is_not_a_zone(void **state)
{
	static const struct field_case cases[] = {
		{"", FIELD_EMPTY, NULL},
		{"Asia/Tokyo\xe3", FIELD_BAD_UTF8, NULL},
		{"Asia/Tokio", FIELD_TZ_UNKNOWN, NULL},
		{"asia/tokyo", FIELD_TZ_UNKNOWN, NULL},
		{"Asia", FIELD_TZ_UNKNOWN, NULL},
		{"posix/Nowhere/City", FIELD_TZ_UNKNOWN, NULL},
		{"UTC+9", FIELD_TZ_ABBREV, "Asia/Tokyo"},
		{"+09:00", FIELD_TZ_UNKNOWN, NULL},
		{"東京", FIELD_TZ_UNKNOWN, NULL},
		/* Files in zoneinfo that are not zones to store. */
		{"leapseconds", FIELD_TZ_UNKNOWN, NULL},
		{"localtime", FIELD_TZ_UNKNOWN, NULL},
		{"posixrules", FIELD_TZ_UNKNOWN, NULL},
		{"Factory", FIELD_TZ_UNKNOWN, NULL},
		{"zone.tab", FIELD_TZ_UNKNOWN, NULL},
		{"../../../etc/passwd", FIELD_TZ_UNKNOWN, NULL},
		{"/etc/localtime", FIELD_TZ_UNKNOWN, NULL},
		{"Asia/Tokyo/../Tokyo", FIELD_TZ_UNKNOWN, NULL},
	};
	CHECK_ALL(field_tz, cases);
}

/* --- field_date --------------------------------------------------------- */

static void date_accepts_real_days_from_1900_to_2100(void **state)
{
	static const struct field_case cases[] = {
		{"2026-11-25", FIELD_OK, "2026-11-25"},
		{" 2026-01-01 ", FIELD_OK, "2026-01-01"},
		{"2024-02-29", FIELD_OK, "2024-02-29"},
		{"2000-02-29", FIELD_OK, "2000-02-29"},
		{"1900-01-01", FIELD_OK, "1900-01-01"},
		{"2100-12-31", FIELD_OK, "2100-12-31"},
		{"", FIELD_EMPTY, NULL},
		{"2026/11/25", FIELD_DATE_SYNTAX, NULL},
		{"2026-1-5", FIELD_DATE_SYNTAX, NULL},
		{"26-11-25", FIELD_DATE_SYNTAX, NULL},
		{"2026-11-25T00:00", FIELD_DATE_SYNTAX, NULL},
		{"+026-11-25", FIELD_DATE_SYNTAX, NULL},
		{"２０２６-11-25", FIELD_DATE_SYNTAX, NULL},
		{"2026-02-29", FIELD_DATE_NO_SUCH_DAY, NULL},
		{"1900-02-29", FIELD_DATE_NO_SUCH_DAY, NULL},
		{"2100-02-29", FIELD_DATE_NO_SUCH_DAY, NULL},
		{"2026-04-31", FIELD_DATE_NO_SUCH_DAY, NULL},
		{"2026-13-01", FIELD_DATE_NO_SUCH_DAY, NULL},
		{"2026-00-10", FIELD_DATE_NO_SUCH_DAY, NULL},
		{"2026-01-00", FIELD_DATE_NO_SUCH_DAY, NULL},
		{"1899-12-31", FIELD_DATE_RANGE, NULL},
		{"2101-01-01", FIELD_DATE_RANGE, NULL},
		{"0000-01-01", FIELD_DATE_RANGE, NULL},
	};
	CHECK_ALL(field_date, cases);
}

/* --- field_country ------------------------------------------------------ */

static void country_accepts_assigned_iso_3166_codes_in_uppercase(void **state)
{
	static const struct field_case cases[] = {
		{"JP", FIELD_OK, "JP"},
		{"jp", FIELD_OK, "JP"},
		{"Jp", FIELD_OK, "JP"},
		{" us ", FIELD_OK, "US"},
		{"AX", FIELD_OK, "AX"},
		{"AD", FIELD_OK, "AD"},
		{"ZW", FIELD_OK, "ZW"},
		{"", FIELD_EMPTY, NULL},
		{"J", FIELD_COUNTRY_SYNTAX, NULL},
		{"JPN", FIELD_COUNTRY_SYNTAX, NULL},
		{"J1", FIELD_COUNTRY_SYNTAX, NULL},
		{"日本", FIELD_COUNTRY_SYNTAX, NULL},
		{"UK", FIELD_COUNTRY_UNKNOWN, NULL},
		{"EU", FIELD_COUNTRY_UNKNOWN, NULL},
		{"XK", FIELD_COUNTRY_UNKNOWN, NULL},
		{"ZZ", FIELD_COUNTRY_UNKNOWN, NULL},
	};
	CHECK_ALL(field_country, cases);
}

/* The compiled-in table is exactly tzdata's list of the 249 codes. */
static void country_table_matches_the_system_iso3166_list(void **state)
{
	FILE *f = fopen("/usr/share/zoneinfo/iso3166.tab", "r");
	if (!f)
		skip();
	char line[256], out[FIELD_COUNTRY_MAX], listed[26][26] = {{0}};
	int n = 0;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		line[2] = '\0';
		if (field_country(line, out) != FIELD_OK)
			fail_msg("%s from iso3166.tab is refused", line);
		listed[line[0] - 'A'][line[1] - 'A'] = 1;
		n++;
	}
	fclose(f);
	assert_int_equal(n, 249);
	int accepted = 0;
	for (int a = 0; a < 26; a++) {
		for (int b = 0; b < 26; b++) {
			char cc[3] = {(char)('A' + a), (char)('A' + b), '\0'};
			enum field_result r = field_country(cc, out);
			if ((r == FIELD_OK) != listed[a][b])
				fail_msg("%s: %s", cc, field_err_key(r));
			accepted += r == FIELD_OK;
		}
	}
	assert_int_equal(accepted, 249);
}

/* --- field_text --------------------------------------------------------- */

static void text_is_utf8_without_control_characters_within_a_length(void **state)
{
	static const struct {
		const char *in;
		size_t max;
		bool multiline;
		enum field_result want;
	} cases[] = {
		{"", 10, false, FIELD_OK},
		{"CSIRT 日本", 8, false, FIELD_OK},
		{"CSIRT 日本", 7, false, FIELD_TEXT_TOO_LONG},
		{"😀", 1, false, FIELD_OK},
		/* Code points, not what a reader sees: e + combining acute. */
		{"e\xcc\x81", 1, false, FIELD_TEXT_TOO_LONG},
		{"a\nb", 10, false, FIELD_TEXT_CONTROL},
		{"a\nb", 10, true, FIELD_OK},
		{"a\tb", 10, false, FIELD_TEXT_CONTROL},
		{"a\tb", 10, true, FIELD_OK},
		{"a\r\nb", 10, true, FIELD_OK},
		{"a\x01z", 10, true, FIELD_TEXT_CONTROL},
		{"a\x1b[31m", 10, true, FIELD_TEXT_CONTROL},
		{"a\x7fz", 10, true, FIELD_TEXT_CONTROL},
		{"a\xc2\x85z", 10, true, FIELD_TEXT_CONTROL},
		{"a\xc2\xa0z", 10, false, FIELD_OK},
		{"\xff", 10, true, FIELD_BAD_UTF8},
		{"\xc0\xaf", 10, true, FIELD_BAD_UTF8},
		{"\xed\xa0\x80", 10, true, FIELD_BAD_UTF8},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum field_result r = field_text(cases[i].in, cases[i].max, cases[i].multiline);
		if (r != cases[i].want)
			fail_msg("field_text(case %zu, max %zu, %s): got %s, want %s", i, cases[i].max,
			         cases[i].multiline ? "multiline" : "one line", field_err_key(r),
			         field_err_key(cases[i].want));
	}
}

/* --- messages ----------------------------------------------------------- */

static void every_code_has_its_own_key_in_both_languages(void **state)
{
	char err[256];
	assert_int_equal(i18n_load(err, sizeof(err)), 0);
	for (int r = 0; r <= FIELD__COUNT; r++) {
		const char *key = field_err_key(r);
		assert_non_null(key);
		assert_memory_equal(key, "dir.err.", 8);
		if (!i18n_has(key))
			fail_msg("%s is not in messages.tsv", key);
		for (int q = 0; q < r; q++)
			assert_string_not_equal(key, field_err_key(q));
		/* The placeholders callers fill are exactly where they are
		 * promised, in both languages. */
		for (int l = 0; l < LANG__COUNT; l++) {
			const char *text = i18n_get(l, key);
			if ((strstr(text, "{suggestion}") != NULL) != has_suggestion(r))
				fail_msg("%s (%s): {suggestion} expected %s", key, lang_code(l),
				         has_suggestion(r) ? "but missing" : "nowhere");
			if ((strstr(text, "{max}") != NULL) != (r == FIELD_TEXT_TOO_LONG))
				fail_msg("%s (%s): {max} misplaced", key, lang_code(l));
		}
	}
	assert_string_equal(field_err_key(FIELD_CIDR_HOST_BITS), "dir.err.cidr_host_bits");
	assert_string_equal(field_err_key(FIELD_IDN_NOT_PUNYCODE), "dir.err.idn_not_punycode");
	assert_string_equal(field_err_key(FIELD__COUNT), "dir.err.unknown");
	assert_string_equal(field_err_key((enum field_result)-1), "dir.err.unknown");
}

static void a_suggestion_fills_the_message(void **state)
{
	char err[256], out[FIELD_CIDR_MAX];
	assert_int_equal(i18n_load(err, sizeof(err)), 0);
	enum field_result r = field_cidr("192.0.2.1/24", out);
	const char *const vars[] = {"suggestion", out, NULL};
	struct buf b;
	buf_init(&b, 1024);
	assert_int_equal(i18n_fill(&b, i18n_get(LANG_EN, field_err_key(r)), vars), 0);
	assert_string_equal(b.data, "Host bits are set: did you mean 192.0.2.0/24?");
	buf_reset(&b);
	assert_int_equal(i18n_fill(&b, i18n_get(LANG_JA, field_err_key(r)), vars), 0);
	assert_non_null(strstr(b.data, "192.0.2.0/24"));
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cidr_accepts_networks_and_stores_them_canonically),
		cmocka_unit_test(cidr_with_host_bits_suggests_the_network),
		cmocka_unit_test(cidr_refuses_each_mistake_with_its_own_code),
		cmocka_unit_test(asn_accepts_asplain_with_or_without_as),
		cmocka_unit_test(asn_refuses_each_mistake_with_its_own_code),
		cmocka_unit_test(domain_accepts_host_names_in_lowercase),
		cmocka_unit_test(domain_refuses_each_mistake_with_its_own_code),
		cmocka_unit_test(domain_without_wildcard_is_a_host_name),
		cmocka_unit_test(domain_limits_labels_to_63_and_names_to_253),
		cmocka_unit_test(email_keeps_the_local_part_and_lowercases_the_domain),
		cmocka_unit_test(email_refuses_each_mistake_with_its_own_code),
		cmocka_unit_test(email_limits_the_local_part_to_64_and_the_address_to_254),
		cmocka_unit_test(phone_accepts_international_and_japanese_numbers_as_typed),
		cmocka_unit_test(phone_refuses_each_mistake_with_its_own_code),
		cmocka_unit_test(url_accepts_http_and_https_and_normalises_scheme_host_and_port),
		cmocka_unit_test(url_refuses_each_mistake_with_its_own_code),
		cmocka_unit_test(url_is_at_most_2048_characters_stored),
		cmocka_unit_test(tz_accepts_iana_names_from_the_system_zoneinfo),
		cmocka_unit_test(tz_refuses_abbreviations_and_variants_with_a_suggestion),
		cmocka_unit_test(tz_refuses_what_is_not_a_zone),
		cmocka_unit_test(date_accepts_real_days_from_1900_to_2100),
		cmocka_unit_test(country_accepts_assigned_iso_3166_codes_in_uppercase),
		cmocka_unit_test(country_table_matches_the_system_iso3166_list),
		cmocka_unit_test(text_is_utf8_without_control_characters_within_a_length),
		cmocka_unit_test(every_code_has_its_own_key_in_both_languages),
		cmocka_unit_test(a_suggestion_fills_the_message),
	};
	return cmocka_run_group_tests_name("fields", tests, NULL, NULL);
}
