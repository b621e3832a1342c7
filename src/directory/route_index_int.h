/* The layout of a built constituency index, shared by the files of the
 * router (route_build*.c write it, route_index.c reads it,
 * route_holder.c counts its references). Nothing outside
 * src/directory/route_*.c includes this.
 *
 * Everything a match reports lives in one array of 64-bit words, the pool,
 * as lists of records. A lookup finds one list and reads it to its end:
 * the list holds every matching rule, most specific first, so an answer
 * costs one trip to memory for the list, not one per matching prefix.
 *
 *   record = payload | aux << 55 | end << 63
 *       payload  team_id | rule_id << 27 when every id of the index fits
 *                (team < 2^27, rule < 2^28); else an index i into ids[],
 *                which holds team ids[2i] and rule ids[2i + 1]
 *       aux      IP: the rule's prefix length; domain: how many labels
 *                above the list's own name the rule's name is, | 0x80 for
 *                a wildcard; AS: 0
 *       end      the last record of the list
 *   link record (aux 0xff): the list goes on at pool word (payload &
 *       0xffffffff), whose domain records are (payload >> 32) labels
 *       further up; ends a list piece, its end bit unused
 *
 * A group is the rules of one key (prefix, name, AS number), in the
 * order they were added. A prefix's list is its group, then its parent
 * prefix's (the longest distinct prefix containing it), and so on up; a
 * name's list is its group (plain rules, then wildcards), then that of the
 * longest rule name it is a subdomain of, and so on up. Ancestors are
 * copied into each list while it stays short (RINDEX_COPY_MAX records);
 * past that, or for a group larger than that, a link record points at the
 * ancestor's own list instead, so a rule claimed by many teams on a short
 * prefix costs its records once, not once per prefix below it.
 *
 *   domain entry: header = namelen | labels << 8, the name + NUL padded
 *       to words, then the name's list
 *
 * A list or entry is named by its word offset + 1 ("ref"; 0 is none).
 * Lists outside blocks are written for the groups a LEAF, a BUCKET or a
 * link names.
 *
 * IP addresses map to lists through a range trie per family. The address
 * space is cut into intervals over which the most specific prefix does not
 * change; a root table of 65536 refs covers the top 16 bits, and a ref is
 *   LEAF   the list ref itself (the whole range has one answer),
 *   DIR    16 child refs, one per next 4 bits, for a range with more,
 *   BLOCK  (IPv4) up to RINDEX_BUCKET_MAX intervals and their lists, in at
 *          most RINDEX_BLOCK_WORDS words of the pool: one trip to memory
 *          (its cache lines asked for at once) answers the lookup,
 *   BUCKET (IPv6) up to RINDEX_BUCKET_MAX sorted interval starts and their
 *          list refs.
 * A BLOCK ref holds the block's word offset in the pool and how many cache
 * lines it spans (the pool starts on a line). A block is
 *   uint16 count, uint16 starts[count] (the low 16 bits; the first is the
 *   start of the block's range, so a search always lands somewhere),
 *   uint8 lists[count] (the word offset of each interval's list in the
 *   block, 0 for none), padded to a word, then the lists: each group the
 *   intervals end at, and their ancestors, written once, each followed by
 *   its parent's records or a link to them (a link within the block costs
 *   no further trip to memory); a group of more than
 *   RINDEX_BLOCK_GROUP_MAX rules is linked to its own list, not copied.
 * A range whose block would be larger is cut by a DIR. IPv6 buckets store
 * full 128-bit starts as two words (hi, lo), then values two to a word.
 *
 * Domains use an open-addressing table of 64-byte buckets of ten slots
 * {16-bit tag, entry ref}, a name's bucket chosen by the low bits of its
 * hash and its tag being the top 16: a probe reads one cache line, and the
 * next bucket only when a name that belongs here had to go there. At ten
 * names to every sixteen slots the table takes 10 bytes a name, so a
 * large one stays in the processor's cache, and a lookup's one trip to
 * memory is for the entry it finds. A name's hash is computed label by
 * label from the right, so one pass over a query yields the hash of each
 * of its suffixes (rindex_suffix_hashes). AS numbers use a table of slots {asn, list ref}. */
#ifndef SHISA_ROUTE_INDEX_INT_H
#define SHISA_ROUTE_INDEX_INT_H
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "directory/route_index.h"

__extension__ typedef unsigned __int128 rindex_u128;

