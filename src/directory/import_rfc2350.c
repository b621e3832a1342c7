/* Reading an RFC 2350 document ("Expectations for Computer Security
 * Incident Response", appendix D's template) into a team record.
 *
 * Sections are found by their numbered headings ("2.7 Electronic Mail
 * Address", also as Markdown "## 2.7 ...") and recognised by their
 * titles, not their numbers, which real documents shift about. A
 * section's text is the lines up to the next heading, less their common
 * indentation; subsections of a text section ("5.1 Incident Response"
 * under "5. Services") stay part of its text. Contact sections are read
 * item by item, "value (hours)"; the charter and policy sections become
 * the record's texts, in Japanese when they hold kana or kanji. What has
 * no place in the record (document information, key references, free
 * text, unknown sections) is reported as skipped, once per section. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "directory/import_int.h"
#include "directory/team_input.h"

enum target {
	T_DOCINFO, T_CONTAINER, T_NAME, T_ADDRESS, T_TZ, T_PHONE, T_FAX, T_OTHER_TELECOM, T_EMAIL, T_KEYS,
	T_MEMBERS, T_OTHER_INFO, T_CUSTOMER_CONTACT, T_TEXT, T_UNKNOWN
};

struct kind {
	const char *words[4];   /* any of them in the lowercased title */
	enum target target;
	const char *text;       /* the record's text section, for T_TEXT */
};

/* First match wins: "Electronic Mail Address" before "Address". */
static const struct kind kinds[] = {
	{{"electronic mail", "e-mail", "email"}, T_EMAIL, NULL},
	{{"last update"}, T_DOCINFO, NULL},
	{{"distribution list"}, T_DOCINFO, NULL},
	{{"locations where", "document may be found", "location of this document"}, T_DOCINFO, NULL},
	{{"authenticating", "document authentication"}, T_DOCINFO, NULL},
	{{"name of the team", "team name", "name of team"}, T_NAME, NULL},
	{{"address"}, T_ADDRESS, NULL},
	{{"time zone", "timezone"}, T_TZ, NULL},
	{{"other telecommunication"}, T_OTHER_TELECOM, NULL},
	{{"telephone", "phone"}, T_PHONE, NULL},
	{{"facsimile", "fax"}, T_FAX, NULL},
	{{"public key", "encryption"}, T_KEYS, NULL},
	{{"team members", "members"}, T_MEMBERS, NULL},
	{{"other information"}, T_OTHER_INFO, NULL},
	{{"customer contact", "points of contact"}, T_CUSTOMER_CONTACT, NULL},
	{{"mission"}, T_TEXT, "mission"},
	{{"constituency"}, T_TEXT, "constituency"},
	{{"sponsorship", "affiliation"}, T_TEXT, "sponsorship"},
	{{"authority"}, T_TEXT, "authority"},
	{{"types of incidents", "incident types", "level of support"}, T_TEXT, "policy_incident_types"},
	{{"co-operation", "cooperation", "interaction", "disclosure"}, T_TEXT, "policy_cooperation"},
	{{"communication"}, T_TEXT, "policy_communication"},
	{{"reporting form", "incident reporting"}, T_TEXT, "incident_reporting"},
	{{"services"}, T_TEXT, "services"},
	{{"disclaimer"}, T_TEXT, "disclaimers"},
};

/* Sections that only hold others. */
static const char *const containers[] = {"document information", "contact information", "charter", "policies", NULL};

/* What a document writes for "nothing here". */
static const char *const nothing[] = {"not published.", "not published", "none", "none.", "n/a", "n/a.", "-",
                                      "not applicable", "not applicable.", "not available", "not available.", NULL};

struct line_ref {
	const char *s;
	size_t n, no;
};

struct section {
	bool open;
	char num[24];
	size_t line;               /* of the heading */
	const char *head;          /* the heading as written, trimmed */
	size_t head_n;
	const char *title;
	size_t title_n;
	enum target target;
	const char *text;
	struct line_ref *lines;
	size_t nlines, cap;
};

struct parser {
	struct import_doc *d;
	struct import_record *r;
	int top;                   /* the current top-level section number */
	bool website_set;
	int rc;
};

static bool has_word(const char *title, size_t n, const char *word)
{
	char low[128];
	size_t k = n < sizeof(low) - 1 ? n : sizeof(low) - 1;
	for (size_t i = 0; i < k; i++)
		low[i] = (char)tolower((unsigned char)title[i]);
	low[k] = '\0';
	return strstr(low, word) != NULL;
}

