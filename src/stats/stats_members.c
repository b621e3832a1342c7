/* Who counts, and what of each member the reader may see: the directory's
 * teams (each field by its visibility at the reader's level, from the
 * same team_fields[] defaults and team_visibility choices that
 * team_write_json follows) and the history rows not linked to one of
 * them. See stats.h for the rules. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "directory/team_input.h"
#include "stats/department.h"
#include "stats/name_key.h"
#include "stats/partial_date.h"
#include "stats/stats_int.h"

/* The team fields the figures read, in the order of the query's columns. */
enum { F_JOINED, F_ESTABLISHED, F_SECTOR, F_REGION, F_CSIRT_TYPE, F_DEPARTMENT, F_STAFF0, F_STAFF1, F__COUNT };
static const char *const field_names[F__COUNT] = {
	"joined", "established", "sector", "region", "csirt_type", "org_department", "staff_at_founding", "staff_now",
};

static int add(struct stats_members *ms, const struct stats_member *m)
{
	if (ms->n == ms->cap) {
		size_t cap = ms->cap ? ms->cap * 2 : 256;
		struct stats_member *p = realloc(ms->m, cap * sizeof(*p));
		if (!p)
			return -1;
		ms->m = p;
		ms->cap = cap;
	}
	ms->m[ms->n++] = *m;
	return 0;
}

void stats_members_release(struct stats_members *ms)
{
	free(ms->m);
	memset(ms, 0, sizeof(*ms));
}

/* VALUE as one of the directory's keys in LIST, or NULL. */
static const char *key_in(const char *value, const char *const list[])
{
	for (size_t i = 0; list[i]; i++)
		if (*list[i] && !strcmp(value, list[i]))
			return list[i];
	return NULL;
}

/* The directory's description of each field the figures read (its
 * default visibility, and whether a team may change it); NULL if absent. */
static void describe_fields(const struct team_field *tf[F__COUNT])
{
	for (int f = 0; f < F__COUNT; f++) {
		tf[f] = NULL;
		for (size_t i = 0; i < team_nfields; i++)
			if (!strcmp(team_fields[i].name, field_names[f]))
				tf[f] = &team_fields[i];
	}
}

/* The visibility choices teams made for the fields the figures read, by
 * team: for each field two bits, 0 for no choice, else the visibility
 * plus one. Read in one pass, in team order, and merged with the teams. */
struct choice {
	int64_t team_id;
	uint16_t bits;
};

struct choices {
	struct choice *c;
	size_t n, cap, at;
};

static int load_choices(struct db *db, struct choices *ch)
{
	static const char sql[] =
		"SELECT team_id, field, visibility FROM team_visibility WHERE field IN ('joined', 'established', 'sector',"
		" 'region', 'csirt_type', 'org_department', 'staff_at_founding', 'staff_now') ORDER BY team_id";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *field = db_col_text(st, 1);
		enum visibility v;
		int f = 0;
		while (f < F__COUNT && strcmp(field_names[f], field) != 0)
			f++;
		if (f == F__COUNT || visibility_parse(db_col_text(st, 2), &v) < 0)
			continue;
		if (!ch->n || ch->c[ch->n - 1].team_id != id) {
			if (ch->n == ch->cap) {
				size_t cap = ch->cap ? ch->cap * 2 : 256;
				struct choice *p = realloc(ch->c, cap * sizeof(*p));
				if (!p) {
					rc = SQLITE_NOMEM;
					break;
				}
				ch->c = p;
				ch->cap = cap;
			}
			ch->c[ch->n++] = (struct choice){id, 0};
		}
		ch->c[ch->n - 1].bits |= (uint16_t)(((unsigned)v + 1u) << (2 * f));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The choices of team ID: the teams come in id order, so a cursor walks on. */
static uint16_t choices_of(struct choices *ch, int64_t id)
{
	while (ch->at < ch->n && ch->c[ch->at].team_id < id)
		ch->at++;
	return ch->at < ch->n && ch->c[ch->at].team_id == id ? ch->c[ch->at].bits : 0;
}

/* Whether a reader at LEVEL may see field F (described by TF) of a team
 * whose choices are BITS: the team's choice where the field may be
 * hidden, else the default, as team_load decides for team_write_json. */
static bool visible(int f, const struct team_field *tf, uint16_t bits, enum dir_level level)
{
	if (!tf)
		return false;
	unsigned chosen = (bits >> (2 * f)) & 3u;
	enum visibility v = !tf->locked && chosen ? (enum visibility)(chosen - 1) : tf->dflt;
	return team_visible(v, level);
}

static int64_t staff(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) != SQLITE_INTEGER)
		return -1;
	int64_t v = sqlite3_column_int64(st, col);
	return v >= 0 ? v : -1;
}

/* The columns from COL on: joined, left_on, established, sector, region,
 * csirt_type, org_department, staff_at_founding, staff_now; each shown
 * where SHOWN[field] says so. Returns false when there is no join date. */
