/* The directory over the JSON API: the list of teams and one team's
 * record, each with exactly what the reader may see. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/json_writer.h"
#include "directory/constituency_type.h"
#include "directory/directory_http.h"
#include "directory/team.h"
#include "http/input.h"
#include "http/respond.h"
#include "http/response_cache.h"

struct list_state {
	struct jw *w;
	enum dir_level level;
	json_t *facets;
};

static int each_team(struct db *db, const struct team *t, void *arg)
{
	struct list_state *ls = arg;
	return team_write_json(db, t, ls->level, true, ls->w);
}

static void each_facet(const struct team_facet *f, void *arg)
{
	struct list_state *ls = arg;
	json_t *group = json_object_get(ls->facets, f->facet);
	if (!group) {
		group = json_object();
		json_object_set_new(ls->facets, f->facet, group);
	}
	json_object_set_new(group, f->value, json_integer(f->count));
}

/* Search and list: ?q= ?sector= ?region= ?csirt_type= ?country=
 * ?constituency_type= ?sort= (relevance|name) ?limit= ?cursor=. */
static void teams_list(struct ctx *c)
{
	if (response_cache_answer(c))
		return;
	static const char *const sorts[] = {"relevance", "name", NULL};
	struct team_query q = {
		.q = input_query_text(c, "q", 200),
		.sector = input_query_text(c, "sector", 40),
		.region = input_query_text(c, "region", 40),
		.csirt_type = input_query_text(c, "csirt_type", 40),
		.country = input_query_text(c, "country", 2),
		.constituency_type = input_query_text(c, "constituency_type", CONSTITUENCY_TYPE_MAX),
		.limit = input_limit(c),
		.offset = (int)input_cursor(c),
	};
	const char *sort = form_get(&c->query, "sort");
	if (sort && strcmp(sort, sorts[0]) && strcmp(sort, sorts[1]))
		ctx_field_error(c, "sort", "field.bad_choice");
	q.by_name = (sort && !strcmp(sort, "name")) || !q.q || !*q.q;
	if (!input_ok(c)) {
		http_error(c, ERR_BAD_REQUEST, NULL);
		return;
	}
	/* The list shows teams as anyone outside them sees them. */
	enum dir_level level = team_level_for(&c->actor, 0);
	struct buf b;
	struct jw w;
	buf_init(&b, 8u << 20);
	jw_init(&w, &b);
	jw_obj_begin(&w);
	jw_key(&w, "items");
	jw_arr_begin(&w);
	struct list_state ls = {.w = &w, .level = level, .facets = json_object()};
	int64_t total = 0;
	int n = team_search(c->db, &q, level, each_team, each_facet, &ls, &total);
	jw_arr_end(&w);
	jw_kint(&w, "total", total);
	char *facets = json_dumps(ls.facets, JSON_COMPACT);
	jw_key(&w, "facets");
	jw_raw_json(&w, facets ? facets : "{}");
	free(facets);
	json_decref(ls.facets);
	jw_key(&w, "next_cursor");
	if (n >= 0 && q.offset + n < total) {
		char cur[24];
		snprintf(cur, sizeof(cur), "%d", q.offset + n);
		jw_str(&w, cur);
	} else {
		jw_null(&w);
	}
	jw_obj_end(&w);
	if (n < 0 || w.failed)
		http_error(c, ERR_INTERNAL, NULL);
	else
		http_json(c, 200, &b);
	buf_release(&b);
}

/* The record of the team named in the path, as the reader may see it,
 * into B: 1 written, 0 no such team for this reader, -1 an error. */
static int record_json(struct ctx *c, struct buf *b)
{
	struct team t;
	struct jw w;
	int found = team_load(c->db, ctx_param(c, "slug"), 0, &t);
	if (found <= 0)
		return found;
	enum dir_level level = team_level_for(&c->actor, t.org_id);
	if (!team_listed(&t, level))
		return 0;
	jw_init(&w, b);
	return team_write_json(c->db, &t, level, false, &w) < 0 ? -1 : 1;
}

static void team_get(struct ctx *c)
{
	if (response_cache_answer(c))
		return;
	struct buf b;
	buf_init(&b, 8u << 20);
	/* One read transaction for the record's statements. */
	bool begun = db_read_begin(c->db);
	int rc = record_json(c, &b);
	db_read_end(c->db, begun);
	if (rc < 0)
		http_error(c, ERR_INTERNAL, NULL);
	else if (rc == 0)
		http_error(c, ERR_NOT_FOUND, "dir.team_not_found");
	else
		http_json(c, 200, &b);
	buf_release(&b);
}

const struct route directory_api_routes[] = {
	{"GET", "/api/v1/teams", ACT_DIRECTORY_READ, teams_list, ROUTE_API},
	{"GET", "/api/v1/teams/{slug}", ACT_DIRECTORY_READ, team_get, ROUTE_API},
	{0},
};
