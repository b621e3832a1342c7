/* A synthetic team directory for tests, demos and benchmarks: teams with
 * Japanese and English names ("大阪さくら銀行 CSIRT" / "Osaka Sakura Bank
 * CSIRT"), host organisations, sectors, regions, CSIRT types, dates,
 * typed contacts, people, RFC 2350 and the association's own texts for
 * some, and constituencies that overlap the way real ones do: teams of a
 * group share and nest address blocks and domains, providers hold the
 * large blocks their customers sit in, and some networks are claimed
 * twice. 100,000 teams hold about a million prefixes. Every domain, mail
 * address and web site is under a reserved example domain (example.co.jp,
 * example.ac.jp, example.com, ...: RFC 2606 and JPRS's), so that no mail
 * the server sends to a seeded team reaches anyone. The networks and
 * telephone numbers are random and may be someone's: a seeded directory
 * is for trying and measuring shisa, not for routing or calling.
 *
 * Deterministic: the same SEED and the same day give the same directory
 * (only last_verified depends on the day, so that some records are
 * overdue whenever it runs). Everything is written through
 * team_create_with (team_apply), so the records are what the API stores. */
#ifndef SHISA_SEED_H
#define SHISA_SEED_H
#include <stdint.h>
#include "db/db.h"
#include "directory/team.h"

#define SEED_TEAMS_MAX 1000000

struct seed_stats {
	int64_t teams, contacts, people, texts;
	int64_t prefixes4, prefixes6, domains, asns;   /* constituency rules by kind */
};

/* Called after every few hundred teams with the number written so far. */
typedef void (*seed_progress_fn)(void *arg, int done, int total);

/* Write N teams (1..SEED_TEAMS_MAX) made from SEED into DB, inside the
 * caller's write transaction; NOW is the time of the run. Return 0 and
 * fill STATS; 1 when a slug is taken already (the slug in TAKEN: the
 * caller rolls back); -1 on a database error or when out of memory. */
int seed_directory(struct db *db, int n, uint64_t seed, int64_t now, seed_progress_fn progress, void *arg,
                   struct seed_stats *stats, char taken[static TEAM_SLUG_MAX + 1]);

#endif
