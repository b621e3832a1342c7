/* Making the offline snapshot; see snapshot.h. One pass over the teams
 * writes three streams to anonymous temporary files (the JSON records,
 * the quick-reference rows, the full records), while a SHA-256 follows
 * everything the content depends on. Then the two files are assembled in
 * their directory under temporary names, signed over their bytes (read
 * back through mmap, so a large directory is never one buffer) and
 * renamed into place. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/json_writer.h"
#include "core/secret.h"
#include "directory/dir_version.h"
#include "directory/snapshot.h"
#include "directory/snapshot_page.h"
#include "directory/team.h"

#define RECORD_MAX ((size_t)16 << 20)   /* one team's record or page piece */
#define PIECE_MAX ((size_t)1 << 20)     /* the head, middle and foot of the page */

/* The teams a member team sees, in page order: letters, digits, the rest
 * (the groups of snapshot_page.c's letter_of), then by name. */
static const char teams_sql[] =
	"SELECT id FROM teams WHERE state = 'active' ORDER BY"
	" CASE WHEN upper(substr(name_en, 1, 1)) BETWEEN 'A' AND 'Z' THEN 1"
	"  WHEN substr(name_en, 1, 1) BETWEEN '0' AND '9' THEN 0 ELSE 2 END,"
	" upper(name_en), name_ja, id";

struct pass {
	FILE *records_json, *rows, *records_html;
	crypto_hash_sha256_state digest;
	struct snapshot_page *pg;
	int64_t teams;
};

/* Ids of the teams in page order into *IDS (malloc'd). Return the count or -1. */
static int64_t team_ids(struct db *db, int64_t **ids)
{
	sqlite3_stmt *st = db_stmt(db, teams_sql);
	size_t n = 0, cap = 256;
	*ids = st ? malloc(cap * sizeof(**ids)) : NULL;
	if (!*ids)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			int64_t *more = realloc(*ids, 2 * cap * sizeof(**ids));
			if (!more)
				break;
			*ids = more;
			cap *= 2;
		}
		(*ids)[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? (int64_t)n : -1;
}

static int put(FILE *f, const struct buf *b)
{
	return b->len && fwrite(b->data, 1, b->len, f) != b->len ? -1 : 0;
}

/* One team into the three streams. Return 0, or -1. */
static int pass_team(struct db *db, struct pass *ps, int64_t id, struct buf *json, struct buf *row,
                     struct buf *record)
{
	struct team t;
	struct jw w;
	int found = team_load(db, NULL, id, &t);
	if (found < 0)
		return -1;
	if (found == 0 || !team_listed(&t, DIR_MEMBERS))
		return 0;
	buf_reset(json);
	buf_reset(row);
	buf_reset(record);
	jw_init(&w, json);
	if (team_write_json(db, &t, DIR_MEMBERS, false, &w) < 0)
		return -1;
	json_t *v = json_loadb(json->data, json->len, 0, NULL);
	int rc = v ? snapshot_page_team(ps->pg, v, row, record) : -1;
	json_decref(v);
	if (rc < 0)
		return -1;
	if (ps->teams && fputs(",\n", ps->records_json) < 0)
		return -1;
	crypto_hash_sha256_update(&ps->digest, (const unsigned char *)json->data, json->len);
	crypto_hash_sha256_update(&ps->digest, (const unsigned char *)"\n", 1);
	ps->teams++;
	return put(ps->records_json, json) | put(ps->rows, row) | put(ps->records_html, record);
}

/* Everything but the teams that the content depends on. */
static void digest_start(struct pass *ps, const struct snapshot_params *p, const char *key)
{
	const char *parts[] = {SNAPSHOT_FORMAT, "shisa " SHISA_VERSION, p->instance, p->url, p->tz, key};
	crypto_hash_sha256_init(&ps->digest);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		crypto_hash_sha256_update(&ps->digest, (const unsigned char *)parts[i], strlen(parts[i]) + 1);
}

static int copy_stream(FILE *from, FILE *to)
{
	char chunk[1 << 16];
	size_t n;
	if (fflush(from) != 0 || fseek(from, 0, SEEK_SET) != 0)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), from)) > 0)
		if (fwrite(chunk, 1, n, to) != n)
			return -1;
	return ferror(from) ? -1 : 0;
}

