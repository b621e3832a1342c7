/* Reading a security.txt file (RFC 9116) into a team record.
 *
 * Only Contact maps onto the record: "mailto:" addresses become incident
 * report addresses and "tel:" numbers voice phone numbers, in the file's
 * order (the order of preference), unless the team already has that
 * address or number: then it keeps its kind and form (import_apply.c). Expires is checked (a file past it, or
 * without one, is out of date and said so); every other field has no
 * place in the team record and is reported as skipped, as are lines that
 * are not "Field: value". A security.txt names no team, so it can only
 * update one that exists. A clear-signed file is read from its signed
 * text (import_unarmor); the signature is checked in import_apply.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "directory/import_int.h"
#include "http/form.h"

/* Fields RFC 9116 defines (and CSAF, registered since) that the team
 * record has no place for. */
static const char *const unmapped[] = {"Acknowledgments", "Canonical", "Encryption", "Hiring", "Policy",
                                       "Preferred-Languages", "CSAF", NULL};

/* An RFC 3339 date-time ("2026-12-31T23:59:59Z", "…+09:00") as Unix
 * seconds; -1 when it is not one. */
static int64_t rfc3339(const char *s, size_t n)
{
	char buf[64];
	if (n < 20 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	struct tm tm = {0};
	char *rest = strptime(buf, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!rest)
		return -1;
	if (*rest == '.')
		for (rest++; isdigit((unsigned char)*rest); rest++)
			;
	long off = 0;
	if (*rest == 'Z' || *rest == 'z') {
		rest++;
	} else if ((*rest == '+' || *rest == '-') && isdigit((unsigned char)rest[1]) && isdigit((unsigned char)rest[2]) &&
	           rest[3] == ':' && isdigit((unsigned char)rest[4]) && isdigit((unsigned char)rest[5])) {
		off = ((rest[1] - '0') * 10 + (rest[2] - '0')) * 3600L + ((rest[4] - '0') * 10 + (rest[5] - '0')) * 60L;
		if (*rest == '-')
			off = -off;
		rest += 6;
	} else {
		return -1;
	}
	if (*rest)
		return -1;
	return (int64_t)timegm(&tm) - off;
}

/* "tel:+81-3-1234-5678;ext=12" (RFC 3966) as the record writes numbers:
 * "+81-3-1234-5678 ext. 12"; other parameters are dropped. */
static json_t *tel_contact(const char *v, size_t n)
{
	const char *semi = memchr(v, ';', n), *ext = NULL;
	size_t num = semi ? (size_t)(semi - v) : n, extn = 0;
	for (const char *p = semi; p && p < v + n; p = memchr(p + 1, ';', (size_t)(v + n - p - 1))) {
		if ((size_t)(v + n - p) > 5 && !strncasecmp(p, ";ext=", 5)) {
			ext = p + 5;
			const char *e = memchr(ext, ';', (size_t)(v + n - ext));
			extn = (size_t)((e ? e : v + n) - ext);
		}
	}
	struct buf b;
	buf_init(&b, 4096);
	buf_add(&b, v, num);
	if (ext && extn) {
		buf_adds(&b, " ext. ");
		buf_add(&b, ext, extn);
	}
	json_t *c = b.data ? import_contact("phone_voice", b.data, b.len, "", 0) : NULL;
	buf_release(&b);
	return c;
}

/* "mailto:a@b.jp?subject=x" (RFC 6068): the address, %-escapes decoded. */
static json_t *mailto_contact(const char *v, size_t n)
{
	const char *q = memchr(v, '?', n);
	size_t an = q ? (size_t)(q - v) : n;
	char *addr = malloc(an + 1);
	long len = addr ? form_url_decode(v, an, addr, false) : -1;
	json_t *c = len >= 0 && utf8_valid(addr, (size_t)len) ? import_contact("email_incident", addr, (size_t)len, "", 0)
	                                                      : NULL;
	free(addr);
	return c;
}

static int contact(struct import_doc *d, struct import_record *r, const struct import_line *l, const char *v, size_t n)
{
	json_t *c = NULL;
	if (n > 7 && !strncasecmp(v, "mailto:", 7))
		c = mailto_contact(v + 7, n - 7);
	else if (n > 4 && !strncasecmp(v, "tel:", 4))
		c = tel_contact(v + 4, n - 4);
	else if (!memchr(v, ':', n) && memchr(v, '@', n))   /* a bare address, against the RFC but clear */
		c = import_contact("email_incident", v, n, "", 0);
	else
		return import_issue_add(d, false, l->no, 0, l->s, l->n, "",
		                        n > 8 && !strncasecmp(v, "https://", 8) ? "import.web_contact" : "import.contact_uri",
		                        NULL, NULL, NULL, NULL);
	if (!c)   /* a %-escape that is not one, or not UTF-8 */
		return import_issue_add(d, true, l->no, 0, l->s, l->n, "Contact", "import.contact_bad_uri", NULL, NULL, NULL, NULL);
	return import_add_item(r, "contacts", c, l->no, l->s, l->n);
}

static int expires(struct import_doc *d, const struct import_line *l, const char *v, size_t n, int64_t now)
{
	int64_t when = rfc3339(v, n);
	if (when < 0)
		return import_issue_add(d, false, l->no, 0, l->s, l->n, "", "import.expires_syntax", NULL, NULL, NULL,
		                        NULL);
	if (when < now)
		return import_issue_add(d, false, l->no, 0, l->s, l->n, "", "import.expired", NULL, NULL, NULL, NULL);
	return 0;
}

int import_parse_securitytxt(struct import_doc *d, const char *data, size_t n)
{
	struct import_lines it;
	struct import_line l;
	struct import_record *r;
	size_t nexpires = 0;
	int rc = 0;
	import_unarmor(d, data, n, &it);
	if (!(r = import_record_add(d, 1, 0)))
		return -1;
	while (rc == 0 && import_lines_next(&it, &l)) {
		if (!import_line_ok(d, &l, 0))
			continue;
		size_t tn = l.n;
		const char *t = import_trim(l.s, &tn);
		if (tn == 0 || t[0] == '#')
			continue;
		size_t name_n = 0;
		while (name_n < tn && (isalnum((unsigned char)t[name_n]) || t[name_n] == '-'))
			name_n++;
		if (name_n == 0 || name_n == tn || t[name_n] != ':') {
			rc = import_issue_add(d, false, l.no, 0, l.s, l.n, "", "import.not_a_field", NULL, NULL, NULL, NULL);
			continue;
		}
		size_t vn = tn - name_n - 1;
		const char *v = import_trim(t + name_n + 1, &vn);
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)(name_n < 60 ? name_n : 60), t);
		if (import_equals(t, name_n, "Contact")) {
			rc = contact(d, r, &l, v, vn);
			continue;
		}
		if (import_equals(t, name_n, "Expires")) {
			if (nexpires++)
				rc = import_issue_add(d, false, l.no, 0, l.s, l.n, "", "import.expires_twice", NULL, NULL, NULL,
				                      NULL);
			else
				rc = expires(d, &l, v, vn, (int64_t)time(NULL));
			continue;
		}
		bool known = false;
		for (size_t i = 0; unmapped[i] && !known; i++)
			known = import_equals(t, name_n, unmapped[i]);
		rc = import_issue_add(d, false, l.no, 0, l.s, l.n, "", known ? "import.no_place" : "import.unknown_field",
		                      "name", name, NULL, NULL);
	}
	if (rc == 0 && nexpires == 0)
		rc = import_issue_add(d, false, 0, 0, "", 0, "Expires", "import.expires_missing", NULL, NULL, NULL, NULL);
	if (rc == 0 && !json_object_get(r->change, "contacts"))
		rc = import_issue_add(d, true, 0, 0, "", 0, "Contact", "import.no_contact", NULL, NULL, NULL, NULL);
	return rc;
}
