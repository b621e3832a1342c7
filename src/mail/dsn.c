/* The DSN reader; see dsn.h. Three layers, each over a byte range of the
 * message and nothing more: header fields (RFC 5322 with folding, which is
 * also the syntax of the delivery-status groups), MIME structure
 * (Content-Type parameters and multipart boundaries, RFC 2045/2046), and
 * the RFC 3464 fields themselves. Only the values kept are copied, each
 * into a bounded buffer; the one allocation is for a base64 status part. */
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mail/dsn.h"

#define FIELD_NAME_MAX 76
#define FIELD_VALUE_MAX 4095
#define BOUNDARY_MAX 200     /* RFC 2046 allows 70; some MTAs exceed it */
#define ECHO_MAX 60          /* bytes of a bad value quoted in an error */

/* A byte range of the message. */
struct span {
	const char *p, *end;
};

struct field {
	char name[FIELD_NAME_MAX + 1];
	char value[FIELD_VALUE_MAX + 1];   /* unfolded, runs of blanks as one space, trimmed */
	size_t len;
	bool truncated;                    /* the value was longer than FIELD_VALUE_MAX */
};

struct mime_head {
	bool has_type;
	char type[128];                    /* "multipart/report", lower case */
	char boundary[BOUNDARY_MAX + 1];
	char report_type[64];              /* lower case */
	char cte[32];                      /* Content-Transfer-Encoding, lower case; "" when absent */
};

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower(*a) != lower(*b))
			return false;
	return *a == *b;
}

/* A MIME token character (RFC 2045): printable ASCII but tspecials. */
static bool is_tchar(char c)
{
	return c > 32 && c < 127 && !strchr("()<>@,;:\\\"/[]?=", c);
}

/* Copy up to ECHO_MAX bytes of S for an error message, unprintable bytes as '?'. */
static const char *echo(const char *s, char out[ECHO_MAX + 4])
{
	size_t n = 0;
	for (; s[n] && n < ECHO_MAX; n++)
		out[n] = s[n] >= 32 && s[n] < 127 ? s[n] : '?';
	if (s[n]) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}

/* Copy S into OUT (OUTLEN bytes) as printable ASCII, other bytes as '?'. */
static void copy_printable(char *out, size_t outlen, const char *s)
{
	size_t n = 0;
	for (; s[n] && n + 1 < outlen; n++)
		out[n] = s[n] >= 32 && s[n] < 127 ? s[n] : '?';
	out[n] = '\0';
}

/* The next line of S, without its LF or CRLF: false at the end. */
static bool next_line(struct span *s, const char **line, const char **line_end)
{
	if (s->p >= s->end)
		return false;
	const char *nl = memchr(s->p, '\n', (size_t)(s->end - s->p));
	const char *e = nl ? nl : s->end;
	*line = s->p;
	*line_end = e > s->p && e[-1] == '\r' ? e - 1 : e;
	s->p = nl ? nl + 1 : s->end;
	return true;
}

static bool blank(const char *p, const char *end)
{
	while (p < end && is_wsp(*p))
		p++;
	return p == end;
}

/* Append [P, END) to F's value with blanks collapsed. */
static void append_value(struct field *f, const char *p, const char *end)
{
	for (; p < end; p++) {
		char c = is_wsp(*p) ? ' ' : *p;
		if (c == ' ' && (f->len == 0 || f->value[f->len - 1] == ' '))
			continue;
		if (f->len == FIELD_VALUE_MAX) {
			f->truncated = true;
			return;
		}
		f->value[f->len++] = c;
	}
}

/* Read the next field of a block of fields (a header, or a group of the
 * delivery-status part) from S into F. Return 1 for a field, 0 when the
 * block ends (a blank line, consumed, or the end of S), -1 on a malformed
 * line with ERR saying where. */
