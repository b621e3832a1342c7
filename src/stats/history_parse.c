/* Reading a membership history file (history.h): the CSV cells, the
 * header's columns, and every value checked, each problem listed with its
 * line. Pure: bytes in, rows and problems out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/json_writer.h"
#include "directory/fields.h"
#include "directory/team_input.h"
#include "stats/history.h"

#define MAX_CELLS 64
#define MAX_ROW_BYTES ((size_t)1 << 20)

const char *const history_column_names[HC__COUNT] = {
	"name", "joined", "left", "sector", "region", "csirt_type", "established", "org_department", "staff_at_founding",
	"staff_now",
};

/* What a header cell may say for each column, besides its name. */
static const char *const aliases[HC__COUNT][6] = {
	[HC_NAME] = {"team", "team name", "チーム名", "名前", "名称", NULL},
	[HC_JOINED] = {"joined_on", "加盟日", "加盟年", "加盟年月", "加盟年月日", NULL},
	[HC_LEFT] = {"left_on", "退会日", "退会年", "退会年月", NULL},
	[HC_SECTOR] = {"industry", "業種", NULL},
	[HC_REGION] = {"地域", "地区", NULL},
	[HC_CSIRT_TYPE] = {"type", "種別", "シーサートの種類", NULL},
	[HC_ESTABLISHED] = {"founded", "設立日", "設立年", "設立年月", "設立年月日", NULL},
	[HC_DEPARTMENT] = {"department", "取り纏め部署", "部署", NULL},
	[HC_STAFF_AT_FOUNDING] = {"設立時の人数", "設立時人数", NULL},
	[HC_STAFF_NOW] = {"現在の人数", "現在人数", NULL},
};

void history_file_init(struct history_file *f)
{
	memset(f, 0, sizeof(*f));
}

void history_file_release(struct history_file *f)
{
	for (size_t i = 0; i < f->nrows; i++) {
		free(f->rows[i].name);
		free(f->rows[i].department);
	}
	free(f->rows);
	free(f->issues);
	memset(f, 0, sizeof(*f));
}

/* Record a problem; -1 only when memory ran out. VALUE is cut and made
 * printable for the message; EXTRA (NULL for none) fills {choices} or
 * {line}. */
static int problem_with(struct history_file *f, size_t line, const char *column, const char *msg_key, const char *value,
                        const char *extra)
{
	f->nproblems++;
	if (f->nissues >= HISTORY_MAX_ISSUES)
		return 0;
	if (f->nissues == f->issue_cap) {
		size_t cap = f->issue_cap ? f->issue_cap * 2 : 16;
		struct history_issue *p = realloc(f->issues, cap * sizeof(*p));
		if (!p)
			return -1;
		f->issues = p;
		f->issue_cap = cap;
	}
	struct history_issue *is = &f->issues[f->nissues++];
	memset(is, 0, sizeof(*is));
	is->line = line;
	is->msg_key = msg_key;
	snprintf(is->column, sizeof(is->column), "%s", column ? column : "");
	snprintf(is->extra, sizeof(is->extra), "%s", extra ? extra : "");
	/* At most 60 characters of the value, control characters as '?',
	 * bytes that are not UTF-8 as '?'. */
	const unsigned char *p = (const unsigned char *)(value ? value : "");
	size_t k = 0, chars = 0, n = strlen((const char *)p);
	for (size_t i = 0; i < n && chars < 60;) {
		int len = utf8_seq_len(p + i, n - i);
		if (len <= 1 || k + (size_t)len >= sizeof(is->detail) - 4) {
			if (k + 4 >= sizeof(is->detail))
				break;
			is->detail[k++] = len == 1 && p[i] >= 0x20 && p[i] != 0x7F ? (char)p[i] : '?';
			i++;
		} else {
			memcpy(is->detail + k, p + i, (size_t)len);
			k += (size_t)len;
			i += (size_t)len;
		}
		chars++;
	}
	if (chars == 60 && strlen((const char *)p) > k)
		memcpy(is->detail + k, "\xE2\x80\xA6", 3), k += 3;
	is->detail[k] = '\0';
	return 0;
}

