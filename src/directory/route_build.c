/* Building the constituency index: the builder collects rules as given,
 * rindex_build sorts them and lays them out as route_index_int.h describes
 * (groups and entries in the pool, a range trie per IP family, hash tables
 * for names and AS numbers). Building is the slow, allocating half; the
 * index it returns is never written again. */
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
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
	bool wide;                  /* some id is outside 0..UINT32_MAX */
};

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
	if (team < 0 || team > UINT32_MAX || rule < 0 || rule > UINT32_MAX)
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

struct pool {
	uint64_t *w;
	size_t n, cap;
	unsigned rw;                /* words per record: 1 (ids32) or 2 */
};

/* Record K of those starting at W: (team, rule) as two words, or as one
 * word (team in the low half) when every id fits 32 bits. */
static void put_record(const struct pool *p, uint64_t *w, size_t k, int64_t team, int64_t rule)
{
	if (p->rw == 2) {
		w[2 * k] = (uint64_t)team;
		w[2 * k + 1] = (uint64_t)rule;
	} else {
		w[k] = (uint64_t)team | (uint64_t)rule << 32;
	}
}

/* Offset of N fresh words, or SIZE_MAX when out of memory or past the
 * 30 bits a ref can name. */
static size_t pool_take(struct pool *p, size_t n)
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

/* Shrink *P (N elements of SIZE) to fit; keep it if realloc declines. */
static void *fit(void *p, size_t n, size_t size)
{
	if (!p || !n)
		return p;
	void *q = realloc(p, n * size);
	return q ? q : p;
}

/* ---- IP: groups, intervals, range trie ---- */

struct intervals {
	rindex_u128 *start;
	uint32_t *val;
	size_t n, cap;
};

/* From POS on, the answer is VAL; keep starts strictly increasing and
 * neighbours different. */
static int emit(struct intervals *iv, rindex_u128 pos, uint32_t val)
{
	if (iv->n && iv->start[iv->n - 1] == pos) {
		iv->val[iv->n - 1] = val;
		if (iv->n >= 2 && iv->val[iv->n - 2] == val)
			iv->n--;
		return 0;
	}
	if (iv->n && iv->val[iv->n - 1] == val)
		return 0;
	if (iv->n == iv->cap) {
		size_t cap = iv->cap ? iv->cap * 2 : 1024;
		rindex_u128 *s = realloc(iv->start, cap * sizeof(*s));
		if (!s)
			return -1;
		iv->start = s;
		uint32_t *v = realloc(iv->val, cap * sizeof(*v));
		if (!v)
			return -1;
		iv->val = v;
		iv->cap = cap;
	}
	iv->start[iv->n] = pos;
	iv->val[iv->n++] = val;
	return 0;
}

static int ip_rule_cmp(const void *pa, const void *pb)
{
	const struct ip_rule *a = pa, *b = pb;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Sort R, write one group per distinct prefix into the pool (parents
 * linked), and the intervals of the most specific group at each address.
 * Sorted by start then length, containing prefixes come before the ones
 * they contain, so a stack of open prefixes gives both. */
static int ip_groups(struct pool *pl, struct ip_rule *r, size_t n, int width,
	struct intervals *iv)
{
	struct open {
		rindex_u128 end;
		uint32_t ref;
	} stack[129];
	size_t sp = 0;
	rindex_u128 top = rindex_host_mask(0, width);

	qsort(r, n, sizeof(*r), ip_rule_cmp);
	if (emit(iv, 0, 0) < 0)
		return -1;
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && r[j].addr == r[i].addr && r[j].len == r[i].len; j++)
			;
		rindex_u128 s = r[i].addr;
		while (sp && stack[sp - 1].end < s) {
			sp--;
			if (emit(iv, stack[sp].end + 1, sp ? stack[sp - 1].ref : 0) < 0)
				return -1;
		}
		size_t off = pool_take(pl, 1 + pl->rw * (j - i));
		if (off == SIZE_MAX)
			return -1;
		uint32_t parent = sp ? stack[sp - 1].ref : 0;
		pl->w[off] = parent | (uint64_t)r[i].len << 32 | (uint64_t)(j - i) << 40;
		for (size_t k = i; k < j; k++)
			put_record(pl, pl->w + off + 1, k - i, r[k].team, r[k].rule);
		uint32_t ref = (uint32_t)off + 1;
		if (emit(iv, s, ref) < 0)
			return -1;
		stack[sp++] = (struct open){ s | rindex_host_mask(r[i].len, width), ref };
	}
	while (sp) {
		sp--;
		if (stack[sp].end != top && emit(iv, stack[sp].end + 1, sp ? stack[sp - 1].ref : 0) < 0)
			return -1;
	}
	return 0;
}

struct trie {
	int width;
	const struct intervals *iv;
	uint32_t *dir;
	size_t ndir, capdir;
	uint16_t *b16;              /* IPv4 buckets */
	uint64_t *b64;              /* IPv6 buckets */
	size_t nb, capb;
	int err;
};

/* The last interval in [FROM, TO] whose start is at most KEY, given that
 * FROM's is. Ranges are visited in order, so the scans add up to one pass
 * over the intervals per trie level. */
