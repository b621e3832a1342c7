/* The part of the import every format shares: the document of records
 * and issues, the line walker, clear-signed text, guessing the format,
 * and the report. Pure (no database, no gpg); see import.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "directory/import_int.h"

static const char *const format_names[IMPORT__FORMATS] = {"rfc2350", "securitytxt", "ti-json", "csv"};
static const char *const sig_names[] = {"none", "unchecked", "good", "bad", "unknown_key"};

static const char armor_begin[] = "-----BEGIN PGP SIGNED MESSAGE-----";
static const char sig_begin[] = "-----BEGIN PGP SIGNATURE-----";
static const char sig_end[] = "-----END PGP SIGNATURE-----";

#define EXCERPT_CHARS 60     /* of the source, in a report */
#define FIELD_CHARS 200      /* of a field name or a message's value */

static char *printable(const char *s, size_t n, size_t max);

const char *import_format_name(enum import_format f)
{
	return (unsigned)f < IMPORT__FORMATS ? format_names[f] : "?";
}

int import_format_parse(const char *s, enum import_format *out)
{
	for (int i = 0; s && i < IMPORT__FORMATS; i++) {
		if (!strcmp(s, format_names[i])) {
			*out = (enum import_format)i;
			return 0;
		}
	}
	return -1;
}

const char *import_sig_name(enum import_sig s)
{
	return (unsigned)s < sizeof(sig_names) / sizeof(sig_names[0]) ? sig_names[s] : "?";
}

void import_doc_init(struct import_doc *d, enum import_format f)
{
	memset(d, 0, sizeof(*d));
	d->format = f;
}

void import_doc_release(struct import_doc *d)
{
	for (size_t i = 0; i < d->nrecords; i++) {
		free(d->records[i].slug);
		json_decref(d->records[i].change);
		json_decref(d->records[i].where);
	}
	for (size_t i = 0; i < d->nissues; i++) {
		free(d->issues[i].excerpt);
		free(d->issues[i].field);
		free(d->issues[i].var_val[0]);
		free(d->issues[i].var_val[1]);
	}
	free(d->records);
	free(d->issues);
	memset(d, 0, sizeof(*d));
}

/* --- lines --- */

void import_lines_init(struct import_lines *it, const char *data, size_t n, size_t first_no)
{
	it->p = data;
	it->end = data + n;
	it->no = first_no;
	it->dash_escaped = false;
}

bool import_lines_next(struct import_lines *it, struct import_line *l)
{
	if (it->p >= it->end)
		return false;
	const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	const char *e = nl ? nl : it->end;
	l->s = it->p;
	l->n = (size_t)(e - it->p);
	l->no = it->no++;
	it->p = nl ? nl + 1 : it->end;
	if (l->n && l->s[l->n - 1] == '\r')
		l->n--;
	if (it->dash_escaped && l->n >= 2 && l->s[0] == '-' && l->s[1] == ' ') {
		l->s += 2;
		l->n -= 2;
	}
	l->bad = !utf8_valid(l->s, l->n);
	return true;
}

bool import_line_ok(struct import_doc *d, const struct import_line *l, size_t record)
{
	if (!l->bad)
		return true;
	import_issue_add(d, true, l->no, record, l->s, l->n, "", memchr(l->s, '\0', l->n) ? "import.nul" : "import.bad_utf8",
	                 NULL, NULL, NULL, NULL);
	return false;
}

static bool starts_line(const char *s, size_t n, const char *prefix)
{
	size_t pn = strlen(prefix);
	return n >= pn && !memcmp(s, prefix, pn);
}