static int problem(struct history_file *f, size_t line, const char *column, const char *msg_key, const char *value)
{
	return problem_with(f, line, column, msg_key, value, NULL);
}

/* --- CSV ------------------------------------------------------------------- */

struct record {
	struct buf text;             /* the cells one after another, each NUL-terminated */
	size_t off[MAX_CELLS];
	size_t ncells;               /* may exceed MAX_CELLS: the rest are counted, not kept */
	size_t line;                 /* where the record starts */
	const char *problem;         /* an i18n key: the record's first syntax problem */
};

struct csv {
	const char *p, *end;
	size_t line;
};

static void end_cell(struct record *r, size_t start)
{
	if (r->ncells < MAX_CELLS)
		r->off[r->ncells] = start;
	r->ncells++;
	if (buf_addc(&r->text, '\0') < 0 && !r->problem)
		r->problem = "history.err.row_too_long";
}

static void add_bytes(struct record *r, const char *s, size_t n)
{
	if ((r->text.len + n > MAX_ROW_BYTES || buf_add(&r->text, s, n) < 0) && !r->problem)
		r->problem = "history.err.row_too_long";
}

/* Skip blank lines and comment lines; false at the end of the text. */
static bool skip_empty(struct csv *c)
{
	while (c->p < c->end) {
		const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
		const char *eol = nl ? nl : c->end, *x = c->p;
		while (x < eol && (*x == ' ' || *x == '\t' || *x == '\r'))
			x++;
		if (x < eol && *c->p != '#')
			return true;
		c->p = nl ? nl + 1 : c->end;
		c->line++;
	}
	return false;
}

/* Read one record; false at the end of the text. */
static bool read_record(struct csv *c, struct record *r)
{
	if (!skip_empty(c))
		return false;
	buf_reset(&r->text);
	r->ncells = 0;
	r->problem = NULL;
	r->line = c->line;
	for (;;) {
		size_t start = r->text.len;
		/* Blanks before an opening quote, as some writers put after a comma. */
		const char *q0 = c->p;
		while (q0 < c->end && (*q0 == ' ' || *q0 == '\t'))
			q0++;
		if (q0 < c->end && *q0 == '"')
			c->p = q0;
		if (c->p < c->end && *c->p == '"') {
			c->p++;
			for (;;) {
				const char *q = memchr(c->p, '"', (size_t)(c->end - c->p));
				const char *stop = q ? q : c->end;
				for (const char *x = c->p; (x = memchr(x, '\n', (size_t)(stop - x))); x++)
					c->line++;
				add_bytes(r, c->p, (size_t)(stop - c->p));
				if (!q) {
					if (!r->problem)
						r->problem = "history.err.csv_unclosed";
					c->p = c->end;
					break;
				}
				c->p = q + 1;
				if (c->p < c->end && *c->p == '"') {
					add_bytes(r, "\"", 1);
					c->p++;
					continue;
				}
				break;
			}
			/* Nothing but blanks may follow the closing quote in its cell. */
			for (; c->p < c->end && *c->p != ',' && *c->p != '\n'; c->p++)
				if (*c->p != ' ' && *c->p != '\t' && *c->p != '\r' && !r->problem)
					r->problem = "history.err.csv_after_quote";
		} else {
			const char *stop = c->p;
			while (stop < c->end && *stop != ',' && *stop != '\n')
				stop++;
			const char *e = stop;
			if (e > c->p && e[-1] == '\r' && (e == c->end || *e == '\n'))
				e--;
			add_bytes(r, c->p, (size_t)(e - c->p));
			c->p = stop;
		}
		end_cell(r, start);
		if (c->p >= c->end)
			return true;
		if (*c->p == '\n') {
			c->p++;
			c->line++;
			return true;
		}
		c->p++;   /* the comma */
	}
}

