/* The constituency router: "which teams handle this IP address, prefix,
 * AS number or domain name?", answered from memory, without SQL or HTTP.
 *
 * The directory loads every team's rules into a builder, builds one
 * immutable index and publishes it through a holder; request threads
 * acquire the current index, look up, and release it. Nothing is locked
 * while looking up, and an index is freed after its last reader lets go.
 *
 * What matches what (CSIRT practice, as CERT.at's constituency lookup):
 *
 *  - IP: a rule's prefix matches an address it contains, or a query
 *    prefix it contains (rule length <= query length). All matches come
 *    back, the longest prefix first. IPv4 and IPv6 are separate spaces;
 *    an IPv4-mapped address ::ffff:a.b.c.d (or a prefix of length >= 96
 *    inside ::ffff:0:0/96) is IPv4, in rules and in queries alike, and
 *    is reported as IPv4. Host bits beyond the prefix length are cleared.
 *  - AS number: exact.
 *  - Domain: a rule "example.jp" covers example.jp AND all its subdomains;
 *    a rule "*.example.jp" covers the subdomains only (a.example.jp,
 *    b.a.example.jp), not example.jp itself. All matches come back, the
 *    longest matching suffix first; at the same suffix the plain rule
 *    comes before the wildcard.
 *  - Rules that tie (same prefix, or same name and form, e.g. two teams
 *    claiming one network) come back in the order they were added.
 *
 * Names are ASCII: letters are folded to lower case, one trailing dot is
 * dropped, labels are letters, digits and inner hyphens (LDH), so an IDN
 * must be given in its xn-- form; a label is 1..63 bytes, a name at most
 * 253. */
#ifndef SHISA_ROUTE_INDEX_H
#define SHISA_ROUTE_INDEX_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why a query or a rule text was refused. 0 is success. */
enum rindex_err {
	RINDEX_OK = 0,
	RINDEX_EEMPTY,          /* nothing but white space */
	RINDEX_EIPV4,           /* not a dotted quad: "1.2.3", "1..2.3", "1.2.3.4.5" */
	RINDEX_EIPV4_OCTET,     /* an octet above 255, or with a leading zero ("010") */
	RINDEX_EIPV6,           /* not an IPv6 address */
	RINDEX_EPREFIX,         /* "/len" empty, not decimal, or above 32 / 128 */
	RINDEX_EASN,            /* AS number above 4294967295 */
	RINDEX_EDOMAIN_LENGTH,  /* name longer than 253 */
	RINDEX_ELABEL_EMPTY,    /* "a..b", ".a", "." */
	RINDEX_ELABEL_LENGTH,   /* a label longer than 63 */
	RINDEX_ELABEL_HYPHEN,   /* a label that starts or ends with '-' */
	RINDEX_ECHAR,           /* a byte that is not a letter, digit, '-' or '.' */
	RINDEX_ENONASCII,       /* non-ASCII: give an IDN in its xn-- form */
	RINDEX_ENUMERIC_TLD,    /* the last label is all digits */
	RINDEX_EWILDCARD,       /* '*' anywhere but a rule's leading "*." */
	RINDEX_ETOOMANY,        /* the builder holds RINDEX_MAX_RULES already */
	RINDEX_ENOMEM,
	RINDEX_E__COUNT
};

/* A short English description of E ("bad IPv4 octet"); never NULL. */
const char *rindex_strerror(int e);

#define RINDEX_NAME_MAX 253
#define RINDEX_LABEL_MAX 63
/* Rules per index; the packed layout has room for this many. */
#define RINDEX_MAX_RULES ((size_t)1 << 22)

enum rindex_kind {
	RINDEX_NONE = 0,
	RINDEX_IPV4,
	RINDEX_IPV6,
	RINDEX_ASN,
	RINDEX_DOMAIN,
};

