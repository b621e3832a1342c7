/* Looking up the constituency index: the read-only half, run by any
 * number of threads at once on an index nobody writes. An IP lookup walks
 * the family's range trie to the list of its most specific prefix; a
 * domain lookup hashes every suffix of the name in one pass, probes them
 * all at once and reads the list of the longest that is a rule name; an
 * AS lookup is one probe. Each reads one list to its end. A batch does the
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
	free(ix->bkt6);
	free(ix->names);
	free(ix->aslot);
	free(ix->ids);
	free(ix);
}

size_t rindex_memory(const struct rindex *ix)
{
	size_t n = sizeof(*ix) + ix->npool * sizeof(*ix->pool) +
		(ix->ndir4 + ix->ndir6) * sizeof(uint32_t) +
		ix->nbkt6 * sizeof(*ix->bkt6) + 2 * ix->nids * sizeof(*ix->ids);
	if (ix->names)
		n += ((size_t)ix->nmask + 1) * sizeof(*ix->names);
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

/* Ask for a bucket's keys and values at once: they are one or two
 * dependent cache misses otherwise. */
static inline void prefetch_block(const struct rindex *ix, uint32_t ref)
{
	const char *p = (const char *)(ix->pool + RINDEX_BLOCK_OFF(ref));
	for (unsigned l = 0; l < RINDEX_BLOCK_LINES(ref); l++)
		prefetch(p + 64 * l);
}

static inline void prefetch_bucket6(const struct rindex *ix, uint32_t ref)
{
	const uint64_t *k = ix->bkt6 + RINDEX_BUCKET_OFF(ref);
	unsigned cnt = RINDEX_BUCKET_CNT(ref);
	for (unsigned w = 0; w < 2 * cnt + (cnt + 1) / 2; w += 8)
		prefetch(k + w);
}

/* The list for A in IPv4 block REF (NULL: none): that of the last
 * interval starting at most A (the first starts where the block's range
 * does, so there is one). The search takes the same five steps whatever
 * the block's size (keys past the end count as infinite) and no branch
 * depends on a key, so the processor can go on meanwhile. */
static inline const uint64_t *block4(const struct rindex *ix, uint32_t ref, uint32_t a)
{
	const uint64_t *b = ix->pool + RINDEX_BLOCK_OFF(ref);
	const uint8_t *bytes = (const uint8_t *)b;
	const uint16_t *k = (const uint16_t *)(bytes + 2);
	unsigned cnt = k[-1], i = 0;
	uint16_t x = (uint16_t)a;
	for (unsigned half = RINDEX_BUCKET_MAX / 2; half; half /= 2) {
		unsigned j = i + half, in = j < cnt;
		i = (in & (k[in ? j : 0] <= x)) ? j : i;
	}
	unsigned v = bytes[2 + 2 * cnt + i];
	return v ? b + v : NULL;
}

/* The value for A in IPv6 bucket REF: that of the last start at most A. */
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

/* The list of the most specific IPv4 prefix containing A (NULL: none). */
static inline const uint64_t *find4(const struct rindex *ix, uint32_t a)
{
	uint32_t ref = ix->dir4[a >> 16];
	int shift = 16;
	while (RINDEX_REF_TAG(ref) == RINDEX_REF_DIR) {
		shift -= RINDEX_DIR_BITS;
		ref = ix->dir4[(ref & RINDEX_REF_PAYLOAD) + ((a >> shift) & 15)];
	}
	if (RINDEX_REF_TAG(ref) == RINDEX_REF_LEAF)
		return ref ? ix->pool + ref - 1 : NULL;
	prefetch_block(ix, ref);
	return block4(ix, ref, a);
}

/* The list ref of the most specific IPv6 prefix containing A (0: none). */
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

/* Ask for a list or entry: its first 64 bytes, which may span two cache
 * lines. */
static inline void prefetch_ref_words(const struct rindex *ix, uint32_t ref)
{
	const char *p = (const char *)(ix->pool + ref - 1);
	prefetch(p);
	prefetch(p + 63);
}

