/* The directory's exports over HTTP: the whole directory as JSON in a
 * FIRST-style scope (GET /api/v1/teams/export?scope=), a team's
 * security.txt (RFC 9116) and its OpenPGP keys as files, which the
 * security.txt's Encryption lines point at. A reader may ask only for a
 * scope their own level reaches: asking for more is refused (403) rather
 * than quietly answered with less, so a script never mistakes a public
 * export for a members' one. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/log.h"
#include "core/path.h"
#include "directory/directory_export.h"
#include "directory/directory_http.h"
#include "directory/securitytxt.h"
#include "http/respond.h"
#include "http/send_file.h"
#include "http/worker.h"

/* The scopes a route offers, and what it says when one is not offered
 * (BAD_KEY) or above the reader's level (ABOVE_KEY). */
struct scope_offer {
	enum export_scope allowed[3];
	size_t n;
	const char *bad_key, *above_key;
};

static const struct scope_offer export_offer = {
	{EXPORT_PUBLIC, EXPORT_MINIMAL, EXPORT_MEMBERS}, 3, "export.bad_scope", "export.scope_members_only",
};
static const struct scope_offer securitytxt_offer = {
	{EXPORT_PUBLIC, EXPORT_MEMBERS}, 2, "export.bad_scope_securitytxt", "export.scope_members_only_securitytxt",
};

/* The scope asked for in ?scope= (public when absent), if OFFER has it
 * and the reader's level reaches it. Otherwise answer (400 or 403, with
 * an error on "scope") and return false. */
static bool read_scope(struct ctx *c, const struct scope_offer *offer, enum dir_level reader, enum export_scope *out)
{
	const char *s = form_get(&c->query, "scope");
	*out = EXPORT_PUBLIC;
	bool known = !s || export_scope_parse(s, out) == 0, offered = false;
	for (size_t i = 0; known && i < offer->n; i++)
		offered |= offer->allowed[i] == *out;
	if (!offered) {
		ctx_field_error(c, "scope", offer->bad_key);
		http_error(c, ERR_BAD_REQUEST, NULL);
		return false;
	}
	if (reader < export_scope_needs(*out)) {
		ctx_field_error(c, "scope", offer->above_key);
		http_error(c, ERR_FORBIDDEN, "export.scope_forbidden");
		return false;
	}
	return true;
}

/* The most one team's record may take in the writer before it is flushed
 * (the command line allows the same). */
#define EXPORT_PIECE_MAX ((size_t)64 << 20)

struct export_job {
	char db_path[512];
	enum export_scope scope;
	enum dir_level level;
	char generated[32];
	int fd;                   /* the document, in an unnamed file beside the database */
	off_t size;
	int64_t rc;
	int error;                /* errno of a failed write */
};

/* An unnamed file in the database's own folder, so the export is on the
 * disk, with the permissions, that already hold the same records; gone
 * when closed. -1 with errno when it cannot be made. */
