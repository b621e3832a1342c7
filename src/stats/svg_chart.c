/* Server-side SVG charts; see svg_chart.h. Every chart is laid out the
 * same way: an optional title, a legend when there are several series,
 * the plot with its grid and value axis, the category or x axis, and the
 * axis titles. Coordinates are written with one decimal. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "core/json_writer.h"
#include "stats/chart_scale.h"
#include "stats/svg_chart.h"

#define WIDTH 640.0
#define FONT 12.0
#define SMALL 11.0
#define TEXT_COLOUR "#1d232a"
#define AXIS_COLOUR "#5a6570"
#define GRID_COLOUR "#d5dae0"
#define TICK_TEXT "#3b434b"
#define FONTS "system-ui, -apple-system, 'Hiragino Sans', 'Noto Sans CJK JP', 'Noto Sans JP', 'Yu Gothic', sans-serif"

/* Series colours, each at least 3:1 on white: lines and outlines, and the
 * fills of bars (the second series light, outlined dark, so that it
 * stays apart from the first in grey). */
static const char *const line_colour[SVG_MAX_SERIES] = {"#0b5cad", "#b34700", "#3b434b", "#1c6b3a"};
static const char *const bar_fill[SVG_MAX_SERIES] = {"#0b5cad", "#f2b880", "#5a6570", "#a8d5b5"};
static const char *const bar_stroke[SVG_MAX_SERIES] = {"#0b5cad", "#8a3800", "#3b434b", "#1c6b3a"};

struct pen {
	struct buf *b;
	bool failed;
};

__attribute__((format(printf, 2, 3))) static void put(struct pen *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (buf_vprintf(p->b, fmt, ap) < 0)
		p->failed = true;
	va_end(ap);
}

static void put_text(struct pen *p, const char *s)
{
	if (svg_escape(p->b, s) < 0)
		p->failed = true;
}

int svg_escape(struct buf *out, const char *s)
{
	if (!s)
		return 0;
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0;) {
		unsigned char c = p[i];
		if (c < 0x80) {
			switch (c) {
			case '&': rc = buf_adds(out, "&amp;"); break;
			case '<': rc = buf_adds(out, "&lt;"); break;
			case '>': rc = buf_adds(out, "&gt;"); break;
			case '"': rc = buf_adds(out, "&quot;"); break;
			case '\'': rc = buf_adds(out, "&#39;"); break;
			default: rc = buf_addc(out, c < 0x20 || c == 0x7F ? ' ' : (char)c); break;
			}
			i++;
			continue;
		}
		int len = utf8_seq_len(p + i, n - i);
		if (len == 0) {
			rc = buf_adds(out, "\xEF\xBF\xBD");
			i++;
			continue;
		}
		/* C1 controls (U+0080..U+009F) and the non-characters U+FFFE, U+FFFF. */
		bool c1 = len == 2 && c == 0xC2 && p[i + 1] < 0xA0;
		bool nonchar = len == 3 && c == 0xEF && p[i + 1] == 0xBF && p[i + 2] >= 0xBE;
		rc = c1 || nonchar ? buf_addc(out, ' ') : buf_add(out, p + i, (size_t)len);
		i += (size_t)len;
	}
	return rc;
}

double svg_text_width(const char *s, double size)
{
	double w = 0;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p < 0x80)
			w += 0.6 * size;
		else if ((*p & 0xC0) != 0x80)
			w += size;
	}
	return w;
}

/* S cut to about MAX_W pixels at SIZE, with an ellipsis, into OUT. */
static void fit_text(const char *s, double size, double max_w, char *out, size_t n)
{
	snprintf(out, n, "%s", s ? s : "");
	if (svg_text_width(out, size) <= max_w)
		return;
	size_t len = strlen(out);
	while (len > 0) {
		/* Back to the start of the previous character. */
		do
			len--;
		while (len > 0 && ((unsigned char)out[len] & 0xC0) == 0x80);
		out[len] = '\0';
		if (svg_text_width(out, size) + size <= max_w)
			break;
	}
	snprintf(out + len, n - len, "\xE2\x80\xA6");
}

static bool finite_value(const struct svg_chart *c, double *max)
{
	bool any = false;
	*max = 0;
	for (size_t s = 0; s < c->nseries; s++) {
		for (size_t i = 0; i < c->series[s].n; i++) {
			double v = c->series[s].y[i];
			if (isfinite(v)) {
				any = true;
				if (v > *max)
					*max = v;
			}
		}
	}
	return any;
}