static int next_field(struct span *s, struct field *f, const char *where, char *err, size_t errlen)
{
	const char *line, *le;
	if (!next_line(s, &line, &le) || blank(line, le))
		return 0;
	if (memchr(line, '\0', (size_t)(le - line)))
		return fail(err, errlen, "%s: a NUL byte in a field", where);
	if (is_wsp(*line))
		return fail(err, errlen, "%s: a continuation line with no field before it", where);
	const char *colon = memchr(line, ':', (size_t)(le - line));
	if (!colon)
		return fail(err, errlen, "%s: a line that is not a field (no colon)", where);
	const char *ne = colon;
	while (ne > line && is_wsp(ne[-1]))
		ne--;
	size_t nlen = (size_t)(ne - line);
	if (nlen == 0 || nlen > FIELD_NAME_MAX)
		return fail(err, errlen, "%s: a field with an empty or overlong name", where);
	for (size_t i = 0; i < nlen; i++)
		if (line[i] <= 32 || line[i] >= 127)
			return fail(err, errlen, "%s: a field name with a character that is not printable ASCII", where);
	memcpy(f->name, line, nlen);
	f->name[nlen] = '\0';
	f->len = 0;
	f->truncated = false;
	append_value(f, colon + 1, le);
	for (;;) {
		struct span peek = *s;
		if (!next_line(&peek, &line, &le) || blank(line, le) || !is_wsp(*line))
			break;
		if (memchr(line, '\0', (size_t)(le - line)))
			return fail(err, errlen, "%s: a NUL byte in a field", where);
		*s = peek;
		append_value(f, line, le);
	}
	while (f->len > 0 && f->value[f->len - 1] == ' ')
		f->len--;
	f->value[f->len] = '\0';
	return 1;
}

/* Skip blanks and (nested) comments. *BAD is set on an unterminated comment. */
static const char *skip_cfws(const char *p, bool *bad)
{
	for (;;) {
		while (is_wsp(*p))
			p++;
		if (*p != '(')
			return p;
		int depth = 0;
		do {
			if (*p == '\0') {
				*bad = true;
				return p;
			}
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '(')
				depth++;
			else if (*p == ')')
				depth--;
			p++;
		} while (depth > 0);
	}
}

/* Read a token into OUT (lower case when FOLD). Return its length, or
 * OUTLEN when it did not fit. */
static size_t read_token(const char **pp, char *out, size_t outlen, bool fold)
{
	const char *p = *pp;
	size_t n = 0;
	while (is_tchar(*p)) {
		if (n + 1 < outlen)
			out[n] = fold ? lower(*p) : *p;
		n++;
		p++;
	}
	*pp = p;
	if (n + 1 > outlen) {
		out[outlen - 1] = '\0';
		return outlen;
	}
	out[n] = '\0';
	return n;
}

/* Content-Type: type/subtype, then parameters; boundary and report-type
 * are kept, others skipped. */
