/* What the files that build a constituency index share: the rules as the
 * builder holds them, and the pool of records being written (layout:
 * route_index_int.h). route_build.c owns the builder and the pool and
 * lays out AS numbers; route_build_ip.c the IP lists and range tries;
 * route_build_name.c the domain entries and their table. */
#ifndef SHISA_ROUTE_BUILD_INT_H
#define SHISA_ROUTE_BUILD_INT_H
#include "core/buf.h"
#include "core/hugemem.h"
#include "directory/route_index_int.h"

struct ip_rule {
	rindex_u128 addr;           /* IPv4 in the low 32 bits */
	int64_t team, rule;
	uint32_t seq;               /* order of addition: ties keep it */
	uint8_t len;
};

struct asn_rule {
	uint32_t asn, seq;
	int64_t team, rule;
};

struct dom_rule {
	uint32_t name_off, seq;     /* name: offset into the builder's names */
	uint8_t wild, namelen, labels;
	int64_t team, rule;
};

struct rindex_builder {
	struct ip_rule *v4, *v6;
	struct asn_rule *as;
	struct dom_rule *dom;
	size_t n4, n6, nas, ndom;
	size_t cap4, cap6, capas, capdom;
	struct buf names;           /* NUL-terminated normalised names */
	uint32_t seq;
	bool wide;                  /* some id does not fit a one-word record */
};

/* The pool being written, and the ids of the records when they do not
 * fit in one (WIDE). */
struct pool {
	uint64_t *w;
	size_t n, cap;
	bool wide;
	int64_t *ids;               /* team, rule pairs */
	size_t nids, capids;
};

/* Offset of N fresh words, or SIZE_MAX when out of memory or past the
 * 30 bits a ref can name. */
size_t rindex_pool_take(struct pool *p, size_t n);
/* The payload of a record for TEAM and RULE (a new ids pair when the pool
 * is wide), or UINT64_MAX when out of memory. Records of the same rule in
 * several lists share it. */
uint64_t rindex_pool_payload(struct pool *p, int64_t team, int64_t rule);
/* A link record to the list at word OFF, whose domain records are DELTA
 * labels further up. */
static inline uint64_t rindex_link(size_t off, unsigned delta)
{
	return (uint64_t)off | (uint64_t)delta << 32 | (uint64_t)RINDEX_AUX_LINK << RINDEX_REC_AUX_SHIFT;
}

/* An index's arrays live in core/hugemem.h's memory: aligned to cache
 * lines (a block ref counts lines from the pool's start), on huge pages
 * when large, since a lookup reads the index at random. */

/* Lay out the IP rules R[0..N) of one family (WIDTH 32 or 128): their
 * lists into PL, their trie into IX. R is sorted. Return 0 or -1. */
int rindex_build_ip(struct rindex *ix, struct pool *pl, struct ip_rule *r, size_t n, int width);
/* Lay out the domain rules R[0..N) (names in NAMES): entries into PL,
 * their table into IX. R is sorted. Return 0 or -1. */
int rindex_build_names(struct rindex *ix, struct pool *pl, struct dom_rule *r, size_t n,
	const char *names);

#endif
