/* Statistics tables as CSV, SVG and JSON; see stats_output.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stats/stats_output.h"

/* One cell and what ends it; -1 when OUT is full. */
static int csv_cell(struct buf *out, const char *s, bool last)
{
	/* A leading = + - @ (or tab, CR) makes a spreadsheet run the cell. */
	bool defuse = s[0] && strchr("=+-@\t\r", s[0]);
	bool quote = defuse || strpbrk(s, ",\"\r\n") != NULL;
	int rc = 0;
	if (quote)
		rc |= buf_addc(out, '"');
	if (defuse)
		rc |= buf_addc(out, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			rc |= buf_addc(out, '"');
		rc |= buf_addc(out, *p);
	}
	if (quote)
		rc |= buf_addc(out, '"');
	return rc | buf_adds(out, last ? "\r\n" : ",");
}

static void plain_number(double v, int decimals, char out[48])
{
	if (isfinite(v))
		snprintf(out, 48, "%.*f", decimals, v);
	else
		out[0] = '\0';
}

int stats_output_csv(const struct stats_table *t, struct buf *out)
{
	int rc = buf_adds(out, "\xEF\xBB\xBF");
	rc |= csv_cell(out, t->row_heading ? t->row_heading : "", t->ncols == 0);
	for (int c = 0; c < t->ncols; c++)
		rc |= csv_cell(out, t->cols[c].label, c + 1 == t->ncols);
	for (size_t r = 0; r < t->nrows && rc == 0; r++) {
		rc |= csv_cell(out, t->rows[r].label, t->ncols == 0);
		for (int c = 0; c < t->ncols; c++) {
			char num[48];
			plain_number(t->rows[r].v[c], t->cols[c].decimals, num);
			rc |= csv_cell(out, num, c + 1 == t->ncols);
		}
	}
	return rc ? -1 : 0;
}

int stats_output_svg(const struct stats_table *t, bool show_title, struct buf *out)
{
	size_t n = t->nrows;
	const char **names = calloc(n + 1, sizeof(*names));
	double *x = calloc(n + 1, sizeof(*x));
	double *y = calloc((n + 1) * STATS_TABLE_MAX_COLS, sizeof(*y));
	struct svg_series series[SVG_MAX_SERIES];
	size_t nseries = 0;
	int rc = -1, decimals = 0;
	if (!names || !x || !y)
		goto out;
	for (size_t r = 0; r < n; r++) {
		names[r] = t->rows[r].label;
		x[r] = t->rows[r].x;
	}
	for (int c = 0; c < t->ncols && nseries < SVG_MAX_SERIES; c++) {
		if (!t->cols[c].drawn)
			continue;
		double *col = y + (size_t)c * (n + 1);
		for (size_t r = 0; r < n; r++)
			col[r] = t->rows[r].v[c];
		series[nseries++] = (struct svg_series){t->cols[c].label, t->cols[c].style, x, col, n};
		decimals = t->cols[c].decimals;
	}
	struct svg_chart chart = {
		.kind = t->kind, .id = t->name, .title = t->title, .desc = t->desc.data ? t->desc.data : "",
		.show_title = show_title, .x_label = t->x_label, .y_label = t->y_label, .categories = names,
		.ncategories = t->kind == SVG_LINE ? 0 : n, .series = series, .nseries = nseries, .decimals = decimals,
		.x_years = true, .empty = t->empty,
	};
	rc = svg_chart_write(out, &chart);
out:
	free(names);
	free(x);
	free(y);
	return rc;
}

static void json_value(struct jw *w, double v, int decimals)
{
	if (!isfinite(v))
		jw_null(w);
	else if (decimals == 0)
		jw_int(w, llround(v));
	else
		jw_double(w, round(v * pow(10, decimals)) / pow(10, decimals));
}

