/* Looking up the constituency index: the read-only half, run by any
 * number of threads at once on an index nobody writes. An IP lookup walks
 * the family's range trie to the most specific group and follows parent
 * links; a domain lookup hashes every suffix of the name in one pass and
 * probes them longest first; an AS lookup is one probe. A batch does the
 * same for many queries a step at a time, so that their cache misses
 * overlap. Layout: route_index_int.h. */
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

static inline void prefetch(const void *p)
{
	__builtin_prefetch(p);
}

/* Record K of those at REC into M (layout: route_index_int.h). */
static inline void read_record(const struct rindex *ix, const uint64_t *rec, uint32_t k,
	struct rindex_match *m)
{
	if (ix->rw == 1) {
		m->team_id = (int64_t)(uint32_t)rec[k];
		m->rule_id = (int64_t)(rec[k] >> 32);
	} else {
		m->team_id = (int64_t)rec[2 * k];
		m->rule_id = (int64_t)rec[2 * k + 1];
	}
}

/* Ask for a bucket's keys and values at once: they are one or two
 * dependent cache misses otherwise. */
static inline void prefetch_bucket4(const struct rindex *ix, uint32_t ref)
{
	const uint16_t *k = ix->bkt4 + RINDEX_BUCKET_OFF(ref);
	unsigned cnt = RINDEX_BUCKET_CNT(ref), kpad = (cnt + 1) & ~1u;
	prefetch(k);
	prefetch(k + kpad);
	prefetch(k + kpad + 2 * cnt - 1);
}

static inline void prefetch_bucket6(const struct rindex *ix, uint32_t ref)
{
	const uint64_t *k = ix->bkt6 + RINDEX_BUCKET_OFF(ref);
	unsigned cnt = RINDEX_BUCKET_CNT(ref);
	for (unsigned w = 0; w < 2 * cnt + (cnt + 1) / 2; w += 8)
		prefetch(k + w);
}

/* The value for A in IPv4 bucket REF: that of the last start at most A
 * (the first start is the bucket's own, so there is one). The search
 * takes the same five steps whatever the bucket's size (keys past the
 * end count as infinite) and no branch depends on a key, so the
 * processor can go on with the next lookup meanwhile. */
static inline uint32_t bucket4(const struct rindex *ix, uint32_t ref, uint32_t a)
{
	const uint16_t *k = ix->bkt4 + RINDEX_BUCKET_OFF(ref);
	unsigned cnt = RINDEX_BUCKET_CNT(ref), i = 0;
	uint16_t x = (uint16_t)a;
	for (unsigned half = RINDEX_BUCKET_MAX / 2; half; half /= 2) {
		unsigned j = i + half, in = j < cnt;
		i = (in & (k[in ? j : 0] <= x)) ? j : i;
	}
	uint32_t v;
	memcpy(&v, k + ((cnt + 1) & ~1u) + 2 * i, sizeof(v));
	return v;
}

static inline uint32_t bucket6(const struct rindex *ix, uint32_t ref, rindex_u128 a)
{
	const uint64_t *k = ix->bkt6 + RINDEX_BUCKET_OFF(ref);
	unsigned cnt = RINDEX_BUCKET_CNT(ref), i = 0;
	for (unsigned half = RINDEX_BUCKET_MAX / 2; half; half /= 2) {
		unsigned j = i + half, in = j < cnt, jj = in ? j : 0;
		i = (in & (((rindex_u128)k[2 * jj] << 64 | k[2 * jj + 1]) <= a)) ? j : i;
	}
	uint32_t v;
	memcpy(&v, (const char *)(k + 2 * cnt) + 4 * i, sizeof(v));
	return v;
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
	prefetch_bucket4(ix, ref);
	return bucket4(ix, ref, a);
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
	prefetch_bucket6(ix, ref);
	return bucket6(ix, ref, a);
}

static rindex_u128 v6_key(const uint8_t b[16])
{
	uint64_t hi, lo;
	memcpy(&hi, b, 8);
	memcpy(&lo, b + 8, 8);
	return (rindex_u128)be64toh(hi) << 64 | be64toh(lo);
}

/* Report IP group G's records after the *N already reported, if its
 * prefix is no longer than the query's; return its parent (asked for). */
