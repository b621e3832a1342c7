/* The mail module as the rest of shisa relies on it: what a composed message
 * looks like byte for byte, what composition refuses, and real delivery to
 * Postfix's smtp-sink, which each test starts on a free port of 127.0.0.1
 * with every transaction captured to a file that the test reads back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <regex.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include <sodium.h>
#include "core/buf.h"
#include "mail/message.h"
#include "mail/smtp.h"
#include "smtp_sink.h"


static const char subject_ja[] = "【shisa】パスワード再設定のご案内：24時間以内にリンクを開いて手続きを完了してください🌺";
static const char body_ja[] = "山田 太郎 様\n\n"
	"パスワード再設定のお申し込みを受け付けました。\n"
	"下のリンクを24時間以内に開いてください。\n"
	"https://shisa.example/reset?t=abc\n"
	"\n"
	"お心当たりのない場合は、このメールを破棄してください。\n";
static const char body_ja_crlf[] = "山田 太郎 様\r\n\r\n"
	"パスワード再設定のお申し込みを受け付けました。\r\n"
	"下のリンクを24時間以内に開いてください。\r\n"
	"https://shisa.example/reset?t=abc\r\n"
	"\r\n"
	"お心当たりのない場合は、このメールを破棄してください。\r\n";

static struct mail_msg msg_en(void)
{
	return (struct mail_msg){
		.from_addr = "noreply@shisa.example",
		.from_name = "Shisa",
		.to_addr = "alice@example.com",
		.to_name = "Alice \"Al\" Smith",
		.subject = "Reset your password",
		.body_text = "Hello Alice,\nUse this link.\r\nBye\r",
		.message_id_domain = "shisa.example",
		.lang = "en",
	};
}

static struct mail_msg msg_ja(void)
{
	return (struct mail_msg){
		.from_addr = "noreply@shisa.example",
		.from_name = "シーサー運営事務局",
		.to_addr = "taro@example.jp",
		.to_name = "山田 太郎",
		.subject = subject_ja,
		.body_text = body_ja,
		.message_id_domain = "shisa.example",
		.lang = "ja",
	};
}

static void compose(struct buf *out, const struct mail_msg *m)
{
	char err[160] = "";

	buf_init(out, 0);
	if (mail_compose(out, m, err, sizeof(err)) != 0)
		fail_msg("mail_compose refused a good message: %s", err);
}

/* The value of header NAME in the CRLF message MSG, unfolded (CRLF removed,
 * the folding space kept); malloc'd, or NULL when absent. */
static char *get_header(const char *msg, const char *name)
{
	const char *end = strstr(msg, "\r\n\r\n");
	size_t nl = strlen(name);

	assert_non_null(end);
	for (const char *p = msg; p < end; p = strstr(p, "\r\n") + 2) {
		if (strncmp(p, name, nl) != 0 || p[nl] != ':' || p[nl + 1] != ' ')
			continue;
		struct buf v;
		buf_init(&v, 0);
		const char *q = p + nl + 2;
		for (;;) {
			const char *eol = strstr(q, "\r\n");
			buf_add(&v, q, (size_t)(eol - q));
			if (eol[2] != ' ' && eol[2] != '\t')
				break;
			q = eol + 2;
		}
		return buf_detach(&v, NULL);
	}
	return NULL;
}

/* Decode an unfolded header value holding RFC 2047 words, asserting that
 * each word is a UTF-8 B word of at most 75 chars that starts on a character
 * boundary (so no character was split between two words). */
static char *decode_words(const char *v, int *nwords)
{
	struct buf out;
	bool prev_word = false;

	buf_init(&out, 0);
	*nwords = 0;
	for (;;) {
		v += strspn(v, " ");
		size_t n = strcspn(v, " ");
		if (!n)
			break;
		bool word = strncmp(v, "=?", 2) == 0;
		if (out.len && !(word && prev_word))
			buf_addc(&out, ' ');
		if (word) {
			unsigned char bin[64];
			size_t blen;
			assert_in_range(n, 13, 75);
			assert_memory_equal(v, "=?UTF-8?B?", 10);
			assert_memory_equal(v + n - 2, "?=", 2);
			assert_int_equal(sodium_base642bin(bin, sizeof(bin), v + 10, n - 12, NULL, &blen,
				NULL, sodium_base64_VARIANT_ORIGINAL), 0);
			assert_true(blen > 0 && (bin[0] & 0xc0) != 0x80);
			buf_add(&out, bin, blen);
			(*nwords)++;
		} else {
			buf_add(&out, v, n);
		}
		prev_word = word;
		v += n;
	}
	return buf_detach(&out, NULL);
}

