/* Axis ticks and numbers; see chart_scale.h. The step is the smallest of
 * 1, 2 and 5 times a power of ten that keeps the ticks within the limit:
 * the choice of Heckbert's "Nice numbers for graph labels" (Graphics
 * Gems, 1990), taken as a ceiling so the limit always holds. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "stats/chart_scale.h"

/* Room for a tiny error of floating point at the edge of a step. */
#define EPS 1e-9

/* The smallest 1, 2 or 5 times a power of ten that is at least X (> 0). */
static double nice_at_least(double x)
{
	double p = pow(10.0, floor(log10(x)));
	double f = x / p;
	if (f <= 1.0 + EPS)
		return p;
	if (f <= 2.0 + EPS)
		return 2.0 * p;
	if (f <= 5.0 + EPS)
		return 5.0 * p;
	return 10.0 * p;
}

/* The nice step after STEP: 1 -> 2 -> 5 -> 10. */
static double nice_after(double step)
{
	return nice_at_least(step * 1.01);
}

static void place(double lo, double hi, double step, bool expand, struct chart_ticks *t)
{
	double first, last;
	if (expand) {
		first = floor(lo / step + EPS) * step;
		last = ceil(hi / step - EPS) * step;
	} else {
		first = ceil(lo / step - EPS) * step;
		last = floor(hi / step + EPS) * step;
	}
	t->first = first;
	t->step = step;
	t->n = last < first ? 0 : (int)llround((last - first) / step) + 1;
}

void chart_nice_ticks(double lo, double hi, int max_ticks, bool expand, bool integers, struct chart_ticks *t)
{
	if (!isfinite(lo))
		lo = 0;
	if (!isfinite(hi))
		hi = 0;
	if (lo > hi) {
		double x = lo;
		lo = hi;
		hi = x;
	}
	if (max_ticks < 2)
		max_ticks = 2;
	if (max_ticks > CHART_MAX_TICKS)
		max_ticks = CHART_MAX_TICKS;
	if (hi == lo) {
		/* One value: a unit above it for a value axis (0 counts reach 1),
		 * half a unit either side for an axis of that value alone. */
		if (expand) {
			hi = lo + 1.0;
		} else {
			lo -= 0.5;
			hi += 0.5;
		}
	}
	double step = nice_at_least((hi - lo) / (max_ticks - 1));
	if (integers && step < 1.0)
		step = 1.0;
	place(lo, hi, step, expand, t);
	while (t->n > max_ticks) {
		step = nice_after(step);
		place(lo, hi, step, expand, t);
	}
	t->decimals = step < 1.0 ? (int)ceil(-log10(step) - EPS) : 0;
	if (t->decimals > 3)
		t->decimals = 3;
}

double chart_tick_value(const struct chart_ticks *t, int i)
{
	double scale = pow(10.0, t->decimals);
	return round((t->first + i * t->step) * scale) / scale;
}

void chart_format_number(double v, int decimals, char *out, size_t n)
{
	if (n == 0)
		return;
	out[0] = '\0';
	if (!isfinite(v))
		return;
	if (decimals < 0)
		decimals = 0;
	if (decimals > 3)
		decimals = 3;
	char digits[64];
	snprintf(digits, sizeof(digits), "%.*f", decimals, fabs(v));
	/* "-0", "-0.0": nothing below zero is shown as negative. */
	bool negative = v < 0 && strspn(digits, "0.") != strlen(digits);
	size_t whole = strcspn(digits, ".");
	char tmp[96];
	size_t k = 0;
	if (negative)
		tmp[k++] = '-';
	for (size_t i = 0; i < whole; i++) {
		if (i > 0 && (whole - i) % 3 == 0)
			tmp[k++] = ',';
		tmp[k++] = digits[i];
	}
	for (size_t i = whole; digits[i] && k + 1 < sizeof(tmp); i++)
		tmp[k++] = digits[i];
	tmp[k] = '\0';
	snprintf(out, n, "%s", tmp);
}