static void classify(struct section *s)
{
	size_t n = s->title_n;
	while (n && (s->title[n - 1] == ':' || s->title[n - 1] == '.' || s->title[n - 1] == '*'))
		n--;
	for (size_t i = 0; containers[i]; i++) {
		if (import_equals(s->title, n, containers[i])) {
			s->target = T_CONTAINER;
			return;
		}
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		for (size_t w = 0; w < 4 && kinds[i].words[w]; w++) {
			if (has_word(s->title, n, kinds[i].words[w])) {
				s->target = kinds[i].target;
				s->text = kinds[i].text;
				return;
			}
		}
	}
	s->target = T_UNKNOWN;
}

/* A heading: "2.7 Title", "3. Title", "## 2.7 Title". NUM gets "2.7"; the
 * top-level number may not go back (a numbered list inside a section is
 * text), and the title starts with a letter. */
static bool heading(const struct parser *p, const char *s, size_t n, char num[24], const char **title, size_t *tn)
{
	size_t i = 0;
	while (i < n && i < 8 && (s[i] == ' ' || s[i] == '\t' || s[i] == '#'))
		i++;
	size_t numstart = i, parts = 0;
	int top = -1;
	while (i < n && isdigit((unsigned char)s[i])) {
		int value = 0;
		for (size_t d = i; i < n && isdigit((unsigned char)s[i]) && i - d < 3; i++)
			value = value * 10 + (s[i] - '0');
		if (i < n && isdigit((unsigned char)s[i]))
			return false;
		if (top < 0)
			top = value;
		parts++;
		if (i < n && s[i] == '.')
			i++;
		else
			break;
	}
	if (parts == 0 || parts > 4 || i >= n || (s[i] != ' ' && s[i] != '\t') || top < p->top || top > 20)
		return false;
	size_t numlen = i - numstart;
	while (numlen && s[numstart + numlen - 1] == '.')
		numlen--;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i >= n || !(isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80))
		return false;
	size_t len = n - i;
	const char *t = import_trim(s + i, &len);
	if (len > 100 || memchr(t, '@', len) || memmem(t, len, "://", 3) || numlen >= 24)
		return false;
	memcpy(num, s + numstart, numlen);
	num[numlen] = '\0';
	*title = t;
	*tn = len;
	return true;
}

static void add_line(struct parser *p, struct section *s, const char *text, size_t n, size_t no)
{
	if (s->nlines == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 32;
		struct line_ref *l = realloc(s->lines, cap * sizeof(*l));
		if (!l) {
			p->rc = -1;
			return;
		}
		s->lines = l;
		s->cap = cap;
	}
	s->lines[s->nlines++] = (struct line_ref){text, n, no};
}

/* The section's lines less their common indentation (the first line
 * less all of its own: "2.2 Address" written as "   1-1 Chiyoda" and
 * then unindented lines is common), without blank lines at either end,
 * joined by "\n" into OUT; *FIRST gets the line number of the first,
 * *FROM and *TO the range of lines used. */
static size_t indent_of(const struct line_ref *l)
{
	size_t k = 0;
	while (k < l->n && (l->s[k] == ' ' || l->s[k] == '\t'))
		k++;
	return k;
}

static bool blank_line(const struct line_ref *l)
{
	size_t n = l->n;
	import_trim(l->s, &n);
	return n == 0;
}

static void body_text(const struct section *s, struct buf *out, size_t *first, size_t *from, size_t *to)
{
	size_t b = 0, e = s->nlines;
	while (b < e && blank_line(&s->lines[b]))
		b++;
	while (e > b && blank_line(&s->lines[e - 1]))
		e--;
	*first = b < e ? s->lines[b].no : s->line;
	*from = b;
	*to = e;
	size_t indent = b < e ? indent_of(&s->lines[b]) : 0;
	for (size_t i = b + 1; i < e; i++)
		if (!blank_line(&s->lines[i]) && indent_of(&s->lines[i]) < indent)
			indent = indent_of(&s->lines[i]);
	for (size_t i = b; i < e; i++) {
		const char *t = s->lines[i].s;
		size_t n = s->lines[i].n;
		size_t cut = i == b ? indent_of(&s->lines[i]) : indent < n ? indent : n;
		t += cut;
		n -= cut;
		while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
			n--;
		if (i > b)
			buf_addc(out, '\n');
		buf_add(out, t, n);
	}
}

