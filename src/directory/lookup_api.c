/* GET /api/v1/lookup?ip=… | ?asn=… | ?domain=…: which teams handle it
 * and why, most specific first, with what the asker may see of each team.
 * "No team found" is a 200 with no matches; a malformed query is a 400
 * naming the parameter and what is wrong with it. The answer is the one
 * each line of the batch form carries (lookup_answer.h). */
#include <stdio.h>
#include <string.h>
#include "directory/directory_http.h"
#include "directory/fields.h"
#include "directory/lookup.h"
#include "directory/lookup_answer.h"
#include "http/input.h"
#include "http/respond.h"

static void lookup_get(struct ctx *c)
{
	static const char *const params[] = {"ip", "asn", "domain"};
	const char *param = NULL, *text = NULL;
	for (size_t i = 0; i < 3; i++) {
		const char *v = form_get(&c->query, params[i]);
		if (!v)
			continue;
		if (param) {
			ctx_field_error(c, params[i], "lookup.one_query");
			continue;
		}
		param = params[i];
		text = v;
	}
	if (!param && input_ok(c))
		ctx_field_error(c, "ip", "lookup.want_query");
	/* The directory's own validators say precisely what is wrong, in the
	 * reader's language; the router then reads the canonical form. */
	struct rindex_query q;
	char canon[FIELD_DOMAIN_MAX];
	enum field_result fr = FIELD_OK;
	if (param && !strcmp(param, "ip"))
		fr = field_cidr(text, canon);
	else if (param && !strcmp(param, "asn"))
		fr = field_asn(text, canon);
	else if (param)
		fr = field_domain(text, false, canon);
	if (fr != FIELD_OK) {
		const char *vars[] = {"suggestion", canon, NULL};
		ctx_field_error_fill(c, param, field_err_key(fr), vars);
	} else if (param && rindex_parse_query(canon, &q) != RINDEX_OK) {
		ctx_field_error(c, param, "lookup.wrong_kind");
	}
	if (!input_ok(c)) {
		http_error(c, ERR_BAD_REQUEST, NULL);
		return;
	}
	struct lookup_asker a = {&c->actor, team_level_for(&c->actor, 0), NULL};
	struct rindex *ix = lookup_acquire(a.level);
	struct team_cards *cards = lookup_cards_acquire();
	a.cards = cards;
	struct rindex_match m[LOOKUP_MAX_MATCHES];
	size_t n = ix ? rindex_lookup(ix, &q, m, LOOKUP_MAX_MATCHES) : 0;
	if (n > LOOKUP_MAX_MATCHES)
		n = LOOKUP_MAX_MATCHES;
	int64_t ids[LOOKUP_MAX_MATCHES];
	const struct team_card *found[LOOKUP_MAX_MATCHES];
	for (size_t i = 0; i < n; i++)
		ids[i] = m[i].team_id;
	team_cards_find_many(cards, ids, n, found);
	struct buf b;
	buf_init(&b, 8u << 20);
	int rc = lookup_answer_write(&b, &a, text, strlen(text), m, found, n);
	lookup_cards_release(cards);
	lookup_release(a.level, ix);
	if (rc < 0)
		http_error(c, ERR_INTERNAL, NULL);
	else
		http_json(c, 200, &b);
	buf_release(&b);
}

const struct route lookup_routes[] = {
	{"GET", "/api/v1/lookup", ACT_DIRECTORY_READ, lookup_get, ROUTE_API},
	{0},
};
