/* The synthetic directory; see seed.h. Each team comes from its own
 * random stream (the seed and its number), so one team does not shift
 * the next; what teams share comes from streams of their group (sixteen
 * teams in a row share a network block, an upstream provider, an AS
 * number and their first team's domain) or of the whole run (the
 * providers' blocks). Only the uniqueness of names depends on the teams
 * before. Strings live in one arena per team, reused for the next. */
#include <arpa/inet.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "directory/fields.h"
#include "directory/seed.h"
#include "directory/seed_words.h"
#include "directory/team_store.h"

/* ---- randomness: splitmix64 ---- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* A stream of its own for (SEED, SALT, K). */
static struct rng stream(uint64_t seed, uint64_t salt, uint64_t k)
{
	struct rng r = {seed ^ (salt * 0xD1B54A32D192ED03ull)};
	r.s ^= rng_next(&r) + k * 0x9E3779B97F4A7C15ull;
	rng_next(&r);
	return r;
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

static bool chance(struct rng *r, uint32_t percent)
{
	return below(r, 100) < percent;
}

enum salt { SALT_TEAM = 1, SALT_GROUP, SALT_PROVIDER, SALT_UPSTREAM, SALT_GROUP6 };

#define GROUP 16               /* teams in a row that share blocks and a domain */
#define PROVIDER_BLOCKS 4096   /* IPv4 /12 blocks the providers hold */
#define RULES_MAX 600          /* per team */

/* ---- the per-team arena ---- */

struct arena {
	char *base;
	size_t used, cap;
	bool full;
};

static const char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const char *arena_printf(struct arena *a, const char *fmt, ...)
{
	char *p = a->base + a->used;
	size_t room = a->cap - a->used;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(p, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		a->full = true;
		return "";
	}
	a->used += (size_t)n + 1;
	return p;
}

/* What the text templates' {placeholders} stand for. */
struct fill {
	const char *team, *team_ja, *host, *host_ja, *region, *region_ja, *domain, *email, *dept, *dept_ja;
	int year;
};

static const char *fill_value(const struct fill *f, const char *name, size_t n, char year[8])
{
	static const struct {
		const char *name;
		size_t off;
	} names[] = {
		{"team", offsetof(struct fill, team)},       {"team_ja", offsetof(struct fill, team_ja)},
		{"host", offsetof(struct fill, host)},       {"host_ja", offsetof(struct fill, host_ja)},
		{"region", offsetof(struct fill, region)},   {"region_ja", offsetof(struct fill, region_ja)},
		{"domain", offsetof(struct fill, domain)},   {"email", offsetof(struct fill, email)},
		{"dept", offsetof(struct fill, dept)},       {"dept_ja", offsetof(struct fill, dept_ja)},
	};
	if (n == 4 && !memcmp(name, "year", 4)) {
		snprintf(year, 8, "%d", f->year);
		return year;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == n && !memcmp(names[i].name, name, n))
			return *(const char *const *)((const char *)f + names[i].off);
	return "";
}

/* TEMPLATE with every {name} replaced. */
static const char *arena_fill(struct arena *a, const char *template, const struct fill *f)
{
	char *out = a->base + a->used, *o = out, *end = a->base + a->cap - 1;
	for (const char *p = template; *p && o < end; p++) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		if (!close) {
			*o++ = *p;
			continue;
		}
		char year[8];
		const char *v = fill_value(f, p + 1, (size_t)(close - p - 1), year);
		size_t n = strlen(v);
		if (n > (size_t)(end - o))
			n = (size_t)(end - o);
		memcpy(o, v, n);
		o += n;
		p = close;
	}
	if (o >= end) {
		a->full = true;
		return "";
	}
	*o = '\0';
	a->used += (size_t)(o - out) + 1;
	return out;
}

/* ---- the run ---- */

struct seeder {
	uint64_t seed;
	int64_t day;                       /* the run's day, midnight UTC */
	uint64_t *names;                   /* open addressing: name keys taken */
	size_t names_mask;
	char (*leader_domain)[FIELD_DOMAIN_MAX];   /* each group's first domain */
	struct arena arena;
	struct team_contact contacts[8];
	struct team_person people[8];
	struct team_rule rules[RULES_MAX];
	struct team_text texts[32];
	struct team_vis vis[8];
	struct team_change ch;
	size_t nrules;
};

/* Claim name KEY (nonzero); false when a team before has it. */
static bool name_claim(struct seeder *s, uint64_t key)
{
	size_t i = (size_t)(key * 0x9E3779B97F4A7C15ull >> 20) & s->names_mask;
	while (s->names[i]) {
		if (s->names[i] == key)
			return false;
		i = (i + 1) & s->names_mask;
	}
	s->names[i] = key;
	return true;
}