static void open_svg(struct pen *p, const struct svg_chart *c, double height)
{
	put(p,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%.0f\" height=\"%.0f\""
	    " viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-labelledby=\"%s-title %s-desc\" font-family=\"" FONTS "\""
	    " font-size=\"%.0f\" fill=\"" TEXT_COLOUR "\">",
	    WIDTH, height, WIDTH, height, c->id, c->id, FONT);
	put(p, "<title id=\"%s-title\">", c->id);
	put_text(p, c->title);
	put(p, "</title><desc id=\"%s-desc\">", c->id);
	put_text(p, c->desc);
	put(p, "</desc><rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>", WIDTH, height);
	if (c->show_title) {
		put(p, "<text x=\"12\" y=\"22\" font-size=\"15\" font-weight=\"700\">");
		put_text(p, c->title);
		put(p, "</text>");
	}
}

/* How far down the plot starts: below the title and the legend. */
static double top_of_plot(const struct svg_chart *c)
{
	return 14.0 + (c->show_title ? 22.0 : 0.0) + (c->nseries > 1 ? 22.0 : 0.0);
}

/* The legend, one row at the top: a swatch and a name per series. */
static void legend(struct pen *p, const struct svg_chart *c)
{
	if (c->nseries < 2)
		return;
	double x = 12, y = (c->show_title ? 36.0 : 14.0) + 8.0;
	put(p, "<g font-size=\"%.0f\">", SMALL);
	for (size_t s = 0; s < c->nseries; s++) {
		const struct svg_series *se = &c->series[s];
		if (c->kind == SVG_LINE)
			put(p, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.5\"%s/>", x,
			    y - 4, x + 22, y - 4, line_colour[s], se->style == SVG_DASHED ? " stroke-dasharray=\"6 4\"" : "");
		else
			put(p, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"10\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1.5\"/>",
			    x + 4, y - 9, bar_fill[s], bar_stroke[s]);
		put(p, "<text x=\"%.1f\" y=\"%.1f\">", x + 28, y);
		put_text(p, se->name);
		put(p, "</text>");
		x += 28 + svg_text_width(se->name, SMALL) + 18;
	}
	put(p, "</g>");
}

static void empty_note(struct pen *p, const struct svg_chart *c, double x0, double x1, double y0, double y1)
{
	put(p, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"" TICK_TEXT "\">", (x0 + x1) / 2, (y0 + y1) / 2);
	put_text(p, c->empty ? c->empty : "");
	put(p, "</text>");
}

/* The value axis of lines and columns: grid lines and numbers at the
 * ticks T, from Y1 (value 0) up to Y0 (the last tick). */
