/* Benchmark of the constituency router (DESIGN.md: >= 5 M lookups/s in
 * process). Builds a synthetic index shaped like a large association:
 * 100,000 teams, ~1,000,000 prefixes (IPv4 mostly /16-/24, a tenth IPv6
 * /32-/48, a third of them nested in an earlier one, some claimed twice),
 * ~200,000 domain rules (a fifth wildcards) and an AS number per team.
 * Then times random lookups, one thread, family by family, one at a time
 * and in batches, beside two baselines measured in the same run on an
 * array as large as the index (allocated as the index is, on huge pages
 * where it is): independent random reads (the "ceiling") and reads that
 * each wait for the one before (the memory latency). A lookup that costs
 * one dependent read runs at 1.00x latency; one at a time, a lookup
 * waits for memory at least once unless its miss overlaps the next one's.
 *
 *   ninja -C build bench/bench_lookup && build/bench/bench_lookup [M] [R]
 *
 * M is millions of lookups per family (default 10), R the runs of each
 * (default 3). The machine is shared, so each figure is the best of R
 * runs, the one least disturbed by other work, and times are this
 * thread's CPU time (a run that waits for the processor does not count
 * the wait). Queries are parsed beforehand, as the batch API would;
 * "text" adds the parsing. */
#include <arpa/inet.h>
#include <endian.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include "directory/route_index.h"
#include "bench_util.h"

#define TEAMS 100000
#define PREFIXES4 900000
#define PREFIXES6 100000
#define DOMAINS 200000
#define TARGET 5e6

struct p4 {
	uint32_t addr;
	int len;
};

struct p6 {
	uint64_t hi;                /* prefixes here are /48 or shorter */
	int len;
};

static struct p4 *pre4;
static struct p6 *pre6;
static char (*names)[48];

static int pick_len4(void)
{
	static const struct {
		int len, weight;
	} w[] = { { 24, 52 }, { 23, 8 }, { 22, 10 }, { 21, 6 }, { 20, 7 }, { 19, 5 }, { 18, 4 },
		{ 17, 3 }, { 16, 5 } };
	uint32_t r = below(100);
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		if (r < (uint32_t)w[i].weight)
			return w[i].len;
		r -= (uint32_t)w[i].weight;
	}
	return 24;
}

static uint32_t mask4(int len)
{
	return len ? ~0u << (32 - len) : 0;
}

static uint64_t mask6(int len)
{
	return len ? ~0ull << (64 - len) : 0;
}

/* A prefix: the first few hundred short (/8-/15, national and regional
 * blocks), then a third nested in an earlier one, a few the same as an
 * earlier one (another team's claim), the rest anywhere routable. */
static void gen4(size_t i)
{
	uint32_t r = below(100);
	if (i < 300) {
		pre4[i].len = 8 + (int)below(8);
		pre4[i].addr = ((uint32_t)(1 + below(223)) << 24 | ((uint32_t)rnd() & 0xffffff)) & mask4(pre4[i].len);
		return;
	}
	if (i > 0 && r < 5) {
		pre4[i] = pre4[below((uint32_t)i)];
		return;
	}
	if (i > 0 && r < 35) {
		struct p4 o = pre4[below((uint32_t)i)];
		int len = o.len + 1 + (int)below((uint32_t)(o.len < 24 ? 24 - o.len : 8));
		len = len > 32 ? 32 : len;
		pre4[i].len = len;
		pre4[i].addr = (o.addr | ((uint32_t)rnd() & ~mask4(o.len))) & mask4(len);
		return;
	}
	pre4[i].len = pick_len4();
	pre4[i].addr = (uint32_t)(1 + below(223)) << 24 | ((uint32_t)rnd() & 0xffffff);
	pre4[i].addr &= mask4(pre4[i].len);
}