static bool says_nothing(const char *s, size_t n)
{
	s = import_trim(s, &n);
	for (size_t i = 0; nothing[i]; i++)
		if (import_equals(s, n, nothing[i]))
			return true;
	return n == 0;
}

/* A whole section not imported, told at its heading. */
static void skipped_section(struct parser *p, const struct section *s, const char *key)
{
	if (import_issue_add(p->d, false, s->line, 0, s->head, s->head_n, "", key, NULL, NULL, NULL, NULL) < 0)
		p->rc = -1;
}

static void set(struct parser *p, const char *path, const char *v, size_t n, size_t line, const char *src, size_t srcn)
{
	if (import_set(p->r, path, v, n, line, src, srcn) < 0)
		p->rc = -1;
}

/* A bilingual field in the language of its text. */
static void set_lang(struct parser *p, const char *field, const char *v, size_t n, size_t line, const char *src,
                     size_t srcn)
{
	char path[64];
	snprintf(path, sizeof(path), "%s.%s", field, import_is_japanese(v, n) ? "ja" : "en");
	set(p, path, v, n, line, src, srcn);
}

static bool labelled(const char *s, size_t n, const char *label, const char **rest, size_t *rn)
{
	size_t ln = strlen(label);
	if (n < ln || strncasecmp(s, label, ln) != 0)
		return false;
	*rn = n - ln;
	*rest = import_trim(s + ln, rn);
	return true;
}

static bool has_digit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (isdigit((unsigned char)s[i]))
			return true;
	return false;
}

static void name_section(struct parser *p, const struct section *s, size_t from, size_t to)
{
	struct buf joined;
	buf_init(&joined, 4096);
	size_t line = 0;
	for (size_t i = from; i < to; i++) {
		size_t n = s->lines[i].n;
		const char *t = import_trim(s->lines[i].s, &n), *rest;
		size_t rn;
		if (labelled(t, n, "short name:", &rest, &rn) || labelled(t, n, "abbreviation:", &rest, &rn)) {
			if (rn)
				set(p, "short_name", rest, rn, s->lines[i].no, t, n);
		} else if (labelled(t, n, "full name:", &rest, &rn) || labelled(t, n, "official name:", &rest, &rn) ||
		           labelled(t, n, "name:", &rest, &rn)) {
			if (rn)
				set_lang(p, "name", rest, rn, s->lines[i].no, t, n);
		} else if (n) {
			if (joined.len)
				buf_addc(&joined, ' ');
			buf_add(&joined, t, n);
			if (!line)
				line = s->lines[i].no;
		}
	}
	if (joined.len) {
		/* "Full Name (SHORT)" or "SHORT (Full Name)". */
		const char *t = joined.data, *h;
		size_t vn, hn;
		import_split_hours(t, joined.len, &vn, &h, &hn);
		if (hn && !memchr(h, ' ', hn) && hn <= 40) {
			set(p, "short_name", h, hn, line, t, joined.len);
			set_lang(p, "name", t, vn, line, t, joined.len);
		} else if (hn && !memchr(t, ' ', vn)) {
			set(p, "short_name", t, vn, line, t, joined.len);
			set_lang(p, "name", h, hn, line, t, joined.len);
		} else {
			set_lang(p, "name", t, joined.len, line, t, joined.len);
		}
	}
	buf_release(&joined);
}

/* A time zone: an IANA name anywhere in the text ("Europe/Vienna
 * (CET/CEST)"), or the text itself when it is one word (checked later,
 * so "JST" is refused with its suggestion). */
static void tz_section(struct parser *p, const struct section *s, const char *text, size_t n, size_t line)
{
	const char *t = text;
	size_t words = 0;
	for (size_t i = 0; i < n;) {
		while (i < n && (t[i] == ' ' || t[i] == '\n' || t[i] == '\t' || t[i] == ',' || t[i] == '(' || t[i] == ')'))
			i++;
		size_t w = i;
		while (i < n && !(t[i] == ' ' || t[i] == '\n' || t[i] == '\t' || t[i] == ',' || t[i] == '(' || t[i] == ')'))
			i++;
		if (i == w)
			continue;
		words++;
		/* "Area/City": a capital, lowercase letters, a slash. */
		const char *slash = memchr(t + w, '/', i - w);
		if (slash && slash > t + w + 1 && isupper((unsigned char)t[w]) && islower((unsigned char)t[w + 1]) &&
		    isalpha((unsigned char)slash[1])) {
			set(p, "tz", t + w, i - w, line, text, n);
			return;
		}
	}
	if (words == 1) {
		size_t k = n;
		const char *w = import_trim(t, &k);
		set(p, "tz", w, k, line, text, n);
		return;
	}
	if (import_issue_add(p->d, false, line, 0, text, n, "tz", "import.tz_free_text", NULL, NULL, NULL, NULL) < 0)
		p->rc = -1;
}

