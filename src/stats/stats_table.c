/* The figures as labelled tables; see stats_table.h. Every sentence and
 * label comes from src/web/messages.tsv in the reader's language. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stats/chart_scale.h"
#include "stats/stats_table.h"

static const struct {
	const char *name;
	bool detail;
	enum svg_kind kind;
	const char *title;
} charts[STATS_CHART__COUNT] = {
	[STATS_CHART_GROWTH] = {"growth", false, SVG_LINE, "stats.chart.growth"},
	[STATS_CHART_MONTHLY] = {"monthly", false, SVG_LINE, "stats.chart.monthly"},
	[STATS_CHART_JOINS] = {"joins", false, SVG_COLUMNS, "stats.chart.joins"},
	[STATS_CHART_SECTOR] = {"sector", false, SVG_BARS, "stats.chart.sector"},
	[STATS_CHART_REGION] = {"region", false, SVG_BARS, "stats.chart.region"},
	[STATS_CHART_CSIRT_TYPE] = {"csirt_type", false, SVG_BARS, "stats.chart.csirt_type"},
	[STATS_CHART_DEPARTMENT] = {"department", true, SVG_BARS, "stats.chart.department"},
	[STATS_CHART_STAFF] = {"staff", true, SVG_BARS, "stats.chart.staff"},
	[STATS_CHART_APPLICATIONS] = {"applications", true, SVG_BARS, "stats.chart.applications"},
	[STATS_CHART_STAGES] = {"stages", true, SVG_BARS, "stats.chart.stages"},
};

int stats_chart_find(const char *name)
{
	for (int i = 0; name && i < STATS_CHART__COUNT; i++)
		if (!strcmp(name, charts[i].name))
			return i;
	return -1;
}

const char *stats_chart_name(enum stats_chart chart)
{
	return (unsigned)chart < STATS_CHART__COUNT ? charts[chart].name : "";
}

bool stats_chart_detail(enum stats_chart chart)
{
	return (unsigned)chart < STATS_CHART__COUNT && charts[chart].detail;
}

/* Building one table: the table, the figures and the language. */
struct build {
	struct stats_table *t;
	const struct stats *s;
	enum lang lang;
	size_t cap;
	bool failed;
};

static const char *tr(const struct build *b, const char *key)
{
	return i18n_get(b->lang, key);
}

static void number(int64_t v, char out[32])
{
	chart_format_number((double)v, 0, out, 32);
}

/* Append the message KEY filled with VARS to OUT as a sentence of its own. */
static void sentence(struct build *b, struct buf *out, const char *key, const char *const vars[])
{
	if (out->len && b->lang == LANG_EN)
		buf_addc(out, ' ');
	if (i18n_fill(out, tr(b, key), vars) < 0)
		b->failed = true;
}

/* Append the message KEY filled with VARS to the notes, one line each. */
static void note(struct build *b, const char *key, const char *const vars[])
{
	if (b->t->notes.len)
		buf_addc(&b->t->notes, '\n');
	if (i18n_fill(&b->t->notes, tr(b, key), vars) < 0)
		b->failed = true;
}

static void column(struct build *b, const char *key, const char *label_key, int decimals, bool drawn,
                   enum svg_style style)
{
	struct stats_column *c = &b->t->cols[b->t->ncols++];
	c->key = key;
	c->label = tr(b, label_key);
	c->decimals = decimals;
	c->drawn = drawn;
	c->style = style;
}

/* A new row (every value NAN), or NULL when memory ran out. */
static struct stats_row *row(struct build *b, const char *key, const char *label, double x)
{
	struct stats_table *t = b->t;
	if (t->nrows == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		struct stats_row *p = realloc(t->rows, cap * sizeof(*p));
		if (!p) {
			b->failed = true;
			return NULL;
		}
		t->rows = p;
		b->cap = cap;
	}
	struct stats_row *r = &t->rows[t->nrows++];
	snprintf(r->key, sizeof(r->key), "%s", key);
	snprintf(r->label, sizeof(r->label), "%s", label);
	r->x = x;
	for (int i = 0; i < STATS_TABLE_MAX_COLS; i++)
		r->v[i] = NAN;
	return r;
}

/* The message KEY filled with VARS, into OUT (N bytes). */
static void filled(const struct build *b, const char *key, const char *const vars[], char *out, size_t n)
{
	struct buf tmp;
	buf_init(&tmp, 4096);
	i18n_fill(&tmp, tr(b, key), vars);
	snprintf(out, n, "%s", tmp.data ? tmp.data : "");
	buf_release(&tmp);
}