static inline uint32_t emit_ip_group(const struct rindex *ix, uint32_t g,
	const struct rindex_query *q, rindex_u128 a6, struct rindex_match *out, size_t *n, size_t max)
{
	uint64_t h = ix->pool[g - 1];
	uint32_t parent = RINDEX_HDR_PARENT(h), cnt = RINDEX_HDR_COUNT(h);
	int len = RINDEX_HDR_LEN(h);
	if (parent)
		prefetch(ix->pool + parent - 1);
	if (len > q->prefixlen)
		return parent;
	uint32_t k = 0, room = *n < max ? (uint32_t)(max - *n < cnt ? max - *n : cnt) : 0;
	struct rindex_match *m = room ? out + *n : NULL;
	if (q->kind == RINDEX_IPV4) {
		uint32_t net = q->v4 & (len ? ~0u << (32 - len) : 0);
		for (; k < room; k++) {
			read_record(ix, ix->pool + g, k, &m[k]);
			m[k].how = RINDEX_MATCH_IPV4;
			m[k].prefixlen = len;
			m[k].u.v4 = net;
		}
	} else {
		rindex_u128 net = a6 & ~rindex_host_mask(len, 128);
		uint64_t hi = htobe64((uint64_t)(net >> 64)), lo = htobe64((uint64_t)net);
		for (; k < room; k++) {
			read_record(ix, ix->pool + g, k, &m[k]);
			m[k].how = RINDEX_MATCH_IPV6;
			m[k].prefixlen = len;
			memcpy(m[k].u.v6, &hi, 8);
			memcpy(m[k].u.v6 + 8, &lo, 8);
		}
	}
	*n += cnt;
	return parent;
}

/* Ask for a group or entry: its first 64 bytes, which may span two
 * cache lines. */
static inline void prefetch_ref_words(const struct rindex *ix, uint32_t ref)
{
	const char *p = (const char *)(ix->pool + ref - 1);
	prefetch(p);
	prefetch(p + 63);
}

static size_t ip_chain(const struct rindex *ix, uint32_t g, const struct rindex_query *q,
	rindex_u128 a6, struct rindex_match *out, size_t max)
{
	size_t n = 0;
	if (g)
		prefetch_ref_words(ix, g);
	while (g)
		g = emit_ip_group(ix, g, q, a6, out, &n, max);
	return n;
}

static void emit_asn_group(const struct rindex *ix, uint32_t g, uint32_t asn,
	struct rindex_match *out, size_t *n, size_t max)
{
	uint32_t cnt = RINDEX_HDR_COUNT(ix->pool[g - 1]);
	for (uint32_t k = 0; k < cnt && k < max; k++) {
		read_record(ix, ix->pool + g, k, &out[k]);
		out[k].how = RINDEX_MATCH_ASN;
		out[k].prefixlen = 0;
		out[k].u.asn = asn;
	}
	*n = cnt;
}

/* The group ref of AS number ASN, probing from slot I on (0: none). */
static uint32_t asn_group(const struct rindex *ix, uint32_t i, uint32_t asn)
{
	for (; ix->aslot[i].ref; i = (i + 1) & ix->amask)
		if (ix->aslot[i].tag == asn)
			return ix->aslot[i].ref;
	return 0;
}

/* Report domain entry E's records for a query whose suffix it is: SUB
 * when the query lies below the entry's name. */
static void emit_entry(const struct rindex *ix, const uint64_t *e, bool sub,
	struct rindex_match *out, size_t *n, size_t max)
{
	uint64_t h = e[0];
	uint32_t nexact = RINDEX_DHDR_NEXACT(h), nwild = sub ? RINDEX_DHDR_NWILD(h) : 0;
	size_t nlen = RINDEX_DHDR_NAMELEN(h);
	const uint64_t *rec = e + 1 + (nlen + 1 + 7) / 8;
	for (uint32_t k = 0; k < nexact + nwild && *n + k < max; k++) {
		struct rindex_match *m = &out[*n + k];
		read_record(ix, rec, k, m);
		m->how = k >= nexact ? RINDEX_MATCH_WILDCARD : sub ? RINDEX_MATCH_PARENT : RINDEX_MATCH_DOMAIN;
		m->prefixlen = RINDEX_DHDR_LABELS(h);
		m->u.name = (const char *)(e + 1);
	}
	*n += nexact + nwild;
}

/* Is entry E the name S[0..LEN)? */
static inline bool entry_is(const uint64_t *e, const char *s, size_t len)
{
	return RINDEX_DHDR_NAMELEN(e[0]) == len && memcmp(e + 1, s, len) == 0;
}

