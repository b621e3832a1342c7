/* Structured logs on stderr, one logfmt line each:
 *   ts=2026-11-25T10:00:00.123Z level=info msg=request rid=... route=... status=200
 * Callers pass fields as key/value string pairs; values are quoted when they
 * need it. Never log secrets: passwords, tokens, cookies, recovery codes. */
#ifndef SHISA_LOG_H
#define SHISA_LOG_H
#include <stdbool.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Only messages at LEVEL or above are written (default LOG_INFO). */
void log_set_level(enum log_level level);

/* Whether a message at LEVEL would be written (to spare formatting one
 * that would not). */
bool log_enabled(enum log_level level);

/* Write one line: MSG then the NULL-terminated key, value, key, value... list. */
void log_kv(enum log_level level, const char *msg, ...) __attribute__((sentinel));

#endif
