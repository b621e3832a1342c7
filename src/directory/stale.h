/* What the secretariat's "stale records" view lists, for the page and the
 * API alike: records not confirmed within confirm_months (with the
 * reminders sent in their current due period), OpenPGP keys that have
 * expired or expire within 30 days, and addresses that bounce. Everything
 * here is for the secretariat, who sees every field. */
#ifndef SHISA_DIRECTORY_STALE_H
#define SHISA_DIRECTORY_STALE_H
#include <jansson.h>
#include <stdint.h>
#include "db/db.h"

#define STALE_LIST_MAX 1000   /* rows per list */

/* The report at NOW as a new JSON object:
 *   overdue: [{slug, name: {en, ja}, last_verified, reminders_sent, last_reminder}]
 *   keys:    [{slug, name: {en, ja}, fingerprint, expires, expired}]
 *   bounces: [{slug, name: {en, ja}, address, status, diagnostic,
 *              first_bounce, last_bounce, count, contacts: [kind], people: [name]}]
 * Times are ISO 8601 UTC text when TZ is NULL, else local text in TZ
 * ("2026-11-25 19:00 JST"); a time that never was is null. Oldest
 * confirmation first, soonest expiry first, latest bounce first. NULL on
 * a database error. */
json_t *stale_report(struct db *db, int64_t now, const char *tz);

#endif