/* One team's identity, chosen before anything is written. */
struct identity {
	const struct seed_place *place;       /* where it is (NULL abroad) */
	const struct seed_abroad *abroad;
	const struct seed_kind *kind;
	const struct seed_suffix *suffix;
	const char *host_core_ja, *host_core_en;  /* "大阪さくら銀行", "Osaka Sakura Bank" */
	char slug[TEAM_SLUG_MAX + 1];
	char domain[FIELD_DOMAIN_MAX];
	bool provider;                        /* holds large blocks */
};

static const struct seed_place *pick_place(struct rng *r)
{
	int total = 0;
	for (size_t i = 0; i < seed_nplaces; i++)
		total += seed_places[i].weight;
	int x = (int)below(r, (uint32_t)total);
	for (size_t i = 0; i < seed_nplaces; i++) {
		if (x < seed_places[i].weight)
			return &seed_places[i];
		x -= seed_places[i].weight;
	}
	return &seed_places[0];
}

static const struct seed_kind *pick_kind(struct rng *r)
{
	int x = (int)below(r, 100);
	const char *sector = seed_sectors[0].sector;
	for (size_t i = 0; i < seed_nsectors; i++) {
		if (x < seed_sectors[i].weight) {
			sector = seed_sectors[i].sector;
			break;
		}
		x -= seed_sectors[i].weight;
	}
	size_t first = 0, n = 0;
	for (size_t i = 0; i < seed_nkinds; i++) {
		if (!strcmp(seed_kinds[i].sector, sector)) {
			if (!n)
				first = i;
			n++;
		}
	}
	return &seed_kinds[first + below(r, (uint32_t)n)];
}

static void lower_into(char *out, size_t size, const char *s)
{
	size_t o = 0;
	for (; *s && o + 1 < size; s++) {
		char c = *s;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[o++] = c;
	}
	out[o] = '\0';
}

/* Choose the team's name: a place, a stem and a kind ("Osaka Sakura
 * Bank"), never one a team before has. The place is where the team is,
 * or, when those names are taken, another (a company may keep its old
 * home in its name); a numbered name once all are taken. Abroad: the
 * stem, the kind and the country ("Sakura Bank Singapore"). */
static void pick_identity(struct seeder *s, struct rng *r, struct identity *id)
{
	memset(id, 0, sizeof(*id));
	id->kind = pick_kind(r);
	if (chance(r, 4))
		id->abroad = &seed_abroad[below(r, (uint32_t)seed_nabroad)];
	else
		id->place = pick_place(r);
	size_t place = 0, stem = 0;
	int number = 0;
	uint64_t kind = (uint64_t)(id->kind - seed_kinds);
	for (int attempt = 0;; attempt++) {
		if (!id->abroad)
			place = 1 + (attempt < 4 ? (size_t)(id->place - seed_places) : below(r, (uint32_t)seed_nplaces));
		stem = 1 + below(r, (uint32_t)seed_nstems);
		uint64_t where = place;
		for (size_t k = 0; id->abroad && k < seed_nabroad; k++) {
			/* By country: two cities of one country make one slug. */
			if (!strcmp(seed_abroad[k].country, id->abroad->country)) {
				where = 100 + k;
				break;
			}
		}
		uint64_t key = (uint64_t)number << 48 | where << 32 | (uint64_t)stem << 16 | (kind + 1);
		if (name_claim(s, key))
			break;
		if (attempt > 40)
			number = attempt - 39;
	}
	const struct seed_pair *st = stem ? &seed_stems[stem - 1] : NULL;
	const struct seed_place *pl = place ? &seed_places[place - 1] : NULL;
	char num[16] = "";
	if (number)
		snprintf(num, sizeof(num), " %d", number + 1);
	id->host_core_ja = arena_printf(&s->arena, "%s%s%s%s%s", pl ? pl->ja_short : "", st ? st->ja : "",
	                                id->kind->ja, id->abroad ? id->abroad->ja : "", num);
	id->host_core_en = arena_printf(&s->arena, "%s%s%s%s%s%s%s", pl ? pl->en : "", pl && st ? " " : "",
	                                st ? st->en : "", " ", id->kind->en, id->abroad ? " " : "",
	                                id->abroad ? id->abroad->en : "");
	if (number)
		id->host_core_en = arena_printf(&s->arena, "%s%s", id->host_core_en, num);
	/* Makers of products run PSIRTs; most teams call themselves CSIRT. */
	if ((id->kind->flags & SEED_PRODUCT) && chance(r, 30))
		id->suffix = &seed_suffixes[5];
	else {
		static const int weights[] = {60, 12, 10, 10, 8};
		int x = (int)below(r, 100);
		size_t k = 0;
		while (k < 4 && x >= weights[k])
			x -= weights[k++];
		id->suffix = &seed_suffixes[k];
	}
	/* Big providers: a tenth of the carriers, data centres and ISPs. */
	id->provider = (id->kind->flags & SEED_PROVIDER) && chance(r, 10);

	char pe[32] = "", se[32] = "", ke[32], ce[8] = "", sh[16];
	if (pl)
		lower_into(pe, sizeof(pe), pl->en);
	if (st)
		lower_into(se, sizeof(se), st->en);
	lower_into(ke, sizeof(ke), id->kind->slug);
	if (id->abroad)
		lower_into(ce, sizeof(ce), id->abroad->country);
	lower_into(sh, sizeof(sh), id->suffix->short_name);
	char label[48], numbered[16] = "";
	if (number)
		snprintf(numbered, sizeof(numbered), "-%d", number + 1);
	/* The vocabulary keeps these well inside their limits. */
	if (snprintf(label, sizeof(label), "%s%s%s%s%s%s%s%s", pe, *pe ? "-" : "", se, *se ? "-" : "", ke, *ce ? "-" : "",
	             ce, numbered) >= (int)sizeof(label) ||
	    snprintf(id->slug, sizeof(id->slug), "%s-%s", label, sh) >= (int)sizeof(id->slug) ||
	    snprintf(id->domain, sizeof(id->domain), "%s.example.%s", label, id->abroad ? "com" : id->kind->tld) >=
	            (int)sizeof(id->domain))
		s->arena.full = true;
}