void import_unarmor(struct import_doc *d, const char *data, size_t n, struct import_lines *it)
{
	if (n >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
		data += 3;
		n -= 3;
	}
	import_lines_init(it, data, n, 1);
	struct import_lines look = *it;
	struct import_line l;
	bool found = false;
	while (!found && import_lines_next(&look, &l)) {
		size_t tn = l.n;
		import_trim(l.s, &tn);
		found = tn > 0;
	}
	if (!found || !starts_line(l.s, l.n, armor_begin))
		return;
	/* Armor headers ("Hash: SHA256") up to the first empty line. */
	d->sig = IMPORT_SIG_UNCHECKED;
	d->signed_text = l.s;
	d->sig_line = l.no;
	size_t header_line = l.no;
	while (import_lines_next(&look, &l) && l.n > 0)
		;
	*it = look;
	it->dash_escaped = true;
	/* The signed text ends where the signature begins. */
	struct import_lines scan = look;
	const char *body_end = data + n, *block_end = data + n;
	bool ended = false;
	while (import_lines_next(&scan, &l)) {
		if (starts_line(l.s, l.n, sig_begin) && body_end == data + n) {
			body_end = l.s;
			d->sig_line = l.no;
		} else if (body_end != data + n && starts_line(l.s, l.n, sig_end)) {
			block_end = scan.p;
			ended = true;
			break;
		}
	}
	it->end = body_end;
	d->signed_len = (size_t)(block_end - d->signed_text);
	if (!ended)
		import_issue_add(d, false, body_end == data + n ? header_line : d->sig_line, 0, "", 0, "", "import.sig_truncated",
		                 NULL, NULL, NULL, NULL);
	/* Whatever follows the signature is not signed: told, not read. */
	while (ended && import_lines_next(&scan, &l)) {
		size_t tn = l.n;
		if (import_trim(l.s, &tn) && tn) {
			import_issue_add(d, false, l.no, 0, l.s, l.n, "", "import.after_signature", NULL, NULL, NULL, NULL);
			break;
		}
	}
}

/* --- records, values and issues --- */

struct import_record *import_record_add(struct import_doc *d, size_t line, size_t number)
{
	if (d->nrecords == d->records_cap) {
		size_t cap = d->records_cap ? 2 * d->records_cap : 8;
		struct import_record *r = realloc(d->records, cap * sizeof(*r));
		if (!r)
			return NULL;
		d->records = r;
		d->records_cap = cap;
	}
	struct import_record *r = &d->records[d->nrecords];
	memset(r, 0, sizeof(*r));
	r->line = line;
	r->number = number;
	r->change = json_object();
	r->where = json_object();
	if (!r->change || !r->where) {
		json_decref(r->change);
		json_decref(r->where);
		return NULL;
	}
	d->nrecords++;
	return r;
}

int import_where(struct import_record *r, const char *path, size_t line, const char *src, size_t srcn)
{
	char *ex = import_excerpt(src, srcn);
	json_t *at = ex ? json_pack("[Is]", (json_int_t)line, ex) : NULL;
	free(ex);
	return at && json_object_set_new(r->where, path, at) == 0 ? 0 : -1;
}

int import_set(struct import_record *r, const char *path, const char *v, size_t n, size_t line, const char *src,
               size_t srcn)
{
	if (!utf8_valid(v, n))
		return 0;   /* its line was reported as rejected already */
	json_t *o = r->change;
	char part[64];
	const char *p = path;
	for (const char *dot; (dot = strchr(p, '.')); p = dot + 1) {
		snprintf(part, sizeof(part), "%.*s", (int)(dot - p), p);
		json_t *next = json_object_get(o, part);
		if (!json_is_object(next)) {
			next = json_object();
			if (!next || json_object_set_new(o, part, next) < 0)
				return -1;
		}
		o = next;
	}
	json_t *s = json_stringn(v, n);
	if (!s || json_object_set_new(o, p, s) < 0)
		return -1;
	return import_where(r, path, line, src, srcn);
}