/* Cell I of R ("" past the end), trimmed of blanks: in R's text. */
static const char *cell(struct record *r, size_t i)
{
	if (i >= r->ncells || i >= MAX_CELLS)
		return "";
	char *s = r->text.data + r->off[i];
	s += strspn(s, " \t");
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* --- the header -------------------------------------------------------------- */

static bool same_word(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
		if ((x == ' ' ? '_' : x) != (y == ' ' ? '_' : y))
			return false;
	}
	return *a == *b;
}

static int column_of(const char *name)
{
	for (int c = 0; c < HC__COUNT; c++) {
		if (same_word(name, history_column_names[c]))
			return c;
		for (size_t i = 0; aliases[c][i]; i++)
			if (same_word(name, aliases[c][i]))
				return c;
	}
	return -1;
}

/* Map the header's cells to columns (COLS[cell] = column, or -1). */
static int read_header(struct history_file *f, struct record *r, int cols[MAX_CELLS])
{
	bool seen[HC__COUNT] = {false};
	int rc = 0;
	for (size_t i = 0; i < MAX_CELLS; i++)
		cols[i] = -1;
	for (size_t i = 0; i < r->ncells && i < MAX_CELLS; i++) {
		const char *name = cell(r, i);
		if (i == 0 && !strncmp(name, "\xEF\xBB\xBF", 3))
			name += 3;
		if (!*name)
			continue;
		int c = column_of(name);
		if (c < 0)
			rc |= problem(f, r->line, name, "history.err.unknown_column", name);
		else if (seen[c])
			rc |= problem(f, r->line, history_column_names[c], "history.err.duplicate_column", name);
		else
			cols[i] = c;
		if (c >= 0)
			seen[c] = true;
	}
	if (r->ncells > MAX_CELLS)
		rc |= problem(f, r->line, NULL, "history.err.too_many_cells", "");
	for (int c = HC_NAME; c <= HC_JOINED; c++)
		if (!seen[c])
			rc |= problem(f, r->line, history_column_names[c], "history.err.missing_column", history_column_names[c]);
	return rc;
}

/* --- values ------------------------------------------------------------------ */

/* The directory's key for TEXT in the choice list LIST whose labels are
 * PREFIX + key: the key itself or its English or Japanese label, ASCII
 * letters in either case. NULL when none is. */
static const char *choice(const char *text, const char *const list[], const char *prefix)
{
	for (size_t i = 0; list[i]; i++) {
		if (!*list[i])
			continue;
		char key[96];
		snprintf(key, sizeof(key), "%s%s", prefix, list[i]);
		if (same_word(text, list[i]) || same_word(text, i18n_get(LANG_EN, key)) || same_word(text, i18n_get(LANG_JA, key)))
			return list[i];
	}
	return NULL;
}

/* The keys of LIST, comma-separated, for a message. */
static void choices_of(const char *const list[], char *out, size_t n)
{
	size_t k = 0;
	out[0] = '\0';
	for (size_t i = 0; list[i] && k + 1 < n; i++) {
		if (!*list[i])
			continue;
		int w = snprintf(out + k, n - k, "%s%s", k ? ", " : "", list[i]);
		if (w < 0 || (size_t)w >= n - k)
			break;
		k += (size_t)w;
	}
}

/* Is A (a date) before B at the precision both have? */
static bool before(const struct partial_date *a, const struct partial_date *b)
{
	if (a->year != b->year)
		return a->year < b->year;
	if (!a->month || !b->month || a->month != b->month)
		return a->month && b->month && a->month < b->month;
	return a->day && b->day && a->day < b->day;
}

/* A date cell: 1 read into OUT (and *D), 0 empty, -1 refused (listed). */
static int date_cell(struct history_file *f, struct record *r, const char *s, int col, const struct partial_date *today,
                     char out[PARTIAL_DATE_MAX], struct partial_date *d)
{
	out[0] = '\0';
	if (!*s)
		return 0;
	if (partial_date_parse(s, d) < 0)
		return problem(f, r->line, history_column_names[col], "history.err.date", s) < 0 ? -2 : -1;
	if (before(today, d))
		return problem(f, r->line, history_column_names[col], "history.err.future", s) < 0 ? -2 : -1;
	partial_date_format(d, out);
	return 1;
}

