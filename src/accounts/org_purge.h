/* Retention: what a withdrawn organisation leaves behind is erased once
 * withdrawn_retention_days have passed since it withdrew. Gone are its
 * team's people, contacts (addresses and phones), keys, texts,
 * constituency rules, bounce records and postal address, business hours
 * and website; the organisation's users (their sessions, tokens and
 * second factors with them) and the contact details of its applications.
 * The team's name, slug, dates, country, region, sector, CSIRT type,
 * organising department, staff counts and structure stay, for the
 * association's statistics, and so do the organisation and its history.
 * Each organisation is erased once, in one transaction with an audit row
 * that counts the rows of each kind (never their values). The server runs
 * this daily (jobs/periodic.c); `shisa membership purge` on demand. */
#ifndef SHISA_ORG_PURGE_H
#define SHISA_ORG_PURGE_H
#include <stdbool.h>
#include <stdint.h>
#include "core/config.h"
#include "db/db.h"

#define ORG_PURGE_KINDS 12

/* The name of kind I of what is erased ("people", "contacts", ...). */
const char *org_purge_kind(int i);

/* One organisation, as org_purge_run tells of it. */
struct org_purge_result {
	int64_t org_id;
	const char *org_name;
	const char *team_slug;                 /* "" when it has no team */
	int64_t withdrawn_at;
	int64_t rows[ORG_PURGE_KINDS];         /* per org_purge_kind: erased, or that would be */
	int done, total;                       /* this is the DONE-th of TOTAL due */
};

/* Erase every organisation withdrawn at least RETENTION_DAYS before NOW
 * and not yet erased (DRY_RUN: only count, writing nothing), each in its
 * own transaction with its audit row ("org.purge", request id ORIGIN:
 * "job" or "cli"), then tell the directory. EACH, when not NULL, hears of
 * each organisation after its commit. Return how many organisations, or
 * -1 on an error (those before it stay erased). */
int org_purge_run(struct db *db, int retention_days, int64_t now, bool dry_run, const char *origin,
                  void (*each)(const struct org_purge_result *r, void *arg), void *arg);

/* The daily task of the server's job runner (jobs/periodic.c): run with
 * cfg->withdrawn_retention_days and log what was erased. Return 0 or -1. */
int org_purge_task(struct db *db, const struct config *cfg, int64_t now);

#endif
