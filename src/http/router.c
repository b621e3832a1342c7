/* Dispatch: find the route, establish who is asking and in which language,
 * ask the policy, check CSRF, then call the handler. The order is the
 * security model; keep it flat and readable. */
#include <ctype.h>
#include <sodium.h>
#include <strings.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "core/json_writer.h"
#include "core/log.h"
#include "core/clock.h"
#include "core/secret.h"
#include "http/authn.h"
#include "http/respond.h"
#include "http/router.h"
#include "http/server.h"

#define MAX_ROUTES 512

static const struct route *routes[MAX_ROUTES];
static size_t nroutes;

static bool pattern_ok(const char *p)
{
	if (p[0] != '/')
		return false;
	for (const char *s = p; *s; s++) {
		if (*s == '{') {
			const char *e = strchr(s, '}');
			if (!e || e == s + 1 || (e[1] && e[1] != '/') || s[-1] != '/')
				return false;
			s = e;
		}
	}
	return true;
}

int router_init(void)
{
	nroutes = 0;
	for (size_t t = 0; route_tables[t]; t++) {
		for (const struct route *r = route_tables[t]; r->method; r++) {
			if (r->action == ACT_NONE || r->action >= ACT__COUNT) {
				log_kv(LOG_ERROR, "route without an action refused", "method", r->method,
				       "pattern", r->pattern, NULL);
				return -1;
			}
			if (!r->handler || !r->pattern || !pattern_ok(r->pattern)) {
				log_kv(LOG_ERROR, "malformed route refused", "method", r->method,
				       "pattern", r->pattern ? r->pattern : "-", NULL);
				return -1;
			}
			for (size_t i = 0; i < nroutes; i++) {
				if (!strcmp(routes[i]->method, r->method) && !strcmp(routes[i]->pattern, r->pattern)) {
					log_kv(LOG_ERROR, "duplicate route refused", "method", r->method,
					       "pattern", r->pattern, NULL);
					return -1;
				}
			}
			if (nroutes == MAX_ROUTES)
				return -1;
			routes[nroutes++] = r;
		}
	}
	return 0;
}

size_t router_count(void)
{
	return nroutes;
}

const struct route *router_route_at(size_t i)
{
	return i < nroutes ? routes[i] : NULL;
}

/* Match PATH against PATTERN, capturing {params} into C. */
static bool match(struct ctx *c, const char *pattern, const char *path, size_t plen)
{
	const char *p = pattern, *s = path, *end = path + plen;
	int np = 0;
	while (*p && s < end) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			const char *se = memchr(s, '/', (size_t)(end - s));
			if (!se)
				se = end;
			if (se == s || np == CTX_MAX_PARAMS)
				return false;
			c->param_name[np] = ctx_strndup(c, p + 1, (size_t)(pe - p - 1));
			char *v = h2o_mem_alloc_pool(&c->req->pool, (size_t)(se - s) + 1);
			long vl = form_url_decode(s, (size_t)(se - s), v, false);
			if (vl < 0 || !utf8_valid(v, (size_t)vl))
				return false;
			c->param[np++] = v;
			p = pe + 1;
			s = se;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (*p || s != end)
		return false;
	c->nparams = np;
	return true;
}

static void *pool_alloc(void *owner, size_t n)
{
	return h2o_mem_alloc_pool(owner, n);
}

static bool method_is(const h2o_req_t *req, const char *m)
{
	return h2o_memis(req->method.base, req->method.len, m, strlen(m));
}

static bool is_state_changing(const h2o_req_t *req)
{
	return !(method_is(req, "GET") || method_is(req, "HEAD"));
}

/* Find the route for the request; sets *path_matched when some route has
 * this path but another method (for 405). */
static int find_route(struct ctx *c, const char *path, size_t plen, bool *path_matched)
{
	*path_matched = false;
	h2o_iovec_t method = c->req->method;
	bool head = h2o_memis(method.base, method.len, H2O_STRLIT("HEAD"));
	for (size_t i = 0; i < nroutes; i++) {
		if (!match(c, routes[i]->pattern, path, plen))
			continue;
		if (h2o_memis(method.base, method.len, routes[i]->method, strlen(routes[i]->method)) ||
		    (head && !strcmp(routes[i]->method, "GET")))
			return (int)i;
		*path_matched = true;
	}
	return -1;
}