/* "Osaka Sakura Bank" -> "OSB": the capitals of its words. */
static void initials(char *out, size_t size, const char *s)
{
	size_t o = 0;
	bool start = true;
	for (; *s && o + 1 < size; s++) {
		if (start && *s >= 'A' && *s <= 'Z')
			out[o++] = *s;
		start = *s == ' ';
	}
	out[o] = '\0';
}

/* A telephone number in PLACE's area, international or domestic form. */
static const char *phone_at(struct arena *a, struct rng *r, const struct identity *id, bool mobile)
{
	if (id->abroad) {
		const char *p = id->abroad->phone;
		size_t n = strlen(p);
		return arena_printf(a, "%.*s%02u", (int)(n - 2), p, below(r, 100));
	}
	if (mobile)
		return arena_printf(a, "0%u0-%04u-%04u", 7 + below(r, 3), below(r, 10000), below(r, 10000));
	const char *area = id->place->area;
	int first = 9 - (int)strlen(area) - 4;   /* digits before the last four */
	uint32_t lo = 1, span = 9;
	for (int k = 1; k < first; k++) {
		lo *= 10;
		span *= 10;
	}
	uint32_t mid = lo + below(r, span);
	if (chance(r, 70))
		return arena_printf(a, "+81 %s-%u-%04u", area, mid, below(r, 10000));
	return arena_printf(a, "0%s-%u-%04u", area, mid, below(r, 10000));
}

/* ---- constituency ---- */

static uint32_t mask4(int len)
{
	return len ? ~0u << (32 - len) : 0;
}

/* A routable IPv4 address from H: not 0/8, 10/8, 127/8 or multicast. */
static uint32_t anywhere4(uint64_t h)
{
	uint32_t octet = 1 + (uint32_t)(h % 223);
	if (octet == 10 || octet == 127)
		octet++;
	return octet << 24 | ((uint32_t)(h >> 16) & 0xffffff);
}

static uint32_t provider_block(const struct seeder *s, uint32_t p)
{
	struct rng r = stream(s->seed, SALT_PROVIDER, p);
	return anywhere4(rng_next(&r)) & mask4(12);
}

/* Mostly /24, some larger: the sizes members register. */
static int customer_len(struct rng *r, int shortest)
{
	static const int lens[] = {24, 24, 24, 24, 24, 23, 22, 22, 21, 20, 19, 18, 26, 27, 28, 25};
	int len = lens[below(r, 16)];
	return len < shortest ? shortest : len;
}

static void add_rule(struct seeder *s, const char *kind, const char *value, enum visibility vis)
{
	if (s->nrules >= RULES_MAX || !*value)
		return;
	/* The same rule twice in one team is refused by the API: skip it. */
	for (size_t i = 0; i < s->nrules; i++)
		if (!strcmp(s->rules[i].value, value) && !strcmp(s->rules[i].kind, kind))
			return;
	s->rules[s->nrules++] = (struct team_rule){kind, value, vis};
}

