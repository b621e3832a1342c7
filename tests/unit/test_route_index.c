/* The constituency router's contract, by example: which rules match which
 * query and in what order, what each malformed query is called, and that
 * publishing new indexes under running readers frees each old one exactly
 * when its last reader lets go. The property test against a brute-force
 * scan is test_route_property.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "directory/route_index.h"
#include "directory/route_index_int.h"

struct rule {
	const char *text;
	int64_t team;
};

/* An index of RULES, rule ids 1, 2, ... in order. */
static struct rindex *build(const struct rule *rules, size_t n)
{
	struct rindex_builder *b = rindex_builder_new();
	assert_non_null(b);
	for (size_t i = 0; i < n; i++) {
		int rc = rindex_add_rule(b, rules[i].text, rules[i].team, (int64_t)i + 1);
		if (rc)
			fail_msg("rule %s: %s", rules[i].text, rindex_strerror(rc));
	}
	struct rindex *ix = rindex_build(b);
	assert_non_null(ix);
	rindex_builder_free(b);
	return ix;
}

#define BUILD(rules) build(rules, sizeof(rules) / sizeof(rules[0]))

/* The matches for QUERY as "team rule[ how]" joined by ", ", e.g.
 * "3 10.1.2.0/24, 1 10.0.0.0/8" or "1 example.jp parent". */
static const char *show(const struct rindex *ix, const char *query)
{
	static char out[2048];
	struct rindex_query q;
	struct rindex_match m[32];
	size_t len = 0;
	int rc = rindex_parse_query(query, &q);
	if (rc)
		fail_msg("query %s: %s", query, rindex_strerror(rc));
	size_t n = rindex_lookup(ix, &q, m, 32);
	assert_true(n <= 32);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char text[300];
		rindex_match_format(&m[i], text, sizeof(text));
		const char *how = m[i].how == RINDEX_MATCH_DOMAIN ? " exact" :
			m[i].how == RINDEX_MATCH_PARENT ? " parent" :
			m[i].how == RINDEX_MATCH_WILDCARD ? " wildcard" : "";
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%lld %s%s", i ? ", " : "",
			(long long)m[i].team_id, text, how);
	}
	return out;
}

static void ipv4_nested_prefixes_longest_first(void **state)
{
	static const struct rule rules[] = {
		{ "10.0.0.0/8", 1 }, { "10.1.0.0/16", 2 }, { "10.1.2.0/24", 3 },
		{ "10.1.2.3/32", 4 }, { "0.0.0.0/0", 5 }, { "10.1.2.128/25", 6 },
	};
	struct rindex *ix = BUILD(rules);
	assert_string_equal(show(ix, "10.1.2.3"),
		"4 10.1.2.3/32, 3 10.1.2.0/24, 2 10.1.0.0/16, 1 10.0.0.0/8, 5 0.0.0.0/0");
	assert_string_equal(show(ix, "10.1.2.4"), "3 10.1.2.0/24, 2 10.1.0.0/16, 1 10.0.0.0/8, 5 0.0.0.0/0");
	assert_string_equal(show(ix, "10.1.2.200"),
		"6 10.1.2.128/25, 3 10.1.2.0/24, 2 10.1.0.0/16, 1 10.0.0.0/8, 5 0.0.0.0/0");
	assert_string_equal(show(ix, "10.1.3.0"), "2 10.1.0.0/16, 1 10.0.0.0/8, 5 0.0.0.0/0");
	assert_string_equal(show(ix, "10.255.255.255"), "1 10.0.0.0/8, 5 0.0.0.0/0");
	assert_string_equal(show(ix, "11.0.0.0"), "5 0.0.0.0/0");
	/* A prefix query: only the rules that contain all of it. */
	assert_string_equal(show(ix, "10.1.0.0/16"), "2 10.1.0.0/16, 1 10.0.0.0/8, 5 0.0.0.0/0");
	assert_string_equal(show(ix, "10.1.2.0/23"), "2 10.1.0.0/16, 1 10.0.0.0/8, 5 0.0.0.0/0");
	assert_string_equal(show(ix, "10.0.0.0/7"), "5 0.0.0.0/0");
	assert_string_equal(show(ix, "0.0.0.0/0"), "5 0.0.0.0/0");
	assert_int_equal(rindex_count(ix), 6);
	assert_true(rindex_memory(ix) > 0);
	rindex_free(ix);
}

static void ipv4_edges_of_the_space(void **state)
{
	static const struct rule rules[] = {
		{ "0.0.0.0/32", 1 }, { "255.255.255.255/32", 2 }, { "255.255.255.0/24", 3 },
		{ "128.0.0.0/1", 4 }, { "0.0.0.0/1", 5 },
	};
	struct rindex *ix = BUILD(rules);
	assert_string_equal(show(ix, "0.0.0.0"), "1 0.0.0.0/32, 5 0.0.0.0/1");
	assert_string_equal(show(ix, "0.0.0.1"), "5 0.0.0.0/1");
	assert_string_equal(show(ix, "127.255.255.255"), "5 0.0.0.0/1");
	assert_string_equal(show(ix, "128.0.0.0"), "4 128.0.0.0/1");
	assert_string_equal(show(ix, "255.255.255.255"), "2 255.255.255.255/32, 3 255.255.255.0/24, 4 128.0.0.0/1");
	assert_string_equal(show(ix, "255.255.255.254"), "3 255.255.255.0/24, 4 128.0.0.0/1");
	rindex_free(ix);
}