static int unnamed_file_beside(const char *db_path)
{
	char dir[512];
	path_folder(db_path, dir, sizeof(dir));
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
		return fd;
	/* A file system without O_TMPFILE: a named file, unlinked at once. */
	char path[600];
	snprintf(path, sizeof(path), "%s/.shisa-export-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/* Write out what the writer has so far and empty its buffer. */
static int flush_to_file(struct buf *b, void *arg)
{
	struct export_job *j = arg;
	for (size_t done = 0; done < b->len;) {
		ssize_t n = write(j->fd, b->data + done, b->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			j->error = errno;
			return -1;
		}
		done += (size_t)n;
	}
	j->size += (off_t)b->len;
	b->len = 0;
	return 0;
}

static void export_work(void *arg)
{
	struct export_job *j = arg;
	struct db db;
	char err[256];
	struct buf out;
	struct jw w;
	j->rc = -1;
	j->fd = unnamed_file_beside(j->db_path);
	if (j->fd < 0) {
		j->error = errno;
		return;
	}
	if (db_open(&db, j->db_path, false, err, sizeof(err)) < 0) {
		log_kv(LOG_ERROR, "export: cannot open the database", "error", err, NULL);
		return;
	}
	buf_init(&out, EXPORT_PIECE_MAX);
	jw_init(&w, &out);
	struct export_walk walk = {.scope = j->scope, .level = j->level};
	j->rc = export_json_document(&db, &walk, j->generated, &w, flush_to_file, j);
	buf_release(&out);
	db_close(&db);
}

static void export_done(struct ctx *c, void *arg)
{
	struct export_job *j = arg;
	if (j->error)
		log_kv(LOG_ERROR, "export: cannot write the document beside the database", "error", strerror(j->error), NULL);
	if (c && j->rc >= 0) {
		http_send_fd(c, 200, "application/json; charset=utf-8", j->fd, j->size);
		j->fd = -1;
	} else if (c) {
		http_error(c, j->error ? ERR_UNAVAILABLE : ERR_INTERNAL, j->error ? "export.cannot_write" : NULL);
	}
	if (j->fd >= 0)
		close(j->fd);
	free(j);
}

/* Every listed team in one scope, written on the worker pool with a
 * connection of its own (thousands of records take longer than a loop
 * turn may) into a file, then sent from it piece by piece. */
static void teams_export(struct ctx *c)
{
	enum dir_level reader = team_level_for(&c->actor, 0);
	enum export_scope scope;
	if (!read_scope(c, &export_offer, reader, &scope))
		return;
	struct export_job *j = calloc(1, sizeof(*j));
	if (!j) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	j->fd = -1;
	snprintf(j->db_path, sizeof(j->db_path), "%s", c->cfg->db_path);
	j->scope = scope;
	j->level = export_scope_level(scope, reader);
	clock_iso_utc(clock_now(), j->generated, sizeof(j->generated));
	if (worker_submit(c, export_work, export_done, j) < 0) {
		free(j);
		http_error(c, ERR_UNAVAILABLE, NULL);
	}
}

/* The team named by {slug} and the reader's level for it, or false after
 * answering 404. */
static bool listed_team(struct ctx *c, struct team *t, enum dir_level *level)
{
	int found = team_load(c->db, ctx_param(c, "slug"), 0, t);
	if (found < 0) {
		http_error(c, ERR_INTERNAL, NULL);
		return false;
	}
	*level = found ? team_level_for(&c->actor, t->org_id) : DIR_PUBLIC;
	if (!found || !team_listed(t, *level)) {
		http_error(c, ERR_NOT_FOUND, "dir.team_not_found");
		return false;
	}
	return true;
}

static void send_file(struct ctx *c, const char *type, const char *filename, const char *body, size_t len)
{
	char disp[200];
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", filename);
	http_header(c, "content-disposition", disp);
	http_send(c, 200, type, body, len);
}

/* ?scope=public (the default: the file is for publishing on the open
 * web) or ?scope=members (for members, with what they may see). */
static void team_securitytxt(struct ctx *c)
{
	struct team t;
	enum dir_level reader;
	enum export_scope scope;
	if (!listed_team(c, &t, &reader) || !read_scope(c, &securitytxt_offer, reader, &scope))
		return;
	json_t *record = export_record(c->db, &t, scope, export_scope_level(scope, reader));
	if (!record) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	char name[TEAM_SLUG_MAX + 32];
	int64_t now = clock_now();
	struct securitytxt_opts o = {
		.base_url = c->cfg->base_url, .instance_name = c->cfg->instance_name, .audience = scope == EXPORT_PUBLIC ? "the public" : "members",
		.now = now, .expires = now + (int64_t)c->cfg->securitytxt_expires_days * 86400,
	};
	struct buf b;
	buf_init(&b, 4u << 20);
	int rc = securitytxt_write(&b, record, &o);
	if (rc > 0) {
		snprintf(name, sizeof(name), "%s-security.txt", t.slug);
		send_file(c, "text/plain; charset=utf-8", name, b.data, b.len);
	} else {
		http_error(c, rc == 0 ? ERR_NOT_FOUND : ERR_INTERNAL, rc == 0 ? "export.securitytxt_no_contact" : NULL);
	}
	buf_release(&b);
	json_decref(record);
}

/* /directory/{slug}/keys/{FINGERPRINT}.asc: one key, when the reader may
 * see it. */
static void team_key(struct ctx *c)
{
	struct team t;
	enum dir_level level;
	const char *file = ctx_param(c, "file");
	size_t n = strlen(file);
	if (n < 5 || strcmp(file + n - 4, ".asc") != 0) {
		http_error(c, ERR_NOT_FOUND, NULL);
		return;
	}
	if (!listed_team(c, &t, &level))
		return;
	/* The whole record at the reader's own level: a key shows as it does
	 * on the team's page. */
	json_t *record = export_record(c->db, &t, EXPORT_ALL, level), *k;
	if (!record) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	size_t i;
	const char *armored = NULL;
	json_array_foreach(json_object_get(record, "keys"), i, k) {
		const char *fpr = json_string_value(json_object_get(k, "fingerprint"));
		if (fpr && strlen(fpr) == n - 4 && !strncasecmp(fpr, file, n - 4))
			armored = json_string_value(json_object_get(k, "armored"));
	}
	if (armored && *armored)
		send_file(c, "application/pgp-keys", file, armored, strlen(armored));
	else
		http_error(c, ERR_NOT_FOUND, NULL);
	json_decref(record);
}

const struct route export_routes[] = {
	{"GET", "/api/v1/teams/export", ACT_DIRECTORY_READ, teams_export, ROUTE_API},
	{"GET", "/directory/{slug}/security.txt", ACT_DIRECTORY_READ, team_securitytxt, 0},
	{"GET", "/directory/{slug}/keys/{file}", ACT_DIRECTORY_READ, team_key, 0},
	{0},
};
