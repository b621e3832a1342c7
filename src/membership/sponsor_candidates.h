/* The member teams an applicant may name as sponsors, for the pages that
 * offer them as a list to choose from: the active teams of active member
 * organisations other than the applicant's own, with the group of
 * companies each belongs to (the sponsors' rules want one from outside
 * the applicant's). The services check a choice again when it is made
 * (app_sponsors_check); this only lists. SQL, no HTTP. */
#ifndef SHISA_SPONSOR_CANDIDATES_H
#define SHISA_SPONSOR_CANDIDATES_H
#include <stdint.h>
#include "db/db.h"

struct sponsor_candidate {
	const char *slug, *name_en, *name_ja, *org_group;   /* live until EACH returns */
};

/* Every candidate for an application of organisation ORG_ID, by English
 * name, to EACH. Return how many, or -1. */
int sponsor_candidates_list(struct db *db, int64_t org_id, void (*each)(const struct sponsor_candidate *s, void *arg),
                            void *arg);

#endif
