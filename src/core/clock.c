/* UTC storage and local display; see clock.h. localtime_r depends on the
 * process-wide TZ, so zone switches are serialised by one mutex. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "core/clock.h"

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

int64_t clock_now(void)
{
	return (int64_t)time(NULL);
}

double clock_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void clock_iso_utc(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int clock_parse_iso_utc(const char *s, int64_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return -1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

bool clock_tz_valid(const char *tz)
{
	if (!tz || !*tz || strlen(tz) > 64 || tz[0] == '/' || strstr(tz, ".."))
		return false;
	for (const char *p = tz; *p; p++)
		if (!(( *p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '/' || *p == '_' || *p == '-' || *p == '+'))
			return false;
	if (strcmp(tz, "UTC") == 0)
		return true;
	char path[128];
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

void clock_local(int64_t t, const char *tz, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!clock_tz_valid(tz))
		tz = "UTC";
	pthread_mutex_lock(&tz_lock);
	char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	setenv("TZ", tz, 1);
	tzset();
	localtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M %Z", &tm);
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();
	pthread_mutex_unlock(&tz_lock);
}

/* Midnight of Y-M-D in the zone currently in TZ; tm normalises D+1. */
static int64_t midnight(int y, int m, int d)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
	return (int64_t)mktime(&tm);
}

int clock_local_day(const char *date, const char *tz, int64_t *start, int64_t *end)
{
	int y, m, d;
	if (!date || strlen(date) != 10 || date[4] != '-' || date[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (date[i] < '0' || date[i] > '9'))
			return -1;
	y = atoi(date);
	m = atoi(date + 5);
	d = atoi(date + 8);
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
		return -1;
	if (!clock_tz_valid(tz))
		tz = "UTC";
	pthread_mutex_lock(&tz_lock);
	char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	setenv("TZ", tz, 1);
	tzset();
	*start = midnight(y, m, d);
	*end = midnight(y, m, d + 1);
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();
	pthread_mutex_unlock(&tz_lock);
	return 0;
}
