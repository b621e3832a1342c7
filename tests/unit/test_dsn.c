/* The DSN reader (RFC 3464): real notifications as postfix and other MTAs
 * write them give exactly the recipients, actions, statuses and addresses
 * they hold; every kind of malformed message is refused with a reason
 * that names the problem, and nothing is read outside the input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mail/dsn.h"

/* A DSN in postfix's layout (LF line ends): TOP is the Content-Type value
 * of the message, STATUS_HEAD the header lines of the status part, GROUPS
 * its body. Returns a malloc'd message. */
static char *dsn(const char *top, const char *status_head, const char *groups)
{
	static const char fmt[] =
		"Return-Path: <>\n"
		"From: MAILER-DAEMON@mail.shisa.example.jp (Mail Delivery System)\n"
		"Subject: Undelivered Mail Returned to Sender\n"
		"MIME-Version: 1.0\n"
		"Content-Type: %s\n"
		"\n"
		"This is a MIME-encapsulated message.\n"
		"\n"
		"--B0UND\n"
		"Content-Description: Notification\n"
		"Content-Type: text/plain; charset=us-ascii\n"
		"\n"
		"This is the mail system at host mail.shisa.example.jp.\n"
		"\n"
		"--B0UND\n"
		"%s"
		"\n"
		"%s"
		"\n"
		"--B0UND\n"
		"Content-Type: text/rfc822-headers\n"
		"\n"
		"From: shisa <noreply@shisa.example.jp>\n"
		"Subject: Please confirm your directory record\n"
		"\n"
		"--B0UND--\n";
	size_t n = strlen(fmt) + strlen(top) + strlen(status_head) + strlen(groups) + 1;
	char *m = malloc(n);
	assert_non_null(m);
	snprintf(m, n, fmt, top, status_head, groups);
	return m;
}

#define TOP "multipart/report; report-type=delivery-status;\n\tboundary=\"B0UND\""
#define STATUS_HEAD "Content-Description: Delivery report\nContent-Type: message/delivery-status\n"
#define PER_MESSAGE "Reporting-MTA: dns; mail.shisa.example.jp\nX-Postfix-Queue-ID: 4VfQ2k0Xh3z9s3\n" \
	"Arrival-Date: Tue, 14 May 2024 10:00:01 +0900 (JST)\n\n"
#define FAILED "Final-Recipient: rfc822; info@team-a.example.jp\nOriginal-Recipient: rfc822;info@team-a.example.jp\n" \
	"Action: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.team-a.example.jp\n" \
	"Diagnostic-Code: smtp; 550 5.1.1 <info@team-a.example.jp>: Recipient address\n" \
	"    rejected: User unknown in virtual mailbox table\n"

static struct dsn_report rep;
static char err[512];

static int parse(const char *m)
{
	return dsn_parse(m, strlen(m), &rep, err, sizeof(err));
}

static void postfix_bounce(void **state)
{
	char *m = dsn(TOP, STATUS_HEAD, PER_MESSAGE FAILED);
	assert_int_equal(parse(m), 0);
	assert_int_equal(rep.n, 1);
	assert_string_equal(rep.reporting_mta, "dns; mail.shisa.example.jp");
	assert_string_equal(rep.rcpt[0].final_addr, "info@team-a.example.jp");
	assert_string_equal(rep.rcpt[0].original_addr, "info@team-a.example.jp");
	assert_int_equal(rep.rcpt[0].action, DSN_FAILED);
	assert_string_equal(rep.rcpt[0].status, "5.1.1");
	/* Folded lines are joined, runs of blanks become one space. */
	assert_string_equal(rep.rcpt[0].diagnostic, "smtp; 550 5.1.1 <info@team-a.example.jp>: Recipient address "
	                    "rejected: User unknown in virtual mailbox table");
	free(m);
}

