/* logfmt lines on stderr; see log.h. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "core/buf.h"
#include "core/log.h"

static enum log_level log_min = LOG_INFO;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(enum log_level level)
{
	log_min = level;
}

static void log_value(struct buf *b, const char *v)
{
	bool quote = *v == '\0';
	for (const char *p = v; *p; p++)
		if (*p == ' ' || *p == '"' || *p == '=' || (unsigned char)*p < 0x20)
			quote = true;
	if (!quote) {
		buf_adds(b, v);
		return;
	}
	buf_addc(b, '"');
	for (const char *p = v; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_addc(b, '\\');
		if ((unsigned char)*p < 0x20)
			buf_addc(b, ' ');
		else
			buf_addc(b, *p);
	}
	buf_addc(b, '"');
}

bool log_enabled(enum log_level level)
{
	return level >= log_min;
}

void log_kv(enum log_level level, const char *msg, ...)
{
	if (level < log_min)
		return;
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char stamp[40];
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);

	struct buf b;
	buf_init(&b, 16384);
	buf_printf(&b, "ts=%s.%03ldZ level=%s msg=", stamp, ts.tv_nsec / 1000000, level_names[level]);
	log_value(&b, msg);
	va_list ap;
	va_start(ap, msg);
	for (;;) {
		const char *k = va_arg(ap, const char *);
		if (!k)
			break;
		const char *v = va_arg(ap, const char *);
		buf_printf(&b, " %s=", k);
		log_value(&b, v ? v : "-");
	}
	va_end(ap);
	buf_addc(&b, '\n');
	if (b.data)
		fwrite(b.data, 1, b.len, stderr);
	buf_release(&b);
}
