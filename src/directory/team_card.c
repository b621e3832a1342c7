/* Routing cards of the active teams, loaded in one pass; see team_card.h.
 *
 * Layout: one block of memory holds the cards one after the other, each
 * a header (struct team_card), then its "head" (the JSON from "{" up to
 * and including the "[" that opens the contacts), then each contact as a
 * small header (its length and visibility) and a finished JSON object.
 * Writing a card at a level copies the head, the contacts the level may
 * see and "]}", all from the one run of memory the header starts.
 *
 * Cards are found by team id. Team ids are row ids, mostly 1..N with few
 * gaps: then a table indexed by id gives where each card starts (in
 * 8-byte units, 0 for none), 4 bytes a team, small enough to stay in the
 * cache while a batch runs. Ids spread wider than that go through an
 * open-addressing table of 64-bit slots instead: the low 32 bits of the
 * id (the card confirms the whole id) and where the card starts. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "core/json_writer.h"
#include "directory/team_card.h"

/* The block may not grow past this: offsets are 32-bit, in 8-byte units. */
#define CARDS_MAX_BYTES ((size_t)1 << 31)

struct team_card {
	int64_t team_id;
	int64_t org_id;
	uint32_t size;                  /* header, head and contacts, in bytes */
	uint32_t head_len;
	uint32_t ncontacts;
	uint32_t unused;
};

struct contact_hdr {
	uint32_t len;
	uint32_t vis;                   /* enum visibility */
};

struct team_cards {
	atomic_long refs;
	struct buf block;
	size_t n;
	uint32_t *by_id;                /* dense ids: card start + 1 by team id */
	size_t max_id;
	uint64_t *slots;                /* sparse ids: the open-addressing table */
	size_t mask;
};

static size_t slot_of(int64_t team_id, size_t mask)
{
	return (size_t)(((uint64_t)team_id * 0x9e3779b97f4a7c15ull) >> 32) & mask;
}

static const struct team_card *card_at(const struct team_cards *tc, uint64_t slot)
{
	return (const struct team_card *)(tc->block.data + (size_t)((uint32_t)slot - 1) * 8);
}

/* Where the card of TEAM_ID may start (slot form), before confirming. */
static uint64_t first_slot(const struct team_cards *tc, int64_t team_id)
{
	if (tc->by_id)
		return team_id > 0 && (uint64_t)team_id <= tc->max_id ? tc->by_id[team_id] : 0;
	uint64_t slot = tc->slots[slot_of(team_id, tc->mask)];
	return (uint32_t)(slot >> 32) == (uint32_t)team_id ? slot : 0;
}

static int add_str(struct buf *b, const char *key, const char *value)
{
	int rc = buf_addc(b, '"');
	rc |= buf_adds(b, key);
	rc |= buf_add(b, "\":\"", 3);
	rc |= json_escape_into(b, value, strlen(value));
	rc |= buf_addc(b, '"');
	return rc ? -1 : 0;
}

/* Cards are built in place; B's memory may move while they grow, so a
 * card under construction is named by its offset. */
static struct team_card *card_of(struct team_cards *tc, size_t off)
{
	return (struct team_card *)(tc->block.data + off);
}

static int add_card(struct team_cards *tc, sqlite3_stmt *st, size_t *off)
{
	struct buf *b = &tc->block;
	static const char zeros[8];
	if (buf_add(b, zeros, (8 - b->len % 8) % 8) < 0)
		return -1;
	*off = b->len;
	struct team_card c = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), 0, 0, 0, 0};
	if (buf_add(b, &c, sizeof(c)) < 0)
		return -1;
	int rc = buf_addc(b, '{');
	rc |= add_str(b, "slug", db_col_text(st, 2));
	rc |= buf_adds(b, ",\"name\":{");
	rc |= add_str(b, "en", db_col_text(st, 3));
	rc |= buf_addc(b, ',');
	rc |= add_str(b, "ja", db_col_text(st, 4));
	rc |= buf_add(b, "},", 2);
	rc |= add_str(b, "short_name", db_col_text(st, 5));
	rc |= buf_adds(b, ",\"contacts\":[");
	if (rc)
		return -1;
	card_of(tc, *off)->head_len = (uint32_t)(b->len - *off - sizeof(c));
	card_of(tc, *off)->size = (uint32_t)(b->len - *off);
	tc->n++;
	return 0;
}