static void delayed_is_not_failed(void **state)
{
	char *m = dsn(TOP, STATUS_HEAD, PER_MESSAGE "Final-Recipient: rfc822; soc@team-b.example.jp\n"
	              "Action: delayed\nStatus: 4.4.1\nWill-Retry-Until: Sun, 19 May 2024 10:00:01 +0900 (JST)\n");
	assert_int_equal(parse(m), 0);
	assert_int_equal(rep.n, 1);
	assert_int_equal(rep.rcpt[0].action, DSN_DELAYED);
	assert_string_equal(rep.rcpt[0].status, "4.4.1");
	assert_string_equal(rep.rcpt[0].original_addr, "");
	assert_string_equal(dsn_action_name(rep.rcpt[0].action), "delayed");
	free(m);
}

/* Another MTA's style: CRLF, quoted report-type after the boundary with a
 * comment, upper-case address types, a comment after the action, an
 * address in <>, and a second recipient that was delivered. */
static void generic_crlf_two_recipients(void **state)
{
	static const char m[] =
		"From: Mail Delivery Subsystem <MAILER-DAEMON@mx1.example.org>\r\n"
		"Subject: Returned mail: see transcript for details\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: multipart/report; boundary=\"==_DSN_1\";\r\n"
		"  report-type=\"delivery-status\" (RFC 3464)\r\n"
		"\r\n"
		"--==_DSN_1\r\n"
		"Content-Type: text/plain\r\n"
		"\r\n"
		"   ----- The following addresses had permanent fatal errors -----\r\n"
		"\r\n"
		"--==_DSN_1\r\n"
		"Content-Type: Message/Delivery-Status\r\n"
		"\r\n"
		"Reporting-MTA: DNS; mx1.example.org\r\n"
		"\r\n"
		"Final-Recipient: RFC822; taro.yamada@team-c.example.org\r\n"
		"Original-Recipient: RFC822; <Taro.Yamada@Team-C.example.org>\r\n"
		"Action: Failed (mailbox full)\r\n"
		"Status: 5.2.2 (mailbox full)\r\n"
		"Diagnostic-Code: SMTP; 552 5.2.2 Mailbox full\r\n"
		"\r\n"
		"\r\n"
		"final-recipient: rfc822; desk@team-c.example.org\r\n"
		"ACTION: delivered\r\n"
		"status: 2.0.0\r\n"
		"\r\n"
		"--==_DSN_1--\r\n"
		"epilogue\r\n";
	assert_int_equal(parse(m), 0);
	assert_int_equal(rep.n, 2);
	assert_string_equal(rep.rcpt[0].final_addr, "taro.yamada@team-c.example.org");
	assert_string_equal(rep.rcpt[0].original_addr, "Taro.Yamada@Team-C.example.org");
	assert_int_equal(rep.rcpt[0].action, DSN_FAILED);
	assert_string_equal(rep.rcpt[0].status, "5.2.2");
	assert_string_equal(rep.rcpt[0].diagnostic, "SMTP; 552 5.2.2 Mailbox full");
	assert_string_equal(rep.rcpt[1].final_addr, "desk@team-c.example.org");
	assert_int_equal(rep.rcpt[1].action, DSN_DELIVERED);
	assert_string_equal(rep.reporting_mta, "DNS; mx1.example.org");
}

