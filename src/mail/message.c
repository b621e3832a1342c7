/* RFC 5322 composition for shisa's outgoing mail; see message.h. Every input
 * is checked before a byte is written, and the message is built in a scratch
 * buffer, so a refused message leaves the caller's buffer as it was. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include "mail/message.h"

#define LINE_SOFT 78            /* RFC 5322 2.1.1: lines should stay within this */
#define EW_LINE 76              /* RFC 2047 2: a line holding encoded-words */
#define EW_MAX 75               /* RFC 2047 2: one encoded-word */
#define EW_OVERHEAD 12          /* "=?UTF-8?B?" and "?=" */
#define EW_RAW_MAX 45           /* bytes in a 75-char word: 60 base64 chars */
#define EW_MIN_ROOM (EW_OVERHEAD + 8)   /* a word holding one 4-byte character */
#define BODY_RAW_LINE 57        /* bytes that make one 76-char base64 line */
#define HOST_MAX 253
#define LOCAL_MAX 64
#define LABEL_MAX 63
#define LANG_MAX 35
#define B64 sodium_base64_VARIANT_ORIGINAL

/* A header being written, with the column the next byte lands in so that
 * folding can keep lines short. RC turns -1 once any append failed; the
 * scratch buffer is then thrown away whole. */
struct hdr {
	struct buf *b;
	size_t col;
	int rc;
};

void mail_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Length of the UTF-8 sequence at S (1..4), or 0 when it is not valid:
 * truncated, overlong, a surrogate or past U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned long cp, min;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static bool utf8_valid(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t len = utf8_len((const unsigned char *)s + i, n - i);
		if (!len)
			return false;
		i += len;
	}
	return true;
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(unsigned char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

/* RFC 5322 atext: what a dot-atom local part may hold besides dots. */
static bool is_atext(unsigned char c)
{
	return is_alnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* An ASCII host name: labels of letters, digits and inner hyphens. */
static bool host_valid(const char *d, size_t n)
{
	size_t label = 0;

	if (n == 0 || n > HOST_MAX)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || d[i] == '.') {
			if (label == 0 || label > LABEL_MAX || d[i - 1] == '-' || d[i - label] == '-')
				return false;
			label = 0;
		} else if (is_alnum((unsigned char)d[i]) || d[i] == '-') {
			label++;
		} else {
			return false;
		}
	}
	return true;
}

/* A language tag as Content-Language wants it: subtags of 1 to 8 letters or
 * digits joined by '-', the first of letters only ("ja", "en", "zh-Hant"). */
static bool lang_valid(const char *s)
{
	size_t n = strlen(s), sub = 0;

	if (n == 0 || n > LANG_MAX)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '-') {
			if (sub == 0 || sub > 8)
				return false;
			sub = 0;
		} else if (is_alnum((unsigned char)s[i]) && (i > sub || is_alpha((unsigned char)s[i]))) {
			sub++;
		} else {
			return false;
		}
	}
	return true;
}

int mail_addr_valid(const char *addr)
{
	if (!addr)
		return 0;
	size_t n = strnlen(addr, MAIL_ADDR_MAX + 1);
	if (n > MAIL_ADDR_MAX)
		return 0;
	const char *at = memchr(addr, '@', n);
	if (!at)
		return 0;
	size_t local = (size_t)(at - addr);
	if (local == 0 || local > LOCAL_MAX)
		return 0;
	bool after_dot = true;
	for (size_t i = 0; i < local; i++) {
		if (addr[i] == '.') {
			if (after_dot)
				return 0;
			after_dot = true;
		} else if (is_atext((unsigned char)addr[i])) {
			after_dot = false;
		} else {
			return 0;
		}
	}
	if (after_dot)
		return 0;
	return host_valid(at + 1, n - local - 1);
}

/* A header input: at most MAX bytes, no control characters (CR and LF would
 * start a header of the caller's choosing), valid UTF-8. */
static int check_header_text(const char *what, const char *s, size_t max, char *err, size_t errlen)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r' || c == '\n') {
			mail_set_err(err, errlen, "%s contains CR or LF", what);
			return -1;
		}
		if (c < 0x20 || c == 0x7f) {
			mail_set_err(err, errlen, "%s contains a control character", what);
			return -1;
		}
	}
	if (n > max) {
		mail_set_err(err, errlen, "%s is longer than %zu bytes", what, max);
		return -1;
	}
	if (!utf8_valid(s, n)) {
		mail_set_err(err, errlen, "%s is not valid UTF-8", what);
		return -1;
	}
	return 0;
}

