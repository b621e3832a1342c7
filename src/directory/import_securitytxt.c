/* Reading a security.txt file (RFC 9116) into a team record.
 *
 * Only Contact maps onto the record: "mailto:" addresses become incident
 * report addresses and "tel:" numbers phone numbers, in the file's order
 * (the order of preference). Expires is checked (a file past it, or
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

static int contact(struct import_doc *d, struct import_record *r, const struct import_line *l, const char *v, size_t n)
{
	if (n > 7 && !strncasecmp(v, "mailto:", 7)) {
		const char *q = memchr(v, '?', n);   /* "mailto:a@b?subject=…" */
		size_t an = (q ? (size_t)(q - v) : n) - 7;
		return import_add_item(r, "contacts", import_contact("email_incident", v + 7, an, "", 0), l->no, l->s, l->n);
	}
	if (n > 4 && !strncasecmp(v, "tel:", 4))
		return import_add_item(r, "contacts", import_contact("phone_voice", v + 4, n - 4, "", 0), l->no, l->s, l->n);
	if (!memchr(v, ':', n) && memchr(v, '@', n))   /* a bare address, against the RFC but clear */
		return import_add_item(r, "contacts", import_contact("email_incident", v, n, "", 0), l->no, l->s, l->n);
	return import_issue_add(d, false, l->no, 0, l->s, l->n, "",
	                        n > 8 && !strncasecmp(v, "https://", 8) ? "import.web_contact" : "import.contact_uri",
	                        NULL, NULL, NULL, NULL);
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