/* "(…)" after a value: hours when it holds a digit ("24/7", "9-17"),
 * otherwise a note. */
static json_t *contact_item(const char *kind, const char *v, size_t vn, const char *h, size_t hn)
{
	bool hours = has_digit(h, hn);
	json_t *c = import_contact(kind, v, vn, hours ? h : "", hours ? hn : 0);
	if (c && hn && !hours)
		json_object_set_new(c, "note", json_stringn(h, hn));
	return c;
}

static void add_contact(struct parser *p, json_t *c, size_t line, const char *src, size_t srcn)
{
	if (import_add_item(p->r, "contacts", c, line, src, srcn) < 0)
		p->rc = -1;
}

/* Phone numbers, one or more per line, after an optional label
 * ("Tel: ", "Emergency: "). */
static void phone_section(struct parser *p, const struct section *s, size_t from, size_t to, const char *kind)
{
	for (size_t i = from; i < to; i++) {
		size_t n = s->lines[i].n;
		const char *t = import_trim(s->lines[i].s, &n), *src = t;
		size_t srcn = n;
		const char *colon = memchr(t, ':', n);
		if (colon) {
			size_t rn = n - (size_t)(colon + 1 - t);
			const char *rest = import_trim(colon + 1, &rn);
			if (rn && (rest[0] == '+' || rest[0] == '(' || isdigit((unsigned char)rest[0]))) {
				t = rest;
				n = rn;
			}
		}
		if (says_nothing(t, n))
			continue;
		const char *item;
		size_t itemn;
		while (import_next_item(&t, &n, &item, &itemn)) {
			const char *h;
			size_t vn, hn;
			import_split_hours(item, itemn, &vn, &h, &hn);
			bool phone_like = item[0] == '+' || item[0] == '(' || isdigit((unsigned char)item[0]);
			if (!phone_like || !has_digit(item, vn)) {
				if (!says_nothing(item, itemn) &&
				    import_issue_add(p->d, false, s->lines[i].no, 0, src, srcn, kind, "import.not_a_phone", NULL,
				                     NULL, NULL, NULL) < 0)
					p->rc = -1;
				continue;
			}
			add_contact(p, contact_item(kind, item, vn, h, hn), s->lines[i].no, src, srcn);
		}
	}
}

/* Email addresses: every word with an '@'; a line that speaks of
 * general (non-incident) mail gives email_general. */
static void email_section(struct parser *p, const struct section *s, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		size_t n = s->lines[i].n;
		const char *t = import_trim(s->lines[i].s, &n), *src = t;
		size_t srcn = n;
		if (says_nothing(t, n))
			continue;
		bool general = has_word(t, n, "general") || has_word(t, n, "non-incident");
		const char *item;
		size_t itemn;
		bool found = false;
		while (import_next_item(&t, &n, &item, &itemn)) {
			const char *h;
			size_t vn, hn;
			import_split_hours(item, itemn, &vn, &h, &hn);
			for (size_t k = 0; k < vn;) {
				while (k < vn && (item[k] == ' ' || item[k] == '\t'))
					k++;
				size_t w = k;
				while (k < vn && item[k] != ' ' && item[k] != '\t')
					k++;
				const char *word = item + w;
				size_t wn = k - w;
				if (!memchr(word, '@', wn))
					continue;
				while (wn && strchr("<([\"'", word[0])) {
					word++;
					wn--;
				}
				if (wn > 7 && !strncasecmp(word, "mailto:", 7)) {
					word += 7;
					wn -= 7;
				}
				while (wn && strchr(">)]\"',;:.", word[wn - 1]))
					wn--;
				found = true;
				add_contact(p, contact_item(general ? "email_general" : "email_incident", word, wn, h, hn),
				            s->lines[i].no, src, srcn);
			}
		}
		if (!found && import_issue_add(p->d, false, s->lines[i].no, 0, src, srcn, "contacts",
		                               "import.not_an_email", NULL, NULL, NULL, NULL) < 0)
			p->rc = -1;
	}
}