/* Reading a list: one lookup after another, the processor runs ahead
 * into the next lookup while this one's list is still on its way from
 * memory, but only along the branches it predicts; the end of a list is
 * not predictable. A loop that runs past the true end on a wrong guess
 * would go on guessing until the processor is full, while a loop of at
 * most RINDEX_FIRST_RECORDS records soon returns, so even the wrong guess
 * starts the next lookup and asks for its memory: that overlap is worth a
 * tenth of a lookup's time. Longer lists, and links, go on in a second
 * loop. */
#define RINDEX_FIRST_RECORDS 8

/* Record R of an IP list, of prefix length LEN, as match M of Q (whose
 * address is A6 when IPv6). */
static inline void put_ip(const struct rindex *ix, struct rindex_match *m, uint64_t r, int len,
	const struct rindex_query *q, rindex_u128 a6)
{
	rindex_record_ids(ix, r, &m->team_id, &m->rule_id);
	m->prefixlen = len;
	if (q->kind == RINDEX_IPV4) {
		m->how = RINDEX_MATCH_IPV4;
		m->u.v4 = q->v4 & (uint32_t)((~0ull << 32) >> len);
	} else {
		rindex_u128 net = a6 & ~rindex_host_mask(len, 128);
		uint64_t hi = htobe64((uint64_t)(net >> 64)), lo = htobe64((uint64_t)net);
		m->how = RINDEX_MATCH_IPV6;
		memcpy(m->u.v6, &hi, 8);
		memcpy(m->u.v6 + 8, &lo, 8);
	}
}

/* The IP list at W, from its record N on (N matches reported before it),
 * as matches of Q: the records of prefixes no longer than Q's, the first
 * MAX of them into OUT; return how many in all. */
static size_t emit_ip_rest(const struct rindex *ix, const uint64_t *w, const struct rindex_query *q,
	rindex_u128 a6, struct rindex_match *out, size_t max, size_t n)
{
	for (;; w++) {
		uint64_t r = *w;
		int len = (int)RINDEX_REC_AUX(r);
		if (len == RINDEX_AUX_LINK) {
			w = ix->pool + (uint32_t)r - 1;
			continue;
		}
		if (len <= q->prefixlen) {
			if (n < max)
				put_ip(ix, &out[n], r, len, q, a6);
			n++;
		}
		if (r & RINDEX_REC_END)
			return n;
	}
}

/* The same from the start of the list at W (NULL: none). */
static size_t emit_ip_list(const struct rindex *ix, const uint64_t *w, const struct rindex_query *q,
	rindex_u128 a6, struct rindex_match *out, size_t max)
{
	size_t n = 0;
	uint64_t r = 0;
	unsigned k;
	if (!w)
		return 0;
	for (k = 0; k < RINDEX_FIRST_RECORDS; k++) {
		r = w[k];
		int len = (int)RINDEX_REC_AUX(r);
		if (len == RINDEX_AUX_LINK)
			break;
		if (len <= q->prefixlen) {
			if (n < max)
				put_ip(ix, &out[n], r, len, q, a6);
			n++;
		}
		if (r & RINDEX_REC_END)
			break;
	}
	if (__builtin_expect(r & RINDEX_REC_END, 1))
		return n;
	return emit_ip_rest(ix, w + k, q, a6, out, max, n);
}

/* emit_ip_list for the commonest lookup, an IPv4 address (every prefix
 * holds it) with room for the first round: fewer instructions per record,
 * so more of the next lookup fits in the processor meanwhile. */