#define RINDEX_REF_TAG(r) ((r) >> 30)
#define RINDEX_REF_LEAF 0u
#define RINDEX_REF_BUCKET 1u            /* IPv6's tag 1 */
#define RINDEX_REF_DIR 2u
#define RINDEX_REF_PAYLOAD 0x3fffffffu
#define RINDEX_BUCKET_MAX 32            /* count - 1 takes 5 bits */
#define RINDEX_BUCKET_OFF_BITS 25
#define RINDEX_BUCKET_REF(off, cnt) \
	((RINDEX_REF_BUCKET << 30) | ((uint32_t)((cnt) - 1) << RINDEX_BUCKET_OFF_BITS) | (uint32_t)(off))
#define RINDEX_BUCKET_OFF(r) ((r) & ((1u << RINDEX_BUCKET_OFF_BITS) - 1))
#define RINDEX_BUCKET_CNT(r) ((((r) >> RINDEX_BUCKET_OFF_BITS) & 31u) + 1)
#define RINDEX_REF_BLOCK 1u             /* IPv4's tag 1 */
#define RINDEX_BLOCK_OFF_BITS 26
#define RINDEX_BLOCK_OFF_MAX ((size_t)1 << RINDEX_BLOCK_OFF_BITS)
#define RINDEX_BLOCK_REF(off, lines) \
	((RINDEX_REF_BLOCK << 30) | (uint32_t)((lines) - 1) << RINDEX_BLOCK_OFF_BITS | (uint32_t)(off))
#define RINDEX_BLOCK_OFF(r) ((r) & ((1u << RINDEX_BLOCK_OFF_BITS) - 1))
#define RINDEX_BLOCK_LINES(r) ((((r) >> RINDEX_BLOCK_OFF_BITS) & 15u) + 1)
#define RINDEX_BLOCK_WORDS 64           /* at most; at most 16 cache lines */
#define RINDEX_BLOCK_GROUP_MAX 8        /* a larger group is linked, not copied */
#define RINDEX_ROOT_BITS 16
#define RINDEX_DIR_BITS 4

#define RINDEX_REC_AUX_SHIFT 55
#define RINDEX_REC_END ((uint64_t)1 << 63)
#define RINDEX_REC_AUX(w) ((unsigned)((w) >> RINDEX_REC_AUX_SHIFT) & 0xffu)
#define RINDEX_REC_PAYLOAD(w) ((w) & (((uint64_t)1 << RINDEX_REC_AUX_SHIFT) - 1))
#define RINDEX_AUX_LINK 0xffu
#define RINDEX_AUX_WILD 0x80u
#define RINDEX_TEAM_BITS 27
#define RINDEX_RULE_BITS 28
#define RINDEX_COPY_MAX 16              /* records a list copies from its ancestors */

#define RINDEX_DHDR_NAMELEN(h) ((size_t)((h) & 0xff))
#define RINDEX_DHDR_LABELS(h) ((int)(((h) >> 8) & 0xff))

#define RINDEX_NAME_SLOTS 10

struct rindex_name_bucket {
	uint16_t tag[RINDEX_NAME_SLOTS];
	uint16_t more;                  /* a name of this bucket went on to a later one */
	uint16_t unused;
	uint32_t ref[RINDEX_NAME_SLOTS]; /* entry refs; 0: empty */
};
_Static_assert(sizeof(struct rindex_name_bucket) == 64, "a name bucket is one cache line");

struct rindex_slot {
	uint32_t tag;
	uint32_t ref;                   /* 0: empty */
};

struct rindex {
	atomic_long refs;               /* holder and readers; see route_holder.c */
	size_t nrules;
	uint64_t *pool;
	size_t npool;                   /* words */
	int64_t *ids;                   /* team, rule pairs when ids do not fit a record */
	size_t nids;                    /* pairs */
	uint32_t *dir4, *dir6;          /* root (65536 refs) then sub-directories */
	size_t ndir4, ndir6;
	uint64_t *bkt6;                 /* IPv6 buckets */
	size_t nbkt6;
	struct rindex_name_bucket *names;   /* domain table */
	struct rindex_slot *aslot;      /* AS table */
	uint32_t nmask;                 /* domain buckets - 1 (a power of two minus one) */
	uint32_t amask;                 /* AS slots - 1 */
};

/* Team and rule of record W of IX. */
static inline void rindex_record_ids(const struct rindex *ix, uint64_t w, int64_t *team,
	int64_t *rule)
{
	uint64_t p = RINDEX_REC_PAYLOAD(w);
	if (ix->ids) {
		*team = ix->ids[2 * p];
		*rule = ix->ids[2 * p + 1];
	} else {
		*team = (int64_t)(p & ((1u << RINDEX_TEAM_BITS) - 1));
		*rule = (int64_t)(p >> RINDEX_TEAM_BITS);
	}
}

