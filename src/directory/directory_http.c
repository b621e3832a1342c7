/* The directory's pages: search and browse, and a team's page. Both are
 * drawn from the same visibility-filtered data as the API (team_search,
 * team_write_json), so a page can never show more than the API would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/json_writer.h"
#include "core/clock.h"
#include "directory/bounce.h"
#include "directory/constituency_type.h"
#include "directory/directory_http.h"
#include "directory/export.h"
#include "directory/securitytxt.h"
#include "directory/snapshot_http.h"
#include "directory/team.h"
#include "http/input.h"
#include "http/respond.h"
#include "http/response_cache.h"

/* The translated label of VALUE in group PREFIX ("dir.sector." + "ict"),
 * or VALUE itself when there is none. */
static const char *label(struct ctx *c, const char *prefix, const char *value)
{
	char key[96];
	snprintf(key, sizeof(key), "%s%s", prefix, value);
	return i18n_has(key) ? ctx_t(c, key) : value;
}

/* The record's text in the reader's language, else the other one. */
static const char *in_lang(struct ctx *c, json_t *bilingual)
{
	const char *mine = json_string_value(json_object_get(bilingual, lang_code(c->lang)));
	const char *other = json_string_value(json_object_get(bilingual, c->lang == LANG_JA ? "en" : "ja"));
	return mine && *mine ? mine : other ? other : "";
}

/* Parse what team_write_json wrote: the page works from exactly that. */
static json_t *team_data(struct ctx *c, const struct team *t, enum dir_level level, bool summary)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 8u << 20);
	jw_init(&w, &b);
	json_t *v = NULL;
	if (team_write_json(c->db, t, level, summary, &w) == 0)
		v = json_loadb(b.data, b.len, 0, NULL);
	buf_release(&b);
	return v;
}

/* Display fields for a team summary or record: translated labels. */
static void add_labels(struct ctx *c, json_t *t)
{
	json_t *name = json_object_get(t, "name");
	json_object_set_new(t, "display_name", json_string(in_lang(c, name)));
	const char *other = json_string_value(json_object_get(name, c->lang == LANG_JA ? "en" : "ja"));
	if (other && *other && strcmp(other, in_lang(c, name)) != 0)
		json_object_set_new(t, "other_name", json_string(other));
	static const char *const enums[][2] = {{"sector", "dir.sector."}, {"region", "dir.region."},
	                                      {"csirt_type", "dir.type."}};
	for (size_t i = 0; i < 3; i++) {
		const char *v = json_string_value(json_object_get(t, enums[i][0]));
		if (v && *v) {
			char key[40];
			snprintf(key, sizeof(key), "%s_label", enums[i][0]);
			json_object_set_new(t, key, json_string(label(c, enums[i][1], v)));
		}
	}
}

struct page_state {
	struct ctx *c;
	json_t *items;
	json_t *facets;
	enum dir_level level;
};

static int each_team(struct db *db, const struct team *t, void *arg)
{
	struct page_state *ps = arg;
	json_t *v = team_data(ps->c, t, ps->level, true);
	if (!v)
		return -1;
	add_labels(ps->c, v);
	json_array_append_new(ps->items, v);
	return 0;
}

static void each_facet(const struct team_facet *f, void *arg)
{
	struct page_state *ps = arg;
	json_t *list = json_object_get(ps->facets, f->facet);
	if (!list) {
		list = json_array();
		json_object_set_new(ps->facets, f->facet, list);
	}
	const char *prefix = !strcmp(f->facet, "sector") ? "dir.sector." : !strcmp(f->facet, "region") ? "dir.region."
	                     : !strcmp(f->facet, "csirt_type") ? "dir.type." : "";
	const char *chosen = form_get(&ps->c->query, f->facet);
	/* A constituency type is chosen by any of its spellings. */
	bool selected = chosen && (!strcmp(f->facet, "constituency_type") ? constituency_type_same(chosen, f->value)
	                                                                   : !strcmp(chosen, f->value));
	json_array_append_new(list, json_pack("{s:s,s:s,s:I,s:b}", "value", f->value, "label",
	                                      *prefix ? label(ps->c, prefix, f->value) : f->value, "count",
	                                      (json_int_t)f->count, "selected", selected));
}

/* A link to this search with the offset changed. */
static json_t *page_link(struct ctx *c, int offset)
{
	struct buf b;
	buf_init(&b, 4096);
	buf_adds(&b, "/directory?");
	static const char *const keep[] = {"q", "sector", "region", "csirt_type", "country", "constituency_type", "sort",
	                                   NULL};
	for (size_t i = 0; keep[i]; i++) {
		const char *v = form_get(&c->query, keep[i]);
		if (!v || !*v)
			continue;
		buf_printf(&b, "%s=", keep[i]);
		for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
			    *p == '_')
				buf_addc(&b, (char)*p);
			else
				buf_printf(&b, "%%%02X", *p);
		}
		buf_addc(&b, '&');
	}
	buf_printf(&b, "cursor=%d", offset);
	json_t *v = json_string(b.data ? b.data : "/directory");
	buf_release(&b);
	return v;
}