static enum visibility rule_vis(struct rng *r, int members, int secretariat)
{
	uint32_t x = below(r, 100);
	return x < (uint32_t)secretariat ? VIS_SECRETARIAT : x < (uint32_t)(secretariat + members) ? VIS_MEMBERS : VIS_PUBLIC;
}

static void add_v4(struct seeder *s, struct rng *r, uint32_t addr, int len)
{
	addr &= mask4(len);
	add_rule(s, "cidr",
	         arena_printf(&s->arena, "%u.%u.%u.%u/%d", addr >> 24, addr >> 16 & 255, addr >> 8 & 255, addr & 255, len),
	         rule_vis(r, 12, 3));
}

static void add_v6(struct seeder *s, struct rng *r, uint64_t hi, int len)
{
	uint8_t a[16] = {0};
	hi &= len ? ~0ull << (64 - len) : 0;
	for (int i = 0; i < 8; i++)
		a[i] = (uint8_t)(hi >> (56 - 8 * i));
	char text[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, a, text, sizeof(text));
	add_rule(s, "cidr", arena_printf(&s->arena, "%s/%d", text, len), rule_vis(r, 12, 3));
}

/* How many prefixes a team registers: most a handful, a few hundreds. */
static int prefix_count(struct rng *r, bool provider)
{
	if (provider)
		return 60 + (int)below(r, 140);
	uint32_t x = below(r, 1000);
	return x < 500 ? 1 + (int)below(r, 3) : x < 800 ? 4 + (int)below(r, 7) : x < 950 ? 11 + (int)below(r, 15)
	       : x < 997 ? 31 + (int)below(r, 30) : 100 + (int)below(r, 150);
}

static void make_prefixes(struct seeder *s, struct rng *r, int64_t team, const struct identity *id)
{
	uint64_t g = (uint64_t)team / GROUP;
	struct rng gr = stream(s->seed, SALT_GROUP, g), g6 = stream(s->seed, SALT_GROUP6, g);
	uint32_t group4 = anywhere4(rng_next(&gr)) & mask4(14);
	/* The group's upstream, or the team's own now and then. */
	uint32_t upstream = (uint32_t)(rng_next(&gr) % PROVIDER_BLOCKS);
	if (chance(r, 30))
		upstream = below(r, PROVIDER_BLOCKS);
	uint64_t group6 = 0x2400000000000000ull | (rng_next(&g6) & 0x000fffff00000000ull);
	int n = prefix_count(r, id->provider);
	if (id->provider) {
		/* A provider's own large blocks, which its customers sit in. */
		int blocks = 2 + (int)below(r, 7);
		for (int k = 0; k < blocks; k++) {
			uint32_t p = below(r, PROVIDER_BLOCKS);
			add_v4(s, r, provider_block(s, p) | (uint32_t)rng_next(r), 12 + (int)below(r, 5));
			add_v6(s, r, 0x2400000000000000ull | (rng_next(r) & 0x000ff00000000000ull), 29 + (int)below(r, 4));
		}
	}
	for (int k = 0; k < n; k++) {
		uint32_t x = below(r, 100);
		if (x < 10) {
			/* IPv6: inside the group's /32, or a /32 of its own. */
			if (chance(r, 60))
				add_v6(s, r, group6 | (rng_next(r) >> 32 & 0xffff0000ull), 40 + 4 * (int)below(r, 3));
			else
				add_v6(s, r, 0x2400000000000000ull | (rng_next(r) & 0x000fffff00000000ull), 32 + 4 * (int)below(r, 2));
		} else if (x < 60) {
			add_v4(s, r, group4 | ((uint32_t)rng_next(r) & ~mask4(14)), customer_len(r, 18));
		} else if (x < 85) {
			add_v4(s, r, provider_block(s, upstream) | ((uint32_t)rng_next(r) & ~mask4(12)), customer_len(r, 16));
		} else {
			add_v4(s, r, anywhere4(rng_next(r)), customer_len(r, 16));
		}
	}
}

