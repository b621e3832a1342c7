/* The answer to one constituency lookup, written the same way for
 * GET /api/v1/lookup (the whole body) and for each line of the batch
 * POST /api/v1/lookup:
 *
 *   {"query": "192.0.2.7", "found": true, "matches": [
 *     {"rule": "192.0.2.0/24", "how": "ipv4_prefix", "specificity": 24,
 *      "team": {routing card, team_card.h}}, ...]}     most specific first
 *   {"query": "192.0.2.9", "found": false, "matches": []}   no team found
 *   {"query": "192.0.2.300", "error": {"code": "bad_query",
 *     "reason": "ipv4_octet", "message": "..."}}    (batch lines only: the
 *                                                   GET form answers 400)
 *
 * Plain appends to a struct buf, no SQL: a batch writes a million of
 * these a second. */
#ifndef SHISA_LOOKUP_ANSWER_H
#define SHISA_LOOKUP_ANSWER_H
#include <stdbool.h>
#include <stddef.h>
#include "auth/policy.h"
#include "core/buf.h"
#include "directory/route_index.h"
#include "directory/team_card.h"

/* Matches written per query; more are left out (most specific first). */
#define LOOKUP_MAX_MATCHES 32

/* Who is asking: the reader's level (the router of that level was asked)
 * and their own team, which they see in full. */
struct lookup_asker {
	const struct actor *actor;
	enum dir_level level;
	const struct team_cards *cards;
};

/* Append the answer to QUERY (the N bytes the asker sent, valid UTF-8)
 * given its matches M[0..NM), most specific first as rindex_lookup gives
 * them (NM at most LOOKUP_MAX_MATCHES), and the card of each match's team
 * in CARDS[0..NM) (team_cards_find_many). A match whose team has no card
 * (no longer active since the router was built) is left out. Return 0,
 * or -1 when B is full (B then holds part of the answer). */
int lookup_answer_write(struct buf *b, const struct lookup_asker *a, const char *query, size_t n,
                        const struct rindex_match *m, const struct team_card *const *cards, size_t nm);

/* Append the answer to an item that is not a query the router can read.
 * QUERY is what was sent: N bytes of text, or of JSON when QUERY_IS_JSON
 * (an item of a JSON batch that is not a string), or NULL to write null.
 * REASON is a stable code ("ipv4_octet", "not_a_string"), MESSAGE the
 * reader's language. Return 0 or -1 as above. */
int lookup_answer_bad(struct buf *b, const char *query, size_t n, bool query_is_json, const char *reason,
                      const char *message);

/* The stable name of how a rule matched ("ipv4_prefix", "wildcard_domain"). */
const char *lookup_how_name(enum rindex_how how);

#endif
