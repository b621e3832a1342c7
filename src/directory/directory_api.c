/* The directory over the JSON API: the list of teams and one team's
 * record, each with exactly what the reader may see. */
#include <stdio.h>
#include <string.h>
#include "core/json_writer.h"
#include "directory/directory_http.h"
#include "directory/team.h"
#include "http/input.h"
#include "http/respond.h"

struct list_state {
	struct jw *w;
	enum dir_level level;
	int64_t last_id;
};

static int each_team(struct db *db, const struct team *t, void *arg)
{
	struct list_state *ls = arg;
	ls->last_id = t->id;
	return team_write_json(db, t, ls->level, true, ls->w);
}

static void teams_list(struct ctx *c)
{
	int limit = input_limit(c);
	int64_t after = input_cursor(c);
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
	struct list_state ls = {.w = &w, .level = level};
	int n = team_list(c->db, level, after, limit, each_team, &ls);
	jw_arr_end(&w);
	jw_key(&w, "next_cursor");
	if (n == limit) {
		char cur[24];
		snprintf(cur, sizeof(cur), "%lld", (long long)ls.last_id);
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

static void team_get(struct ctx *c)
{
	struct team t;
	int found = team_load(c->db, ctx_param(c, "slug"), 0, &t);
	if (found < 0) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	enum dir_level level = found ? team_level_for(&c->actor, t.org_id) : DIR_PUBLIC;
	if (!found || !team_listed(&t, level)) {
		http_error(c, ERR_NOT_FOUND, "dir.team_not_found");
		return;
	}
	struct buf b;
	struct jw w;
	buf_init(&b, 8u << 20);
	jw_init(&w, &b);
	if (team_write_json(c->db, &t, level, false, &w) < 0)
		http_error(c, ERR_INTERNAL, NULL);
	else
		http_json(c, 200, &b);
	buf_release(&b);
}

const struct route directory_api_routes[] = {
	{"GET", "/api/v1/teams", ACT_DIRECTORY_READ, teams_list, ROUTE_API},
	{"GET", "/api/v1/teams/{slug}", ACT_DIRECTORY_READ, team_get, ROUTE_API},
	{0},
};
