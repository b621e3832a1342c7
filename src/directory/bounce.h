/* Addresses of the directory that bounce. When a delivery status
 * notification says mail to an address failed for good (`shisa mail
 * bounce`), the bounce is recorded against every team that lists the
 * address as an email contact or as a person's email, one row per team
 * and address (contact_bounces): rows of contacts and people are
 * replaced whole by edits, an address is what stays. A bounce stays until
 * the team confirms its record (it vouches for its addresses again) or
 * stops listing the address; the secretariat sees bounces in the stale
 * records view, the team and the secretariat on the team's page. */
#ifndef SHISA_DIRECTORY_BOUNCE_H
#define SHISA_DIRECTORY_BOUNCE_H
#include <jansson.h>
#include <stdint.h>
#include "db/db.h"

/* Record inside the caller's transaction that mail to ADDR failed at NOW
 * with STATUS (an RFC 3463 code) and DIAGNOSTIC (the remote answer, may be
 * ""), against every team (any state) with an email contact or a person
 * of that address, compared without regard to case. A repeated bounce
 * updates the row and counts it. EACH (may be NULL) is called with each
 * team's id and slug; a negative return from it stops with -1. Return the
 * number of teams, or -1. */
int bounce_record(struct db *db, const char *addr, const char *status, const char *diagnostic, int64_t now,
                  int (*each)(int64_t team_id, const char *slug, void *arg), void *arg);
/* Forget every bounce of TEAM_ID (the team confirmed its record). Inside
 * the caller's transaction. Return 0 or -1. */
int bounce_clear_team(struct db *db, int64_t team_id);
/* Forget the bounces of addresses TEAM_ID no longer lists (after an edit
 * of its contacts or people). Inside the caller's transaction. Return 0
 * or -1. */
int bounce_prune_team(struct db *db, int64_t team_id);
/* In RECORD (a team's record as team_write_json wrote it, parsed), give
 * each contact and person whose address bounced a "bounce" object:
 * {"status", "diagnostic", "last": the last bounce as a date and time in
 * time zone TZ, "count"}. Only for readers who see the whole record (the
 * team itself, the secretariat). Return how many rows were marked, or -1. */
int bounce_mark_record(struct db *db, int64_t team_id, json_t *record, const char *tz);

#endif
