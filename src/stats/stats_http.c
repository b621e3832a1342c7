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
 * The figures read every team (a tenth of a second at 100,000 teams), so
 * they are computed on the worker pool with a connection of its own, and
 * the answer is written back on the request's loop. Answers are kept
 * (response_cache.h): the directory's changes drop them as they drop the
 * directory's own; the other data the figures read (the history, the
 * organisations' kinds, the applications) moves stats_version through
 * triggers, whoever changes it, and a request that finds it moved drops
 * the kept answers first, so such a change shows at the next request. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/log.h"
#include "directory/fields.h"
#include "http/input.h"
#include "http/respond.h"
#include "http/response_cache.h"
#include "http/worker.h"
#include "stats/chart_scale.h"
#include "stats/stats_http.h"
#include "stats/stats_output.h"
#include "stats/stats_table.h"

/* stats_version as last read by any request of this process. */
static _Atomic int64_t seen_version = -1;

/* Answer from the response cache when nothing the figures read changed
 * since this reader's same request was answered. */
static bool answer_kept(struct ctx *c)
{
	static const char sql[] = "SELECT version FROM stats_version WHERE id = 1";
	int64_t now = db_scalar(c->db, sql);
	if (now < 0)
		return false;
	if (atomic_exchange(&seen_version, now) != now)
		response_cache_invalidate();
	return response_cache_answer(c);
}

/* Today in the instance's time zone, as YYYY-MM-DD. */
static void today(struct ctx *c, char out[FIELD_DATE_MAX])
{
	char local[64];
	clock_local(clock_now(), c->cfg->default_tz, local, sizeof(local));
	snprintf(out, FIELD_DATE_MAX, "%.10s", local);
}

/* What a request asks for, computed on the worker pool. */
enum answer { ANSWER_PAGE, ANSWER_CSV, ANSWER_SVG, ANSWER_JSON };

struct stats_job {
	char db_path[512];
	char as_of[FIELD_DATE_MAX], today[FIELD_DATE_MAX];
	struct stats_request rq;
	enum answer answer;
	int chart;                /* ANSWER_CSV, ANSWER_SVG: the chart; ANSWER_JSON: the chart or -1 for all */
	struct stats *s;          /* the figures, once computed */
};

/* The day of ?as_of= (today when absent) into J, or false after
 * answering 400 naming "as_of": not a date, or after today. */
static bool read_day(struct ctx *c, struct stats_job *j)
{
	today(c, j->today);
	const char *asked = input_query_text(c, "as_of", 10);
	if (!input_ok(c)) {
		http_error(c, ERR_BAD_REQUEST, NULL);
		return false;
	}
	int64_t start;
	if (asked && (field_date(asked, j->as_of) != FIELD_OK || strcmp(j->as_of, j->today) > 0)) {
		ctx_field_error(c, "as_of", "stats.err.as_of");
		http_error(c, ERR_BAD_REQUEST, NULL);
		return false;
	}
	if (!asked)
		memcpy(j->as_of, j->today, sizeof(j->today));
	if (clock_local_day(j->as_of, c->cfg->default_tz, &start, &j->rq.as_of_end) < 0) {
		ctx_field_error(c, "as_of", "stats.err.as_of");
		http_error(c, ERR_BAD_REQUEST, NULL);
		return false;
	}
	return true;
}

/* The chart NAME, or -1 after answering 404 (no such chart) or 403 (a
 * members' chart for a reader who may not see it). */
static int chart_for(struct ctx *c, const char *name)
{
	int chart = stats_chart_find(name);
	if (chart < 0) {
		http_error(c, ERR_NOT_FOUND, "stats.err.no_such_chart");
		return -1;
	}
	if (stats_chart_detail(chart) && !policy_allows(&c->actor, ACT_STATS_DETAIL, NULL)) {
		http_error(c, ERR_FORBIDDEN, "stats.err.members_only");
		return -1;
	}
	return chart;
}

static void compute(void *arg)
{
	struct stats_job *j = arg;
	struct db db;
	char err[256];
	if (db_open(&db, j->db_path, false, err, sizeof(err)) < 0) {
		log_kv(LOG_ERROR, "stats: cannot open the database", "error", err, NULL);
		return;
	}
	j->s = stats_compute(&db, &j->rq);
	db_close(&db);
}