int import_add_item(struct import_record *r, const char *list, json_t *item, size_t line, const char *src, size_t srcn)
{
	if (!item)
		return -1;
	json_t *a = json_object_get(r->change, list);
	if (!a) {
		a = json_array();
		if (!a || json_object_set_new(r->change, list, a) < 0) {
			json_decref(item);
			return -1;
		}
	}
	char path[64];
	snprintf(path, sizeof(path), "%s[%zu]", list, json_array_size(a));
	if (json_array_append_new(a, item) < 0)
		return -1;
	return import_where(r, path, line, src, srcn);
}

int import_issue_add(struct import_doc *d, bool rejected, size_t line, size_t record, const char *src, size_t srcn,
                     const char *field, const char *msg_key, const char *k1, const char *v1, const char *k2,
                     const char *v2)
{
	if (rejected)
		d->nrejected++;
	if (d->nissues >= IMPORT_MAX_ISSUES) {
		d->unlisted++;
		return 0;
	}
	if (d->nissues == d->issues_cap) {
		size_t cap = d->issues_cap ? 2 * d->issues_cap : 16;
		struct import_issue *is = realloc(d->issues, cap * sizeof(*is));
		if (!is)
			return -1;
		d->issues = is;
		d->issues_cap = cap;
	}
	struct import_issue *is = &d->issues[d->nissues];
	memset(is, 0, sizeof(*is));
	is->line = line;
	is->record = record;
	is->rejected = rejected;
	is->msg_key = msg_key;
	/* Names cut short by the parsers (a key, a column) may end inside a
	 * character: everything kept is made printable UTF-8. */
	is->excerpt = import_excerpt(src ? src : "", src ? srcn : 0);
	is->field = printable(field ? field : "", field ? strlen(field) : 0, FIELD_CHARS);
	is->var_key[0] = v1 ? k1 : NULL;
	is->var_val[0] = v1 ? printable(v1, strlen(v1), FIELD_CHARS) : NULL;
	is->var_key[1] = v2 ? k2 : NULL;
	is->var_val[1] = v2 ? printable(v2, strlen(v2), FIELD_CHARS) : NULL;
	if (!is->excerpt || !is->field || (v1 && !is->var_val[0]) || (v2 && !is->var_val[1])) {
		free(is->excerpt);
		free(is->field);
		free(is->var_val[0]);
		free(is->var_val[1]);
		return -1;
	}
	d->nissues++;
	return 0;
}

/* --- text --- */

/* At most MAX characters of S, made printable; see import_excerpt. */
static char *printable(const char *s, size_t n, size_t max)
{
	struct buf b;
	buf_init(&b, 4 * max + 8);
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0, i = 0;
	while (i < n && chars < max) {
		int l = utf8_seq_len(p + i, n - i);
		if (l == 0) {
			buf_adds(&b, "\xEF\xBF\xBD");
			i++;
		} else if (l == 1 && (p[i] < 0x20 || p[i] == 0x7f)) {
			buf_addc(&b, ' ');
			i++;
		} else if (l == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0) {
			buf_addc(&b, ' ');   /* a C1 control character */
			i += 2;
		} else {
			buf_add(&b, p + i, (size_t)l);
			i += (size_t)l;
		}
		chars++;
	}
	if (i < n)
		buf_adds(&b, "\xE2\x80\xA6");
	if (!b.data)
		return strdup("");
	return buf_detach(&b, NULL);
}

char *import_excerpt(const char *s, size_t n)
{
	return printable(s, n, EXCERPT_CHARS);
}