static void set_allow_header(struct ctx *c, const char *path, size_t plen)
{
	struct buf b;
	buf_init(&b, 256);
	for (size_t i = 0; i < nroutes; i++) {
		if (match(c, routes[i]->pattern, path, plen)) {
			if (routes[i]->flags & ROUTE_API)
				c->is_api = true;   /* answer in the route's own language: JSON */
			if (b.len)
				buf_adds(&b, ", ");
			buf_adds(&b, routes[i]->method);
		}
	}
	if (b.data)
		http_header(c, "allow", b.data);
	buf_release(&b);
}

static void client_address(struct ctx *c)
{
	struct sockaddr_storage ss;
	socklen_t len = c->req->conn->callbacks->get_peername(c->req->conn, (struct sockaddr *)&ss);
	snprintf(c->client_addr, sizeof(c->client_addr), "-");
	if (len > 0) {
		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, c->client_addr, sizeof(c->client_addr));
		else if (ss.ss_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, c->client_addr, sizeof(c->client_addr));
	}
	if (!c->cfg->trust_proxy)
		return;
	/* Behind a proxy we trust, the client is the last address it appended. */
	h2o_iovec_t xff = ctx_header(c, "x-forwarded-for");
	if (xff.base && xff.len) {
		const char *last = xff.base;
		for (size_t i = 0; i < xff.len; i++)
			if (xff.base[i] == ',')
				last = xff.base + i + 1;
		while (*last == ' ' && last < xff.base + xff.len)
			last++;
		size_t n = (size_t)(xff.base + xff.len - last);
		if (n > 0 && n < sizeof(c->client_addr)) {
			memcpy(c->client_addr, last, n);
			c->client_addr[n] = '\0';
		}
	}
	h2o_iovec_t proto = ctx_header(c, "x-forwarded-proto");
	if (proto.base && h2o_memis(proto.base, proto.len, H2O_STRLIT("https")))
		c->secure = true;
}

/* Language: the user's setting, else the lang cookie, else Accept-Language,
 * else the instance default. "?lang=" switches it for this request. */
static void choose_language(struct ctx *c, const char *user_lang)
{
	enum lang def = strcmp(c->cfg->default_lang, "en") == 0 ? LANG_EN : LANG_JA;
	const char *cookie = form_get(&c->cookies, "shisa_lang");
	const char *q = form_get(&c->query, "lang");
	h2o_iovec_t al = ctx_header(c, "accept-language");
	c->lang = al.base ? lang_from_accept(al.base, al.len, def) : def;
	if (cookie)
		lang_parse(cookie, strlen(cookie), &c->lang);
	if (user_lang && *user_lang)
		lang_parse(user_lang, strlen(user_lang), &c->lang);
	if (q)
		lang_parse(q, strlen(q), &c->lang);
}

static size_t header_bytes(const h2o_req_t *req)
{
	size_t n = req->path.len + req->method.len;
	for (size_t i = 0; i != req->headers.size; i++)
		n += req->headers.entries[i].name->len + req->headers.entries[i].value.len + 4;
	return n;
}

static bool csrf_ok(struct ctx *c)
{
	const char *sent = NULL;
	h2o_iovec_t h = ctx_header(c, "x-csrf-token");
	if (h.base)
		sent = ctx_strndup(c, h.base, h.len);
	else if (c->form.n)
		sent = form_get(&c->form, "_csrf");
	size_t want = strlen(c->csrf);
	return sent && want && strlen(sent) == want && sodium_memcmp(sent, c->csrf, want) == 0;
}

size_t router_max_body(const struct config *cfg)
{
	size_t max = cfg->max_body;
	for (size_t i = 0; i < nroutes; i++)
		if (routes[i]->flags & ROUTE_BULK_BODY && cfg->max_batch_body > max)
			max = cfg->max_batch_body;
	return max;
}

