/* The sponsors of an application and the community's opinions: which
 * member teams may sponsor (active teams of active member organisations,
 * never the applicant's own, at least one outside the applicant's group
 * of companies), their rows and answers, and the one opinion per member
 * organisation during the community window. SQL and rules, no HTTP. */
#ifndef SHISA_APPLICATION_SPONSORS_H
#define SHISA_APPLICATION_SPONSORS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "membership/application_store.h"

#define APP_SPONSORS_MAX 10
#define APP_TEAM_NAME_MAX (TEAM_TEXT_MAX * 4)   /* bytes of a team's name */

struct app_sponsor {
	int64_t team_id;
	int64_t org_id;
	char slug[TEAM_SLUG_MAX + 1];
	char name_en[APP_TEAM_NAME_MAX + 1], name_ja[APP_TEAM_NAME_MAX + 1];
	char state[12];                /* named, asked, supported, declined */
	char *statement;               /* owned */
	int64_t asked_at, answered_at; /* 0: not yet */
};

/* The sponsors of application ID, by team name, into OUT. Return how
 * many (release them with app_sponsors_release), or -1 (nothing to release). */
int app_sponsors_load(struct db *db, int64_t id, struct app_sponsor out[APP_SPONSORS_MAX]);
void app_sponsors_release(struct app_sponsor *s, int n);

/* Whether two organisation groups are the same: compared trimmed and
 * case-folded; an empty group is the same as none, not even another. */
bool app_same_group(const char *a, const char *b);

/* Check SLUGS[0..N) as the sponsors of A: each a known team, not A's own
 * organisation's, of an active member organisation, named once; at most
 * a->sponsors_required of them; when there are that many, at least one
 * outside A's group. Problems go to C's field errors ("sponsors",
 * "sponsors[1]"); the teams' ids into IDS. Return 0 (look at c->nerrors)
 * or -1 on a database error. */
int app_sponsors_check(struct app_call *c, const struct application *a, const char *const slugs[], size_t n,
                       int64_t ids[]);

/* Make the sponsors of application ID exactly IDS[0..N): rows of teams no
 * longer named go, rows of new ones come in STATE ("named" or "asked",
 * then asked at NOW); rows kept are left as they are. Return 0 or -1. */
int app_sponsors_replace(struct db *db, int64_t id, const int64_t ids[], size_t n, const char *state, int64_t now);
/* Every sponsor of application ID asked again at NOW (answers cleared),
 * or back to named (NOW 0). Return 0 or -1. */
int app_sponsors_reset(struct db *db, int64_t id, int64_t now);
/* Record TEAM_ID's answer (STATE "supported" or "declined"). Return 0 or -1. */
int app_sponsor_answer(struct db *db, int64_t id, int64_t team_id, const char *state, const char *statement,
                       int64_t user_id, int64_t now);

/* The team of organisation ORG_ID: 1 (*TEAM_ID set), 0 none, -1 error. */
int app_team_of_org(struct db *db, int64_t org_id, int64_t *team_id);
/* Whether organisation ORG_ID is an active member with an active team:
 * 1, 0, -1 on error. */
int app_org_active_member(struct db *db, int64_t org_id);

/* An organisation's opinion during the community window. */
struct app_opinion {
	int64_t org_id;
	const char *org_name, *team_slug;   /* team_slug "" when the organisation has no team */
	const char *stance;                 /* "support" or "object" */
	const char *reason;
	const char *user_name;
	int64_t at;
};
/* Record (or change) ORG_ID's opinion on application ID. Return 0 or -1. */
int app_opinion_put(struct db *db, int64_t id, int64_t org_id, const char *stance, const char *reason, int64_t user_id,
                    int64_t now);
/* Forget the opinions of an earlier window. Return 0 or -1. */
int app_opinions_clear(struct db *db, int64_t id);
/* The opinions on application ID (only ORG_ID's when it is not 0), by
 * organisation name; the strings live until EACH returns. Return the
 * count or -1. */
int app_opinions_list(struct db *db, int64_t id, int64_t org_id, void (*each)(const struct app_opinion *o, void *arg),
                      void *arg);

#endif