static inline size_t emit_v4_address(const struct rindex *ix, const uint64_t *w,
	const struct rindex_query *q, struct rindex_match *out, size_t max)
{
	uint64_t r = 0;
	unsigned k;
	if (!w)
		return 0;
	if (q->prefixlen != 32 || max < RINDEX_FIRST_RECORDS || ix->ids)
		return emit_ip_list(ix, w, q, 0, out, max);
	for (k = 0; k < RINDEX_FIRST_RECORDS; k++) {
		r = w[k];
		unsigned len = RINDEX_REC_AUX(r);
		if (len == RINDEX_AUX_LINK)
			break;
		out[k].team_id = (int64_t)(r & ((1u << RINDEX_TEAM_BITS) - 1));
		out[k].rule_id = (int64_t)(RINDEX_REC_PAYLOAD(r) >> RINDEX_TEAM_BITS);
		out[k].how = RINDEX_MATCH_IPV4;
		out[k].prefixlen = (int)len;
		out[k].u.v4 = q->v4 & (uint32_t)((~0ull << 32) >> len);
		if (r & RINDEX_REC_END)
			break;
	}
	if (__builtin_expect(r & RINDEX_REC_END, 1))
		return k + 1;
	return emit_ip_rest(ix, w + k, q, 0, out, max, k);
}

static size_t emit_asn_list(const struct rindex *ix, uint32_t ref, uint32_t asn,
	struct rindex_match *out, size_t max)
{
	size_t n = 0;
	for (const uint64_t *w = ix->pool + ref - 1;; w++, n++) {
		if (n < max) {
			rindex_record_ids(ix, *w, &out[n].team_id, &out[n].rule_id);
			out[n].how = RINDEX_MATCH_ASN;
			out[n].prefixlen = 0;
			out[n].u.asn = asn;
		}
		if (*w & RINDEX_REC_END)
			return n + 1;
	}
}

/* The list ref of AS number ASN, probing from slot I on (0: none). */
static uint32_t asn_list(const struct rindex *ix, uint32_t i, uint32_t asn)
{
	for (; ix->aslot[i].ref; i = (i + 1) & ix->amask)
		if (ix->aslot[i].tag == asn)
			return ix->aslot[i].ref;
	return 0;
}

/* The suffixes of a domain query: HASH[k] and START[k] (where it begins
 * in the name) are the k-th shortest's; the arrays are the caller's. */
struct suffixes {
	uint64_t *hash;
	uint8_t *start;
	size_t n;
};

#define SUFFIXES_MAX (RINDEX_NAME_MAX / 2 + 1)

/* Hash every suffix of Q's name (rindex_suffix_hashes), asking for each
 * one's bucket of IX as it goes. False past MAX of them. */
static inline bool suffix_hashes(const struct rindex *ix, const struct rindex_query *q, struct suffixes *sf,
	size_t max)
{
	sf->n = rindex_suffix_hashes(q->name, q->namelen, sf->hash, sf->start, max, ix->names, ix->nmask);
	return sf->n > 0;
}

static inline const struct rindex_name_bucket *name_bucket(const struct rindex *ix, uint64_t hash)
{
	return &ix->names[(uint32_t)hash & ix->nmask];
}

/* Is entry E the name S[0..LEN)? */
static inline bool entry_is(const uint64_t *e, const char *s, size_t len)
{
	return RINDEX_DHDR_NAMELEN(e[0]) == len && memcmp(e + 1, s, len) == 0;
}

/* The entry of the name S[0..LEN) of hash H, or NULL. */
static const uint64_t *find_entry(const struct rindex *ix, uint64_t h, const char *s, size_t len)
{
	uint16_t tag = rindex_name_tag(h);
	for (uint32_t b = (uint32_t)h;; b++) {
		const struct rindex_name_bucket *bk = name_bucket(ix, b);
		for (unsigned i = 0; i < RINDEX_NAME_SLOTS; i++)
			if (bk->tag[i] == tag && bk->ref[i] && entry_is(ix->pool + bk->ref[i] - 1, s, len))
				return ix->pool + bk->ref[i] - 1;
		if (!bk->more)
			return NULL;
	}
}

/* The list of entry E, the name of suffix K of Q, from its record at W on
 * (N matches reported before it, DELTA labels up from E): its own
 * wildcards only when Q lies below it. Return how many in all. */
