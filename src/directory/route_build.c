/* Building the constituency index: the builder collects rules as given,
 * rindex_build sorts them and lays them out as route_index_int.h describes.
 * This file holds the builder, the pool every list is written to, and the
 * AS numbers; route_build_ip.c and route_build_name.c lay out the IP
 * prefixes and the domain names. Building is the slow, allocating half;
 * the index it returns is never written again. */
#include <stdlib.h>
#include <string.h>
#include "directory/route_build_int.h"

struct rindex_builder *rindex_builder_new(void)
{
	struct rindex_builder *b = calloc(1, sizeof(*b));
	if (b)
		buf_init(&b->names, RINDEX_MAX_RULES * (RINDEX_NAME_MAX + 1));
	return b;
}

void rindex_builder_free(struct rindex_builder *b)
{
	if (!b)
		return;
	free(b->v4);
	free(b->v6);
	free(b->as);
	free(b->dom);
	buf_release(&b->names);
	free(b);
}

size_t rindex_builder_count(const struct rindex_builder *b)
{
	return b->n4 + b->n6 + b->nas + b->ndom;
}

static void note_ids(struct rindex_builder *b, int64_t team, int64_t rule)
{
	if (team < 0 || team >> RINDEX_TEAM_BITS || rule < 0 || rule >> RINDEX_RULE_BITS)
		b->wide = true;
}

/* Room for one more element of SIZE bytes in *P (N used, *CAP allocated). */
static int grow(void *p, size_t *cap, size_t n, size_t size)
{
	void **pp = p;
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 64;
	void *q = realloc(*pp, ncap * size);
	if (!q)
		return -1;
	*pp = q;
	*cap = ncap;
	return 0;
}

static int add_ip(struct rindex_builder *b, bool v6, rindex_u128 addr, int len, int64_t team,
	int64_t rule)
{
	struct ip_rule **arr = v6 ? &b->v6 : &b->v4;
	size_t *n = v6 ? &b->n6 : &b->n4;
	if (rindex_builder_count(b) >= RINDEX_MAX_RULES)
		return RINDEX_ETOOMANY;
	if (grow(arr, v6 ? &b->cap6 : &b->cap4, *n, sizeof(**arr)) < 0)
		return RINDEX_ENOMEM;
	struct ip_rule *r = &(*arr)[(*n)++];
	r->addr = addr & ~rindex_host_mask(len, v6 ? 128 : 32);
	r->len = (uint8_t)len;
	r->team = team;
	r->rule = rule;
	r->seq = b->seq++;
	note_ids(b, team, rule);
	return RINDEX_OK;
}

int rindex_add_ipv4(struct rindex_builder *b, uint32_t addr, int prefixlen, int64_t team_id,
	int64_t rule_id)
{
	if (prefixlen < 0 || prefixlen > 32)
		return RINDEX_EPREFIX;
	return add_ip(b, false, addr, prefixlen, team_id, rule_id);
}

int rindex_add_ipv6(struct rindex_builder *b, const uint8_t addr[16], int prefixlen,
	int64_t team_id, int64_t rule_id)
{
	uint32_t v4;
	int len4;
	if (prefixlen < 0 || prefixlen > 128)
		return RINDEX_EPREFIX;
	if (rindex_v6_mapped(addr, prefixlen, &v4, &len4))
		return add_ip(b, false, v4, len4, team_id, rule_id);
	rindex_u128 a = 0;
	for (int i = 0; i < 16; i++)
		a = a << 8 | addr[i];
	return add_ip(b, true, a, prefixlen, team_id, rule_id);
}

int rindex_add_asn(struct rindex_builder *b, uint32_t asn, int64_t team_id, int64_t rule_id)
{
	if (rindex_builder_count(b) >= RINDEX_MAX_RULES)
		return RINDEX_ETOOMANY;
	if (grow(&b->as, &b->capas, b->nas, sizeof(*b->as)) < 0)
		return RINDEX_ENOMEM;
	b->as[b->nas++] = (struct asn_rule){ .asn = asn, .seq = b->seq++, .team = team_id, .rule = rule_id };
	note_ids(b, team_id, rule_id);
	return RINDEX_OK;
}

/* Add a name already normalised by rindex_parse_domain. */
static int add_parsed_domain(struct rindex_builder *b, const struct rindex_query *q, int64_t team,
	int64_t rule)
{
	if (rindex_builder_count(b) >= RINDEX_MAX_RULES)
		return RINDEX_ETOOMANY;
	if (grow(&b->dom, &b->capdom, b->ndom, sizeof(*b->dom)) < 0)
		return RINDEX_ENOMEM;
	size_t off = b->names.len;
	if (buf_add(&b->names, q->name, q->namelen + 1) < 0)
		return RINDEX_ENOMEM;
	int labels = 1;
	for (size_t i = 0; i < q->namelen; i++)
		labels += q->name[i] == '.';
	b->dom[b->ndom++] = (struct dom_rule){
		.name_off = (uint32_t)off, .seq = b->seq++, .wild = q->wildcard,
		.namelen = (uint8_t)q->namelen, .labels = (uint8_t)labels, .team = team, .rule = rule,
	};
	note_ids(b, team, rule);
	return RINDEX_OK;
}

