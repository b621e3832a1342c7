/* Constituency lookups per second in process (target >= 5 M/s) against
 * the index the server builds (lookup_build) from a seeded database,
 * rather than bench/lookup.c's synthetic one: `shisa dev seed --teams
 * 100000` holds about a million prefixes, nested and shared between teams
 * as members' are. Queries are mostly inside some team's rule (an address
 * in a prefix, a name under a domain, an AS number of a team), one in ten
 * anywhere; each family one at a time on one thread and on every core at
 * once, and in batches on one thread, the best of R runs, timed on each
 * thread's CPU clock (a run that waits for the processor does not count
 * the wait).
 *
 *   build/bench/bench_lookup_db DB [M] [R]
 *
 * M millions of lookups per family (default 5), R runs (default 3). */
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "directory/lookup.h"
#include "bench_util.h"

#define TARGET 5e6
enum { CHUNK = 256, SLOTS = 16 };

/* The rules of the database, parsed, by family. */
struct rules {
	struct rindex_query *v4, *v6, *asn, *dom;
	size_t n4, n6, nasn, ndom;
};

static int read_rules(struct db *db, struct rules *r)
{
	static const char sql[] = "SELECT value FROM team_constituency WHERE kind IN ('asn', 'cidr', 'domain')";
	int64_t total = db_scalar(db, "SELECT count(*) FROM team_constituency");
	if (total < 1)
		return -1;
	r->v4 = malloc((size_t)total * sizeof(*r->v4));
	r->v6 = malloc((size_t)total * sizeof(*r->v6));
	r->asn = malloc((size_t)total * sizeof(*r->asn));
	r->dom = malloc((size_t)total * sizeof(*r->dom));
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!r->v4 || !r->v6 || !r->asn || !r->dom || !st)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct rindex_query q;
		if (rindex_parse_rule(db_col_text(st, 0), &q) != RINDEX_OK)
			continue;
		if (q.kind == RINDEX_IPV4)
			r->v4[r->n4++] = q;
		else if (q.kind == RINDEX_IPV6)
			r->v6[r->n6++] = q;
		else if (q.kind == RINDEX_ASN)
			r->asn[r->nasn++] = q;
		else
			r->dom[r->ndom++] = q;
	}
	sqlite3_reset(st);
	return r->n4 && r->n6 && r->nasn && r->ndom ? 0 : -1;
}

/* The queries of a family, kept small (a query struct holds a whole
 * name): addresses, AS numbers, or names cycled through. */
struct keys {
	enum rindex_kind kind;
	uint32_t *u32;            /* IPv4, AS number */
	uint8_t (*v6)[16];
	char (*names)[64];
	size_t n, nnames;
};

/* N queries of KIND: inside a random rule of RULES (nine in ten), or
 * anywhere. */
static int make_keys(struct keys *k, const struct rindex_query *rules, size_t nrules, enum rindex_kind kind, size_t n)
{
	static const char *const hosts[] = {"www.", "mail.", "vpn.", "a.b.", "", ""};
	k->kind = kind;
	k->n = n;
	k->nnames = n < (1u << 20) ? n : 1u << 20;
	if (kind == RINDEX_IPV4 || kind == RINDEX_ASN)
		k->u32 = malloc(n * sizeof(*k->u32));
	else if (kind == RINDEX_IPV6)
		k->v6 = calloc(n, sizeof(*k->v6));
	else
		k->names = malloc(k->nnames * sizeof(*k->names));
	if (!k->u32 && !k->v6 && !k->names)
		return -1;
	size_t count = kind == RINDEX_DOMAIN ? k->nnames : n;
	for (size_t i = 0; i < count; i++) {
		const struct rindex_query *rule = &rules[rnd() % nrules];
		bool inside = rnd() % 10 != 0;
		if (kind == RINDEX_IPV4) {
			uint32_t host = rule->prefixlen ? ~0u >> rule->prefixlen : ~0u;
			k->u32[i] = inside ? rule->v4 | ((uint32_t)rnd() & host) : (uint32_t)rnd();
		} else if (kind == RINDEX_ASN) {
			k->u32[i] = inside ? rule->asn : (uint32_t)(rnd() % 4000000000u) + 1;
		} else if (kind == RINDEX_IPV6) {
			memcpy(k->v6[i], rule->v6, 16);
			for (int b = inside ? rule->prefixlen : 16; b < 128; b++)
				if (rnd() & 1)
					k->v6[i][b / 8] |= (uint8_t)(0x80 >> (b % 8));
			if (!inside)
				k->v6[i][0] = 0x2a;
		} else if (inside) {
			snprintf(k->names[i], sizeof(k->names[i]), "%s%.58s", hosts[rnd() % 6], rule->name);
		} else {
			snprintf(k->names[i], sizeof(k->names[i]), "x%u.example.com", (unsigned)(rnd() % 1000000));
		}
	}
	return 0;
}