static size_t emit_name_rest(const struct rindex *ix, const uint64_t *e, const uint64_t *w,
	unsigned delta, const struct rindex_query *q, const struct suffixes *sf, size_t k,
	struct rindex_match *out, size_t max, size_t n)
{
	const char *name = (const char *)(e + 1);
	int labels = RINDEX_DHDR_LABELS(e[0]);
	size_t p = sf->start[k];
	bool sub = p != 0 || q->wildcard;
	for (;; w++) {
		uint64_t r = *w;
		unsigned aux = RINDEX_REC_AUX(r);
		if (aux == RINDEX_AUX_LINK) {
			delta += (unsigned)(RINDEX_REC_PAYLOAD(r) >> 32);
			w = ix->pool + (uint32_t)r - 1;
			continue;
		}
		unsigned up = delta + (aux & ~RINDEX_AUX_WILD);
		bool wild = aux & RINDEX_AUX_WILD, below = up || sub;
		if ((below || !wild) && n < max) {
			struct rindex_match *m = &out[n];
			rindex_record_ids(ix, r, &m->team_id, &m->rule_id);
			m->how = wild ? RINDEX_MATCH_WILDCARD : below ? RINDEX_MATCH_PARENT : RINDEX_MATCH_DOMAIN;
			m->prefixlen = labels - (int)up;
			m->u.name = name + (sf->start[k - up] - p);
		}
		n += below || !wild;
		if (r & RINDEX_REC_END)
			return n;
	}
}

/* The same from the start of E's list, the first round bounded as
 * emit_ip_list's is. */
static size_t emit_name_list(const struct rindex *ix, const uint64_t *e, const struct rindex_query *q,
	const struct suffixes *sf, size_t k, struct rindex_match *out, size_t max)
{
	const char *name = (const char *)(e + 1);
	const uint64_t *w = e + 1 + (RINDEX_DHDR_NAMELEN(e[0]) + 8) / 8;
	int labels = RINDEX_DHDR_LABELS(e[0]);
	size_t p = sf->start[k], n = 0;
	bool sub = p != 0 || q->wildcard;
	uint64_t r = 0;
	unsigned i;
	for (i = 0; i < RINDEX_FIRST_RECORDS; i++) {
		r = w[i];
		unsigned aux = RINDEX_REC_AUX(r);
		if (aux == RINDEX_AUX_LINK)
			break;
		unsigned up = aux & ~RINDEX_AUX_WILD;
		bool wild = aux & RINDEX_AUX_WILD, below = up || sub;
		if ((below || !wild) && n < max) {
			struct rindex_match *m = &out[n];
			rindex_record_ids(ix, r, &m->team_id, &m->rule_id);
			m->how = wild ? RINDEX_MATCH_WILDCARD : below ? RINDEX_MATCH_PARENT : RINDEX_MATCH_DOMAIN;
			m->prefixlen = labels - (int)up;
			m->u.name = name + (sf->start[k - up] - p);
		}
		n += below || !wild;
		if (r & RINDEX_REC_END)
			break;
	}
	if (__builtin_expect(r & RINDEX_REC_END, 1))
		return n;
	return emit_name_rest(ix, e, w + i, 0, q, sf, k, out, max, n);
}

static size_t lookup_domain(const struct rindex *ix, const struct rindex_query *q,
	struct rindex_match *out, size_t max)
{
	uint64_t hash[SUFFIXES_MAX];
	uint8_t start[SUFFIXES_MAX];
	struct suffixes sf = { hash, start, 0 };
	if (!ix->names || q->namelen == 0 || q->namelen > RINDEX_NAME_MAX)
		return 0;
	suffix_hashes(ix, q, &sf, SUFFIXES_MAX);
	for (size_t k = sf.n; k-- > 0;) {
		size_t p = sf.start[k];
		const uint64_t *e = find_entry(ix, sf.hash[k], q->name + p, q->namelen - p);
		if (e)
			return emit_name_list(ix, e, q, &sf, k, out, max);
	}
	return 0;
}