static int parse_content_type(const char *v, struct mime_head *h, const char *where, char *err, size_t errlen)
{
	bool bad = false;
	const char *p = skip_cfws(v, &bad);
	char sub[64];
	size_t tn = read_token(&p, h->type, 64, true);
	if (tn == 0 || tn >= 64 || *p != '/')
		return fail(err, errlen, "%s: Content-Type is not type/subtype", where);
	p++;
	size_t sn = read_token(&p, sub, sizeof(sub), true);
	if (sn == 0 || sn >= sizeof(sub))
		return fail(err, errlen, "%s: Content-Type is not type/subtype", where);
	h->type[tn] = '/';
	memcpy(h->type + tn + 1, sub, sn + 1);
	for (;;) {
		p = skip_cfws(p, &bad);
		if (bad)
			return fail(err, errlen, "%s: Content-Type has an unterminated comment", where);
		if (*p == '\0')
			break;
		if (*p != ';')
			return fail(err, errlen, "%s: Content-Type wants ';' before each parameter", where);
		p = skip_cfws(p + 1, &bad);
		if (bad)
			return fail(err, errlen, "%s: Content-Type has an unterminated comment", where);
		if (*p == '\0')
			break;   /* a trailing ';' */
		char attr[64], val[BOUNDARY_MAX + 1];
		size_t an = read_token(&p, attr, sizeof(attr), true);
		if (an == 0 || an >= sizeof(attr))
			return fail(err, errlen, "%s: Content-Type has a parameter without a proper name", where);
		p = skip_cfws(p, &bad);
		if (*p != '=')
			return fail(err, errlen, "%s: Content-Type parameter %s has no value", where, attr);
		p = skip_cfws(p + 1, &bad);
		size_t vn = 0;
		bool quoted = *p == '"';
		if (quoted) {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				if (vn < BOUNDARY_MAX)
					val[vn] = *p;
				vn++;
			}
			if (*p != '"')
				return fail(err, errlen, "%s: Content-Type parameter %s has an unterminated quoted string",
				            where, attr);
			p++;
		} else {
			for (; is_tchar(*p); p++) {
				if (vn < BOUNDARY_MAX)
					val[vn] = *p;
				vn++;
			}
			if (vn == 0)
				return fail(err, errlen, "%s: Content-Type parameter %s has no value", where, attr);
		}
		val[vn < BOUNDARY_MAX ? vn : BOUNDARY_MAX] = '\0';
		if (!strcmp(attr, "boundary")) {
			if (vn == 0 || vn > BOUNDARY_MAX)
				return fail(err, errlen, "%s: the boundary is empty or longer than %d bytes", where,
				            BOUNDARY_MAX);
			if (h->boundary[0])
				return fail(err, errlen, "%s: Content-Type has two boundaries", where);
			memcpy(h->boundary, val, vn + 1);
		} else if (!strcmp(attr, "report-type")) {
			size_t i = 0;
			for (; val[i] && i + 1 < sizeof(h->report_type); i++)
				h->report_type[i] = lower(val[i]);
			h->report_type[i] = '\0';
		}
	}
	return 0;
}

/* Read the header of a message or body part: Content-Type and
 * Content-Transfer-Encoding are kept. Return 0 or -1. */
static int read_mime_head(struct span *s, struct mime_head *h, const char *where, char *err, size_t errlen)
{
	struct field f;
	int rc;
	memset(h, 0, sizeof(*h));
	while ((rc = next_field(s, &f, where, err, errlen)) == 1) {
		if (ieq(f.name, "Content-Type")) {
			if (h->has_type)
				return fail(err, errlen, "%s: two Content-Type fields", where);
			if (f.truncated)
				return fail(err, errlen, "%s: Content-Type is longer than %d bytes", where, FIELD_VALUE_MAX);
			if (parse_content_type(f.value, h, where, err, errlen) < 0)
				return -1;
			h->has_type = true;
		} else if (ieq(f.name, "Content-Transfer-Encoding")) {
			bool bad = false;
			const char *p = skip_cfws(f.value, &bad);
			size_t n = read_token(&p, h->cte, sizeof(h->cte), true);
			if (n == 0 || n >= sizeof(h->cte))
				return fail(err, errlen, "%s: a malformed Content-Transfer-Encoding", where);
		}
	}
	return rc;
}

static bool identity_encoding(const char *cte)
{
	return !*cte || !strcmp(cte, "7bit") || !strcmp(cte, "8bit") || !strcmp(cte, "binary");
}

/* Whether [LINE, LE) is the delimiter "--BOUNDARY" or, with *CLOSE, the
 * closing "--BOUNDARY--", either followed by nothing but blanks. */
static bool is_delimiter(const char *line, const char *le, const char *b, size_t bl, bool *close)
{
	if ((size_t)(le - line) < bl + 2 || line[0] != '-' || line[1] != '-' || memcmp(line + 2, b, bl) != 0)
		return false;
	const char *p = line + 2 + bl;
	*close = le - p >= 2 && p[0] == '-' && p[1] == '-';
	if (*close)
		p += 2;
	return blank(p, le);
}