static bool content_type_is(struct ctx *c, const char *want)
{
	h2o_iovec_t ct = ctx_header(c, "content-type");
	size_t n = strlen(want);
	return ct.base && ct.len >= n && strncasecmp(ct.base, want, n) == 0 &&
	       (ct.len == n || ct.base[n] == ';' || ct.base[n] == ' ');
}

/* A multipart/form-data body (ROUTE_UPLOAD): text fields into c->form,
 * files into c->uploads, no part larger than the body may be. False when
 * it was refused (and answered). */
static bool read_upload(struct ctx *c, size_t max_body)
{
	static const struct {
		enum err e;
		const char *key;
	} refusal[] = {
		[MULTIPART_NO_BOUNDARY] = {ERR_BAD_REQUEST, "multipart.no_boundary"},
		[MULTIPART_NO_START] = {ERR_BAD_REQUEST, "multipart.no_start"},
		[MULTIPART_UNTERMINATED] = {ERR_BAD_REQUEST, "multipart.unterminated"},
		[MULTIPART_BAD_HEADER] = {ERR_BAD_REQUEST, "multipart.bad_header"},
		[MULTIPART_BAD_UTF8] = {ERR_BAD_REQUEST, "multipart.bad_utf8"},
		[MULTIPART_TOO_MANY] = {ERR_BAD_REQUEST, "multipart.too_many"},
		[MULTIPART_TOO_LARGE] = {ERR_TOO_LARGE, "multipart.too_large"},
		[MULTIPART_NO_MEMORY] = {ERR_INTERNAL, NULL},
	};
	struct multipart all;
	h2o_iovec_t ct = ctx_header(c, "content-type");
	enum multipart_status st = multipart_parse(ct.base, ct.len, c->req->entity.base, c->req->entity.len, max_body,
	                                           &all, pool_alloc, &c->req->pool);
	if (st == MULTIPART_OK)
		st = multipart_split(&all, &c->form, &c->uploads, pool_alloc, &c->req->pool);
	if (st == MULTIPART_OK)
		return true;
	http_error(c, refusal[st].e, refusal[st].key);
	return false;
}

/* A new request id: 64 random bits as hex. They name requests in logs and
 * the audit log. */
static void request_id(char out[17])
{
	unsigned char raw[8];
	secret_random(raw, sizeof(raw));
	sodium_bin2hex(out, 17, raw, sizeof(raw));
}