static void ipv6_nested_and_extremes(void **state)
{
	static const struct rule rules[] = {
		{ "2001:db8::/32", 1 }, { "2001:db8:1::/48", 2 }, { "2001:db8:1::1/128", 3 },
		{ "::/0", 4 }, { "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 5 }, { "::/128", 6 },
		{ "2001:db8:1:0:8000::/65", 7 },
	};
	struct rindex *ix = BUILD(rules);
	assert_string_equal(show(ix, "2001:db8:1::1"),
		"3 2001:db8:1::1/128, 2 2001:db8:1::/48, 1 2001:db8::/32, 4 ::/0");
	assert_string_equal(show(ix, "2001:db8:1::8000:0:0:1"),
		"7 2001:db8:1:0:8000::/65, 2 2001:db8:1::/48, 1 2001:db8::/32, 4 ::/0");
	assert_string_equal(show(ix, "2001:db8:2::"), "1 2001:db8::/32, 4 ::/0");
	assert_string_equal(show(ix, "2001:db9::"), "4 ::/0");
	assert_string_equal(show(ix, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
		"5 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128, 4 ::/0");
	assert_string_equal(show(ix, "::"), "6 ::/128, 4 ::/0");
	assert_string_equal(show(ix, "2001:db8:1::/48"), "2 2001:db8:1::/48, 1 2001:db8::/32, 4 ::/0");
	/* IPv4 is a space of its own: ::/0 does not cover it. */
	assert_string_equal(show(ix, "192.0.2.1"), "");
	rindex_free(ix);
}

static void ipv4_mapped_ipv6_is_ipv4(void **state)
{
	static const struct rule rules[] = {
		{ "::ffff:192.0.2.0/120", 1 }, { "192.0.0.0/8", 2 }, { "::/0", 3 },
		{ "::ffff:0:0/95", 4 },
	};
	struct rindex_builder *b = rindex_builder_new();
	static const uint8_t all_v4[16] = { [10] = 0xff, [11] = 0xff };
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(rindex_add_rule(b, rules[i].text, rules[i].team, (int64_t)i + 1), 0);
	assert_int_equal(rindex_add_ipv6(b, all_v4, 96, 5, 5), 0);
	struct rindex *ix = rindex_build(b);
	rindex_builder_free(b);

	assert_string_equal(show(ix, "192.0.2.7"), "1 192.0.2.0/24, 2 192.0.0.0/8, 5 0.0.0.0/0");
	assert_string_equal(show(ix, "::ffff:192.0.2.7"), "1 192.0.2.0/24, 2 192.0.0.0/8, 5 0.0.0.0/0");
	assert_string_equal(show(ix, "::FFFF:c000:0207"), "1 192.0.2.0/24, 2 192.0.0.0/8, 5 0.0.0.0/0");
	assert_string_equal(show(ix, "::ffff:192.0.0.0/104"), "2 192.0.0.0/8, 5 0.0.0.0/0");
	/* Shorter than /96 it is an IPv6 prefix like any other. */
	assert_string_equal(show(ix, "::ffff:0:0/95"), "4 ::fffe:0:0/95, 3 ::/0");

	struct rindex_query q;
	assert_int_equal(rindex_parse_query("::ffff:10.1.2.3", &q), 0);
	assert_int_equal(q.kind, RINDEX_IPV4);
	assert_int_equal(q.v4, 0x0a010203);
	assert_int_equal(q.prefixlen, 32);
	rindex_free(ix);
}

static void same_prefix_returns_every_team_in_order(void **state)
{
	static const struct rule rules[] = {
		{ "198.51.100.0/24", 7 }, { "198.51.100.0/22", 9 }, { "198.51.100.9/24", 3 },
		{ "198.51.100.0/24", 7 }, { "2001:db8::/32", 4 }, { "2001:db8::/32", 2 },
	};
	struct rindex *ix = BUILD(rules);
	/* Host bits are cleared: rule 3 is 198.51.100.0/24 as well. */
	assert_string_equal(show(ix, "198.51.100.1"),
		"7 198.51.100.0/24, 3 198.51.100.0/24, 7 198.51.100.0/24, 9 198.51.100.0/22");
	struct rindex_query q;
	struct rindex_match m[4];
	assert_int_equal(rindex_parse_query("198.51.100.1", &q), 0);
	assert_int_equal(rindex_lookup(ix, &q, m, 4), 4);
	assert_int_equal(m[0].rule_id, 1);
	assert_int_equal(m[1].rule_id, 3);
	assert_int_equal(m[2].rule_id, 4);
	assert_int_equal(m[3].rule_id, 2);
	assert_int_equal(m[0].prefixlen, 24);
	/* Fewer slots than matches: the count is still the whole. */
	memset(m, 0, sizeof(m));
	assert_int_equal(rindex_lookup(ix, &q, m, 2), 4);
	assert_int_equal(m[1].rule_id, 3);
	assert_int_equal(m[2].rule_id, 0);
	assert_int_equal(rindex_lookup(ix, &q, NULL, 0), 4);
	assert_string_equal(show(ix, "2001:db8::5"), "4 2001:db8::/32, 2 2001:db8::/32");
	rindex_free(ix);
}

/* Seventy thousand teams on one prefix, under a more specific prefix
 * and over /0: every one of them, in order. */
static void many_teams_on_one_prefix(void **state)
{
	enum { MANY = 70000 };
	struct rindex_builder *b = rindex_builder_new();
	struct rindex_query q;
	static struct rindex_match m[MANY + 8];
	assert_int_equal(rindex_add_ipv4(b, 0x0a010000, 16, 1, 1), 0);
	for (int64_t i = 0; i < MANY; i++)
		assert_int_equal(rindex_add_ipv4(b, 0x0a000000, 8, 100 + i, 2 + i), 0);
	assert_int_equal(rindex_add_ipv4(b, 0, 0, 7, MANY + 2), 0);
	struct rindex *ix = rindex_build(b);
	rindex_builder_free(b);
	assert_int_equal(rindex_parse_query("10.1.2.3", &q), 0);
	assert_int_equal(rindex_lookup(ix, &q, m, MANY + 8), MANY + 2);
	assert_int_equal(m[0].rule_id, 1);
	assert_int_equal(m[0].prefixlen, 16);
	for (int64_t i = 0; i < MANY; i++)
		if (m[1 + i].rule_id != 2 + i || m[1 + i].prefixlen != 8)
			fail_msg("match %lld is rule %lld /%d", (long long)(1 + i), (long long)m[1 + i].rule_id,
				m[1 + i].prefixlen);
	assert_int_equal(m[MANY + 1].rule_id, MANY + 2);
	assert_int_equal(m[MANY + 1].prefixlen, 0);
	assert_int_equal(rindex_parse_query("10.2.0.0/16", &q), 0);
	assert_int_equal(rindex_lookup(ix, &q, m, 4), MANY + 1);
	assert_int_equal(m[0].rule_id, 2);
	rindex_free(ix);
}

static void domains_longest_suffix_then_exact_before_wildcard(void **state)
{
	static const struct rule rules[] = {
		{ "*.example.jp", 2 }, { "example.jp", 1 }, { "a.example.jp", 3 },
		{ "*.a.example.jp", 4 }, { "jp", 5 }, { "*.jp", 6 },
	};
	struct rindex *ix = BUILD(rules);
	assert_string_equal(show(ix, "example.jp"), "1 example.jp exact, 5 jp parent, 6 *.jp wildcard");
	assert_string_equal(show(ix, "a.example.jp"),
		"3 a.example.jp exact, 1 example.jp parent, 2 *.example.jp wildcard, 5 jp parent, 6 *.jp wildcard");
	assert_string_equal(show(ix, "b.a.example.jp"),
		"3 a.example.jp parent, 4 *.a.example.jp wildcard, 1 example.jp parent, "
		"2 *.example.jp wildcard, 5 jp parent, 6 *.jp wildcard");
	assert_string_equal(show(ix, "jp"), "5 jp exact");
	/* A suffix counts only on a label boundary. */
	assert_string_equal(show(ix, "notexample.jp"), "5 jp parent, 6 *.jp wildcard");
	assert_string_equal(show(ix, "example.com"), "");
	/* Case folding and the trailing dot, in queries and in rules. */
	assert_string_equal(show(ix, "  WWW.Example.JP.\n"),
		"1 example.jp parent, 2 *.example.jp wildcard, 5 jp parent, 6 *.jp wildcard");

	struct rindex_query q;
	struct rindex_match m[8];
	/* A wildcard rule's text as the query: what covers all subdomains. */
	assert_int_equal(rindex_parse_rule("*.example.jp", &q), 0);
	assert_int_equal(rindex_lookup(ix, &q, m, 8), 4);
	assert_int_equal(m[0].how, RINDEX_MATCH_PARENT);
	assert_int_equal(m[0].team_id, 1);
	assert_int_equal(m[1].how, RINDEX_MATCH_WILDCARD);
	assert_int_equal(m[1].team_id, 2);
	assert_int_equal(m[3].team_id, 6);
	assert_int_equal(rindex_parse_query("B.A.example.jp.", &q), 0);
	assert_string_equal(q.name, "b.a.example.jp");
	assert_int_equal(rindex_lookup(ix, &q, m, 8), 6);
	assert_string_equal(m[0].u.name, "a.example.jp");
	assert_int_equal(m[0].prefixlen, 3);
	assert_int_equal(m[4].prefixlen, 1);
	rindex_free(ix);
}

static void domains_added_through_the_builder(void **state)
{
	struct rindex_builder *b = rindex_builder_new();
	assert_int_equal(rindex_add_domain(b, "Xn--WGV71A.JP.", false, 1, 10), 0);
	assert_int_equal(rindex_add_domain(b, "xn--wgv71a.jp", true, 2, 11), 0);
	assert_int_equal(rindex_add_domain(b, "*.xn--wgv71a.jp", false, 3, 12), RINDEX_EWILDCARD);
	assert_int_equal(rindex_add_domain(b, "bad..jp", false, 3, 12), RINDEX_ELABEL_EMPTY);
	assert_int_equal(rindex_add_domain(b, "例え.jp", false, 3, 12), RINDEX_ENONASCII);
	assert_int_equal(rindex_builder_count(b), 2);
	struct rindex *ix = rindex_build(b);
	rindex_builder_free(b);
	assert_string_equal(show(ix, "xn--wgv71a.jp"), "1 xn--wgv71a.jp exact");
	assert_string_equal(show(ix, "www.XN--wgv71a.jp"), "1 xn--wgv71a.jp parent, 2 *.xn--wgv71a.jp wildcard");
	rindex_free(ix);
}

/* A suffix hashes the same inside a longer name as on its own (the build
 * hashes rule names whole, a lookup a query's suffixes), for labels of
 * every length around the eight bytes read at a time; each name sits in
 * a buffer of exactly its length, so a read past either end is caught by
 * the address sanitizer. */
static void suffix_hashes_agree_with_whole_names(void **state)
{
	(void)state;
	uint64_t hash[RINDEX_NAME_MAX / 2 + 1], whole[RINDEX_NAME_MAX / 2 + 1];
	uint8_t start[RINDEX_NAME_MAX / 2 + 1], ws[RINDEX_NAME_MAX / 2 + 1];
	char text[RINDEX_NAME_MAX + 1];
	for (int a = 1; a <= 18; a++) {
		for (int b = 1; b <= 18; b += 3) {
			int len = snprintf(text, sizeof(text), "%.*s.%.*s.jp", a, "abcdefghijklmnopqr", b,
				"0123456789-xyzuvw");
			char *name = malloc((size_t)len);
			assert_non_null(name);
			memcpy(name, text, (size_t)len);
			size_t n = rindex_suffix_hashes(name, (size_t)len, hash, start, RINDEX_NAME_MAX / 2 + 1, NULL, 0);
			assert_int_equal(n, 3);
			assert_int_equal(start[0], len - 2);
			assert_int_equal(start[1], a + 1);
			assert_int_equal(start[2], 0);
			for (size_t k = 0; k < n; k++) {
				size_t sl = (size_t)len - start[k];
				char *suffix = malloc(sl);
				assert_non_null(suffix);
				memcpy(suffix, name + start[k], sl);
				size_t m = rindex_suffix_hashes(suffix, sl, whole, ws, RINDEX_NAME_MAX / 2 + 1, NULL, 0);
				assert_int_equal(m, k + 1);
				assert_true(whole[m - 1] == hash[k]);
				free(suffix);
			}
			assert_int_equal(rindex_suffix_hashes(name, (size_t)len, hash, start, 2, NULL, 0), 0);
			free(name);
		}
	}
	/* the same bytes cut into other labels hash apart */
	uint64_t h1[4], h2[4];
	assert_int_equal(rindex_suffix_hashes("abcdefghij.kl", 13, h1, start, 4, NULL, 0), 2);
	assert_int_equal(rindex_suffix_hashes("abcdefgh.ijkl", 13, h2, start, 4, NULL, 0), 2);
	assert_true(h1[1] != h2[1]);
}

static void asn_exact(void **state)
{
	static const struct rule rules[] = {
		{ "AS64500", 1 }, { "as64500", 2 }, { "64501", 3 }, { "AS4294967295", 4 }, { "AS0", 5 },
		{ "AS1.10", 6 },
	};
	struct rindex *ix = BUILD(rules);
	assert_string_equal(show(ix, "AS64500"), "1 AS64500, 2 AS64500");
	assert_string_equal(show(ix, "as64500"), "1 AS64500, 2 AS64500");
	assert_string_equal(show(ix, "64500"), "1 AS64500, 2 AS64500");
	assert_string_equal(show(ix, "aS64501"), "3 AS64501");
	assert_string_equal(show(ix, "4294967295"), "4 AS4294967295");
	assert_string_equal(show(ix, "0"), "5 AS0");
	assert_string_equal(show(ix, "AS65546"), "6 AS65546");
	assert_string_equal(show(ix, "64502"), "");
	rindex_free(ix);
}

static void batch_answers_as_single_lookups(void **state)
{
	static const struct rule rules[] = {
		{ "10.0.0.0/8", 1 }, { "10.1.0.0/16", 2 }, { "2001:db8::/32", 3 }, { "AS64500", 4 },
		{ "example.jp", 5 }, { "*.example.jp", 6 }, { "10.1.0.0/16", 7 },
	};
	static const char *const texts[] = {
		"10.1.2.3", "2001:db8::1", "AS64500", "a.b.c.d.e.f.g.h.i.example.jp", "example.jp",
		"192.0.2.1", "www.example.jp", "10.9.9.9", "AS1", "example.com",
	};
	enum { N = sizeof(texts) / sizeof(texts[0]) };
	struct rindex *ix = BUILD(rules);
	struct rindex_query qs[N + 1];
	struct rindex_match out[(N + 1) * 4], one[4];
	size_t counts[N + 1];
	for (size_t i = 0; i < N; i++)
		assert_int_equal(rindex_parse_query(texts[i], &qs[i]), 0);
	memset(&qs[N], 0, sizeof(qs[N]));           /* no kind: no match */
	rindex_lookup_batch(ix, qs, N + 1, out, 4, counts);
	for (size_t i = 0; i < N; i++) {
		size_t n = rindex_lookup(ix, &qs[i], one, 4);
		assert_int_equal(counts[i], n);
		for (size_t k = 0; k < n && k < 4; k++) {
			assert_int_equal(out[i * 4 + k].rule_id, one[k].rule_id);
			assert_int_equal(out[i * 4 + k].how, one[k].how);
		}
	}
	assert_int_equal(counts[0], 3);
	assert_int_equal(counts[3], 2);
	assert_int_equal(counts[N], 0);
	/* Only counting. */
	rindex_lookup_batch(ix, qs, N, NULL, 0, counts);
	assert_int_equal(counts[0], 3);
	assert_int_equal(counts[5], 0);
	rindex_free(ix);
}

/* A rule at every length from /1 to /32 over one address and at every
 * level of a name twenty labels deep, some levels claimed by a dozen
 * teams: more than a list copies from its ancestors, and groups large
 * enough to be linked rather than copied. Every match comes back, in
 * order, from single lookups and from a batch alike. */
static void long_chains_come_back_whole(void **state)
{
	enum { MAX = 256, LEVELS = 20 };
	static struct rindex_match m[MAX], out[4 * MAX];
	struct rindex_builder *b = rindex_builder_new();
	struct rindex_query qs[4];
	size_t counts[4], want[4] = { 0 };
	int64_t rule = 1;
	char full[200];
	const char *name[LEVELS];       /* name[k]: "lk.l(k-1)...l0", a suffix of FULL */
	size_t used = 0;
	for (int k = LEVELS - 1; k >= 0; k--)
		used += (size_t)snprintf(full + used, sizeof(full) - used, "l%d%s", k, k ? "." : "");
	for (int k = 0, at = (int)used; k < LEVELS; k++) {
		at -= 1 + (k >= 10) + 1 + (k > 0);
		name[k] = full + at;
	}

	for (int len = 1; len <= 32; len++) {
		int teams = len % 5 ? 2 : 12;
		for (int t = 0; t < teams; t++)
			assert_int_equal(rindex_add_ipv4(b, 0x0a010203, len, 100 * len + t, rule++), 0);
		want[0] += (size_t)teams;                       /* 10.1.2.3 */
		want[1] += len < 32 ? (size_t)teams : 0;        /* 10.1.2.2 */
	}
	for (int k = 0; k < LEVELS; k++) {
		int teams = k % 5 ? 2 : 12;
		for (int t = 0; t < teams; t++)
			assert_int_equal(rindex_add_domain(b, name[k], false, 1000 + 100 * k + t, rule++), 0);
		if (k % 3 == 0)
			assert_int_equal(rindex_add_domain(b, name[k], true, 5000 + k, rule++), 0);
		want[2] += (size_t)teams + (k % 3 == 0);        /* below the deepest name */
		if (k < LEVELS - 1)                             /* the next deepest name itself */
			want[3] += (size_t)teams + (k % 3 == 0 && k != LEVELS - 2);
	}
	struct rindex *ix = rindex_build(b);
	rindex_builder_free(b);
	char below[220];
	snprintf(below, sizeof(below), "q.%s", name[LEVELS - 1]);
	const char *texts[4] = { "10.1.2.3", "10.1.2.2", below, name[LEVELS - 2] };
	for (int i = 0; i < 4; i++)
		assert_int_equal(rindex_parse_query(texts[i], &qs[i]), 0);

	for (int i = 0; i < 2; i++) {
		assert_int_equal(rindex_lookup(ix, &qs[i], m, MAX), want[i]);
		size_t j = 0;
		for (int len = i ? 31 : 32; len >= 1; len--)
			for (int t = 0; t < (len % 5 ? 2 : 12); t++, j++) {
				assert_int_equal(m[j].team_id, 100 * len + t);
				assert_int_equal(m[j].prefixlen, len);
				assert_int_equal(m[j].u.v4, len == 32 ? 0x0a010203u : 0x0a010203u & ~0u << (32 - len));
			}
	}
	for (int i = 2; i < 4; i++) {
		assert_int_equal(rindex_lookup(ix, &qs[i], m, MAX), want[i]);
		size_t j = 0;
		for (int k = i == 2 ? LEVELS - 1 : LEVELS - 2; k >= 0; k--) {
			bool exact = i == 3 && k == LEVELS - 2;
			for (int t = 0; t < (k % 5 ? 2 : 12); t++, j++) {
				assert_int_equal(m[j].team_id, 1000 + 100 * k + t);
				assert_int_equal(m[j].how, exact ? RINDEX_MATCH_DOMAIN : RINDEX_MATCH_PARENT);
				assert_int_equal(m[j].prefixlen, k + 1);
				assert_string_equal(m[j].u.name, name[k]);
			}
			if (k % 3 == 0 && !exact) {
				assert_int_equal(m[j].team_id, 5000 + k);
				assert_int_equal(m[j++].how, RINDEX_MATCH_WILDCARD);
			}
		}
	}
	/* The same from a batch; and a short room gets the first matches. */
	rindex_lookup_batch(ix, qs, 4, out, MAX, counts);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(counts[i], want[i]);
		assert_int_equal(rindex_lookup(ix, &qs[i], m, MAX), want[i]);
		for (size_t j = 0; j < want[i]; j++)
			assert_int_equal(out[i * MAX + j].rule_id, m[j].rule_id);
		assert_int_equal(rindex_lookup(ix, &qs[i], out, 3), want[i]);
		assert_int_equal(out[2].rule_id, m[2].rule_id);
	}
	rindex_free(ix);
}

static void empty_index_finds_nothing(void **state)
{
	struct rindex_builder *b = rindex_builder_new();
	struct rindex *ix = rindex_build(b);
	rindex_builder_free(b);
	assert_string_equal(show(ix, "192.0.2.1"), "");
	assert_string_equal(show(ix, "2001:db8::1"), "");
	assert_string_equal(show(ix, "AS1"), "");
	assert_string_equal(show(ix, "example.jp"), "");
	struct rindex_query qs[4];
	size_t counts[4] = { 9, 9, 9, 9 };
	static const char *const texts[] = { "192.0.2.1", "2001:db8::1", "AS1", "example.jp" };
	for (int i = 0; i < 4; i++)
		assert_int_equal(rindex_parse_query(texts[i], &qs[i]), 0);
	rindex_lookup_batch(ix, qs, 4, NULL, 0, counts);
	for (int i = 0; i < 4; i++)
		assert_int_equal(counts[i], 0);
	rindex_free(ix);
}

static void queries_are_classified(void **state)
{
	static const struct {
		const char *text;
		enum rindex_kind kind;
		const char *name;
		int prefixlen;
	} cases[] = {
		{ " 192.0.2.1\t", RINDEX_IPV4, "", 32 },
		{ "192.0.2.77/24", RINDEX_IPV4, "", 24 },
		{ "0.0.0.0/0", RINDEX_IPV4, "", 0 },
		{ "::/0", RINDEX_IPV6, "", 0 },
		{ "2001:DB8::1", RINDEX_IPV6, "", 128 },
		{ "AS64500", RINDEX_ASN, "", 0 },
		{ "as1.example.jp", RINDEX_DOMAIN, "as1.example.jp", 0 },
		{ "asia", RINDEX_DOMAIN, "asia", 0 },
		{ "123.example", RINDEX_DOMAIN, "123.example", 0 },
		{ "xn--wgv71a.jp", RINDEX_DOMAIN, "xn--wgv71a.jp", 0 },
		{ "a-b.jp.", RINDEX_DOMAIN, "a-b.jp", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rindex_query q;
		int rc = rindex_parse_query(cases[i].text, &q);
		if (rc)
			fail_msg("%s: %s", cases[i].text, rindex_strerror(rc));
		assert_int_equal(q.kind, cases[i].kind);
		assert_string_equal(q.name, cases[i].name);
		if (q.kind == RINDEX_IPV4 || q.kind == RINDEX_IPV6)
			assert_int_equal(q.prefixlen, cases[i].prefixlen);
	}
	struct rindex_query q;
	assert_int_equal(rindex_parse_query("192.0.2.77/24", &q), 0);
	assert_int_equal(q.v4, 0xc0000200);
	/* The longest name and label are fine; one more is not. */
	char name[300], label[70];
	memset(label, 'a', 63);
	label[63] = '\0';
	snprintf(name, sizeof(name), "%s.%s.%s.%.61s", label, label, label, label);
	assert_int_equal(strlen(name), 253);
	assert_int_equal(rindex_parse_query(name, &q), 0);
	assert_int_equal(q.namelen, 253);
	strcat(name, ".");
	assert_int_equal(rindex_parse_query(name, &q), 0);
	assert_int_equal(rindex_parse_rule("*.example.jp", &q), 0);
	assert_true(q.wildcard);
	assert_string_equal(q.name, "example.jp");
}

static void malformed_queries_say_why(void **state)
{
	char long_name[300], long_label[80];
	memset(long_label, 'a', 64);
	long_label[64] = '\0';
	memset(long_name, 'a', 256);
	for (int i = 1; i < 256; i += 2)
		long_name[i] = '.';
	long_name[256] = '\0';
	static const struct {
		const char *text;
		int err;
	} cases[] = {
		{ "", RINDEX_EEMPTY }, { " \t\n", RINDEX_EEMPTY },
		{ "1.2.3", RINDEX_EIPV4 }, { "1..2.3", RINDEX_EIPV4 }, { "1.2.3.4.5", RINDEX_EIPV4 },
		{ "1.2.3.", RINDEX_EIPV4 }, { ".1.2.3", RINDEX_EIPV4 }, { "1.2.3.x/24", RINDEX_EIPV4 },
		{ "256.1.1.1", RINDEX_EIPV4_OCTET }, { "01.2.3.4", RINDEX_EIPV4_OCTET },
		{ "1.2.3.1000", RINDEX_EIPV4_OCTET },
		{ "1.2.3.4/33", RINDEX_EPREFIX }, { "1.2.3.4/", RINDEX_EPREFIX }, { "1.2.3.4/x", RINDEX_EPREFIX },
		{ "1.2.3.4/-1", RINDEX_EPREFIX }, { "1.2.3.4/08", RINDEX_EPREFIX },
		{ "2001:db8::/129", RINDEX_EPREFIX }, { "2001:db8::/", RINDEX_EPREFIX },
		{ "2001:db8:::1", RINDEX_EIPV6 }, { "2001:db8::g", RINDEX_EIPV6 },
		{ "1:2:3:4:5:6:7:8:9", RINDEX_EIPV6 }, { "fe80::1%eth0", RINDEX_EIPV6 },
		{ "::ffff:1.2.3.256", RINDEX_EIPV6 }, { "2001:db8::1/64/64", RINDEX_EPREFIX },
		{ "4294967296", RINDEX_EASN }, { "AS4294967296", RINDEX_EASN }, { "AS1.65536", RINDEX_EASN },
		{ "99999999999999999999", RINDEX_EASN },
		{ "a..jp", RINDEX_ELABEL_EMPTY }, { ".jp", RINDEX_ELABEL_EMPTY }, { ".", RINDEX_ELABEL_EMPTY },
		{ "example.jp..", RINDEX_ELABEL_EMPTY },
		{ "-a.jp", RINDEX_ELABEL_HYPHEN }, { "a-.jp", RINDEX_ELABEL_HYPHEN }, { "xn--", RINDEX_ELABEL_HYPHEN },
		{ "a_b.jp", RINDEX_ECHAR }, { "exa mple.jp", RINDEX_ECHAR }, { "a@b.jp", RINDEX_ECHAR },
		{ "例え.jp", RINDEX_ENONASCII }, { "caf\xc3\xa9.fr", RINDEX_ENONASCII },
		{ "example.123", RINDEX_ENUMERIC_TLD },
		{ "*.example.jp", RINDEX_EWILDCARD }, { "a.*.jp", RINDEX_EWILDCARD }, { "*", RINDEX_EWILDCARD },
	};
	struct rindex_query q;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = rindex_parse_query(cases[i].text, &q);
		if (rc != cases[i].err)
			fail_msg("\"%s\": got %d (%s), want %d (%s)", cases[i].text, rc, rindex_strerror(rc),
				cases[i].err, rindex_strerror(cases[i].err));
	}
	assert_int_equal(rindex_parse_query(long_name, &q), RINDEX_EDOMAIN_LENGTH);
	snprintf(long_name, sizeof(long_name), "%s.jp", long_label);
	assert_int_equal(rindex_parse_query(long_name, &q), RINDEX_ELABEL_LENGTH);
	assert_int_equal(rindex_parse_rule("a.*.jp", &q), RINDEX_EWILDCARD);
	assert_int_equal(rindex_parse_rule("*.*.jp", &q), RINDEX_EWILDCARD);
	/* Every code has its own message. */
	for (int e = 0; e < RINDEX_E__COUNT; e++) {
		assert_true(strlen(rindex_strerror(e)) > 0);
		for (int f = 0; f < e; f++)
			assert_string_not_equal(rindex_strerror(e), rindex_strerror(f));
	}
	assert_string_equal(rindex_strerror(-1), "unknown error");
}

static void builder_refuses_bad_rules(void **state)
{
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	struct rindex_builder *b = rindex_builder_new();
	assert_int_equal(rindex_add_ipv4(b, 0x0a000000, 33, 1, 1), RINDEX_EPREFIX);
	assert_int_equal(rindex_add_ipv4(b, 0x0a000000, -1, 1, 1), RINDEX_EPREFIX);
	assert_int_equal(rindex_add_ipv6(b, a6, 129, 1, 1), RINDEX_EPREFIX);
	assert_int_equal(rindex_add_rule(b, "10.0.0.0/40", 1, 1), RINDEX_EPREFIX);
	assert_int_equal(rindex_add_rule(b, "", 1, 1), RINDEX_EEMPTY);
	assert_int_equal(rindex_builder_count(b), 0);
	assert_int_equal(rindex_add_ipv6(b, a6, 32, 1, 1), RINDEX_OK);
	assert_int_equal(rindex_builder_count(b), 1);
	rindex_builder_free(b);
}

/* ---- publishing under running readers ---- */

#define GENERATIONS 200
#define READERS 2

struct shared {
	struct rindex_holder holder;
	atomic_int done;
	atomic_long lookups;
	atomic_int bad;
};

/* Generation G: 10.0.0.0/8 belongs to team G, and G other prefixes. */
static struct rindex *generation(int64_t g)
{
	struct rindex_builder *b = rindex_builder_new();
	assert_int_equal(rindex_add_ipv4(b, 0x0a000000, 8, g, 1), 0);
	for (int64_t i = 0; i < g; i++)
		assert_int_equal(rindex_add_ipv4(b, 0xc0000000 + (uint32_t)(i << 8), 24, g, 2 + i), 0);
	assert_int_equal(rindex_add_domain(b, "example.jp", false, g, 0), 0);
	struct rindex *ix = rindex_build(b);
	rindex_builder_free(b);
	return ix;
}

static void *reader(void *arg)
{
	struct shared *s = arg;
	struct rindex_query q4, qd;
	struct rindex_match m[4];
	int64_t last = 0;
	long n = 0;
	rindex_parse_query("10.1.2.3", &q4);
	rindex_parse_query("www.example.jp", &qd);
	while (!atomic_load(&s->done)) {
		struct rindex *ix = rindex_holder_acquire(&s->holder);
		if (!ix)
			continue;
		/* Mostly in and out, the window a broken scheme would lose;
		 * sometimes long enough for publishes to overtake us. */
		for (int i = 0, hold = n % 64 ? 1 : 200; i < hold; i++, n++) {
			size_t n4 = rindex_lookup(ix, &q4, m, 4);
			size_t nd = rindex_lookup(ix, &qd, m + 1, 3);
			if (n4 != 1 || nd != 1 || m[0].team_id < last || m[1].team_id != m[0].team_id ||
				strcmp(m[1].u.name, "example.jp") != 0)
				atomic_store(&s->bad, 1);
			last = m[0].team_id;
		}
		rindex_holder_release(&s->holder, ix);
	}
	atomic_fetch_add(&s->lookups, n);
	return NULL;
}

/* Every eighth acquire dawdles between loading the pointer and counting
 * its reference: a scheme that does not wait for such readers frees the
 * index under them, and ASan reports it. */
static void dawdle(void)
{
	static _Thread_local unsigned calls;
	if (++calls % 8 == 0)
		usleep(20);
}

/* Indexes are built first, so publishes come as fast as they can. */
static void readers_never_see_a_freed_index(void **state)
{
	static struct shared s;
	static struct rindex *gen[GENERATIONS + 2];
	pthread_t t[READERS];
	for (int64_t g = 1; g <= GENERATIONS + 1; g++)
		gen[g] = generation(g);
	rindex_holder_test_pause = dawdle;
	rindex_holder_init(&s.holder);
	atomic_init(&s.done, 0);
	atomic_init(&s.lookups, 0);
	atomic_init(&s.bad, 0);
	assert_null(rindex_holder_acquire(&s.holder));
	rindex_holder_release(&s.holder, NULL);
	rindex_holder_publish(&s.holder, gen[1]);
	for (int i = 0; i < READERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, reader, &s), 0);
	for (int64_t g = 2; g <= GENERATIONS; g++) {
		rindex_holder_publish(&s.holder, gen[g]);
		usleep(200);
	}
	/* A reader that outlives the holder's reference keeps its index. */
	struct rindex *kept = rindex_holder_acquire(&s.holder);
	rindex_holder_publish(&s.holder, gen[GENERATIONS + 1]);
	atomic_store(&s.done, 1);
	for (int i = 0; i < READERS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(atomic_load(&s.bad), 0);
	assert_true(atomic_load(&s.lookups) > 0);
	assert_string_equal(show(kept, "10.0.0.1"), "200 10.0.0.0/8");
	rindex_holder_destroy(&s.holder);
	rindex_holder_test_pause = NULL;
	assert_string_equal(show(kept, "10.0.0.1"), "200 10.0.0.0/8");
	rindex_holder_release(NULL, kept);
	print_message("readers: %ld lookups over %d publishes\n", atomic_load(&s.lookups), GENERATIONS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv4_nested_prefixes_longest_first),
		cmocka_unit_test(ipv4_edges_of_the_space),
		cmocka_unit_test(ipv6_nested_and_extremes),
		cmocka_unit_test(ipv4_mapped_ipv6_is_ipv4),
		cmocka_unit_test(same_prefix_returns_every_team_in_order),
		cmocka_unit_test(many_teams_on_one_prefix),
		cmocka_unit_test(domains_longest_suffix_then_exact_before_wildcard),
		cmocka_unit_test(domains_added_through_the_builder),
		cmocka_unit_test(suffix_hashes_agree_with_whole_names),
		cmocka_unit_test(asn_exact),
		cmocka_unit_test(batch_answers_as_single_lookups),
		cmocka_unit_test(long_chains_come_back_whole),
		cmocka_unit_test(empty_index_finds_nothing),
		cmocka_unit_test(queries_are_classified),
		cmocka_unit_test(malformed_queries_say_why),
		cmocka_unit_test(builder_refuses_bad_rules),
		cmocka_unit_test(readers_never_see_a_freed_index),
	};
	return cmocka_run_group_tests_name("route_index", tests, NULL, NULL);
}