/* The day YYYY-MM-DD as a time in years: the end of year Y is Y.0. */
static double years_at(const char *date)
{
	int y = 0, m = 1, d = 1;
	if (sscanf(date, "%d-%d-%d", &y, &m, &d) != 3)
		return NAN;
	static const int before[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	int day = before[(m - 1) % 12] + d + (leap && m > 2);
	return (double)(y - 1) + (double)day / (leap ? 366.0 : 365.0);
}

/* Who is left out of the member figures, and why. */
static void left_out(struct build *b)
{
	char n[32];
	if (b->s->hidden) {
		number(b->s->hidden, n);
		note(b, "stats.note.hidden", (const char *const[]){"n", n, NULL});
	}
	if (b->s->undated) {
		number(b->s->undated, n);
		note(b, "stats.note.undated", (const char *const[]){"n", n, NULL});
	}
}

static void projection_sentences(struct build *b)
{
	const struct stats_projection *p = &b->s->projection;
	char from[16], to[16], year[16], rate[40], target[32], years[16];
	snprintf(from, sizeof(from), "%d", p->from_year);
	snprintf(to, sizeof(to), "%d", p->to_year);
	snprintf(year, sizeof(year), "%d", p->target_year);
	snprintf(years, sizeof(years), "%d", STATS_RATE_YEARS);
	chart_format_number(p->rate * 100.0, 1, rate, sizeof(rate));
	strcat(rate, "%");
	number(p->target, target);
	if (p->available)
		sentence(b, &b->t->desc, "stats.desc.projection",
		         (const char *const[]){"rate", rate, "from", from, "to", to, NULL});
	else
		sentence(b, &b->t->desc, p->why_not, (const char *const[]){"from", from, "n", years, NULL});
	if (p->reached)
		sentence(b, &b->t->desc, "stats.desc.target_reached", (const char *const[]){"target", target, "year", year, NULL});
	else if (p->available && p->target_year)
		sentence(b, &b->t->desc, "stats.desc.target_year", (const char *const[]){"target", target, "year", year, NULL});
	else if (p->available)
		sentence(b, &b->t->desc, "stats.desc.target_never", (const char *const[]){"target", target, NULL});
}

static void growth(struct build *b)
{
	const struct stats *s = b->s;
	const struct stats_projection *p = &s->projection;
	struct stats_table *t = b->t;
	t->row_heading = tr(b, "stats.col.year");
	column(b, "members", "stats.col.members_end", 0, true, SVG_SOLID);
	column(b, "joined", "stats.col.joined", 0, false, SVG_SOLID);
	column(b, "left", "stats.col.left", 0, false, SVG_SOLID);
	column(b, "projected", "stats.col.projected", 0, true, SVG_DASHED);
	char key[16], members[32], first[16], last[16];
	int as_of_year = atoi(s->as_of);
	for (size_t i = 0; s->first_join_year && i < s->nyears; i++) {
		const struct stats_year *y = &s->years[i];
		if (y->year < s->first_join_year)
			continue;
		bool partial = y->year == as_of_year && strcmp(s->as_of + 4, "-12-31") != 0;
		struct stats_row *r;
		if (partial) {
			char label[64];
			filled(b, "stats.as_of_row", (const char *const[]){"date", s->as_of, NULL}, label, sizeof(label));
			r = row(b, "as_of", label, years_at(s->as_of));
		} else {
			snprintf(key, sizeof(key), "%d", y->year);
			r = row(b, key, key, y->year);
		}
		if (!r)
			return;
		r->v[0] = (double)y->members;
		r->v[1] = (double)y->joined;
		r->v[2] = (double)y->left;
		if (p->available && y->year == p->to_year && !partial)
			r->v[3] = (double)y->members;
	}
	for (size_t i = 1; i < p->npoints; i++) {
		char label[64];
		snprintf(key, sizeof(key), "%d", p->points[i].year);
		filled(b, "stats.projected_row", (const char *const[]){"year", key, NULL}, label, sizeof(label));
		struct stats_row *r = row(b, key, label, p->points[i].year);
		if (!r)
			return;
		r->v[3] = round(p->points[i].members);
	}
	if (!s->first_join_year) {
		sentence(b, &t->desc, "stats.desc.growth_none", (const char *const[]){"date", s->as_of, NULL});
	} else {
		snprintf(first, sizeof(first), "%d", s->first_join_year);
		snprintf(last, sizeof(last), "%d", p->to_year >= s->first_join_year ? p->to_year : s->first_join_year);
		number(s->members, members);
		sentence(b, &t->desc, "stats.desc.growth",
		         (const char *const[]){"first", first, "last", last, "members", members, "date", s->as_of, NULL});
		projection_sentences(b);
	}
	left_out(b);
}

static void monthly(struct build *b)
{
	const struct stats *s = b->s;
	struct stats_table *t = b->t;
	t->row_heading = tr(b, "stats.col.month");
	column(b, "members", "stats.col.members_month", 0, true, SVG_SOLID);
	for (size_t i = 0; i < s->nmonths; i++) {
		const struct stats_month *m = &s->months[i];
		char key[16];
		snprintf(key, sizeof(key), "%04d-%02d", m->year % 10000, m->month % 100);
		bool as_of_month = i + 1 == s->nmonths && !strncmp(s->as_of, key, 7);
		struct stats_row *r = row(b, key, key, as_of_month ? years_at(s->as_of) : m->year - 1 + m->month / 12.0);
		if (!r)
			return;
		r->v[0] = (double)m->members;
	}
	char from[16];
	snprintf(from, sizeof(from), "%04d-%02d", s->monthly_from_year % 10000, s->monthly_from_month % 100);
	if (s->nmonths) {
		sentence(b, &t->desc, "stats.desc.monthly", (const char *const[]){"from", from, "date", s->as_of, NULL});
		if (s->monthly_cut)
			sentence(b, &t->desc, "stats.desc.monthly_from", NULL);
	} else {
		sentence(b, &t->desc, "stats.desc.monthly_none", (const char *const[]){"date", s->as_of, NULL});
	}
	left_out(b);
}

static void joins(struct build *b)
{
	const struct stats *s = b->s;
	struct stats_table *t = b->t;
	t->row_heading = tr(b, "stats.col.year");
	column(b, "joined", "stats.col.joined", 0, true, SVG_SOLID);
	column(b, "established", "stats.col.established", 0, true, SVG_SOLID);
	for (size_t i = 0; i < s->nyears; i++) {
		char key[16];
		snprintf(key, sizeof(key), "%d", s->years[i].year);
		struct stats_row *r = row(b, key, key, s->years[i].year);
		if (!r)
			return;
		r->v[0] = (double)s->years[i].joined;
		r->v[1] = (double)s->years[i].established;
	}
	if (s->nyears) {
		char first[16], last[16];
		snprintf(first, sizeof(first), "%d", s->years[0].year);
		snprintf(last, sizeof(last), "%d", s->years[s->nyears - 1].year);
		sentence(b, &t->desc, "stats.desc.joins", (const char *const[]){"first", first, "last", last, "date", s->as_of,
		                                                             NULL});
	} else {
		sentence(b, &t->desc, "stats.desc.growth_none", (const char *const[]){"date", s->as_of, NULL});
	}
	left_out(b);
}

/* The label of KEY in the group PREFIX ("dir.sector."), or the key. */
static const char *category_label(const struct build *b, const char *prefix, const char *key, char *buf, size_t n)
{
	if (!strcmp(key, STATS_UNKNOWN))
		return tr(b, "stats.unknown");
	if (!strcmp(key, STATS_FOLDED)) {
		char below[16];
		snprintf(below, sizeof(below), "%d", STATS_FOLD_BELOW);
		filled(b, "stats.folded", (const char *const[]){"n", below, NULL}, buf, n);
		return buf;
	}
	snprintf(buf, n, "%s%s", prefix, key);
	return i18n_has(buf) ? tr(b, buf) : key;
}

static void categories(struct build *b, const struct stats_categories *c, const char *heading, const char *prefix,
                       bool sizes)
{
	const struct stats *s = b->s;
	struct stats_table *t = b->t;
	t->row_heading = tr(b, heading);
	if (sizes) {
		column(b, "at_founding", "stats.col.at_founding", 0, true, SVG_SOLID);
		column(b, "now", "stats.col.now", 0, true, SVG_SOLID);
	} else {
		column(b, "members", "stats.col.members", 0, true, SVG_SOLID);
	}
	for (size_t i = 0; i < c->n; i++) {
		char buf[160];
		struct stats_row *r = row(b, c->rows[i].key, category_label(b, prefix, c->rows[i].key, buf, sizeof(buf)), i);
		if (!r)
			return;
		r->v[0] = (double)c->rows[i].count[0];
		if (sizes)
			r->v[1] = (double)c->rows[i].count[1];
	}
	char total[32];
	number(s->members, total);
	sentence(b, &t->desc, sizes ? "stats.desc.staff" : "stats.desc.category",
	         (const char *const[]){"total", total, "date", s->as_of, NULL});
	if (c->folded) {
		char below[16];
		snprintf(below, sizeof(below), "%d", STATS_FOLD_BELOW);
		sentence(b, &t->desc, "stats.desc.folded", (const char *const[]){"n", below, NULL});
	}
	left_out(b);
}

static void applications(struct build *b, bool stages)
{
	const struct stats *s = b->s;
	struct stats_table *t = b->t;
	t->row_heading = tr(b, stages ? "stats.col.stage" : "stats.col.state");
	if (stages) {
		column(b, "median_days", "stats.col.median_days", 1, true, SVG_SOLID);
		column(b, "stays", "stats.col.stays", 0, false, SVG_SOLID);
	} else {
		column(b, "applications", "stats.col.applications", 0, true, SVG_SOLID);
	}
	for (int i = 0; i < STATS_NSTATES; i++) {
		const struct stats_state *st = &s->states[i];
		if (stages && !st->stays)
			continue;
		char buf[160];
		struct stats_row *r = row(b, st->state, category_label(b, "stats.state.", st->state, buf, sizeof(buf)), i);
		if (!r)
			return;
		r->v[0] = stages ? st->median_days : (double)st->applications;
		if (stages)
			r->v[1] = (double)st->stays;
	}
	sentence(b, &t->desc, stages ? "stats.desc.stages" : "stats.desc.applications",
	         (const char *const[]){"date", s->as_of, NULL});
}

int stats_table_build(const struct stats *s, enum stats_chart chart, enum lang lang, struct stats_table *t)
{
	memset(t, 0, sizeof(*t));
	if ((unsigned)chart >= STATS_CHART__COUNT || (charts[chart].detail && !s->detail))
		return -1;
	struct build b = {t, s, lang, 0, false};
	t->chart = chart;
	t->name = charts[chart].name;
	t->kind = charts[chart].kind;
	t->title = tr(&b, charts[chart].title);
	buf_init(&t->desc, 1 << 16);
	buf_init(&t->notes, 1 << 16);
	t->empty = tr(&b, "stats.empty");
	t->y_label = tr(&b, "stats.axis.members");
	switch (chart) {
	case STATS_CHART_GROWTH: growth(&b); break;
	case STATS_CHART_MONTHLY: monthly(&b); break;
	case STATS_CHART_JOINS:
		joins(&b);
		t->y_label = tr(&b, "stats.axis.teams");
		break;
	case STATS_CHART_SECTOR: categories(&b, &s->sector, "dir.field.sector", "dir.sector.", false); break;
	case STATS_CHART_REGION: categories(&b, &s->region, "dir.field.region", "dir.region.", false); break;
	case STATS_CHART_CSIRT_TYPE: categories(&b, &s->csirt_type, "dir.field.csirt_type", "dir.type.", false); break;
	case STATS_CHART_DEPARTMENT:
		categories(&b, &s->department, "dir.field.org_department", "stats.dept.", false);
		break;
	case STATS_CHART_STAFF:
		categories(&b, &s->staff, "stats.col.size", "stats.band.", true);
		t->x_label = tr(&b, "stats.axis.teams");
		break;
	case STATS_CHART_APPLICATIONS:
		applications(&b, false);
		t->x_label = tr(&b, "stats.axis.applications");
		break;
	case STATS_CHART_STAGES:
		applications(&b, true);
		t->x_label = tr(&b, "stats.axis.days");
		break;
	case STATS_CHART__COUNT: break;
	}
	if (t->kind == SVG_BARS && !t->x_label)
		t->x_label = t->y_label;
	if (b.failed || !t->desc.data) {
		stats_table_release(t);
		return -1;
	}
	return 0;
}

void stats_table_release(struct stats_table *t)
{
	free(t->rows);
	buf_release(&t->desc);
	buf_release(&t->notes);
	memset(t, 0, sizeof(*t));
}