/* A file being written under a temporary name in its final directory. */
struct out_file {
	char final[1024], tmp[1024];
	FILE *f;
};

static int out_open(struct out_file *o, const char *dir, const char *name, int mode)
{
	o->f = NULL;
	if ((size_t)snprintf(o->final, sizeof(o->final), "%s/%s", dir, name) >= sizeof(o->final) ||
	    (size_t)snprintf(o->tmp, sizeof(o->tmp), "%s/.%s.XXXXXX", dir, name) >= sizeof(o->tmp))
		return -1;
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		o->tmp[0] = '\0';
		return -1;
	}
	if (fchmod(fd, (mode_t)mode) < 0 || !(o->f = fdopen(fd, "w+"))) {
		close(fd);
		unlink(o->tmp);
		o->tmp[0] = '\0';
		return -1;
	}
	return 0;
}

/* Sign what O holds, append the signature line and make it durable
 * (still under its temporary name). *BYTES gets the size. Return 0 or -1. */
static int out_sign_and_close(struct out_file *o, enum snapshot_kind kind, const unsigned char *sk, size_t *bytes)
{
	int rc = -1;
	struct buf sig;
	buf_init(&sig, 256);
	long len = fflush(o->f) == 0 ? ftell(o->f) : -1;
	if (len > 0) {
		void *m = mmap(NULL, (size_t)len, PROT_READ, MAP_SHARED, fileno(o->f), 0);
		if (m != MAP_FAILED) {
			rc = snapshot_write_signature(kind, m, (size_t)len, sk, &sig);
			munmap(m, (size_t)len);
		}
	}
	if (rc == 0 && (put(o->f, &sig) < 0 || fflush(o->f) != 0 || fsync(fileno(o->f)) != 0))
		rc = -1;
	if (rc == 0)
		*bytes = (size_t)len + sig.len;
	buf_release(&sig);
	if (fclose(o->f) != 0)
		rc = -1;
	o->f = NULL;
	return rc;
}

/* Put a finished file in place of the old one. */
static int out_rename(struct out_file *o)
{
	if (rename(o->tmp, o->final) < 0)
		return -1;
	o->tmp[0] = '\0';
	return 0;
}

/* Drop a file that was not finished. */
static void out_abandon(struct out_file *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp[0])
		unlink(o->tmp);
	o->tmp[0] = '\0';
}

static int write_html(struct out_file *o, struct pass *ps, const struct snapshot_header *h, const char *tz)
{
	struct buf b;
	buf_init(&b, PIECE_MAX);
	int rc = snapshot_write_header(h, &b) | snapshot_page_head(ps->pg, h, tz, &b);
	rc |= put(o->f, &b) | copy_stream(ps->rows, o->f);
	buf_reset(&b);
	rc |= snapshot_page_middle(ps->pg, &b) | put(o->f, &b) | copy_stream(ps->records_html, o->f);
	buf_reset(&b);
	rc |= snapshot_page_foot(ps->pg, h, &b) | put(o->f, &b);
	buf_release(&b);
	return rc ? -1 : 0;
}

static int write_json(struct out_file *o, struct pass *ps, const struct snapshot_header *h)
{
	struct buf b;
	buf_init(&b, PIECE_MAX);
	int rc = snapshot_write_header(h, &b) | buf_adds(&b, "\"teams\":[\n") | put(o->f, &b);
	rc |= copy_stream(ps->records_json, o->f);
	rc |= fputs(ps->teams ? "\n],\n" : "],\n", o->f) < 0;
	buf_release(&b);
	return rc ? -1 : 0;
}

