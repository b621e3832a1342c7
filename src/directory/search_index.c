/* The directory search in memory; see search_index.h.
 *
 * Layout. Each team's text is one run in a single arena: its pieces
 * (folded, each ending in '\n') grouped by visibility, public ones first
 * with the names piece ("name_en name_ja short_name") at the very start,
 * then the members' and the secretariat's, then one more '\n'. Teams
 * follow each other by id. A match at offset O is in the names when O is
 * before names_end, and visible at level L when O is before the start of
 * the pieces of visibility L + 1.
 *
 * Two positional trigram indexes point into the arena: "all" has every
 * position of every team's text, "names" only those of the names pieces.
 * For each distinct trigram (three code points, one 63-bit key) they keep
 * the offsets where it starts, increasing, as LEB128 deltas. A query of
 * three characters or more walks the postings of its rarest trigram and
 * compares the whole query there; a shorter one takes the names postings
 * of every trigram that begins with it (a contiguous range of keys).
 *
 * Facets. Sector, region, CSIRT type and country are one value per team, a
 * code into the facet's sorted values. Constituency types are several per
 * team, each with its own visibility (constituency_type.h): the keys are
 * the values, each team's keys a run of type_rows (or, for the many that
 * have one, in the team itself), and each level has its own spelling of a
 * key to show.
 *
 * The arrays a query reads at random (the text, the teams, the postings)
 * are on huge pages when large (core/hugemem.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/hugemem.h"
#include "directory/constituency_type.h"
#include "directory/search_index.h"

#define NFACETS 4          /* the facets of one value per team */
#define TYPES NFACETS      /* then constituency types */
#define NGROUPS (NFACETS + 1)
static const char *const facet_names[NGROUPS] = {"sector", "region", "csirt_type", "country", "constituency_type"};
/* A team's constituency type: the key's code, and the visibility of its
 * most visible row with that key. No key has code 0: a team's own TYPE is
 * 0 for none, TYPE_ROW() for one, and TYPES_SEVERAL for more. */
#define TYPE_ROW(code, vis) ((uint32_t)(code) << 2 | (uint32_t)(vis))
#define TYPE_CODE(row) ((row) >> 2)
#define TYPE_VIS(row) ((row) & 3)
#define TYPES_SEVERAL TYPE_ROW(0, 1)

struct sx_team {
	uint32_t id;                                 /* (build checks that ids fit) */
	uint32_t text, names_end, seg1, seg2, end;   /* arena offsets; END is after its last piece */
	uint32_t sep1, sep2;                         /* the spaces between the three names */
	uint32_t rank;                               /* position by (name_en, id) */
	/* What a match reads, together: */
	uint32_t type;                               /* its constituency type, kept here when it has one */
	uint16_t value[NFACETS];                     /* codes of sector, region, csirt_type, country */
	uint8_t vis[NFACETS];
	bool active;
};

struct sx_postings {
	uint64_t *keys;      /* sorted */
	uint32_t *count;
	size_t *start;       /* into data, nkeys + 1 of them */
	uint8_t *data;
	size_t nkeys;
};

struct search_index {
	struct sx_team *teams;     /* by id: their texts in arena order */
	uint32_t *by_rank;         /* the team at each rank */
	uint32_t *starts;          /* each team's text offset, then the end of the last */
	size_t nteams;
	char *text;
	size_t text_len;
	struct sx_postings all, names;
	char **values[NGROUPS];    /* each facet's values (of TYPES: the keys), sorted; code 0 is "" */
	size_t nvalues[NGROUPS];
	uint32_t *type_from;       /* team k's constituency types: type_rows[type_from[k]..type_from[k + 1]) */
	uint32_t *type_rows;       /* TYPE_ROW()s, by team and key */
	char **type_spelling[DIR_ALL + 1];   /* each key's spelling at each level (NULL: none visible) */
	/* The answer to the empty query at each level (the directory page as
	 * it opens): how many teams are listed, and the facet counts. */
	size_t listed[DIR_ALL + 1];
	uint32_t *listed_counts[DIR_ALL + 1][NGROUPS];
	int64_t version;           /* search_version when it was read */
	size_t memory;
};

/* ---- text ---- */

/* The code point at S (LEN bytes left), its length in *N. A byte that
 * does not start a well-formed sequence stands for itself. */
static uint32_t decode(const unsigned char *s, size_t len, size_t *n)
{
	*n = 1;
	if (len == 0)
		return 0;
	unsigned c = s[0];
	int more = c >= 0xF0 && c < 0xF8 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
	if (c < 0x80 || c >= 0xF8 || (size_t)more >= len)
		return c;
	uint32_t cp = c & (0x3F >> more);
	for (int i = 1; i <= more; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return c;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	*n = (size_t)more + 1;
	return cp;
}

/* Lower case for ASCII, Latin-1, Greek, Cyrillic and full-width Latin. */
static uint32_t fold(uint32_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) ||
	    (c >= 0x410 && c <= 0x42F) || (c >= 0xFF21 && c <= 0xFF3A))
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40F)
		return c + 0x50;
	return c;
}