/* A global DSN (RFC 6533) whose status part is base64, as Exchange may send. */
static void global_base64(void **state)
{
	static const char status[] = "Reporting-MTA: dns; mx.example.net\r\n\r\n"
	                             "Final-Recipient: utf-8; noc@team-d.example.net\r\n"
	                             "Action: failed\r\nStatus: 5.1.10\r\n";
	char b64[512], head[700];
	sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)status, strlen(status),
	                  sodium_base64_VARIANT_ORIGINAL);
	/* Lines of 76 as MIME writes them. */
	char wrapped[600];
	size_t w = 0;
	for (size_t i = 0; b64[i]; i++) {
		if (i && i % 76 == 0)
			wrapped[w++] = '\n';
		wrapped[w++] = b64[i];
	}
	wrapped[w++] = '\n';
	wrapped[w] = '\0';
	snprintf(head, sizeof(head), "Content-Type: message/global-delivery-status\nContent-Transfer-Encoding: BASE64\n");
	char *m = dsn("multipart/report; report-type=global-delivery-status; boundary=B0UND", head, wrapped);
	assert_int_equal(parse(m), 0);
	assert_int_equal(rep.n, 1);
	assert_string_equal(rep.rcpt[0].final_addr, "noc@team-d.example.net");
	assert_string_equal(rep.rcpt[0].status, "5.1.10");
	free(m);
}

/* Addresses that are not ASCII Internet mailboxes are kept out, not errors. */
static void foreign_addresses_are_empty(void **state)
{
	char *m = dsn(TOP, STATUS_HEAD, PER_MESSAGE
	              "Final-Recipient: x400; /C=JP/ADMD=ANY/PRMD=EXAMPLE/S=Yamada/\nAction: failed\nStatus: 5.1.1\n\n"
	              "Final-Recipient: utf-8; \xe5\xb1\xb1\xe7\x94\xb0@example.jp\nAction: failed\nStatus: 5.1.1\n");
	assert_int_equal(parse(m), 0);
	assert_int_equal(rep.n, 2);
	assert_string_equal(rep.rcpt[0].final_addr, "");
	assert_string_equal(rep.rcpt[1].final_addr, "");
	free(m);
}

/* pipe(8) with flags=F writes an mbox "From " line first. */
static void mbox_from_line(void **state)
{
	char *m = dsn(TOP, STATUS_HEAD, PER_MESSAGE FAILED);
	char *with = malloc(strlen(m) + 64);
	sprintf(with, "From MAILER-DAEMON  Tue May 14 10:00:02 2024\n%s", m);
	assert_int_equal(parse(with), 0);
	assert_int_equal(rep.n, 1);
	free(with);
	free(m);
}