/* Query I of K into Q (whose kind and lengths are set). */
static inline void key_query(const struct keys *k, size_t i, struct rindex_query *q)
{
	if (k->kind == RINDEX_IPV4)
		q->v4 = k->u32[i];
	else if (k->kind == RINDEX_ASN)
		q->asn = k->u32[i];
	else if (k->kind == RINDEX_IPV6)
		memcpy(q->v6, k->v6[i], 16);
	else {
		const char *s = k->names[i % k->nnames];
		q->namelen = strlen(s);
		memcpy(q->name, s, q->namelen + 1);
	}
}

static void keys_free(struct keys *k)
{
	free(k->u32);
	free(k->v6);
	free(k->names);
}

struct result {
	double secs;
	uint64_t matches;
};

static volatile uint64_t sink;

static struct result one_at_a_time(const struct rindex *ix, const struct keys *k)
{
	struct rindex_query q = {.kind = k->kind, .prefixlen = k->kind == RINDEX_IPV4 ? 32 : 128};
	struct rindex_match m[SLOTS];
	uint64_t hits = 0, teams = 0;
	double t = cpu_seconds();
	for (size_t i = 0; i < k->n; i++) {
		key_query(k, i, &q);
		size_t c = rindex_lookup(ix, &q, m, SLOTS);
		hits += c;
		teams += c ? (uint64_t)m[0].team_id : 0;
	}
	sink += teams;
	return (struct result){cpu_seconds() - t, hits};
}

static struct result batched(const struct rindex *ix, const struct keys *k)
{
	static struct rindex_query qs[CHUNK];
	static struct rindex_match m[CHUNK * SLOTS];
	static size_t counts[CHUNK];
	uint64_t hits = 0, teams = 0;
	for (size_t j = 0; j < CHUNK; j++)
		qs[j] = (struct rindex_query){.kind = k->kind, .prefixlen = k->kind == RINDEX_IPV4 ? 32 : 128};
	double t = cpu_seconds();
	for (size_t i = 0; i < k->n; i += CHUNK) {
		size_t c = k->n - i < CHUNK ? k->n - i : CHUNK;
		for (size_t j = 0; j < c; j++)
			key_query(k, i + j, &qs[j]);
		rindex_lookup_batch(ix, qs, c, m, SLOTS, counts);
		for (size_t j = 0; j < c; j++) {
			hits += counts[j];
			teams += counts[j] ? (uint64_t)m[SLOTS * j].team_id : 0;
		}
	}
	sink += teams;
	return (struct result){cpu_seconds() - t, hits};
}

static int reps = 3;

struct shared_run {
	const struct rindex *ix;
	const struct keys *k;
	struct result r;
};

static void *shared_one_at_a_time(void *arg)
{
	struct shared_run *s = arg;
	s->r = one_at_a_time(s->ix, s->k);
	return NULL;
}

/* One at a time on every core at once, as the server's loops look up:
 * the sum of each thread's rate on its own CPU clock (what they lose to
 * each other in the shared cache and memory counts; waiting for a
 * processor taken by other work does not). 0 if a thread cannot start. */
static double all_cores(const struct rindex *ix, const struct keys *k, int cores)
{
	struct shared_run runs[8];
	pthread_t th[8];
	int started = 0;
	for (int i = 0; i < cores && i < 8; i++) {
		runs[i] = (struct shared_run){ix, k, {0, 0}};
		if (pthread_create(&th[i], NULL, shared_one_at_a_time, &runs[i]) != 0)
			break;
		started++;
	}
	double rate = 0;
	for (int i = 0; i < started; i++) {
		pthread_join(th[i], NULL);
		rate += (double)k->n / runs[i].r.secs;
	}
	return started == cores ? rate : 0;
}