/* Lines this section could not use, reported once: the first of them
 * and how many there were. */
static void leftover(struct parser *p, const struct section *s, size_t line, const char *src, size_t srcn, size_t count)
{
	char title[160], lines[24];
	if (!count)
		return;
	snprintf(title, sizeof(title), "%.*s", (int)(s->head_n < 120 ? s->head_n : 120), s->head);
	snprintf(lines, sizeof(lines), "%zu", count);
	if (import_issue_add(p->d, false, line, 0, src, srcn, "", "import.free_text", "name", title, "count", lines) < 0)
		p->rc = -1;
}

/* "Name (primary_poc)", as the RFC 2350 export writes team members. */
static void members_section(struct parser *p, const struct section *s, size_t from, size_t to)
{
	size_t skipped = 0, first = 0;
	for (size_t i = from; i < to; i++) {
		size_t n = s->lines[i].n;
		const char *t = import_trim(s->lines[i].s, &n), *h;
		size_t vn, hn;
		if (says_nothing(t, n))
			continue;
		import_split_hours(t, n, &vn, &h, &hn);
		bool role = false;
		for (size_t r = 0; hn && team_person_roles[r]; r++)
			role |= import_equals(h, hn, team_person_roles[r]);
		if (!role) {
			if (!skipped++)
				first = i;
			continue;
		}
		json_t *person = json_pack("{s:s%,s:s%}", "name", t, vn, "role", h, hn);
		if (import_add_item(p->r, "people", person, s->lines[i].no, t, n) < 0)
			p->rc = -1;
	}
	if (skipped)
		leftover(p, s, s->lines[first].no, s->lines[first].s, s->lines[first].n, skipped);
}

/* The website (the first web address), and labelled business hours
 * ("Business hours: ..."); other lines are left over. */
static void info_section(struct parser *p, const struct section *s, size_t from, size_t to, bool hours)
{
	size_t skipped = 0, first = 0;
	for (size_t i = from; i < to; i++) {
		size_t n = s->lines[i].n;
		const char *t = import_trim(s->lines[i].s, &n);
		if (says_nothing(t, n))
			continue;
		const char *colon = memchr(t, ':', n);
		const char *url = memmem(t, n, "https://", 8);
		if (!url)
			url = memmem(t, n, "http://", 7);
		if (hours && colon && has_word(t, (size_t)(colon - t), "hours")) {
			size_t rn = n - (size_t)(colon + 1 - t);
			const char *rest = import_trim(colon + 1, &rn);
			if (rn) {
				set_lang(p, "business_hours", rest, rn, s->lines[i].no, t, n);
				continue;
			}
		} else if (!hours && url && !p->website_set) {
			size_t un = 0;
			while (url + un < t + n && !strchr(" \t<>\"()", url[un]))
				un++;
			while (un && strchr(".,;", url[un - 1]))
				un--;
			set(p, "website", url, un, s->lines[i].no, t, n);
			p->website_set = true;
			continue;
		}
		if (!skipped++)
			first = i;
	}
	if (skipped)
		leftover(p, s, s->lines[first].no, s->lines[first].s, s->lines[first].n, skipped);
}

/* A text of the record; two sections that map to the same text (say
 * "Co-operation" and "Disclosure") are joined. */
static void text_section(struct parser *p, const char *section, struct buf *body, size_t first,
                         const struct line_ref *l0)
{
	char path[64];
	bool ja = import_is_japanese(body->data, body->len);
	snprintf(path, sizeof(path), "texts.%s.%s", section, ja ? "ja" : "en");
	json_t *before = json_object_get(json_object_get(json_object_get(p->r->change, "texts"), section), ja ? "ja" : "en");
	struct buf joined;
	buf_init(&joined, (size_t)64 << 20);
	if (json_is_string(before)) {
		buf_add(&joined, json_string_value(before), json_string_length(before));
		buf_adds(&joined, "\n\n");
	}
	buf_add(&joined, body->data, body->len);
	if (!joined.data)
		p->rc = -1;
	else
		set(p, path, joined.data, joined.len, first, l0 ? l0->s : "", l0 ? l0->n : 0);
	buf_release(&joined);
}