/* Hash every suffix of Q's name, right to left: HASH[k] and START[k] are
 * the k-th shortest. Return how many, or SIZE_MAX past MAX of them. */
static size_t suffix_hashes(const struct rindex_query *q, uint64_t *hash, uint8_t *start,
	size_t max)
{
	const char *s = q->name;
	uint64_t h = RINDEX_HASH_SEED;
	size_t ns = 0;
	for (size_t i = q->namelen; i-- > 0;) {
		h = rindex_hash_step(h, (unsigned char)s[i]);
		if (i == 0 || s[i - 1] == '.') {
			if (ns == max)
				return SIZE_MAX;
			hash[ns] = rindex_hash_finish(h);
			start[ns++] = (uint8_t)i;
		}
	}
	return ns;
}

static size_t lookup_domain(const struct rindex *ix, const struct rindex_query *q,
	struct rindex_match *out, size_t max)
{
	uint64_t hash[RINDEX_NAME_MAX / 2 + 1];
	uint8_t start[RINDEX_NAME_MAX / 2 + 1];
	size_t n = 0, ns;

	if (!ix->dslot || q->namelen == 0 || q->namelen > RINDEX_NAME_MAX)
		return 0;
	ns = suffix_hashes(q, hash, start, sizeof(start));
	for (size_t k = 0; k < ns; k++)
		prefetch(&ix->dslot[(uint32_t)hash[k] & ix->dmask]);
	while (ns--) {
		uint64_t f = hash[ns];
		size_t p = start[ns];
		for (uint32_t i = (uint32_t)f & ix->dmask; ix->dslot[i].ref; i = (i + 1) & ix->dmask) {
			const uint64_t *e = ix->pool + ix->dslot[i].ref - 1;
			if (ix->dslot[i].tag == (uint32_t)(f >> 32) && entry_is(e, q->name + p, q->namelen - p)) {
				emit_entry(ix, e, p != 0 || q->wildcard, out, &n, max);
				break;
			}
		}
	}
	return n;
}

size_t rindex_lookup(const struct rindex *ix, const struct rindex_query *q,
	struct rindex_match *out, size_t max)
{
	size_t n = 0;
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
	case RINDEX_ASN: {
		uint32_t g = ix->aslot ? asn_group(ix, rindex_asn_slot(q->asn) & ix->amask, q->asn) : 0;
		if (g)
			emit_asn_group(ix, g, q->asn, out, &n, max);
		return n;
	}
	case RINDEX_DOMAIN:
		return lookup_domain(ix, q, out, max);
	default:
		return 0;
	}
}

/* ---- batches: many lookups in flight ---- */

/* A batch goes kind by kind, in groups of up to BATCH_GROUP queries of
 * one kind, and each group goes through its lookups stage by stage: every
 * query's first step, each asking for the memory its next step reads,
 * then every query's second step, and so on. While one query's memory is
 * on its way the others' steps run, so a group's cache misses overlap;
 * and a loop that takes one kind of step for all is short and its
 * branches predictable, which is what lets the processor run ahead. */
#define BATCH_GROUP 64
#define BATCH_SUFFIXES 8        /* longer names are looked up directly */
#define BATCH_CANDIDATES 16     /* so are names with more hash candidates */

struct batch {
	const struct rindex *ix;
	const struct rindex_query *qs;
	struct rindex_match *out;
	size_t max, *counts;
};

static struct rindex_match *batch_out(const struct batch *b, size_t i)
{
	return b->max ? b->out + i * b->max : NULL;
}

/* Ask for what trie ref REF leads to, for address A4 or A6 whose next
 * bits are below bit SHIFT. Return 1 when REF is a directory. */
static inline unsigned ask(const struct rindex *ix, bool v6, uint32_t ref, uint32_t a4,
	rindex_u128 a6, int shift)
{
	switch (RINDEX_REF_TAG(ref)) {
	case RINDEX_REF_DIR: {
		unsigned nib = v6 ? (unsigned)(a6 >> (shift - RINDEX_DIR_BITS)) & 15 :
			(a4 >> (shift - RINDEX_DIR_BITS)) & 15;
		prefetch((v6 ? ix->dir6 : ix->dir4) + (ref & RINDEX_REF_PAYLOAD) + nib);
		return 1;
	}
	case RINDEX_REF_BUCKET:
		if (v6)
			prefetch_bucket6(ix, ref);
		else
			prefetch_bucket4(ix, ref);
		return 0;
	default:
		if (ref)
			prefetch_ref_words(ix, ref);
		return 0;
	}
}