static bool read_member(sqlite3_stmt *st, int col, const bool shown[F__COUNT], struct stats_member *m, int *joined_raw,
                        int *left_raw)
{
	struct partial_date d;
	memset(m, 0, sizeof(*m));
	m->left = STATS_NEVER;
	m->staff_at_founding = m->staff_now = -1;
	*left_raw = STATS_NEVER;
	const char *left = db_col_text(st, col + 1);
	if (*left && partial_date_parse(left, &d) == 0) {
		*left_raw = partial_date_first_day(&d);
		m->left_year_only = d.month == 0;
	}
	bool dated = partial_date_parse(db_col_text(st, col), &d) == 0;
	*joined_raw = dated ? partial_date_first_day(&d) : 0;
	m->joined = *joined_raw;
	m->joined_year_only = dated && d.month == 0;
	/* A team that left before it joined was never a member. */
	m->left = *left_raw < m->joined ? m->joined : *left_raw;
	if (shown[F_ESTABLISHED] && partial_date_parse(db_col_text(st, col + 2), &d) == 0)
		m->established = d.year;
	if (shown[F_SECTOR])
		m->sector = key_in(db_col_text(st, col + 3), team_sectors);
	if (shown[F_REGION])
		m->region = key_in(db_col_text(st, col + 4), team_regions);
	if (shown[F_CSIRT_TYPE])
		m->csirt_type = key_in(db_col_text(st, col + 5), team_csirt_types);
	if (shown[F_DEPARTMENT])
		m->department = department_classify(db_col_text(st, col + 6));
	if (shown[F_STAFF0])
		m->staff_at_founding = staff(st, col + 7);
	if (shown[F_STAFF1])
		m->staff_now = staff(st, col + 8);
	return dated;
}

struct history_row {
	char key[NAME_KEY_MAX];
	struct stats_member m;
	bool dated, linked;
	int joined_raw, left_raw;
};

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct history_row *)a)->key, ((const struct history_row *)b)->key);
}

/* Whether a member who joined on JOINED and left on LEFT (YYYYMMDD) was one on AS_OF. */
static bool member_on(int joined, int left, int as_of)
{
	return joined <= as_of && left > as_of;
}

static void count_left_out(struct stats_members *ms, bool dated, bool date_shown, int joined, int left, int as_of)
{
	if (!dated && left > as_of)
		ms->undated++;
	else if (dated && !date_shown && member_on(joined, left, as_of))
		ms->hidden++;
}

/* The history rows that no import linked to a team, sorted by name key. */
static int load_history(struct db *db, struct history_row **rows, size_t *n)
{
	static const char sql[] =
		"SELECT joined, left_on, established, sector, region, csirt_type, org_department, staff_at_founding, staff_now,"
		" name_key FROM member_history WHERE team_id IS NULL";
	static const bool all[F__COUNT] = {true, true, true, true, true, true, true, true};
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	size_t cap = 0;
	int rc;
	*rows = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			struct history_row *p = realloc(*rows, cap * sizeof(*p));
			if (!p) {
				rc = SQLITE_NOMEM;
				break;
			}
			*rows = p;
		}
		struct history_row *h = &(*rows)[(*n)++];
		memset(h, 0, sizeof(*h));
		snprintf(h->key, sizeof(h->key), "%s", db_col_text(st, 9));
		h->dated = read_member(st, 0, all, &h->m, &h->joined_raw, &h->left_raw);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (*n)
		qsort(*rows, *n, sizeof(**rows), by_key);
	return 0;
}

/* Mark the history rows whose name is NAME as linked to a directory team. */
static void link_name(struct history_row *rows, size_t n, const char *name)
{
	if (!n || !name || !*name)
		return;
	struct history_row probe;
	name_key(name, probe.key);
	if (!*probe.key)
		return;
	struct history_row *hit = bsearch(&probe, rows, n, sizeof(*rows), by_key);
	if (hit)
		hit->linked = true;
}

int stats_members_load(struct db *db, const struct stats_request *rq, int as_of, struct stats_members *out)
{
	static const char teams[] =
		"SELECT t.joined, t.left_on, t.established, t.sector, t.region, t.csirt_type, t.org_department,"
		" t.staff_at_founding, t.staff_now, t.name_en, t.name_ja, t.short_name,"
		" t.org_id IS NULL OR coalesce(o.kind, '') NOT IN ('observer', 'applicant'), t.id"
		" FROM teams t LEFT JOIN orgs o ON o.id = t.org_id ORDER BY t.id";
	memset(out, 0, sizeof(*out));
	const struct team_field *tf[F__COUNT];
	describe_fields(tf);
	struct history_row *hist = NULL;
	size_t nhist = 0;
	struct choices ch = {0};
	int result = -1;
	if (load_history(db, &hist, &nhist) < 0 || load_choices(db, &ch) < 0)
		goto out;
	sqlite3_stmt *st = db_stmt(db, teams);
	if (!st)
		goto out;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int c = 9; c <= 11; c++)
			link_name(hist, nhist, db_col_text(st, c));
		if (!sqlite3_column_int(st, 12))
			continue;
		uint16_t bits = choices_of(&ch, sqlite3_column_int64(st, 13));
		bool shown[F__COUNT];
		for (int f = 0; f < F__COUNT; f++)
			shown[f] = visible(f, tf[f], bits, rq->level);
		struct stats_member m;
		int joined, left;
		bool dated = read_member(st, 0, shown, &m, &joined, &left);
		count_left_out(out, dated, shown[F_JOINED], joined, left, as_of);
		if (dated && shown[F_JOINED] && add(out, &m) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto out;
	for (size_t i = 0; i < nhist; i++) {
		if (hist[i].linked)
			continue;
		count_left_out(out, hist[i].dated, true, hist[i].joined_raw, hist[i].left_raw, as_of);
		if (hist[i].dated && add(out, &hist[i].m) < 0)
			goto out;
	}
	result = 0;
out:
	free(hist);
	free(ch.c);
	if (result < 0)
		stats_members_release(out);
	return result;
}