bool import_is_japanese(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		int l = utf8_seq_len(p + i, n - i);
		if (l != 3) {
			i += l ? (size_t)l : 1;
			continue;
		}
		unsigned c = ((p[i] & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);
		if ((c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
		    (c >= 0xFF66 && c <= 0xFF9F))
			return true;
		i += 3;
	}
	return false;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

const char *import_trim(const char *s, size_t *n)
{
	while (*n && blank(*s)) {
		s++;
		(*n)--;
	}
	while (*n && blank(s[*n - 1]))
		(*n)--;
	return s;
}

bool import_equals(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && !strncasecmp(s, word, n);
}

void import_split_hours(const char *s, size_t n, size_t *vn, const char **h, size_t *hn)
{
	*vn = n;
	*h = s + n;
	*hn = 0;
	if (n < 4 || s[n - 1] != ')')
		return;
	int depth = 0;
	for (size_t i = n; i-- > 0;) {
		if (s[i] == ')')
			depth++;
		else if (s[i] == '(' && --depth == 0) {
			size_t before = i;
			const char *v = import_trim(s, &before);
			if (before == 0 || i == 0 || s[i - 1] != ' ' || v != s)
				return;
			*vn = before;
			*h = s + i + 1;
			*hn = n - i - 2;
			return;
		}
	}
}

bool import_next_item(const char **s, size_t *n, const char **item, size_t *itemn)
{
	for (;;) {
		if (*n == 0)
			return false;
		int depth = 0;
		size_t i = 0;
		for (; i < *n; i++) {
			if ((*s)[i] == '(')
				depth++;
			else if ((*s)[i] == ')' && depth > 0)
				depth--;
			else if ((*s)[i] == ',' && depth == 0)
				break;
		}
		size_t len = i;
		const char *start = import_trim(*s, &len);
		*s += i < *n ? i + 1 : i;
		*n -= i < *n ? i + 1 : i;
		if (len) {
			*item = start;
			*itemn = len;
			return true;
		}
	}
}

json_t *import_contact(const char *kind, const char *v, size_t vn, const char *h, size_t hn)
{
	if (!utf8_valid(v, vn) || !utf8_valid(h, hn))
		return NULL;
	json_t *c = json_pack("{s:s,s:s%}", "kind", kind, "value", v, vn);
	if (c && hn)
		json_object_set_new(c, "hours", json_stringn(h, hn));
	return c;
}

/* --- the format --- */

static bool security_field_line(const char *s, size_t n)
{
	static const char *const fields[] = {"contact:", "expires:", "encryption:", "policy:", "canonical:",
	                                     "preferred-languages:", "acknowledgments:", "hiring:", "csaf:", NULL};
	for (size_t i = 0; fields[i]; i++)
		if (n >= strlen(fields[i]) && !strncasecmp(s, fields[i], strlen(fields[i])))
			return true;
	return false;
}

/* A first line of column names, most of them the export's. */
static bool csv_header_line(const char *s, size_t n)
{
	static const char *const known[] = {"slug", "name_en", "name_ja", "short_name", "host_org_en", "country",
	                                    "website", "email_incident", NULL};
	if (!memchr(s, ',', n))
		return false;
	int hits = 0;
	for (size_t i = 0; known[i]; i++) {
		size_t kn = strlen(known[i]);
		for (const char *p = s; (p = memmem(p, n - (size_t)(p - s), known[i], kn)); p += kn) {
			bool left = p == s || p[-1] == ',' || p[-1] == '"';
			bool right = p + kn == s + n || p[kn] == ',' || p[kn] == '"';
			if (left && right) {
				hits++;
				break;
			}
		}
	}
	return hits >= 2;
}

enum import_format import_guess(const char *data, size_t n)
{
	struct import_lines it;
	struct import_line l;
	size_t i = 0;
	if (n >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < n && blank(data[i]))
		i++;
	if (i < n && (data[i] == '[' || data[i] == '{'))
		return IMPORT_TI_JSON;
	import_lines_init(&it, data + i, n - i, 1);
	if (import_lines_next(&it, &l) && csv_header_line(l.s, l.n))
		return IMPORT_CSV;
	/* security.txt: a Contact line, and field lines rather than sections
	 * (armor lines and comments not counting). */
	import_lines_init(&it, data + i, n - i, 1);
	int contact = 0, fields = 0, others = 0;
	while (import_lines_next(&it, &l) && l.no < 2000) {
		const char *s = import_trim(l.s, &l.n);
		if (starts_line(s, l.n, sig_begin))
			break;
		if (l.n == 0 || s[0] == '#' || starts_line(s, l.n, "-----") || starts_line(s, l.n, "Hash:"))
			continue;
		if (l.n >= 2 && s[0] == '-' && s[1] == ' ') {
			s += 2;
			l.n -= 2;
		}
		if (security_field_line(s, l.n)) {
			fields++;
			contact += !strncasecmp(s, "contact:", 8);
		} else {
			others++;
		}
	}
	if (contact > 0 && fields * 2 >= others)
		return IMPORT_SECURITYTXT;
	return IMPORT_RFC2350;
}

int import_parse(struct import_doc *d, const char *data, size_t n)
{
	switch (d->format) {
	case IMPORT_RFC2350:
		return import_parse_rfc2350(d, data, n);
	case IMPORT_SECURITYTXT:
		return import_parse_securitytxt(d, data, n);
	case IMPORT_TI_JSON:
		return import_parse_ti(d, data, n);
	case IMPORT_CSV:
		return import_parse_csv(d, data, n);
	default:
		return -1;
	}
}

/* --- the report --- */

int import_issue_reason(const struct import_issue *is, enum lang lang, struct buf *out)
{
	const char *vars[5] = {NULL};
	size_t k = 0;
	for (int i = 0; i < 2; i++) {
		if (is->var_key[i]) {
			vars[k++] = is->var_key[i];
			vars[k++] = is->var_val[i];
		}
	}
	return i18n_fill(out, i18n_get(lang, is->msg_key), vars);
}

static void issues_json(const struct import_doc *d, bool rejected, enum lang lang, struct jw *w)
{
	struct buf reason;
	buf_init(&reason, 1 << 16);
	jw_arr_begin(w);
	for (size_t i = 0; i < d->nissues; i++) {
		const struct import_issue *is = &d->issues[i];
		if (is->rejected != rejected)
			continue;
		buf_reset(&reason);
		import_issue_reason(is, lang, &reason);
		jw_obj_begin(w);
		jw_kint(w, "line", (int64_t)is->line);
		if (is->record)
			jw_kint(w, "record", (int64_t)is->record);
		jw_kstr(w, "field", is->field);
		jw_kstr(w, "text", is->excerpt);
		jw_kstr(w, "reason", reason.data ? reason.data : "");
		jw_obj_end(w);
	}
	jw_arr_end(w);
	buf_release(&reason);
}

static void slugs_json(const struct import_result *r, enum import_outcome which, struct jw *w)
{
	jw_arr_begin(w);
	for (size_t i = 0; r && i < r->nteams; i++)
		if (r->teams[i].outcome == which)
			jw_str(w, r->teams[i].slug);
	jw_arr_end(w);
}

void import_report_members(const struct import_doc *d, const struct import_result *r, bool dry_run, enum lang lang,
                           struct jw *w)
{
	jw_kstr(w, "format", import_format_name(d->format));
	jw_kbool(w, "guessed", d->guessed);
	jw_kbool(w, "dry_run", dry_run);
	jw_kbool(w, "written", r && r->written);
	jw_key(w, "created");
	slugs_json(r, IMPORT_CREATED, w);
	jw_key(w, "updated");
	slugs_json(r, IMPORT_UPDATED, w);
	jw_key(w, "unchanged");
	slugs_json(r, IMPORT_UNCHANGED, w);
	jw_key(w, "rejected");
	issues_json(d, true, lang, w);
	jw_key(w, "skipped");
	issues_json(d, false, lang, w);
	jw_kint(w, "unlisted", (int64_t)d->unlisted);
	jw_key(w, "signature");
	jw_obj_begin(w);
	jw_kstr(w, "state", import_sig_name(d->sig));
	if (d->sig == IMPORT_SIG_GOOD)
		jw_kstr(w, "fingerprint", d->sig_fpr);
	jw_obj_end(w);
}
