/* The routes every instance has regardless of domain: the home page,
 * static files, health, metrics, the public status reply and the OpenAPI
 * document. */
#include <string.h>
#include "core/clock.h"
#include "core/embed.h"
#include "core/json_writer.h"
#include "http/metrics.h"
#include "http/respond.h"
#include "http/router.h"
#include "web/site.h"

static void home(struct ctx *c)
{
	http_page(c, 200, "home.html", json_object());
}

static const char *static_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot)
		return NULL;
	if (!strcmp(dot, ".css")) return "text/css; charset=utf-8";
	if (!strcmp(dot, ".js")) return "text/javascript; charset=utf-8";
	if (!strcmp(dot, ".svg")) return "image/svg+xml";
	if (!strcmp(dot, ".png")) return "image/png";
	if (!strcmp(dot, ".ico")) return "image/x-icon";
	return NULL;
}

static void static_file(struct ctx *c)
{
	const char *name = ctx_param(c, "name");
	char path[160];
	/* Embedded files are found by exact name: "..", "/" and "%2e" never
	 * reach a file system. */
	const struct embed_file *f = NULL;
	const char *type = static_type(name);
	if (type && strlen(name) < 100 && !strchr(name, '/')) {
		snprintf(path, sizeof(path), "src/web/static/%s", name);
		f = embed_find(path);
	}
	if (!f) {
		http_error(c, ERR_NOT_FOUND, NULL);
		return;
	}
	http_header(c, "cache-control", "public, max-age=3600");
	http_send(c, 200, type, (const char *)f->data, f->len);
}

static void healthz(struct ctx *c)
{
	static const char sql[] = "SELECT 1";
	if (db_scalar(c->db, sql) != 1) {
		http_error(c, ERR_UNAVAILABLE, NULL);
		return;
	}
	static const char ok[] = "{\"status\":\"ok\"}";
	http_send(c, 200, "application/json; charset=utf-8", ok, sizeof(ok) - 1);
}

/* Metrics describe the instance's traffic: by default only a scraper on
 * this machine (or behind the trusted local proxy) may read them. */
static bool metrics_allowed(const struct ctx *c)
{
	return c->cfg->metrics_public || !strncmp(c->client_addr, "127.", 4) || !strcmp(c->client_addr, "::1");
}

static void metrics(struct ctx *c)
{
	if (!metrics_allowed(c)) {
		http_error(c, ERR_FORBIDDEN, "err.metrics_local");
		return;
	}
	struct buf b;
	buf_init(&b, 4u << 20);
	metrics_render(&b, c->db);
	http_send(c, 200, "text/plain; version=0.0.4; charset=utf-8", b.data ? b.data : "", b.len);
	buf_release(&b);
}

/* A small public JSON reply: what this server is. Also the benchmark's target. */
static void status(struct ctx *c)
{
	char now[32];
	char body[256];
	struct buf b = {.data = body, .len = 0, .cap = sizeof(body), .max = sizeof(body) - 1};
	struct jw w;
	clock_iso_utc(clock_now(), now, sizeof(now));
	jw_init(&w, &b);
	jw_obj_begin(&w);
	jw_kstr(&w, "service", "shisa");
	jw_kstr(&w, "version", SHISA_VERSION);
	jw_kstr(&w, "status", "ok");
	jw_kstr(&w, "time", now);
	jw_obj_end(&w);
	http_json(c, 200, &b);
}

static void openapi(struct ctx *c)
{
	const struct embed_file *f = embed_find("docs/openapi.json");
	http_send(c, 200, "application/json; charset=utf-8", (const char *)f->data, f->len);
}

const struct route site_routes[] = {
	{"GET", "/", ACT_PUBLIC_READ, home, 0},
	{"GET", "/static/{name}", ACT_PUBLIC_READ, static_file, 0},
	{"GET", "/healthz", ACT_PUBLIC_READ, healthz, ROUTE_API},
	{"GET", "/metrics", ACT_OPS_READ, metrics, ROUTE_API},
	{"GET", "/api/v1/status", ACT_PUBLIC_READ, status, ROUTE_API},
	{"GET", "/api/v1/openapi.json", ACT_PUBLIC_READ, openapi, ROUTE_API},
	{0},
};