static size_t last_at_most(const struct intervals *iv, size_t from, size_t to, rindex_u128 key)
{
	while (from < to && iv->start[from + 1] <= key)
		from++;
	return from;
}

static size_t dir_take(struct trie *t, size_t n)
{
	if (t->ndir + n > t->capdir) {
		size_t cap = t->capdir ? t->capdir * 2 : 65536 + 4096;
		uint32_t *d = realloc(t->dir, cap * sizeof(*d));
		if (!d)
			return SIZE_MAX;
		t->dir = d;
		t->capdir = cap;
	}
	size_t off = t->ndir;
	t->ndir += n;
	return off + n <= RINDEX_REF_PAYLOAD ? off : SIZE_MAX;
}

/* A bucket of the CNT intervals from I0 on, for the range starting at LO. */
static uint32_t bucket(struct trie *t, rindex_u128 lo, size_t i0, size_t cnt)
{
	bool v4 = t->width == 32;
	size_t kpad = (cnt + 1) & ~(size_t)1;
	size_t units = v4 ? kpad + 2 * cnt : 2 * cnt + (cnt + 1) / 2;
	size_t esz = v4 ? sizeof(uint16_t) : sizeof(uint64_t);
	if (t->nb + units > t->capb) {
		size_t cap = t->capb ? t->capb * 2 : 65536;
		while (cap < t->nb + units)
			cap *= 2;
		void *p = realloc(v4 ? (void *)t->b16 : (void *)t->b64, cap * esz);
		if (!p)
			goto fail;
		if (v4)
			t->b16 = p;
		else
			t->b64 = p;
		t->capb = cap;
	}
	size_t off = t->nb;
	if (off >= (size_t)1 << RINDEX_BUCKET_OFF_BITS)
		goto fail;
	t->nb += units;
	for (size_t j = 0; j < cnt; j++) {
		rindex_u128 k = j ? t->iv->start[i0 + j] : lo;
		uint32_t v = t->iv->val[i0 + j];
		if (v4) {
			t->b16[off + j] = (uint16_t)k;
			memcpy(t->b16 + off + kpad + 2 * j, &v, sizeof(v));
		} else {
			t->b64[off + 2 * j] = (uint64_t)(k >> 64);
			t->b64[off + 2 * j + 1] = (uint64_t)k;
			memcpy((char *)(t->b64 + off + 2 * cnt) + 4 * j, &v, sizeof(v));
		}
	}
	if (v4 && kpad != cnt)
		t->b16[off + cnt] = 0xffff;
	if (!v4 && (cnt & 1))
		memset((char *)(t->b64 + off + 2 * cnt) + 4 * cnt, 0, 4);
	return RINDEX_BUCKET_REF(off, cnt);
fail:
	t->err = -1;
	return 0;
}

/* The ref for the range of width - BITS low bits starting at LO, whose
 * first and last intervals are I0 and I1. */
static uint32_t trie_ref(struct trie *t, rindex_u128 lo, int bits, size_t i0, size_t i1)
{
	const struct intervals *iv = t->iv;
	size_t cnt = i1 - i0 + 1;
	if (cnt == 1) {
		if (iv->val[i0] > RINDEX_REF_PAYLOAD)
			t->err = -1;
		return iv->val[i0];
	}
	if (cnt <= RINDEX_BUCKET_MAX)
		return bucket(t, lo, i0, cnt);
	size_t base = dir_take(t, 1u << RINDEX_DIR_BITS);
	if (base == SIZE_MAX) {
		t->err = -1;
		return 0;
	}
	int cbits = bits + RINDEX_DIR_BITS;
	size_t c0 = i0;
	for (unsigned c = 0; c < 1u << RINDEX_DIR_BITS && !t->err; c++) {
		rindex_u128 clo = lo + ((rindex_u128)c << (t->width - cbits));
		c0 = last_at_most(iv, c0, i1, clo);
		size_t c1 = last_at_most(iv, c0, i1, clo + rindex_host_mask(cbits, t->width));
		uint32_t ref = trie_ref(t, clo, cbits, c0, c1);
		t->dir[base + c] = ref;
		c0 = c1;
	}
	return RINDEX_REF_DIR << 30 | (uint32_t)base;
}

static int trie_build(struct trie *t)
{
	int shift = t->width - RINDEX_ROOT_BITS;
	size_t i0 = 0, last = t->iv->n - 1;
	if (dir_take(t, (size_t)1 << RINDEX_ROOT_BITS) == SIZE_MAX)
		return -1;
	for (size_t r = 0; r < (size_t)1 << RINDEX_ROOT_BITS && !t->err; r++) {
		rindex_u128 lo = (rindex_u128)r << shift;
		i0 = last_at_most(t->iv, i0, last, lo);
		size_t i1 = last_at_most(t->iv, i0, last, lo + rindex_host_mask(RINDEX_ROOT_BITS, t->width));
		uint32_t ref = trie_ref(t, lo, RINDEX_ROOT_BITS, i0, i1);
		t->dir[r] = ref;
		i0 = i1;
	}
	return t->err;
}