/* A parsed query (or rule text). Only the fields of KIND are set. */
struct rindex_query {
	enum rindex_kind kind;
	int prefixlen;              /* IP: 32 / 128 for an address, or the /len given */
	uint32_t v4;                /* IPv4, host order, host bits cleared */
	uint8_t v6[16];             /* IPv6, network order, host bits cleared */
	uint32_t asn;
	bool wildcard;              /* domain: "*.name" (rule texts only) */
	size_t namelen;
	char name[RINDEX_NAME_MAX + 1];  /* domain, normalised, NUL-terminated */
};

/* Classify and parse the query Q, ignoring white space around it:
 *   "192.0.2.1", "192.0.2.0/24"          IPv4 address or prefix
 *   "2001:db8::1", "2001:db8::/32"       IPv6 (::ffff:a.b.c.d becomes IPv4)
 *   "AS64500", "as64500", "AS1.10", "64500"  AS number (asdot after "AS";
 *                                        a bare number is an AS number)
 *   "www.Example.JP."                    domain, stored as "www.example.jp"
 * Return RINDEX_OK and fill OUT, or the reason (OUT is then unspecified).
 * A query never holds a wildcard: "*.example.jp" gives RINDEX_EWILDCARD. */
int rindex_parse_query(const char *q, struct rindex_query *out);
/* The same for a rule's text, which may also be a wildcard "*.example.jp". */
int rindex_parse_rule(const char *text, struct rindex_query *out);

/* Building. The builder copies what it is given; add functions return
 * RINDEX_OK or an error (the rule is then not added). */
struct rindex_builder;

/* A new, empty builder; NULL when out of memory. */
struct rindex_builder *rindex_builder_new(void);
void rindex_builder_free(struct rindex_builder *b);
/* ADDR in host order; host bits are cleared. RINDEX_EPREFIX for a length
 * outside 0..32. */
int rindex_add_ipv4(struct rindex_builder *b, uint32_t addr, int prefixlen, int64_t team_id,
	int64_t rule_id);
/* ADDR in network order; 0..128. A prefix of length >= 96 inside
 * ::ffff:0:0/96 is added as the IPv4 prefix it maps. */
int rindex_add_ipv6(struct rindex_builder *b, const uint8_t addr[16], int prefixlen,
	int64_t team_id, int64_t rule_id);
int rindex_add_asn(struct rindex_builder *b, uint32_t asn, int64_t team_id, int64_t rule_id);
/* NAME is checked and normalised as a query is ("WWW.example.jp." is
 * "www.example.jp"); WILDCARD makes it "*.NAME". NAME itself holds no '*'. */
int rindex_add_domain(struct rindex_builder *b, const char *name, bool wildcard,
	int64_t team_id, int64_t rule_id);
/* Parse TEXT with rindex_parse_rule and add it. */
int rindex_add_rule(struct rindex_builder *b, const char *text, int64_t team_id, int64_t rule_id);
/* Number of rules added so far. */
size_t rindex_builder_count(const struct rindex_builder *b);

/* The immutable index of every rule in B; NULL when out of memory. B
 * keeps its rules (sorted differently inside): free it, or add more and
 * build again. The index owns its memory and shares nothing with B. */
struct rindex *rindex_build(struct rindex_builder *b);
/* Free an index that was never published (a published one belongs to
 * its holder). NULL is fine. */
void rindex_free(struct rindex *ix);
/* Bytes the index occupies (its arrays and tables, as allocated). */
size_t rindex_memory(const struct rindex *ix);
/* Number of rules in the index. */
size_t rindex_count(const struct rindex *ix);

enum rindex_how {
	RINDEX_MATCH_IPV4 = 1,      /* an IPv4 rule's prefix contains the query */
	RINDEX_MATCH_IPV6,          /* an IPv6 rule's prefix contains the query */
	RINDEX_MATCH_ASN,           /* the same AS number */
	RINDEX_MATCH_DOMAIN,        /* a rule "name" and the query is that name */
	RINDEX_MATCH_PARENT,        /* a rule "name" and the query is a subdomain */
	RINDEX_MATCH_WILDCARD,      /* a rule "*.name" and the query is a subdomain */
};

