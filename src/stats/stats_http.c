/* The association in numbers over HTTP: the page /stats (a chart per
 * figure, each followed by its numbers as a table and links to its CSV
 * and SVG), each chart as /stats/{chart}.csv and /stats/{chart}.svg, and
 * the JSON of every figure at GET /api/v1/stats (one chart at
 * /api/v1/stats/{chart}). Anyone sees the public figures; readers the
 * policy lets see the members' figures (ACT_STATS_DETAIL) see those too,
 * and every figure counts what the reader may see of each team
 * (stats.h). ?as_of=YYYY-MM-DD shows the association as it stood at the
 * end of that day (default: today in the instance's time zone).
 *
 * The answers are kept (response_cache.h) under the sum of the
 * directory's change counter and stats_version, which triggers move on
 * every change to the history, the organisations' kinds and the
 * applications, so a change by any process shows at the next request. */
#include <stdio.h>
#include <string.h>
#include "core/clock.h"
#include "directory/dir_version.h"
#include "directory/fields.h"
#include "http/input.h"
#include "http/respond.h"
#include "http/response_cache.h"
#include "stats/chart_scale.h"
#include "stats/stats_http.h"
#include "stats/stats_output.h"
#include "stats/stats_table.h"

/* Answer from the response cache when nothing the figures read changed
 * since this reader's same request was answered. */
static bool answer_kept(struct ctx *c)
{
	static const char sql[] = "SELECT version FROM stats_version WHERE id = 1";
	struct dir_version v;
	int64_t stats = db_scalar(c->db, sql);
	return stats >= 0 && dir_version_read(c->db, &v) == 0 && response_cache_answer(c, v.version + stats);
}

/* Today in the instance's time zone, as YYYY-MM-DD. */
static void today(struct ctx *c, char out[FIELD_DATE_MAX])
{
	char local[64];
	clock_local(clock_now(), c->cfg->default_tz, local, sizeof(local));
	snprintf(out, FIELD_DATE_MAX, "%.10s", local);
}

/* The figures for this reader on ?as_of= (today when absent), or NULL
 * after answering: 400 naming "as_of" for a day that is not a date or is
 * after today, 500 on a database error. */
static struct stats *figures(struct ctx *c, char today_out[FIELD_DATE_MAX])
{
	char day[FIELD_DATE_MAX], now[FIELD_DATE_MAX];
	today(c, now);
	if (today_out)
		memcpy(today_out, now, sizeof(now));
	const char *asked = input_query_text(c, "as_of", 10);
	if (!input_ok(c)) {
		http_error(c, ERR_BAD_REQUEST, NULL);
		return NULL;
	}
	if (asked && (field_date(asked, day) != FIELD_OK || strcmp(day, now) > 0)) {
		ctx_field_error(c, "as_of", "stats.err.as_of");
		http_error(c, ERR_BAD_REQUEST, NULL);
		return NULL;
	}
	if (!asked)
		memcpy(day, now, sizeof(now));
	int64_t start, end;
	if (clock_local_day(day, c->cfg->default_tz, &start, &end) < 0) {
		ctx_field_error(c, "as_of", "stats.err.as_of");
		http_error(c, ERR_BAD_REQUEST, NULL);
		return NULL;
	}
	struct stats_request rq = {
		.as_of = day, .as_of_end = end, .level = team_level_for(&c->actor, 0),
		.detail = policy_allows(&c->actor, ACT_STATS_DETAIL, NULL), .target = c->cfg->member_target,
	};
	struct stats *s = stats_compute(c->db, &rq);
	if (!s)
		http_error(c, ERR_INTERNAL, NULL);
	return s;
}

/* The chart NAME, or -1 after answering 404 (no such chart) or 403 (a
 * members' chart for a reader who may not see it). */
static int chart_for(struct ctx *c, const struct stats *s, const char *name)
{
	int chart = stats_chart_find(name);
	if (chart < 0) {
		http_error(c, ERR_NOT_FOUND, "stats.err.no_such_chart");
		return -1;
	}
	if (stats_chart_detail(chart) && !s->detail) {
		http_error(c, ERR_FORBIDDEN, "stats.err.members_only");
		return -1;
	}
	return chart;
}

/* "?as_of=DAY" when the reader asked for a day, for the page's links. */
static void as_of_query(struct ctx *c, const struct stats *s, char *out, size_t n)
{
	const char *asked = form_get(&c->query, "as_of");
	snprintf(out, n, "%s%s", asked && *asked ? "?as_of=" : "", asked && *asked ? s->as_of : "");
}

/* One chart of the page: the SVG, the sentences, the table. */
static json_t *page_chart(struct ctx *c, const struct stats *s, enum stats_chart chart, const char *query)
{
	struct stats_table t;
	if (stats_table_build(s, chart, c->lang, &t) < 0)
		return NULL;
	struct buf svg;
	buf_init(&svg, 4u << 20);
	json_t *v = NULL;
	if (stats_output_svg(&t, false, &svg) < 0)
		goto out;
	json_t *columns = json_array(), *rows = json_array(), *notes = json_array();
	for (int k = 0; k < t.ncols; k++)
		json_array_append_new(columns, json_string(t.cols[k].label));
	for (size_t r = 0; r < t.nrows; r++) {
		json_t *cells = json_array();
		for (int k = 0; k < t.ncols; k++) {
			char num[32];
			chart_format_number(t.rows[r].v[k], t.cols[k].decimals, num, sizeof(num));
			json_array_append_new(cells, json_string(num));
		}
		json_array_append_new(rows, json_pack("{s:s,s:o}", "label", t.rows[r].label, "cells", cells));
	}
	for (const char *p = t.notes.data; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		json_array_append_new(notes, json_stringn(p, len));
		p = nl ? nl + 1 : p + len;
	}
	char csv[96], file[96];
	snprintf(csv, sizeof(csv), "/stats/%s.csv%s", t.name, query);
	snprintf(file, sizeof(file), "/stats/%s.svg%s", t.name, query);
	v = json_pack("{s:s,s:s,s:s%,s:s,s:o,s:s,s:o,s:o,s:s,s:s,s:b}", "id", t.name, "title", t.title, "svg", svg.data,
	              svg.len, "desc", t.desc.data ? t.desc.data : "", "notes", notes, "heading",
	              t.row_heading ? t.row_heading : "", "columns", columns, "rows", rows, "csv_url", csv, "svg_url", file,
	              "open", chart != STATS_CHART_MONTHLY);
out:
	buf_release(&svg);
	stats_table_release(&t);
	return v;
}