/* IPv6: half inside the RIRs' busiest /12s, half anywhere in 2000::/3. */
static void gen6(size_t i)
{
	static const uint64_t rir[] = { 0x2400, 0x2600, 0x2800, 0x2a00, 0x2c00 };
	static const int lens[] = { 32, 32, 32, 36, 40, 44, 48, 48 };
	uint32_t r = below(100);
	if (i > 0 && r < 5) {
		pre6[i] = pre6[below((uint32_t)i)];
		return;
	}
	if (i > 0 && r < 35) {
		struct p6 o = pre6[below((uint32_t)i)];
		int len = o.len >= 48 ? 56 : o.len + 4 * (1 + (int)below((uint32_t)(48 - o.len) / 4));
		pre6[i].len = len;
		pre6[i].hi = (o.hi | (rnd() & ~mask6(o.len))) & mask6(len);
		return;
	}
	pre6[i].len = lens[below(8)];
	if (r < 65)
		pre6[i].hi = rir[below(5)] << 48 | (rnd() >> 16 & 0x000fffffffffffffull);
	else
		pre6[i].hi = 0x2000000000000000ull | (rnd() >> 3);
	pre6[i].hi &= mask6(pre6[i].len);
}

static const char *const tlds[] = {
	"jp", "co.jp", "ac.jp", "go.jp", "or.jp", "ne.jp", "com", "net", "org", "de", "at", "fr",
	"nl", "se", "uk", "co.uk", "kr", "tw", "sg", "au", "com.au", "br", "in", "io",
};

static void gen_name(size_t i)
{
	static const char *const sub[] = { "", "", "", "cert.", "mail.", "www.", "noc." };
	snprintf(names[i], sizeof(names[i]), "%sorg%u.%s", sub[below(7)], below(1000000),
		tlds[below(sizeof(tlds) / sizeof(tlds[0]))]);
}

struct result {
	double secs;
	uint64_t matches;
};

static volatile uint64_t sink;

/* Each timed loop builds its query from a precomputed key, as cheap as
 * reading it, then looks up into a 16-slot array. */
static struct result run4(const struct rindex *ix, const uint32_t *keys, size_t n)
{
	struct rindex_query q = { .kind = RINDEX_IPV4, .prefixlen = 32 };
	struct rindex_match m[16];
	uint64_t hits = 0, teams = 0;
	double t = cpu_seconds();
	for (size_t i = 0; i < n; i++) {
		q.v4 = keys[i];
		size_t k = rindex_lookup(ix, &q, m, 16);
		hits += k;
		teams += k ? (uint64_t)m[0].team_id : 0;
	}
	t = cpu_seconds() - t;
	sink += teams;
	return (struct result){ t, hits };
}

static struct result run6(const struct rindex *ix, const uint64_t *keys, size_t n)
{
	struct rindex_query q = { .kind = RINDEX_IPV6, .prefixlen = 128 };
	struct rindex_match m[16];
	uint64_t hits = 0, teams = 0;
	double t = cpu_seconds();
	for (size_t i = 0; i < n; i++) {
		memcpy(q.v6, &keys[2 * i], 16);
		size_t k = rindex_lookup(ix, &q, m, 16);
		hits += k;
		teams += k ? (uint64_t)m[0].team_id : 0;
	}
	t = cpu_seconds() - t;
	sink += teams;
	return (struct result){ t, hits };
}

static struct result run_asn(const struct rindex *ix, const uint32_t *keys, size_t n)
{
	struct rindex_query q = { .kind = RINDEX_ASN };
	struct rindex_match m[16];
	uint64_t hits = 0, teams = 0;
	double t = cpu_seconds();
	for (size_t i = 0; i < n; i++) {
		q.asn = keys[i];
		size_t k = rindex_lookup(ix, &q, m, 16);
		hits += k;
		teams += k ? (uint64_t)m[0].team_id : 0;
	}
	t = cpu_seconds() - t;
	sink += teams;
	return (struct result){ t, hits };
}

/* Domain queries: names of up to 63 bytes, read in the order of ORDER. */
static struct result run_dom(const struct rindex *ix, const char (*qn)[64], const uint32_t *order,
	size_t n)
{
	struct rindex_query q = { .kind = RINDEX_DOMAIN };
	struct rindex_match m[16];
	uint64_t hits = 0, teams = 0;
	double t = cpu_seconds();
	for (size_t i = 0; i < n; i++) {
		const char *s = qn[order[i]];
		q.namelen = strlen(s);
		memcpy(q.name, s, q.namelen + 1);
		size_t k = rindex_lookup(ix, &q, m, 16);
		hits += k;
		teams += k ? (uint64_t)m[0].team_id : 0;
	}
	t = cpu_seconds() - t;
	sink += teams;
	return (struct result){ t, hits };
}

