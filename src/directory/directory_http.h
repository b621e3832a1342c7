/* Routes of the team directory. */
#ifndef SHISA_DIRECTORY_HTTP_H
#define SHISA_DIRECTORY_HTTP_H
#include "core/err.h"
#include "directory/pgpkey.h"
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

/* Create a team record from the request's "slug", "name_en" and optional
 * "org_id" (JSON or form fields), for POST /api/v1/teams and the
 * /directory/new form: each problem is a field error of the request; the
 * record, its audit row and the commit are one transaction. Return ERR_OK
 * with *ID and SLUG (TEAM_SLUG_MAX + 1 bytes) set, ERR_VALIDATION,
 * ERR_CONFLICT (the slug or the organisation has a record) or ERR_INTERNAL. */
enum err dir_create_team(struct ctx *c, int64_t *id, char *slug);

/* How adding a key ended: ERR_OK (INFO describes the stored key),
 * ERR_VALIDATION or ERR_CONFLICT (a field error on "armored" says why), or
 * ERR_INTERNAL. */
struct dir_key_result {
	enum err err;
	const struct pgpkey_info *info;
	enum visibility vis;
};
typedef void (*dir_key_done_fn)(struct ctx *c, const struct team *t, const struct dir_key_result *r);
/* Read ARMORED (copied) with gpgme on the worker pool; then, back on the
 * request's loop, check again that the actor may edit the path's team
 * (answering 403/404 if not), store the key shown to VIS with its audit
 * row in one transaction, and call DONE to answer. Return 0, or -1 when
 * the pool did not take the work (nothing has been answered). */
int dir_key_add(struct ctx *c, const char *armored, enum visibility vis, dir_key_done_fn done);
/* Remove key FPR from T's record with its audit row. ERR_OK, ERR_NOT_FOUND
 * or ERR_INTERNAL; nothing is answered. */
enum err dir_key_remove(struct ctx *c, const struct team *t, const char *fpr);

extern const struct route directory_api_routes[];
extern const struct route directory_edit_routes[];
extern const struct route directory_page_routes[];
extern const struct route export_routes[];
extern const struct route lookup_routes[];
extern const struct route lookup_batch_routes[];
extern const struct route key_routes[];
extern const struct route stale_routes[];
extern const struct route directory_form_routes[];
extern const struct route import_routes[];

#endif