static void value_axis_left(struct pen *p, const struct chart_ticks *t, double x0, double x1, double y0, double y1)
{
	double top = chart_tick_value(t, t->n - 1);
	put(p, "<g font-size=\"%.0f\" fill=\"" TICK_TEXT "\" text-anchor=\"end\">", SMALL);
	for (int i = 0; i < t->n; i++) {
		double v = chart_tick_value(t, i);
		double y = y1 - (top > 0 ? v / top : 0) * (y1 - y0);
		char num[32];
		chart_format_number(v, t->decimals, num, sizeof(num));
		put(p, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" GRID_COLOUR "\"/>", x0, y, x1, y);
		put(p, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", x0 - 6, y + 4, num);
	}
	put(p, "</g>");
	put(p, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" AXIS_COLOUR "\"/>", x0, y1, x1, y1);
}

/* The widest number on a value axis with ticks T. */
static double tick_text_width(const struct chart_ticks *t)
{
	double w = 0;
	for (int i = 0; i < t->n; i++) {
		char num[32];
		chart_format_number(chart_tick_value(t, i), t->decimals, num, sizeof(num));
		double x = svg_text_width(num, SMALL);
		if (x > w)
			w = x;
	}
	return w;
}

static void axis_titles(struct pen *p, const struct svg_chart *c, double x0, double x1, double y0, double y1,
                        double height)
{
	if (c->x_label && *c->x_label) {
		put(p, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"%.0f\">", (x0 + x1) / 2, height - 8, SMALL);
		put_text(p, c->x_label);
		put(p, "</text>");
	}
	if (c->kind != SVG_BARS && c->y_label && *c->y_label) {
		double y = (y0 + y1) / 2;
		put(p, "<text transform=\"translate(14 %.1f) rotate(-90)\" text-anchor=\"middle\" font-size=\"%.0f\">", y, SMALL);
		put_text(p, c->y_label);
		put(p, "</text>");
	}
}

static void draw_line(struct pen *p, const struct svg_chart *c)
{
	const double height = 320;
	double vmax;
	bool any = finite_value(c, &vmax);
	double xmin = INFINITY, xmax = -INFINITY;
	for (size_t s = 0; s < c->nseries; s++)
		for (size_t i = 0; i < c->series[s].n; i++)
			if (isfinite(c->series[s].y[i]) && isfinite(c->series[s].x[i])) {
				xmin = fmin(xmin, c->series[s].x[i]);
				xmax = fmax(xmax, c->series[s].x[i]);
			}
	if (!any) {
		xmin = 0;
		xmax = 1;
	}
	struct chart_ticks yt, xt;
	chart_nice_ticks(0, vmax, 6, true, c->decimals == 0, &yt);
	chart_nice_ticks(xmin, xmax, 8, false, c->x_years, &xt);
	double has_y = c->y_label && *c->y_label ? 22 : 0;
	double x0 = 12 + has_y + tick_text_width(&yt) + 8, x1 = WIDTH - 56;
	double y0 = top_of_plot(c) + 8, y1 = height - (c->x_label && *c->x_label ? 44 : 28);
	open_svg(p, c, height);
	legend(p, c);
	value_axis_left(p, &yt, x0, x1, y0, y1);
	double top = chart_tick_value(&yt, yt.n - 1);
	double span = xmax - xmin;
#define SX(x) (span > 0 ? x0 + ((x) - xmin) / span * (x1 - x0) : (x0 + x1) / 2)
#define SY(y) (y1 - (top > 0 ? (y) / top : 0) * (y1 - y0))
	/* x ticks */
	put(p, "<g font-size=\"%.0f\" fill=\"" TICK_TEXT "\" text-anchor=\"middle\">", SMALL);
	for (int i = 0; any && i < xt.n; i++) {
		double v = chart_tick_value(&xt, i);
		char num[32];
		if (c->x_years)
			snprintf(num, sizeof(num), "%.0f", v);
		else
			chart_format_number(v, xt.decimals, num, sizeof(num));
		put(p, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" AXIS_COLOUR "\"/>", SX(v), y1, SX(v), y1 + 4);
		put(p, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", SX(v), y1 + 17, num);
	}
	put(p, "</g>");
	if (!any)
		empty_note(p, c, x0, x1, y0, y1);
	/* The last series first, so that the first (the real figures) is drawn
	 * over a projection that starts where it ends. */
	for (size_t k = c->nseries; any && k-- > 0;) {
		size_t s = k;
		const struct svg_series *se = &c->series[s];
		const char *dash = se->style == SVG_DASHED ? " stroke-dasharray=\"6 4\"" : "";
		put(p, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" stroke-linejoin=\"round\"%s d=\"", line_colour[s],
		    dash);
		/* A point without a value is passed over: the line joins its neighbours. */
		bool pen_down = false;
		for (size_t i = 0; i < se->n; i++) {
			if (!isfinite(se->y[i]) || !isfinite(se->x[i]))
				continue;
			put(p, "%s%.1f %.1f", pen_down ? " L" : "M", SX(se->x[i]), SY(se->y[i]));
			pen_down = true;
		}
		put(p, "\"/>");
		/* Points, while they stay apart; the last one's value beside it. */
		size_t last = se->n;
		for (size_t i = 0; i < se->n; i++)
			if (isfinite(se->y[i]) && isfinite(se->x[i]))
				last = i;
		bool dots = se->n <= 60;
		for (size_t i = 0; i < se->n; i++) {
			if (!isfinite(se->y[i]) || !isfinite(se->x[i]) || (!dots && i != last))
				continue;
			put(p, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\" stroke=\"%s\" stroke-width=\"2\"/>", SX(se->x[i]),
			    SY(se->y[i]), se->style == SVG_DASHED ? "#ffffff" : line_colour[s], line_colour[s]);
		}
		if (last < se->n) {
			char num[32];
			chart_format_number(se->y[last], c->decimals, num, sizeof(num));
			/* Right of the point, unless another series goes on from there:
			 * then above it on the left, out of that line's way. */
			bool left = false;
			for (size_t o = 0; o < c->nseries; o++)
				for (size_t i = 0; o != s && i < c->series[o].n; i++)
					if (isfinite(c->series[o].y[i]) && c->series[o].x[i] > se->x[last])
						left = true;
			put(p, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" font-weight=\"700\" fill=\"%s\"%s>%s</text>",
			    SX(se->x[last]) + (left ? -7 : 7), SY(se->y[last]) - 7, SMALL, line_colour[s],
			    left ? " text-anchor=\"end\"" : "", num);
		}
	}
#undef SX
#undef SY
	axis_titles(p, c, x0, x1, y0, y1, height);
}

/* The widest category name, at most MAX pixels. */
static double category_width(const struct svg_chart *c, double size, double max)
{
	double w = 0;
	for (size_t i = 0; i < c->ncategories; i++)
		w = fmax(w, svg_text_width(c->categories[i], size));
	return fmin(w, max);
}

static void bar_title(struct pen *p, const struct svg_chart *c, size_t s, size_t i, const char *num)
{
	put(p, "<title>");
	put_text(p, c->categories[i]);
	if (c->nseries > 1) {
		put(p, ", ");
		put_text(p, c->series[s].name);
	}
	put(p, ": %s</title>", num);
}

static void draw_columns(struct pen *p, const struct svg_chart *c)
{
	const double height = 320;
	double vmax;
	bool any = finite_value(c, &vmax);
	struct chart_ticks yt;
	chart_nice_ticks(0, vmax, 6, true, c->decimals == 0, &yt);
	double has_y = c->y_label && *c->y_label ? 22 : 0;
	double x0 = 12 + has_y + tick_text_width(&yt) + 8, x1 = WIDTH - 16;
	double y0 = top_of_plot(c) + 8, y1 = height - (c->x_label && *c->x_label ? 44 : 28);
	open_svg(p, c, height);
	legend(p, c);
	value_axis_left(p, &yt, x0, x1, y0, y1);
	double top = chart_tick_value(&yt, yt.n - 1);
	double band = c->ncategories ? (x1 - x0) / (double)c->ncategories : 0;
	double bar = c->nseries ? band * 0.8 / (double)c->nseries : 0;
	/* Category names: every Kth when they would not fit side by side. */
	size_t every = 1;
	double name_w = category_width(c, SMALL, 200) + 6;
	while (band > 0 && every * band < name_w)
		every++;
	put(p, "<g font-size=\"%.0f\" fill=\"" TICK_TEXT "\" text-anchor=\"middle\">", SMALL);
	for (size_t i = 0; i < c->ncategories; i += every) {
		char name[128];
		fit_text(c->categories[i], SMALL, band * (double)every - 4, name, sizeof(name));
		put(p, "<text x=\"%.1f\" y=\"%.1f\">", x0 + band * ((double)i + 0.5), y1 + 17);
		put_text(p, name);
		put(p, "</text>");
	}
	put(p, "</g>");
	if (!any)
		empty_note(p, c, x0, x1, y0, y1);
	for (size_t s = 0; any && s < c->nseries; s++) {
		put(p, "<g fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\">", bar_fill[s], bar_stroke[s], s ? "1.5" : "0");
		for (size_t i = 0; i < c->ncategories; i++) {
			double v = c->series[s].y[i];
			if (!isfinite(v) || v <= 0)
				continue;
			double h = top > 0 ? v / top * (y1 - y0) : 0;
			double x = x0 + band * (double)i + band * 0.1 + bar * (double)s;
			char num[32];
			chart_format_number(v, c->decimals, num, sizeof(num));
			put(p, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">", x, y1 - h, fmax(bar - 1, 1), h);
			bar_title(p, c, s, i, num);
			put(p, "</rect>");
		}
		put(p, "</g>");
		/* The numbers above the bars, where they fit. */
		put(p, "<g font-size=\"%.0f\" text-anchor=\"middle\">", SMALL - 1);
		for (size_t i = 0; i < c->ncategories; i++) {
			double v = c->series[s].y[i];
			char num[32];
			chart_format_number(v, c->decimals, num, sizeof(num));
			if (!isfinite(v) || v <= 0 || svg_text_width(num, SMALL - 1) > bar + 2)
				continue;
			double h = top > 0 ? v / top * (y1 - y0) : 0;
			put(p, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", x0 + band * (double)i + band * 0.1 + bar * ((double)s + 0.5),
			    y1 - h - 3, num);
		}
		put(p, "</g>");
	}
	axis_titles(p, c, x0, x1, y0, y1, height);
}

static void draw_bars(struct pen *p, const struct svg_chart *c)
{
	double vmax;
	bool any = finite_value(c, &vmax);
	struct chart_ticks xt;
	chart_nice_ticks(0, vmax, 6, true, c->decimals == 0, &xt);
	double row = c->nseries > 1 ? 13.0 * (double)c->nseries + 10 : 26.0;
	double y0 = top_of_plot(c) + 4;
	double y1 = y0 + row * (double)(c->ncategories ? c->ncategories : 1);
	double height = y1 + (c->x_label && *c->x_label ? 46 : 30);
	double x0 = 12 + category_width(c, FONT, WIDTH * 0.4) + 10, x1 = WIDTH - 56;
	open_svg(p, c, height);
	legend(p, c);
	double top = chart_tick_value(&xt, xt.n - 1);
#define SX(v) (x0 + (top > 0 ? (v) / top : 0) * (x1 - x0))
	put(p, "<g font-size=\"%.0f\" fill=\"" TICK_TEXT "\" text-anchor=\"middle\">", SMALL);
	for (int i = 0; i < xt.n; i++) {
		double v = chart_tick_value(&xt, i);
		char num[32];
		chart_format_number(v, xt.decimals, num, sizeof(num));
		put(p, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" GRID_COLOUR "\"/>", SX(v), y0, SX(v), y1);
		put(p, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", SX(v), y1 + 16, num);
	}
	put(p, "</g>");
	put(p, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" AXIS_COLOUR "\"/>", x0, y0, x0, y1);
	put(p, "<g text-anchor=\"end\">");
	for (size_t i = 0; i < c->ncategories; i++) {
		char name[256];
		fit_text(c->categories[i], FONT, WIDTH * 0.4, name, sizeof(name));
		put(p, "<text x=\"%.1f\" y=\"%.1f\">", x0 - 8, y0 + row * ((double)i + 0.5) + 4);
		put_text(p, name);
		put(p, "</text>");
	}
	put(p, "</g>");
	if (!any)
		empty_note(p, c, x0, x1, y0, y1);
	double bar = c->nseries > 1 ? 12.0 : 16.0;
	for (size_t s = 0; any && s < c->nseries; s++) {
		put(p, "<g fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\">", bar_fill[s], bar_stroke[s], s ? "1.5" : "0");
		for (size_t i = 0; i < c->ncategories; i++) {
			double v = c->series[s].y[i];
			if (!isfinite(v) || v <= 0)
				continue;
			char num[32];
			chart_format_number(v, c->decimals, num, sizeof(num));
			double y = y0 + row * (double)i + (row - bar * (double)c->nseries) / 2 + bar * (double)s;
			put(p, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">", x0, y, SX(v) - x0, bar - 1);
			bar_title(p, c, s, i, num);
			put(p, "</rect>");
		}
		put(p, "</g><g font-size=\"%.0f\">", SMALL);
		for (size_t i = 0; i < c->ncategories; i++) {
			double v = c->series[s].y[i];
			if (!isfinite(v))
				continue;
			char num[32];
			chart_format_number(v, c->decimals, num, sizeof(num));
			double y = y0 + row * (double)i + (row - bar * (double)c->nseries) / 2 + bar * (double)s;
			put(p, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", SX(fmax(v, 0)) + 5, y + bar - 3.5, num);
		}
		put(p, "</g>");
	}
#undef SX
	axis_titles(p, c, x0, x1, y0, y1, height);
}

static bool drawable(const struct svg_chart *c)
{
	if (!c->id || !*c->id || strspn(c->id, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(c->id))
		return false;
	if (c->nseries < 1 || c->nseries > SVG_MAX_SERIES || !c->series || c->ncategories > SVG_MAX_CATEGORIES)
		return false;
	for (size_t s = 0; s < c->nseries; s++) {
		const struct svg_series *se = &c->series[s];
		if (!se->y && se->n)
			return false;
		if (c->kind == SVG_LINE ? (se->n > SVG_MAX_POINTS || (!se->x && se->n)) : se->n != c->ncategories)
			return false;
	}
	return c->kind != SVG_LINE ? c->categories || c->ncategories == 0 : true;
}

int svg_chart_write(struct buf *out, const struct svg_chart *c)
{
	if (!drawable(c))
		return -1;
	struct pen p = {out, false};
	switch (c->kind) {
	case SVG_LINE: draw_line(&p, c); break;
	case SVG_COLUMNS: draw_columns(&p, c); break;
	case SVG_BARS: draw_bars(&p, c); break;
	}
	put(&p, "</svg>");
	return p.failed ? -1 : 0;
}
