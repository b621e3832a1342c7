/* Time: stored as UTC (ISO 8601 text with Z, or Unix seconds), shown in the
 * reader's IANA time zone. */
#ifndef SHISA_CLOCK_H
#define SHISA_CLOCK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Seconds since the epoch, and milliseconds from a monotonic clock. */
int64_t clock_now(void);
double clock_mono_ms(void);
/* Format T as "2026-11-25T10:00:00Z" into OUT (at least 21 bytes). */
void clock_iso_utc(int64_t t, char *out, size_t n);
/* Parse the format above; return 0 or -1. */
int clock_parse_iso_utc(const char *s, int64_t *out);
/* Format T in time zone TZ (IANA name) as "2026-11-25 19:00 JST".
 * Unknown zones fall back to UTC. */
void clock_local(int64_t t, const char *tz, char *out, size_t n);
/* True if TZ names a zone in the system's zoneinfo database. */
bool clock_tz_valid(const char *tz);

/* The day DATE ("2026-11-25") in time zone TZ as Unix seconds: *START is
 * its first second, *END the first second of the next day (days can be 23
 * or 25 hours long). Return 0, or -1 when DATE is not a real YYYY-MM-DD
 * date. Unknown zones fall back to UTC. */
int clock_local_day(const char *date, const char *tz, int64_t *start, int64_t *end);

#endif