static int check_msg(const struct mail_msg *m, char *err, size_t errlen)
{
	const struct {
		const char *what;
		const char *s;
		size_t max;
		bool optional;
	} in[] = {
		{"from_addr", m->from_addr, MAIL_ADDR_MAX, false},
		{"from_name", m->from_name, MAIL_NAME_MAX, true},
		{"to_addr", m->to_addr, MAIL_ADDR_MAX, false},
		{"to_name", m->to_name, MAIL_NAME_MAX, true},
		{"subject", m->subject, MAIL_SUBJECT_MAX, false},
		{"message_id_domain", m->message_id_domain, HOST_MAX, false},
		{"lang", m->lang, LANG_MAX, false},
	};

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		if (!in[i].s && in[i].optional)
			continue;
		if (!in[i].s) {
			mail_set_err(err, errlen, "%s is missing", in[i].what);
			return -1;
		}
		if (check_header_text(in[i].what, in[i].s, in[i].max, err, errlen) < 0)
			return -1;
	}
	if (!mail_addr_valid(m->from_addr)) {
		mail_set_err(err, errlen, "from_addr is not a plausible address");
		return -1;
	}
	if (!mail_addr_valid(m->to_addr)) {
		mail_set_err(err, errlen, "to_addr is not a plausible address");
		return -1;
	}
	if (!*m->subject) {
		mail_set_err(err, errlen, "subject is empty");
		return -1;
	}
	if (!host_valid(m->message_id_domain, strlen(m->message_id_domain))) {
		mail_set_err(err, errlen, "message_id_domain is not a host name");
		return -1;
	}
	if (!lang_valid(m->lang)) {
		mail_set_err(err, errlen, "lang is not a language tag");
		return -1;
	}
	if (!m->body_text) {
		mail_set_err(err, errlen, "body_text is missing");
		return -1;
	}
	if (!utf8_valid(m->body_text, strlen(m->body_text))) {
		mail_set_err(err, errlen, "body_text is not valid UTF-8");
		return -1;
	}
	return 0;
}

static void hdr_add(struct hdr *h, const char *s, size_t n)
{
	h->rc |= buf_add(h->b, s, n);
	h->col += n;
}

static void hdr_adds(struct hdr *h, const char *s)
{
	hdr_add(h, s, strlen(s));
}

/* Continue the header on a new line: CRLF then the one space that makes it
 * a continuation. */
static void hdr_fold(struct hdr *h)
{
	hdr_add(h, "\r\n ", 3);
	h->col = 1;
}

static void hdr_end(struct hdr *h)
{
	hdr_add(h, "\r\n", 2);
	h->col = 0;
}

/* One whole header line that needs no folding. */
static void hdr_line(struct hdr *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void hdr_line(struct hdr *h, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	h->rc |= buf_vprintf(h->b, fmt, ap);
	va_end(ap);
	hdr_end(h);
}

/* True when S may go out as it is: printable ASCII holding nothing a reader
 * could take for an encoded-word. */
static bool plain_ascii(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return false;
	return !strstr(s, "=?");
}

/* Columns S takes as a quoted-string. */
static size_t quoted_len(const char *s)
{
	size_t n = 2;
	for (; *s; s++)
		n += *s == '"' || *s == '\\' ? 2 : 1;
	return n;
}

static void put_quoted(struct hdr *h, const char *s)
{
	hdr_add(h, "\"", 1);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			hdr_add(h, "\\", 1);
		hdr_add(h, s, 1);
	}
	hdr_add(h, "\"", 1);
}

/* S (valid UTF-8) as RFC 2047 B encoded-words, each as long as the line
 * allows and at most 75 columns, folded between words. A word ends on a
 * character boundary, so each decodes to valid UTF-8 on its own. */
static void put_words(struct hdr *h, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s);
	char word[sodium_base64_ENCODED_LEN(EW_RAW_MAX, B64)];

	for (size_t i = 0; i < n;) {
		if (h->col + EW_MIN_ROOM > EW_LINE)
			hdr_fold(h);
		size_t room = EW_LINE - h->col;
		if (room > EW_MAX)
			room = EW_MAX;
		size_t raw = (room - EW_OVERHEAD) / 4 * 3;
		size_t j = i;
		while (j < n) {
			size_t len = utf8_len(u + j, n - j);
			if (j + len - i > raw)
				break;
			j += len;
		}
		sodium_bin2base64(word, sizeof(word), u + i, j - i, B64);
		hdr_adds(h, "=?UTF-8?B?");
		hdr_adds(h, word);
		hdr_adds(h, "?=");
		i = j;
		if (i < n)
			hdr_fold(h);
	}
}

