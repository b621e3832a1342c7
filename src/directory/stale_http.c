/* The secretariat's "stale records" view, as a page and over the API:
 * teams that have not confirmed their record within confirm_months (and
 * the reminders they were sent), OpenPGP keys that have expired or expire
 * within 30 days, and addresses that bounce, so someone can chase them
 * before an incident finds the directory out of date. The lists come from
 * stale.c. */
#include <stdio.h>
#include "core/clock.h"
#include "directory/directory_http.h"
#include "directory/stale.h"
#include "http/respond.h"

/* The team's name in the reader's language, else the other one. */
static void display_names(struct ctx *c, json_t *list)
{
	size_t i;
	json_t *row;
	json_array_foreach(list, i, row) {
		json_t *name = json_object_get(row, "name");
		const char *ja = json_string_value(json_object_get(name, "ja"));
		const char *en = json_string_value(json_object_get(name, "en"));
		json_object_set_new(row, "display_name", json_string(c->lang == LANG_JA && ja && *ja ? ja : en ? en : ""));
	}
}

/* What each bounced address is used as, one line: contact labels, then
 * people's names. */
static void used_as(struct ctx *c, json_t *bounces)
{
	size_t i, k;
	json_t *row, *v;
	json_array_foreach(bounces, i, row) {
		struct buf line;
		buf_init(&line, 64u << 10);
		json_array_foreach(json_object_get(row, "contacts"), k, v) {
			char key[64];
			snprintf(key, sizeof(key), "dir.contact.%s", json_string_value(v) ? json_string_value(v) : "");
			buf_printf(&line, "%s%s", line.len ? ", " : "", i18n_has(key) ? ctx_t(c, key) : key);
		}
		json_array_foreach(json_object_get(row, "people"), k, v)
			buf_printf(&line, "%s%s", line.len ? ", " : "", json_string_value(v) ? json_string_value(v) : "");
		json_object_set_new(row, "used_as", json_string(line.data ? line.data : ""));
		buf_release(&line);
	}
}

static void stale_page(struct ctx *c)
{
	json_t *r = stale_report(c->db, clock_now(), c->user_tz);
	if (!r) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	display_names(c, json_object_get(r, "overdue"));
	display_names(c, json_object_get(r, "keys"));
	display_names(c, json_object_get(r, "bounces"));
	used_as(c, json_object_get(r, "bounces"));
	json_object_set_new(r, "title", json_string(ctx_t(c, "stale.title")));
	http_page(c, 200, "admin_stale.html", r);
}

static void stale_api(struct ctx *c)
{
	json_t *r = stale_report(c->db, clock_now(), NULL);
	if (!r) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	http_json_value(c, 200, r);
	json_decref(r);
}

const struct route stale_routes[] = {
	{"GET", "/admin/stale", ACT_ORGS_READ, stale_page, 0},
	{"GET", "/api/v1/directory/stale", ACT_ORGS_READ, stale_api, ROUTE_API},
	{0},
};
