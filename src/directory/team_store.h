/* Changing team records: creating one, and applying one validated change
 * (scalar fields, visibility choices, and whole lists of contacts, people,
 * constituency rules and texts) inside the caller's transaction. The
 * HTTP side validates (directory_edit.c); this file only writes. */
#ifndef SHISA_TEAM_STORE_H
#define SHISA_TEAM_STORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "db/db.h"
#include "directory/pgpkey.h"
#include "directory/team.h"

#define TEAM_NCOLS 24              /* scalar columns, in team_fields order (two for bilingual fields) */
#define TEAM_MAX_FIELDS 32

struct team_contact { const char *kind, *value, *hours, *note; enum visibility vis; };
struct team_person { const char *name, *role, *email, *phone, *key_fpr; enum visibility vis; };
struct team_rule { const char *kind, *value; enum visibility vis; };
struct team_text { const char *section, *lang, *body; };
struct team_vis { const char *field; enum visibility vis; };

struct team_change {
	bool set[TEAM_NCOLS];
	const char *text[TEAM_NCOLS];     /* text columns */
	bool is_null[TEAM_NCOLS];         /* integer columns set to NULL */
	int64_t num[TEAM_NCOLS];          /* integer columns */
	const struct team_vis *vis;       /* visibility choices */
	size_t nvis;
	bool contacts_set, people_set, rules_set;
	const struct team_contact *contacts;
	size_t ncontacts;
	const struct team_person *people;
	size_t npeople;
	const struct team_rule *rules;
	size_t nrules;
	const struct team_text *texts;    /* each replaces (section, lang); an empty body removes it */
	size_t ntexts;
};

/* The first scalar column of team_fields[I] (the English one of a
 * bilingual field; the Japanese one follows). */
int team_field_col(size_t i);
/* Whether S may be a team's slug: 2 to TEAM_SLUG_MAX lowercase letters,
 * digits and inner hyphens. */
bool team_slug_valid(const char *s);
/* Whether S is a valid slug that no team may have because an address of
 * the directory itself uses it ("export", "new"). */
bool team_slug_reserved(const char *s);
/* Create a team for ORG_ID (0: none yet), in the state of the
 * organisation's status (hidden when it is suspended or withdrawn). 1
 * created (*ID set), 0 the slug or the organisation already has one, -1
 * error. */
int team_create(struct db *db, int64_t org_id, const char *slug, const char *name_en, int64_t now, int64_t *id);
/* team_create, then team_apply of CH (whose name.en is the name), with
 * the search rows written once: for importers and `shisa dev seed`,
 * which create many whole records. Returns as team_create. */
int team_create_with(struct db *db, int64_t org_id, const char *slug, const struct team_change *ch, int64_t now,
                     int64_t *id);
/* Apply CH to team TEAM_ID (and refresh its search rows). Return 0 or -1. */
int team_apply(struct db *db, int64_t team_id, const struct team_change *ch, int64_t now);
/* Rebuild TEAM_ID's full-text rows, one per reader level, from what each
 * level may see. Return 0 or -1. */
int team_search_refresh(struct db *db, int64_t team_id);

/* Add the key INFO describes (pgpkey_parse's result) to TEAM_ID's record,
 * shown to VIS. 1 added, 0 the record already has it, -1 error. */
int team_key_add(struct db *db, int64_t team_id, const struct pgpkey_info *info, enum visibility vis);
/* Remove the key with fingerprint FPR from TEAM_ID's record. 1 removed,
 * 0 the record has no such key, -1 error. */
int team_key_remove(struct db *db, int64_t team_id, const char *fpr);

#endif