static void make_rules(struct seeder *s, struct rng *r, int64_t team, const struct identity *id)
{
	s->nrules = 0;
	make_prefixes(s, r, team, id);
	/* Domains: its own (or only its subdomains), a group company's
	 * subdomain, brand names other teams may claim as well. */
	enum visibility dv = rule_vis(r, 8, 2);
	if (chance(r, 20))
		add_rule(s, "domain", arena_printf(&s->arena, "*.%s", id->domain), dv);
	else
		add_rule(s, "domain", id->domain, dv);
	uint64_t g = (uint64_t)team / GROUP;
	if (team % GROUP && chance(r, 30) && s->leader_domain[g][0]) {
		char label[40];
		lower_into(label, sizeof(label), id->kind->slug);
		add_rule(s, "domain", arena_printf(&s->arena, "%s.%s", label, s->leader_domain[g]), rule_vis(r, 10, 0));
	}
	if (chance(r, 25)) {
		int brands = 1 + (int)below(r, 3);
		for (int k = 0; k < brands; k++) {
			char stem[32];
			lower_into(stem, sizeof(stem), seed_stems[below(r, (uint32_t)seed_nstems)].en);
			static const char *const tlds[] = {"jp", "co.jp", "com", "net"};
			add_rule(s, "domain", arena_printf(&s->arena, "%s%s-%s.example.%s", chance(r, 30) ? "*." : "", stem,
			                                   id->kind->slug, tlds[below(r, 4)]),
			         VIS_PUBLIC);
		}
	}
	/* AS numbers: the group's, a few of its own for a provider. */
	struct rng gr = stream(s->seed, SALT_UPSTREAM, g);
	uint32_t group_asn = 1 + (uint32_t)(rng_next(&gr) % 150000);
	int asns = id->provider ? 3 + (int)below(r, 10) : chance(r, 35) ? 1 : chance(r, 12) ? 2 + (int)below(r, 2) : 0;
	for (int k = 0; k < asns; k++) {
		uint32_t asn = k == 0 && !id->provider ? group_asn
		               : chance(r, 5) ? 64512 + below(r, 1023) : 1 + below(r, 400000);
		if (asn == 23456)
			asn++;
		add_rule(s, "asn", arena_printf(&s->arena, "AS%u", asn), VIS_PUBLIC);
	}
	if (chance(r, 40))
		add_rule(s, "country", id->abroad ? id->abroad->country : "JP", VIS_PUBLIC);
	if (chance(r, 30)) {
		static const char *const types[] = {"従業員とグループ会社", "Employees and contractors",
		                                    "Customers of the group's online services", "自社製品の利用者",
		                                    "Students and staff", "取引先とお客様"};
		add_rule(s, "type", types[below(r, 6)], VIS_PUBLIC);
	}
}

/* ---- the record ---- */

static void set_text(struct team_change *ch, const char *field, const char *en, const char *ja)
{
	for (size_t i = 0; i < team_nfields; i++) {
		if (strcmp(team_fields[i].name, field) != 0)
			continue;
		int col = team_field_col(i);
		ch->set[col] = true;
		ch->text[col] = en;
		if (team_fields[i].col_ja) {
			ch->set[col + 1] = true;
			ch->text[col + 1] = ja;
		}
		return;
	}
}

static void set_int(struct team_change *ch, const char *field, int64_t v, bool null)
{
	for (size_t i = 0; i < team_nfields; i++) {
		if (!strcmp(team_fields[i].name, field)) {
			int col = team_field_col(i);
			ch->set[col] = true;
			ch->is_null[col] = null;
			ch->num[col] = v;
			return;
		}
	}
}

static const char *pick(struct rng *r, const char *const *list, size_t n)
{
	return list[below(r, (uint32_t)n)];
}

static const struct seed_region *region_of(const char *key)
{
	for (size_t i = 0; seed_regions[i].key; i++)
		if (!strcmp(seed_regions[i].key, key))
			return &seed_regions[i];
	return &seed_regions[0];
}

static void make_person(struct seeder *s, struct rng *r, const struct identity *id, const char *role,
                        enum visibility vis, size_t *n)
{
	const struct seed_pair *fam = &seed_family_names[below(r, (uint32_t)seed_nfamily_names)];
	const struct seed_pair *giv = &seed_given_names[below(r, (uint32_t)seed_ngiven_names)];
	char fl[24], gl[24];
	lower_into(fl, sizeof(fl), fam->en);
	lower_into(gl, sizeof(gl), giv->en);
	const char *name = !id->abroad && chance(r, 75) ? arena_printf(&s->arena, "%s %s", fam->ja, giv->ja)
	                                                : arena_printf(&s->arena, "%s %s", giv->en, fam->en);
	const char *fpr = "";
	if (chance(r, 30)) {
		char hex[41];
		for (int k = 0; k < 40; k++)
			hex[k] = "0123456789ABCDEF"[below(r, 16)];
		hex[40] = '\0';
		fpr = arena_printf(&s->arena, "%s", hex);
	}
	s->people[(*n)++] = (struct team_person){
		name, role, arena_printf(&s->arena, "%c.%s@%s", gl[0], fl, id->domain), phone_at(&s->arena, r, id, chance(r, 40)),
		fpr, vis,
	};
}

