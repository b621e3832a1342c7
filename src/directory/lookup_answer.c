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

/* Writing through a pointer into room reserved beforehand: an answer is
 * some thirty pieces, and a batch writes a million answers a second. */
static char *put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

#define PUT_LIT(p, lit) put((p), (lit), sizeof(lit) - 1)

/* The most one match writes besides its card. */
#define MATCH_MAX (RINDEX_NAME_MAX + 8 + 96)

static char *put_match(char *p, const struct lookup_asker *a, const struct rindex_match *m,
                       const struct team_card *card, bool first)
{
	/* The asker's own team shows everything, as in the team's own record. */
	enum dir_level own = team_level_for(a->actor, team_card_org(card));
	const char *how = lookup_how_name(m->how);
	p = first ? PUT_LIT(p, "{\"rule\":\"") : PUT_LIT(p, ",{\"rule\":\"");
	int rl = rindex_match_format(m, p, RINDEX_NAME_MAX + 8);
	p += rl > 0 && rl < RINDEX_NAME_MAX + 8 ? rl : 0;
	p = PUT_LIT(p, "\",\"how\":\"");
	p = put(p, how, strlen(how));
	p = PUT_LIT(p, "\",\"specificity\":");
	unsigned v = (unsigned)m->prefixlen & 0xff;   /* at most 128 */
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	p = PUT_LIT(p, ",\"team\":");
	p = team_card_put(card, own > a->level ? own : a->level, p);
	*p++ = '}';
	return p;
}

int lookup_answer_write(struct buf *b, const struct lookup_asker *a, const char *query, size_t n,
                        const struct rindex_match *m, const struct team_card *const *cards, size_t nm)
{
	bool found = false;
	size_t need = 64;
	for (size_t i = 0; i < nm; i++) {
		if (cards[i]) {
			found = true;
			need += MATCH_MAX + team_card_max(cards[i]);
		}
	}
	if (add_lit(b, "{\"query\":") < 0 || add_json_str(b, query, n) < 0)
		return -1;
	char *p = buf_reserve(b, need);
	if (!p)
		return -1;
	p = found ? PUT_LIT(p, ",\"found\":true,\"matches\":[") : PUT_LIT(p, ",\"found\":false,\"matches\":[");
	bool first = true;
	for (size_t i = 0; i < nm; i++) {
		if (!cards[i])
			continue;
		p = put_match(p, a, &m[i], cards[i], first);
		first = false;
	}
	p = PUT_LIT(p, "]}");
	buf_commit(b, p);
	return 0;
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
