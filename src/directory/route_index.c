/* Looking up the constituency index: the read-only half, run by any
 * number of threads at once on an index nobody writes. An IP lookup walks
 * the family's range trie to the most specific group and follows parent
 * links; a domain lookup hashes every suffix of the name in one pass and
 * probes them longest first; an AS lookup is one probe. Layout:
 * route_index_int.h. */
#include <arpa/inet.h>
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "directory/route_index_int.h"

void rindex_free(struct rindex *ix)
{
	if (!ix)
		return;
	free(ix->pool);
	free(ix->dir4);
	free(ix->dir6);
	free(ix->bkt4);
	free(ix->bkt6);
	free(ix->dslot);
	free(ix->aslot);
	free(ix);
}

size_t rindex_memory(const struct rindex *ix)
{
	size_t n = sizeof(*ix) + ix->npool * sizeof(*ix->pool) +
		(ix->ndir4 + ix->ndir6) * sizeof(uint32_t) + ix->nbkt4 * sizeof(*ix->bkt4) +
		ix->nbkt6 * sizeof(*ix->bkt6);
	if (ix->dslot)
		n += ((size_t)ix->dmask + 1) * sizeof(*ix->dslot);
	if (ix->aslot)
		n += ((size_t)ix->amask + 1) * sizeof(*ix->aslot);
	return n;
}

size_t rindex_count(const struct rindex *ix)
{
	return ix->nrules;
}

/* The group ref of the most specific IPv4 prefix containing A (0: none). */
static inline uint32_t find4(const struct rindex *ix, uint32_t a)
{
	uint32_t ref = ix->dir4[a >> 16];
	int shift = 16;
	while (RINDEX_REF_TAG(ref) == RINDEX_REF_DIR) {
		shift -= RINDEX_DIR_BITS;
		ref = ix->dir4[(ref & RINDEX_REF_PAYLOAD) + ((a >> shift) & 15)];
	}
	if (RINDEX_REF_TAG(ref) == RINDEX_REF_LEAF)
		return ref;
	const uint16_t *k = ix->bkt4 + RINDEX_BUCKET_OFF(ref);
	unsigned cnt = RINDEX_BUCKET_CNT(ref), i = 0;
	uint16_t x = (uint16_t)a;
	for (unsigned j = 1; j < cnt; j++)
		i += k[j] <= x;
	uint32_t v;
	memcpy(&v, k + ((cnt + 1) & ~1u) + 2 * i, sizeof(v));
	return v;
}

static inline uint32_t find6(const struct rindex *ix, rindex_u128 a)
{
	uint32_t ref = ix->dir6[(uint64_t)(a >> 64) >> 48];
	int shift = 112;
	while (RINDEX_REF_TAG(ref) == RINDEX_REF_DIR) {
		shift -= RINDEX_DIR_BITS;
		ref = ix->dir6[(ref & RINDEX_REF_PAYLOAD) + ((unsigned)(a >> shift) & 15)];
	}
	if (RINDEX_REF_TAG(ref) == RINDEX_REF_LEAF)
		return ref;
	const uint64_t *k = ix->bkt6 + RINDEX_BUCKET_OFF(ref);
	unsigned cnt = RINDEX_BUCKET_CNT(ref), i = 0;
	for (unsigned j = 1; j < cnt; j++)
		i += ((rindex_u128)k[2 * j] << 64 | k[2 * j + 1]) <= a;
	uint32_t v;
	memcpy(&v, (const char *)(k + 2 * cnt) + 4 * i, sizeof(v));
	return v;
}

static rindex_u128 v6_key(const uint8_t b[16])
{
	uint64_t hi, lo;
	memcpy(&hi, b, 8);
	memcpy(&lo, b + 8, 8);
	return (rindex_u128)be64toh(hi) << 64 | be64toh(lo);
}

/* Report the records of group G and of its parents whose length is at
 * most the query's, most specific first. */
static size_t ip_chain(const struct rindex *ix, uint32_t g, const struct rindex_query *q,
	rindex_u128 a6, struct rindex_match *out, size_t max)
{
	size_t n = 0;
	bool v6 = q->kind == RINDEX_IPV6;
	while (g) {
		uint64_t h = ix->pool[g - 1];
		int len = RINDEX_HDR_LEN(h);
		uint32_t cnt = RINDEX_HDR_COUNT(h);
		const uint64_t *rec = ix->pool + g;
		if (len <= q->prefixlen) {
			for (uint32_t k = 0; k < cnt && n + k < max; k++) {
				struct rindex_match *m = &out[n + k];
				m->team_id = (int64_t)rec[2 * k];
				m->rule_id = (int64_t)rec[2 * k + 1];
				m->prefixlen = len;
				if (v6) {
					rindex_u128 net = a6 & ~rindex_host_mask(len, 128);
					uint64_t hi = htobe64((uint64_t)(net >> 64)), lo = htobe64((uint64_t)net);
					m->how = RINDEX_MATCH_IPV6;
					memcpy(m->u.v6, &hi, 8);
					memcpy(m->u.v6 + 8, &lo, 8);
				} else {
					m->how = RINDEX_MATCH_IPV4;
					m->u.v4 = q->v4 & (uint32_t)~rindex_host_mask(len, 32);
				}
			}
			n += cnt;
		}
		g = RINDEX_HDR_PARENT(h);
	}
	return n;
}

