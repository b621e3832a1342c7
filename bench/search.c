/* Directory search latency in process (target: p99 < 5 ms at 100,000
 * teams): team_search over a seeded database, with each hit written as
 * the API writes it (team_write_json, summary) and the facets counted,
 * for a mix of what people type: a piece of a Japanese name, an English
 * word or two, a short name or its beginning, a filter alone, a word with
 * a filter, and words of the texts; each query at reader levels public
 * and members. The queries come from the database itself, the same for
 * the same database.
 *
 *   build/bench/bench_search [--sql] DB [N] [PATHS]
 *
 * N queries (default 2000) after a warm-up pass; p50, p90, p99 and the
 * worst per kind and in all. team_search answers from the index in memory
 * as the server does (search_service.h: built first, its time and size
 * printed), or with --sql from SQLite alone, as it does while the index is
 * rebuilt. With PATHS, the same queries are also written there as request
 * paths (/api/v1/teams?q=...), one a line, for the HTTP benchmark
 * (bench/directory.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/buf.h"
#include "core/json_writer.h"
#include "directory/search_service.h"
#include "directory/team.h"
#define BENCH_SEED 0x9E3779B97F4A7C15ull
#include "bench_util.h"

#define RUNS 3

enum kind { K_JA, K_EN, K_SHORT, K_FILTER, K_TEXT_FILTER, K_TEXT, K__COUNT };
static const char *const kind_names[] = {"Japanese piece", "English words", "short name", "filter only",
                                         "word + filter", "text words"};
static const int kind_weights[] = {25, 20, 15, 15, 15, 10};

struct query {
	enum kind kind;
	char q[600];
	const char *sector, *region;
	enum dir_level level;
};

static const char *const sectors[] = {"ict", "manufacturing", "finance", "distribution", "education", "medical"};
static const char *const regions[] = {"kanto", "kansai", "chubu", "kyushu", "tohoku", "hokkaido"};
static const char *const text_words[] = {"脆弱性", "インシデント", "vulnerability", "incident response",
                                         "東京", "Osaka", "銀行", "University", "病院", "株式会社"};

/* Characters (UTF-8 sequences) of S before its first space. */
static size_t char_starts(const char *s, size_t starts[], size_t max)
{
	size_t n = 0;
	for (size_t i = 0; s[i] && s[i] != ' ' && n < max; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			starts[n++] = i;
	return n;
}

/* A random team's names. */
static void random_team(struct db *db, int64_t teams, char *ja, char *en, char *short_name, size_t size)
{
	static const char sql[] = "SELECT name_ja, name_en, short_name FROM teams WHERE id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	sqlite3_bind_int64(st, 1, 1 + below((uint32_t)teams));
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(ja, size, "%s", db_col_text(st, 0));
		snprintf(en, size, "%s", db_col_text(st, 1));
		snprintf(short_name, size, "%s", db_col_text(st, 2));
	}
	sqlite3_reset(st);
}

static void make_query(struct db *db, int64_t teams, struct query *q)
{
	char ja[256] = "", en[256] = "", sh[256] = "";
	int x = (int)below(100);
	enum kind k = 0;
	while (x >= kind_weights[k])
		x -= kind_weights[k++];
	memset(q, 0, sizeof(*q));
	q->kind = k;
	random_team(db, teams, ja, en, sh, sizeof(ja));
	switch (k) {
	case K_JA: {
		/* Two to four characters of the host's name: 「さくら」, 「銀行」, 「大阪さ」. */
		size_t starts[64], n = char_starts(ja, starts, 64);
		size_t len = 2 + below(3), from = n > len ? below((uint32_t)(n - len + 1)) : 0;
		size_t end = from + len < n ? starts[from + len] : strcspn(ja, " ");
		snprintf(q->q, sizeof(q->q), "%.*s", (int)(end - starts[from]), ja + starts[from]);
		break;
	}
	case K_EN: {
		/* One or two words: "Sakura", "Osaka Sakura", "Bank". */
		char *words[16];
		int n = 0;
		for (char *p = strtok(en, " "); p && n < 16; p = strtok(NULL, " "))
			words[n++] = p;
		int first = (int)below((uint32_t)(n > 1 ? n - 1 : 1)), two = below(3) == 0 && first + 1 < n;
		snprintf(q->q, sizeof(q->q), "%s%s%s", words[first], two ? " " : "", two ? words[first + 1] : "");
		break;
	}
	case K_SHORT:
		/* The whole short name, or its first letters. */
		if (below(2))
			snprintf(q->q, sizeof(q->q), "%s", sh);
		else
			snprintf(q->q, sizeof(q->q), "%.*s", (int)strcspn(sh, "-"), sh);
		break;
	case K_FILTER:
		q->sector = below(3) ? sectors[below(6)] : NULL;
		q->region = !q->sector || below(2) ? regions[below(6)] : NULL;
		break;
	case K_TEXT_FILTER:
		snprintf(q->q, sizeof(q->q), "%s", text_words[4 + below(6)]);
		if (below(2))
			q->sector = sectors[below(6)];
		else
			q->region = regions[below(6)];
		break;
	case K_TEXT:
		snprintf(q->q, sizeof(q->q), "%s", text_words[below(10)]);
		break;
	default:
		break;
	}
}