static void stats_page(struct ctx *c)
{
	if (answer_kept(c))
		return;
	char now[FIELD_DATE_MAX];
	struct stats *s = figures(c, now);
	if (!s)
		return;
	char query[32], members[32];
	as_of_query(c, s, query, sizeof(query));
	json_t *charts = json_array();
	for (int k = 0; k < STATS_CHART__COUNT; k++) {
		if (stats_chart_detail(k) && !s->detail)
			continue;
		json_t *one = page_chart(c, s, k, query);
		if (!one) {
			json_decref(charts);
			stats_free(s);
			http_error(c, ERR_INTERNAL, NULL);
			return;
		}
		json_array_append_new(charts, one);
	}
	chart_format_number((double)s->members, 0, members, sizeof(members));
	struct buf line;
	buf_init(&line, 4096);
	i18n_fill(&line, ctx_t(c, "stats.members_on"), (const char *const[]){"members", members, "date", s->as_of, NULL});
	const char *view = s->level == DIR_ALL ? "stats.view.secretariat" : s->detail ? "stats.view.members" : "stats.view.public";
	json_t *d = json_pack("{s:s,s:o,s:s,s:s,s:s,s:s}", "title", ctx_t(c, "stats.title"), "charts", charts, "as_of",
	                      s->as_of, "today", now, "members_line", line.data ? line.data : "", "view_line", ctx_t(c, view));
	buf_release(&line);
	stats_free(s);
	http_page(c, 200, "stats.html", d);
}

/* GET /stats/{file}: "growth.csv", "sector.svg". */
static void stats_file(struct ctx *c)
{
	const char *file = ctx_param(c, "file");
	const char *dot = file ? strrchr(file, '.') : NULL;
	bool csv = dot && !strcmp(dot, ".csv"), svg = dot && !strcmp(dot, ".svg");
	char name[32];
	if ((!csv && !svg) || (size_t)(dot - file) >= sizeof(name)) {
		http_error(c, ERR_NOT_FOUND, "stats.err.no_such_chart");
		return;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(dot - file), file);
	if (stats_chart_find(name) < 0) {
		http_error(c, ERR_NOT_FOUND, "stats.err.no_such_chart");
		return;
	}
	if (answer_kept(c))
		return;
	struct stats *s = figures(c, NULL);
	if (!s)
		return;
	int chart = chart_for(c, s, name);
	struct stats_table t;
	if (chart < 0 || stats_table_build(s, chart, c->lang, &t) < 0) {
		if (chart >= 0)
			http_error(c, ERR_INTERNAL, NULL);
		stats_free(s);
		return;
	}
	struct buf b;
	buf_init(&b, 8u << 20);
	int rc = csv ? stats_output_csv(&t, &b) : stats_output_svg(&t, true, &b);
	if (rc < 0) {
		http_error(c, ERR_INTERNAL, NULL);
	} else {
		char disp[96];
		snprintf(disp, sizeof(disp), "%s; filename=\"%s-%s.%s\"", csv ? "attachment" : "inline", t.name, s->as_of,
		         csv ? "csv" : "svg");
		http_header(c, "content-disposition", disp);
		http_send(c, 200, csv ? "text/csv; charset=utf-8" : "image/svg+xml; charset=utf-8", b.data ? b.data : "",
		          b.len);
	}
	buf_release(&b);
	stats_table_release(&t);
	stats_free(s);
}

/* The JSON of every figure (NAME NULL) or of the chart NAME. */
static void stats_json(struct ctx *c, const char *name)
{
	if (name && stats_chart_find(name) < 0) {
		http_error(c, ERR_NOT_FOUND, "stats.err.no_such_chart");
		return;
	}
	if (answer_kept(c))
		return;
	struct stats *s = figures(c, NULL);
	if (!s)
		return;
	int chart = name ? chart_for(c, s, name) : -1;
	if (name && chart < 0) {
		stats_free(s);
		return;
	}
	struct buf b;
	struct jw w;
	buf_init(&b, 8u << 20);
	jw_init(&w, &b);
	if (stats_output_json(s, chart, c->lang, &w) < 0)
		http_error(c, ERR_INTERNAL, NULL);
	else
		http_json(c, 200, &b);
	buf_release(&b);
	stats_free(s);
}

static void stats_api(struct ctx *c)
{
	stats_json(c, NULL);
}

static void stats_api_chart(struct ctx *c)
{
	stats_json(c, ctx_param(c, "chart"));
}

const struct route stats_routes[] = {
	{"GET", "/stats", ACT_PUBLIC_READ, stats_page, 0},
	{"GET", "/stats/{file}", ACT_PUBLIC_READ, stats_file, 0},
	{"GET", "/api/v1/stats", ACT_PUBLIC_READ, stats_api, ROUTE_API},
	{"GET", "/api/v1/stats/{chart}", ACT_PUBLIC_READ, stats_api_chart, ROUTE_API},
	{0},
};
