/* The numbers around a chart: which ticks an axis gets ("nice" steps of
 * 1, 2 or 5 times a power of ten, so a reader can interpolate), and how a
 * number is written on it (thousands separated, a fixed number of
 * decimals). Pure functions, no drawing: svg_chart.c uses them, and the
 * tables and CSV files print numbers the same way through them. */
#ifndef SHISA_CHART_SCALE_H
#define SHISA_CHART_SCALE_H
#include <stdbool.h>
#include <stddef.h>

#define CHART_MAX_TICKS 12

struct chart_ticks {
	double first;      /* the first tick */
	double step;       /* between ticks (> 0) */
	int n;             /* ticks, 2..CHART_MAX_TICKS */
	int decimals;      /* what the step needs to be written exactly */
};

/* Ticks for values from LO to HI with at most MAX_TICKS of them (2 to
 * CHART_MAX_TICKS). EXPAND: the first tick at or below LO and the last at
 * or above HI (a value axis, which then spans first..last); otherwise
 * every tick within LO..HI (an axis whose ends are the data's, such as
 * years). INTEGERS: never a step below 1 (counts, years). LO > HI is
 * taken as HI..LO; LO == HI gets a unit around it. Not-a-numbers and
 * infinities count as 0. */
void chart_nice_ticks(double lo, double hi, int max_ticks, bool expand, bool integers, struct chart_ticks *t);

/* The value of tick I (first + I * step, rounded to the step's decimals,
 * so that 0.1 * 3 is 0.3). */
double chart_tick_value(const struct chart_ticks *t, int i);

/* V with DECIMALS (0 to 3) decimals and a comma between thousands
 * ("3,000", "1,234.5", "-12"); "-0" is written "0". Not-a-number and
 * infinities are written as "". OUT has room for N bytes (32 is always
 * enough). */
void chart_format_number(double v, int decimals, char *out, size_t n);

#endif