static void json_projection(const struct stats *s, struct jw *w)
{
	const struct stats_projection *p = &s->projection;
	jw_key(w, "projection");
	jw_obj_begin(w);
	jw_kbool(w, "available", p->available);
	jw_key(w, "rate");
	if (p->available)
		jw_double(w, round(p->rate * 10000.0) / 10000.0);
	else
		jw_null(w);
	jw_kint(w, "rate_years", STATS_RATE_YEARS);
	jw_kint(w, "from_year", p->from_year);
	jw_kint(w, "to_year", p->to_year);
	jw_kint(w, "target", p->target);
	jw_key(w, "target_year");
	if (p->target_year)
		jw_int(w, p->target_year);
	else
		jw_null(w);
	jw_kbool(w, "reached", p->reached);
	jw_obj_end(w);
}

static void json_chart(const struct stats *s, const struct stats_table *t, struct jw *w)
{
	jw_obj_begin(w);
	jw_kstr(w, "id", t->name);
	jw_kstr(w, "title", t->title);
	jw_kstr(w, "description", t->desc.data ? t->desc.data : "");
	jw_key(w, "notes");
	jw_arr_begin(w);
	for (const char *p = t->notes.data; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		jw_strn(w, p, len);
		p = nl ? nl + 1 : p + len;
	}
	jw_arr_end(w);
	jw_kstr(w, "row_heading", t->row_heading ? t->row_heading : "");
	jw_key(w, "columns");
	jw_arr_begin(w);
	for (int c = 0; c < t->ncols; c++) {
		jw_obj_begin(w);
		jw_kstr(w, "key", t->cols[c].key);
		jw_kstr(w, "label", t->cols[c].label);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "rows");
	jw_arr_begin(w);
	for (size_t r = 0; r < t->nrows; r++) {
		jw_obj_begin(w);
		jw_kstr(w, "key", t->rows[r].key);
		jw_kstr(w, "label", t->rows[r].label);
		jw_key(w, "values");
		jw_obj_begin(w);
		for (int c = 0; c < t->ncols; c++) {
			jw_key(w, t->cols[c].key);
			json_value(w, t->rows[r].v[c], t->cols[c].decimals);
		}
		jw_obj_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	if (t->chart == STATS_CHART_GROWTH)
		json_projection(s, w);
	const struct stats_categories *folding = t->chart == STATS_CHART_SECTOR ? &s->sector
	                                         : t->chart == STATS_CHART_REGION ? &s->region
	                                         : t->chart == STATS_CHART_CSIRT_TYPE ? &s->csirt_type : NULL;
	if (folding && s->level == DIR_PUBLIC) {
		jw_kint(w, "fold_below", STATS_FOLD_BELOW);
		jw_kint(w, "folded_categories", folding->folded);
	}
	jw_obj_end(w);
}

int stats_output_json(const struct stats *s, int chart, enum lang lang, struct jw *w)
{
	static const char *const views[] = {"public", "members", "secretariat"};
	jw_obj_begin(w);
	jw_kstr(w, "as_of", s->as_of);
	jw_kstr(w, "view", views[s->level <= DIR_ALL ? s->level : DIR_PUBLIC]);
	jw_kint(w, "member_target", s->projection.target);
	jw_kint(w, "members", s->members);
	jw_key(w, "left_out");
	jw_obj_begin(w);
	jw_kint(w, "join_date_not_shown", s->hidden);
	jw_kint(w, "join_date_unknown", s->undated);
	jw_obj_end(w);
	jw_key(w, "charts");
	jw_arr_begin(w);
	int rc = 0;
	for (int c = 0; c < STATS_CHART__COUNT && rc == 0; c++) {
		if ((chart >= 0 && c != chart) || (stats_chart_detail(c) && !s->detail))
			continue;
		struct stats_table t;
		rc = stats_table_build(s, c, lang, &t);
		if (rc == 0) {
			json_chart(s, &t, w);
			stats_table_release(&t);
		}
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return rc < 0 || w->failed ? -1 : 0;
}