static int staff_cell(struct history_file *f, struct record *r, const char *s, int col, int64_t *out)
{
	*out = -1;
	if (!*s)
		return 0;
	int64_t v = 0;
	size_t n = strspn(s, "0123456789");
	for (size_t i = 0; i < n && v <= HISTORY_STAFF_MAX; i++)
		v = v * 10 + (s[i] - '0');
	if (n == 0 || s[n] || v > HISTORY_STAFF_MAX)
		return problem(f, r->line, history_column_names[col], "history.err.staff", s);
	*out = v;
	return 0;
}

static int text_cell(struct history_file *f, struct record *r, const char *s, int col, char **out)
{
	*out = NULL;
	if (field_text(s, HISTORY_TEXT_MAX, false) != FIELD_OK)
		return problem(f, r->line, history_column_names[col], "history.err.text", s);
	*out = strdup(s);
	return *out ? 0 : -1;
}

/* The values of one row; a row with a problem is listed and left out. */
static int read_row(struct history_file *f, struct record *r, const int cols[MAX_CELLS], const struct partial_date *today)
{
	const char *v[HC__COUNT];
	for (int c = 0; c < HC__COUNT; c++)
		v[c] = "";
	size_t before_problems = f->nproblems;
	int rc = 0;
	for (size_t i = 0; i < r->ncells && i < MAX_CELLS; i++) {
		const char *s = cell(r, i);
		if (cols[i] >= 0)
			v[cols[i]] = s;
		else if (*s)
			rc |= problem(f, r->line, NULL, "history.err.extra_cell", s);
	}
	if (r->ncells > MAX_CELLS)
		rc |= problem(f, r->line, NULL, "history.err.too_many_cells", "");
	for (int c = 0; c < HC__COUNT; c++)
		if (!utf8_valid(v[c], strlen(v[c]))) {
			rc |= problem(f, r->line, history_column_names[c], "history.err.encoding", v[c]);
			v[c] = "";
		}
	if (f->nproblems != before_problems)
		return rc;

	struct history_entry e;
	memset(&e, 0, sizeof(e));
	e.line = r->line;
	e.sector = e.region = e.csirt_type = "";
	struct partial_date joined, left, founded;
	if (!*v[HC_NAME])
		rc |= problem(f, r->line, "name", "history.err.required", "");
	else
		rc |= text_cell(f, r, v[HC_NAME], HC_NAME, &e.name);
	name_key(e.name, e.name_key);
	int dj = 0, dl = 0;
	if (!*v[HC_JOINED])
		rc |= problem(f, r->line, "joined", "history.err.required", "");
	else
		dj = date_cell(f, r, v[HC_JOINED], HC_JOINED, today, e.joined, &joined);
	dl = date_cell(f, r, v[HC_LEFT], HC_LEFT, today, e.left, &left);
	if (date_cell(f, r, v[HC_ESTABLISHED], HC_ESTABLISHED, today, e.established, &founded) == -2 || dj == -2 || dl == -2)
		rc = -1;
	if (dj == 1 && dl == 1 && before(&left, &joined))
		rc |= problem(f, r->line, "left", "history.err.left_before_joined", v[HC_LEFT]);
	static const struct {
		int col;
		const char *const *list;
		const char *prefix;
	} choices[] = {
		{HC_SECTOR, team_sectors, "dir.sector."},
		{HC_REGION, team_regions, "dir.region."},
		{HC_CSIRT_TYPE, team_csirt_types, "dir.type."},
	};
	const char **keys[] = {&e.sector, &e.region, &e.csirt_type};
	for (size_t i = 0; i < 3; i++) {
		const char *s = v[choices[i].col];
		if (!*s)
			continue;
		const char *key = choice(s, choices[i].list, choices[i].prefix);
		if (key) {
			*keys[i] = key;
		} else {
			char list[200];
			choices_of(choices[i].list, list, sizeof(list));
			rc |= problem_with(f, r->line, history_column_names[choices[i].col], "history.err.choice", s, list);
		}
	}
	if (*v[HC_DEPARTMENT])
		rc |= text_cell(f, r, v[HC_DEPARTMENT], HC_DEPARTMENT, &e.department);
	rc |= staff_cell(f, r, v[HC_STAFF_AT_FOUNDING], HC_STAFF_AT_FOUNDING, &e.staff_at_founding);
	rc |= staff_cell(f, r, v[HC_STAFF_NOW], HC_STAFF_NOW, &e.staff_now);
	if (rc < 0 || f->nproblems != before_problems) {
		free(e.name);
		free(e.department);
		return rc < 0 ? -1 : 0;
	}
	if (f->nrows >= HISTORY_MAX_ROWS) {
		free(e.name);
		free(e.department);
		return problem(f, r->line, NULL, "history.err.too_many_rows", "");
	}
	if (f->nrows == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		struct history_entry *p = realloc(f->rows, cap * sizeof(*p));
		if (!p) {
			free(e.name);
			free(e.department);
			return -1;
		}
		f->rows = p;
		f->cap = cap;
	}
	f->rows[f->nrows++] = e;
	return 0;
}

