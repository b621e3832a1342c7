/* The vocabulary of the synthetic directory (seed.c): places, kinds of
 * organisation, name stems, people's names and the texts teams write
 * about themselves, each in Japanese and English. Only seed.c reads it. */
#ifndef SHISA_SEED_WORDS_H
#define SHISA_SEED_WORDS_H
#include <stddef.h>

/* A prefecture: its names, region, main city, telephone area code
 * (without the leading 0) and how many teams it has, relatively. */
struct seed_place {
	const char *ja, *ja_short, *en, *region, *city_ja, *city_en, *area;
	int weight;
};

/* A country where Japanese groups have teams of their own. */
struct seed_abroad {
	const char *country, *ja, *en, *city, *tz, *phone;   /* phone: a complete example number */
};

#define SEED_CORP 1u       /* a company: 株式会社 / Co., Ltd. */
#define SEED_PROVIDER 2u   /* holds large address blocks others sit inside */
#define SEED_PRODUCT 4u    /* makes products: some of its teams are PSIRTs */

/* A kind of organisation: "銀行" / "Bank" in sector finance. */
struct seed_kind {
	const char *sector, *ja, *en, *slug, *tld;
	unsigned flags;
};

struct seed_pair {
	const char *ja, *en;
};

/* How a team calls itself after its host's name. */
struct seed_suffix {
	const char *ja, *en, *short_name;
};

/* The sector of every kind with its weight (sum 100). */
struct seed_sector {
	const char *sector;
	int weight;
};

/* A region of team_regions[] and its names in texts. */
struct seed_region {
	const char *key, *ja, *en;
};

/* A text section, with {placeholders} filled by seed.c. */
struct seed_text {
	const char *section, *ja, *en;
};

extern const struct seed_place seed_places[];
extern const size_t seed_nplaces;
extern const struct seed_abroad seed_abroad[];
extern const size_t seed_nabroad;
extern const struct seed_kind seed_kinds[];
extern const size_t seed_nkinds;
extern const struct seed_sector seed_sectors[];
extern const size_t seed_nsectors;
extern const struct seed_pair seed_stems[];         /* ja, romanised */
extern const size_t seed_nstems;
extern const struct seed_pair seed_family_names[];  /* ja, romanised */
extern const size_t seed_nfamily_names;
extern const struct seed_pair seed_given_names[];
extern const size_t seed_ngiven_names;
extern const struct seed_pair seed_towns[];
extern const size_t seed_ntowns;
extern const struct seed_pair seed_departments[];   /* the survey's organising departments */
extern const size_t seed_ndepartments;
extern const struct seed_region seed_regions[];     /* ending with a NULL key */
extern const struct seed_suffix seed_suffixes[];
extern const size_t seed_nsuffixes;
extern const struct seed_text seed_rfc2350[];
extern const size_t seed_nrfc2350;
extern const struct seed_text seed_own_texts[];
extern const size_t seed_nown_texts;

#endif
