/* The applicant's draft of its directory record, and changing an
 * application before it is decided. The draft is checked by the
 * directory's own reader (team_input.h), so every value is held to the
 * rules of the team edit form and each problem is named with the
 * directory's field names under "team." ("team.contacts[0].value"); it is
 * stored in canonical form and shown to each reader at their level of the
 * directory's per-field visibility, as the record itself will be. */
#ifndef SHISA_APPLICATION_DRAFT_H
#define SHISA_APPLICATION_DRAFT_H
#include <jansson.h>
#include <stdbool.h>
#include "directory/team.h"
#include "directory/team_input.h"
#include "directory/team_store.h"
#include "membership/application_store.h"

/* Read OBJ (team record fields) into CH, errors under "team.". "joined"
 * is refused: the record gets it on approval. Returns the number of
 * problems reported. */
int app_draft_read(struct app_call *c, json_t *obj, struct team_change *ch);
/* The record CH describes as JSON (new reference), with what a reader at
 * LEVEL may see: scalar fields, contacts, people, constituency, texts,
 * and at DIR_ALL the visibility choices. */
json_t *app_draft_json(const struct team_change *ch, enum dir_level level);
/* The stored DRAFT as a reader at LEVEL may see it (new reference). */
json_t *app_draft_view(json_t *draft, enum dir_level level);

/* Whether SLUG ("" allowed unless REQUIRED) may be the address of
 * application A's record: well formed, not reserved, no team's, and not
 * asked for by another open application. Problems go to FIELD. Return
 * 0 (look at c->nerrors) or -1 on a database error. */
int app_slug_check(struct app_call *c, const char *field, const char *slug, int64_t application_id, bool required);

/* What an applicant may change; NULL (or sponsors_set false) leaves a
 * thing as it is. */
struct app_update {
	const char *org_name_ja, *org_group, *contact_name, *team_slug;
	json_t *team;                  /* fields merged into the draft, as PATCH /api/v1/teams/{slug} */
	bool sponsors_set;
	const char *const *sponsors;   /* team slugs */
	size_t nsponsors;
};

/* The applicant changes application ID: anything in draft; in
 * sponsor_review only the sponsors, replacing those that declined (the
 * new ones are asked at once). */
enum err application_update(struct app_call *c, int64_t id, const struct app_update *u);
/* The applicant accepts the rules in force (VERSION, when not NULL, must
 * be theirs: the texts the applicant read). Draft only. */
enum err application_accept_rules(struct app_call *c, int64_t id, const char *version);

#endif
