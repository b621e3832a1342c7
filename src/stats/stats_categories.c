/* The members on the as-of day by category: industry, region and CSIRT
 * type for everyone; organising department and team size for members'
 * eyes. Categories are listed by count, largest first (the directory's
 * order between equals), then the unknown; for a public reader the
 * categories under STATS_FOLD_BELOW are added into one row (stats.h). */
#include <stdint.h>
#include <string.h>
#include "directory/team_input.h"
#include "stats/department.h"
#include "stats/stats_int.h"

/* Team sizes in bands, as the surveys count them. */
static const struct {
	const char *key;
	int64_t up_to;
} bands[] = {
	{"up_to_2", 2}, {"3_5", 5}, {"6_10", 10}, {"11_20", 20}, {"21_50", 50}, {"51_plus", INT64_MAX},
};
#define NBANDS (sizeof(bands) / sizeof(bands[0]))

static bool current(const struct stats_member *m, int as_of)
{
	return m->joined <= as_of && m->left > as_of;
}

static const char *sector_of(const struct stats_member *m)
{
	return m->sector;
}

static const char *region_of(const struct stats_member *m)
{
	return m->region;
}

static const char *csirt_type_of(const struct stats_member *m)
{
	return m->csirt_type;
}

static const char *department_of(const struct stats_member *m)
{
	return m->department;
}

/* Count each current member's KEY_OF into C, in the order of KEYS
 * (NULL-terminated; "" entries skipped), then order by count and fold
 * for the public. */
static void count_by(const struct stats_members *ms, int as_of, const char *(*key_of)(const struct stats_member *m),
                     const char *const keys[], bool fold, struct stats_categories *c)
{
	memset(c, 0, sizeof(*c));
	int64_t counts[STATS_MAX_CATEGORIES] = {0}, unknown = 0;
	size_t nkeys = 0;
	const char *list[STATS_MAX_CATEGORIES];
	for (size_t i = 0; keys[i] && nkeys < STATS_MAX_CATEGORIES - 2; i++)
		if (*keys[i])
			list[nkeys++] = keys[i];
	for (size_t i = 0; i < ms->n; i++) {
		const struct stats_member *m = &ms->m[i];
		if (!current(m, as_of))
			continue;
		const char *key = key_of(m);
		size_t k = 0;
		while (k < nkeys && (!key || strcmp(list[k], key) != 0))
			k++;
		if (k < nkeys)
			counts[k]++;
		else
			unknown++;
	}
	/* By count, largest first; the list's order between equals. */
	size_t order[STATS_MAX_CATEGORIES];
	for (size_t k = 0; k < nkeys; k++) {
		size_t j = k;
		while (j > 0 && counts[order[j - 1]] < counts[k]) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = k;
	}
	int64_t folded = 0;
	for (size_t i = 0; i < nkeys; i++) {
		size_t k = order[i];
		if (counts[k] == 0)
			continue;
		if (fold && counts[k] < STATS_FOLD_BELOW) {
			folded += counts[k];
			c->folded++;
			continue;
		}
		c->rows[c->n].key = list[k];
		c->rows[c->n++].count[0] = counts[k];
	}
	if (folded) {
		c->rows[c->n].key = STATS_FOLDED;
		c->rows[c->n++].count[0] = folded;
	}
	if (unknown) {
		c->rows[c->n].key = STATS_UNKNOWN;
		c->rows[c->n++].count[0] = unknown;
	}
}

static void staff_bands(const struct stats_members *ms, int as_of, struct stats_categories *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t b = 0; b < NBANDS; b++)
		c->rows[b].key = bands[b].key;
	c->rows[NBANDS].key = STATS_UNKNOWN;
	c->n = NBANDS + 1;
	for (size_t i = 0; i < ms->n; i++) {
		const struct stats_member *m = &ms->m[i];
		if (!current(m, as_of))
			continue;
		int64_t sizes[2] = {m->staff_at_founding, m->staff_now};
		for (int w = 0; w < 2; w++) {
			size_t b = 0;
			while (sizes[w] >= 0 && b < NBANDS - 1 && sizes[w] > bands[b].up_to)
				b++;
			c->rows[sizes[w] < 0 ? NBANDS : b].count[w]++;
		}
	}
	/* No unknown row when every size is known. */
	if (!c->rows[NBANDS].count[0] && !c->rows[NBANDS].count[1])
		c->n = NBANDS;
}

void stats_categories(const struct stats_members *ms, int as_of, struct stats *s)
{
	bool fold = s->level == DIR_PUBLIC;
	count_by(ms, as_of, sector_of, team_sectors, fold, &s->sector);
	count_by(ms, as_of, region_of, team_regions, fold, &s->region);
	count_by(ms, as_of, csirt_type_of, team_csirt_types, fold, &s->csirt_type);
	if (!s->detail)
		return;
	count_by(ms, as_of, department_of, department_keys, false, &s->department);
	staff_bands(ms, as_of, &s->staff);
}
