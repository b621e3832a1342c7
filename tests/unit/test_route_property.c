/* The constituency router against a brute-force scan: rounds of random,
 * overlapping rule sets (IPv4, IPv6 and IPv4-mapped prefixes, AS numbers,
 * names and wildcards, the same key under several teams), random queries,
 * and the full ordered match list compared field by field. Seeded and
 * reproducible: a failure names its seed; RINDEX_SEED=<n> replays it and
 * RINDEX_SEED=random tries a fresh one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "directory/route_index.h"

__extension__ typedef unsigned __int128 u128;

struct model {
	enum rindex_kind kind;      /* IPv4-mapped rules are IPv4 here */
	u128 addr;                  /* network, host bits cleared */
	int len;                    /* IP: prefix length; domain: labels */
	uint32_t asn;
	char name[64];
	bool wild;
	int64_t team, rule;
};

static uint64_t rng;
static bool wide_ids;           /* ids beyond what a one-word record holds */
static uint32_t copies;         /* percent of rules that repeat an earlier one's key */

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

static uint32_t below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

static u128 host_mask(int len, int width)
{
	return width - len >= 128 ? ~(u128)0 : ((u128)1 << (width - len)) - 1;
}

static void to_bytes(u128 a, uint8_t b[16])
{
	for (int i = 15; i >= 0; i--, a >>= 8)
		b[i] = (uint8_t)a;
}

/* An address near one of BASES: random low bits under a random length. */
static u128 near(const u128 *bases, int width)
{
	u128 r = (u128)rnd() << 64 | rnd();
	u128 a = bases[below(4)] ^ (r & host_mask((int)below((uint32_t)width + 1), width));
	return width == 32 ? a & 0xffffffffu : a;
}

/* Labels shorter than, as long as and longer than the eight bytes the
 * name hash reads at a time. */
static const char *const labels[] = { "a", "b", "xn--p1ai", "c-d", "e1", "security-incident",
	"0123456789abcdef" };

static int random_name(char *out, size_t size, int max_labels, bool shout)
{
	int n = 1 + (int)below((uint32_t)max_labels);
	size_t len = 0;
	for (int i = 0; i < n; i++) {
		const char *l = labels[below(sizeof(labels) / sizeof(labels[0]))];
		if (len + 1 + strlen(l) >= size) {
			n = i;          /* as many labels as fit */
			break;
		}
		len += (size_t)snprintf(out + len, size - len, "%s%s", i ? "." : "", l);
	}
	for (size_t i = 0; shout && i < len; i++)
		if (out[i] >= 'a' && out[i] <= 'z' && below(3) == 0)
			out[i] = (char)(out[i] - 'a' + 'A');
	return n;
}

/* Add a random rule (or a copy of an earlier one under another team) to
 * B and to the model, through one of the builder's entry points. */
