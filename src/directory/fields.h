/* Checking what people type into the team directory: networks, AS numbers,
 * domains, contact addresses, time zones, dates, countries and free text.
 * Pure functions over text (no SQL, no HTTP; fuzzed by fuzz/fuzz_fields.c):
 * the HTTP layer calls them field by field and turns a refusal into a field
 * error with field_err_key.
 *
 * Every validator but field_text follows one contract:
 *   - S is a NUL-terminated string (NULL counts as empty); blanks (space,
 *     tab, CR, LF) around it are ignored, so "192.0.2.0/24 " is fine.
 *   - It returns FIELD_OK (0) or the code of the first problem found; a
 *     string of nothing but blanks is FIELD_EMPTY (whether a field may be
 *     left empty is the caller's decision, made before calling), and text
 *     that is not UTF-8 is FIELD_BAD_UTF8.
 *   - On FIELD_OK, OUT holds the canonical form: store that, not S. It is a
 *     fixed point: validating it again gives FIELD_OK and the same text.
 *   - On the few codes documented "OUT: suggestion", OUT holds a corrected
 *     value the UI can offer (itself valid); on every other code OUT is "".
 *   - OUT has room for FIELD_<NAME>_MAX bytes; the [static N] parameters let
 *     gcc and clang refuse smaller arrays at compile time.
 *
 * Messages: field_err_key gives the i18n key ("dir.err.cidr_host_bits"),
 * in English and Japanese in src/web/messages.tsv. Fill them with
 * i18n_fill and the variables {"suggestion", OUT, NULL}; only the
 * FIELD_TEXT_TOO_LONG message also wants {max}, the limit the caller gave. */
#ifndef SHISA_FIELDS_H
#define SHISA_FIELDS_H
#include <stdbool.h>
#include <stddef.h>

enum field_result {
	FIELD_OK = 0,
	FIELD_EMPTY,                 /* nothing but blanks */
	FIELD_BAD_UTF8,              /* bytes that are not UTF-8 */

	/* field_cidr; the IP codes also for IP literals in field_url */
	FIELD_CIDR_SYNTAX,           /* neither an IPv4 nor an IPv6 network */
	FIELD_CIDR_PREFIX,           /* "/33", "/129", "/024", "/" */
	FIELD_CIDR_HOST_BITS,        /* "192.0.2.1/24"; OUT: suggestion "192.0.2.0/24" */
	FIELD_IP_LEADING_ZERO,       /* "192.0.2.010": octal to some readers */
	FIELD_IP_ZONE_ID,            /* "fe80::1%eth0": local to one machine */

	/* field_asn */
	FIELD_ASN_SYNTAX,            /* not "AS64500" or "64500" */
	FIELD_ASN_ZERO,              /* AS0 (RFC 7607) */
	FIELD_ASN_TRANS,             /* AS23456, AS_TRANS (RFC 6793) */
	FIELD_ASN_RANGE,             /* above 4294967295 */

	/* field_domain; also host names in field_email and field_url */
	FIELD_DOMAIN_CHAR,           /* not a letter, digit, hyphen or dot */
	FIELD_DOMAIN_UNDERSCORE,     /* "_dmarc.example.jp": not a host name */
	FIELD_IDN_NOT_PUNYCODE,      /* "日本語.jp": write the xn-- form */
	FIELD_DOMAIN_TOO_LONG,       /* over 253 characters */
	FIELD_DOMAIN_EMPTY_LABEL,    /* "a..jp", ".jp" */
	FIELD_DOMAIN_LABEL_TOO_LONG, /* a label over 63 characters */
	FIELD_DOMAIN_HYPHEN,         /* a label starting or ending with '-' */
	FIELD_DOMAIN_ONE_LABEL,      /* "localhost", "jp" */
	FIELD_DOMAIN_NUMERIC_TLD,    /* "example.123", "192.0.2.1" */
	FIELD_DOMAIN_WILDCARD,       /* "*.example.jp" where none is allowed */
	FIELD_DOMAIN_WILDCARD_PLACE, /* "a.*.jp", "*x.jp", "*.jp" */

