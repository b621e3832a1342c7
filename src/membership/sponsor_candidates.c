/* The teams that may sponsor an application; see sponsor_candidates.h.
 * The same test as app_sponsors_check and app_org_active_member: an
 * active team of an organisation of kind member whose status is active. */
#include "membership/sponsor_candidates.h"

int sponsor_candidates_list(struct db *db, int64_t org_id, void (*each)(const struct sponsor_candidate *s, void *arg),
                            void *arg)
{
	static const char sql[] =
		"SELECT t.slug, t.name_en, t.name_ja, o.org_group FROM teams t JOIN orgs o ON o.id = t.org_id"
		" WHERE t.state = 'active' AND o.kind = 'member' AND o.status = 'active' AND o.id != ?"
		" ORDER BY t.name_en COLLATE NOCASE, t.id";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, org_id);
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct sponsor_candidate s = {db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3)};
		each(&s, arg);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}
