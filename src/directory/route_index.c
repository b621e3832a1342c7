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

/* The value for A in IPv4 bucket REF: the last start at most A (the
 * first start is the bucket's own, so there is one), found by a binary
 * search without branches on the keys. */
static inline uint32_t bucket4(const struct rindex *ix, uint32_t ref, uint32_t a)
{
	const uint16_t *k = ix->bkt4 + RINDEX_BUCKET_OFF(ref), *base = k;
	unsigned cnt = RINDEX_BUCKET_CNT(ref), n = cnt;
	uint16_t x = (uint16_t)a;
	while (n > 1) {
		unsigned half = n / 2;
		base = base[half] <= x ? base + half : base;
		n -= half;
	}
	uint32_t v;
	memcpy(&v, k + ((cnt + 1) & ~1u) + 2 * (base - k), sizeof(v));
	return v;
}

static inline uint32_t bucket6(const struct rindex *ix, uint32_t ref, rindex_u128 a)
{
	const uint64_t *k = ix->bkt6 + RINDEX_BUCKET_OFF(ref);
	unsigned cnt = RINDEX_BUCKET_CNT(ref), n = cnt, i = 0;
	while (n > 1) {
		unsigned half = n / 2, j = i + half;
		i = ((rindex_u128)k[2 * j] << 64 | k[2 * j + 1]) <= a ? j : i;
		n -= half;
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

/* One lookup in a batch, run as a small state machine: each step uses
 * memory asked for (prefetched) by the step before and asks for what the
 * next step needs, and steps of different lookups take turns, so their
 * cache misses overlap. Names of more labels or hash candidates than the
 * state holds are looked up directly. */
#define BATCH_SUFFIXES 8
#define BATCH_CANDIDATES 16

enum stage { S_ROOT4, S_ROOT6, S_TRIE4, S_TRIE6, S_GROUP, S_ASN, S_ASN_GROUP, S_SLOTS, S_ENTRIES };

struct lane {
	const struct rindex_query *q;   /* NULL: free */
	struct rindex_match *out;
	size_t i, n, max;
	rindex_u128 a6;
	uint32_t ref;                   /* trie ref, group ref or first slot */
	int shift;
	enum stage stage;
	unsigned nsuf, ncand;
	uint64_t hash[BATCH_SUFFIXES];
	uint8_t start[BATCH_SUFFIXES];
	uint32_t cand[BATCH_CANDIDATES];
	uint8_t cand_suf[BATCH_CANDIDATES];
};

/* Ask for what trie ref REF leads to. */
static void prefetch_ref(const struct rindex *ix, const struct lane *l)
{
	uint32_t ref = l->ref;
	switch (RINDEX_REF_TAG(ref)) {
	case RINDEX_REF_DIR: {
		unsigned nib = l->stage == S_TRIE4 ? (l->q->v4 >> (l->shift - RINDEX_DIR_BITS)) & 15 :
			(unsigned)(l->a6 >> (l->shift - RINDEX_DIR_BITS)) & 15;
		prefetch((l->stage == S_TRIE4 ? ix->dir4 : ix->dir6) + (ref & RINDEX_REF_PAYLOAD) + nib);
		break;
	}
	case RINDEX_REF_BUCKET:
		if (l->stage == S_TRIE4)
			prefetch_bucket4(ix, ref);
		else
			prefetch_bucket6(ix, ref);
		break;
	default:
		if (ref)
			prefetch_ref_words(ix, ref);
	}
}

/* Start lookup L; true when it is already complete. */
static bool lane_start(const struct rindex *ix, struct lane *l)
{
	const struct rindex_query *q = l->q;
	size_t ns;
	l->n = 0;
	switch (q->kind) {
	case RINDEX_IPV4:
		if (!ix->dir4)
			return true;
		l->stage = S_ROOT4;
		l->a6 = 0;
		prefetch(ix->dir4 + (q->v4 >> 16));
		return false;
	case RINDEX_IPV6:
		if (!ix->dir6)
			return true;
		l->stage = S_ROOT6;
		l->a6 = v6_key(q->v6);
		prefetch(ix->dir6 + ((uint64_t)(l->a6 >> 64) >> 48));
		return false;
	case RINDEX_ASN:
		if (!ix->aslot)
			return true;
		l->stage = S_ASN;
		l->ref = rindex_asn_slot(q->asn) & ix->amask;
		prefetch(&ix->aslot[l->ref]);
		return false;
	case RINDEX_DOMAIN:
		if (!ix->dslot || q->namelen == 0 || q->namelen > RINDEX_NAME_MAX)
			return true;
		ns = suffix_hashes(q, l->hash, l->start, BATCH_SUFFIXES);
		if (ns == SIZE_MAX) {
			l->n = lookup_domain(ix, q, l->out, l->max);
			return true;
		}
		l->nsuf = (unsigned)ns;
		for (unsigned k = 0; k < l->nsuf; k++)
			prefetch(&ix->dslot[(uint32_t)l->hash[k] & ix->dmask]);
		l->stage = S_SLOTS;
		return false;
	default:
		return true;
	}
}

/* One step of L; true when it is complete. */
static bool lane_step(const struct rindex *ix, struct lane *l)
{
	const struct rindex_query *q = l->q;
	switch (l->stage) {
	case S_ROOT4:
		l->stage = S_TRIE4;
		l->ref = ix->dir4[q->v4 >> 16];
		l->shift = 16;
		prefetch_ref(ix, l);
		return false;
	case S_ROOT6:
		l->stage = S_TRIE6;
		l->ref = ix->dir6[(uint64_t)(l->a6 >> 64) >> 48];
		l->shift = 112;
		prefetch_ref(ix, l);
		return false;
	case S_TRIE4:
	case S_TRIE6:
		if (RINDEX_REF_TAG(l->ref) == RINDEX_REF_DIR) {
			const uint32_t *dir = l->stage == S_TRIE4 ? ix->dir4 : ix->dir6;
			l->shift -= RINDEX_DIR_BITS;
			unsigned nib = l->stage == S_TRIE4 ? (q->v4 >> l->shift) & 15 :
				(unsigned)(l->a6 >> l->shift) & 15;
			l->ref = dir[(l->ref & RINDEX_REF_PAYLOAD) + nib];
			prefetch_ref(ix, l);
			return false;
		}
		if (RINDEX_REF_TAG(l->ref) == RINDEX_REF_BUCKET) {
			l->ref = l->stage == S_TRIE4 ? bucket4(ix, l->ref, q->v4) : bucket6(ix, l->ref, l->a6);
			l->stage = S_GROUP;
			if (l->ref)
				prefetch_ref_words(ix, l->ref);
			return !l->ref;
		}
		if (!l->ref)
			return true;
		l->stage = S_GROUP;     /* a leaf: the group is already asked for */
		/* fall through */
	case S_GROUP:
		l->ref = emit_ip_group(ix, l->ref, q, l->a6, l->out, &l->n, l->max);
		return !l->ref;
	case S_ASN:
		l->ref = asn_group(ix, l->ref, q->asn);
		if (!l->ref)
			return true;
		prefetch_ref_words(ix, l->ref);
		l->stage = S_ASN_GROUP;
		return false;
	case S_ASN_GROUP:
		emit_asn_group(ix, l->ref, q->asn, l->out, &l->n, l->max);
		return true;
	case S_SLOTS:
		l->ncand = 0;
		for (unsigned k = l->nsuf; k-- > 0;) {
			uint64_t f = l->hash[k];
			for (uint32_t i = (uint32_t)f & ix->dmask; ix->dslot[i].ref; i = (i + 1) & ix->dmask) {
				if (ix->dslot[i].tag != (uint32_t)(f >> 32))
					continue;
				if (l->ncand == BATCH_CANDIDATES) {
					l->n = lookup_domain(ix, q, l->out, l->max);
					return true;
				}
				prefetch_ref_words(ix, ix->dslot[i].ref);
				l->cand[l->ncand] = ix->dslot[i].ref;
				l->cand_suf[l->ncand++] = (uint8_t)k;
			}
		}
		l->stage = S_ENTRIES;
		return l->ncand == 0;
	case S_ENTRIES: {
		unsigned matched = BATCH_SUFFIXES;
		for (unsigned c = 0; c < l->ncand; c++) {
			unsigned k = l->cand_suf[c];
			size_t p = l->start[k];
			const uint64_t *e = ix->pool + l->cand[c] - 1;
			if (k == matched || !entry_is(e, q->name + p, q->namelen - p))
				continue;
			matched = k;
			emit_entry(ix, e, p != 0 || q->wildcard, l->out, &l->n, l->max);
		}
		return true;
	}
	}
	return true;
}

void rindex_lookup_batch(const struct rindex *ix, const struct rindex_query *qs, size_t n,
	struct rindex_match *out, size_t max, size_t *counts)
{
	struct lane lanes[RINDEX_BATCH_WINDOW];
	size_t next = 0, active = 0;
	for (size_t w = 0; w < RINDEX_BATCH_WINDOW; w++)
		lanes[w].q = NULL;
	while (next < n || active) {
		for (size_t w = 0; w < RINDEX_BATCH_WINDOW; w++) {
			struct lane *l = &lanes[w];
			bool done;
			if (l->q) {
				done = lane_step(ix, l);
			} else if (next < n) {
				l->q = &qs[next];
				l->i = next;
				l->out = max ? out + next * max : NULL;
				l->max = max;
				next++;
				active++;
				done = lane_start(ix, l);
			} else {
				continue;
			}
			if (done) {
				counts[l->i] = l->n;
				l->q = NULL;
				active--;
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
