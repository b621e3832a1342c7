/* Constituency types as a search filter and facet. A constituency type is
 * a "type" rule of a team's constituency, free text each team spells its
 * own way ("Enterprise", "enterprise ", "大学"), and each row has its own
 * visibility. Search compares them by a key: the text without the blanks
 * around it (space, tab, CR, LF), its ASCII letters in lower case, the rest
 * as typed (full-width letters and other scripts are not folded). A team
 * counts once per key when a reader may see at least one of its rows with
 * that key. A facet shows each key as the spelling that most of the rows a
 * reader may see use (of the teams the reader may see; on a tie, the first
 * in byte order), so it never tells a spelling nobody visible wrote.
 *
 * The SQL search (team.c) and the index in memory (search_index.c) read
 * keys and spellings from the same statements below, so they agree. */
#ifndef SHISA_CONSTITUENCY_TYPE_H
#define SHISA_CONSTITUENCY_TYPE_H
#include <stdint.h>
#include "core/buf.h"
#include "db/db.h"
#include "directory/team.h"

/* The longest constituency type a team may write, in characters. */
#define CONSTITUENCY_TYPE_MAX 100

/* In SQL, of a row's value V: its key, and its spelling (the value
 * trimmed). The indexes of schema/0009 hold the key, and SQLite uses them
 * only for the same expression: change both together. */
#define CONSTITUENCY_TYPE_KEY_SQL(v) "lower(trim(" v ", ' ' || char(9, 10, 13)))"
#define CONSTITUENCY_TYPE_SPELLING_SQL(v) "trim(" v ", ' ' || char(9, 10, 13))"
/* The visibility rank (0 public, 1 members, 2 secretariat) of a row's
 * column V, in SQL. */
#define CONSTITUENCY_TYPE_VIS_SQL(v) "(CASE " v " WHEN 'public' THEN 0 WHEN 'members' THEN 1 ELSE 2 END)"
/* A common table expression type_labels(k, s): each key a reader at level
 * ?2 may see and the spelling its facet shows, read from the index of
 * keys and spellings (the planner would rather read every type row from
 * the table, for many times the time). */
#define CONSTITUENCY_TYPE_LABELS_CTE \
	"type_labels(k, s) AS (SELECT k, s FROM (SELECT k, s, row_number() OVER (PARTITION BY k ORDER BY n DESC, s) AS r" \
	"  FROM (SELECT " CONSTITUENCY_TYPE_KEY_SQL("c.value") " AS k, " CONSTITUENCY_TYPE_SPELLING_SQL("c.value") " AS s," \
	"   count(*) AS n FROM team_constituency c INDEXED BY team_constituency_type_spelling WHERE c.kind = 'type'" \
	"   AND " CONSTITUENCY_TYPE_VIS_SQL("c.visibility") " <= ?2" \
	"   AND (?2 = 2 OR c.team_id NOT IN (SELECT id FROM teams WHERE state != 'active')) GROUP BY 1, 2)" \
	"  WHERE k != '') WHERE r = 1)"

/* Append the key of IN to OUT (nothing for a blank IN). Return 0, or -1
 * when OUT is full. */
int constituency_type_key(const char *in, struct buf *out);
/* True when A and B have the same key. */
bool constituency_type_same(const char *a, const char *b);

/* Every team's keys, by team id then key, each once with the most visible
 * of its rows' visibilities: EACH(team id, key, visibility, ARG). Return 0
 * or -1 (a database error, or EACH returned < 0). */
int constituency_type_rows(struct db *db, int (*each)(int64_t team_id, const char *key, enum visibility v, void *arg),
                           void *arg);
/* Each key a reader at LEVEL may see, by key, with its facet's spelling:
 * EACH(key, spelling, ARG). Return 0 or -1 as above. */
int constituency_type_labels(struct db *db, enum dir_level level,
                             int (*each)(const char *key, const char *spelling, void *arg), void *arg);

#endif
