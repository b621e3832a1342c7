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

#endif