static void report(const char *what, const struct rindex *ix, const struct keys *k)
{
	int cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
	cores = cores < 1 ? 1 : cores > 8 ? 8 : cores;
	struct result a = one_at_a_time(ix, k), b = batched(ix, k);
	double rc = all_cores(ix, k, cores);
	for (int r = 1; r < reps; r++) {
		struct result x = one_at_a_time(ix, k), y = batched(ix, k);
		double z = all_cores(ix, k, cores);
		a = x.secs < a.secs ? x : a;
		b = y.secs < b.secs ? y : b;
		rc = z > rc ? z : rc;
	}
	double ra = (double)k->n / a.secs, rb = (double)k->n / b.secs;
	printf("  %-10s one at a time %6.2f M/s (%5.1f ns, %.2fx target)   on %d cores at once %6.2f M/s (%.2fx)"
	       "   batches of %d %6.2f M/s (%.2fx)   %.2f matches\n",
	       what, ra / 1e6, 1e9 / ra, ra / TARGET, cores, rc / 1e6, rc / TARGET, CHUNK, rb / 1e6, rb / TARGET,
	       (double)a.matches / (double)k->n);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_lookup_db DB [M] [R]\n");
		return 2;
	}
	size_t n = (size_t)((argc > 2 ? atof(argv[2]) : 5) * 1e6);
	reps = argc > 3 ? atoi(argv[3]) : 3;
	struct db db;
	char err[256];
	struct rules rules = {0};
	if (n < 1000 || reps < 1 || db_open(&db, argv[1], false, err, sizeof(err)) < 0 || read_rules(&db, &rules) < 0) {
		fprintf(stderr, "bench_lookup_db: %s has no IPv4, IPv6, AS and domain rules (shisa dev seed --teams N)\n",
		        argv[1]);
		return 1;
	}
	int64_t teams = db_scalar(&db, "SELECT count(*) FROM teams");
	double rss0 = status_mb("VmRSS"), t0 = cpu_seconds();
	struct rindex *ix = lookup_build(&db, DIR_MEMBERS);
	double t1 = cpu_seconds();
	if (!ix) {
		fprintf(stderr, "bench_lookup_db: lookup_build failed: %s\n", sqlite3_errmsg(db.h));
		return 1;
	}
	malloc_trim(0);
	printf("index from %s: %lld teams, %zu rules seen by members (%zu IPv4, %zu IPv6 prefixes, %zu domains, "
	       "%zu AS numbers in the database), built in %.2f s, %.1f MB (RSS %+.1f MB)\n",
	       argv[1], (long long)teams, rindex_count(ix), rules.n4, rules.n6, rules.ndom, rules.nasn, t1 - t0,
	       (double)rindex_memory(ix) / 1048576, status_mb("VmRSS") - rss0);
	struct keys k4 = {0}, k6 = {0}, ka = {0}, kd = {0};
	if (make_keys(&k4, rules.v4, rules.n4, RINDEX_IPV4, n) < 0 || make_keys(&k6, rules.v6, rules.n6, RINDEX_IPV6, n) < 0 ||
	    make_keys(&ka, rules.asn, rules.nasn, RINDEX_ASN, n) < 0 || make_keys(&kd, rules.dom, rules.ndom, RINDEX_DOMAIN, n) < 0)
		return 1;
	printf("lookups: %.1f M per family, %d match slots, best of %d runs (CPU time)\n", (double)n / 1e6, SLOTS, reps);
	report("IPv4", ix, &k4);
	report("IPv6", ix, &k6);
	report("domain", ix, &kd);
	report("AS number", ix, &ka);
	printf("target: %.0f M lookups/s\n", TARGET / 1e6);
	rindex_free(ix);
	keys_free(&k4);
	keys_free(&k6);
	keys_free(&ka);
	keys_free(&kd);
	free(rules.v4);
	free(rules.v6);
	free(rules.asn);
	free(rules.dom);
	db_close(&db);
	return sink == 42;
}