/* The hash of every suffix of a name that begins a label, computed in one
 * pass from the right: a suffix's state is its parent suffix's state
 * stepped over its first label, eight bytes at a time, then the label's
 * length; each suffix's hash is its state finished (those finishes do not
 * wait on one another). The build and the lookup share it, so both hash a
 * name alike; the index lives in memory only, so byte order is moot. */
#define RINDEX_HASH_SEED 0xcbf29ce484222325ull
#define RINDEX_HASH_MUL 0x9e3779b97f4a7c15ull

static inline uint64_t rindex_hash_finish(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

/* Bytes S[AT..AT+N) (1 <= N <= 8) of the name S[0..LEN) as a word, the
 * rest zero, read without going past either end of the name. */
static inline uint64_t rindex_name_word(const char *s, size_t len, size_t at, size_t n)
{
	uint64_t w = 0;
	if (at + 8 <= len) {
		memcpy(&w, s + at, 8);
	} else if (len >= 8) {
		memcpy(&w, s + len - 8, 8);
		w >>= 8 * (at - (len - 8));
	} else {
		memcpy(&w, s + at, n);
	}
	return n == 8 ? w : w & ((1ull << (8 * n)) - 1);
}

/* Hash the suffixes of S[0..LEN) that begin a label (after a dot, and the
 * whole name), shortest first, into HASH[k], with where each begins in
 * START[k]. Return how many, or 0 when there are more than MAX. With a
 * TABLE of buckets (MASK + 1 of them), each suffix's bucket is asked for
 * as soon as its hash is known, while the longer ones are hashed. */
static inline size_t rindex_suffix_hashes(const char *s, size_t len, uint64_t *hash, uint8_t *start,
	size_t max, const struct rindex_name_bucket *table, uint32_t mask)
{
	uint8_t dot[RINDEX_NAME_MAX / 2 + 1];
	size_t ndots = 0, n = 0;
	for (size_t at = 0; at < len; at += 8) {
		size_t chunk = len - at < 8 ? len - at : 8;
		uint64_t t = rindex_name_word(s, len, at, chunk) ^ 0x2e2e2e2e2e2e2e2eull;
		if (chunk < 8)
			t |= ~0ull << (8 * chunk);      /* past the end: not a dot */
		uint64_t hit = ~(((t & 0x7f7f7f7f7f7f7f7full) + 0x7f7f7f7f7f7f7f7full) | t | 0x7f7f7f7f7f7f7f7full);
		for (; hit; hit &= hit - 1) {
			if (ndots == sizeof(dot))
				return 0;
			dot[ndots++] = (uint8_t)(at + (size_t)__builtin_ctzll(hit) / 8);
		}
	}
	uint64_t h = RINDEX_HASH_SEED;
	size_t end = len;
	for (size_t d = ndots + 1; d-- > 0;) {
		size_t begin = d ? (size_t)dot[d - 1] + 1 : 0;
		for (size_t at = begin; at < end; at += 8)
			h = (h ^ rindex_name_word(s, len, at, end - at < 8 ? end - at : 8)) * RINDEX_HASH_MUL;
		h += end - begin;
		if (n == max)
			return 0;
		hash[n] = rindex_hash_finish(h);
		if (table)
			__builtin_prefetch(&table[(uint32_t)hash[n] & mask]);
		start[n++] = (uint8_t)begin;
		end = begin - 1;
	}
	return n;
}

static inline uint16_t rindex_name_tag(uint64_t hash)
{
	return (uint16_t)(hash >> 48);
}

static inline uint32_t rindex_asn_slot(uint32_t asn)
{
	return (uint32_t)(((uint64_t)asn * 0x9e3779b97f4a7c15ull) >> 32);
}

/* Host bits below a prefix of length LEN in a WIDTH-bit space. */
static inline rindex_u128 rindex_host_mask(int len, int width)
{
	int bits = width - len;
	return bits >= 128 ? ~(rindex_u128)0 : ((rindex_u128)1 << bits) - 1;
}

/* Tests only: when set (before any reader starts), called by every
 * rindex_holder_acquire between loading the pointer and counting its
 * reference, to hold that window open for a publisher to race into. */
extern void (*rindex_holder_test_pause)(void);

/* Check and normalise the name S[0..LEN) into OUT as rindex_parse_query
 * would (a leading "*." allowed when ALLOW_WILD). Return RINDEX_OK or why
 * not. (route_parse.c) */
int rindex_parse_domain(const char *s, size_t len, bool allow_wild, struct rindex_query *out);

/* The index in IPv4 terms of an IPv4-mapped IPv6 prefix (::ffff:a.b.c.d,
 * length >= 96): set *V4 and *LEN4 and return 1; else 0. */
int rindex_v6_mapped(const uint8_t a[16], int len, uint32_t *v4, int *len4);

#endif