struct sink {
	struct buf b;
	struct jw w;
	int64_t facets;
};

static int each_team(struct db *db, const struct team *t, void *arg)
{
	struct sink *s = arg;
	return team_write_json(db, t, DIR_PUBLIC, true, &s->w);
}

static int each_team_members(struct db *db, const struct team *t, void *arg)
{
	struct sink *s = arg;
	return team_write_json(db, t, DIR_MEMBERS, true, &s->w);
}

static void each_facet(const struct team_facet *f, void *arg)
{
	struct sink *s = arg;
	s->facets += f->count;
}

/* Run Q as GET /api/v1/teams would: 50 a page, by relevance when there
 * is text, by name otherwise. Return the matches, or -1. */
static int64_t run(struct db *db, const struct query *q, struct sink *s)
{
	struct team_query tq = {
		.q = q->q, .sector = q->sector ? q->sector : "", .region = q->region ? q->region : "",
		.csirt_type = "", .country = "", .by_name = !q->q[0], .limit = 50,
	};
	int64_t total = 0;
	buf_reset(&s->b);
	jw_init(&s->w, &s->b);
	jw_arr_begin(&s->w);
	int n = team_search(db, &tq, q->level, q->level == DIR_PUBLIC ? each_team : each_team_members, each_facet, s,
	                    &total);
	jw_arr_end(&s->w);
	return n < 0 ? -1 : total;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct sample {
	double wall, cpu;      /* ms */
	int64_t total;
	enum kind kind;
	enum dir_level level;
};

/* Percentiles of the samples for which KEEP(sample, ARG) holds. */
static void report(const char *what, const struct sample *all, size_t n, bool (*keep)(const struct sample *, int), int arg)
{
	double *wall = calloc(n, sizeof(double)), *cpu = calloc(n, sizeof(double)), matches = 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (!keep(&all[i], arg))
			continue;
		wall[k] = all[i].wall;
		cpu[k++] = all[i].cpu;
		matches += (double)all[i].total;
	}
	if (k) {
		qsort(wall, k, sizeof(double), cmp_double);
		qsort(cpu, k, sizeof(double), cmp_double);
		printf("  %-15s %5zu  p50 %6.2f  p99 %6.2f  max %6.2f ms | CPU p50 %6.2f  p99 %6.2f  max %6.2f ms | %6.0f matches\n",
		       what, k, wall[k / 2], wall[k * 99 / 100], wall[k - 1], cpu[k / 2], cpu[k * 99 / 100], cpu[k - 1],
		       matches / (double)k);
	}
	free(wall);
	free(cpu);
}

static bool of_kind(const struct sample *s, int k)
{
	return (int)s->kind == k;
}

static bool at_level(const struct sample *s, int l)
{
	return (int)s->level == l;
}

static bool any(const struct sample *s, int unused)
{
	return true;
}

static void write_path(FILE *f, const struct query *q)
{
	fputs("/api/v1/teams?", f);
	if (q->q[0]) {
		fputs("q=", f);
		for (const unsigned char *p = (const unsigned char *)q->q; *p; p++) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-')
				fputc(*p, f);
			else
				fprintf(f, "%%%02X", *p);
		}
		fputc('&', f);
	}
	if (q->sector)
		fprintf(f, "sector=%s&", q->sector);
	if (q->region)
		fprintf(f, "region=%s&", q->region);
	fputs("limit=50\n", f);
}