	/* field_email */
	FIELD_EMAIL_SYNTAX,          /* no '@', or more than one */
	FIELD_EMAIL_LOCAL,           /* the part before '@' */
	FIELD_EMAIL_TOO_LONG,        /* over 254 characters */

	/* field_phone */
	FIELD_PHONE_CHAR,            /* letters, dots, '+' inside, ... */
	FIELD_PHONE_FULLWIDTH,       /* "０３－１２３４－５６７８" from an IME */
	FIELD_PHONE_START,           /* neither "+<country code>" nor "0" */
	FIELD_PHONE_PAREN,           /* unbalanced, nested or empty () */
	FIELD_PHONE_FEW_DIGITS,      /* fewer than 7 digits */
	FIELD_PHONE_MANY_DIGITS,     /* more than 15 digits */
	FIELD_PHONE_EXT,             /* "ext" without 1 to 8 digits after it */
	FIELD_PHONE_TOO_LONG,        /* over 48 characters in all */

	/* field_url */
	FIELD_URL_TOO_LONG,          /* over 2048 characters */
	FIELD_URL_NO_SCHEME,         /* "www.example.jp", "javascript:..." */
	FIELD_URL_SCHEME,            /* "ftp://..." */
	FIELD_URL_USERINFO,          /* "https://user:pass@example.jp/" */
	FIELD_URL_HOST,              /* no host, or "[...]" that is not IPv6 */
	FIELD_URL_PORT,              /* not 1 to 65535 */
	FIELD_URL_CHAR,              /* space, '<', '"', non-ASCII, ... */
	FIELD_URL_PERCENT,           /* '%' not followed by two hex digits */

	/* field_tz */
	FIELD_TZ_UNKNOWN,            /* not in the system's zoneinfo */
	FIELD_TZ_VARIANT,            /* "posix/Asia/Tokyo"; OUT: suggestion "Asia/Tokyo" */
	FIELD_TZ_ABBREV,             /* "JST"; OUT: suggestion "Asia/Tokyo" */

	/* field_date */
	FIELD_DATE_SYNTAX,           /* not YYYY-MM-DD */
	FIELD_DATE_NO_SUCH_DAY,      /* "2026-02-29" */
	FIELD_DATE_RANGE,            /* before 1900 or after 2100 */

	/* field_country */
	FIELD_COUNTRY_SYNTAX,        /* not two letters */
	FIELD_COUNTRY_UNKNOWN,       /* two letters, not an assigned code */

	/* field_text */
	FIELD_TEXT_CONTROL,          /* a control character */
	FIELD_TEXT_TOO_LONG,         /* more characters than allowed: {max} */

	FIELD__COUNT
};

/* Room each canonical form needs, NUL included. */
#define FIELD_CIDR_MAX 44       /* "ffff:...:ffff/128" */
#define FIELD_ASN_MAX 13        /* "AS4294967295" */
#define FIELD_DOMAIN_MAX 254
#define FIELD_EMAIL_MAX 255
#define FIELD_PHONE_MAX 49
#define FIELD_URL_MAX 2049
#define FIELD_TZ_MAX 65
#define FIELD_DATE_MAX 11
#define FIELD_COUNTRY_MAX 3

/* An IPv4 or IPv6 network: "192.0.2.0/24", "2001:db8::/32". Canonical:
 * IPv6 in RFC 5952 form (lowercase, zeros compressed); an IPv4-mapped
 * address becomes IPv4 ("::ffff:192.0.2.0/120" is "192.0.2.0/24"); a bare
 * address is a host (/32 or /128). Host bits set is FIELD_CIDR_HOST_BITS
 * with the network as the suggestion. Refused: leading zeros in IPv4
 * numbers, zone ids, short forms such as "10/8". /0 is accepted: limiting
 * prefix lengths is a policy for the caller. */
enum field_result field_cidr(const char *s, char out[static FIELD_CIDR_MAX]);