/* IP queries IDX[0..M) of one family: root entries, directories, buckets,
 * then groups along the parent links until every chain ends. */
static void batch_ip(const struct batch *b, const uint32_t *idx, unsigned m, bool v6)
{
	const struct rindex *ix = b->ix;
	const uint32_t *dir = v6 ? ix->dir6 : ix->dir4;
	uint32_t ref[BATCH_GROUP], a4[BATCH_GROUP];
	rindex_u128 a6[BATCH_GROUP];
	int shift[BATCH_GROUP];
	uint8_t live[BATCH_GROUP];      /* the queries still walking, in order */
	unsigned nlive = 0;

	for (unsigned j = 0; j < m; j++) {
		const struct rindex_query *q = &b->qs[idx[j]];
		b->counts[idx[j]] = 0;
		a4[j] = q->v4;
		a6[j] = v6 ? v6_key(q->v6) : 0;
		if (dir)
			prefetch(dir + (v6 ? (uint64_t)(a6[j] >> 64) >> 48 : a4[j] >> 16));
	}
	if (!dir)
		return;
	for (unsigned j = 0; j < m; j++) {
		ref[j] = dir[v6 ? (uint64_t)(a6[j] >> 64) >> 48 : a4[j] >> 16];
		shift[j] = v6 ? 128 - RINDEX_ROOT_BITS : 32 - RINDEX_ROOT_BITS;
		if (ask(ix, v6, ref[j], a4[j], a6[j], shift[j]))
			live[nlive++] = (uint8_t)j;
	}
	while (nlive) {                 /* down the directories */
		unsigned still = 0;
		for (unsigned t = 0; t < nlive; t++) {
			unsigned j = live[t];
			shift[j] -= RINDEX_DIR_BITS;
			unsigned nib = v6 ? (unsigned)(a6[j] >> shift[j]) & 15 : (a4[j] >> shift[j]) & 15;
			ref[j] = dir[(ref[j] & RINDEX_REF_PAYLOAD) + nib];
			if (ask(ix, v6, ref[j], a4[j], a6[j], shift[j]))
				live[still++] = (uint8_t)j;
		}
		nlive = still;
	}
	for (unsigned j = 0; j < m; j++) {
		if (RINDEX_REF_TAG(ref[j]) == RINDEX_REF_BUCKET) {
			ref[j] = v6 ? bucket6(ix, ref[j], a6[j]) : bucket4(ix, ref[j], a4[j]);
			if (ref[j])
				prefetch_ref_words(ix, ref[j]);
		}               /* else a leaf: its group is asked for already */
		if (ref[j])
			live[nlive++] = (uint8_t)j;
	}
	while (nlive) {                 /* along the parent links */
		unsigned still = 0;
		for (unsigned t = 0; t < nlive; t++) {
			unsigned j = live[t];
			ref[j] = emit_ip_group(ix, ref[j], &b->qs[idx[j]], a6[j], batch_out(b, idx[j]),
				&b->counts[idx[j]], b->max);
			if (ref[j])
				live[still++] = (uint8_t)j;
		}
		nlive = still;
	}
}

/* AS queries: slots, then groups, then the records. */
static void batch_asn(const struct batch *b, const uint32_t *idx, unsigned m)
{
	const struct rindex *ix = b->ix;
	uint32_t g[BATCH_GROUP];
	for (unsigned j = 0; j < m; j++) {
		b->counts[idx[j]] = 0;
		if (ix->aslot)
			prefetch(&ix->aslot[rindex_asn_slot(b->qs[idx[j]].asn) & ix->amask]);
	}
	if (!ix->aslot)
		return;
	for (unsigned j = 0; j < m; j++) {
		uint32_t asn = b->qs[idx[j]].asn;
		g[j] = asn_group(ix, rindex_asn_slot(asn) & ix->amask, asn);
		if (g[j])
			prefetch_ref_words(ix, g[j]);
	}
	for (unsigned j = 0; j < m; j++)
		if (g[j])
			emit_asn_group(ix, g[j], b->qs[idx[j]].asn, batch_out(b, idx[j]), &b->counts[idx[j]],
				b->max);
}

