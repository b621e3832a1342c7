/* The whole directory in one export scope, after FIRST's team API
 * (api.first.org/data/v1/teams?scope=...): "public" is every field the
 * public may see, "members" every field member teams may see (keys
 * included), "minimal" a short card per team (names, country, website,
 * incident contacts, key fingerprints), and "all" everything, which only
 * the operator's command line asks for. A scope never goes beyond its
 * level, and a reader may only ask for a scope their own level reaches.
 * Records come from team_write_json at the scope's level, so an export
 * cannot hold a field the scope may not see. No HTTP here. */
#ifndef SHISA_DIRECTORY_EXPORT_H
#define SHISA_DIRECTORY_EXPORT_H
#include <jansson.h>
#include <stdint.h>
#include "core/json_writer.h"
#include "db/db.h"
#include "directory/team.h"

enum export_scope { EXPORT_PUBLIC, EXPORT_MINIMAL, EXPORT_MEMBERS, EXPORT_ALL };

/* Scope names ("public", "minimal", "members", "all"); parse returns 0 or -1. */
const char *export_scope_name(enum export_scope s);
int export_scope_parse(const char *s, enum export_scope *out);
/* The least reader level that may ask for scope S. */
enum dir_level export_scope_needs(enum export_scope s);
/* The level records of scope S are written at for a reader at READER
 * (who may ask for it): public at the public level, members at the
 * members' level, all at every level, minimal at the reader's level but
 * never above the members' one. */
enum dir_level export_scope_level(enum export_scope s, enum dir_level reader);

/* T's record at LEVEL, cut down to SCOPE (new reference), or NULL. The
 * minimal card keeps the shapes of the full record (name {en, ja},
 * contacts [{kind, value, hours}], keys [{fingerprint, ...}]), so every
 * format that reads a record reads a card too. */
json_t *export_record(struct db *db, const struct team *t, enum export_scope scope, enum dir_level level);

/* One walk over the directory, in one read snapshot of the database. */
struct export_walk {
	enum export_scope scope;
	enum dir_level level;     /* from export_scope_level */
	const char *slug;         /* only this team, or NULL for every listed team */
	int (*start)(int64_t total, void *arg);                   /* once counted: 0, or -1 to stop */
	int (*each)(json_t *record, void *arg);                   /* 0, or -1 to stop */
	void (*progress)(int64_t done, int64_t total, void *arg); /* after each team; may be NULL */
	void *arg;
};

/* Count the teams W will visit and tell W->start (when set), then call
 * W->each for each listed team (by id) with its record; the records are
 * freed after EACH returns. A team that is not listed at W->level counts
 * as absent. Return the number visited (0: no such team), or -1 (also
 * when a callback stopped the walk). */
int64_t export_walk_run(struct db *db, const struct export_walk *w);

/* The JSON document of a walk, as FIRST's API shapes its answer:
 *   {"version":"1","scope":S,"generated":ISO,"total":N,"data":[record...]}
 * into OUT; W's start, each and arg are the writer's own (W's progress is
 * still called). When FLUSH is set it is called with OUT's buffer after
 * each team and at the end, to write it out and empty it (0, or -1 to
 * stop), so a large directory need not fit in memory. Return the number
 * of teams written (0 with nothing written when W->slug names no listed
 * team), or -1 (also when OUT refused to grow). */
int64_t export_json_document(struct db *db, const struct export_walk *w, const char *generated, struct jw *out,
                             int (*flush)(struct buf *b, void *arg), void *flush_arg);

#endif
