/* The layout of a built constituency index, shared by the files of the
 * router (route_build.c writes it, route_index.c reads it, route_holder.c
 * counts its references). Nothing outside src/directory/route_*.c includes
 * this.
 *
 * Everything a match reports lives in one array of 64-bit words, the pool:
 *
 *   IP group (one distinct prefix):  header, then COUNT records
 *       header = parent group | len << 32 | count << 40
 *   AS group (one AS number):        header (count << 40), then records
 *   domain entry (one name):         header, name + NUL padded to words,
 *                                    then NEXACT records, then NWILD records
 *       header = namelen | labels << 8 | nexact << 16 | nwild << 40
 *   record = team_id | rule_id << 32 (one word) when every id of the index
 *            fits 32 bits, else team_id, rule_id (two words); records come
 *            in the order the rules were added
 *
 * A group or entry is named by its word offset + 1 ("ref"; 0 is none).
 * The parent of an IP group is the longest distinct prefix that contains
 * it, so one lookup finds the most specific group and follows parents.
 * (Copying the nearest ancestors' records into each group, to save those
 * dependent misses, was measured: a quarter more memory for 1 M prefixes
 * and no gain the benchmark could tell from noise.)
 *
 * IP addresses map to groups through a range trie per family. The address
 * space is cut into intervals over which the most specific prefix does not
 * change; a root table of 65536 refs covers the top 16 bits, and a ref is
 *   LEAF   the group ref itself (the whole range has one answer),
 *   BUCKET up to RINDEX_BUCKET_MAX sorted interval starts and their values,
 *   DIR    16 child refs, one per next 4 bits, for a range with more.
 * IPv4 buckets store starts as their low 16 bits (uint16 units: keys padded
 * to an even count, then uint32 values); IPv6 buckets store full 128-bit
 * starts as two words (hi, lo), then values two to a word. A bucket's first
 * start is the start of its range, so a search always lands somewhere.
 *
 * Domains and AS numbers use open-addressing hash tables of slots {tag,
 * ref}: the tag is the AS number, or 32 bits of the name's hash. A name's
 * hash is computed over its bytes right to left, so one pass over a query
 * yields the hash of each of its suffixes. */
#ifndef SHISA_ROUTE_INDEX_INT_H
#define SHISA_ROUTE_INDEX_INT_H
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "directory/route_index.h"

__extension__ typedef unsigned __int128 rindex_u128;

#define RINDEX_REF_TAG(r) ((r) >> 30)
#define RINDEX_REF_LEAF 0u
#define RINDEX_REF_BUCKET 1u
#define RINDEX_REF_DIR 2u
#define RINDEX_REF_PAYLOAD 0x3fffffffu
#define RINDEX_BUCKET_MAX 32            /* count - 1 takes 5 bits */
#define RINDEX_BUCKET_OFF_BITS 25
#define RINDEX_BUCKET_REF(off, cnt) \
	((RINDEX_REF_BUCKET << 30) | ((uint32_t)((cnt) - 1) << RINDEX_BUCKET_OFF_BITS) | (uint32_t)(off))
#define RINDEX_BUCKET_OFF(r) ((r) & ((1u << RINDEX_BUCKET_OFF_BITS) - 1))
#define RINDEX_BUCKET_CNT(r) ((((r) >> RINDEX_BUCKET_OFF_BITS) & 31u) + 1)
#define RINDEX_ROOT_BITS 16
#define RINDEX_DIR_BITS 4

#define RINDEX_HDR_COUNT(h) ((uint32_t)((h) >> 40))
#define RINDEX_HDR_PARENT(h) ((uint32_t)(h))
#define RINDEX_HDR_LEN(h) ((int)(((h) >> 32) & 0xff))
#define RINDEX_DHDR_NAMELEN(h) ((size_t)((h) & 0xff))
#define RINDEX_DHDR_LABELS(h) ((int)(((h) >> 8) & 0xff))
#define RINDEX_DHDR_NEXACT(h) ((uint32_t)(((h) >> 16) & 0xffffff))
#define RINDEX_DHDR_NWILD(h) ((uint32_t)((h) >> 40))
#define RINDEX_COUNT_MAX 0xffffffu      /* rules on one prefix, name or AS */

struct rindex_slot {
	uint32_t tag;
	uint32_t ref;                   /* 0: empty */
};

struct rindex {
	atomic_long refs;               /* holder and readers; see route_holder.c */
	size_t nrules;
	unsigned rw;                    /* words per record: 1 or 2 */
	uint64_t *pool;
	size_t npool;                   /* words */
	uint32_t *dir4, *dir6;          /* root (65536 refs) then sub-directories */
	size_t ndir4, ndir6;
	uint16_t *bkt4;                 /* IPv4 buckets */
	size_t nbkt4;
	uint64_t *bkt6;                 /* IPv6 buckets */
	size_t nbkt6;
	struct rindex_slot *dslot, *aslot;  /* domain and AS tables */
	uint32_t dmask, amask;          /* slots - 1 (a power of two minus one) */
};

/* Right-to-left name hash: start from RINDEX_HASH_SEED, step over the
 * bytes from the last to the first, finish each suffix's state. */
#define RINDEX_HASH_SEED 0xcbf29ce484222325ull
static inline uint64_t rindex_hash_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * 0x100000001b3ull;
}

static inline uint64_t rindex_hash_finish(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
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