int router_handle(h2o_handler_t *self, h2o_req_t *req)
{
	struct ctx *c = h2o_mem_alloc_pool(&req->pool, sizeof(*c));
	memset(c, 0, sizeof(*c));
	c->req = req;
	c->thr = srv_thread_of(req->conn->ctx);
	c->db = &c->thr->db;
	c->cfg = c->thr->srv->cfg;
	c->start_ms = clock_mono_ms();
	c->route_index = -1;
	c->secure = c->cfg->secure_cookies;
	request_id(c->rid);
	c->lang = strcmp(c->cfg->default_lang, "en") == 0 ? LANG_EN : LANG_JA;

	const char *path = req->path_normalized.base;
	size_t plen = req->path_normalized.len;
	c->is_api = plen >= 5 && memcmp(path, "/api/", 5) == 0;
	client_address(c);

	if (srv_stopping()) {
		http_error(c, ERR_UNAVAILABLE, NULL);
		return 0;
	}
	if (header_bytes(req) > c->cfg->max_header) {
		http_error(c, ERR_TOO_LARGE, "err.headers_too_large");
		return 0;
	}
	enum form_status fs = FORM_OK;
	h2o_iovec_t cookie = ctx_header(c, "cookie");
	if (cookie.base)
		form_parse_cookies(cookie.base, cookie.len, &c->cookies, pool_alloc, &req->pool);
	if (req->query_at != SIZE_MAX)
		fs = form_parse(req->path.base + req->query_at + 1, req->path.len - req->query_at - 1,
		                &c->query, pool_alloc, &req->pool);
	choose_language(c, NULL);
	if (fs != FORM_OK) {
		http_error(c, ERR_BAD_REQUEST, fs == FORM_TOO_MANY ? "err.too_many_fields" : "err.bad_query");
		return 0;
	}

	bool path_matched;
	int ri = find_route(c, path, plen, &path_matched);
	/* h2o reads bodies up to the largest any route takes; each route
	 * then takes only what it may. */
	size_t max_body = ri >= 0 && routes[ri]->flags & ROUTE_BULK_BODY ? c->cfg->max_batch_body : c->cfg->max_body;
	if (req->entity.base && req->entity.len > max_body) {
		http_error(c, ERR_TOO_LARGE, NULL);
		return 0;
	}
	if (ri < 0) {
		if (path_matched) {
			set_allow_header(c, path, plen);
			http_error(c, ERR_METHOD_NOT_ALLOWED, NULL);
		} else {
			http_error(c, ERR_NOT_FOUND, NULL);
		}
		return 0;
	}
	c->route = routes[ri];
	c->route_index = ri;
	c->is_api = c->is_api || (c->route->flags & ROUTE_API);

	const char *user_lang = NULL, *refusal = NULL;
	enum err ae = authn_resolve(c, &user_lang, &refusal);
	choose_language(c, user_lang);
	if (ae != ERR_OK) {
		http_error(c, ae, refusal);
		return 0;
	}

	if (!policy_allows(&c->actor, c->route->action, NULL)) {
		if (c->actor.role == ROLE_ANONYMOUS && !c->is_api) {
			struct buf loc;
			buf_init(&loc, 2048);
			buf_adds(&loc, "/signin?next=");
			for (size_t i = 0; i < plen && i < 512; i++) {
				unsigned char ch = (unsigned char)path[i];
				if (isalnum(ch) || ch == '/' || ch == '-' || ch == '_' || ch == '.')
					buf_addc(&loc, (char)ch);
				else
					buf_printf(&loc, "%%%02X", ch);
			}
			http_redirect(c, loc.data);
			buf_release(&loc);
		} else if (c->actor.via_token && !c->actor.token_can_write && policy_action_writes(c->route->action)) {
			http_error(c, ERR_FORBIDDEN, "err.token_read_only");
		} else {
			http_error(c, c->actor.role == ROLE_ANONYMOUS ? ERR_UNAUTHENTICATED : ERR_FORBIDDEN, NULL);
		}
		return 0;
	}

	/* The secretariat requires MFA and this user has none yet: only the
	 * enrolment pages (and sign-out, public pages) until it is done. */
	if (c->mfa_enrol_required && !(c->route->flags & ROUTE_MFA_SETUP) && c->route->action != ACT_PUBLIC_READ) {
		if (c->is_api)
			http_error(c, ERR_FORBIDDEN, "mfa.required_first");
		else
			http_redirect(c, "/account/mfa");
		return 0;
	}

	if (c->route->flags & ROUTE_FORM && is_state_changing(req)) {
		bool upload = c->route->flags & ROUTE_UPLOAD;
		if (upload && content_type_is(c, "multipart/form-data")) {
			if (!read_upload(c, max_body))
				return 0;
		} else if (!content_type_is(c, "application/x-www-form-urlencoded")) {
			http_error(c, ERR_UNSUPPORTED_MEDIA, upload ? "multipart.want_form" : "err.want_form");
			return 0;
		} else if ((fs = form_parse_body(req->entity.base, req->entity.len, &c->form, pool_alloc, &req->pool)) !=
		           FORM_OK) {
			http_error(c, ERR_BAD_REQUEST, fs == FORM_TOO_MANY ? "err.too_many_fields" : "err.bad_form");
			return 0;
		}
	}
	/* Cookie-authenticated (or anonymous browser) writes must echo the CSRF
	 * token; API tokens cannot be sent by a third-party page, and an API call
	 * without any cookie carries no ambient authority, so those need none. */
	bool needs_csrf = c->session_id != 0 || !c->is_api;
	if (is_state_changing(req) && needs_csrf && !c->actor.via_token && !(c->route->flags & ROUTE_NO_CSRF) &&
	    !csrf_ok(c)) {
		http_error(c, ERR_CSRF, NULL);
		return 0;
	}

	c->route->handler(c);
	return 0;
}