size_t rindex_lookup(const struct rindex *ix, const struct rindex_query *q,
	struct rindex_match *out, size_t max)
{
	switch (q->kind) {
	case RINDEX_IPV4:
		return ix->dir4 ? emit_v4_address(ix, find4(ix, q->v4), q, out, max) : 0;
	case RINDEX_IPV6: {
		if (!ix->dir6)
			return 0;
		rindex_u128 a = v6_key(q->v6);
		uint32_t l = find6(ix, a);
		return emit_ip_list(ix, l ? ix->pool + l - 1 : NULL, q, a, out, max);
	}
	case RINDEX_ASN: {
		uint32_t l = ix->aslot ? asn_list(ix, rindex_asn_slot(q->asn) & ix->amask, q->asn) : 0;
		return l ? emit_asn_list(ix, l, q->asn, out, max) : 0;
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
	case RINDEX_REF_BUCKET:        /* or, for IPv4, RINDEX_REF_BLOCK */
		if (v6)
			prefetch_bucket6(ix, ref);
		else
			prefetch_block(ix, ref);
		return 0;
	default:
		if (ref)
			prefetch_ref_words(ix, ref);
		return 0;
	}
}

/* IP queries IDX[0..M) of one family: root entries, directories, buckets,
 * then the lists. */
static void batch_ip(const struct batch *b, const uint32_t *idx, unsigned m, bool v6)
{
	const struct rindex *ix = b->ix;
	const uint32_t *dir = v6 ? ix->dir6 : ix->dir4;
	uint32_t ref[BATCH_GROUP], a4[BATCH_GROUP];
	const uint64_t *lists[BATCH_GROUP];
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
		const uint64_t *list;
		if (v6) {
			if (RINDEX_REF_TAG(ref[j]) == RINDEX_REF_BUCKET)
				ref[j] = bucket6(ix, ref[j], a6[j]);
			list = ref[j] ? ix->pool + ref[j] - 1 : NULL;
		} else {
			list = RINDEX_REF_TAG(ref[j]) == RINDEX_REF_BLOCK ? block4(ix, ref[j], a4[j]) :
				ref[j] ? ix->pool + ref[j] - 1 : NULL;
		}
		if (list)
			prefetch(list);
		lists[j] = list;
	}
	for (unsigned j = 0; j < m; j++)
		b->counts[idx[j]] = emit_ip_list(ix, lists[j], &b->qs[idx[j]], a6[j], batch_out(b, idx[j]),
			b->max);
}

/* AS queries: slots, then lists, then the records. */
static void batch_asn(const struct batch *b, const uint32_t *idx, unsigned m)
{
	const struct rindex *ix = b->ix;
	uint32_t l[BATCH_GROUP];
	for (unsigned j = 0; j < m; j++) {
		b->counts[idx[j]] = 0;
		if (ix->aslot)
			prefetch(&ix->aslot[rindex_asn_slot(b->qs[idx[j]].asn) & ix->amask]);
	}
	if (!ix->aslot)
		return;
	for (unsigned j = 0; j < m; j++) {
		uint32_t asn = b->qs[idx[j]].asn;
		l[j] = asn_list(ix, rindex_asn_slot(asn) & ix->amask, asn);
		if (l[j])
			prefetch_ref_words(ix, l[j]);
	}
	for (unsigned j = 0; j < m; j++)
		if (l[j])
			b->counts[idx[j]] = emit_asn_list(ix, l[j], b->qs[idx[j]].asn, batch_out(b, idx[j]),
				b->max);
}

/* The longest suffix of SF, from suffix K down, whose bucket holds its
 * tag: its index, and in *REF the entry, asked for; SIZE_MAX when none. A
 * tag is 16 bits of the hash: the entry still has to be the name. */
static size_t next_candidate(const struct rindex *ix, const struct suffixes *sf, size_t k,
	uint32_t *ref)
{
	while (k-- > 0) {
		uint16_t tag = rindex_name_tag(sf->hash[k]);
		for (uint32_t b = (uint32_t)sf->hash[k];; b++) {
			const struct rindex_name_bucket *bk = name_bucket(ix, b);
			for (unsigned i = 0; i < RINDEX_NAME_SLOTS; i++) {
				if (bk->tag[i] == tag && bk->ref[i]) {
					*ref = bk->ref[i];
					prefetch_ref_words(ix, *ref);
					return k;
				}
			}
			if (!bk->more)
				break;
		}
	}
	return SIZE_MAX;
}