/* The base64 body of MSG, decoded; asserts 76-char lines. */
static char *decode_body(const char *msg)
{
	const char *b = strstr(msg, "\r\n\r\n");
	assert_non_null(b);
	b += 4;
	for (const char *p = b; *p;) {
		const char *eol = strstr(p, "\r\n");
		assert_non_null(eol);
		size_t n = (size_t)(eol - p);
		if (eol[2])
			assert_int_equal(n, 76);
		else
			assert_in_range(n, 1, 76);
		p = eol + 2;
	}
	size_t n = strlen(b), blen;
	unsigned char *bin = malloc(n + 1);
	assert_non_null(bin);
	assert_int_equal(sodium_base642bin(bin, n, b, n, "\r\n", &blen, NULL,
		sodium_base64_VARIANT_ORIGINAL), 0);
	bin[blen] = '\0';
	return (char *)bin;
}

/* Every line ends CRLF, no bare CR or LF; header lines fit 78 columns and
 * those holding encoded-words 76. */
static void assert_lines(const char *msg)
{
	const char *end = strstr(msg, "\r\n\r\n");
	assert_non_null(end);
	for (const char *p = msg; *p; p++) {
		if (*p == '\n')
			assert_true(p > msg && p[-1] == '\r');
		if (*p == '\r')
			assert_int_equal(p[1], '\n');
	}
	for (const char *p = msg; p <= end; p = strstr(p, "\r\n") + 2) {
		size_t n = (size_t)(strstr(p, "\r\n") - p);
		bool words = memmem(p, n, "=?", 2) != NULL;
		if (n > (words ? 76u : 78u))
			fail_msg("header line of %zu columns: %.*s", n, (int)n, p);
	}
}