/* The same lookups through rindex_lookup_batch, CHUNK queries a call. */
enum { CHUNK = 256 };

static struct result run_batch(const struct rindex *ix, enum rindex_kind kind, const void *keys,
	const char (*qn)[64], size_t n)
{
	static struct rindex_query qs[CHUNK];
	static struct rindex_match m[CHUNK * 16];
	static size_t counts[CHUNK];
	uint64_t hits = 0, teams = 0;
	const uint32_t *k32 = keys;
	const uint64_t *k64 = keys;
	for (size_t j = 0; j < CHUNK; j++)
		qs[j] = (struct rindex_query){ .kind = kind, .prefixlen = kind == RINDEX_IPV4 ? 32 : 128 };
	double t = cpu_seconds();
	for (size_t i = 0; i < n; i += CHUNK) {
		size_t c = n - i < CHUNK ? n - i : CHUNK;
		for (size_t j = 0; j < c; j++) {
			struct rindex_query *q = &qs[j];
			if (kind == RINDEX_IPV4)
				q->v4 = k32[i + j];
			else if (kind == RINDEX_IPV6)
				memcpy(q->v6, &k64[2 * (i + j)], 16);
			else if (kind == RINDEX_ASN)
				q->asn = k32[i + j];
			else {
				const char *s = qn[k32[i + j]];
				q->namelen = strlen(s);
				memcpy(q->name, s, q->namelen + 1);
			}
		}
		rindex_lookup_batch(ix, qs, c, m, 16, counts);
		for (size_t j = 0; j < c; j++) {
			hits += counts[j];
			teams += counts[j] ? (uint64_t)m[16 * j].team_id : 0;
		}
	}
	t = cpu_seconds() - t;
	sink += teams;
	return (struct result){ t, hits };
}

/* Parse each query from text, then look it up. */
static struct result run_text(const struct rindex *ix, const char (*qn)[64], const uint32_t *order,
	size_t n)
{
	struct rindex_query q;
	struct rindex_match m[16];
	uint64_t hits = 0;
	double t = cpu_seconds();
	for (size_t i = 0; i < n; i++) {
		if (rindex_parse_query(qn[order[i]], &q) == RINDEX_OK)
			hits += rindex_lookup(ix, &q, m, 16);
	}
	t = cpu_seconds() - t;
	sink += hits;
	return (struct result){ t, hits };
}

static int reps = 3;

/* The rate, and how it compares with the target and with one memory
 * latency per lookup (LATENCY in seconds). */
static void report(const char *what, struct result r, size_t n, double latency)
{
	double rate = (double)n / r.secs;
	printf("  %-22s %7.2f M/s  %6.1f ns  %.2f matches  %5.2fx target  %5.2fx latency\n", what,
		rate / 1e6, 1e9 / rate, (double)r.matches / (double)n, rate / TARGET, rate * latency);
}

/* An array of BYTES for the baselines, on huge pages from 4 MB as the
 * index's arrays are (route_build.c), so that both see the same TLB. */
static void *baseline_alloc(size_t bytes)
{
	size_t align = bytes >= ((size_t)4 << 20) ? (size_t)2 << 20 : 64;
	size_t size = (bytes + align - 1) & ~(align - 1);
	void *p = aligned_alloc(align, size);
#ifdef MADV_HUGEPAGE
	if (p && align > 64)
		madvise(p, size, MADV_HUGEPAGE);
#endif
	return p;
}

/* The best of REPS runs of CALL. */
#define BEST(call) ({ \
	struct result best_ = call; \
	for (int r_ = 1; r_ < reps; r_++) { \
		struct result x_ = call; \
		if (x_.secs < best_.secs) \
			best_ = x_; \
	} \
	best_; })