/* Walk the parts of a multipart body and find the one delivery-status
 * part: its body in *STATUS, its header in *SH. */
static int find_status_part(struct span body, const char *boundary, struct span *status, struct mime_head *sh,
                            char *err, size_t errlen)
{
	size_t bl = strlen(boundary);
	const char *line, *le, *part = NULL;
	bool closed = false, found = false;
	int nparts = 0;
	while (!closed && next_line(&body, &line, &le)) {
		bool close;
		if (!is_delimiter(line, le, boundary, bl, &close))
			continue;
		if (part) {
			/* The line end before a delimiter belongs to the delimiter. */
			const char *pe = line;
			if (pe > part && pe[-1] == '\n')
				pe--;
			if (pe > part && pe[-1] == '\r')
				pe--;
			struct span ps = {part, pe};
			struct mime_head h;
			char where[48];
			snprintf(where, sizeof(where), "the header of part %d", ++nparts);
			if (read_mime_head(&ps, &h, where, err, errlen) < 0)
				return -1;
			if (!strcmp(h.type, "message/delivery-status") || !strcmp(h.type, "message/global-delivery-status")) {
				if (found)
					return fail(err, errlen, "the report has two delivery-status parts");
				found = true;
				*status = ps;
				*sh = h;
			}
		}
		closed = close;
		part = body.p;
	}
	if (!part)
		return fail(err, errlen, "no line of the body is the boundary \"--%.*s\"", ECHO_MAX, boundary);
	if (!closed)
		return fail(err, errlen, "the report ends without its closing boundary (truncated?)");
	if (!found)
		return fail(err, errlen, "the report has no message/delivery-status part");
	return 0;
}

/* "rfc822; user@example.jp" into OUT: "" for an address type that is not
 * an Internet mailbox or a mailbox that is not ASCII. */
static int parse_address(const char *v, char *out, const char *field, int group, char *err, size_t errlen)
{
	char e[ECHO_MAX + 4];
	const char *semi = strchr(v, ';');
	if (!semi)
		return fail(err, errlen, "delivery-status group %d: %s \"%s\" has no address type"
		            " (want \"rfc822; user@example.jp\")", group, field, echo(v, e));
	char type[32];
	size_t tn = 0;
	const char *p = v;
	while (p < semi && is_wsp(*p))
		p++;
	for (; p < semi && !is_wsp(*p); p++, tn++)
		if (tn + 1 < sizeof(type))
			type[tn] = lower(*p);
	if (!blank(p, semi) || tn == 0 || tn >= sizeof(type))
		return fail(err, errlen, "delivery-status group %d: %s \"%s\" has a malformed address type", group, field,
		            echo(v, e));
	type[tn] = '\0';
	/* The address: blanks, a comment after it and one pair of <> removed. */
	const char *a = semi + 1;
	while (is_wsp(*a))
		a++;
	const char *ae = a + strcspn(a, "(");
	while (ae > a && is_wsp(ae[-1]))
		ae--;
	if (ae - a >= 2 && *a == '<' && ae[-1] == '>') {
		a++;
		ae--;
	}
	out[0] = '\0';
	if (strcmp(type, "rfc822") != 0 && strcmp(type, "utf-8") != 0)
		return 0;
	for (const char *q = a; q < ae; q++)
		if ((unsigned char)*q >= 0x80)
			return 0;
	char addr[MAIL_ADDR_MAX + 1];
	size_t n = (size_t)(ae - a);
	if (n == 0)
		return fail(err, errlen, "delivery-status group %d: %s has an empty address", group, field);
	if (n > MAIL_ADDR_MAX)
		return fail(err, errlen, "delivery-status group %d: %s is longer than %d bytes", group, field,
		            MAIL_ADDR_MAX);
	memcpy(addr, a, n);
	addr[n] = '\0';
	if (!mail_addr_valid(addr))
		return fail(err, errlen, "delivery-status group %d: %s \"%s\" is not a plausible address", group, field,
		            echo(addr, e));
	memcpy(out, addr, n + 1);
	return 0;
}