static void close_section(struct parser *p, struct section *s)
{
	if (!s->open)
		return;
	s->open = false;
	struct buf body;
	buf_init(&body, (size_t)64 << 20);
	size_t first, from, to;
	body_text(s, &body, &first, &from, &to);
	const char *text = body.data ? body.data : "";
	size_t n = body.len;
	bool empty = says_nothing(text, n);
	const struct line_ref *l0 = from < to ? &s->lines[from] : NULL;
	switch (s->target) {
	case T_DOCINFO:
		if (!empty)
			skipped_section(p, s, "import.doc_info");
		break;
	case T_CONTAINER:
		if (!empty && l0)
			leftover(p, s, l0->no, l0->s, l0->n, to - from);
		break;
	case T_UNKNOWN:
		skipped_section(p, s, "import.unknown_section");
		break;
	case T_KEYS:
		if (!empty)
			skipped_section(p, s, "import.keys_not_imported");
		break;
	case T_NAME:
		name_section(p, s, from, to);
		break;
	case T_ADDRESS:
		if (!empty)
			set_lang(p, "address", text, n, first, text, n);
		break;
	case T_TZ:
		if (!empty)
			tz_section(p, s, text, n, first);
		break;
	case T_PHONE:
		phone_section(p, s, from, to, "phone_voice");
		break;
	case T_FAX:
		phone_section(p, s, from, to, "fax");
		break;
	case T_OTHER_TELECOM:
		phone_section(p, s, from, to, "phone_emergency");
		break;
	case T_EMAIL:
		email_section(p, s, from, to);
		break;
	case T_MEMBERS:
		members_section(p, s, from, to);
		break;
	case T_OTHER_INFO:
		info_section(p, s, from, to, false);
		break;
	case T_CUSTOMER_CONTACT:
		info_section(p, s, from, to, true);
		break;
	case T_TEXT:
		if (!empty)
			text_section(p, s->text, &body, first, l0);
		break;
	}
	buf_release(&body);
	s->nlines = 0;
}

/* Text before the first heading: a title ("Description of X according
 * to RFC 2350") and its underline are expected; anything else is told. */
static void preamble_line(struct parser *p, const struct import_line *l, size_t *reported)
{
	size_t n = l->n;
	const char *t = import_trim(l->s, &n);
	size_t rule = 0;   /* an underline: "=====" */
	while (rule < n && memchr("=-_*# ", t[rule], 6))
		rule++;
	if (n == 0 || *reported || memmem(t, n, "2350", 4) || rule == n)
		return;
	*reported = 1;
	if (import_issue_add(p->d, false, l->no, 0, t, n, "", "import.preamble", NULL, NULL, NULL, NULL) < 0)
		p->rc = -1;
}

int import_parse_rfc2350(struct import_doc *d, const char *data, size_t n)
{
	struct parser p = {d, NULL, 0, false, 0};
	struct section s = {0};
	struct import_lines it;
	struct import_line l;
	size_t headings = 0, reported = 0;
	import_unarmor(d, data, n, &it);
	if (!(p.r = import_record_add(d, 1, 0)))
		return -1;
	while (p.rc == 0 && import_lines_next(&it, &l)) {
		if (!import_line_ok(d, &l, 0))
			continue;
		char num[24];
		const char *title;
		size_t tn;
		if (heading(&p, l.s, l.n, num, &title, &tn)) {
			/* A subsection of a text or skipped section stays in it. */
			size_t nl = strlen(s.num);
			bool sub = s.open && s.target != T_CONTAINER && !strncmp(num, s.num, nl) && num[nl] == '.';
			if (!sub) {
				close_section(&p, &s);
				s.open = true;
				snprintf(s.num, sizeof(s.num), "%s", num);
				s.line = l.no;
				s.head_n = l.n;
				s.head = import_trim(l.s, &s.head_n);
				s.title = title;
				s.title_n = tn;
				classify(&s);
				p.top = atoi(num);
				headings++;
				continue;
			}
		}
		if (s.open)
			add_line(&p, &s, l.s, l.n, l.no);
		else
			preamble_line(&p, &l, &reported);
	}
	close_section(&p, &s);
	free(s.lines);
	if (p.rc == 0 && headings == 0)
		p.rc = import_issue_add(d, true, 1, 0, "", 0, "", "import.no_sections", NULL, NULL, NULL, NULL);
	return p.rc;
}