/* A contact of the card at OFF, the last one added. */
static int add_contact(struct team_cards *tc, size_t off, sqlite3_stmt *st)
{
	enum visibility vis;
	if (visibility_parse(db_col_text(st, 5), &vis) < 0)
		return 0;   /* the schema allows no other value; never shown if it did */
	struct buf *b = &tc->block;
	size_t at = b->len;
	struct contact_hdr h = {0, (uint32_t)vis};
	int rc = buf_add(b, &h, sizeof(h));
	rc |= buf_addc(b, '{');
	rc |= add_str(b, "kind", db_col_text(st, 1));
	rc |= buf_addc(b, ',');
	rc |= add_str(b, "value", db_col_text(st, 2));
	/* Most contacts have neither: a batch writes millions of cards. */
	for (int col = 3; col <= 4; col++) {
		if (*db_col_text(st, col)) {
			rc |= buf_addc(b, ',');
			rc |= add_str(b, col == 3 ? "hours" : "note", db_col_text(st, col));
		}
	}
	rc |= buf_addc(b, '}');
	if (rc)
		return -1;
	h.len = (uint32_t)(b->len - at - sizeof(h));
	memcpy(b->data + at, &h, sizeof(h));
	card_of(tc, off)->ncontacts++;
	card_of(tc, off)->size = (uint32_t)(b->len - off);
	return 0;
}

/* Teams by id, and their contacts by team in the record's order, read
 * side by side so that each card's contacts follow it in the block. */
static int load(struct team_cards *tc, struct db *db)
{
	static const char teams_sql[] =
		"SELECT id, org_id, slug, name_en, name_ja, short_name FROM teams WHERE state = 'active' ORDER BY id";
	static const char contacts_sql[] =
		"SELECT team_id, kind, value, hours, note, visibility FROM team_contacts"
		" WHERE team_id IN (SELECT id FROM teams WHERE state = 'active') ORDER BY team_id, position, id";
	sqlite3_stmt *teams = db_stmt(db, teams_sql);
	sqlite3_stmt *contacts = db_stmt(db, contacts_sql);
	if (!teams || !contacts)
		return -1;
	int rc, crc = sqlite3_step(contacts);
	bool full = false;
	while (!full && (rc = sqlite3_step(teams)) == SQLITE_ROW) {
		size_t off;
		int64_t id = sqlite3_column_int64(teams, 0);
		full = add_card(tc, teams, &off) < 0;
		while (!full && crc == SQLITE_ROW && sqlite3_column_int64(contacts, 0) <= id) {
			full = sqlite3_column_int64(contacts, 0) == id && add_contact(tc, off, contacts) < 0;
			crc = sqlite3_step(contacts);
		}
	}
	sqlite3_reset(teams);
	sqlite3_reset(contacts);
	return !full && rc == SQLITE_DONE && (crc == SQLITE_ROW || crc == SQLITE_DONE) ? 0 : -1;
}

static int index_cards(struct team_cards *tc)
{
	/* Cards are in id order: the last has the largest. */
	int64_t min_id = 0;
	for (size_t off = 0; off < tc->block.len;) {
		const struct team_card *c = (const struct team_card *)(tc->block.data + off);
		min_id = off ? min_id : c->team_id;
		tc->max_id = (size_t)c->team_id;
		off += (c->size + 7) & ~(size_t)7;
	}
	bool dense = min_id > 0 && tc->max_id <= 4 * tc->n + 1024;
	size_t cap = 16;
	while (!dense && cap < tc->n * 2)
		cap *= 2;
	if (dense)
		tc->by_id = calloc(tc->max_id + 1, sizeof(*tc->by_id));
	else
		tc->slots = calloc(cap, sizeof(*tc->slots));
	if (!tc->by_id && !tc->slots)
		return -1;
	tc->mask = cap - 1;
	for (size_t off = 0; off < tc->block.len;) {
		const struct team_card *c = (const struct team_card *)(tc->block.data + off);
		if (dense) {
			tc->by_id[c->team_id] = (uint32_t)(off / 8 + 1);
		} else {
			size_t s = slot_of(c->team_id, tc->mask);
			while (tc->slots[s])
				s = (s + 1) & tc->mask;
			tc->slots[s] = (uint64_t)(uint32_t)c->team_id << 32 | (uint64_t)(off / 8 + 1);
		}
		off += (c->size + 7) & ~(size_t)7;
	}
	return 0;
}