int rindex_add_domain(struct rindex_builder *b, const char *name, bool wildcard,
	int64_t team_id, int64_t rule_id)
{
	struct rindex_query q;
	int rc = rindex_parse_domain(name, strlen(name), false, &q);
	if (rc)
		return rc;
	q.wildcard = wildcard;
	return add_parsed_domain(b, &q, team_id, rule_id);
}

int rindex_add_rule(struct rindex_builder *b, const char *text, int64_t team_id, int64_t rule_id)
{
	struct rindex_query q;
	int rc = rindex_parse_rule(text, &q);
	if (rc)
		return rc;
	switch (q.kind) {
	case RINDEX_IPV4:
		return rindex_add_ipv4(b, q.v4, q.prefixlen, team_id, rule_id);
	case RINDEX_IPV6:
		return rindex_add_ipv6(b, q.v6, q.prefixlen, team_id, rule_id);
	case RINDEX_ASN:
		return rindex_add_asn(b, q.asn, team_id, rule_id);
	default:
		return add_parsed_domain(b, &q, team_id, rule_id);
	}
}


/* ---- the pool ---- */

size_t rindex_pool_take(struct pool *p, size_t n)
{
	if (p->n + n > p->cap) {
		size_t cap = p->cap ? p->cap : 4096;
		while (cap < p->n + n)
			cap *= 2;
		uint64_t *w = realloc(p->w, cap * sizeof(*w));
		if (!w)
			return SIZE_MAX;
		p->w = w;
		p->cap = cap;
	}
	size_t off = p->n;
	p->n += n;
	return off + n < RINDEX_REF_PAYLOAD ? off : SIZE_MAX;
}

uint64_t rindex_pool_payload(struct pool *p, int64_t team, int64_t rule)
{
	if (!p->wide)
		return (uint64_t)team | (uint64_t)rule << RINDEX_TEAM_BITS;
	if (grow(&p->ids, &p->capids, 2 * p->nids + 1, sizeof(*p->ids)) < 0)
		return UINT64_MAX;
	p->ids[2 * p->nids] = team;
	p->ids[2 * p->nids + 1] = rule;
	return p->nids++;
}

/* ---- AS numbers: a list per number, a table of slots ---- */

static uint32_t table_mask(size_t entries)
{
	size_t slots = 8;
	while (slots < 2 * entries)
		slots *= 2;
	return (uint32_t)(slots - 1);
}

static int asn_rule_cmp(const void *pa, const void *pb)
{
	const struct asn_rule *a = pa, *b = pb;
	if (a->asn != b->asn)
		return a->asn < b->asn ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int build_asn(struct rindex *ix, struct pool *pl, struct asn_rule *r, size_t n)
{
	size_t groups = 0;
	if (!n)
		return 0;
	qsort(r, n, sizeof(*r), asn_rule_cmp);
	for (size_t i = 0; i < n; i++)
		groups += !i || r[i].asn != r[i - 1].asn;
	ix->amask = table_mask(groups);
	ix->aslot = huge_alloc(((size_t)ix->amask + 1) * sizeof(*ix->aslot));
	if (!ix->aslot)
		return -1;
	memset(ix->aslot, 0, ((size_t)ix->amask + 1) * sizeof(*ix->aslot));
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && r[j].asn == r[i].asn; j++)
			;
		size_t off = rindex_pool_take(pl, j - i);
		if (off == SIZE_MAX)
			return -1;
		for (size_t k = i; k < j; k++) {
			uint64_t p = rindex_pool_payload(pl, r[k].team, r[k].rule);
			if (p == UINT64_MAX)
				return -1;
			pl->w[off + k - i] = p | (k + 1 == j ? RINDEX_REC_END : 0);
		}
		uint32_t s = rindex_asn_slot(r[i].asn) & ix->amask;
		while (ix->aslot[s].ref)
			s = (s + 1) & ix->amask;
		ix->aslot[s] = (struct rindex_slot){ r[i].asn, (uint32_t)off + 1 };
	}
	return 0;
}

struct rindex *rindex_build(struct rindex_builder *b)
{
	struct rindex *ix = calloc(1, sizeof(*ix));
	struct pool pl = { .wide = b->wide };
	if (!ix)
		return NULL;
	atomic_init(&ix->refs, 0);
	ix->nrules = rindex_builder_count(b);
	if (rindex_build_ip(ix, &pl, b->v4, b->n4, 32) < 0 || rindex_build_ip(ix, &pl, b->v6, b->n6, 128) < 0 ||
		build_asn(ix, &pl, b->as, b->nas) < 0 ||
		rindex_build_names(ix, &pl, b->dom, b->ndom, b->names.data) < 0)
		goto fail;
	ix->pool = huge_move(pl.w, pl.n, sizeof(*pl.w));
	ix->npool = pl.n;
	ix->ids = huge_move(pl.ids, 2 * pl.nids, sizeof(*pl.ids));
	ix->nids = pl.nids;
	if ((pl.n && !ix->pool) || (pl.nids && !ix->ids)) {
		rindex_free(ix);
		return NULL;
	}
	return ix;
fail:
	free(pl.w);
	free(pl.ids);
	rindex_free(ix);
	return NULL;
}
