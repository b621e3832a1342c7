/* Dates of year, month or day precision; see partial_date.h. */
#include <stdio.h>
#include <string.h>
#include "stats/partial_date.h"

static int days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

/* Digits at *P, MIN to MAX of them, as a number; -1 if not. */
static int digits(const char **p, int min, int max)
{
	int v = 0, n = 0;
	while (**p >= '0' && **p <= '9' && n < max) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n >= min && !(**p >= '0' && **p <= '9') ? v : -1;
}

int partial_date_parse(const char *s, struct partial_date *d)
{
	if (!s)
		return -1;
	const char *p = s + strspn(s, " \t");
	memset(d, 0, sizeof(*d));
	d->year = digits(&p, 4, 4);
	if (d->year < 1900 || d->year > 2100)
		return -1;
	char sep = *p;
	if (sep == '-' || sep == '/') {
		p++;
		d->month = digits(&p, 1, 2);
		if (d->month < 1 || d->month > 12)
			return -1;
		if (*p == sep) {
			p++;
			d->day = digits(&p, 1, 2);
			if (d->day < 1 || d->day > days_in_month(d->year, d->month))
				return -1;
		}
	}
	return p[strspn(p, " \t")] ? -1 : 0;
}

void partial_date_format(const struct partial_date *d, char out[static PARTIAL_DATE_MAX])
{
	/* Each part in range, so that the form has its fixed length. */
	unsigned y = (unsigned)d->year % 10000u, m = (unsigned)d->month % 100u, day = (unsigned)d->day % 100u;
	if (d->day)
		snprintf(out, PARTIAL_DATE_MAX, "%04u-%02u-%02u", y, m, day);
	else if (d->month)
		snprintf(out, PARTIAL_DATE_MAX, "%04u-%02u", y, m);
	else
		snprintf(out, PARTIAL_DATE_MAX, "%04u", y);
}

int partial_date_first_day(const struct partial_date *d)
{
	return d->year * 10000 + (d->month ? d->month : 1) * 100 + (d->day ? d->day : 1);
}
