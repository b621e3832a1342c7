/* Dates known to the year, the month or the day: the association's old
 * records often say only "2007" or "2013-04". Read as "YYYY", "YYYY-MM"
 * or "YYYY-MM-DD" ("/" as the separator too, and one-digit months and
 * days, as Excel writes them in Japan: "2017/7/1"), written back in the
 * zero-padded form with "-". Years 1900 to 2100. Pure functions. */
#ifndef SHISA_PARTIAL_DATE_H
#define SHISA_PARTIAL_DATE_H
#include <stdbool.h>

#define PARTIAL_DATE_MAX 11   /* "YYYY-MM-DD" and its NUL */

struct partial_date {
	int year;
	int month;   /* 1-12, or 0 when only the year is known */
	int day;     /* 1-31, or 0 when the day is not known */
};

/* Read S (surrounding blanks ignored). Return 0, or -1 when S is not
 * such a date (including a day the month does not have: "2026-02-29"). */
int partial_date_parse(const char *s, struct partial_date *d);
/* D as "YYYY", "YYYY-MM" or "YYYY-MM-DD" into OUT. */
void partial_date_format(const struct partial_date *d, char out[static PARTIAL_DATE_MAX]);
/* D as the number YYYYMMDD of its first day (a year is its 1 January, a
 * month its 1st), so that comparing numbers compares days. */
int partial_date_first_day(const struct partial_date *d);

#endif