static const char *const action_names[] = {"failed", "delayed", "delivered", "relayed", "expanded"};

const char *dsn_action_name(enum dsn_action a)
{
	return (unsigned)a <= DSN_EXPANDED ? action_names[a] : "?";
}

static int parse_action(const char *v, enum dsn_action *out, int group, char *err, size_t errlen)
{
	char word[16], e[ECHO_MAX + 4];
	bool bad = false;
	const char *p = skip_cfws(v, &bad);
	size_t n = read_token(&p, word, sizeof(word), true);
	p = skip_cfws(p, &bad);
	for (size_t i = 0; n < sizeof(word) && !*p && !bad && i <= DSN_EXPANDED; i++) {
		if (!strcmp(word, action_names[i])) {
			*out = (enum dsn_action)i;
			return 0;
		}
	}
	return fail(err, errlen, "delivery-status group %d: Action \"%s\" is not failed, delayed, delivered, relayed"
	            " or expanded", group, echo(v, e));
}

/* An RFC 3463 code: class 2, 4 or 5, then two numbers of 1 to 3 digits. */
static int parse_status(const char *v, char *out, int group, char *err, size_t errlen)
{
	char e[ECHO_MAX + 4];
	const char *p = v;
	bool ok = *p == '2' || *p == '4' || *p == '5';
	p++;
	for (int part = 0; ok && part < 2; part++) {
		ok = *p == '.';
		int digits = 0;
		for (p++; ok && *p >= '0' && *p <= '9'; p++)
			digits++;
		ok = ok && digits >= 1 && digits <= 3;
	}
	bool bad = false;
	if (ok) {
		size_t n = (size_t)(p - v);
		p = skip_cfws(p, &bad);
		if (!*p && !bad) {
			memcpy(out, v, n);
			out[n] = '\0';
			return 0;
		}
	}
	return fail(err, errlen, "delivery-status group %d: Status \"%s\" is not a code such as 5.1.1 (RFC 3463)",
	            group, echo(v, e));
}

/* The fields of one group of the delivery-status part, as they are read. */
struct group {
	bool final, original, action, status, diagnostic;
	struct dsn_recipient r;
};

/* One field of group G. */
static int take_field(struct group *g, const struct field *f, int group, struct dsn_report *out, char *err,
                      size_t errlen)
{
	static const char *const once[] = {"Final-Recipient", "Original-Recipient", "Action", "Status"};
	bool *seen[] = {&g->final, &g->original, &g->action, &g->status};
	for (size_t i = 0; i < 4; i++) {
		if (!ieq(f->name, once[i]))
			continue;
		if (*seen[i])
			return fail(err, errlen, "delivery-status group %d has two %s fields", group, once[i]);
		*seen[i] = true;
		if (f->truncated)
			return fail(err, errlen, "delivery-status group %d: %s is longer than %d bytes", group, once[i],
			            FIELD_VALUE_MAX);
		switch (i) {
		case 0: return parse_address(f->value, g->r.final_addr, once[i], group, err, errlen);
		case 1: return parse_address(f->value, g->r.original_addr, once[i], group, err, errlen);
		case 2: return parse_action(f->value, &g->r.action, group, err, errlen);
		default: return parse_status(f->value, g->r.status, group, err, errlen);
		}
	}
	if (ieq(f->name, "Diagnostic-Code") && !g->diagnostic) {
		g->diagnostic = true;
		copy_printable(g->r.diagnostic, sizeof(g->r.diagnostic), f->value);
	} else if (ieq(f->name, "Reporting-MTA") && group == 1) {
		copy_printable(out->reporting_mta, sizeof(out->reporting_mta), f->value);
	}
	return 0;
}

/* The delivery-status content: groups of fields separated by blank lines,
 * the per-message group first, then one group per recipient. A group
 * with none of the recipient fields is the per-message one (or an
 * extension's, and skipped). */
