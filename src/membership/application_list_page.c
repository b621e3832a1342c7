/* /applications: the applications this reader may see, as
 * application_list decides (the API's list): the secretariat every one,
 * filtered by state; a member team those in the community window and
 * those it is asked to sponsor; an applicant its own. Oldest first, a
 * page at a time. */
#include <stdio.h>
#include <string.h>
#include "http/input.h"
#include "http/respond.h"
#include "membership/application_page_form.h"
#include "membership/application_pages.h"
#include "membership/application_state.h"
#include "membership/application_view.h"

#define PAGE_ROWS 50

/* The rows of ITEMS (application_list's summaries) for the table. */
static json_t *rows_view(struct ctx *c, json_t *items)
{
	json_t *rows = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(items, i, x) {
		json_t *org = json_object_get(x, "org"), *team = json_object_get(x, "team_name");
		bool ja = c->lang == LANG_JA;
		const char *org_name = ja && *app_json_text(org, "name_ja") ? app_json_text(org, "name_ja")
		                                                            : app_json_text(org, "name");
		const char *team_name = ja && *app_json_text(team, "ja") ? app_json_text(team, "ja")
		                                                         : app_json_text(team, "en");
		json_array_append_new(rows, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "id",
		                                      json_integer_value(json_object_get(x, "id")), "org", org_name, "team",
		                                      team_name, "state", app_json_text(x, "state"), "state_label",
		                                      app_page_label(c, "app.state.", app_json_text(x, "state")), "submitted",
		                                      app_page_when(c, app_json_text(x, "submitted_at")), "window_ends",
		                                      app_page_when(c, app_json_text(x, "window_ends_at"))));
	}
	return rows;
}

static void list_page(struct ctx *c)
{
	const char *state = input_query_text(c, "state", 32);
	int64_t cursor = input_cursor(c);
	enum app_state s;
	if (state && app_state_parse(state, &s) < 0)
		ctx_field_error(c, "state", "field.bad_choice");
	bool secretariat = c->actor.role == ROLE_SECRETARIAT;
	json_t *items = json_array();
	int64_t last = 0;
	int n = input_ok(c) ? application_list(c->db, &c->actor, secretariat ? state : NULL, cursor, PAGE_ROWS + 1, items,
	                                       &last)
	                    : 0;
	if (n < 0) {
		json_decref(items);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	json_t *d = json_pack("{s:s,s:o,s:b,s:s,s:b}", "title", ctx_t(c, "app.list.title"), "errors",
	                      ctx_field_errors_json(c), "secretariat", secretariat, "f_state",
	                      state && input_ok(c) ? state : "", "paged", cursor > 0);
	if (n > PAGE_ROWS) {
		json_array_remove(items, PAGE_ROWS);
		json_t *last_shown = json_array_get(items, PAGE_ROWS - 1);
		json_object_set_new(d, "next_cursor", json_integer(json_integer_value(json_object_get(last_shown, "id"))));
	}
	json_object_set_new(d, "rows", rows_view(c, items));
	json_decref(items);
	char lead[64];
	snprintf(lead, sizeof(lead), "app.list.lead.%s", policy_role_name(c->actor.role));
	json_object_set_new(d, "lead", json_string(ctx_t(c, lead)));
	if (secretariat) {
		json_t *states = json_array();
		json_array_append_new(states, json_pack("{s:s,s:s,s:b}", "value", "", "label", ctx_t(c, "app.list.any_state"),
		                                        "sel", !state));
		for (int k = APP_DRAFT; k < APP_STATE__COUNT; k++) {
			const char *name = app_state_name((enum app_state)k);
			json_array_append_new(states, json_pack("{s:s,s:s,s:b}", "value", name, "label",
			                                        app_page_label(c, "app.state.", name), "sel",
			                                        state && !strcmp(state, name)));
		}
		json_object_set_new(d, "states", states);
	}
	http_page(c, input_ok(c) ? 200 : 400, "applications.html", d);
}

const struct route application_list_page_routes[] = {
	{"GET", "/applications", ACT_APPLICATIONS_READ, list_page, 0},
	{0},
};