static void make_texts(struct seeder *s, struct rng *r, const struct identity *id, const struct fill *f)
{
	struct team_change *ch = &s->ch;
	if (chance(r, 15)) {
		for (size_t k = 0; k < seed_nrfc2350 && ch->ntexts + 2 <= 32; k++) {
			if (!chance(r, 70))
				continue;
			const struct seed_text *t = &seed_rfc2350[k];
			s->texts[ch->ntexts++] = (struct team_text){t->section, "ja", arena_fill(&s->arena, t->ja, f)};
			if (chance(r, 90))
				s->texts[ch->ntexts++] = (struct team_text){t->section, "en", arena_fill(&s->arena, t->en, f)};
		}
	}
	if (chance(r, 20)) {
		for (size_t k = 0; k < seed_nown_texts && ch->ntexts + 2 <= 32; k++) {
			if (!chance(r, 70))
				continue;
			const struct seed_text *t = &seed_own_texts[k];
			s->texts[ch->ntexts++] = (struct team_text){t->section, "ja", arena_fill(&s->arena, t->ja, f)};
			if (chance(r, 60))
				s->texts[ch->ntexts++] = (struct team_text){t->section, "en", arena_fill(&s->arena, t->en, f)};
		}
	}
	ch->texts = s->texts;
}

/* Team number TEAM's record into s->ch (scalars, visibility choices,
 * contacts, people, rules, texts); ID gets its identity. */