static void directory_page(struct ctx *c)
{
	if (response_cache_answer(c))
		return;
	struct team_query q = {
		.q = input_query_text(c, "q", 200),
		.sector = input_query_text(c, "sector", 40),
		.region = input_query_text(c, "region", 40),
		.csirt_type = input_query_text(c, "csirt_type", 40),
		.country = input_query_text(c, "country", 2),
		.constituency_type = input_query_text(c, "constituency_type", CONSTITUENCY_TYPE_MAX),
		.limit = 50,
		.offset = (int)input_cursor(c),
	};
	const char *sort = form_get(&c->query, "sort");
	q.by_name = !q.q || (sort && !strcmp(sort, "name"));
	if (!input_ok(c)) {
		http_error(c, ERR_BAD_REQUEST, NULL);
		return;
	}
	struct page_state ps = {c, json_array(), json_object(), team_level_for(&c->actor, 0)};
	int64_t total = 0;
	int n = team_search(c->db, &q, ps.level, each_team, each_facet, &ps, &total);
	if (n < 0) {
		json_decref(ps.items);
		json_decref(ps.facets);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	char totals[24];
	snprintf(totals, sizeof(totals), "%lld", (long long)total);
	const char *vars[] = {"total", totals, NULL};
	struct buf line;
	buf_init(&line, 256);
	i18n_fill(&line, ctx_t(c, total == 1 ? "dir.results_one" : "dir.results"), vars);
	json_t *d = json_pack("{s:s,s:o,s:o,s:s,s:s,s:b,s:b}", "title", ctx_t(c, "dir.title"), "items", ps.items,
	                      "facets", ps.facets, "q", q.q ? q.q : "", "results_line", line.data ? line.data : "",
	                      "sort_name", q.by_name && q.q, "has_q", q.q != NULL);
	buf_release(&line);
	if (q.offset + n < total)
		json_object_set_new(d, "next_url", page_link(c, q.offset + n));
	if (q.offset > 0)
		json_object_set_new(d, "prev_url", page_link(c, q.offset > 50 ? q.offset - 50 : 0));
	json_object_set_new(d, "members_view", json_boolean(ps.level >= DIR_MEMBERS));
	snapshot_page_box(c, d);
	http_page(c, 200, "directory.html", d);
}

/* Labels for the rows of a record's lists. */
static void label_rows(struct ctx *c, json_t *list, const char *field, const char *prefix)
{
	size_t i;
	json_t *row;
	json_array_foreach(list, i, row) {
		const char *v = json_string_value(json_object_get(row, field));
		if (v)
			json_object_set_new(row, "label", json_string(label(c, prefix, v)));
	}
}

static void team_page(struct ctx *c)
{
	if (response_cache_answer(c))
		return;
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
	json_t *v = team_data(c, &t, level, false);
	if (!v) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	add_labels(c, v);
	static const char *const bilingual[] = {"host_org", "address", "business_hours", NULL};
	for (size_t i = 0; bilingual[i]; i++) {
		json_t *b = json_object_get(v, bilingual[i]);
		if (b) {
			char key[40];
			snprintf(key, sizeof(key), "%s_text", bilingual[i]);
			json_object_set_new(v, key, json_string(in_lang(c, b)));
		}
	}
	label_rows(c, json_object_get(v, "contacts"), "kind", "dir.contact.");
	label_rows(c, json_object_get(v, "people"), "role", "dir.role.");
	label_rows(c, json_object_get(v, "constituency"), "kind", "dir.rule.");
	/* When the record was last confirmed, in the reader's time zone. */
	int64_t verified;
	const char *lv = json_string_value(json_object_get(v, "last_verified"));
	if (lv && clock_parse_iso_utc(lv, &verified) == 0) {
		char when[48];
		clock_local(verified, c->user_tz, when, sizeof(when));
		json_object_set_new(v, "last_verified_text", json_string(when));
	}
	/* Bouncing addresses are flagged for those who can correct them. */
	int bounced = level == DIR_ALL ? bounce_mark_record(c->db, t.id, v, c->user_tz) : 0;
	/* Texts as a list in the order of the record's sections. */
	json_t *texts = json_array(), *body;
	const char *section;
	json_object_foreach(json_object_get(v, "texts"), section, body)
		json_array_append_new(texts, json_pack("{s:s,s:s}", "label", label(c, "dir.text.", section), "body",
		                                       in_lang(c, body)));
	bool can_confirm = policy_allows(&c->actor, ACT_DIRECTORY_WRITE,
	                                 &(struct policy_object){.org_id = t.org_id ? t.org_id : -1});
	json_t *d = json_pack("{s:s,s:o,s:o,s:b,s:b,s:b,s:b}", "title", json_string_value(json_object_get(v, "display_name")),
	                      "team", v, "texts", texts, "public_view", level == DIR_PUBLIC, "can_confirm", can_confirm,
	                      "confirmed", form_get(&c->query, "confirmed") != NULL, "saved",
	                      can_confirm && form_get(&c->query, "saved") != NULL);
	json_object_set_new(d, "bounce_notice", json_boolean(bounced > 0));
	/* Besides the secretariat nobody reaches a suspended or withdrawn
	 * team's page (team_listed; its own users cannot sign in): say so. */
	if (strcmp(t.state, "active") != 0) {
		char key[48];
		snprintf(key, sizeof(key), "org_status.name.%s", t.state);
		const char *vars[] = {"status", ctx_t(c, key), NULL};
		struct buf note;
		buf_init(&note, 4096);
		if (i18n_fill(&note, ctx_t(c, "org_status.team_hidden"), vars) == 0 && note.data)
			json_object_set_new(d, "hidden_notice", json_string(note.data));
		buf_release(&note);
	}
	if (can_confirm)
		json_object_set_new(d, "securitytxt", securitytxt_publish_steps(v));
	http_page(c, 200, "team.html", d);
}

/* The record of the team named in the path as the reader may see it, or
 * NULL after answering 404. */
static json_t *record_for(struct ctx *c)
{
	struct team t;
	int found = team_load(c->db, ctx_param(c, "slug"), 0, &t);
	if (found < 0) {
		http_error(c, ERR_INTERNAL, NULL);
		return NULL;
	}
	enum dir_level level = found ? team_level_for(&c->actor, t.org_id) : DIR_PUBLIC;
	if (!found || !team_listed(&t, level)) {
		http_error(c, ERR_NOT_FOUND, "dir.team_not_found");
		return NULL;
	}
	json_t *v = team_data(c, &t, level, false);
	if (!v)
		http_error(c, ERR_INTERNAL, NULL);
	return v;
}

static void send_download(struct ctx *c, const char *type, const char *filename, struct buf *b)
{
	char disp[160];
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", filename);
	http_header(c, "content-disposition", disp);
	http_send(c, 200, type, b->data ? b->data : "", b->len);
}

static void team_rfc2350(struct ctx *c)
{
	json_t *v = record_for(c);
	if (!v)
		return;
	char today[32], name[96];
	clock_iso_utc(clock_now(), today, sizeof(today));
	today[10] = '\0';
	struct buf b;
	buf_init(&b, 4u << 20);
	snprintf(name, sizeof(name), "%s-rfc2350.txt", json_string_value(json_object_get(v, "slug")));
	if (export_rfc2350(&b, v, lang_code(c->lang), today) == 0)
		send_download(c, "text/plain; charset=utf-8", name, &b);
	else
		http_error(c, ERR_INTERNAL, NULL);
	buf_release(&b);
	json_decref(v);
}

static void team_vcard(struct ctx *c)
{
	json_t *v = record_for(c);
	if (!v)
		return;
	char name[96];
	struct buf b;
	buf_init(&b, 4u << 20);
	snprintf(name, sizeof(name), "%s.vcf", json_string_value(json_object_get(v, "slug")));
	if (export_vcard(&b, v) == 0)
		send_download(c, "text/vcard; charset=utf-8", name, &b);
	else
		http_error(c, ERR_INTERNAL, NULL);
	buf_release(&b);
	json_decref(v);
}

struct csv_state {
	struct ctx *c;
	struct buf *out;
	int64_t last_id;
};

static int csv_team(struct db *db, const struct team *t, void *arg)
{
	struct csv_state *cs = arg;
	cs->last_id = t->id;
	json_t *v = team_data(cs->c, t, team_level_for(&cs->c->actor, t->org_id), false);
	int rc = v ? export_csv_row(cs->out, v) : -1;
	json_decref(v);
	return rc;
}

/* Every team the reader may see, one line each, each with the fields the
 * reader may see of it. */
static void directory_csv(struct ctx *c)
{
	struct buf b;
	buf_init(&b, 64u << 20);
	export_csv_header(&b);
	struct csv_state cs = {c, &b, 0};
	enum dir_level level = team_level_for(&c->actor, 0);
	int n;
	while ((n = team_list(c->db, level, cs.last_id, 200, csv_team, &cs)) == 200)
		;
	if (n < 0)
		http_error(c, ERR_INTERNAL, NULL);
	else
		send_download(c, "text/csv; charset=utf-8", "directory.csv", &b);
	buf_release(&b);
}

const struct route directory_page_routes[] = {
	{"GET", "/directory.csv", ACT_DIRECTORY_READ, directory_csv, 0},
	{"GET", "/directory/{slug}/rfc2350.txt", ACT_DIRECTORY_READ, team_rfc2350, 0},
	{"GET", "/directory/{slug}/vcard.vcf", ACT_DIRECTORY_READ, team_vcard, 0},
	{"GET", "/directory", ACT_DIRECTORY_READ, directory_page, 0},
	{"GET", "/directory/{slug}", ACT_DIRECTORY_READ, team_page, 0},
	{0},
};