struct name_state {
	uint64_t hash[BATCH_SUFFIXES];
	uint8_t start[BATCH_SUFFIXES];
	unsigned nsuf, ncand;
	uint32_t cand[BATCH_CANDIDATES];    /* entries whose slot tag matched */
	uint8_t cand_suf[BATCH_CANDIDATES]; /* for which suffix */
};

/* Probe the slots of every suffix, longest first, and ask for the entries
 * whose tag matches. False when there are too many to hold. */
static bool name_candidates(const struct rindex *ix, struct name_state *st)
{
	st->ncand = 0;
	for (unsigned k = st->nsuf; k-- > 0;) {
		uint64_t f = st->hash[k];
		for (uint32_t i = (uint32_t)f & ix->dmask; ix->dslot[i].ref; i = (i + 1) & ix->dmask) {
			if (ix->dslot[i].tag != (uint32_t)(f >> 32))
				continue;
			if (st->ncand == BATCH_CANDIDATES)
				return false;
			prefetch_ref_words(ix, ix->dslot[i].ref);
			st->cand[st->ncand] = ix->dslot[i].ref;
			st->cand_suf[st->ncand++] = (uint8_t)k;
		}
	}
	return true;
}

/* Domain queries: hash every suffix and ask for its slot; probe the slots
 * and ask for the candidate entries; check the names and report. */
static void batch_domain(const struct batch *b, const uint32_t *idx, unsigned m)
{
	const struct rindex *ix = b->ix;
	struct name_state st[BATCH_GROUP];
	for (unsigned j = 0; j < m; j++) {
		const struct rindex_query *q = &b->qs[idx[j]];
		size_t ns = 0;
		b->counts[idx[j]] = 0;
		st[j].nsuf = st[j].ncand = 0;
		if (!ix->dslot || q->namelen == 0 || q->namelen > RINDEX_NAME_MAX)
			continue;
		ns = suffix_hashes(q, st[j].hash, st[j].start, BATCH_SUFFIXES);
		if (ns == SIZE_MAX) {
			b->counts[idx[j]] = lookup_domain(ix, q, batch_out(b, idx[j]), b->max);
			continue;
		}
		st[j].nsuf = (unsigned)ns;
		for (unsigned k = 0; k < st[j].nsuf; k++)
			prefetch(&ix->dslot[(uint32_t)st[j].hash[k] & ix->dmask]);
	}
	for (unsigned j = 0; j < m; j++) {
		if (st[j].nsuf && !name_candidates(ix, &st[j])) {
			st[j].ncand = 0;
			b->counts[idx[j]] = lookup_domain(ix, &b->qs[idx[j]], batch_out(b, idx[j]), b->max);
		}
	}
	for (unsigned j = 0; j < m; j++) {
		const struct rindex_query *q = &b->qs[idx[j]];
		for (unsigned c = 0; c < st[j].ncand; c++) {
			size_t p = st[j].start[st[j].cand_suf[c]];
			const uint64_t *e = ix->pool + st[j].cand[c] - 1;
			/* Names are unique: at most one candidate per suffix is it. */
			if (entry_is(e, q->name + p, q->namelen - p))
				emit_entry(ix, e, p != 0 || q->wildcard, batch_out(b, idx[j]),
					&b->counts[idx[j]], b->max);
		}
	}
}

void rindex_lookup_batch(const struct rindex *ix, const struct rindex_query *qs, size_t n,
	struct rindex_match *out, size_t max, size_t *counts)
{
	static const enum rindex_kind kinds[] = { RINDEX_IPV4, RINDEX_IPV6, RINDEX_ASN, RINDEX_DOMAIN };
	const struct batch b = { ix, qs, out, max, counts };
	uint32_t idx[BATCH_GROUP];

	for (size_t i = 0; i < n; i++)
		if (qs[i].kind < RINDEX_IPV4 || qs[i].kind > RINDEX_DOMAIN)
			counts[i] = 0;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (size_t i = 0; i < n;) {
			unsigned m = 0;
			for (; i < n && m < BATCH_GROUP; i++)
				if (qs[i].kind == kinds[k])
					idx[m++] = (uint32_t)i;
			if (!m)
				break;
			switch (kinds[k]) {
			case RINDEX_IPV4:
			case RINDEX_IPV6:
				batch_ip(&b, idx, m, kinds[k] == RINDEX_IPV6);
				break;
			case RINDEX_ASN:
				batch_asn(&b, idx, m);
				break;
			default:
				batch_domain(&b, idx, m);
			}
		}
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
