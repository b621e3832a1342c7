/* Reading a change to a team record from a JSON object, checked value by
 * value (team_input.c). The caller supplies the memory pool the checked
 * values live in and where field errors go: the HTTP layer records them
 * on the request, the command line prints them. */
#ifndef SHISA_TEAM_INPUT_H
#define SHISA_TEAM_INPUT_H
#include <h2o.h>
#include <jansson.h>
#include "directory/team_store.h"

struct team_input {
	h2o_mem_pool_t *pool;
	/* Called for each problem: FIELD names the place ("contacts[2].value",
	 * in POOL), MSG_KEY the i18n message, VARS (key, value, ..., NULL; or
	 * NULL) fill it. */
	void (*error)(void *arg, const char *field, const char *msg_key, const char *const vars[]);
	void *arg;
	int nerrors;                 /* problems reported so far */
};

/* Read OBJ (the fields of a team record, as PATCH /api/v1/teams/{slug}
 * takes them) into CH. The strings in CH point into OBJ and IN->pool; CH
 * is only to be applied when IN->nerrors did not grow. */
void team_input_read(struct team_input *in, json_t *obj, struct team_change *ch);

/* The choices of the choice fields, each list ending with NULL ("" first
 * where the field may be left empty). */
extern const char *const team_regions[], *const team_sectors[], *const team_csirt_types[],
	*const team_spreads[], *const team_staffings[], *const team_contact_kinds[], *const team_person_roles[],
	*const team_rule_kinds[], *const team_text_sections[];

#endif
