/* One lookup's answer as JSON; see lookup_answer.h. */
#include <string.h>
#include "core/json_writer.h"
#include "directory/lookup_answer.h"

const char *lookup_how_name(enum rindex_how how)
{
	switch (how) {
	case RINDEX_MATCH_IPV4: return "ipv4_prefix";
	case RINDEX_MATCH_IPV6: return "ipv6_prefix";
	case RINDEX_MATCH_ASN: return "asn";
	case RINDEX_MATCH_DOMAIN: return "domain";
	case RINDEX_MATCH_PARENT: return "parent_domain";
	case RINDEX_MATCH_WILDCARD: return "wildcard_domain";
	}
	return "";
}

static int add_lit(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

static int add_json_str(struct buf *b, const char *s, size_t n)
{
	int rc = buf_addc(b, '"');
	rc |= json_escape_into(b, s, n);
	rc |= buf_addc(b, '"');
	return rc;
}

static int add_match(struct buf *b, const struct lookup_asker *a, const struct rindex_match *m,
                     const struct team_card *card, bool first)
{
	/* The asker's own team shows everything, as in the team's own record. */
	enum dir_level own = team_level_for(a->actor, team_card_org(card));
	char rule[RINDEX_NAME_MAX + 8], num[4];
	int rl = rindex_match_format(m, rule, sizeof(rule));
	unsigned v = (unsigned)m->prefixlen & 0xff;   /* at most 128 */
	size_t nl = 0;
	if (v >= 100)
		num[nl++] = (char)('0' + v / 100);
	if (v >= 10)
		num[nl++] = (char)('0' + v / 10 % 10);
	num[nl++] = (char)('0' + v % 10);
	int rc = add_lit(b, first ? "{\"rule\":\"" : ",{\"rule\":\"");
	rc |= buf_add(b, rule, rl > 0 && (size_t)rl < sizeof(rule) ? (size_t)rl : 0);
	rc |= add_lit(b, "\",\"how\":\"");
	rc |= add_lit(b, lookup_how_name(m->how));
	rc |= add_lit(b, "\",\"specificity\":");
	rc |= buf_add(b, num, nl);
	rc |= add_lit(b, ",\"team\":");
	rc |= team_card_write(card, own > a->level ? own : a->level, b);
	rc |= buf_addc(b, '}');
	return rc;
}

int lookup_answer_write(struct buf *b, const struct lookup_asker *a, const char *query, size_t n,
                        const struct rindex_match *m, const struct team_card *const *cards, size_t nm)
{
	bool found = false;
	for (size_t i = 0; i < nm && !found; i++)
		found = cards[i] != NULL;
	int rc = add_lit(b, "{\"query\":");
	rc |= add_json_str(b, query, n);
	rc |= add_lit(b, found ? ",\"found\":true,\"matches\":[" : ",\"found\":false,\"matches\":[");
	bool first = true;
	for (size_t i = 0; i < nm; i++) {
		if (!cards[i])
			continue;
		rc |= add_match(b, a, &m[i], cards[i], first);
		first = false;
	}
	rc |= add_lit(b, "]}");
	return rc ? -1 : 0;
}

int lookup_answer_bad(struct buf *b, const char *query, size_t n, bool query_is_json, const char *reason,
                      const char *message)
{
	int rc = add_lit(b, "{\"query\":");
	if (!query)
		rc |= add_lit(b, "null");
	else if (query_is_json)
		rc |= buf_add(b, query, n);
	else
		rc |= add_json_str(b, query, n);
	rc |= add_lit(b, ",\"error\":{\"code\":\"bad_query\",\"reason\":\"");
	rc |= add_lit(b, reason);
	rc |= add_lit(b, "\",\"message\":");
	rc |= add_json_str(b, message, strlen(message));
	rc |= add_lit(b, "}}");
	return rc ? -1 : 0;
}
