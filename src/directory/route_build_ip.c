/* Building one IP family's part of the constituency index (layout:
 * route_index_int.h): a group per distinct prefix, the list of each group
 * some address ends up at (its rules, then its ancestors'), and the range
 * trie from addresses to those lists. */
#include <stdlib.h>
#include <string.h>
#include "directory/route_build_int.h"

struct ip_group {
	uint32_t first, count;      /* its rules, r[first .. first + count) */
	uint32_t parent;            /* the longest prefix containing it: index + 1, 0 none */
	uint32_t list;              /* the ref of its list once written, else 0 */
	uint32_t block;             /* the last block it was written to (a block4 call's number) */
	uint8_t len;
};

struct groups {
	struct pool *pl;
	uint64_t *payload;          /* each rule's record payload */
	struct ip_group *g;         /* room for one per rule */
	size_t n;
	uint32_t blocks;            /* block4 calls so far */
};

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

/* Sort R and cut it into groups (parents linked), and the address space
 * into the intervals of the most specific group at each address (value:
 * group index + 1, 0 none). Sorted by start then length, containing
 * prefixes come before the ones they contain, so a stack of open prefixes
 * gives both. */
static int ip_groups(struct groups *gs, struct ip_rule *r, size_t n, int width,
	struct intervals *iv)
{
	struct open {
		rindex_u128 end;
		uint32_t group;
	} stack[129];
	size_t sp = 0;
	rindex_u128 top = rindex_host_mask(0, width);

	qsort(r, n, sizeof(*r), ip_rule_cmp);
	gs->g = malloc(n * sizeof(*gs->g));
	if (!gs->g || emit(iv, 0, 0) < 0)
		return -1;
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && r[j].addr == r[i].addr && r[j].len == r[i].len; j++)
			;
		rindex_u128 s = r[i].addr;
		while (sp && stack[sp - 1].end < s) {
			sp--;
			if (emit(iv, stack[sp].end + 1, sp ? stack[sp - 1].group : 0) < 0)
				return -1;
		}
		gs->g[gs->n++] = (struct ip_group){
			.first = (uint32_t)i, .count = (uint32_t)(j - i),
			.parent = sp ? stack[sp - 1].group : 0, .len = r[i].len,
		};
		uint32_t group = (uint32_t)gs->n;
		if (emit(iv, s, group) < 0)
			return -1;
		stack[sp++] = (struct open){ s | rindex_host_mask(r[i].len, width), group };
	}
	while (sp) {
		sp--;
		if (stack[sp].end != top && emit(iv, stack[sp].end + 1, sp ? stack[sp - 1].group : 0) < 0)
			return -1;
	}
	return 0;
}

/* The ref of group G's list, written first if need be (0: out of
 * memory): its records, then its ancestors' while the list stays within
 * RINDEX_COPY_MAX records, then a link to the list of the first ancestor
 * that did not fit. */
static uint32_t ip_list(struct groups *gs, uint32_t g)
{
	if (gs->g[g].list)
		return gs->g[g].list;
	size_t total = gs->g[g].count;
	uint32_t stop = gs->g[g].parent, link = 0;
	for (; stop && total + gs->g[stop - 1].count <= RINDEX_COPY_MAX; stop = gs->g[stop - 1].parent)
		total += gs->g[stop - 1].count;
	if (stop && !(link = ip_list(gs, stop - 1)))
		return 0;
	size_t off = rindex_pool_take(gs->pl, total + (stop != 0));
	if (off == SIZE_MAX)
		return 0;
	uint64_t *w = gs->pl->w + off;
	size_t k = 0;
	for (uint32_t x = g + 1; x != stop; x = gs->g[x - 1].parent) {
		const struct ip_group *h = &gs->g[x - 1];
		for (uint32_t i = 0; i < h->count; i++)
			w[k++] = gs->payload[h->first + i] | (uint64_t)h->len << RINDEX_REC_AUX_SHIFT;
	}
	if (stop)
		w[k] = rindex_link(link - 1, 0);
	else
		w[k - 1] |= RINDEX_REC_END;
	gs->g[g].list = (uint32_t)off + 1;
	return gs->g[g].list;
}