static void random_rule(struct rindex_builder *b, struct model *m, size_t i, const u128 *b4,
	const u128 *b6)
{
	char text[128];
	uint8_t a6[16];
	int rc = 0;
	memset(&m[i], 0, sizeof(m[i]));
	if (i && below(100) < copies) {
		m[i] = m[below((uint32_t)i)];
	} else {
		switch (below(10)) {
		case 0: case 1: case 2: case 3:
			m[i].kind = RINDEX_IPV4;
			m[i].len = (int)below(33);
			m[i].addr = near(b4, 32);
			break;
		case 4: case 5:
			m[i].kind = RINDEX_IPV6;
			m[i].len = (int)below(129);
			m[i].addr = near(b6, 128);
			break;
		case 6:
			m[i].kind = RINDEX_ASN;
			m[i].asn = below(8) ? below(20) : UINT32_MAX;
			break;
		default:
			m[i].kind = RINDEX_DOMAIN;
			m[i].len = random_name(m[i].name, sizeof(m[i].name), 4, false);
			m[i].wild = below(3) == 0;
		}
	}
	m[i].team = 1 + below(30);
	m[i].rule = (int64_t)i + 1;
	if (wide_ids) {
		m[i].team = below(2) ? -m[i].team : m[i].team << 33;
		m[i].rule += (int64_t)1 << 40;
	}
	u128 host = m[i].addr;
	if (m[i].kind == RINDEX_IPV4 || m[i].kind == RINDEX_IPV6)
		m[i].addr &= ~host_mask(m[i].len, m[i].kind == RINDEX_IPV4 ? 32 : 128);
	switch (m[i].kind) {
	case RINDEX_IPV4:
		if (below(3) == 0) {
			to_bytes(host | (u128)0xffff << 32, a6);
			rc = rindex_add_ipv6(b, a6, m[i].len + 96, m[i].team, m[i].rule);
		} else if (below(2) == 0) {
			uint32_t v = (uint32_t)host;
			snprintf(text, sizeof(text), "%u.%u.%u.%u/%d", v >> 24, (v >> 16) & 255, (v >> 8) & 255,
				v & 255, m[i].len);
			rc = rindex_add_rule(b, text, m[i].team, m[i].rule);
		} else {
			rc = rindex_add_ipv4(b, (uint32_t)host, m[i].len, m[i].team, m[i].rule);
		}
		break;
	case RINDEX_IPV6:
		to_bytes(host, a6);
		rc = rindex_add_ipv6(b, a6, m[i].len, m[i].team, m[i].rule);
		break;
	case RINDEX_ASN:
		snprintf(text, sizeof(text), "AS%u", m[i].asn);
		rc = below(2) ? rindex_add_asn(b, m[i].asn, m[i].team, m[i].rule) :
			rindex_add_rule(b, text, m[i].team, m[i].rule);
		break;
	default:
		snprintf(text, sizeof(text), "%s%s", m[i].wild ? "*." : "", m[i].name);
		rc = below(2) ? rindex_add_domain(b, m[i].name, m[i].wild, m[i].team, m[i].rule) :
			rindex_add_rule(b, text, m[i].team, m[i].rule);
	}
	if (rc)
		fail_msg("rule %zu: %s", i, rindex_strerror(rc));
}

/* Does model rule R match Q, and how? 0 when it does not. */
static enum rindex_how model_match(const struct model *r, const struct rindex_query *q, u128 qa)
{
	size_t rl = strlen(r->name), ql = q->namelen;
	bool sub;
	if (r->kind != q->kind)
		return 0;
	switch (r->kind) {
	case RINDEX_IPV4:
	case RINDEX_IPV6:
		if (r->len > q->prefixlen)
			return 0;
		if ((qa & ~host_mask(r->len, r->kind == RINDEX_IPV4 ? 32 : 128)) != r->addr)
			return 0;
		return r->kind == RINDEX_IPV4 ? RINDEX_MATCH_IPV4 : RINDEX_MATCH_IPV6;
	case RINDEX_ASN:
		return r->asn == q->asn ? RINDEX_MATCH_ASN : 0;
	default:
		if (ql == rl && !strcmp(q->name, r->name))
			sub = false;
		else if (ql > rl && q->name[ql - rl - 1] == '.' && !strcmp(q->name + ql - rl, r->name))
			sub = true;
		else
			return 0;
		if (r->wild)
			return sub ? RINDEX_MATCH_WILDCARD : 0;
		return sub ? RINDEX_MATCH_PARENT : RINDEX_MATCH_DOMAIN;
	}
}

struct expect {
	const struct model *r;
	enum rindex_how how;
};

static int expect_cmp(const void *pa, const void *pb)
{
	const struct expect *a = pa, *b = pb;
	if (a->r->len != b->r->len)
		return a->r->len > b->r->len ? -1 : 1;
	if (a->r->wild != b->r->wild)
		return a->r->wild ? 1 : -1;
	return a->r->rule < b->r->rule ? -1 : a->r->rule > b->r->rule;
}