struct team_cards *team_cards_load(struct db *db)
{
	struct team_cards *tc = calloc(1, sizeof(*tc));
	if (!tc)
		return NULL;
	atomic_init(&tc->refs, 1);
	buf_init(&tc->block, CARDS_MAX_BYTES);
	/* One read snapshot for both queries, so contacts and teams agree
	 * (the caller's, when it is inside a transaction already). */
	bool snapshot = sqlite3_get_autocommit(db->h) && db_exec(db, "BEGIN") == 0;
	int rc = load(tc, db);
	if (snapshot)
		db_exec(db, "COMMIT");
	if (rc == 0)
		rc = index_cards(tc);
	/* Give back what doubling the block left over: it stays this size. */
	char *fit = rc == 0 ? realloc(tc->block.data, tc->block.len + 1) : NULL;
	if (fit) {
		tc->block.data = fit;
		tc->block.cap = tc->block.len + 1;
	}
	if (rc < 0) {
		team_cards_drop(tc);
		return NULL;
	}
	return tc;
}

void team_cards_hold(struct team_cards *tc)
{
	if (tc)
		atomic_fetch_add(&tc->refs, 1);
}

void team_cards_drop(struct team_cards *tc)
{
	if (!tc || atomic_fetch_sub(&tc->refs, 1) != 1)
		return;
	free(tc->slots);
	free(tc->by_id);
	buf_release(&tc->block);
	free(tc);
}

size_t team_cards_count(const struct team_cards *tc)
{
	return tc ? tc->n : 0;
}

size_t team_cards_memory(const struct team_cards *tc)
{
	if (!tc)
		return 0;
	return sizeof(*tc) + tc->block.cap + (tc->slots ? (tc->mask + 1) * sizeof(*tc->slots) : 0) +
	       (tc->by_id ? (tc->max_id + 1) * sizeof(*tc->by_id) : 0);
}

const struct team_card *team_cards_find(const struct team_cards *tc, int64_t team_id)
{
	if (!tc || (!tc->slots && !tc->by_id))
		return NULL;
	if (tc->by_id) {
		uint64_t slot = first_slot(tc, team_id);
		return slot ? card_at(tc, slot) : NULL;
	}
	for (size_t s = slot_of(team_id, tc->mask); tc->slots[s]; s = (s + 1) & tc->mask) {
		if ((uint32_t)(tc->slots[s] >> 32) != (uint32_t)team_id)
			continue;
		const struct team_card *c = card_at(tc, tc->slots[s]);
		if (c->team_id == team_id)
			return c;
	}
	return NULL;
}

void team_cards_find_many(const struct team_cards *tc, const int64_t *ids, size_t n,
                          const struct team_card **out)
{
	if (!tc || (!tc->slots && !tc->by_id)) {
		for (size_t i = 0; i < n; i++)
			out[i] = NULL;
		return;
	}
	/* Four passes, each asking for what the next one reads: the table
	 * slot (the dense table is small enough to be in cache already), the
	 * card's first line, the rest of the card; then the cards for real. */
	for (size_t i = 0; i < n && tc->slots; i++)
		__builtin_prefetch(&tc->slots[slot_of(ids[i], tc->mask)]);
	for (size_t i = 0; i < n; i++) {
		uint64_t slot = first_slot(tc, ids[i]);
		out[i] = slot ? card_at(tc, slot) : NULL;
		if (out[i])
			__builtin_prefetch(out[i]);
	}
	for (size_t i = 0; i < n; i++) {
		if (!out[i])
			continue;
		const char *p = (const char *)out[i];
		size_t size = out[i]->size < 1024 ? out[i]->size : 1024;
		for (size_t at = 64 - ((uintptr_t)p & 63); at < size; at += 64)
			__builtin_prefetch(p + at);
	}
	/* A sparse table's first slot may be another team's: probe on. */
	for (size_t i = 0; i < n && tc->slots; i++)
		if (!out[i] || out[i]->team_id != ids[i])
			out[i] = team_cards_find(tc, ids[i]);
}

int64_t team_card_org(const struct team_card *c)
{
	return c->org_id;
}

size_t team_card_max(const struct team_card *c)
{
	/* The head and the contacts, a comma between two, and "]}". */
	return c->size - sizeof(*c) + 2;
}

char *team_card_put(const struct team_card *c, enum dir_level level, char *p)
{
	const char *from = (const char *)(c + 1);
	memcpy(p, from, c->head_len);
	p += c->head_len;
	from += c->head_len;
	bool first = true;
	for (uint32_t i = 0; i < c->ncontacts; i++) {
		struct contact_hdr h;
		memcpy(&h, from, sizeof(h));
		from += sizeof(h);
		if (team_visible((enum visibility)h.vis, level)) {
			if (!first)
				*p++ = ',';
			memcpy(p, from, h.len);
			p += h.len;
			first = false;
		}
		from += h.len;
	}
	*p++ = ']';
	*p++ = '}';
	return p;
}
