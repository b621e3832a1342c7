/* Charts drawn on the server as SVG: a line chart over a numeric x axis
 * (solid or dashed series, for a projection), columns (vertical bars, one
 * or more series side by side per category) and bars (horizontal, for
 * categories with long names). Nothing here knows about statistics: the
 * caller gives titles, categories and numbers, and gets a self-contained
 * <svg> element back, fit to be inlined in a page or served as a file.
 *
 * What every chart is: role="img" with a <title> and a <desc> that name
 * it to screen readers (aria-labelledby), all text escaped for XML
 * (invalid UTF-8 and control characters replaced), no script, no style
 * element or attribute (the pages' Content-Security-Policy allows
 * neither), no external reference; colours from the site's palette, each
 * at least 3:1 against white, and series told apart by more than hue
 * (dashes, light fill with a dark outline) so they survive a black and
 * white print. */
#ifndef SHISA_SVG_CHART_H
#define SHISA_SVG_CHART_H
#include <stdbool.h>
#include <stddef.h>
#include "core/buf.h"

#define SVG_MAX_SERIES 4
#define SVG_MAX_CATEGORIES 400
#define SVG_MAX_POINTS 2000

enum svg_kind {
	SVG_LINE,      /* points (x, y) joined by lines */
	SVG_COLUMNS,   /* a vertical bar per category and series */
	SVG_BARS,      /* a horizontal bar per category and series */
};

enum svg_style { SVG_SOLID, SVG_DASHED };

struct svg_series {
	const char *name;          /* in the legend (drawn when there are two or more series) */
	enum svg_style style;      /* SVG_LINE only */
	const double *x;           /* SVG_LINE: each point's place on the x axis */
	const double *y;           /* the values; NAN where there is none (a line joins the points around it) */
	size_t n;                  /* SVG_LINE: points; bars: the number of categories */
};

struct svg_chart {
	enum svg_kind kind;
	const char *id;            /* unique within a page: "ID-title", "ID-desc"; [a-z0-9_-] */
	const char *title;         /* <title>; drawn at the top when SHOW_TITLE */
	const char *desc;          /* <desc>: the chart in a sentence or two */
	bool show_title;           /* a file of its own; a page has its own heading */
	const char *x_label;       /* under the x axis (bars: under the value axis); NULL for none */
	const char *y_label;       /* beside the y axis (line, columns); NULL for none */
	const char *const *categories;   /* columns and bars: their names */
	size_t ncategories;
	const struct svg_series *series;
	size_t nseries;            /* 1 to SVG_MAX_SERIES */
	int decimals;              /* the values' decimals (0: whole numbers, and whole ticks) */
	bool x_years;              /* SVG_LINE: x ticks are years, written without a separator */
	const char *empty;         /* drawn instead of the data when no value is finite */
};

/* Append the chart C to OUT as one <svg> element (640 pixels wide,
 * scaling down with the page). Return 0, or -1 when OUT is full or C is
 * not drawable (no series, too many categories or points, a series
 * whose length does not fit the kind); OUT may then hold part of it. */
int svg_chart_write(struct buf *out, const struct svg_chart *c);

/* Append S escaped for XML text and attribute values: & < > " ' as
 * entities, invalid UTF-8 as U+FFFD, control characters (and U+FFFE,
 * U+FFFF) as a space. NULL counts as "". Return 0 or -1 (OUT full). */
int svg_escape(struct buf *out, const char *s);

/* About how wide S is drawn at SIZE pixels: each ASCII character 0.6 of
 * SIZE, anything wider (kana, kanji) a whole SIZE. */
double svg_text_width(const char *s, double size);

#endif