static void make_team(struct seeder *s, int64_t team, struct identity *id)
{
	struct rng r = stream(s->seed, SALT_TEAM, (uint64_t)team);
	struct team_change *ch = &s->ch;
	s->arena.used = 0;
	s->arena.full = false;
	memset(ch, 0, sizeof(*ch));
	pick_identity(s, &r, id);
	if (team % GROUP == 0)
		snprintf(s->leader_domain[team / GROUP], FIELD_DOMAIN_MAX, "%s", id->domain);

	const struct seed_kind *k = id->kind;
	bool corp = k->flags & SEED_CORP;
	static const char *const corp_en[] = {"Co., Ltd.", "Inc.", "Corporation"};
	const char *host_ja = corp ? arena_printf(&s->arena, "株式会社%s", id->host_core_ja) : id->host_core_ja;
	const char *host_en = corp ? arena_printf(&s->arena, "%s %s", id->host_core_en, pick(&r, corp_en, 3))
	                           : id->host_core_en;
	bool latin = (unsigned char)id->suffix->ja[0] < 0x80;
	const char *name_ja = arena_printf(&s->arena, "%s%s%s", id->host_core_ja, latin ? " " : "", id->suffix->ja);
	const char *name_en = arena_printf(&s->arena, "%s %s", id->host_core_en, id->suffix->en);
	char abbr[16];
	initials(abbr, sizeof(abbr), id->host_core_en);
	const struct seed_region *region = region_of(id->abroad ? "overseas" : id->place->region);
	const struct seed_pair *dept = &seed_departments[below(&r, (uint32_t)seed_ndepartments)];

	set_text(ch, "name", name_en, name_ja);
	set_text(ch, "short_name", arena_printf(&s->arena, "%s-%s", abbr, id->suffix->short_name), NULL);
	set_text(ch, "registered_name", name_ja, NULL);
	set_text(ch, "host_org", host_en, host_ja);
	set_text(ch, "country", id->abroad ? id->abroad->country : "JP", NULL);
	set_text(ch, "region", region->key, NULL);
	set_text(ch, "sector", k->sector, NULL);
	/* CSIRT types: security firms respond for others, providers also
	 * coordinate and analyse, most teams serve their own organisation. */
	const char *type = "organisational";
	uint32_t x = below(&r, 100);
	if (!strcmp(id->suffix->short_name, "PSIRT"))
		type = "product";
	else if (!strcmp(k->slug, "security"))
		type = x < 70 ? "incident_response_provider" : x < 90 ? "analysis" : "organisational";
	else if (k->flags & SEED_PROVIDER)
		type = x < 25 ? "incident_response_provider" : x < 30 ? "coordination" : x < 40 ? "analysis" : "organisational";
	else if (x >= 96)
		type = x < 98 ? "analysis" : "coordination";
	set_text(ch, "csirt_type", type, NULL);

	/* Founded 2000-2025, more of them recently; joined in or after 2007. */
	uint32_t u = below(&r, 1000);
	int ey = 2000 + (int)(25.0 * sqrt(u / 1000.0)), em = 1 + (int)below(&r, 12), ed = 1 + (int)below(&r, 28);
	int from = ey > 2007 ? ey : 2007;
	int jy = from + (int)below(&r, (uint32_t)(2026 - from)), jm, jd;
	if (jy == ey) {
		jm = em + (int)below(&r, (uint32_t)(13 - em));
		jd = jm == em ? ed + (int)below(&r, (uint32_t)(29 - ed)) : 1 + (int)below(&r, 28);
	} else {
		jm = 1 + (int)below(&r, 12);
		jd = 1 + (int)below(&r, 28);
	}
	set_text(ch, "established", arena_printf(&s->arena, "%04d-%02d-%02d", ey, em, ed), NULL);
	set_text(ch, "joined", arena_printf(&s->arena, "%04d-%02d-%02d", jy, jm, jd), NULL);

	const struct seed_pair *town = &seed_towns[below(&r, (uint32_t)seed_ntowns)];
	uint32_t c1 = 1 + below(&r, 5), c2 = 1 + below(&r, 30), c3 = 1 + below(&r, 20);
	if (id->abroad) {
		set_text(ch, "address", arena_printf(&s->arena, "Level %u, %u Harbour Street, %s", 2 + c2, c3 * 10, id->abroad->city),
		         "");
		set_text(ch, "tz", id->abroad->tz, NULL);
		set_text(ch, "business_hours", "Mon-Fri 9:00-18:00 local time", "現地時間 平日 9:00〜18:00");
	} else {
		const struct seed_place *p = id->place;
		uint32_t zip1 = 100 + below(&r, 900), zip2 = below(&r, 10000);
		set_text(ch, "address",
		         arena_printf(&s->arena, "%u-%u-%u %s, %s, %s %03u-%04u", c1, c2, c3, town->en, p->city_en, p->en, zip1,
		                      zip2),
		         arena_printf(&s->arena, "〒%03u-%04u %s%s%s%u-%u-%u", zip1, zip2, p->ja, p->city_ja, town->ja, c1, c2, c3));
		set_text(ch, "tz", "Asia/Tokyo", NULL);
		if (chance(&r, 20))
			set_text(ch, "business_hours", "24/7", "24時間365日");
		else
			set_text(ch, "business_hours", "Weekdays 9:00-17:30 JST", "平日 9:00〜17:30");
	}
	if (chance(&r, 92))
		set_text(ch, "website", arena_printf(&s->arena, "https://www.%s/", id->domain), NULL);
	set_text(ch, "org_department", dept->ja, NULL);
	int staff0 = 1 + (int)below(&r, 8);
	set_int(ch, "staff_at_founding", staff0, false);
	set_int(ch, "staff_now", staff0 + (int)below(&r, 15) + (chance(&r, 5) ? (int)below(&r, 100) : 0), false);
	static const char *const spreads[] = {"", "centralised", "centralised", "distributed"};
	static const char *const staffings[] = {"", "dedicated", "part_time", "part_time", "mixed"};
	set_text(ch, "structure_spread", pick(&r, spreads, 4), NULL);
	set_text(ch, "structure_staffing", pick(&r, staffings, 5), NULL);
	/* Confirmed in the last eight months (some overdue), a few never. */
	bool never = chance(&r, 3);
	set_int(ch, "last_verified", s->day - (int64_t)below(&r, 240) * 86400 - below(&r, 86400), never);

	/* Visibility choices some teams make. */
	size_t nv = 0;
	if (chance(&r, 8))
		s->vis[nv++] = (struct team_vis){"address", VIS_SECRETARIAT};
	if (chance(&r, 5))
		s->vis[nv++] = (struct team_vis){"staff_now", VIS_PUBLIC};
	if (chance(&r, 4))
		s->vis[nv++] = (struct team_vis){"org_department", VIS_PUBLIC};
	if (chance(&r, 3))
		s->vis[nv++] = (struct team_vis){"registered_name", VIS_MEMBERS};
	if (chance(&r, 5))
		s->vis[nv++] = (struct team_vis){"text.policy_cooperation", VIS_MEMBERS};
	ch->vis = s->vis;
	ch->nvis = nv;

	/* Contacts: an incident address always; phones for members. */
	char mailbox[16];
	lower_into(mailbox, sizeof(mailbox), id->suffix->short_name);
	const char *incident = arena_printf(&s->arena, "%s@%s", mailbox, id->domain);
	size_t nc = 0;
	bool ja = !id->abroad && chance(&r, 70);
	s->contacts[nc++] = (struct team_contact){"email_incident", incident, chance(&r, 50) ? "24/7" : "",
	                                          chance(&r, 40) ? (ja ? "OpenPGP で暗号化してください" : "Please encrypt with OpenPGP") : "",
	                                          VIS_PUBLIC};
	if (chance(&r, 70))
		s->contacts[nc++] = (struct team_contact){"email_general", arena_printf(&s->arena, "info@%s", id->domain), "", "",
		                                          chance(&r, 60) ? VIS_PUBLIC : VIS_MEMBERS};
	if (chance(&r, 90))
		s->contacts[nc++] = (struct team_contact){"phone_voice", phone_at(&s->arena, &r, id, false),
		                                          ja ? "平日 9:00〜17:30" : "Weekdays 9:00-17:30", "", VIS_MEMBERS};
	if (chance(&r, 45))
		s->contacts[nc++] = (struct team_contact){"phone_emergency", phone_at(&s->arena, &r, id, chance(&r, 50)), "24/7",
		                                          ja ? "緊急時のみ" : "Emergencies only",
		                                          chance(&r, 70) ? VIS_MEMBERS : VIS_SECRETARIAT};
	if (chance(&r, 15))
		s->contacts[nc++] = (struct team_contact){"fax", phone_at(&s->arena, &r, id, false), "", "", VIS_MEMBERS};
	ch->contacts_set = true;
	ch->contacts = s->contacts;
	ch->ncontacts = nc;

	/* People: a primary point of contact, usually a secondary one. */
	size_t np = 0;
	make_person(s, &r, id, "primary_poc", chance(&r, 10) ? VIS_PUBLIC : VIS_MEMBERS, &np);
	if (chance(&r, 80))
		make_person(s, &r, id, "secondary_poc", VIS_MEMBERS, &np);
	if (chance(&r, 40))
		make_person(s, &r, id, "representative", chance(&r, 40) ? VIS_SECRETARIAT : VIS_MEMBERS, &np);
	for (int m = chance(&r, 30) ? 1 + (int)below(&r, 2) : 0; m > 0; m--)
		make_person(s, &r, id, "member", VIS_MEMBERS, &np);
	ch->people_set = true;
	ch->people = s->people;
	ch->npeople = np;

	make_rules(s, &r, team, id);
	ch->rules_set = true;
	ch->rules = s->rules;
	ch->nrules = s->nrules;

	struct fill f = {name_en, name_ja, host_en, host_ja, region->en, region->ja, id->domain, incident, dept->en, dept->ja, ey};
	make_texts(s, &r, id, &f);
}

