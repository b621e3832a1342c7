/* Routing cards: the part of a team's record a constituency lookup answers
 * with ("who do I call"): slug, names, short name and the typed contacts,
 * each contact with its visibility. The cards of every active team are
 * loaded in one pass into one immutable block kept in memory beside the
 * router (lookup.h), so a batch of a million lookups reads no SQL: each
 * card is stored as ready-made JSON pieces, in one run of memory, and
 * written by copying them.
 *
 * A block is shared by any number of threads; it counts its readers
 * (team_cards_hold / team_cards_drop) and is freed by the last one. */
#ifndef SHISA_TEAM_CARD_H
#define SHISA_TEAM_CARD_H
#include <stddef.h>
#include <stdint.h>
#include "core/buf.h"
#include "db/db.h"
#include "directory/team.h"

struct team_cards;
struct team_card;

/* The cards of every active team in DB, with one reference held by the
 * caller. NULL on an SQL error or when out of memory. */
struct team_cards *team_cards_load(struct db *db);
/* Take one more reference / drop one; the last drop frees the block.
 * NULL is fine for both. */
void team_cards_hold(struct team_cards *tc);
void team_cards_drop(struct team_cards *tc);
/* Number of cards, and the bytes the block occupies. */
size_t team_cards_count(const struct team_cards *tc);
size_t team_cards_memory(const struct team_cards *tc);

/* The card of team TEAM_ID, or NULL when TC holds none (the team is not
 * active, or became so after TC was loaded). */
const struct team_card *team_cards_find(const struct team_cards *tc, int64_t team_id);
/* The same for IDS[0..N) into OUT[0..N), asking for the memory of all of
 * them before reading any (a table slot, then the card), so the cache
 * misses of a batch of lookups overlap instead of queueing; the cards
 * are in cache when they are written next. */
void team_cards_find_many(const struct team_cards *tc, const int64_t *ids, size_t n,
                          const struct team_card **out);
/* The organisation the team belongs to (0: none), for team_level_for. */
int64_t team_card_org(const struct team_card *c);
/* Write card C at P as a JSON object with what a reader at LEVEL may see:
 *   {"slug", "name": {"en", "ja"}, "short_name",
 *    "contacts": [{"kind", "value", "hours", "note"}, ...]}
 * (names and short name are always public; each contact by its own
 * visibility, in the record's order; "hours" and "note" only when not
 * empty). P has room for team_card_max(C) bytes; return the end. */
char *team_card_put(const struct team_card *c, enum dir_level level, char *p);
size_t team_card_max(const struct team_card *c);

#endif
