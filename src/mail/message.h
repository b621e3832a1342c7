/* Compose the mail shisa sends (password resets, invitations, notices):
 * one text/plain UTF-8 part, base64 body, RFC 2047 encoded-words for names
 * and subjects that are not plain ASCII. Every header input is checked here,
 * once, so no name or subject can smuggle in a header or a recipient.
 * Sending is smtp.h's job. */
#ifndef SHISA_MAIL_MESSAGE_H
#define SHISA_MAIL_MESSAGE_H
#include <stddef.h>
#include "core/buf.h"

#define MAIL_ADDR_MAX 254       /* RFC 5321 path limit, without the <> */
#define MAIL_NAME_MAX 256       /* bytes of a display name */
#define MAIL_SUBJECT_MAX 900    /* bytes of a subject */

struct mail_msg {
	const char *from_addr;          /* bare local@domain, e.g. "noreply@example.com" */
	const char *from_name;          /* UTF-8 display name; NULL or "" for none */
	const char *to_addr;
	const char *to_name;
	const char *subject;            /* UTF-8, one line, not empty */
	const char *body_text;          /* UTF-8; LF, CR or CRLF line ends */
	const char *message_id_domain;  /* right-hand side of the Message-ID */
	const char *lang;               /* "ja"/"en" for Content-Language */
};

/* Return 1 when ADDR is a plausible bare address: a dot-atom local part of at
 * most 64 bytes, '@', an ASCII host name (IDNs must arrive as punycode), at
 * most MAIL_ADDR_MAX bytes in all. No spaces, quotes, <>, comments or
 * control characters. Return 0 otherwise, and for NULL. */
int mail_addr_valid(const char *addr);

/* Write a message into ERR (ERRLEN bytes); ERR may be NULL. Shared by the
 * mail modules, which report failures this way. */
void mail_set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Append to OUT the whole message M, CRLF line ends, headers in this order:
 * Date (now, UTC), Message-ID (128 random bits from libsodium @ domain),
 * From, To, Subject, MIME-Version, Content-Type, Content-Transfer-Encoding,
 * Content-Language, Auto-Submitted. Header lines stay within 78 columns
 * unless an address alone is longer (names and subjects that would not fit
 * become folded encoded-words); the body is turned to CRLF line ends, then
 * base64 in 76-column lines.
 * Return 0, or -1 with a reason in ERR (when ERR is not NULL) and OUT left
 * as it was: a CR, LF or other control character in a header input, an
 * implausible address, invalid UTF-8, an input over its limit, a missing
 * field, or OUT reaching its maximum. Thread-safe. */
int mail_compose(struct buf *out, const struct mail_msg *m, char *err, size_t errlen);

#endif
