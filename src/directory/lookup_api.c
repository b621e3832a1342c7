/* GET /api/v1/lookup?ip=… | ?asn=… | ?domain=…: which teams handle it
 * and why, most specific first, with what the asker may see of each team.
 * "No team found" is a 200 with no matches; a malformed query is a 400
 * naming the parameter and what is wrong with it. */
#include <stdio.h>
#include <string.h>
#include "core/json_writer.h"
#include "directory/directory_http.h"
#include "directory/fields.h"
#include "directory/lookup.h"
#include "http/input.h"
#include "http/respond.h"

#define MAX_MATCHES 32

static const char *how_name(enum rindex_how how)
{
	switch (how) {
	case RINDEX_MATCH_IPV4: return "ipv4_prefix";
	case RINDEX_MATCH_IPV6: return "ipv6_prefix";
	case RINDEX_MATCH_ASN: return "asn";
	case RINDEX_MATCH_DOMAIN: return "domain";
	case RINDEX_MATCH_PARENT: return "parent_domain";
	case RINDEX_MATCH_WILDCARD: return "wildcard_domain";
	}
	return "";
}

static void lookup_get(struct ctx *c)
{
	static const char *const params[] = {"ip", "asn", "domain"};
	const char *param = NULL, *text = NULL;
	for (size_t i = 0; i < 3; i++) {
		const char *v = form_get(&c->query, params[i]);
		if (!v)
			continue;
		if (param) {
			ctx_field_error(c, params[i], "lookup.one_query");
			continue;
		}
		param = params[i];
		text = v;
	}
	if (!param && input_ok(c))
		ctx_field_error(c, "ip", "lookup.want_query");
	/* The directory's own validators say precisely what is wrong, in the
	 * reader's language; the router then reads the canonical form. */
	struct rindex_query q;
	char canon[FIELD_DOMAIN_MAX];
	enum field_result fr = FIELD_OK;
	if (param && !strcmp(param, "ip"))
		fr = field_cidr(text, canon);
	else if (param && !strcmp(param, "asn"))
		fr = field_asn(text, canon);
	else if (param)
		fr = field_domain(text, false, canon);
	if (fr != FIELD_OK) {
		const char *vars[] = {"suggestion", canon, NULL};
		ctx_field_error_fill(c, param, field_err_key(fr), vars);
	} else if (param && rindex_parse_query(canon, &q) != RINDEX_OK) {
		ctx_field_error(c, param, "lookup.wrong_kind");
	}
	if (!input_ok(c)) {
		http_error(c, ERR_BAD_REQUEST, NULL);
		return;
	}
	enum dir_level level = team_level_for(&c->actor, 0);
	struct rindex *ix = lookup_acquire(level);
	struct rindex_match m[MAX_MATCHES];
	size_t n = ix ? rindex_lookup(ix, &q, m, MAX_MATCHES) : 0;
	if (n > MAX_MATCHES)
		n = MAX_MATCHES;

	struct buf b;
	struct jw w;
	buf_init(&b, 8u << 20);
	jw_init(&w, &b);
	jw_obj_begin(&w);
	jw_kstr(&w, "query", text);
	jw_kbool(&w, "found", n > 0);
	jw_key(&w, "matches");
	jw_arr_begin(&w);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct team t;
		if (team_load(c->db, NULL, m[i].team_id, &t) != 1)
			continue;
		enum dir_level tl = team_level_for(&c->actor, t.org_id);
		char why[320];
		rindex_match_format(&m[i], why, sizeof(why));
		jw_obj_begin(&w);
		jw_kstr(&w, "rule", why);
		jw_kstr(&w, "how", how_name(m[i].how));
		jw_kint(&w, "specificity", m[i].prefixlen);
		jw_key(&w, "team");
		rc = team_write_json(c->db, &t, tl > level ? tl : level, false, &w);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	lookup_release(level, ix);
	if (rc < 0 || w.failed)
		http_error(c, ERR_INTERNAL, NULL);
	else
		http_json(c, 200, &b);
	buf_release(&b);
}

const struct route lookup_routes[] = {
	{"GET", "/api/v1/lookup", ACT_DIRECTORY_READ, lookup_get, ROUTE_API},
	{0},
};