/* Two rows of one name: every later one is listed with the first's line. */
static int by_key_then_line(const void *a, const void *b)
{
	const struct history_entry *x = *(const struct history_entry *const *)a, *y = *(const struct history_entry *const *)b;
	int c = strcmp(x->name_key, y->name_key);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int duplicates(struct history_file *f)
{
	if (f->nrows < 2)
		return 0;
	const struct history_entry **order = malloc(f->nrows * sizeof(*order));
	if (!order)
		return -1;
	for (size_t i = 0; i < f->nrows; i++)
		order[i] = &f->rows[i];
	qsort(order, f->nrows, sizeof(*order), by_key_then_line);
	int rc = 0;
	for (size_t i = 1; i < f->nrows; i++) {
		size_t first = i;
		while (first > 0 && !strcmp(order[first - 1]->name_key, order[i]->name_key))
			first--;
		if (first == i)
			continue;
		char line[24];
		snprintf(line, sizeof(line), "%zu", order[first]->line);
		rc |= problem_with(f, order[i]->line, "name", "history.err.duplicate_name", order[i]->name, line);
	}
	free(order);
	return rc;
}

int history_parse(struct history_file *f, const char *data, size_t n, const char *today)
{
	struct partial_date day;
	if (partial_date_parse(today, &day) < 0 || !day.day)
		return -1;
	if (n > HISTORY_MAX_BYTES)
		return problem(f, 0, NULL, "history.err.too_large", "");
	struct csv c = {data, data + n, 1};
	struct record r;
	buf_init(&r.text, MAX_ROW_BYTES + MAX_CELLS + 1);
	int cols[MAX_CELLS], rc = 0;
	bool header = false;
	if (n >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		c.p += 3;
	while (rc == 0 && read_record(&c, &r)) {
		if (r.problem) {
			rc = problem(f, r.line, NULL, r.problem, "");
			if (!header)
				break;
			continue;
		}
		if (!header) {
			header = true;
			size_t before_header = f->nproblems;
			rc = read_header(f, &r, cols);
			if (f->nproblems != before_header)
				break;
			continue;
		}
		rc = read_row(f, &r, cols, &day);
	}
	if (rc == 0 && !header)
		rc = problem(f, 0, NULL, "history.err.no_header", "");
	if (rc == 0)
		rc = duplicates(f);
	buf_release(&r.text);
	return rc < 0 ? -1 : 0;
}

int history_issue_text(const struct history_issue *is, enum lang lang, struct buf *out)
{
	const char *vars[] = {"value", is->detail, "line", is->extra, "choices", is->extra, "column", is->column, NULL};
	int rc = 0;
	if (*is->column)
		rc |= buf_printf(out, "%s: ", is->column);
	return rc | i18n_fill(out, i18n_get(lang, is->msg_key), vars);
}