/* An AS number: "AS64500", "as64500" or "64500", no leading zeros, from 1
 * to 4294967295 but not AS_TRANS (23456). Canonical "AS64500". Private-use
 * (64512-65534, 4200000000-4294967294) and documentation numbers are
 * accepted without a warning: members use private ASNs internally, and a
 * warning that is not an error would break "nonzero means refused". The
 * asdot form "AS1.10" is refused: "64.500" may be a thousands separator. */
enum field_result field_asn(const char *s, char out[static FIELD_ASN_MAX]);

/* A domain name: labels of letters, digits and inner hyphens, 1 to 63
 * characters each, at least two labels, 253 characters in all, the last
 * label not all digits. With ALLOW_WILDCARD, "*." may be the whole first
 * label of a name with at least two more. Canonical: lowercase, without a
 * trailing dot. Internationalised names must arrive as punycode (xn--);
 * UTF-8 labels are FIELD_IDN_NOT_PUNYCODE. */
enum field_result field_domain(const char *s, bool allow_wildcard, char out[static FIELD_DOMAIN_MAX]);

/* An email address: mail_addr_valid (a dot-atom local part of at most 64
 * characters) with a domain that passes field_domain, at most 254
 * characters. Canonical: the local part as typed, the domain lowercased. */
enum field_result field_email(const char *s, char out[static FIELD_EMAIL_MAX]);

/* A phone number: "+81 3-1234-5678", or a domestic number starting with 0
 * ("03-1234-5678", "0120-123-456"); digits with spaces, hyphens and
 * parentheses between them, 7 to 15 digits, then an optional extension
 * "ext. 123", "ext 123" or "x123" (1 to 8 digits). Canonical: as typed,
 * trimmed: numbering plans differ too much to reformat them. */
enum field_result field_phone(const char *s, char out[static FIELD_PHONE_MAX]);

/* A web address: http or https, a host (a domain as field_domain without
 * wildcard, an IPv4 address or a bracketed IPv6 address), an optional port
 * 1-65535, then path, query and fragment in RFC 3986 characters with valid
 * %-escapes; no "user:pass@"; at most 2048 characters. Canonical: scheme
 * and host lowercased (IPv6 as RFC 5952), the default port dropped, "/" for
 * an empty path, %-escapes in uppercase; the rest as typed. */
enum field_result field_url(const char *s, char out[static FIELD_URL_MAX]);

/* An IANA time zone in the system's zoneinfo (/usr/share/zoneinfo, read
 * through clock_tz_valid): "Asia/Tokyo", "UTC". Refused with a suggestion:
 * "posix/" and "right/" variants, and abbreviations ("JST", "EST", "GMT":
 * ambiguous, or not what people mean). Canonical: as typed, trimmed. A
 * legacy alias such as "Japan" or "US/Eastern" is a real zone and kept as
 * it is: which names are links changes between tzdata releases
 * (Europe/Amsterdam is one in upstream's default build, not in Debian's),
 * so following links would rename members' zones behind their backs. */
enum field_result field_tz(const char *s, char out[static FIELD_TZ_MAX]);

/* A calendar date "YYYY-MM-DD" from 1900-01-01 to 2100-12-31. */
enum field_result field_date(const char *s, char out[static FIELD_DATE_MAX]);

/* An ISO 3166-1 alpha-2 country code assigned today (249 of them), either
 * case. Canonical: uppercase ("jp" is "JP"). */
enum field_result field_country(const char *s, char out[static FIELD_COUNTRY_MAX]);

/* Free text, checked as it is (no trimming, no canonical form; the empty
 * string is fine): UTF-8 without control characters (C0, DEL, C1), but
 * newline, carriage return and tab when MULTILINE; at most MAX_CHARS
 * characters (code points). */
enum field_result field_text(const char *s, size_t max_chars, bool multiline);

/* The i18n key of R's message, "dir.err.<reason>"; "dir.err.unknown" for a
 * value outside the enum. Never NULL. */
const char *field_err_key(enum field_result r);

#endif
