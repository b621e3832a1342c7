/* Routes of the team directory. */
#ifndef SHISA_DIRECTORY_HTTP_H
#define SHISA_DIRECTORY_HTTP_H
#include "directory/team.h"
#include "directory/team_store.h"
#include "http/router.h"

/* Load the team named by the path's {slug} into T when the actor may edit
 * it (its own team admins, or the secretariat). Otherwise answer (404 for
 * a team the actor may not see, 403 for one they may not change) and
 * return false. */
bool dir_editable_team(struct ctx *c, struct team *t);

/* Read OBJ (a team record's fields as the API takes them) into CH, with
 * each problem as a field error of the request (team_input.c). */
void dir_read_change(struct ctx *c, json_t *obj, struct team_change *ch);

extern const struct route directory_api_routes[];
extern const struct route directory_edit_routes[];
extern const struct route directory_page_routes[];
extern const struct route export_routes[];
extern const struct route lookup_routes[];
extern const struct route key_routes[];
extern const struct route stale_routes[];
extern const struct route import_routes[];

#endif