static int parse_groups(struct span s, struct dsn_report *out, char *err, size_t errlen)
{
	int group = 0;
	for (;;) {
		struct span peek = s;
		const char *line, *le;
		while (next_line(&peek, &line, &le) && blank(line, le))
			s = peek;
		if (s.p >= s.end)
			break;
		group++;
		char where[64];
		snprintf(where, sizeof(where), "delivery-status group %d", group);
		struct group g;
		struct field f;
		int rc;
		memset(&g, 0, sizeof(g));
		while ((rc = next_field(&s, &f, where, err, errlen)) == 1)
			if (take_field(&g, &f, group, out, err, errlen) < 0)
				return -1;
		if (rc < 0)
			return -1;
		if (!g.final && !g.original && !g.action && !g.status)
			continue;
		if (!g.final || !g.action || !g.status)
			return fail(err, errlen, "delivery-status group %d names a recipient but has no %s field", group,
			            !g.final ? "Final-Recipient" : !g.action ? "Action" : "Status");
		if (out->n == DSN_MAX_RECIPIENTS)
			return fail(err, errlen, "the report names more than %d recipients", DSN_MAX_RECIPIENTS);
		out->rcpt[out->n++] = g.r;
	}
	if (out->n == 0)
		return fail(err, errlen, "the delivery-status part names no recipient");
	return 0;
}

int dsn_parse(const char *msg, size_t len, struct dsn_report *out, char *err, size_t errlen)
{
	char e[ECHO_MAX + 4];
	memset(out, 0, sizeof(*out));
	if (!msg || len == 0)
		return fail(err, errlen, "the message is empty");
	if (len > DSN_MAX_BYTES)
		return fail(err, errlen, "the message is larger than %zu bytes", DSN_MAX_BYTES);
	struct span s = {msg, msg + len};
	const char *line, *le;
	if (len >= 5 && !memcmp(msg, "From ", 5))
		next_line(&s, &line, &le);   /* an mbox envelope line, as pipe(8) adds with flags=F */
	struct mime_head top;
	if (read_mime_head(&s, &top, "the message header", err, errlen) < 0)
		return -1;
	if (!top.has_type)
		return fail(err, errlen, "not a delivery status notification: the message has no Content-Type");
	if (strcmp(top.type, "multipart/report") != 0)
		return fail(err, errlen, "not a delivery status notification: the message is %s, not multipart/report",
		            echo(top.type, e));
	if (strcmp(top.report_type, "delivery-status") != 0 && strcmp(top.report_type, "global-delivery-status") != 0)
		return fail(err, errlen, "not a delivery status notification: report-type is \"%s\"",
		            echo(top.report_type, e));
	if (!top.boundary[0])
		return fail(err, errlen, "the multipart/report has no boundary");
	if (!identity_encoding(top.cte))
		return fail(err, errlen, "a multipart message cannot have Content-Transfer-Encoding %s", echo(top.cte, e));
	struct span status;
	struct mime_head sh;
	if (find_status_part(s, top.boundary, &status, &sh, err, errlen) < 0)
		return -1;
	if (identity_encoding(sh.cte))
		return parse_groups(status, out, err, errlen);
	if (strcmp(sh.cte, "base64") != 0)
		return fail(err, errlen, "the delivery-status part has Content-Transfer-Encoding %s (want 7bit, 8bit, "
		            "binary or base64)", echo(sh.cte, e));
	size_t n = (size_t)(status.end - status.p), decoded = 0;
	char *bin = malloc(n + 1);
	if (!bin)
		return fail(err, errlen, "out of memory");
	const char *stop = NULL;
	int rc;
	if (sodium_base642bin((unsigned char *)bin, n + 1, status.p, n, " \t\r\n", &decoded, &stop,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 || stop != status.end)
		rc = fail(err, errlen, "the delivery-status part is not valid base64");
	else
		rc = parse_groups((struct span){bin, bin + decoded}, out, err, errlen);
	free(bin);
	return rc;
}