/* Diagnostic text is kept printable and bounded. */
static void diagnostic_is_printable_and_bounded(void **state)
{
	char groups[2048];
	char longtext[1000];
	memset(longtext, 'x', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	snprintf(groups, sizeof(groups), PER_MESSAGE "Final-Recipient: rfc822; a@example.jp\nAction: failed\n"
	         "Status: 5.0.0\nDiagnostic-Code: smtp; 550 \xe5\x8f\x97\x1b[31m %s\n", longtext);
	char *m = dsn(TOP, STATUS_HEAD, groups);
	assert_int_equal(parse(m), 0);
	assert_int_equal(strlen(rep.rcpt[0].diagnostic), DSN_DIAG_MAX);
	static const char shown[] = "smtp; 550 ????[31m xxx";
	assert_memory_equal(rep.rcpt[0].diagnostic, shown, sizeof(shown) - 1);
	free(m);
}

struct bad {
	const char *name;
	const char *top;
	const char *status_head;
	const char *groups;
	const char *want;     /* a part of the error message */
};

static void malformed_are_refused_with_a_reason(void **state)
{
	static const struct bad cases[] = {
		{"not a report", "text/plain; charset=us-ascii", STATUS_HEAD, PER_MESSAGE FAILED, "not multipart/report"},
		{"a read receipt", "multipart/report; report-type=disposition-notification; boundary=B0UND", STATUS_HEAD,
		 PER_MESSAGE FAILED, "report-type is \"disposition-notification\""},
		{"no report-type", "multipart/report; boundary=B0UND", STATUS_HEAD, PER_MESSAGE FAILED, "report-type"},
		{"no boundary", "multipart/report; report-type=delivery-status", STATUS_HEAD, PER_MESSAGE FAILED,
		 "no boundary"},
		{"another boundary", "multipart/report; report-type=delivery-status; boundary=OTHER", STATUS_HEAD,
		 PER_MESSAGE FAILED, "no line of the body is the boundary"},
		{"unterminated quote", "multipart/report; report-type=delivery-status; boundary=\"B0UND", STATUS_HEAD,
		 PER_MESSAGE FAILED, "unterminated quoted string"},
		{"unterminated comment", "multipart/report; (comment boundary=B0UND", STATUS_HEAD, PER_MESSAGE FAILED,
		 "unterminated comment"},
		{"a parameter without a value", "multipart/report; report-type; boundary=B0UND", STATUS_HEAD,
		 PER_MESSAGE FAILED, "has no value"},
		{"not type/subtype", "multipart", STATUS_HEAD, PER_MESSAGE FAILED, "not type/subtype"},
		{"two boundaries", "multipart/report; report-type=delivery-status; boundary=B0UND; boundary=B0UND",
		 STATUS_HEAD, PER_MESSAGE FAILED, "two boundaries"},
		{"no status part", TOP, "Content-Type: text/plain\n", PER_MESSAGE FAILED, "no message/delivery-status part"},
		{"quoted-printable status", TOP, STATUS_HEAD "Content-Transfer-Encoding: quoted-printable\n",
		 PER_MESSAGE FAILED, "quoted-printable"},
		{"bad base64 status", TOP, STATUS_HEAD "Content-Transfer-Encoding: base64\n", "!!!! not base64 ****\n",
		 "not valid base64"},
		{"only per-message fields", TOP, STATUS_HEAD, PER_MESSAGE, "names no recipient"},
		{"no Final-Recipient", TOP, STATUS_HEAD, PER_MESSAGE "Action: failed\nStatus: 5.1.1\n",
		 "no Final-Recipient"},
		{"no Action", TOP, STATUS_HEAD, PER_MESSAGE "Final-Recipient: rfc822; a@example.jp\nStatus: 5.1.1\n",
		 "no Action"},
		{"no Status", TOP, STATUS_HEAD, PER_MESSAGE "Final-Recipient: rfc822; a@example.jp\nAction: failed\n",
		 "no Status"},
		{"two Actions", TOP, STATUS_HEAD,
		 PER_MESSAGE "Final-Recipient: rfc822; a@example.jp\nAction: failed\nAction: delayed\nStatus: 5.1.1\n",
		 "two Action fields"},
		{"unknown action", TOP, STATUS_HEAD,
		 PER_MESSAGE "Final-Recipient: rfc822; a@example.jp\nAction: bounced\nStatus: 5.1.1\n", "Action \"bounced\""},
		{"status class 6", TOP, STATUS_HEAD,
		 PER_MESSAGE "Final-Recipient: rfc822; a@example.jp\nAction: failed\nStatus: 6.1.1\n", "Status \"6.1.1\""},
		{"status of two numbers", TOP, STATUS_HEAD,
		 PER_MESSAGE "Final-Recipient: rfc822; a@example.jp\nAction: failed\nStatus: 5.1\n", "Status \"5.1\""},
		{"status detail of four digits", TOP, STATUS_HEAD,
		 PER_MESSAGE "Final-Recipient: rfc822; a@example.jp\nAction: failed\nStatus: 5.1.1234\n", "Status"},
		{"status with junk", TOP, STATUS_HEAD,
		 PER_MESSAGE "Final-Recipient: rfc822; a@example.jp\nAction: failed\nStatus: 5.1.1x\n", "Status"},
		{"address without a type", TOP, STATUS_HEAD,
		 PER_MESSAGE "Final-Recipient: a@example.jp\nAction: failed\nStatus: 5.1.1\n", "no address type"},
		{"an empty address", TOP, STATUS_HEAD,
		 PER_MESSAGE "Final-Recipient: rfc822; <>\nAction: failed\nStatus: 5.1.1\n", "empty address"},
		{"not an address", TOP, STATUS_HEAD,
		 PER_MESSAGE "Final-Recipient: rfc822; not an address\nAction: failed\nStatus: 5.1.1\n",
		 "not a plausible address"},
		{"a line that is no field", TOP, STATUS_HEAD, PER_MESSAGE "this line has no colon\n", "no colon"},
		{"a continuation first", TOP, STATUS_HEAD, PER_MESSAGE " Final-Recipient: rfc822; a@example.jp\n",
		 "continuation"},
		{"a part with two Content-Types", TOP, STATUS_HEAD "Content-Type: message/delivery-status\n",
		 PER_MESSAGE FAILED, "two Content-Type fields"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *m = dsn(cases[i].top, cases[i].status_head, cases[i].groups);
		err[0] = '\0';
		if (parse(m) != -1)
			fail_msg("%s: parsed", cases[i].name);
		if (!strstr(err, cases[i].want))
			fail_msg("%s: error \"%s\" does not say \"%s\"", cases[i].name, err, cases[i].want);
		free(m);
	}
}

static void structure_errors(void **state)
{
	char *m = dsn(TOP, STATUS_HEAD, PER_MESSAGE FAILED);
	/* Cut before the closing boundary: a truncated report. */
	char *close = strstr(m, "--B0UND--");
	assert_int_equal(dsn_parse(m, (size_t)(close - m), &rep, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "closing boundary"));
	/* Two delivery-status parts. */
	char *twice = malloc(2 * strlen(m) + 1);
	char *part = strstr(m, "--B0UND\nContent-Description: Delivery report");
	size_t head = (size_t)(part - m), plen = (size_t)(strstr(part + 8, "--B0UND") - part);
	memcpy(twice, m, head + plen);
	memcpy(twice + head + plen, part, strlen(part) + 1);
	assert_int_equal(parse(twice), -1);
	assert_non_null(strstr(err, "two delivery-status parts"));
	free(twice);
	/* A NUL byte in the header. */
	m[10] = '\0';
	size_t len = strlen(m + 11) + 11;
	assert_int_equal(dsn_parse(m, len, &rep, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "NUL"));
	free(m);
	/* Empty, too large, a multipart that claims base64. */
	assert_int_equal(dsn_parse("", 0, &rep, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "empty"));
	assert_int_equal(dsn_parse("x", DSN_MAX_BYTES + 1, &rep, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "larger than"));
	m = dsn(TOP "\nContent-Transfer-Encoding: base64", STATUS_HEAD, PER_MESSAGE FAILED);
	assert_int_equal(parse(m), -1);
	assert_non_null(strstr(err, "cannot have Content-Transfer-Encoding"));
	free(m);
}

static void too_many_recipients(void **state)
{
	size_t cap = 64 * 1024;
	char *groups = malloc(cap);
	size_t n = (size_t)snprintf(groups, cap, "%s", PER_MESSAGE);
	for (int i = 0; i <= DSN_MAX_RECIPIENTS; i++)
		n += (size_t)snprintf(groups + n, cap - n, "Final-Recipient: rfc822; r%d@example.jp\nAction: failed\n"
		                      "Status: 5.1.1\n\n", i);
	char *m = dsn(TOP, STATUS_HEAD, groups);
	assert_int_equal(parse(m), -1);
	assert_non_null(strstr(err, "more than 64 recipients"));
	free(m);
	free(groups);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(postfix_bounce),
		cmocka_unit_test(delayed_is_not_failed),
		cmocka_unit_test(generic_crlf_two_recipients),
		cmocka_unit_test(global_base64),
		cmocka_unit_test(foreign_addresses_are_empty),
		cmocka_unit_test(mbox_from_line),
		cmocka_unit_test(diagnostic_is_printable_and_bounded),
		cmocka_unit_test(malformed_are_refused_with_a_reason),
		cmocka_unit_test(structure_errors),
		cmocka_unit_test(too_many_recipients),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
