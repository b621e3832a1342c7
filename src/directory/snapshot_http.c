/* Routes of the offline snapshot. The files are sent from a read-only
 * mapping tied to the request's pool, not copied: a snapshot of a large
 * directory is many megabytes, and the server replaces the files by
 * renaming, so a mapping always holds one whole, signed file. The
 * download is named by the time in its header. Under /api/v1 so that a
 * member's API token can fetch it (docs/snapshot.md: keeping a copy); a
 * signed-in browser follows the same links. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/clock.h"
#include "directory/snapshot_http.h"
#include "directory/snapshot_key_history.h"
#include "directory/snapshot_service.h"
#include "http/respond.h"

struct mapping {
	void *base;
	size_t len;
};

static void unmap(void *p)
{
	struct mapping *m = p;
	munmap(m->base, m->len);
}

/* The mapped file at PATH, released with the request; NULL on failure. */
static struct mapping *map_for_request(struct ctx *c, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return NULL;
	void *base = fstat(fd, &st) == 0 && st.st_size > 0
	             ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	close(fd);
	if (base == MAP_FAILED)
		return NULL;
	struct mapping *m = h2o_mem_alloc_shared(&c->req->pool, sizeof(*m), unmap);
	m->base = base;
	m->len = (size_t)st.st_size;
	return m;
}

static void send_snapshot(struct ctx *c, enum snapshot_kind kind)
{
	char path[1100];
	if (!snapshot_service_path(kind, path, sizeof(path))) {
		http_error(c, ERR_UNAVAILABLE, "snap.not_ready");
		return;
	}
	struct mapping *m = map_for_request(c, path);
	struct snapshot_header h;
	if (!m || snapshot_read_header(m->base, m->len, &h) != SNAPSHOT_OK) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	/* "2026-11-25T10:00:00Z" -> shisa-directory-20261125-100000Z.html */
	const char *g = h.generated;
	char disp[128];
	snprintf(disp, sizeof(disp), "attachment; filename=\"shisa-directory-%.4s%.2s%.2s-%.2s%.2s%.2sZ.%s\"", g, g + 5,
	         g + 8, g + 11, g + 14, g + 17, kind == SNAPSHOT_HTML ? "html" : "json");
	http_header(c, "content-disposition", disp);
	http_send_pooled(c, 200, kind == SNAPSHOT_HTML ? "text/html; charset=utf-8" : "application/json; charset=utf-8",
	                 m->base, m->len);
}

static void snapshot_html(struct ctx *c)
{
	send_snapshot(c, SNAPSHOT_HTML);
}

static void snapshot_json(struct ctx *c)
{
	send_snapshot(c, SNAPSHOT_JSON);
}

/* The key file (snapshot_key.h): not secret, so anyone may fetch it. Its
 * key is the one of the snapshot served now (after a rotation, the old one
 * until the new snapshot is written), then the retired keys. */
static void snapshot_key(struct ctx *c)
{
	unsigned char pk[SNAPKEY_PK_BYTES];
	struct snapkey_history h;
	if (!snapshot_service_key(pk)) {
		http_error(c, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (snapkey_history_load(c->db, &h) < 0) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	struct buf b;
	buf_init(&b, 4096);
	snapkey_file_text(pk, c->cfg->instance_name, &b);
	snapkey_history_text(&h, pk, &b);
	http_header(c, "content-disposition", "inline; filename=\"shisa-snapshot-key.txt\"");
	http_send(c, 200, "text/plain; charset=utf-8", b.data ? b.data : "", b.len);
	buf_release(&b);
}

void snapshot_page_box(struct ctx *c, json_t *page)
{
	unsigned char pk[SNAPKEY_PK_BYTES];
	if (!policy_allows(&c->actor, ACT_DIRECTORY_SNAPSHOT, NULL) || !snapshot_service_key(pk))
		return;
	char key[SNAPKEY_TEXT_LEN + 1];
	snapkey_text(pk, key);
	json_t *box = json_pack("{s:s}", "key", key);
	struct snapshot_header h;
	int64_t t;
	if (snapshot_service_latest(&h) && clock_parse_iso_utc(h.generated, &t) == 0) {
		char when[64];
		struct buf line;
		buf_init(&line, 512);
		clock_local(t, c->user_tz, when, sizeof(when));
		const char *vars[] = {"when", when, NULL};
		i18n_fill(&line, ctx_t(c, "snap.generated_at"), vars);
		json_object_set_new(box, "generated", json_string(line.data ? line.data : ""));
		buf_release(&line);
	}
	json_object_set_new(page, "snapshot", box);
}

const struct route snapshot_routes[] = {
	{"GET", "/api/v1/directory/snapshot.html", ACT_DIRECTORY_SNAPSHOT, snapshot_html, ROUTE_API},
	{"GET", "/api/v1/directory/snapshot.json", ACT_DIRECTORY_SNAPSHOT, snapshot_json, ROUTE_API},
	{"GET", "/api/v1/directory/snapshot.key", ACT_PUBLIC_READ, snapshot_key, ROUTE_API},
	{0},
};
