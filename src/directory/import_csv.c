/* Reading the directory's own CSV export (export_csv_header and
 * export_csv_row in export.c) back into team records, so that export,
 * import, export gives the same file.
 *
 * RFC 4180 as Excel writes it: cells separated by commas, quoted with
 * '"' (a quote inside doubled), rows ended by CRLF or LF, line breaks
 * allowed inside quotes, an optional UTF-8 byte order mark. The first
 * row names the columns; they are matched by name, so a file whose
 * columns were reordered, or cut down to a few, still reads, and an
 * unknown column is reported once and left out. A cell the export
 * defused with a leading apostrophe ("'=cmd") gets its text back.
 * Contact cells are "value (hours), value"; the constituency cell is the
 * export's space-separated rules, each recognised by its shape (AS
 * number, network, country code, domain), the rest being the type. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "directory/import_int.h"

#define MAX_CELLS 256
#define MAX_ROW_BYTES ((size_t)1 << 20)

enum col_kind { C_SLUG, C_SCALAR, C_CONTACTS, C_RULES };

struct column {
	const char *name;
	enum col_kind kind;
	const char *target;     /* the record's field ("name.en"), or the contact kind */
};

/* The export's columns, and the record's other fields under the names
 * the export would give them. */
static const struct column columns[] = {
	{"slug", C_SLUG, NULL},
	{"name_en", C_SCALAR, "name.en"},
	{"name_ja", C_SCALAR, "name.ja"},
	{"short_name", C_SCALAR, "short_name"},
	{"registered_name", C_SCALAR, "registered_name"},
	{"host_org_en", C_SCALAR, "host_org.en"},
	{"host_org_ja", C_SCALAR, "host_org.ja"},
	{"country", C_SCALAR, "country"},
	{"region", C_SCALAR, "region"},
	{"sector", C_SCALAR, "sector"},
	{"csirt_type", C_SCALAR, "csirt_type"},
	{"established", C_SCALAR, "established"},
	{"joined", C_SCALAR, "joined"},
	{"address_en", C_SCALAR, "address.en"},
	{"address_ja", C_SCALAR, "address.ja"},
	{"tz", C_SCALAR, "tz"},
	{"business_hours_en", C_SCALAR, "business_hours.en"},
	{"business_hours_ja", C_SCALAR, "business_hours.ja"},
	{"website", C_SCALAR, "website"},
	{"org_department", C_SCALAR, "org_department"},
	{"structure_spread", C_SCALAR, "structure_spread"},
	{"structure_staffing", C_SCALAR, "structure_staffing"},
	{"email_incident", C_CONTACTS, "email_incident"},
	{"email_general", C_CONTACTS, "email_general"},
	{"phone_voice", C_CONTACTS, "phone_voice"},
	{"phone_emergency", C_CONTACTS, "phone_emergency"},
	{"fax", C_CONTACTS, "fax"},
	{"constituency", C_RULES, NULL},
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

/* One row as read: the cells' text (unquoted) one after another in TEXT,
 * each at OFF[i] for LEN[i] bytes. */
struct row {
	struct buf text;
	size_t off[MAX_CELLS], len[MAX_CELLS], ncells;
	size_t line;                /* where it starts */
	const char *problem;        /* the first syntax problem, an i18n key */
	size_t problem_line;
};

struct csv {
	const char *p, *end;
	size_t line;
};

static void row_problem(struct row *r, const char *key, size_t line)
{
	if (!r->problem) {
		r->problem = key;
		r->problem_line = line;
	}
}

static void end_cell(struct row *r, size_t start)
{
	if (r->ncells < MAX_CELLS) {
		r->off[r->ncells] = start;
		r->len[r->ncells] = r->text.len - start;
	}
	r->ncells++;
}

static void add_bytes(struct row *r, const char *s, size_t n, size_t line)
{
	if (r->text.len + n > MAX_ROW_BYTES || buf_add(&r->text, s, n) < 0)
		row_problem(r, "import.row_too_long", line);
}

/* Read one row; false at the end of the text. */
static bool read_row(struct csv *c, struct row *r)
{
	if (c->p >= c->end)
		return false;
	buf_reset(&r->text);
	r->ncells = 0;
	r->problem = NULL;
	r->line = c->line;
	for (;;) {
		size_t start = r->text.len;
		if (c->p < c->end && *c->p == '"') {
			size_t quote_line = c->line;
			c->p++;
			for (;;) {
				const char *q = memchr(c->p, '"', (size_t)(c->end - c->p));
				const char *stop = q ? q : c->end;
				for (const char *x = c->p; (x = memchr(x, '\n', (size_t)(stop - x))); x++)
					c->line++;
				add_bytes(r, c->p, (size_t)(stop - c->p), quote_line);
				if (!q) {
					row_problem(r, "import.csv_unclosed", quote_line);
					c->p = c->end;
					break;
				}
				if (q + 1 < c->end && q[1] == '"') {
					add_bytes(r, "\"", 1, c->line);
					c->p = q + 2;
					continue;
				}
				c->p = q + 1;
				break;
			}
			if (c->p < c->end && *c->p != ',' && *c->p != '\n' && !(*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')) {
				row_problem(r, "import.csv_after_quote", c->line);
				while (c->p < c->end && *c->p != ',' && *c->p != '\n')
					c->p++;
			}
		} else {
			const char *e = c->p;
			while (e < c->end && *e != ',' && *e != '\n')
				e++;
			size_t n = (size_t)(e - c->p);
			if (n && e < c->end && *e == '\n' && c->p[n - 1] == '\r')
				n--;
			if (memchr(c->p, '"', n))
				row_problem(r, "import.csv_stray_quote", c->line);
			add_bytes(r, c->p, n, c->line);
			c->p = e;
		}
		end_cell(r, start);
		if (c->p >= c->end)
			break;
		if (*c->p == ',') {
			c->p++;
			if (c->p >= c->end) {   /* "a," at the very end: one more, empty cell */
				end_cell(r, r->text.len);
				break;
			}
			continue;
		}
		if (*c->p == '\r')
			c->p++;
		c->p++;   /* '\n' */
		c->line++;
		break;
	}
	if (r->ncells > MAX_CELLS)
		row_problem(r, "import.csv_too_many_cells", r->line);
	return true;
}

static const char *cell(const struct row *r, size_t i, size_t *n)
{
	*n = r->len[i];
	return r->text.data ? r->text.data + r->off[i] : "";
}

/* The export put an apostrophe before text a spreadsheet would run. */
static const char *undefuse(const char *s, size_t *n)
{
	if (*n >= 2 && s[0] == '\'' && s[1] && strchr("=+-@\t\r", s[1])) {
		(*n)--;
		return s + 1;
	}
	return s;
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* The kind of one constituency word, by its shape; NULL for a type word. */
static const char *rule_kind(const char *s, size_t n)
{
	if (all_digits(s, n) || (n > 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's') && all_digits(s + 2, n - 2)))
		return "asn";
	if (memchr(s, '/', n) || memchr(s, ':', n))
		return "cidr";
	size_t dots = 0, digits = 0;
	for (size_t i = 0; i < n; i++) {
		dots += s[i] == '.';
		digits += isdigit((unsigned char)s[i]) != 0;
	}
	if (dots == 3 && digits + dots == n)
		return "cidr";
	if (n == 2 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]))
		return "country";
	return dots ? "domain" : NULL;
}