int main(int argc, char **argv)
{
	bool sql = argc > 1 && !strcmp(argv[1], "--sql");
	argc -= sql;
	argv += sql;
	if (argc < 2) {
		fprintf(stderr, "usage: bench_search [--sql] DB [N] [PATHS]\n");
		return 2;
	}
	size_t n = argc > 2 ? (size_t)atol(argv[2]) : 2000;
	struct db db;
	char err[256];
	if (n < 10 || db_open(&db, argv[1], false, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_search: %s\n", n < 10 ? "N must be 10 or more" : err);
		return 1;
	}
	int64_t teams = db_scalar(&db, "SELECT count(*) FROM teams");
	if (teams < 1) {
		fprintf(stderr, "bench_search: no teams in %s (shisa dev seed --teams N)\n", argv[1]);
		return 1;
	}
	struct query *qs = calloc(n, sizeof(*qs));
	struct sample *samples = calloc(n, sizeof(*samples));
	if (!qs || !samples)
		return 1;
	for (size_t i = 0; i < n; i++) {
		/* Each query at both levels, one after the other. */
		if (i % 2 == 0)
			make_query(&db, teams, &qs[i]);
		else
			qs[i] = qs[i - 1];
		qs[i].level = i % 2 ? DIR_MEMBERS : DIR_PUBLIC;
	}
	FILE *paths = argc > 3 ? fopen(argv[3], "w") : NULL;
	for (size_t i = 0; paths && i < n; i += 2)
		write_path(paths, &qs[i]);
	if (paths)
		fclose(paths);

	if (!sql) {
		double t = 1e3 * wall_seconds();
		struct search_index *ix = NULL;
		if (search_service_start(argv[1], err, sizeof(err)) < 0) {
			fprintf(stderr, "bench_search: %s\n", err);
			return 1;
		}
		while (!(ix = search_service_acquire(&db)) && 1e3 * wall_seconds() - t < 600e3)
			nanosleep(&(struct timespec){0, 10000000}, NULL);
		if (!ix) {
			fprintf(stderr, "bench_search: no search index after ten minutes\n");
			return 1;
		}
		printf("search index: %zu teams, built in %.2f s, %.1f MB\n", search_index_teams(ix), (1e3 * wall_seconds() - t) / 1e3,
		       (double)search_index_memory(ix) / 1048576);
		search_service_release(ix);
	}
	struct sink s;
	buf_init(&s.b, 64u << 20);
	for (size_t i = 0; i < n; i++)   /* warm-up: the pages into the cache */
		run(&db, &qs[i], &s);
	/* Each query RUNS times, the best of them kept: the machine is shared,
	 * and the best run is the one least disturbed by other work. */
	double t0 = 1e3 * wall_seconds();
	for (int round = 0; round < RUNS; round++) {
		for (size_t i = 0; i < n; i++) {
			double t = 1e3 * wall_seconds(), c = 1e3 * cpu_seconds();
			int64_t total = run(&db, &qs[i], &s);
			double wall = 1e3 * wall_seconds() - t, cpu = 1e3 * cpu_seconds() - c;
			if (total < 0) {
				fprintf(stderr, "bench_search: query \"%s\" failed: %s\n", qs[i].q, sqlite3_errmsg(db.h));
				return 1;
			}
			if (round == 0 || wall < samples[i].wall)
				samples[i].wall = wall;
			if (round == 0 || cpu < samples[i].cpu)
				samples[i].cpu = cpu;
			samples[i].total = total;
			samples[i].kind = qs[i].kind;
			samples[i].level = qs[i].level;
		}
	}
	double secs = (1e3 * wall_seconds() - t0) / 1e3;
	printf("search in process (%s): %lld teams, %zu queries (each at levels public and members), one thread, "
	       "%.0f queries/s; per query the best of %d runs, wall clock and this thread's CPU time\n",
	       sql ? "SQL" : "index in memory", (long long)teams, n, (double)n * RUNS / secs, RUNS);
	for (int k = 0; k < K__COUNT; k++)
		report(kind_names[k], samples, n, of_kind, k);
	report("level public", samples, n, at_level, DIR_PUBLIC);
	report("level members", samples, n, at_level, DIR_MEMBERS);
	report("all", samples, n, any, 0);
	/* The slowest, by CPU time: where to look next. */
	size_t *order = calloc(n, sizeof(*order));
	for (size_t i = 0; order && i < n; i++)
		order[i] = i;
	for (size_t i = 0; order && i < 5 && i < n; i++) {
		for (size_t j = i + 1; j < n; j++) {
			if (samples[order[j]].cpu > samples[order[i]].cpu) {
				size_t x = order[i];
				order[i] = order[j];
				order[j] = x;
			}
		}
		const struct query *w = &qs[order[i]];
		printf("  slowest %zu: %.2f ms CPU, %lld matches: q=\"%s\"%s%s%s%s, level %s\n", i + 1, samples[order[i]].cpu,
		       (long long)samples[order[i]].total, w->q, w->sector ? " sector=" : "", w->sector ? w->sector : "",
		       w->region ? " region=" : "", w->region ? w->region : "", w->level == DIR_PUBLIC ? "public" : "members");
	}
	free(order);
	printf("target: p99 < 5 ms at 100,000 teams\n");
	buf_release(&s.b);
	free(samples);
	free(qs);
	db_close(&db);
	search_service_stop();
	return 0;
}