static void random_query(struct rindex_query *q, u128 *qa, const u128 *b4, const u128 *b6)
{
	char text[128];
	uint8_t a6[16];
	memset(q, 0, sizeof(*q));
	switch (below(8)) {
	case 0: case 1: case 2:
		*qa = near(b4, 32);
		q->kind = RINDEX_IPV4;
		q->prefixlen = below(4) ? 32 : (int)below(33);
		*qa &= ~host_mask(q->prefixlen, 32);
		q->v4 = (uint32_t)*qa;
		if (below(4) == 0 && q->prefixlen == 32) {
			snprintf(text, sizeof(text), "::ffff:%u.%u.%u.%u", q->v4 >> 24, (q->v4 >> 16) & 255,
				(q->v4 >> 8) & 255, q->v4 & 255);
			assert_int_equal(rindex_parse_query(text, q), 0);
			assert_int_equal(q->kind, RINDEX_IPV4);
		}
		return;
	case 3: case 4:
		q->kind = RINDEX_IPV6;
		q->prefixlen = below(4) ? 128 : (int)below(129);
		*qa = near(b6, 128) & ~host_mask(q->prefixlen, 128);
		to_bytes(*qa, a6);
		memcpy(q->v6, a6, 16);
		return;
	case 5:
		q->kind = RINDEX_ASN;
		q->asn = below(10) ? below(22) : UINT32_MAX;
		return;
	default:
		random_name(text, sizeof(text) - 1, below(8) ? 5 : 12, true);
		if (below(4) == 0)
			strcat(text, ".");
		int rc = rindex_parse_query(text, q);
		if (rc)
			fail_msg("query %s: %s", text, rindex_strerror(rc));
	}
}

static void describe(const struct rindex_query *q, char *buf, size_t size)
{
	struct rindex_match m = { .prefixlen = q->prefixlen };
	m.how = q->kind == RINDEX_IPV4 ? RINDEX_MATCH_IPV4 : q->kind == RINDEX_IPV6 ? RINDEX_MATCH_IPV6 :
		q->kind == RINDEX_ASN ? RINDEX_MATCH_ASN : RINDEX_MATCH_DOMAIN;
	if (q->kind == RINDEX_IPV4)
		m.u.v4 = q->v4;
	else if (q->kind == RINDEX_IPV6)
		memcpy(m.u.v6, q->v6, 16);
	else if (q->kind == RINDEX_ASN)
		m.u.asn = q->asn;
	else
		m.u.name = q->name;
	rindex_match_format(&m, buf, size);
}

#define MAX_MATCHES 4096
#define BATCH_MAX 64

/* GOT[0..min(MAX, NW)) must be WANT's first entries, and NG == NW. */
static void check(const struct expect *want, size_t nw, const struct rindex_match *got, size_t ng,
	size_t max, const char *what, const char *qtext, uint64_t seed, int round)
{
	if (ng != nw)
		fail_msg("seed %llu round %d: %s %s: %zu matches, brute force %zu",
			(unsigned long long)seed, round, what, qtext, ng, nw);
	for (size_t i = 0; i < nw && i < max; i++) {
		const struct model *r = want[i].r;
		const struct rindex_match *g = &got[i];
		bool same = g->team_id == r->team && g->rule_id == r->rule && g->how == want[i].how &&
			g->prefixlen == r->len;
		if (same && r->kind == RINDEX_IPV4)
			same = g->u.v4 == (uint32_t)r->addr;
		else if (same && r->kind == RINDEX_IPV6) {
			uint8_t a6[16];
			to_bytes(r->addr, a6);
			same = memcmp(g->u.v6, a6, 16) == 0;
		} else if (same && r->kind == RINDEX_ASN)
			same = g->u.asn == r->asn;
		else if (same)
			same = strcmp(g->u.name, r->name) == 0;
		if (!same) {
			char gt[300];
			rindex_match_format(g, gt, sizeof(gt));
			fail_msg("seed %llu round %d: %s %s: match %zu is rule %lld (%s, team %lld), "
				"brute force says rule %lld (team %lld)", (unsigned long long)seed, round, what,
				qtext, i, (long long)g->rule_id, gt, (long long)g->team_id, (long long)r->rule,
				(long long)r->team);
		}
	}
}

/* Q's matches, from rindex_lookup (with a random number of slots) and
 * from the batch (BATCH, NBATCH), against the brute force. */
