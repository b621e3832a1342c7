/* Reading delivery status notifications (RFC 3464): the multipart/report
 * messages an MTA sends back to the envelope sender when it could not (or
 * not yet) deliver a message. shisa reads them to learn which addresses
 * of the directory bounce (`shisa mail bounce`, fed by postfix's pipe(8)
 * transport). The input is whatever arrived at the bounce address, so
 * every byte is untrusted: a message that is not a well-formed DSN is an
 * error with a reason, never a guess. */
#ifndef SHISA_MAIL_DSN_H
#define SHISA_MAIL_DSN_H
#include <stddef.h>
#include "mail/message.h"

#define DSN_MAX_BYTES ((size_t)16 << 20)  /* a whole message, returned content included */
#define DSN_MAX_RECIPIENTS 64
#define DSN_STATUS_MAX 15                 /* "5.1.1"; class.subject.detail, at most 3 digits each */
#define DSN_DIAG_MAX 300                  /* bytes of Diagnostic-Code kept */

/* The Action field: only DSN_FAILED is a bounce; DSN_DELAYED is a
 * temporary failure the MTA is still retrying. */
enum dsn_action { DSN_FAILED, DSN_DELAYED, DSN_DELIVERED, DSN_RELAYED, DSN_EXPANDED };

struct dsn_recipient {
	/* The recipient's Internet address from Final-Recipient and from
	 * Original-Recipient (rfc822 or utf-8 address types), each "" when the
	 * field is absent or names no ASCII Internet address (an X.400 address,
	 * a UTF-8 mailbox): a bare local@domain that passes mail_addr_valid. */
	char final_addr[MAIL_ADDR_MAX + 1];
	char original_addr[MAIL_ADDR_MAX + 1];
	enum dsn_action action;
	char status[DSN_STATUS_MAX + 1];     /* the RFC 3463 code, e.g. "5.1.1" */
	char diagnostic[DSN_DIAG_MAX + 1];   /* Diagnostic-Code, printable ASCII (other bytes as '?'),
	                                      * cut at DSN_DIAG_MAX bytes; "" when absent */
};

struct dsn_report {
	char reporting_mta[256];             /* Reporting-MTA, printable ASCII; "" when absent */
	size_t n;                            /* recipients in rcpt */
	struct dsn_recipient rcpt[DSN_MAX_RECIPIENTS];
};

/* Parse the LEN bytes at MSG (a whole message: header, blank line, body;
 * LF or CRLF line ends; an mbox "From " line first is allowed) as a DSN:
 * a top-level multipart/report; report-type=delivery-status (or
 * global-delivery-status) whose message/delivery-status part (7bit, 8bit,
 * binary or base64) holds the per-message fields and one group of fields
 * per recipient. Each recipient group must have Final-Recipient, Action
 * and Status, each once, with a valid value. Return 0 with OUT filled, or
 * -1 with the reason in ERR (OUT then undefined): not a multipart/report,
 * another report type, no or two delivery-status parts, a missing closing
 * boundary, a malformed field, no recipient or more than
 * DSN_MAX_RECIPIENTS, an input over DSN_MAX_BYTES. Thread-safe; reads
 * nothing but MSG. */
int dsn_parse(const char *msg, size_t len, struct dsn_report *out, char *err, size_t errlen);

/* "failed", "delayed", "delivered", "relayed", "expanded". */
const char *dsn_action_name(enum dsn_action a);

#endif