/* FIELD: "name" <addr>, or FIELD: addr when there is no name. */
static void put_mailbox(struct hdr *h, const char *field, const char *name, const char *addr)
{
	hdr_adds(h, field);
	hdr_adds(h, ": ");
	if (!name || !*name) {
		hdr_adds(h, addr);
		hdr_end(h);
		return;
	}
	size_t limit = LINE_SOFT;
	if (plain_ascii(name) && h->col + quoted_len(name) <= LINE_SOFT) {
		put_quoted(h, name);
	} else {
		put_words(h, name);
		limit = EW_LINE;
	}
	if (h->col + strlen(addr) + 3 > limit)
		hdr_fold(h);
	else
		hdr_add(h, " ", 1);
	hdr_add(h, "<", 1);
	hdr_adds(h, addr);
	hdr_add(h, ">", 1);
	hdr_end(h);
}

static void put_subject(struct hdr *h, const char *subject)
{
	hdr_adds(h, "Subject: ");
	if (plain_ascii(subject) && h->col + strlen(subject) <= LINE_SOFT)
		hdr_adds(h, subject);
	else
		put_words(h, subject);
	hdr_end(h);
}

/* RFC 5322 3.3 date-time, in UTC, with English names whatever the locale. */
static void put_date(struct hdr *h)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	hdr_line(h, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
		months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void put_message_id(struct hdr *h, const char *domain)
{
	unsigned char id[16];
	char hex[sizeof(id) * 2 + 1];

	randombytes_buf(id, sizeof(id));
	sodium_bin2hex(hex, sizeof(hex), id, sizeof(id));
	hdr_line(h, "Message-ID: <%s@%s>", hex, domain);
}

/* TEXT with every line end made CRLF (RFC 2045 6.8 wants text in canonical
 * form before it is encoded), as base64 in 76-column lines. */
static int put_body(struct buf *b, const char *text)
{
	struct buf canon;
	char line[sodium_base64_ENCODED_LEN(BODY_RAW_LINE, B64)];
	int rc = 0;

	buf_init(&canon, b->max);
	for (const char *p = text; *p;) {
		size_t span = strcspn(p, "\r\n");
		rc |= buf_add(&canon, p, span);
		p += span;
		if (!*p)
			break;
		if (p[0] == '\r' && p[1] == '\n')
			p++;
		p++;
		rc |= buf_add(&canon, "\r\n", 2);
	}
	for (size_t i = 0; rc == 0 && i < canon.len; i += BODY_RAW_LINE) {
		size_t n = canon.len - i < BODY_RAW_LINE ? canon.len - i : BODY_RAW_LINE;
		sodium_bin2base64(line, sizeof(line), (const unsigned char *)canon.data + i, n, B64);
		rc |= buf_adds(b, line);
		rc |= buf_add(b, "\r\n", 2);
	}
	buf_release(&canon);
	return rc;
}

int mail_compose(struct buf *out, const struct mail_msg *m, char *err, size_t errlen)
{
	struct buf msg;
	struct hdr h = {&msg, 0, 0};
	int rc = -1;

	buf_init(&msg, out->max);
	if (check_msg(m, err, errlen) < 0)
		goto out;
	if (sodium_init() < 0) {
		mail_set_err(err, errlen, "libsodium failed to initialise");
		goto out;
	}
	put_date(&h);
	put_message_id(&h, m->message_id_domain);
	put_mailbox(&h, "From", m->from_name, m->from_addr);
	put_mailbox(&h, "To", m->to_name, m->to_addr);
	put_subject(&h, m->subject);
	hdr_line(&h, "MIME-Version: 1.0");
	hdr_line(&h, "Content-Type: text/plain; charset=UTF-8");
	hdr_line(&h, "Content-Transfer-Encoding: base64");
	hdr_line(&h, "Content-Language: %s", m->lang);
	hdr_line(&h, "Auto-Submitted: auto-generated");
	hdr_end(&h);
	if (h.rc < 0 || put_body(&msg, m->body_text) < 0 || buf_add(out, msg.data, msg.len) < 0) {
		mail_set_err(err, errlen, "message is larger than the buffer allows, or memory ran out");
		goto out;
	}
	rc = 0;
out:
	buf_release(&msg);
	return rc;
}