/* One matching rule, and why it matched. */
struct rindex_match {
	int64_t team_id;
	int64_t rule_id;
	enum rindex_how how;
	int prefixlen;              /* IP: the rule's length; domain: labels in its name */
	union {
		uint32_t v4;            /* IPv4: the rule's network (host order) */
		uint8_t v6[16];         /* IPv6: the rule's network */
		uint32_t asn;
		const char *name;       /* domain: the rule's name without "*.";
		                         * owned by the index, valid while it is held */
	} u;
};

/* Every rule of IX matching Q, most specific first (see the top of this
 * file). The first MAX of them go to OUT. Return how many rules match in
 * all, which may exceed MAX: 0 means no team handles Q. A parsed query is
 * always valid; "bad query" comes from rindex_parse_query, never from
 * here. A rule's text parsed by rindex_parse_rule may be looked up too:
 * "*.example.jp" finds the rules that cover every subdomain of example.jp.
 * Safe from any number of threads at once.
 * Cost: one trip to memory for most IP lookups (a block of a few cache
 * lines holding the address's answer; dense ranges first read a
 * directory); a domain lookup reads one table bucket per label (asked for
 * together) and one entry; an AS lookup one slot and one list. */
size_t rindex_lookup(const struct rindex *ix, const struct rindex_query *q,
	struct rindex_match *out, size_t max);

/* The same as rindex_lookup for each of QS[0..N): up to MAX matches of
 * QS[i] go to OUT + i * MAX and COUNTS[i] is the number rindex_lookup
 * would return. Faster than N rindex_lookup calls on an index larger than
 * the cache (two to three times for IPv4 on the benchmark): queries of a
 * kind go through their lookups 64 at a time, step by step, each step
 * asking for the memory of the next, so their cache misses overlap
 * instead of queueing. Uses about 8 KB of stack. Keep N and MAX modest
 * (a few hundred queries a call) so OUT stays in cache. */
void rindex_lookup_batch(const struct rindex *ix, const struct rindex_query *qs, size_t n,
	struct rindex_match *out, size_t max, size_t *counts);

/* The rule behind M as text: "192.0.2.0/24", "2001:db8::/32", "AS64500",
 * "example.jp", "*.example.jp". Return the length snprintf would give. */
int rindex_match_format(const struct rindex_match *m, char *buf, size_t size);

/* Publishing. A holder keeps the current index; readers take a reference
 * for as long as they use it (typically one request), a writer swaps in a
 * new index at any time, and each index is freed by whoever drops its
 * last reference: the holder (on the next publish) or the last reader.
 *
 * The race to close is a reader loading the pointer just before a writer
 * swaps it out and drops the holder's reference: the reader's increment
 * would land on freed memory. Readers therefore announce themselves for
 * the few instructions between loading the pointer and counting their
 * reference, in one of two "entering" counters chosen by the holder's
 * epoch (re-checked after announcing). A publisher swaps the pointer,
 * advances the epoch, and waits until the old epoch's counter is zero;
 * readers that announce later see the new pointer, so it never waits for
 * them and cannot be starved. Only then does it drop its reference to the
 * old index. The wait is a few instructions unless a reader is preempted
 * inside that window (the publisher yields meanwhile). Acquire and release
 * never block. Publishers are serialised by a mutex. */
struct rindex_holder {
	_Atomic(struct rindex *) cur;
	atomic_ulong epoch;
	atomic_ulong entering[2];
	pthread_mutex_t publish_lock;
};

void rindex_holder_init(struct rindex_holder *h);
/* Make IX (which the holder now owns; NULL to clear) the current index;
 * the previous one is freed once its last reader releases it. */
void rindex_holder_publish(struct rindex_holder *h, struct rindex *ix);
/* The current index with a reference taken, or NULL when none is
 * published. Give it back with rindex_holder_release. */
struct rindex *rindex_holder_acquire(struct rindex_holder *h);
/* Drop a reference from rindex_holder_acquire; NULL is fine. */
void rindex_holder_release(struct rindex_holder *h, struct rindex *ix);
/* Drop the current index (readers still holding it keep it alive until
 * they release it) and the holder's mutex. */
void rindex_holder_destroy(struct rindex_holder *h);

#endif