int main(int argc, char **argv)
{
	size_t n = (size_t)((argc > 1 ? atof(argv[1]) : 10) * 1e6);
	reps = argc > 2 ? atoi(argv[2]) : 3;
	if (n < 1000 || reps < 1)
		return 2;
	/* ---- rules ---- */
	pre4 = malloc(PREFIXES4 * sizeof(*pre4));
	pre6 = malloc(PREFIXES6 * sizeof(*pre6));
	names = malloc(DOMAINS * sizeof(*names));
	if (!pre4 || !pre6 || !names)
		return 1;
	for (size_t i = 0; i < PREFIXES4; i++)
		gen4(i);
	for (size_t i = 0; i < PREFIXES6; i++)
		gen6(i);
	for (size_t i = 0; i < DOMAINS; i++)
		gen_name(i);
	double rss0 = status_mb("VmRSS");

	double t0 = cpu_seconds();
	struct rindex_builder *b = rindex_builder_new();
	int64_t rule = 1;
	for (size_t i = 0; i < PREFIXES4; i++)
		rindex_add_ipv4(b, pre4[i].addr, pre4[i].len, 1 + below(TEAMS), rule++);
	for (size_t i = 0; i < PREFIXES6; i++) {
		uint8_t a[16] = { 0 };
		uint64_t be = htobe64(pre6[i].hi);
		memcpy(a, &be, 8);
		rindex_add_ipv6(b, a, pre6[i].len, 1 + below(TEAMS), rule++);
	}
	for (size_t i = 0; i < DOMAINS; i++)
		if (rindex_add_domain(b, names[i], below(5) == 0, 1 + below(TEAMS), rule++) != RINDEX_OK)
			return 1;
	rindex_add_domain(b, "jp", false, 1, rule++);
	for (int64_t t = 1; t <= TEAMS; t++)
		rindex_add_asn(b, 1 + below(400000), t, rule++);
	double t1 = cpu_seconds();
	struct rindex *ix = rindex_build(b);
	double t2 = cpu_seconds();
	if (!ix)
		return 1;
	double rss_built = status_mb("VmRSS");
	rindex_builder_free(b);
	double rss_freed = status_mb("VmRSS");
	malloc_trim(0);
	double rss_index = status_mb("VmRSS"), hwm = status_mb("VmHWM");

	printf("index: %zu rules (%d IPv4, %d IPv6 prefixes, %d domains, %d AS numbers), %d teams\n",
		rindex_count(ix), PREFIXES4, PREFIXES6, DOMAINS + 1, TEAMS, TEAMS);
	printf("build: %.2f s (adding %.2f s)\n", t2 - t1, t1 - t0);
	printf("memory: rindex_memory %.1f MB (%.1f bytes/rule)\n", (double)rindex_memory(ix) / 1048576,
		(double)rindex_memory(ix) / (double)rindex_count(ix));
	printf("RSS: %.1f MB before building (the generated rules), %.1f MB with builder and index, "
		"%.1f MB once the builder is freed, %.1f MB after malloc_trim: the index adds %.1f MB; "
		"peak %.1f MB while building\n", rss0, rss_built, rss_freed, rss_index, rss_index - rss0, hwm);

	/* ---- queries: mostly inside some rule, some anywhere ---- */
	uint32_t *k4 = malloc(n * sizeof(*k4)), *ka = malloc(n * sizeof(*ka));
	uint64_t *k6 = malloc(2 * n * sizeof(*k6));
	/* Text queries are read in order (query i is name i mod NQ), as a
	 * batch arrives: the names are random, reading them is not a miss. */
	uint32_t *order = malloc(n * sizeof(*order));
	enum { NQ = 1 << 20 };
	char (*qn)[64] = malloc(NQ * sizeof(*qn));
	char (*qt)[64] = malloc(NQ * sizeof(*qt));
	if (!k4 || !ka || !k6 || !order || !qn || !qt)
		return 1;
	for (size_t i = 0; i < n; i++) {
		struct p4 p = pre4[below(PREFIXES4)];
		k4[i] = below(10) ? p.addr | ((uint32_t)rnd() & ~mask4(p.len)) : (uint32_t)rnd();
		struct p6 p6 = pre6[below(PREFIXES6)];
		uint64_t hi = below(10) ? p6.hi | (rnd() & ~mask6(p6.len)) : 0x2000000000000000ull | rnd() >> 3;
		k6[2 * i] = htobe64(hi);
		k6[2 * i + 1] = rnd();
		ka[i] = below(5) ? 1 + below(400000) : (uint32_t)rnd();
		order[i] = (uint32_t)(i % NQ);
	}
	for (size_t i = 0; i < NQ; i++) {
		static const char *const host[] = { "www.", "mail.", "a.b.", "vpn.", "", "" };
		uint32_t r = below(10);
		if (r < 9)
			snprintf(qn[i], sizeof(qn[i]), "%s%s", host[below(6)], names[below(DOMAINS)]);
		else
			snprintf(qn[i], sizeof(qn[i]), "x%u.example.%s", below(1000000), r ? "com" : "jp");
		if (i % 2)
			snprintf(qt[i], sizeof(qt[i]), "%u.%u.%u.%u", k4[i % n] >> 24, (k4[i % n] >> 16) & 255,
				(k4[i % n] >> 8) & 255, k4[i % n] & 255);
		else
			snprintf(qt[i], sizeof(qt[i]), "%s", qn[i]);
	}

	/* ---- the ceiling: random reads from an array as large as the index;
	 * the array is one random cycle (Sattolo), so following it measures
	 * the latency of a read that waits for the one before ---- */
	size_t words = rindex_memory(ix) / sizeof(uint32_t);
	uint32_t *arr = baseline_alloc(words * sizeof(*arr)), *idx = malloc(n * sizeof(*idx));
	if (!arr || !idx)
		return 1;
	for (size_t i = 0; i < words; i++)
		arr[i] = (uint32_t)i;
	for (size_t i = words - 1; i > 0; i--) {
		size_t j = rnd() % i;
		uint32_t t = arr[i];
		arr[i] = arr[j];
		arr[j] = t;
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = (uint32_t)(rnd() % words);
	double tc = 1e9;
	for (int r = 0; r < reps; r++) {
		uint64_t sum = 0;
		double t = cpu_seconds();
		for (size_t i = 0; i < n; i++)
			sum += arr[idx[i]];
		t = cpu_seconds() - t;
		sink += sum;
		tc = t < tc ? t : tc;
	}
	double ceiling = (double)n / tc, latency = 1e9;
	for (int r = 0; r < reps; r++) {
		uint32_t p = 0;
		size_t steps = n / 10;
		double t = cpu_seconds();
		for (size_t i = 0; i < steps; i++)
			p = arr[p];
		t = cpu_seconds() - t;
		sink += p;
		latency = t / (double)steps < latency ? t / (double)steps : latency;
	}

	const char (*cqn)[64] = (const char (*)[64])qn;
	printf("lookups: %.1f M per family, one thread, 16 match slots, best of %d runs (CPU time)\n",
		(double)n / 1e6, reps);
	printf("memory latency: %.1f ns a dependent read (%.2f M/s); independent reads: %.1f ns (%.1f M/s); "
		"from %.1f MB\n", 1e9 * latency, 1e-6 / latency, 1e9 / ceiling, ceiling / 1e6,
		(double)(words * 4) / 1048576);
	printf(" one at a time (rindex_lookup):\n");
	report("IPv4", BEST(run4(ix, k4, n)), n, latency);
	report("IPv6", BEST(run6(ix, k6, n)), n, latency);
	report("domain", BEST(run_dom(ix, cqn, order, n)), n, latency);
	report("AS number", BEST(run_asn(ix, ka, n)), n, latency);
	report("text (parse + lookup)", BEST(run_text(ix, (const char (*)[64])qt, order, n)), n, latency);
	printf(" in batches of %d (rindex_lookup_batch):\n", CHUNK);
	report("IPv4", BEST(run_batch(ix, RINDEX_IPV4, k4, NULL, n)), n, latency);
	report("IPv6", BEST(run_batch(ix, RINDEX_IPV6, k6, NULL, n)), n, latency);
	report("domain", BEST(run_batch(ix, RINDEX_DOMAIN, order, cqn, n)), n, latency);
	report("AS number", BEST(run_batch(ix, RINDEX_ASN, ka, NULL, n)), n, latency);
	printf("target: %.0f M lookups/s; 1.00x latency: %.2f M/s\n", TARGET / 1e6, 1e-6 / latency);

	rindex_free(ix);
	free(arr);
	free(idx);
	free(k4);
	free(k6);
	free(ka);
	free(order);
	free(qn);
	free(qt);
	free(pre4);
	free(pre6);
	free(names);
	return sink == 42;
}
