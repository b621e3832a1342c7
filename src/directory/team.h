/* Team records of the directory: the domain side (SQL, no HTTP). One
 * record per team; every field carries a visibility (public, members,
 * secretariat) and every output path asks team_visible() before emitting
 * it. The scalar fields are described once, in team_fields[] (team.c):
 * their column, their default visibility and whether a team may change it. */
#ifndef SHISA_TEAM_H
#define SHISA_TEAM_H
#include <stdbool.h>
#include <stdint.h>
#include "auth/policy.h"
#include "core/json_writer.h"
#include "db/db.h"

enum visibility { VIS_PUBLIC = 0, VIS_MEMBERS = 1, VIS_SECRETARIAT = 2 };

/* How much of the directory a reader may see: a field is shown when its
 * visibility is at most the reader's level. */
enum dir_level { DIR_PUBLIC = 0, DIR_MEMBERS = 1, DIR_ALL = 2 };

struct team_field {
	const char *name;          /* API and visibility name, e.g. "address" */
	const char *col_en;        /* column ("" for none) */
	const char *col_ja;        /* the Japanese column, or NULL for one-language fields */
	bool integer;              /* an INTEGER column */
	enum visibility dflt;
	bool locked;               /* always public: a team cannot hide it */
};

extern const struct team_field team_fields[];
extern const size_t team_nfields;

#define TEAM_SLUG_MAX 64
#define TEAM_TEXT_MAX 200

struct team {
	int64_t id;
	int64_t org_id;
	char slug[TEAM_SLUG_MAX + 1];
	char state[16];
	enum visibility vis[32];   /* effective visibility of team_fields[i] */
};

/* A month as the average Gregorian month (30.436875 days), in seconds. */
#define TEAM_MONTH_S 2629746
/* Records not confirmed for this many months are shown as overdue
 * (the server sets it from confirm_months at start; default 4). */
void team_set_confirm_months(int months);
/* Is a record last confirmed at LAST_VERIFIED (0: never) overdue at NOW? */
bool team_overdue(int64_t last_verified, int64_t now);
/* Mark TEAM_ID's record as confirmed now. Return 0 or -1. */
int team_confirm(struct db *db, int64_t team_id, int64_t now);

/* Visibility names ("public", "members", "secretariat"); parse returns 0 or -1. */
const char *visibility_name(enum visibility v);
int visibility_parse(const char *s, enum visibility *out);

/* What ACTOR may see of TEAM_ORG_ID's record: everything of their own
 * team, everything for the secretariat, members' fields for member teams
 * and team admins, public fields for everyone else (anonymous, applicants,
 * observers). */
enum dir_level team_level_for(const struct actor *a, int64_t team_org_id);
/* True when a field of visibility V may be shown at LEVEL. */
bool team_visible(enum visibility v, enum dir_level level);

/* Load the team with SLUG (or ID when SLUG is NULL). 1 found, 0 not, -1 error. */
int team_load(struct db *db, const char *slug, int64_t id, struct team *t);
/* Write TEAM as a JSON object with what LEVEL may see, including contacts,
 * people, keys, constituency and texts; with SUMMARY only the fields a
 * list shows (names, country, region, sector, type, website). Return 0 or -1. */
int team_write_json(struct db *db, const struct team *t, enum dir_level level, bool summary, struct jw *w);
/* The visibility of TEAM_ID's text section SECTION ("overview"): the
 * team's choice, else public. Return 0 or -1. */
int team_text_visibility(struct db *db, int64_t team_id, const char *section, enum visibility *out);
/* Whether a reader at LEVEL may see the team at all: suspended and
 * withdrawn teams are hidden from everyone but the team and the secretariat. */
bool team_listed(const struct team *t, enum dir_level level);
/* Active teams with id > AFTER, by id, at most LIMIT (DIR_ALL: every
 * state); calls EACH with each loaded team. Return the count or -1. */
int team_list(struct db *db, enum dir_level level, int64_t after, int limit,
              int (*each)(struct db *db, const struct team *t, void *arg), void *arg);

/* A directory search: free text (names, host organisation, texts, in
 * Japanese or English; three characters or more use the trigram index,
 * shorter ones match names), filters, and paging by offset. Filters and
 * facets only count a team's value where the reader may see that field,
 * or for constituency types that row (constituency_type.h). */
struct team_query {
	const char *q;            /* "" for none */
	const char *sector, *region, *csirt_type, *country;   /* "" for any */
	const char *constituency_type;   /* "" or NULL for any; matched by its key */
	bool by_name;             /* sort by name rather than relevance */
	int limit;
	int offset;
};

struct team_facet {
	const char *facet;        /* "sector", "region", "csirt_type", "country", "constituency_type" */
	const char *value;
	int64_t count;
};

/* Run Q for a reader at LEVEL: EACH for each team on the page, FACET for
 * each facet count over all matches; *TOTAL gets the number of matches.
 * Return the number of teams on the page, or -1. */
int team_search(struct db *db, const struct team_query *q, enum dir_level level,
                int (*each)(struct db *db, const struct team *t, void *arg),
                void (*facet)(const struct team_facet *f, void *arg), void *arg, int64_t *total);

#endif