static int build_ip(struct rindex *ix, struct pool *pl, struct ip_rule *r, size_t n, int width)
{
	struct intervals iv = { 0 };
	struct trie t = { .width = width, .iv = &iv };
	int rc = -1;
	if (!n)
		return 0;
	if (ip_groups(pl, r, n, width, &iv) < 0 || trie_build(&t) < 0)
		goto out;
	if (width == 32) {
		ix->dir4 = fit(t.dir, t.ndir, sizeof(*t.dir));
		ix->ndir4 = t.ndir;
		ix->bkt4 = fit(t.b16, t.nb, sizeof(*t.b16));
		ix->nbkt4 = t.nb;
	} else {
		ix->dir6 = fit(t.dir, t.ndir, sizeof(*t.dir));
		ix->ndir6 = t.ndir;
		ix->bkt6 = fit(t.b64, t.nb, sizeof(*t.b64));
		ix->nbkt6 = t.nb;
	}
	t.dir = NULL;
	t.b16 = NULL;
	t.b64 = NULL;
	rc = 0;
out:
	free(t.dir);
	free(t.b16);
	free(t.b64);
	free(iv.start);
	free(iv.val);
	return rc;
}

/* ---- AS numbers and domains: hash tables over the pool ---- */

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
	ix->aslot = calloc((size_t)ix->amask + 1, sizeof(*ix->aslot));
	if (!ix->aslot)
		return -1;
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && r[j].asn == r[i].asn; j++)
			;
		size_t off = pool_take(pl, 1 + pl->rw * (j - i));
		if (off == SIZE_MAX)
			return -1;
		pl->w[off] = (uint64_t)(j - i) << 40;
		for (size_t k = i; k < j; k++)
			put_record(pl, pl->w + off + 1, k - i, r[k].team, r[k].rule);
		uint32_t s = rindex_asn_slot(r[i].asn) & ix->amask;
		while (ix->aslot[s].ref)
			s = (s + 1) & ix->amask;
		ix->aslot[s] = (struct rindex_slot){ r[i].asn, (uint32_t)off + 1 };
	}
	return 0;
}

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

static int build_domains(struct rindex *ix, struct pool *pl, struct dom_rule *r, size_t n,
	const char *names)
{
	size_t entries = 0;
	if (!n)
		return 0;
	qsort_r(r, n, sizeof(*r), dom_rule_cmp, (void *)names);
	for (size_t i = 0; i < n; i++)
		entries += !i || strcmp(names + r[i].name_off, names + r[i - 1].name_off) != 0;
	ix->dmask = table_mask(entries);
	ix->dslot = calloc((size_t)ix->dmask + 1, sizeof(*ix->dslot));
	if (!ix->dslot)
		return -1;
	for (size_t i = 0, j; i < n; i = j) {
		const char *name = names + r[i].name_off;
		size_t nexact = 0;
		for (j = i; j < n && strcmp(names + r[j].name_off, name) == 0; j++)
			nexact += !r[j].wild;
		size_t nlen = r[i].namelen, nwords = (nlen + 1 + 7) / 8;
		size_t off = pool_take(pl, 1 + nwords + pl->rw * (j - i));
		if (off == SIZE_MAX)
			return -1;
		pl->w[off] = nlen | (uint64_t)r[i].labels << 8 | (uint64_t)nexact << 16 |
			(uint64_t)(j - i - nexact) << 40;
		pl->w[off + nwords] = 0;
		memcpy(pl->w + off + 1, name, nlen + 1);
		for (size_t k = i; k < j; k++)
			put_record(pl, pl->w + off + 1 + nwords, k - i, r[k].team, r[k].rule);
		uint64_t h = RINDEX_HASH_SEED;
		for (size_t k = nlen; k-- > 0;)
			h = rindex_hash_step(h, (unsigned char)name[k]);
		h = rindex_hash_finish(h);
		uint32_t s = (uint32_t)h & ix->dmask;
		while (ix->dslot[s].ref)
			s = (s + 1) & ix->dmask;
		ix->dslot[s] = (struct rindex_slot){ (uint32_t)(h >> 32), (uint32_t)off + 1 };
	}
	return 0;
}

struct rindex *rindex_build(struct rindex_builder *b)
{
	struct rindex *ix = calloc(1, sizeof(*ix));
	struct pool pl = { .rw = b->wide ? 2 : 1 };
	if (!ix)
		return NULL;
	atomic_init(&ix->refs, 0);
	ix->rw = pl.rw;
	ix->nrules = rindex_builder_count(b);
	if (build_ip(ix, &pl, b->v4, b->n4, 32) < 0 || build_ip(ix, &pl, b->v6, b->n6, 128) < 0 ||
		build_asn(ix, &pl, b->as, b->nas) < 0 ||
		build_domains(ix, &pl, b->dom, b->ndom, b->names.data) < 0) {
		free(pl.w);
		rindex_free(ix);
		return NULL;
	}
	ix->pool = fit(pl.w, pl.n, sizeof(*pl.w));
	ix->npool = pl.n;
	return ix;
}