struct rowctx {
	struct import_doc *d;
	struct import_record *r;
	size_t line, rowno;
	const char *column;
	int rc;
};

static void keep(struct rowctx *x, int rc)
{
	if (rc < 0)
		x->rc = -1;
}

static void source(char *buf, size_t n, const char *column, const char *s, size_t sn)
{
	snprintf(buf, n, "%s: %.*s", column, (int)(sn < 300 ? sn : 300), s);
}

static void rules_cell(struct rowctx *x, const char *s, size_t n)
{
	struct buf types;
	buf_init(&types, MAX_ROW_BYTES);
	char src[400];
	for (size_t i = 0; i < n;) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
			i++;
		size_t w = i;
		while (i < n && !(s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
			i++;
		if (i == w)
			continue;
		const char *kind = rule_kind(s + w, i - w);
		if (!kind) {
			if (types.len)
				buf_addc(&types, ' ');
			buf_add(&types, s + w, i - w);
			continue;
		}
		source(src, sizeof(src), x->column, s + w, i - w);
		keep(x, import_add_item(x->r, "constituency", json_pack("{s:s,s:s%}", "kind", kind, "value", s + w, i - w),
		                        x->line, src, strlen(src)));
	}
	/* The export writes rules by kind, types last: the words left over
	 * are the type, as one rule. */
	if (types.len) {
		source(src, sizeof(src), x->column, types.data, types.len);
		keep(x, import_add_item(x->r, "constituency",
		                        json_pack("{s:s,s:s%}", "kind", "type", "value", types.data, types.len), x->line, src,
		                        strlen(src)));
	}
	buf_release(&types);
}

static void contacts_cell(struct rowctx *x, const char *kind, const char *s, size_t n)
{
	const char *item;
	size_t itemn;
	char src[400];
	while (import_next_item(&s, &n, &item, &itemn)) {
		const char *h;
		size_t vn, hn;
		import_split_hours(item, itemn, &vn, &h, &hn);
		source(src, sizeof(src), x->column, item, itemn);
		keep(x, import_add_item(x->r, "contacts", import_contact(kind, item, vn, h, hn), x->line, src, strlen(src)));
	}
}

static void map_row(struct rowctx *x, const struct row *row, const int *map, const char *const *names)
{
	for (size_t i = 0; i < row->ncells && x->rc == 0; i++) {
		if (map[i] < 0)
			continue;
		const struct column *col = &columns[map[i]];
		size_t n;
		const char *s = cell(row, i, &n);
		if (!utf8_valid(s, n))
			continue;   /* its line was reported */
		s = undefuse(s, &n);
		x->column = names[i];
		char src[400];
		source(src, sizeof(src), col->name, s, n);
		if (col->kind == C_SLUG) {
			size_t tn = n;
			const char *t = import_trim(s, &tn);
			if (tn) {
				free(x->r->slug);
				x->r->slug = strndup(t, tn);
				keep(x, x->r->slug ? import_where(x->r, "slug", x->line, src, strlen(src)) : -1);
			}
			continue;
		}
		if (n == 0)
			continue;   /* empty: leave the field as it is */
		if (col->kind == C_SCALAR)
			keep(x, import_set(x->r, col->target, s, n, x->line, src, strlen(src)));
		else if (col->kind == C_CONTACTS)
			contacts_cell(x, col->target, s, n);
		else
			rules_cell(x, s, n);
	}
}

/* Map the header's columns; false when the file cannot be read. */
static bool header(struct import_doc *d, const struct row *row, int *map, char **names, int *rc)
{
	bool ident = false, ok = true;
	for (size_t i = 0; i < row->ncells && i < MAX_CELLS; i++) {
		size_t n;
		const char *s = cell(row, i, &n);
		s = import_trim(s, &n);
		names[i] = utf8_valid(s, n) ? strndup(s, n) : strdup("?");
		map[i] = -1;
		if (!names[i]) {
			*rc = -1;
			return false;
		}
		for (size_t k = 0; k < NCOLUMNS; k++)
			if (import_equals(s, n, columns[k].name))
				map[i] = (int)k;
		for (size_t k = 0; k < i && map[i] >= 0; k++) {
			if (map[k] == map[i]) {
				*rc |= import_issue_add(d, true, row->line, 0, s, n, names[i], "import.csv_duplicate_column", "name",
				                        names[i], NULL, NULL);
				ok = false;
			}
		}
		if (map[i] < 0)
			*rc |= import_issue_add(d, false, row->line, 0, s, n, names[i], "import.csv_unknown_column", "name",
			                        names[i], NULL, NULL);
		else
			ident |= !strcmp(columns[map[i]].name, "slug") || !strcmp(columns[map[i]].name, "name_en") ||
			         !strcmp(columns[map[i]].name, "short_name");
	}
	if (!ident) {
		*rc |= import_issue_add(d, true, row->line, 0, "", 0, "", "import.csv_no_key_column", NULL, NULL, NULL, NULL);
		ok = false;
	}
	return ok;
}

int import_parse_csv(struct import_doc *d, const char *data, size_t n)
{
	if (n >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
		data += 3;
		n -= 3;
	}
	/* Bytes that are not text are told line by line; the rows are
	 * still read, to list every other problem too. */
	struct import_lines it;
	struct import_line l;
	import_lines_init(&it, data, n, 1);
	while (import_lines_next(&it, &l))
		if (l.bad && import_line_ok(d, &l, 0) && d->nissues >= IMPORT_MAX_ISSUES)
			break;

	struct csv c = {data, data + n, 1};
	struct row *row = calloc(1, sizeof(*row));
	int *map = calloc(MAX_CELLS, sizeof(*map));
	char **names = calloc(MAX_CELLS, sizeof(*names));
	int rc = row && map && names ? 0 : -1;
	if (rc == 0)
		buf_init(&row->text, MAX_ROW_BYTES + 1);
	size_t width = 0, rowno = 0;
	bool have_header = false, readable = true;
	while (rc == 0 && readable && read_row(&c, row)) {
		if (row->ncells == 1 && row->len[0] == 0 && !row->problem)
			continue;   /* an empty line */
		if (!have_header) {
			have_header = true;
			width = row->ncells;
			if (row->problem) {
				rc = import_issue_add(d, true, row->problem_line, 0, "", 0, "", row->problem, NULL, NULL, NULL, NULL);
				readable = false;
			} else {
				readable = header(d, row, map, names, &rc);
			}
			continue;
		}
		rowno++;
		char cells[24], want[24];
		snprintf(cells, sizeof(cells), "%zu", row->ncells);
		snprintf(want, sizeof(want), "%zu", width);
		if (row->problem) {
			rc = import_issue_add(d, true, row->problem_line, rowno, "", 0, "", row->problem, NULL, NULL, NULL, NULL);
			continue;
		}
		if (row->ncells != width) {
			size_t n1;
			const char *s = cell(row, 0, &n1);
			rc = import_issue_add(d, true, row->line, rowno, s, n1, "", "import.csv_width", "cells", cells, "want", want);
			continue;
		}
		struct rowctx x = {d, import_record_add(d, row->line, rowno), row->line, rowno, "", 0};
		if (!x.r) {
			rc = -1;
			break;
		}
		map_row(&x, row, map, (const char *const *)names);
		rc = x.rc;
	}
	if (rc == 0 && !have_header)
		rc = import_issue_add(d, true, 1, 0, "", 0, "", "import.csv_empty", NULL, NULL, NULL, NULL);
	for (size_t i = 0; names && i < MAX_CELLS; i++)
		free(names[i]);
	if (row)
		buf_release(&row->text);
	free(names);
	free(map);
	free(row);
	return rc;
}