static void answer(struct ctx *c, struct stats_job *j);

static void computed(struct ctx *c, void *arg)
{
	struct stats_job *j = arg;
	if (c && !j->s)
		http_error(c, ERR_INTERNAL, NULL);
	else if (c)
		answer(c, j);
	stats_free(j->s);
	free(j);
}

/* Compute the figures the request asks for on the worker pool, then
 * answer ANSWER for CHART: unless the answer is kept, or ?as_of= is
 * refused (then answered here). */
static void start(struct ctx *c, enum answer kind, int chart)
{
	struct stats_job *j = calloc(1, sizeof(*j));
	if (!j) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	if (!read_day(c, j) || answer_kept(c)) {
		free(j);
		return;
	}
	snprintf(j->db_path, sizeof(j->db_path), "%s", c->cfg->db_path);
	j->answer = kind;
	j->chart = chart;
	j->rq = (struct stats_request){
		.as_of = j->as_of, .as_of_end = j->rq.as_of_end, .level = team_level_for(&c->actor, 0),
		.detail = policy_allows(&c->actor, ACT_STATS_DETAIL, NULL), .target = c->cfg->member_target,
	};
	if (worker_submit(c, compute, computed, j) < 0) {
		free(j);
		http_error(c, ERR_UNAVAILABLE, NULL);
	}
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

static void page_answer(struct ctx *c, const struct stats *s, const char *now)
{
	char query[32], members[32];
	as_of_query(c, s, query, sizeof(query));
	json_t *charts = json_array();
	for (int k = 0; k < STATS_CHART__COUNT; k++) {
		if (stats_chart_detail(k) && !s->detail)
			continue;
		json_t *one = page_chart(c, s, k, query);
		if (!one) {
			json_decref(charts);
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
	http_page(c, 200, "stats.html", d);
}

static void file_answer(struct ctx *c, const struct stats *s, int chart, bool csv)
{
	struct stats_table t;
	if (stats_table_build(s, chart, c->lang, &t) < 0) {
		http_error(c, ERR_INTERNAL, NULL);
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
}

static void json_answer(struct ctx *c, const struct stats *s, int chart)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 8u << 20);
	jw_init(&w, &b);
	if (stats_output_json(s, chart, c->lang, &w) < 0)
		http_error(c, ERR_INTERNAL, NULL);
	else
		http_json(c, 200, &b);
	buf_release(&b);
}

static void answer(struct ctx *c, struct stats_job *j)
{
	switch (j->answer) {
	case ANSWER_PAGE: page_answer(c, j->s, j->today); break;
	case ANSWER_CSV: file_answer(c, j->s, j->chart, true); break;
	case ANSWER_SVG: file_answer(c, j->s, j->chart, false); break;
	case ANSWER_JSON: json_answer(c, j->s, j->chart); break;
	}
}

static void stats_page(struct ctx *c)
{
	start(c, ANSWER_PAGE, -1);
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
	int chart = chart_for(c, name);
	if (chart >= 0)
		start(c, csv ? ANSWER_CSV : ANSWER_SVG, chart);
}

/* GET /api/v1/stats: every figure the reader may see. */
static void stats_api(struct ctx *c)
{
	start(c, ANSWER_JSON, -1);
}

/* GET /api/v1/stats/{chart}: one chart's figures. */
static void stats_api_chart(struct ctx *c)
{
	int chart = chart_for(c, ctx_param(c, "chart"));
	if (chart >= 0)
		start(c, ANSWER_JSON, chart);
}

const struct route stats_routes[] = {
	{"GET", "/stats", ACT_PUBLIC_READ, stats_page, 0},
	{"GET", "/stats/{file}", ACT_PUBLIC_READ, stats_file, 0},
	{"GET", "/api/v1/stats", ACT_PUBLIC_READ, stats_api, ROUTE_API},
	{"GET", "/api/v1/stats/{chart}", ACT_PUBLIC_READ, stats_api_chart, ROUTE_API},
	{0},
};