static bool matches(const char *s, const char *re)
{
	regex_t r;
	assert_int_equal(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
	bool ok = regexec(&r, s, 0, NULL, 0) == 0;
	regfree(&r);
	return ok;
}

static void test_compose_headers(void **state)
{
	(void)state;
	struct mail_msg m = msg_en();
	struct buf a, b;
	compose(&a, &m);
	assert_lines(a.data);

	const char *rest = strstr(a.data, "\r\n") + 2;
	rest = strstr(rest, "\r\n") + 2;
	assert_string_equal(rest,
		"From: \"Shisa\" <noreply@shisa.example>\r\n"
		"To: \"Alice \\\"Al\\\" Smith\" <alice@example.com>\r\n"
		"Subject: Reset your password\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: text/plain; charset=UTF-8\r\n"
		"Content-Transfer-Encoding: base64\r\n"
		"Content-Language: en\r\n"
		"Auto-Submitted: auto-generated\r\n"
		"\r\n"
		"SGVsbG8gQWxpY2UsDQpVc2UgdGhpcyBsaW5rLg0KQnllDQo=\r\n");

	char *date = get_header(a.data, "Date");
	assert_true(strncmp(a.data, "Date: ", 6) == 0);
	assert_true(matches(date, "^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} "
		"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} \\+0000$"));
	struct tm tm = {0};
	assert_non_null(strptime(date, "%a, %d %b %Y %H:%M:%S %z", &tm));
	assert_true(labs((long)(timegm(&tm) - time(NULL))) <= 5);

	char *body = decode_body(a.data);
	assert_string_equal(body, "Hello Alice,\r\nUse this link.\r\nBye\r\n");

	m.from_name = NULL;
	m.to_name = "";
	compose(&b, &m);
	char *id_a = get_header(a.data, "Message-ID"), *id_b = get_header(b.data, "Message-ID");
	assert_true(matches(id_a, "^<[0-9a-f]{32}@shisa\\.example>$"));
	assert_true(matches(id_b, "^<[0-9a-f]{32}@shisa\\.example>$"));
	assert_string_not_equal(id_a, id_b);
	assert_non_null(strstr(b.data, "\r\nFrom: noreply@shisa.example\r\nTo: alice@example.com\r\n"));

	free(date);
	free(body);
	free(id_a);
	free(id_b);
	buf_release(&a);
	buf_release(&b);
}

static void test_compose_japanese(void **state)
{
	(void)state;
	struct mail_msg m = msg_ja();
	struct buf out;
	int nwords;
	compose(&out, &m);
	assert_lines(out.data);

	char *subject = get_header(out.data, "Subject");
	char *decoded = decode_words(subject, &nwords);
	assert_string_equal(decoded, subject_ja);
	assert_true(nwords >= 3);
	free(subject);
	free(decoded);

	char *from = get_header(out.data, "From"), *to = get_header(out.data, "To");
	decoded = decode_words(from, &nwords);
	assert_string_equal(decoded, "シーサー運営事務局 <noreply@shisa.example>");
	free(decoded);
	decoded = decode_words(to, &nwords);
	assert_string_equal(decoded, "山田 太郎 <taro@example.jp>");
	free(decoded);
	free(from);
	free(to);

	assert_non_null(strstr(out.data, "\r\nContent-Language: ja\r\n"));
	assert_non_null(strstr(out.data, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
	assert_non_null(strstr(out.data, "\r\nContent-Transfer-Encoding: base64\r\n"));
	assert_non_null(strstr(out.data, "\r\nAuto-Submitted: auto-generated\r\n"));
	char *body = decode_body(out.data);
	assert_string_equal(body, body_ja_crlf);
	free(body);
	buf_release(&out);
}

/* Shift the text across word boundaries one byte at a time: wherever a
 * boundary falls, no character is split and the subject survives. ASCII
 * that is too long or looks like an encoded-word is encoded too. */
static void test_compose_subject_boundaries(void **state)
{
	(void)state;
	char subject[MAIL_SUBJECT_MAX + 1];
	const char *const plain[] = {
		"This subject is far too long to fit on one header line of 78 columns, so it is encoded",
		"=?UTF-8?B?Zm9v?= is not to be decoded",
	};
	int nwords;

	for (int pad = 0; pad < 8; pad++) {
		snprintf(subject, sizeof(subject), "%.*s%s", pad, "xxxxxxxx", subject_ja);
		struct mail_msg m = msg_ja();
		struct buf out;
		m.subject = subject;
		compose(&out, &m);
		assert_lines(out.data);
		char *v = get_header(out.data, "Subject"), *d = decode_words(v, &nwords);
		assert_string_equal(d, subject);
		free(v);
		free(d);
		buf_release(&out);
	}
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		struct mail_msg m = msg_en();
		struct buf out;
		m.subject = plain[i];
		compose(&out, &m);
		assert_lines(out.data);
		char *v = get_header(out.data, "Subject"), *d = decode_words(v, &nwords);
		assert_true(nwords >= 1);
		assert_string_equal(d, plain[i]);
		free(v);
		free(d);
		buf_release(&out);
	}
}

/* Refused with EXPECT in the error, and the output buffer untouched. */
static void assert_refused(const struct mail_msg *m, const char *expect)
{
	struct buf out;
	char err[160] = "";

	buf_init(&out, 0);
	buf_adds(&out, "kept");
	if (mail_compose(&out, m, err, sizeof(err)) != -1)
		fail_msg("accepted, expected refusal: %s", expect);
	if (!strstr(err, expect))
		fail_msg("error \"%s\" does not say \"%s\"", err, expect);
	assert_string_equal(out.data, "kept");
	buf_release(&out);
}

static void test_compose_rejects_header_injection(void **state)
{
	(void)state;
	const struct {
		size_t off;
		const char *clean;
	} fields[] = {
		{offsetof(struct mail_msg, from_addr), "noreply@shisa.example"},
		{offsetof(struct mail_msg, from_name), "Shisa"},
		{offsetof(struct mail_msg, to_addr), "alice@example.com"},
		{offsetof(struct mail_msg, to_name), "Alice"},
		{offsetof(struct mail_msg, subject), "Hello"},
		{offsetof(struct mail_msg, message_id_domain), "shisa.example"},
		{offsetof(struct mail_msg, lang), "en"},
	};
	const char *const tails[] = {"\r\nBcc: victim@evil.example", "\nBcc: victim@evil.example",
		"\rBcc: victim@evil.example", "\r\n\r\nforged body", "\r\n"};
	char in[300];

	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
			struct mail_msg m = msg_en();
			snprintf(in, sizeof(in), "%s%s", fields[f].clean, tails[t]);
			*(const char **)((char *)&m + fields[f].off) = in;
			assert_refused(&m, "contains CR or LF");
		}
	}
}