int snapshot_generate(struct db *db, const struct snapshot_params *p, const unsigned char pk[SNAPKEY_PK_BYTES],
                      const unsigned char sk[SNAPKEY_SK_BYTES], struct snapshot_result *r, char *err,
                      size_t errlen)
{
	struct pass ps = {0};
	struct out_file html = {.tmp = ""}, json = {.tmp = ""};
	struct buf rec_json, row, record;
	int64_t *ids = NULL;
	int rc = -1;
	bool in_txn = false;
	memset(r, 0, sizeof(*r));
	buf_init(&rec_json, RECORD_MAX);
	buf_init(&row, RECORD_MAX);
	buf_init(&record, RECORD_MAX);

	struct snapshot_header *h = &r->header;
	h->kind = SNAPSHOT_JSON;
	h->version = SNAPSHOT_VERSION;
	snprintf(h->instance, sizeof(h->instance), "%s", p->instance);
	snprintf(h->url, sizeof(h->url), "%s", p->url);
	snprintf(h->level, sizeof(h->level), "members");
	snprintf(h->generator, sizeof(h->generator), "shisa %s", SHISA_VERSION);
	snapkey_text(pk, h->public_key);
	clock_iso_utc(p->generated_at ? p->generated_at : clock_now(), h->generated, sizeof(h->generated));

	ps.pg = snapshot_page_new(err, errlen);
	if (!ps.pg)
		goto out;
	ps.records_json = tmpfile();
	ps.rows = tmpfile();
	ps.records_html = tmpfile();
	if (!ps.records_json || !ps.rows || !ps.records_html) {
		snprintf(err, errlen, "cannot make a temporary file: %s", strerror(errno));
		goto out;
	}
	digest_start(&ps, p, h->public_key);

	/* One read transaction: every team as of the same moment, which the
	 * directory's stamp names. */
	r->as_of = clock_now();
	struct dir_version v;
	if (db_exec(db, "BEGIN") < 0) {
		snprintf(err, errlen, "cannot read the database: %s", sqlite3_errmsg(db->h));
		goto out;
	}
	in_txn = true;
	if (dir_version_read(db, &v) < 0) {
		snprintf(err, errlen, "cannot read the directory's change counter: %s", sqlite3_errmsg(db->h));
		goto out;
	}
	r->directory_stamp = v.stamp;
	int64_t n = team_ids(db, &ids);
	if (n < 0) {
		snprintf(err, errlen, "cannot list the teams: %s", sqlite3_errmsg(db->h));
		goto out;
	}
	errno = 0;
	for (int64_t i = 0; i < n; i++) {
		if (p->cancel && atomic_load(p->cancel)) {
			rc = 0;
			goto out;
		}
		if (pass_team(db, &ps, ids[i], &rec_json, &row, &record) < 0) {
			snprintf(err, errlen, "cannot write the record of team %lld: %s", (long long)ids[i],
			         errno ? strerror(errno) : "too large, or the database failed");
			goto out;
		}
		if (p->progress)
			p->progress(p->progress_arg, (int)(i + 1), (int)n);
	}
	db_exec(db, "COMMIT");
	in_txn = false;

	unsigned char sum[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&ps.digest, sum);
	secret_hex(sum, sizeof(sum), h->content_id);
	h->teams = ps.teams;
	if (p->unless_content_id && !strcmp(p->unless_content_id, h->content_id)) {
		rc = 0;
		goto out;
	}

	struct snapshot_header hh = *h;
	hh.kind = SNAPSHOT_HTML;
	if (out_open(&html, p->dir, p->html_name, p->file_mode) < 0 ||
	    out_open(&json, p->dir, p->json_name, p->file_mode) < 0) {
		snprintf(err, errlen, "cannot write in %s: %s", p->dir, strerror(errno));
		goto out;
	}
	if (write_html(&html, &ps, &hh, p->tz) < 0 || write_json(&json, &ps, h) < 0 ||
	    out_sign_and_close(&html, SNAPSHOT_HTML, sk, &r->html_bytes) < 0 ||
	    out_sign_and_close(&json, SNAPSHOT_JSON, sk, &r->json_bytes) < 0 || out_rename(&html) < 0 ||
	    out_rename(&json) < 0) {
		snprintf(err, errlen, "cannot write the snapshot in %s: %s", p->dir, errno ? strerror(errno) : "failed");
		goto out;
	}
	rc = 1;
out:
	if (in_txn)
		db_exec(db, "ROLLBACK");
	out_abandon(&html);
	out_abandon(&json);
	if (ps.records_json)
		fclose(ps.records_json);
	if (ps.rows)
		fclose(ps.rows);
	if (ps.records_html)
		fclose(ps.records_html);
	snapshot_page_free(ps.pg);
	free(ids);
	buf_release(&rec_json);
	buf_release(&row);
	buf_release(&record);
	return rc;
}