struct trie {
	int width;
	const struct intervals *iv;
	struct groups *gs;
	uint32_t *dir;
	size_t ndir, capdir;
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

/* The list ref for interval value V (a group index + 1, 0 none). */
static uint32_t value_list(struct trie *t, uint32_t v)
{
	uint32_t l = v ? ip_list(t->gs, v - 1) : 0;
	if (v && !l)
		t->err = -1;
	return l;
}

/* An IPv6 bucket of the CNT intervals from I0 on, for the range starting
 * at LO. */
static uint32_t bucket6(struct trie *t, rindex_u128 lo, size_t i0, size_t cnt)
{
	size_t words = 2 * cnt + (cnt + 1) / 2;
	if (t->nb + words > t->capb) {
		size_t cap = t->capb ? t->capb * 2 : 65536;
		while (cap < t->nb + words)
			cap *= 2;
		uint64_t *p = realloc(t->b64, cap * sizeof(*p));
		if (!p)
			goto fail;
		t->b64 = p;
		t->capb = cap;
	}
	size_t off = t->nb;
	if (off >= (size_t)1 << RINDEX_BUCKET_OFF_BITS)
		goto fail;
	t->nb += words;
	for (size_t j = 0; j < cnt; j++) {
		rindex_u128 k = j ? t->iv->start[i0 + j] : lo;
		uint32_t v = value_list(t, t->iv->val[i0 + j]);
		t->b64[off + 2 * j] = (uint64_t)(k >> 64);
		t->b64[off + 2 * j + 1] = (uint64_t)k;
		memcpy((char *)(t->b64 + off + 2 * cnt) + 4 * j, &v, sizeof(v));
	}
	if (cnt & 1)
		memset((char *)(t->b64 + off + 2 * cnt) + 4 * cnt, 0, 4);
	return RINDEX_BUCKET_REF(off, cnt);
fail:
	t->err = -1;
	return 0;
}

static bool big(const struct groups *gs, uint32_t g)
{
	return gs->g[g - 1].count > RINDEX_BLOCK_GROUP_MAX;
}

/* An IPv4 block of the CNT intervals from I0 on, for the range starting
 * at LO, written to the pool; 0 when it would be larger than
 * RINDEX_BLOCK_WORDS. The groups its intervals end at and their ancestors
 * are each written once, deepest first, each followed by its parent when
 * that is not written yet, else by a link to it; a group of more than
 * RINDEX_BLOCK_GROUP_MAX rules is not copied but linked to its own list. */
static uint32_t block4(struct trie *t, rindex_u128 lo, size_t i0, size_t cnt)
{
	struct groups *gs = t->gs;
	const uint32_t *val = t->iv->val + i0;
	size_t hdr = (2 + 3 * cnt + 7) / 8, room, nset = 0, nw = 0, nlocal = 0;
	uint32_t set[RINDEX_BLOCK_WORDS];      /* the groups copied, then links to big values */
	uint8_t at[RINDEX_BLOCK_WORDS];        /* where each starts, in words after the header */
	uint8_t local[RINDEX_BLOCK_WORDS];     /* the link records that point into the block */
	uint64_t w[RINDEX_BLOCK_WORDS];

	if (hdr >= RINDEX_BLOCK_WORDS)
		return 0;
	room = RINDEX_BLOCK_WORDS - hdr;

	for (size_t i = 0; i < cnt; i++) {
		for (uint32_t g = val[i]; g && !big(gs, g); g = gs->g[g - 1].parent) {
			size_t k = 0;
			while (k < nset && set[k] != g)
				k++;
			if (k < nset)
				break;
			if (nset == room)
				return 0;
			set[nset++] = g;
		}
	}
	/* Deepest first: longer prefixes before the ones containing them. */
	for (size_t i = 1; i < nset; i++)
		for (size_t k = i; k > 0 && gs->g[set[k] - 1].len > gs->g[set[k - 1] - 1].len; k--) {
			uint32_t x = set[k];
			set[k] = set[k - 1];
			set[k - 1] = x;
		}
	size_t ncopied = nset;
	uint32_t mark = ++gs->blocks;
	for (size_t i = 0; i < ncopied; i++) {
		if (gs->g[set[i] - 1].block == mark)
			continue;
		for (uint32_t x = set[i];;) {
			struct ip_group *g = &gs->g[x - 1];
			if (nw + g->count > room)
				goto too_big;
			g->block = mark;
			size_t k = 0;
			while (set[k] != x)
				k++;
			at[k] = (uint8_t)nw;
			for (uint32_t r = 0; r < g->count; r++)
				w[nw++] = gs->payload[g->first + r] | (uint64_t)g->len << RINDEX_REC_AUX_SHIFT;
			uint32_t p = g->parent;
			if (!p) {
				w[nw - 1] |= RINDEX_REC_END;
				break;
			}
			if (nw == room)
				goto too_big;
			if (big(gs, p)) {
				uint32_t l = ip_list(gs, p - 1);
				if (!l)
					goto fail;
				w[nw++] = rindex_link(l - 1, 0);
				break;
			}
			if (gs->g[p - 1].block == mark) {
				size_t j = 0;
				while (set[j] != p)
					j++;
				local[nlocal++] = (uint8_t)nw;
				w[nw++] = at[j];
				break;
			}
			x = p;
		}
	}
	for (size_t i = 0; i < cnt; i++) {         /* big values: one link each */
		if (!val[i] || !big(gs, val[i]))
			continue;
		size_t k = ncopied;
		while (k < nset && set[k] != val[i])
			k++;
		if (k < nset)
			continue;
		uint32_t l = ip_list(gs, val[i] - 1);
		if (!l)
			goto fail;
		if (nw == room || nset == RINDEX_BLOCK_WORDS)
			goto too_big;
		set[nset] = val[i];
		at[nset++] = (uint8_t)nw;
		w[nw++] = rindex_link(l - 1, 0);
	}
	if (gs->pl->n + hdr + nw > RINDEX_BLOCK_OFF_MAX)
		return 0;       /* past what a block ref can name: directories and lists instead */
	size_t off = rindex_pool_take(gs->pl, hdr + nw);
	if (off == SIZE_MAX)
		goto fail;
	uint64_t *b = gs->pl->w + off;
	memset(b, 0, hdr * sizeof(*b));
	uint16_t c16 = (uint16_t)cnt;
	uint8_t *bytes = (uint8_t *)b;
	memcpy(bytes, &c16, 2);
	for (size_t i = 0; i < cnt; i++) {
		uint16_t key = (uint16_t)(i ? t->iv->start[i0 + i] : lo);
		memcpy(bytes + 2 + 2 * i, &key, 2);
		size_t k = 0;
		while (val[i] && set[k] != val[i])
			k++;
		bytes[2 + 2 * cnt + i] = val[i] ? (uint8_t)(hdr + at[k]) : 0;
	}
	for (size_t i = 0; i < nlocal; i++)
		w[local[i]] = rindex_link(off + hdr + w[local[i]], 0);
	memcpy(b + hdr, w, nw * sizeof(*w));
	return RINDEX_BLOCK_REF(off, ((off & 7) + hdr + nw + 7) / 8);
too_big:
	return 0;
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
	if (cnt == 1)
		return value_list(t, iv->val[i0]);
	if (cnt <= RINDEX_BUCKET_MAX && t->width == 128)
		return bucket6(t, lo, i0, cnt);
	if (cnt <= RINDEX_BUCKET_MAX) {
		uint32_t ref = block4(t, lo, i0, cnt);
		if (ref || t->err)
			return ref;
	}
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

int rindex_build_ip(struct rindex *ix, struct pool *pl, struct ip_rule *r, size_t n, int width)
{
	struct intervals iv = { 0 };
	struct groups gs = { .pl = pl };
	struct trie t = { .width = width, .iv = &iv, .gs = &gs };
	int rc = -1;
	if (!n)
		return 0;
	if (ip_groups(&gs, r, n, width, &iv) < 0)
		goto out;
	gs.payload = malloc(n * sizeof(*gs.payload));
	if (!gs.payload)
		goto out;
	for (size_t i = 0; i < n; i++)
		if ((gs.payload[i] = rindex_pool_payload(pl, r[i].team, r[i].rule)) == UINT64_MAX)
			goto out;
	if (trie_build(&t) < 0)
		goto out;
	uint32_t *dir = huge_move(t.dir, t.ndir, sizeof(*t.dir));
	uint64_t *b64 = huge_move(t.b64, t.nb, sizeof(*t.b64));
	t.dir = NULL;
	t.b64 = NULL;
	if (width == 32) {
		ix->dir4 = dir;
		ix->ndir4 = t.ndir;
	} else {
		ix->dir6 = dir;
		ix->ndir6 = t.ndir;
		ix->bkt6 = b64;
		ix->nbkt6 = t.nb;
	}
	if (!dir || (t.nb && !b64))
		goto out;
	rc = 0;
out:
	free(t.dir);
	free(t.b64);
	free(iv.start);
	free(iv.val);
	free(gs.g);
	free(gs.payload);
	return rc;
}