static void compare(const struct model *rules, size_t nrules, const struct rindex *ix,
	const struct rindex_query *q, u128 qa, const struct rindex_match *batch, size_t nbatch,
	uint64_t seed, int round)
{
	static struct expect want[MAX_MATCHES];
	static struct rindex_match got[MAX_MATCHES];
	char qtext[300];
	size_t nw = 0;
	for (size_t i = 0; i < nrules; i++) {
		enum rindex_how how = model_match(&rules[i], q, qa);
		if (how) {
			assert_true(nw < MAX_MATCHES);
			want[nw++] = (struct expect){ &rules[i], how };
		}
	}
	qsort(want, nw, sizeof(want[0]), expect_cmp);
	describe(q, qtext, sizeof(qtext));
	size_t max = below(8) ? MAX_MATCHES : below((uint32_t)nw + 2);
	check(want, nw, got, rindex_lookup(ix, q, got, max), max, "lookup", qtext, seed, round);
	check(want, nw, batch, nbatch, BATCH_MAX, "batch", qtext, seed, round);
}

static uint64_t property_seed(void)
{
	const char *s = getenv("RINDEX_SEED");
	if (s && !strcmp(s, "random"))
		return (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	if (s && *s)
		return strtoull(s, NULL, 0);
	return 0x5eed2024;
}

/* Rounds of random rule sets and random queries. Every tenth round is
 * large, so dense ranges get sub-directories several levels deep and
 * IPv4 ranges too full for one block. */
static void lookup_agrees_with_brute_force(void **state)
{
	enum { ROUNDS = 200, QUERIES = 400 };
	uint64_t seed = property_seed();
	static struct model rules[3000];
	static struct rindex_query queries[QUERIES];
	static u128 qa[QUERIES];
	static struct rindex_match batch[QUERIES * BATCH_MAX];
	static size_t counts[QUERIES];
	long checked = 0;
	print_message("property seed %llu (RINDEX_SEED=%llu to replay)\n", (unsigned long long)seed,
		(unsigned long long)seed);
	for (int round = 0; round < ROUNDS; round++) {
		u128 b4[4], b6[4];
		rng = seed * 0x9e3779b97f4a7c15ull + (uint64_t)round + 1;
		for (int i = 0; i < 4; i++) {
			b4[i] = rnd() & 0xffffffffu;
			b6[i] = (u128)rnd() << 64 | rnd();
		}
		if (round % 3 == 0)
			b4[1] = b4[0] ^ 0x100;      /* neighbours in one /16 */
		wide_ids = round % 4 == 3;
		/* Every seventh round crowds many teams onto few keys: groups
		 * and ancestor chains too long to copy into every list. */
		copies = round % 7 == 6 ? 70 : 10;
		size_t n = 1 + below(round % 10 == 9 ? 3000 : 150);
		struct rindex_builder *b = rindex_builder_new();
		for (size_t i = 0; i < n; i++)
			random_rule(b, rules, i, b4, b6);
		struct rindex *ix = rindex_build(b);
		assert_non_null(ix);
		for (int k = 0; k < QUERIES; k++)
			random_query(&queries[k], &qa[k], b4, b6);
		rindex_lookup_batch(ix, queries, QUERIES, batch, BATCH_MAX, counts);
		for (int k = 0; k < QUERIES; k++) {
			compare(rules, n, ix, &queries[k], qa[k], batch + k * BATCH_MAX, counts[k], seed, round);
			checked++;
		}
		/* Rebuilding from the same builder gives the same answers. */
		if (round % 20 == 0) {
			rindex_free(ix);
			ix = rindex_build(b);
			rindex_lookup_batch(ix, queries, 1, batch, BATCH_MAX, counts);
			compare(rules, n, ix, &queries[0], qa[0], batch, counts[0], seed, round);
		}
		rindex_builder_free(b);
		rindex_free(ix);
	}
	print_message("property: %ld queries checked\n", checked);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookup_agrees_with_brute_force),
	};
	return cmocka_run_group_tests_name("route_property", tests, NULL, NULL);
}
