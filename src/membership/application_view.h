/* Who sees what of an application. The secretariat sees everything,
 * the community's reasons included; the applicant sees its own
 * application, its sponsors' statements and the decision's reason, but
 * never the community's opinions, so not who objected; a member team
 * sees the applications in the community window and those it is asked to
 * sponsor, its own answers but not other teams' statements or reasons;
 * observers and everyone else see none. The draft of the directory record
 * is shown at the reader's level of the directory's visibility. */
#ifndef SHISA_APPLICATION_VIEW_H
#define SHISA_APPLICATION_VIEW_H
#include <jansson.h>
#include <stdint.h>
#include "membership/application_store.h"

enum app_view {
	APP_VIEW_NONE,
	APP_VIEW_MEMBER,          /* a member team, during the community window */
	APP_VIEW_SPONSOR,         /* a team asked to sponsor it */
	APP_VIEW_APPLICANT,
	APP_VIEW_SECRETARIAT,
};

/* What ACTOR may see of A into *OUT. Return 0 or -1. */
int app_view_of(struct db *db, const struct actor *actor, const struct application *a, enum app_view *out);
/* Load application ID for the caller: refused as not found when there is
 * none or the caller may not see it (release A in every case). */
enum err app_load_visible(struct app_call *c, int64_t id, struct application *a, enum app_view *view);

/* Load application ID as its applicant: refused as not found, or as
 * forbidden for anyone else who may see it (release A in every case). */
enum err app_load_own(struct app_call *c, int64_t id, struct application *a);
/* The party C acts as on A: the secretariat, the applicant, else a
 * sponsor (for the refusal of what only others may do). */
enum app_party app_party_of(const struct app_call *c, const struct application *a);

/* A as VIEW shows it, for ACTOR (new reference; NULL on error). */
json_t *application_json(struct db *db, const struct actor *actor, const struct application *a, enum app_view view,
                         int64_t now);
/* The history of A as VIEW shows it: a JSON array (new reference; NULL on error). */
json_t *application_history_json(struct db *db, const struct application *a, enum app_view view);

/* The applications ACTOR may see, with id > AFTER, in state STATE (NULL:
 * any), at most LIMIT, as summaries appended to ITEMS; *LAST gets the id
 * of the last one. Return how many, or -1. */
int application_list(struct db *db, const struct actor *actor, const char *state, int64_t after, int limit,
                     json_t *items, int64_t *last);

#endif