/* Report CNT records at REC as HOW, with the rule's LABELS and NAME. */
static size_t put_names(const uint64_t *rec, uint32_t cnt, enum rindex_how how, int labels,
	const char *name, struct rindex_match *out, size_t n, size_t max)
{
	for (uint32_t k = 0; k < cnt && n + k < max; k++) {
		struct rindex_match *m = &out[n + k];
		m->team_id = (int64_t)rec[2 * k];
		m->rule_id = (int64_t)rec[2 * k + 1];
		m->how = how;
		m->prefixlen = labels;
		m->u.name = name;
	}
	return n + cnt;
}

static size_t lookup_domain(const struct rindex *ix, const struct rindex_query *q,
	struct rindex_match *out, size_t max)
{
	uint64_t hash[RINDEX_NAME_MAX / 2 + 1];
	uint8_t start[RINDEX_NAME_MAX / 2 + 1];
	const char *s = q->name;
	size_t len = q->namelen, ns = 0, n = 0;
	uint64_t h = RINDEX_HASH_SEED;

	if (!ix->dslot || len == 0 || len > RINDEX_NAME_MAX)
		return 0;
	/* Right to left: the state after each label is its suffix's hash. */
	for (size_t i = len; i-- > 0;) {
		h = rindex_hash_step(h, (unsigned char)s[i]);
		if (i == 0 || s[i - 1] == '.') {
			hash[ns] = h;
			start[ns++] = (uint8_t)i;
		}
	}
	while (ns--) {
		uint64_t f = rindex_hash_finish(hash[ns]);
		size_t p = start[ns], sl = len - p;
		bool sub = p != 0 || q->wildcard;
		for (uint32_t i = (uint32_t)f & ix->dmask; ix->dslot[i].ref; i = (i + 1) & ix->dmask) {
			if (ix->dslot[i].tag != (uint32_t)(f >> 32))
				continue;
			const uint64_t *e = ix->pool + ix->dslot[i].ref - 1;
			const char *name = (const char *)(e + 1);
			if (RINDEX_DHDR_NAMELEN(e[0]) != sl || memcmp(name, s + p, sl) != 0)
				continue;
			uint32_t nexact = RINDEX_DHDR_NEXACT(e[0]);
			int labels = RINDEX_DHDR_LABELS(e[0]);
			const uint64_t *rec = e + 1 + (sl + 1 + 7) / 8;
			n = put_names(rec, nexact, sub ? RINDEX_MATCH_PARENT : RINDEX_MATCH_DOMAIN, labels,
				name, out, n, max);
			if (sub)
				n = put_names(rec + 2 * nexact, RINDEX_DHDR_NWILD(e[0]), RINDEX_MATCH_WILDCARD,
					labels, name, out, n, max);
			break;
		}
	}
	return n;
}

static size_t lookup_asn(const struct rindex *ix, uint32_t asn, struct rindex_match *out,
	size_t max)
{
	if (!ix->aslot)
		return 0;
	for (uint32_t i = rindex_asn_slot(asn) & ix->amask; ix->aslot[i].ref; i = (i + 1) & ix->amask) {
		if (ix->aslot[i].tag != asn)
			continue;
		const uint64_t *g = ix->pool + ix->aslot[i].ref - 1;
		uint32_t cnt = RINDEX_HDR_COUNT(g[0]);
		for (uint32_t k = 0; k < cnt && k < max; k++) {
			out[k].team_id = (int64_t)g[1 + 2 * k];
			out[k].rule_id = (int64_t)g[2 + 2 * k];
			out[k].how = RINDEX_MATCH_ASN;
			out[k].prefixlen = 0;
			out[k].u.asn = asn;
		}
		return cnt;
	}
	return 0;
}

size_t rindex_lookup(const struct rindex *ix, const struct rindex_query *q,
	struct rindex_match *out, size_t max)
{
	switch (q->kind) {
	case RINDEX_IPV4:
		if (!ix->dir4)
			return 0;
		return ip_chain(ix, find4(ix, q->v4), q, 0, out, max);
	case RINDEX_IPV6: {
		if (!ix->dir6)
			return 0;
		rindex_u128 a = v6_key(q->v6);
		return ip_chain(ix, find6(ix, a), q, a, out, max);
	}
	case RINDEX_ASN:
		return lookup_asn(ix, q->asn, out, max);
	case RINDEX_DOMAIN:
		return lookup_domain(ix, q, out, max);
	default:
		return 0;
	}
}

int rindex_match_format(const struct rindex_match *m, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];
	switch (m->how) {
	case RINDEX_MATCH_IPV4:
		return snprintf(buf, size, "%u.%u.%u.%u/%d", m->u.v4 >> 24, (m->u.v4 >> 16) & 0xff,
			(m->u.v4 >> 8) & 0xff, m->u.v4 & 0xff, m->prefixlen);
	case RINDEX_MATCH_IPV6:
		inet_ntop(AF_INET6, m->u.v6, a, sizeof(a));
		return snprintf(buf, size, "%s/%d", a, m->prefixlen);
	case RINDEX_MATCH_ASN:
		return snprintf(buf, size, "AS%u", m->u.asn);
	case RINDEX_MATCH_WILDCARD:
		return snprintf(buf, size, "*.%s", m->u.name);
	case RINDEX_MATCH_DOMAIN:
	case RINDEX_MATCH_PARENT:
		return snprintf(buf, size, "%s", m->u.name);
	}
	return snprintf(buf, size, "?");
}