/* Domain queries: hash every suffix and ask for its bucket; find the
 * longest suffix whose tag is there and ask for its entry; check the name
 * and report its list (when the name is not it, look the query up
 * directly). */
static void batch_domain(const struct batch *b, const uint32_t *idx, unsigned m)
{
	const struct rindex *ix = b->ix;
	uint64_t hash[BATCH_GROUP][BATCH_SUFFIXES];
	uint8_t start[BATCH_GROUP][BATCH_SUFFIXES];
	struct suffixes sf[BATCH_GROUP];
	size_t cand[BATCH_GROUP];
	uint32_t ref[BATCH_GROUP];
	for (unsigned j = 0; j < m; j++) {
		const struct rindex_query *q = &b->qs[idx[j]];
		b->counts[idx[j]] = 0;
		sf[j] = (struct suffixes){ hash[j], start[j], 0 };
		if (!ix->names || q->namelen == 0 || q->namelen > RINDEX_NAME_MAX)
			continue;
		if (!suffix_hashes(ix, q, &sf[j], BATCH_SUFFIXES)) {
			sf[j].n = 0;
			b->counts[idx[j]] = lookup_domain(ix, q, batch_out(b, idx[j]), b->max);
		}
	}
	for (unsigned j = 0; j < m; j++)
		cand[j] = next_candidate(ix, &sf[j], sf[j].n, &ref[j]);
	for (unsigned j = 0; j < m; j++) {
		if (cand[j] == SIZE_MAX)
			continue;
		const struct rindex_query *q = &b->qs[idx[j]];
		const uint64_t *e = ix->pool + ref[j] - 1;
		size_t p = sf[j].start[cand[j]];
		if (entry_is(e, q->name + p, q->namelen - p))
			b->counts[idx[j]] = emit_name_list(ix, e, q, &sf[j], cand[j], batch_out(b, idx[j]),
				b->max);
		else
			b->counts[idx[j]] = lookup_domain(ix, q, batch_out(b, idx[j]), b->max);
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

/* Decimal digits of V at P; return how many. */
static size_t put_uint(char *p, uint32_t v)
{
	char tmp[10];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

/* TEXT (N bytes) into BUF as snprintf would: cut to SIZE - 1, NUL-ended. */
static int put_text(char *buf, size_t size, const char *text, size_t n)
{
	if (size) {
		size_t k = n < size - 1 ? n : size - 1;
		memcpy(buf, text, k);
		buf[k] = '\0';
	}
	return (int)n;
}

/* Called for every match a batch answers: no printf on the common kinds. */
int rindex_match_format(const struct rindex_match *m, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN + 8];
	size_t n = 0;
	switch (m->how) {
	case RINDEX_MATCH_IPV4:
		for (int shift = 24; shift >= 0; shift -= 8) {
			n += put_uint(a + n, (m->u.v4 >> shift) & 0xff);
			a[n++] = shift ? '.' : '/';
		}
		n += put_uint(a + n, (uint32_t)m->prefixlen);
		return put_text(buf, size, a, n);
	case RINDEX_MATCH_IPV6:
		inet_ntop(AF_INET6, m->u.v6, a, sizeof(a));
		n = strlen(a);
		a[n++] = '/';
		n += put_uint(a + n, (uint32_t)m->prefixlen);
		return put_text(buf, size, a, n);
	case RINDEX_MATCH_ASN:
		a[0] = 'A';
		a[1] = 'S';
		return put_text(buf, size, a, 2 + put_uint(a + 2, m->u.asn));
	case RINDEX_MATCH_WILDCARD:
		return snprintf(buf, size, "*.%s", m->u.name);
	case RINDEX_MATCH_DOMAIN:
	case RINDEX_MATCH_PARENT:
		return put_text(buf, size, m->u.name, strlen(m->u.name));
	}
	return snprintf(buf, size, "?");
}