static int encode(uint32_t c, char out[4])
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | c >> 18);
	out[1] = (char)(0x80 | (c >> 12 & 0x3F));
	out[2] = (char)(0x80 | (c >> 6 & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* Append S folded. Return 0 or -1. */
static int add_folded(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), n;
	int rc = 0;
	while (len && rc == 0) {
		uint32_t c = decode(p, len, &n);
		if (n == 1 && c >= 0x80) {
			rc = buf_addc(b, (char)c);   /* a stray byte, kept as it is */
		} else {
			char u[4];
			rc = buf_add(b, u, (size_t)encode(fold(c), u));
		}
		p += n;
		len -= n;
	}
	return rc;
}

static uint64_t trigram(uint32_t a, uint32_t b, uint32_t c)
{
	return (uint64_t)a << 42 | (uint64_t)b << 21 | c;
}

/* ---- postings ---- */

static size_t varint_len(uint64_t v)
{
	size_t n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static const uint8_t *varint_read(const uint8_t *p, uint64_t *v)
{
	uint64_t x = 0;
	int shift = 0;
	while (*p & 0x80) {
		x |= (uint64_t)(*p++ & 0x7F) << shift;
		shift += 7;
	}
	*v = x | (uint64_t)*p++ << shift;
	return p;
}

/* While building: an open-addressing table of the distinct trigrams. */
struct slot {
	uint64_t key;      /* 0: empty (no trigram starts with U+0000) */
	uint32_t count;
	uint64_t last;
	size_t bytes;      /* pass 1: bytes of its postings; pass 2: where the next goes */
};

struct table {
	struct slot *slots;
	size_t mask, used;
};

static struct slot *table_find(struct table *t, uint64_t key)
{
	size_t i = (size_t)(key * 0x9E3779B97F4A7C15ull >> 17) & t->mask;
	while (t->slots[i].key && t->slots[i].key != key)
		i = (i + 1) & t->mask;
	return &t->slots[i];
}

static int table_grow(struct table *t)
{
	struct table bigger = {calloc(2 * (t->mask + 1), sizeof(struct slot)), 2 * t->mask + 1, t->used};
	if (!bigger.slots)
		return -1;
	for (size_t i = 0; i <= t->mask; i++)
		if (t->slots[i].key)
			*table_find(&bigger, t->slots[i].key) = t->slots[i];
	free(t->slots);
	*t = bigger;
	return 0;
}

/* What an index covers, and what a posting holds: "all" every position
 * of a team's text, as its arena offset; "names" those of its names piece,
 * as the team's number << NAME_BITS | the offset in the piece, so that a
 * short query needs no search for the team. */
enum coverage { COVER_ALL, COVER_NAMES };
#define NAME_BITS 12   /* the three names take at most 4002 bytes */

/* One pass over every trigram start of the ranges; FILL false counts,
 * true writes the postings. */
static int postings_pass(struct search_index *ix, enum coverage cover, struct table *t, struct sx_postings *p, bool fill)
{
	const unsigned char *s = (const unsigned char *)ix->text;
	size_t len = ix->text_len;
	for (size_t k = 0; k < ix->nteams; k++) {
		const struct sx_team *tm = &ix->teams[k];
		uint32_t from = tm->text, to = cover == COVER_ALL ? tm->end : tm->names_end;
		if (cover == COVER_NAMES && to - from >= 1u << NAME_BITS)
			to = from + (1u << NAME_BITS) - 1;   /* longer than the fields allow */
		size_t pos = from, l0 = 0, l1 = 0, l2 = 0;
		uint32_t c0 = decode(s + pos, len - pos, &l0);
		uint32_t c1 = pos + l0 < len ? decode(s + pos + l0, len - pos - l0, &l1) : 0;
		uint32_t c2 = pos + l0 + l1 < len ? decode(s + pos + l0 + l1, len - pos - l0 - l1, &l2) : 0;
		while (pos < to) {
			/* No query holds a line break: positions on one never match. */
			if (c0 != '\n') {
				struct slot *sl = table_find(t, trigram(c0, c1, c2));
				uint64_t value = cover == COVER_ALL ? pos : (uint64_t)k << NAME_BITS | (pos - from);
				uint64_t delta = value - sl->last;
				if (!fill) {
					if (!sl->key) {
						sl->key = trigram(c0, c1, c2);
						if (++t->used * 2 > t->mask && table_grow(t) < 0)
							return -1;
						sl = table_find(t, trigram(c0, c1, c2));
					}
					sl->count++;
					sl->bytes += varint_len(delta);
				} else {
					uint8_t *o = p->data + sl->bytes;
					while (delta >= 0x80) {
						*o++ = (uint8_t)(delta | 0x80);
						delta >>= 7;
					}
					*o++ = (uint8_t)delta;
					sl->bytes = (size_t)(o - p->data);
				}
				sl->last = value;
			}
			size_t at = pos + l0 + l1 + l2;
			pos += l0;
			c0 = c1;
			l0 = l1;
			c1 = c2;
			l1 = l2;
			c2 = at < len ? decode(s + at, len - at, &l2) : 0;
		}
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int postings_build(struct search_index *ix, enum coverage cover, struct sx_postings *p)
{
	struct table t = {calloc(1u << 16, sizeof(struct slot)), (1u << 16) - 1, 0};
	int rc = -1;
	if (!t.slots || postings_pass(ix, cover, &t, p, false) < 0)
		goto out;
	p->nkeys = t.used;
	p->keys = huge_alloc((p->nkeys + 1) * sizeof(*p->keys));
	p->count = huge_alloc((p->nkeys + 1) * sizeof(*p->count));
	p->start = huge_alloc((p->nkeys + 1) * sizeof(*p->start));
	if (!p->keys || !p->count || !p->start)
		goto out;
	size_t n = 0;
	for (size_t i = 0; i <= t.mask; i++)
		if (t.slots[i].key)
			p->keys[n++] = t.slots[i].key;
	qsort(p->keys, n, sizeof(*p->keys), cmp_u64);
	size_t bytes = 0;
	for (size_t i = 0; i < n; i++) {
		struct slot *sl = table_find(&t, p->keys[i]);
		p->start[i] = bytes;
		p->count[i] = sl->count;
		bytes += sl->bytes;
		sl->bytes = p->start[i];
		sl->last = 0;
	}
	p->start[n] = bytes;
	p->data = huge_alloc(bytes ? bytes : 1);
	if (!p->data || postings_pass(ix, cover, &t, p, true) < 0)
		goto out;
	ix->memory += n * (sizeof(*p->keys) + sizeof(*p->count) + sizeof(*p->start)) + bytes;
	rc = 0;
out:
	free(t.slots);
	return rc;
}

static void postings_free(struct sx_postings *p)
{
	free(p->keys);
	free(p->count);
	free(p->start);
	free(p->data);
}

/* The first key >= KEY. */
static size_t lower_bound(const struct sx_postings *p, uint64_t key)
{
	size_t lo = 0, hi = p->nkeys;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- building ---- */

static uint8_t vis_rank(const char *v)
{
	enum visibility x = VIS_PUBLIC;
	visibility_parse(v, &x);
	return (uint8_t)x;
}

/* The facets' values, "" first, then sorted as SQLite sorts text. */
static int read_values(struct db *db, struct search_index *ix)
{
	static const char *const sql[NFACETS] = {
		"SELECT DISTINCT sector FROM teams WHERE sector != '' ORDER BY 1",
		"SELECT DISTINCT region FROM teams WHERE region != '' ORDER BY 1",
		"SELECT DISTINCT csirt_type FROM teams WHERE csirt_type != '' ORDER BY 1",
		"SELECT DISTINCT country FROM teams WHERE country != '' ORDER BY 1",
	};
	for (int f = 0; f < NFACETS; f++) {
		sqlite3_stmt *st = db_stmt(db, sql[f]);
		if (!st)
			return -1;
		size_t cap = 16, n = 1;
		char **v = malloc(cap * sizeof(*v));
		if (!v || !(v[0] = strdup(""))) {
			free(v);
			return -1;
		}
		ix->values[f] = v;
		ix->nvalues[f] = 1;
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < UINT16_MAX) {
			if (n == cap) {
				char **bigger = realloc(v, 2 * cap * sizeof(*v));
				if (!bigger)
					break;
				ix->values[f] = v = bigger;
				cap *= 2;
			}
			if (!(v[n] = strdup(db_col_text(st, 0))))
				break;
			ix->nvalues[f] = ++n;
			ix->memory += strlen(v[n - 1]) + 1 + sizeof(*v);
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return -1;
	}
	return 0;
}

static uint32_t value_code(const struct search_index *ix, int f, const char *v)
{
	size_t lo = 1, hi = ix->nvalues[f];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ix->values[f][mid], v);
		if (c == 0)
			return (uint32_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Reading the constituency types. */
struct type_reading {
	struct search_index *ix;
	enum dir_level level;      /* whose spellings are read */
	size_t cap;                /* room in values[TYPES] and type_spelling[DIR_ALL] */
	int64_t *team;             /* the team of each of type_rows */
	size_t nrows, rows_cap;
};

/* The keys, with their spellings at DIR_ALL, which sees every key. */
static int add_key(const char *key, const char *spelling, void *arg)
{
	struct type_reading *tr = arg;
	struct search_index *ix = tr->ix;
	size_t n = ix->nvalues[TYPES];
	if (n == tr->cap) {
		char **keys = realloc(ix->values[TYPES], 2 * tr->cap * sizeof(*keys));
		if (keys)
			ix->values[TYPES] = keys;
		char **spellings = realloc(ix->type_spelling[DIR_ALL], 2 * tr->cap * sizeof(*spellings));
		if (spellings)
			ix->type_spelling[DIR_ALL] = spellings;
		if (!keys || !spellings)
			return -1;
		tr->cap *= 2;
	}
	ix->values[TYPES][n] = strdup(key);
	ix->type_spelling[DIR_ALL][n] = strdup(spelling);
	ix->nvalues[TYPES] = n + 1;
	ix->memory += strlen(key) + strlen(spelling) + 2 + 2 * sizeof(char *);
	return ix->values[TYPES][n] && ix->type_spelling[DIR_ALL][n] ? 0 : -1;
}

/* A key's spelling at the level being read. */
static int add_spelling(const char *key, const char *spelling, void *arg)
{
	struct type_reading *tr = arg;
	uint32_t code = value_code(tr->ix, TYPES, key);
	if (!code)
		return 0;
	tr->ix->memory += strlen(spelling) + 1;
	return (tr->ix->type_spelling[tr->level][code] = strdup(spelling)) ? 0 : -1;
}

/* One key of one team, in team order. */
static int add_type_row(int64_t team_id, const char *key, enum visibility v, void *arg)
{
	struct type_reading *tr = arg;
	struct search_index *ix = tr->ix;
	if (tr->nrows == tr->rows_cap) {
		size_t cap = 2 * tr->rows_cap;
		int64_t *team = realloc(tr->team, cap * sizeof(*team));
		if (team)
			tr->team = team;
		uint32_t *rows = realloc(ix->type_rows, cap * sizeof(*rows));
		if (rows)
			ix->type_rows = rows;
		if (!team || !rows)
			return -1;
		tr->rows_cap = cap;
	}
	uint32_t code = value_code(ix, TYPES, key);
	if (!code || code >= 1u << 30)
		return -1;   /* not in the keys just read, or more keys than a row holds */
	tr->team[tr->nrows] = team_id;
	ix->type_rows[tr->nrows++] = TYPE_ROW(code, v > VIS_SECRETARIAT ? VIS_SECRETARIAT : v);
	return 0;
}

/* The keys, their spellings at each level and each team's keys: into
 * values[TYPES], type_spelling and type_rows, with TR->team the team of
 * each row. */
static int read_types(struct db *db, struct search_index *ix, struct type_reading *tr)
{
	tr->ix = ix;
	tr->cap = 16;
	tr->rows_cap = 1024;
	ix->values[TYPES] = calloc(tr->cap, sizeof(char *));
	ix->type_spelling[DIR_ALL] = calloc(tr->cap, sizeof(char *));
	ix->type_rows = malloc(tr->rows_cap * sizeof(*ix->type_rows));
	tr->team = malloc(tr->rows_cap * sizeof(*tr->team));
	if (!ix->values[TYPES] || !ix->type_spelling[DIR_ALL] || !ix->type_rows || !tr->team ||
	    !(ix->values[TYPES][0] = strdup("")))
		return -1;
	ix->nvalues[TYPES] = 1;
	if (constituency_type_labels(db, DIR_ALL, add_key, tr) < 0)
		return -1;
	for (int l = DIR_PUBLIC; l < DIR_ALL; l++) {
		tr->level = (enum dir_level)l;
		if (!(ix->type_spelling[l] = calloc(ix->nvalues[TYPES], sizeof(char *))) ||
		    constituency_type_labels(db, tr->level, add_spelling, tr) < 0)
			return -1;
	}
	return constituency_type_rows(db, add_type_row, tr);
}

/* Each team's run of type_rows, once the teams are read: the rows of
 * teams that are not there (none, with foreign keys on) are left out. */
static void place_types(struct search_index *ix, const struct type_reading *tr)
{
	size_t row = 0, kept = 0;
	for (size_t k = 0; k < ix->nteams; k++) {
		while (row < tr->nrows && tr->team[row] < ix->teams[k].id)
			row++;
		ix->type_from[k] = (uint32_t)kept;
		while (row < tr->nrows && tr->team[row] == ix->teams[k].id)
			ix->type_rows[kept++] = ix->type_rows[row++];
		size_t n = kept - ix->type_from[k];
		ix->teams[k].type = n == 0 ? 0 : n == 1 ? ix->type_rows[kept - 1] : TYPES_SEVERAL;
	}
	ix->type_from[ix->nteams] = (uint32_t)kept;
	ix->memory += kept * sizeof(*ix->type_rows) + (ix->nteams + 1) * sizeof(*ix->type_from);
}

/* Visibility choices that search reads, per team id. */
enum { V_REGISTERED, V_HOST, V_SECTOR, V_REGION, V_TYPE, V_COUNTRY, V__COUNT };

static int read_visibility(struct db *db, uint8_t (*vis)[V__COUNT], int64_t max_id)
{
	static const char sql[] =
		"SELECT team_id, field, visibility FROM team_visibility"
		" WHERE field IN ('registered_name', 'host_org', 'sector', 'region', 'csirt_type', 'country')";
	static const char *const fields[V__COUNT] = {"registered_name", "host_org", "sector", "region", "csirt_type",
	                                             "country"};
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *field = db_col_text(st, 1);
		for (int k = 0; k < V__COUNT && id >= 1 && id <= max_id; k++)
			if (!strcmp(field, fields[k]))
				vis[id][k] = vis_rank(db_col_text(st, 2));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Append PIECE (a column, or two joined by a space) to the pieces of
 * visibility V, folded, with its line break. */
static int add_piece(struct buf seg[3], uint8_t v, const char *a, const char *b)
{
	struct buf *s = &seg[v > 2 ? 2 : v];
	if (add_folded(s, a) < 0 || (b && (buf_addc(s, ' ') < 0 || add_folded(s, b) < 0)))
		return -1;
	return buf_addc(s, '\n');
}

/* Every team's text, from the teams and their texts read side by side in
 * id order. */
static int read_texts(struct db *db, struct search_index *ix, struct buf *arena, uint8_t (*vis)[V__COUNT],
                      const uint32_t *rank_of_id, int64_t max_id)
{
	static const char teams_sql[] =
		"SELECT id, state, name_en, name_ja, short_name, registered_name, host_org_en, host_org_ja, sector, region,"
		" csirt_type, country FROM teams ORDER BY id";
	static const char texts_sql[] =
		"SELECT x.team_id, x.body, coalesce(v.visibility, 'public') FROM team_texts x LEFT JOIN team_visibility v"
		" ON v.team_id = x.team_id AND v.field = 'text.' || x.section ORDER BY x.team_id, x.section, x.lang";
	sqlite3_stmt *teams = db_stmt(db, teams_sql), *texts = teams ? db_stmt(db, texts_sql) : NULL;
	if (!teams || !texts)
		return -1;
	struct buf seg[3];
	for (int v = 0; v < 3; v++)
		buf_init(&seg[v], (size_t)1 << 30);
	int rc = -1, trc = sqlite3_step(texts), step;
	size_t n = 0;
	while ((step = sqlite3_step(teams)) == SQLITE_ROW && n < ix->nteams) {
		int64_t id = sqlite3_column_int64(teams, 0);
		if (id < 1 || id > max_id)
			goto out;
		struct sx_team *t = &ix->teams[n++];
		for (int v = 0; v < 3; v++)
			buf_reset(&seg[v]);
		t->id = id;
		t->active = !strcmp(db_col_text(teams, 1), "active");
		t->rank = rank_of_id[id];
		/* The names piece, as the full-text row joins them. */
		if (add_folded(&seg[0], db_col_text(teams, 2)) < 0)
			goto out;
		t->sep1 = (uint32_t)seg[0].len;
		if (buf_addc(&seg[0], ' ') < 0 || add_folded(&seg[0], db_col_text(teams, 3)) < 0)
			goto out;
		t->sep2 = (uint32_t)seg[0].len;
		if (buf_addc(&seg[0], ' ') < 0 || add_folded(&seg[0], db_col_text(teams, 4)) < 0)
			goto out;
		t->names_end = (uint32_t)seg[0].len;
		if (buf_addc(&seg[0], '\n') < 0 || add_piece(seg, vis[id][V_REGISTERED], db_col_text(teams, 5), NULL) < 0 ||
		    add_piece(seg, vis[id][V_HOST], db_col_text(teams, 6), db_col_text(teams, 7)) < 0)
			goto out;
		while (trc == SQLITE_ROW && sqlite3_column_int64(texts, 0) <= id) {
			if (sqlite3_column_int64(texts, 0) == id &&
			    add_piece(seg, vis_rank(db_col_text(texts, 2)), db_col_text(texts, 1), NULL) < 0)
				goto out;
			trc = sqlite3_step(texts);
		}
		for (int f = 0; f < NFACETS; f++) {
			t->value[f] = (uint16_t)value_code(ix, f, db_col_text(teams, 8 + f));
			t->vis[f] = vis[id][V_SECTOR + f];
		}
		uint32_t base = (uint32_t)arena->len;
		t->text = base;
		t->sep1 += base;
		t->sep2 += base;
		t->names_end += base;
		t->seg1 = base + (uint32_t)seg[0].len;
		t->seg2 = t->seg1 + (uint32_t)seg[1].len;
		t->end = t->seg2 + (uint32_t)seg[2].len;
		for (int v = 0; v < 3; v++)
			if (seg[v].len && buf_add(arena, seg[v].data, seg[v].len) < 0)
				goto out;
		if (buf_addc(arena, '\n') < 0)
			goto out;
	}
	if (step != SQLITE_DONE || n != ix->nteams || (trc != SQLITE_ROW && trc != SQLITE_DONE))
		goto out;
	rc = 0;
out:
	sqlite3_reset(teams);
	sqlite3_reset(texts);
	for (int v = 0; v < 3; v++)
		buf_release(&seg[v]);
	return rc;
}

static int count_listed(struct search_index *ix)
{
	for (int l = 0; l <= DIR_ALL; l++) {
		for (int f = 0; f < NGROUPS; f++) {
			if (!(ix->listed_counts[l][f] = calloc(ix->nvalues[f], sizeof(uint32_t))))
				return -1;
			ix->memory += ix->nvalues[f] * sizeof(uint32_t);
		}
		for (size_t k = 0; k < ix->nteams; k++) {
			const struct sx_team *t = &ix->teams[k];
			if (l < DIR_ALL && !t->active)
				continue;
			ix->listed[l]++;
			for (int f = 0; f < NFACETS; f++)
				if (t->value[f] && t->vis[f] <= l)
					ix->listed_counts[l][f][t->value[f]]++;
			for (uint32_t i = ix->type_from[k]; i < ix->type_from[k + 1]; i++)
				if (TYPE_VIS(ix->type_rows[i]) <= (uint32_t)l)
					ix->listed_counts[l][TYPES][TYPE_CODE(ix->type_rows[i])]++;
		}
	}
	return 0;
}

static int build(struct db *db, struct search_index *ix)
{
	static const char version_sql[] = "SELECT version FROM search_version";
	static const char count_sql[] = "SELECT count(*) FROM teams";
	static const char max_sql[] = "SELECT coalesce(max(id), 0) FROM teams";
	static const char rank_sql[] = "SELECT id FROM teams ORDER BY name_en, id";
	ix->version = db_scalar(db, version_sql);
	int64_t n = db_scalar(db, count_sql), max_id = db_scalar(db, max_sql);
	if (ix->version < 0 || n < 0 || max_id < 0 || max_id > UINT32_MAX - 1)
		return -1;
	ix->nteams = (size_t)n;
	ix->teams = huge_alloc(((size_t)n + 1) * sizeof(*ix->teams));
	if (ix->teams)
		memset(ix->teams, 0, ((size_t)n + 1) * sizeof(*ix->teams));
	ix->by_rank = calloc((size_t)n + 1, sizeof(*ix->by_rank));
	ix->starts = calloc((size_t)n + 1, sizeof(*ix->starts));
	ix->type_from = calloc((size_t)n + 1, sizeof(*ix->type_from));
	struct type_reading types = {0};
	uint32_t *rank_of_id = calloc((size_t)max_id + 1, sizeof(*rank_of_id));
	uint8_t (*vis)[V__COUNT] = calloc((size_t)max_id + 1, sizeof(*vis));
	struct buf arena;
	buf_init(&arena, (size_t)UINT32_MAX - 16);
	int rc = -1;
	if (!ix->teams || !ix->by_rank || !ix->starts || !ix->type_from || !rank_of_id || !vis ||
	    read_values(db, ix) < 0 || read_types(db, ix, &types) < 0 || read_visibility(db, vis, max_id) < 0)
		goto out;
	sqlite3_stmt *st = db_stmt(db, rank_sql);
	if (!st)
		goto out;
	uint32_t r = 0;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW && r < (uint32_t)n) {
		int64_t id = sqlite3_column_int64(st, 0);
		if (id >= 1 && id <= max_id)
			rank_of_id[id] = r++;
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE || r != (uint32_t)n || read_texts(db, ix, &arena, vis, rank_of_id, max_id) < 0)
		goto out;
	for (size_t k = 0; k < ix->nteams; k++) {
		ix->by_rank[ix->teams[k].rank] = (uint32_t)k;
		ix->starts[k] = ix->teams[k].text;
	}
	ix->starts[ix->nteams] = (uint32_t)arena.len;   /* where the last team's text ends */
	place_types(ix, &types);
	/* Room after the last team for the trigrams that end there. */
	if (buf_add(&arena, "\n\n", 2) < 0)
		goto out;
	ix->text_len = arena.len;
	ix->text = huge_move(buf_detach(&arena, NULL), ix->text_len, 1);
	ix->memory += ix->text_len + ix->nteams * (sizeof(*ix->teams) + sizeof(*ix->by_rank) + sizeof(*ix->starts));
	if (!ix->text || postings_build(ix, COVER_ALL, &ix->all) < 0 ||
	    postings_build(ix, COVER_NAMES, &ix->names) < 0 || count_listed(ix) < 0)
		goto out;
	rc = 0;
out:
	buf_release(&arena);
	free(rank_of_id);
	free(vis);
	free(types.team);
	return rc;
}

struct search_index *search_index_build(struct db *db)
{
	struct search_index *ix = calloc(1, sizeof(*ix));
	if (!ix)
		return NULL;
	/* One snapshot of the directory for all the reads. */
	bool begun = db_read_begin(db);
	int rc = build(db, ix);
	db_read_end(db, begun);
	if (rc < 0) {
		search_index_free(ix);
		return NULL;
	}
	return ix;
}

void search_index_free(struct search_index *ix)
{
	if (!ix)
		return;
	postings_free(&ix->all);
	postings_free(&ix->names);
	for (int f = 0; f < NGROUPS; f++) {
		for (size_t i = 0; ix->values[f] && i < ix->nvalues[f]; i++)
			free(ix->values[f][i]);
		free(ix->values[f]);
	}
	for (int l = 0; l <= DIR_ALL; l++) {
		for (size_t i = 0; ix->type_spelling[l] && i < ix->nvalues[TYPES]; i++)
			free(ix->type_spelling[l][i]);
		free(ix->type_spelling[l]);
		for (int f = 0; f < NGROUPS; f++)
			free(ix->listed_counts[l][f]);
	}
	free(ix->type_from);
	free(ix->type_rows);
	free(ix->teams);
	free(ix->by_rank);
	free(ix->starts);
	free(ix->text);
	free(ix);
}

size_t search_index_memory(const struct search_index *ix)
{
	return ix->memory + sizeof(*ix);
}

size_t search_index_teams(const struct search_index *ix)
{
	return ix->nteams;
}

int64_t search_index_version(const struct search_index *ix)
{
	return ix->version;
}

/* ---- querying ---- */

struct run {
	const struct search_index *ix;
	enum dir_level level;
	bool by_name;
	int want[NGROUPS];         /* the filters' codes; 0 any, -1 a value no team has */
	uint32_t *counts[NGROUPS];
	uint64_t *keys;            /* (not in the names) << 32 | rank, one per match */
	size_t nkeys, cap;
	bool failed;
};

/* The constituency types of T, from T itself unless it has several: no
 * read from memory for most teams. */
static const uint32_t *types_of(const struct search_index *ix, const struct sx_team *t, const uint32_t **end)
{
	if (t->type != TYPES_SEVERAL) {
		*end = &t->type + (t->type != 0);
		return &t->type;
	}
	size_t k = (size_t)(t - ix->teams);
	*end = ix->type_rows + ix->type_from[k + 1];
	return ix->type_rows + ix->type_from[k];
}

/* Has T the constituency type the filter wants, in a row the reader may see? */
static bool has_type(const struct run *r, const struct sx_team *t)
{
	const uint32_t *end, *x = types_of(r->ix, t, &end);
	while (x < end && (TYPE_CODE(*x) != (uint32_t)r->want[TYPES] || TYPE_VIS(*x) > (uint32_t)r->level))
		x++;
	return x < end;
}

static void count_types(struct run *r, const struct sx_team *t)
{
	if (!t->type)
		return;   /* most teams */
	const uint32_t *end, *x = types_of(r->ix, t, &end);
	for (; x < end; x++)
		if (TYPE_VIS(*x) <= (uint32_t)r->level)
			r->counts[TYPES][TYPE_CODE(*x)]++;
}

/* Does T pass the state and the filters? Small enough to be inlined, so
 * that the teams a filter leaves out cost no call. */
static inline bool passes(const struct run *r, const struct sx_team *t)
{
	if (r->level < DIR_ALL && !t->active)
		return false;
	for (int f = 0; f < NFACETS; f++)
		if (r->want[f] && (t->value[f] != r->want[f] || t->vis[f] > r->level))
			return false;
	return !r->want[TYPES] || has_type(r, t);
}

/* A match that passes: its facets counted, its sort key kept. */
static void count_match(struct run *r, const struct sx_team *t, bool in_names)
{
	for (int f = 0; f < NFACETS; f++)
		if (t->value[f] && t->vis[f] <= r->level)
			r->counts[f][t->value[f]]++;
	count_types(r, t);
	if (r->nkeys == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 1024;
		uint64_t *bigger = realloc(r->keys, cap * sizeof(*bigger));
		if (!bigger) {
			r->failed = true;
			return;
		}
		r->keys = bigger;
		r->cap = cap;
	}
	r->keys[r->nkeys++] = (uint64_t)(!r->by_name && !in_names) << 32 | t->rank;
}

/* Team T matched (in its names or elsewhere) at a place the reader may
 * see: count it if it passes the state and the filters. */
static inline void consider(struct run *r, const struct sx_team *t, bool in_names)
{
	if (passes(r, t))
		count_match(r, t, in_names);
}

/* One or two characters: in the names, within one of them. */
static void match_short(struct run *r, size_t qlen, const uint32_t *cp, size_t nchars)
{
	const struct search_index *ix = r->ix;
	uint64_t lo = nchars == 1 ? trigram(cp[0], 0, 0) : trigram(cp[0], cp[1], 0);
	uint64_t hi = lo + (nchars == 1 ? (uint64_t)1 << 42 : (uint64_t)1 << 21);
	uint8_t *seen = calloc(ix->nteams / 8 + 1, 1);
	if (!seen) {
		r->failed = true;
		return;
	}
	for (size_t k = lower_bound(&ix->names, lo); k < ix->names.nkeys && ix->names.keys[k] < hi; k++) {
		const uint8_t *p = ix->names.data + ix->names.start[k];
		uint64_t v = 0;
		for (uint32_t i = 0; i < ix->names.count[k]; i++) {
			uint64_t d;
			p = varint_read(p, &d);
			v += d;
			size_t ti = (size_t)(v >> NAME_BITS);
			const struct sx_team *t = &ix->teams[ti];
			uint32_t o = t->text + (uint32_t)(v & ((1u << NAME_BITS) - 1));
			/* The trigram's first one or two code points are the query. */
			if (seen[ti / 8] & (1u << (ti % 8)) || o + qlen > t->names_end || (o <= t->sep1 && o + qlen > t->sep1) ||
			    (o <= t->sep2 && o + qlen > t->sep2))
				continue;
			seen[ti / 8] |= (uint8_t)(1u << (ti % 8));
			consider(r, t, true);
		}
	}
	free(seen);
}

/* A cursor over one trigram's postings, read in order. */
struct cursor {
	const uint8_t *p;
	uint32_t left;        /* postings not read yet */
	uint64_t at;          /* the last read */
	uint32_t shift;       /* where the trigram is in the query */
};

/* Advance C to its first posting >= TARGET; false when there is none. */
static bool cursor_seek(struct cursor *c, uint64_t target)
{
	while (c->at < target) {
		if (!c->left)
			return false;
		uint64_t d;
		c->p = varint_read(c->p, &d);
		c->at += d;
		c->left--;
	}
	return true;
}

/* The team whose text holds arena offset O, at or after team FROM:
 * galloping over the teams' starts, a small array that stays in cache. */
static size_t team_from(const struct search_index *ix, size_t from, uint32_t o)
{
	const uint32_t *s = ix->starts;
	size_t n = ix->nteams, step = 1, lo = from, hi;
	while (lo + step < n && s[lo + step] <= o) {
		lo += step;
		step *= 2;
	}
	hi = lo + step < n ? lo + step : n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s[mid] <= o)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Each team's places where the walked trigrams agree, waiting for the
 * comparison of the whole query: a team's first place has its text asked
 * for ahead, so that the reads from memory overlap instead of queueing;
 * its later places wait in a queue of their own, compared only when the
 * ones before them were not the query. Places come in order, so the
 * first where the query is found is the team's first match. */
#define AHEAD 16

struct verify {
	struct run *r;
	const char *q;
	size_t qlen;
	bool compare;             /* trigrams were left out: compare the query */
	uint32_t start[AHEAD];    /* each team's first place */
	size_t team[AHEAD];
	size_t later[AHEAD];      /* how many more of its places wait in more[] */
	size_t head, n;
	uint32_t *more;           /* later places, in the order of their teams */
	size_t more_head, more_n, more_cap;
};

/* Is the query at START, in team T? */
static bool found_at(const struct verify *v, const struct sx_team *t, uint32_t start)
{
	return start + v->qlen <= t->end && (!v->compare || memcmp(v->r->ix->text + start, v->q, v->qlen) == 0);
}

static void verify_one(struct verify *v)
{
	const struct search_index *ix = v->r->ix;
	uint32_t start = v->start[v->head];
	const struct sx_team *t = &ix->teams[v->team[v->head]];
	size_t later = v->later[v->head];
	v->head = (v->head + 1) % AHEAD;
	v->n--;
	bool found = found_at(v, t, start);
	for (; later; later--) {
		uint32_t next = v->more[v->more_head++];
		v->more_n--;
		if (!found && found_at(v, t, next)) {
			found = true;
			start = next;
		}
	}
	if (!found)
		return;
	/* The first match decides: later ones are in the same or a less
	 * visible group of pieces, and never in the names. */
	int group = start < t->seg1 ? 0 : start < t->seg2 ? 1 : 2;
	if (group <= (int)v->r->level)
		consider(v->r, t, start < t->names_end);
}

/* Queue the place START in team TI, a later place of the team queued last
 * when LATER. */
static void verify_add(struct verify *v, uint32_t start, size_t ti, bool later)
{
	if (later) {
		if (v->more_head + v->more_n == v->more_cap) {
			if (v->more_head) {     /* slide the waiting places down */
				memmove(v->more, v->more + v->more_head, v->more_n * sizeof(*v->more));
				v->more_head = 0;
			} else {
				size_t cap = v->more_cap ? 2 * v->more_cap : 1024;
				uint32_t *bigger = realloc(v->more, cap * sizeof(*bigger));
				if (!bigger) {
					v->r->failed = true;
					return;
				}
				v->more = bigger;
				v->more_cap = cap;
			}
		}
		v->more[v->more_head + v->more_n++] = start;
		v->later[(v->head + v->n - 1) % AHEAD]++;
		return;
	}
	if (v->n == AHEAD)
		verify_one(v);
	size_t at = (v->head + v->n) % AHEAD;
	v->start[at] = start;
	v->team[at] = ti;
	v->later[at] = 0;
	v->n++;
	__builtin_prefetch(&v->r->ix->teams[ti]);
	if (v->compare)
		__builtin_prefetch(v->r->ix->text + start);
}

/* Three characters or more: anywhere the reader may see. The postings of
 * the rarest trigram are walked with those of the others or of one more,
 * each once and in order; at each team's first place where they agree,
 * the query is compared (unless they were all its trigrams: together
 * they spell it). */
static void match_long(struct run *r, const char *q, size_t qlen, const uint32_t *cp, const size_t *at, size_t nchars)
{
	const struct search_index *ix = r->ix;
	struct cursor cur[256];
	size_t ncur = 0, rarest = 0;
	for (size_t j = 0; j + 2 < nchars; j++) {
		uint64_t key = trigram(cp[j], cp[j + 1], cp[j + 2]);
		size_t k = lower_bound(&ix->all, key);
		if (k == ix->all.nkeys || ix->all.keys[k] != key)
			return;   /* a trigram no text has */
		cur[ncur] = (struct cursor){ix->all.data + ix->all.start[k], ix->all.count[k], 0, (uint32_t)at[j]};
		if (cur[ncur].left < cur[rarest].left)
			rarest = ncur;
		ncur++;
	}
	struct cursor driver = cur[rarest];
	cur[rarest] = cur[--ncur];
	/* Walking every list makes the query exact without reading its text
	 * (a read from memory at each team); that pays while the lists are
	 * about as long as the rarest, as for a word. Otherwise one more list
	 * leaves little to compare. */
	uint64_t others = 0;
	for (size_t j = 0; j < ncur; j++)
		others += cur[j].left;
	size_t walked = 0, walk = others <= 8 * (uint64_t)driver.left || ncur <= 2 ? ncur : 1;
	for (; walked < walk; walked++) {
		size_t min = walked;
		for (size_t j = walked + 1; j < ncur; j++)
			if (cur[j].left < cur[min].left)
				min = j;
		if (cur[min].left / 32 > driver.left)
			break;
		struct cursor x = cur[walked];
		cur[walked] = cur[min];
		cur[min] = x;
	}
	struct verify v = {.r = r, .q = q, .qlen = qlen, .compare = walked < ncur};
	size_t ti = 0, last = SIZE_MAX;
	while (driver.left) {
		uint64_t d;
		driver.p = varint_read(driver.p, &d);
		driver.at += d;
		driver.left--;
		if (driver.at < driver.shift)
			continue;
		uint32_t start = (uint32_t)(driver.at - driver.shift);
		bool ok = true;
		for (size_t j = 0; j < walked && ok; j++) {
			if (!cursor_seek(&cur[j], (uint64_t)start + cur[j].shift)) {
				driver.left = 0;   /* that trigram occurs nowhere further on */
				ok = false;
			} else {
				ok = cur[j].at == (uint64_t)start + cur[j].shift;
			}
		}
		if (!ok)
			continue;
		/* Team boundaries from starts[], which stays in cache: the teams
		 * themselves are read (ahead) only for the places verified. When
		 * the walked trigrams spell the query, a team's first place is
		 * its first match; else each place is compared until one is. */
		if (!v.compare && last != SIZE_MAX && start < ix->starts[last + 1])
			continue;   /* the team of the last place */
		ti = team_from(ix, ti, start);
		if (start < ix->starts[ti])
			continue;   /* before the first team's text */
		verify_add(&v, start, ti, ti == last);
		last = ti;
	}
	while (v.n)
		verify_one(&v);
	free(v.more);
}

/* Keep the K smallest of KEYS[0..N) in KEYS[0..K), sorted. */
static void smallest(uint64_t *keys, size_t n, size_t k)
{
	if (k < n && k < n / 8) {
		/* A max-heap of the K smallest seen so far. */
		for (size_t i = k / 2; i-- > 0;) {
			for (size_t at = i, c; (c = 2 * at + 1) < k; at = c) {
				if (c + 1 < k && keys[c + 1] > keys[c])
					c++;
				if (keys[at] >= keys[c])
					break;
				uint64_t x = keys[at];
				keys[at] = keys[c];
				keys[c] = x;
			}
		}
		for (size_t i = k; i < n; i++) {
			if (keys[i] >= keys[0])
				continue;
			keys[0] = keys[i];
			for (size_t at = 0, c; (c = 2 * at + 1) < k; at = c) {
				if (c + 1 < k && keys[c + 1] > keys[c])
					c++;
				if (keys[at] >= keys[c])
					break;
				uint64_t x = keys[at];
				keys[at] = keys[c];
				keys[c] = x;
			}
		}
		n = k;
	}
	qsort(keys, n, sizeof(*keys), cmp_u64);
}

/* Each value counted, in the order of the values: a constituency type by
 * its key, shown with its spelling at LEVEL. */
static void emit_facets(const struct search_index *ix, enum dir_level level, uint32_t *const counts[NGROUPS],
                        void (*facet)(const struct team_facet *f, void *arg), void *arg)
{
	for (int f = 0; f < NGROUPS && facet; f++) {
		for (size_t v = 1; v < ix->nvalues[f]; v++) {
			const char *shown = f == TYPES ? ix->type_spelling[level][v] : ix->values[f][v];
			if (!counts[f][v] || !shown)
				continue;
			struct team_facet tf = {facet_names[f], shown, counts[f][v]};
			facet(&tf, arg);
		}
	}
}

/* No text, no filter: every team listed at LEVEL, by name, counted when
 * the index was built. */
static int list_everything(const struct search_index *ix, enum dir_level level, size_t from, size_t want, int64_t *ids,
                           void (*facet)(const struct team_facet *f, void *arg), void *arg, int64_t *total)
{
	*total = (int64_t)ix->listed[level];
	emit_facets(ix, level, ix->listed_counts[level], facet, arg);
	int n = 0;
	for (size_t rank = 0; rank < ix->nteams && (size_t)n < want; rank++) {
		const struct sx_team *t = &ix->teams[ix->by_rank[rank]];
		if (level < DIR_ALL && !t->active)
			continue;
		if (from) {
			from--;
			continue;
		}
		ids[n++] = t->id;
	}
	return n;
}

int search_index_query(const struct search_index *ix, const struct team_query *q, enum dir_level level,
                       int64_t *ids, int max, void (*facet)(const struct team_facet *f, void *arg), void *arg,
                       int64_t *total)
{
	struct run r = {.ix = ix, .level = level, .by_name = q->by_name};
	const char *filters[NGROUPS] = {q->sector, q->region, q->csirt_type, q->country, q->constituency_type};
	struct buf folded, type_key;
	buf_init(&folded, 4096);
	buf_init(&type_key, 4096);
	int n = -1;
	*total = 0;
	for (int f = 0; f < NGROUPS; f++) {
		const char *value = filters[f];
		if (f == TYPES && value) {
			if (constituency_type_key(value, &type_key) < 0)
				goto out;
			value = type_key.data;
		}
		if (value && *value)
			r.want[f] = value_code(ix, f, value) ? (int)value_code(ix, f, value) : -1;
		if (!(r.counts[f] = calloc(ix->nvalues[f], sizeof(*r.counts[f]))))
			goto out;
	}
	const char *text = q->q ? q->q : "";
	if (add_folded(&folded, text) < 0)
		goto out;
	uint32_t cp[256];
	size_t at[256], nchars = 0, len;
	bool control = false;
	for (size_t i = 0; i < folded.len && nchars < 256; i += len) {
		at[nchars] = i;
		cp[nchars] = decode((const unsigned char *)folded.data + i, folded.len - i, &len);
		control |= cp[nchars] < 0x20 || cp[nchars] == 0x7F;
		nchars++;
	}
	if (nchars >= 256)
		goto out;   /* longer than any query the API takes: SQL answers it */
	bool none = control;
	bool filtered = false;
	for (int f = 0; f < NGROUPS; f++) {
		none |= r.want[f] < 0;
		filtered |= r.want[f] != 0;
	}
	size_t from = q->offset > 0 ? (size_t)q->offset : 0, want = q->limit < max ? (size_t)q->limit : (size_t)max;
	if (!none && nchars == 0 && !filtered) {
		n = list_everything(ix, level, from, want, ids, facet, arg, total);
		goto out;
	}
	if (none)
		;   /* a filter no team matches, or text no query carries */
	else if (nchars == 0)
		for (size_t k = 0; k < ix->nteams; k++)
			consider(&r, &ix->teams[k], true);
	else if (nchars < 3)
		match_short(&r, folded.len, cp, nchars);
	else
		match_long(&r, folded.data, folded.len, cp, at, nchars);
	if (r.failed)
		goto out;
	*total = (int64_t)r.nkeys;
	emit_facets(ix, level, r.counts, facet, arg);
	n = 0;
	if (from < r.nkeys && want > 0) {
		size_t upto = from + want < r.nkeys ? from + want : r.nkeys;
		smallest(r.keys, r.nkeys, upto);
		for (size_t i = from; i < upto; i++)
			ids[n++] = ix->teams[ix->by_rank[(uint32_t)r.keys[i]]].id;
	}
out:
	for (int f = 0; f < NGROUPS; f++)
		free(r.counts[f]);
	free(r.keys);
	buf_release(&folded);
	buf_release(&type_key);
	return n;
}