static void count(struct seed_stats *st, const struct team_change *ch)
{
	st->teams++;
	st->contacts += (int64_t)ch->ncontacts;
	st->people += (int64_t)ch->npeople;
	st->texts += (int64_t)ch->ntexts;
	for (size_t i = 0; i < ch->nrules; i++) {
		const struct team_rule *x = &ch->rules[i];
		if (!strcmp(x->kind, "cidr"))
			*(strchr(x->value, ':') ? &st->prefixes6 : &st->prefixes4) += 1;
		else if (!strcmp(x->kind, "domain"))
			st->domains++;
		else if (!strcmp(x->kind, "asn"))
			st->asns++;
	}
}

int seed_directory(struct db *db, int n, uint64_t seed, int64_t now, seed_progress_fn progress, void *arg,
                   struct seed_stats *stats, char taken[static TEAM_SLUG_MAX + 1])
{
	struct seeder s = {.seed = seed, .day = now - now % 86400};
	int rc = -1;
	memset(stats, 0, sizeof(*stats));
	taken[0] = '\0';
	if (n < 1 || n > SEED_TEAMS_MAX)
		return -1;
	size_t slots = 1024;
	while (slots < (size_t)n * 2)
		slots <<= 1;
	s.names = calloc(slots, sizeof(*s.names));
	s.names_mask = slots - 1;
	s.leader_domain = calloc((size_t)n / GROUP + 1, sizeof(*s.leader_domain));
	s.arena.cap = 256 * 1024;
	s.arena.base = malloc(s.arena.cap);
	if (!s.names || !s.leader_domain || !s.arena.base)
		goto out;
	for (int i = 0; i < n; i++) {
		struct identity id;
		int64_t team_id;
		make_team(&s, i, &id);
		if (s.arena.full)
			goto out;
		int created = team_create_with(db, 0, id.slug, &s.ch, now, &team_id);
		if (created == 0) {
			snprintf(taken, TEAM_SLUG_MAX + 1, "%s", id.slug);
			rc = 1;
			goto out;
		}
		if (created < 0)
			goto out;
		count(stats, &s.ch);
		if (progress && ((i + 1) % 500 == 0 || i + 1 == n))
			progress(arg, i + 1, n);
	}
	rc = 0;
out:
	free(s.names);
	free(s.leader_domain);
	free(s.arena.base);
	return rc;
}
