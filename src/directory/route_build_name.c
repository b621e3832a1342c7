/* Building the domain part of the constituency index (layout:
 * route_index_int.h): an entry per distinct rule name, holding the name
 * and its list (its plain rules, its wildcards, then those of the rule
 * names above it), and the bucketed hash table that finds an entry from
 * the hash of a name. */
#include <stdlib.h>
#include <string.h>
#include "directory/route_build_int.h"

struct dname {
	uint32_t first;             /* its rules, r[first ..]: plain, then wildcards */
	uint32_t nexact, nwild;
	uint32_t up;                /* the longest rule name it is below: index + 1, 0 none */
	uint32_t list;              /* word offset of its list + 1 once written, else 0 */
	uint32_t entry;             /* ref of its entry once written */
	uint64_t hash;
};

struct names {
	struct rindex *ix;
	struct pool *pl;
	const struct dom_rule *r;
	const char *text;           /* the builder's names */
	uint64_t *payload;          /* each rule's record payload */
	struct dname *d;
	size_t n;
};

static int dom_rule_cmp(const void *pa, const void *pb, void *arg)
{
	const struct dom_rule *a = pa, *b = pb;
	const char *names = arg;
	int c = strcmp(names + a->name_off, names + b->name_off);
	if (c)
		return c;
	if (a->wild != b->wild)
		return a->wild < b->wild ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static const char *dname_text(const struct names *ns, const struct dname *d)
{
	return ns->text + ns->r[d->first].name_off;
}

/* The hash of the whole name S[0..LEN) (its longest suffix's). */
static uint64_t name_hash(const char *s, size_t len)
{
	uint64_t hash[RINDEX_NAME_MAX / 2 + 1];
	uint8_t start[RINDEX_NAME_MAX / 2 + 1];
	size_t n = rindex_suffix_hashes(s, len, hash, start, RINDEX_NAME_MAX / 2 + 1, NULL, 0);
	return hash[n - 1];
}

/* The name S[0..LEN) of hash H: its index + 1 while the table's refs are
 * still indexes, 0 when it is not a rule name. */
static uint32_t find_name(const struct names *ns, uint64_t h, const char *s, size_t len)
{
	const struct rindex *ix = ns->ix;
	for (uint32_t b = (uint32_t)h & ix->nmask;; b = (b + 1) & ix->nmask) {
		const struct rindex_name_bucket *bk = &ix->names[b];
		for (unsigned i = 0; i < RINDEX_NAME_SLOTS; i++) {
			const struct dname *d = bk->ref[i] ? &ns->d[bk->ref[i] - 1] : NULL;
			if (d && bk->tag[i] == rindex_name_tag(h) && ns->r[d->first].namelen == len &&
				!memcmp(dname_text(ns, d), s, len))
				return bk->ref[i];
		}
		if (!bk->more)
			return 0;
	}
}

static void insert(struct rindex *ix, uint64_t h, uint32_t ref)
{
	for (uint32_t b = (uint32_t)h & ix->nmask;; b = (b + 1) & ix->nmask) {
		struct rindex_name_bucket *bk = &ix->names[b];
		for (unsigned i = 0; i < RINDEX_NAME_SLOTS; i++) {
			if (!bk->ref[i]) {
				bk->tag[i] = rindex_name_tag(h);
				bk->ref[i] = ref;
				return;
			}
		}
		bk->more = 1;
	}
}

/* Write name D's entry, and first the lists it links to; 0 or -1. Its
 * list: its plain rules, its wildcards, then each name above it while
 * the list stays within RINDEX_COPY_MAX records, then a link. */
static int write_entry(struct names *ns, uint32_t d)
{
	const struct dname *e = &ns->d[d];
	const struct dom_rule *rule = &ns->r[e->first];
	size_t total = e->nexact + e->nwild;
	uint32_t stop = e->up;
	for (; stop && total + ns->d[stop - 1].nexact + ns->d[stop - 1].nwild <= RINDEX_COPY_MAX;
		stop = ns->d[stop - 1].up)
		total += ns->d[stop - 1].nexact + ns->d[stop - 1].nwild;
	if (stop && !ns->d[stop - 1].list && write_entry(ns, stop - 1) < 0)
		return -1;
	size_t nlen = rule->namelen, nwords = (nlen + 1 + 7) / 8;
	size_t off = rindex_pool_take(ns->pl, 1 + nwords + total + (stop != 0));
	if (off == SIZE_MAX)
		return -1;
	uint64_t *w = ns->pl->w + off;
	w[0] = nlen | (uint64_t)rule->labels << 8;
	w[nwords] = 0;
	memcpy(w + 1, dname_text(ns, e), nlen + 1);
	size_t k = 1 + nwords;
	for (uint32_t x = d + 1; x != stop; x = ns->d[x - 1].up) {
		const struct dname *a = &ns->d[x - 1];
		uint64_t up = (uint64_t)(rule->labels - ns->r[a->first].labels) << RINDEX_REC_AUX_SHIFT;
		for (uint32_t i = 0; i < a->nexact + a->nwild; i++) {
			uint64_t wild = i < a->nexact ? 0 : (uint64_t)RINDEX_AUX_WILD << RINDEX_REC_AUX_SHIFT;
			w[k++] = ns->payload[a->first + i] | up | wild;
		}
	}
	if (stop)
		w[k] = rindex_link(ns->d[stop - 1].list - 1,
			(unsigned)(rule->labels - ns->r[ns->d[stop - 1].first].labels));
	else
		w[k - 1] |= RINDEX_REC_END;
	ns->d[d].entry = (uint32_t)off + 1;
	ns->d[d].list = (uint32_t)(off + 1 + nwords) + 1;
	return 0;
}

/* Link each name to the longest rule name it is below: its suffixes after
 * a dot, longest first, looked up in the table. */
static void find_ups(struct names *ns)
{
	uint64_t hash[RINDEX_NAME_MAX / 2 + 1];
	uint8_t at[RINDEX_NAME_MAX / 2 + 1];
	for (size_t i = 0; i < ns->n; i++) {
		const char *s = dname_text(ns, &ns->d[i]);
		size_t len = ns->r[ns->d[i].first].namelen;
		size_t nsuf = rindex_suffix_hashes(s, len, hash, at, RINDEX_NAME_MAX / 2 + 1, NULL, 0);
		/* the last suffix is the name itself */
		for (nsuf = nsuf ? nsuf - 1 : 0; nsuf-- > 0 && !ns->d[i].up;)
			ns->d[i].up = find_name(ns, hash[nsuf], s + at[nsuf], len - at[nsuf]);
	}
}

int rindex_build_names(struct rindex *ix, struct pool *pl, struct dom_rule *r, size_t n,
	const char *names)
{
	struct names ns = { .ix = ix, .pl = pl, .r = r, .text = names };
	size_t buckets = 1;
	int rc = -1;
	if (!n)
		return 0;
	qsort_r(r, n, sizeof(*r), dom_rule_cmp, (void *)names);
	ns.d = calloc(n, sizeof(*ns.d));
	ns.payload = malloc(n * sizeof(*ns.payload));
	if (!ns.d || !ns.payload)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if ((ns.payload[i] = rindex_pool_payload(pl, r[i].team, r[i].rule)) == UINT64_MAX)
			goto out;
		if (i && !strcmp(names + r[i].name_off, names + r[i - 1].name_off)) {
			ns.d[ns.n - 1].nexact += !r[i].wild;
			ns.d[ns.n - 1].nwild += r[i].wild;
			continue;
		}
		ns.d[ns.n++] = (struct dname){ .first = (uint32_t)i, .nexact = !r[i].wild, .nwild = r[i].wild,
			.hash = name_hash(names + r[i].name_off, r[i].namelen) };
	}
	/* At most ten names to sixteen slots: one bucket in twenty sends a
	 * name on to the next. */
	while (buckets * RINDEX_NAME_SLOTS * 10 < ns.n * 16)
		buckets *= 2;
	ix->nmask = (uint32_t)(buckets - 1);
	ix->names = huge_alloc(buckets * sizeof(*ix->names));
	if (!ix->names)
		goto out;
	memset(ix->names, 0, buckets * sizeof(*ix->names));
	for (size_t i = 0; i < ns.n; i++)
		insert(ix, ns.d[i].hash, (uint32_t)i + 1);
	find_ups(&ns);
	for (size_t i = 0; i < ns.n; i++)
		if (!ns.d[i].list && write_entry(&ns, (uint32_t)i) < 0)
			goto out;
	for (size_t b = 0; b < buckets; b++)
		for (unsigned i = 0; i < RINDEX_NAME_SLOTS; i++)
			if (ix->names[b].ref[i])
				ix->names[b].ref[i] = ns.d[ix->names[b].ref[i] - 1].entry;
	rc = 0;
out:
	free(ns.d);
	free(ns.payload);
	return rc;
}