static void test_addresses(void **state)
{
	(void)state;
	char local64[65], long254[255], long255[256];
	memset(local64, 'a', 64);
	local64[64] = '\0';
	snprintf(long254, sizeof(long254), "%s@%.63s.%.63s.%.61s", local64, local64, local64, local64);
	snprintf(long255, sizeof(long255), "%s@%.63s.%.63s.%.62s", local64, local64, local64, local64);
	assert_int_equal(strlen(long254), 254);
	assert_int_equal(strlen(long255), 255);
	char over_local[80];
	snprintf(over_local, sizeof(over_local), "%sb@example.com", local64);

	const char *const good[] = {"a@b", "alice@example.com", "first.last+tag@sub.example.co.jp",
		"o'brien@example.ie", "x_y-z@a-b.example", "UPPER@EXAMPLE.COM", long254};
	const char *const bad[] = {"", "alice", "@example.com", "alice@", "alice@@example.com",
		"al ice@example.com", "alice@exa mple.com", " alice@example.com", "<alice@example.com>",
		"alice@example.com>", "Alice <alice@example.com>", "\"alice\"@example.com",
		"\"a b\"@example.com", ".alice@example.com", "alice.@example.com", "al..ice@example.com",
		"alice@example..com", "alice@.example.com", "alice@example.com.", "alice@-example.com",
		"alice@example-.com", "alice@exa_mple.com", "alice@[127.0.0.1]", "alice(c)@example.com",
		"alice,bob@example.com", "alice@example.com,bob@example.com", "alice;@example.com",
		"alice\\@example.com", "\xc3\xa5lice@example.com", "alice@\xe4\xbe\x8b.jp", "alice\t@example.com",
		"alice\x7f@example.com", over_local, long255};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (mail_addr_valid(good[i]) != 1)
			fail_msg("refused a good address: %s", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (mail_addr_valid(bad[i]) != 0)
			fail_msg("accepted a bad address: %s", bad[i]);
	assert_int_equal(mail_addr_valid(NULL), 0);

	struct mail_msg m = msg_en();
	m.to_addr = "Alice <alice@example.com>";
	assert_refused(&m, "to_addr is not a plausible address");
	m = msg_en();
	m.from_addr = "noreply@shisa.example, victim@evil.example";
	assert_refused(&m, "from_addr is not a plausible address");
	m = msg_en();
	m.to_addr = long255;
	assert_refused(&m, "to_addr is longer than 254 bytes");
}

static void test_compose_rejects_invalid_utf8(void **state)
{
	(void)state;
	const char *const bad[] = {
		"caf\xc3\x28",          /* continuation byte missing */
		"\xc0\xaf",             /* overlong '/' */
		"\xed\xa0\x80",         /* surrogate */
		"\xe3\x81",             /* truncated */
		"\xf4\x90\x80\x80",     /* past U+10FFFF */
		"\xff",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mail_msg m = msg_ja();
		m.subject = bad[i];
		assert_refused(&m, "subject is not valid UTF-8");
		m = msg_ja();
		m.to_name = bad[i];
		assert_refused(&m, "to_name is not valid UTF-8");
		m = msg_ja();
		m.body_text = bad[i];
		assert_refused(&m, "body_text is not valid UTF-8");
	}
}

static void test_compose_rejects_other_bad_input(void **state)
{
	(void)state;
	char big[MAIL_SUBJECT_MAX + 2];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	struct mail_msg m = msg_en();

	m.subject = "tab\there";
	assert_refused(&m, "subject contains a control character");
	m = msg_en();
	m.from_name = "esc\x1b[31m";
	assert_refused(&m, "from_name contains a control character");
	m = msg_en();
	m.subject = big;
	assert_refused(&m, "subject is longer than 900 bytes");
	m = msg_en();
	m.subject = NULL;
	assert_refused(&m, "subject is missing");
	m = msg_en();
	m.subject = "";
	assert_refused(&m, "subject is empty");
	m = msg_en();
	m.message_id_domain = "shisa.example>";
	assert_refused(&m, "message_id_domain is not a host name");
	m = msg_en();
	m.lang = "en; x=y";
	assert_refused(&m, "lang is not a language tag");
	m = msg_en();
	m.body_text = NULL;
	assert_refused(&m, "body_text is missing");

	struct buf small;
	char err[160] = "";
	buf_init(&small, 100);
	m = msg_en();
	assert_int_equal(mail_compose(&small, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "larger than the buffer allows"));
	assert_int_equal(small.len, 0);
	buf_release(&small);
}

/* S with CRLF turned to LF, as smtp-sink writes its captures; malloc'd. */
static char *to_lf(const char *s)
{
	struct buf b;
	buf_init(&b, 0);
	for (; *s; s++)
		if (!(s[0] == '\r' && s[1] == '\n'))
			buf_addc(&b, *s);
	return buf_detach(&b, NULL);
}

/* S with LF turned to CRLF; malloc'd. */
static char *to_crlf(const char *s)
{
	struct buf b;
	buf_init(&b, 0);
	for (; *s; s++) {
		if (*s == '\n')
			buf_addc(&b, '\r');
		buf_addc(&b, *s);
	}
	return buf_detach(&b, NULL);
}

/* Send M through the sink, then check what it captured: the envelope, and
 * after smtp-sink's own headers exactly the message we sent. */
static void deliver_and_check(const struct sink *s, const struct mail_msg *m, const char *body_crlf)
{
	struct smtp_config cfg = {.host = "127.0.0.1", .port = s->port, .timeout_ms = 5000};
	struct buf out;
	char err[256] = "", from_line[300];
	int nwords;

	compose(&out, m);
	int rc = smtp_send(&cfg, m->from_addr, m->to_addr, out.data, out.len, err, sizeof(err));
	if (rc != SMTP_SENT)
		fail_msg("smtp_send returned %d: %s", rc, err);

	char *sent = to_lf(out.data);
	char *tail = malloc(strlen(sent) + 2);
	assert_non_null(tail);
	sprintf(tail, "%s\n", sent);
	char *cap = wait_capture(s, m->to_addr, tail);

	snprintf(from_line, sizeof(from_line), "\nX-Mail-Args: <%s>", m->from_addr);
	assert_non_null(strstr(cap, from_line));
	assert_true(strncmp(cap, "X-Client-Addr: 127.0.0.1\n", 25) == 0);
	const char *recv = strstr(cap, "\nReceived: from ");
	assert_non_null(recv);
	const char *msg = strchr(strchr(strchr(recv + 1, '\n') + 1, '\n') + 1, '\n') + 1;
	assert_string_equal(msg, tail);

	cap[strlen(cap) - 1] = '\0';     /* smtp-sink's closing empty line */
	char *crlf = to_crlf(msg);
	char *subject = get_header(crlf, "Subject"), *decoded = decode_words(subject, &nwords);
	if (nwords)
		assert_string_equal(decoded, m->subject);
	else
		assert_string_equal(subject, m->subject);
	assert_non_null(strstr(crlf, "\r\nContent-Language: "));
	assert_non_null(strstr(crlf, "\r\nAuto-Submitted: auto-generated\r\n"));
	char *body = decode_body(crlf);
	assert_string_equal(body, body_crlf);

	free(body);
	free(subject);
	free(decoded);
	free(crlf);
	free(cap);
	free(tail);
	free(sent);
	buf_release(&out);
}

static void test_smtp_delivers(void **state)
{
	struct sink *s = *state;
	struct mail_msg en = msg_en(), ja = msg_ja();

	sink_start(s, NULL, NULL);
	deliver_and_check(s, &en, "Hello Alice,\r\nUse this link.\r\nBye\r\n");
	deliver_and_check(s, &ja, body_ja_crlf);
}

static void test_smtp_closed_port_is_temporary(void **state)
{
	(void)state;
	int port, fd = bind_free_port(&port);  /* bound, not listening: refused */
	struct smtp_config cfg = {.host = "127.0.0.1", .port = port, .timeout_ms = 3000};
	char err[256] = "";

	assert_int_equal(smtp_send(&cfg, "noreply@shisa.example", "alice@example.com",
		"Subject: x\r\n\r\nx\r\n", 17, err, sizeof(err)), SMTP_TEMPFAIL);
	assert_non_null(strstr(err, "(no reply)"));
	close(fd);
}

static void test_smtp_rcpt_5xx_is_permanent(void **state)
{
	struct sink *s = *state;
	char err[256] = "";

	sink_start(s, "-f", "RCPT");
	struct smtp_config cfg = {.host = "127.0.0.1", .port = s->port, .timeout_ms = 5000};
	assert_int_equal(smtp_send(&cfg, "noreply@shisa.example", "nobody@example.com",
		"Subject: x\r\n\r\nx\r\n", 17, err, sizeof(err)), SMTP_PERMFAIL);
	assert_non_null(strstr(err, "reply 500"));
}

static void test_smtp_rcpt_4xx_is_temporary(void **state)
{
	struct sink *s = *state;
	char err[256] = "";

	sink_start(s, "-r", "RCPT");
	struct smtp_config cfg = {.host = "127.0.0.1", .port = s->port, .timeout_ms = 5000};
	assert_int_equal(smtp_send(&cfg, "noreply@shisa.example", "busy@example.com",
		"Subject: x\r\n\r\nx\r\n", 17, err, sizeof(err)), SMTP_TEMPFAIL);
	assert_non_null(strstr(err, "reply 450"));
}

static void test_smtp_timeout_is_temporary(void **state)
{
	struct sink *s = *state;
	char err[256] = "";
	struct timespec t0, t1;

	sink_start(s, "-W", "RCPT:5");
	struct smtp_config cfg = {.host = "127.0.0.1", .port = s->port, .timeout_ms = 500};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(smtp_send(&cfg, "noreply@shisa.example", "slow@example.com",
		"Subject: x\r\n\r\nx\r\n", 17, err, sizeof(err)), SMTP_TEMPFAIL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 3);
	assert_non_null(strstr(err, "timed out"));
}

static void test_smtp_rejects_bad_arguments(void **state)
{
	(void)state;
	struct smtp_config cfg = {.host = "127.0.0.1", .port = 25};
	struct smtp_config evil = {.host = "user:pw@evil.example/x", .port = 25};
	char err[256] = "";

	assert_int_equal(smtp_send(&cfg, "noreply@shisa.example", "alice@example.com\r\nRCPT TO:<x@y>",
		"x", 1, err, sizeof(err)), SMTP_PERMFAIL);
	assert_non_null(strstr(err, "not plausible"));
	assert_int_equal(smtp_send(&evil, "noreply@shisa.example", "alice@example.com",
		"x", 1, err, sizeof(err)), SMTP_PERMFAIL);
	assert_non_null(strstr(err, "host or port"));
	cfg.port = 0;
	assert_int_equal(smtp_send(&cfg, "noreply@shisa.example", "alice@example.com",
		"x", 1, NULL, 0), SMTP_PERMFAIL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compose_headers),
		cmocka_unit_test(test_compose_japanese),
		cmocka_unit_test(test_compose_subject_boundaries),
		cmocka_unit_test(test_compose_rejects_header_injection),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_compose_rejects_invalid_utf8),
		cmocka_unit_test(test_compose_rejects_other_bad_input),
		cmocka_unit_test_setup_teardown(test_smtp_delivers, sink_setup, sink_teardown),
		cmocka_unit_test(test_smtp_closed_port_is_temporary),
		cmocka_unit_test_setup_teardown(test_smtp_rcpt_5xx_is_permanent, sink_setup, sink_teardown),
		cmocka_unit_test_setup_teardown(test_smtp_rcpt_4xx_is_temporary, sink_setup, sink_teardown),
		cmocka_unit_test_setup_teardown(test_smtp_timeout_is_temporary, sink_setup, sink_teardown),
		cmocka_unit_test(test_smtp_rejects_bad_arguments),
	};

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
