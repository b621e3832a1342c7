/* The statistics as the reader reads them: each chart of stats.h's figures
 * as one table with labels in the reader's language (the directory's
 * labels for industries, regions and CSIRT types), a description that says
 * what it shows (and, for the growth chart, the projection and the year it
 * reaches the target), and which columns are drawn. The page's tables, the
 * CSV files, the SVG charts and the API's JSON are all written from these
 * tables (stats_output.h), so they cannot disagree. */
#ifndef SHISA_STATS_TABLE_H
#define SHISA_STATS_TABLE_H
#include <stdbool.h>
#include <stddef.h>
#include "core/buf.h"
#include "core/i18n.h"
#include "stats/stats.h"
#include "stats/svg_chart.h"

enum stats_chart {
	STATS_CHART_GROWTH,        /* members at the end of each year, and the projection */
	STATS_CHART_MONTHLY,       /* members at the end of each month */
	STATS_CHART_JOINS,         /* joins and foundings per year */
	STATS_CHART_SECTOR,
	STATS_CHART_REGION,
	STATS_CHART_CSIRT_TYPE,
	STATS_CHART_DEPARTMENT,    /* members' eyes from here on */
	STATS_CHART_STAFF,
	STATS_CHART_APPLICATIONS,
	STATS_CHART_STAGES,
	STATS_CHART__COUNT
};

#define STATS_TABLE_MAX_COLS 4

struct stats_row {
	char key[24];              /* "2016", "2016-04", "as_of", "ict", "up_to_2", "sponsor_review" */
	char label[160];           /* in the reader's language */
	double x;                  /* line charts: the time, in years (the end of 2016 is 2016.0) */
	double v[STATS_TABLE_MAX_COLS];   /* NAN where there is no value */
};

struct stats_column {
	const char *key;           /* "members", "joined", ... (the API's name) */
	const char *label;         /* in the reader's language */
	int decimals;
	bool drawn;                /* a series of the chart */
	enum svg_style style;      /* line charts */
};

struct stats_table {
	enum stats_chart chart;
	const char *name;          /* "growth": the chart's name in addresses */
	enum svg_kind kind;
	const char *title;
	struct buf desc;           /* what the chart shows, in a sentence or a few */
	struct buf notes;          /* who is left out and why: sentences, one per line ("" for none) */
	const char *row_heading;   /* the first column's heading ("Year", "Industry") */
	const char *x_label, *y_label, *empty;
	struct stats_column cols[STATS_TABLE_MAX_COLS];
	int ncols;
	struct stats_row *rows;
	size_t nrows;
};

/* The chart called NAME ("growth"), or -1. */
int stats_chart_find(const char *name);
/* The name of CHART ("growth"). */
const char *stats_chart_name(enum stats_chart chart);
/* Whether CHART is only for readers who see the members' figures. */
bool stats_chart_detail(enum stats_chart chart);

/* Build the table of CHART from S in LANG. Return 0, or -1 (out of
 * memory, or a members' chart of figures computed without them). */
int stats_table_build(const struct stats *s, enum stats_chart chart, enum lang lang, struct stats_table *t);
void stats_table_release(struct stats_table *t);

#endif
