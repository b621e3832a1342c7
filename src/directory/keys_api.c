/* A team's OpenPGP keys over the JSON API: add one pasted ASCII-armored
 * public key (read with gpgme on the worker pool: it starts gpg), or
 * remove one by fingerprint. Expired and soon-expiring keys are flagged in
 * every output ("status"), and invalid keys are refused with a reason. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/json_writer.h"
#include "directory/changed.h"
#include "directory/directory_http.h"
#include "directory/pgpkey.h"
#include "directory/team.h"
#include "http/input.h"
#include "http/respond.h"
#include "http/worker.h"

static const char *const err_keys[PGPKEY_E__COUNT] = {
	[PGPKEY_OK] = "dir.key.ok",
	[PGPKEY_E_EMPTY] = "field.required",
	[PGPKEY_E_TOO_LARGE] = "dir.key.too_large",
	[PGPKEY_E_NOT_ARMORED] = "dir.key.not_armored",
	[PGPKEY_E_TRUNCATED] = "dir.key.truncated",
	[PGPKEY_E_PRIVATE] = "dir.key.private",
	[PGPKEY_E_MULTIPLE] = "dir.key.multiple",
	[PGPKEY_E_UNREADABLE] = "dir.key.unreadable",
	[PGPKEY_E_REVOKED] = "dir.key.revoked",
	[PGPKEY_E_NO_USER_ID] = "dir.key.no_user_id",
	[PGPKEY_E_INTERNAL] = "dir.key.internal",
};

struct key_job {
	char *armored;
	size_t len;
	int64_t now;
	int rc;
	struct pgpkey_info info;
	char err[256];
};

static void key_job_free(struct key_job *j)
{
	if (j->rc == PGPKEY_OK)
		pgpkey_info_release(&j->info);
	free(j->armored);
	free(j);
}

static void key_work(void *arg)
{
	struct key_job *j = arg;
	j->rc = pgpkey_parse(j->armored, j->len, j->now, &j->info, j->err, sizeof(j->err));
}

static char *uids_json(const struct pgpkey_info *info)
{
	json_t *a = json_array();
	for (size_t i = 0; i < info->n_uids; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "name", info->uids[i].name, "email",
		                                   info->uids[i].email, "comment", info->uids[i].comment));
	char *s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

static void key_done(struct ctx *c, void *arg)
{
	static const char ins[] =
		"INSERT INTO team_keys (team_id, fingerprint, algo, created, expires, uids, armored, visibility)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	struct key_job *j = arg;
	if (!c) {
		key_job_free(j);
		return;
	}
	struct team t;
	if (!dir_editable_team(c, &t)) {
		key_job_free(j);
		return;
	}
	if (j->rc != PGPKEY_OK) {
		ctx_field_error(c, "armored", err_keys[j->rc < PGPKEY_E__COUNT ? j->rc : PGPKEY_E_INTERNAL]);
		http_error(c, j->rc == PGPKEY_E_INTERNAL ? ERR_INTERNAL : ERR_VALIDATION, NULL);
		key_job_free(j);
		return;
	}
	enum visibility vis = VIS_PUBLIC;
	const char *v = input_text(c, "visibility", false, 20, false);
	if (v && visibility_parse(v, &vis) < 0) {
		ctx_field_error(c, "visibility", "field.bad_choice");
		http_error(c, ERR_VALIDATION, NULL);
		key_job_free(j);
		return;
	}
	char algo[48], *uids = uids_json(&j->info);
	snprintf(algo, sizeof(algo), "%s", j->info.algo);
	int rc = db_begin(c->db);
	sqlite3_stmt *st = rc == 0 ? db_stmt(c->db, ins) : NULL;
	if (st) {
		sqlite3_bind_int64(st, 1, t.id);
		sqlite3_bind_text(st, 2, j->info.fpr, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, algo, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, j->info.created);
		sqlite3_bind_int64(st, 5, j->info.expires);
		sqlite3_bind_text(st, 6, uids ? uids : "[]", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, j->info.armored, (int)j->info.armored_len, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, visibility_name(vis), -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
	}
	free(uids);
	if (st && rc == SQLITE_CONSTRAINT_UNIQUE) {
		db_rollback(c->db);
		ctx_field_error(c, "armored", "dir.key.duplicate");
		http_error(c, ERR_CONFLICT, NULL);
	} else if (!st || rc != SQLITE_DONE || ctx_audit(c, "team.key_add", "team", t.id, j->info.fpr) < 0 ||
	           db_commit(c->db) < 0) {
		db_rollback(c->db);
		http_error(c, ERR_INTERNAL, NULL);
	} else {
		directory_changed(DIR_CHANGED_RECORD);
		struct buf b;
		struct jw w;
		buf_init(&b, 1 << 20);
		jw_init(&w, &b);
		jw_obj_begin(&w);
		jw_kstr(&w, "fingerprint", j->info.fpr);
		jw_kstr(&w, "algo", algo);
		jw_kint(&w, "created", j->info.created);
		jw_kint(&w, "expires", j->info.expires);
		jw_kstr(&w, "status", pgpkey_status_name(j->info.status));
		jw_kbool(&w, "can_encrypt", j->info.can_encrypt);
		jw_kstr(&w, "visibility", visibility_name(vis));
		jw_obj_end(&w);
		http_json(c, 201, &b);
		buf_release(&b);
	}
	key_job_free(j);
}

static void key_add(struct ctx *c)
{
	static const char *const allowed[] = {"armored", "visibility", NULL};
	struct team t;
	if (!dir_editable_team(c, &t) || !input_json(c, allowed))
		return;
	const char *armored = input_secret(c, "armored", true);
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	struct key_job *j = calloc(1, sizeof(*j));
	j->len = strlen(armored);
	j->armored = strdup(armored);
	j->now = clock_now();
	if (worker_submit(c, key_work, key_done, j) < 0) {
		key_job_free(j);
		http_error(c, ERR_UNAVAILABLE, NULL);
	}
}

static void key_remove(struct ctx *c)
{
	static const char del[] = "DELETE FROM team_keys WHERE team_id = ? AND fingerprint = ? RETURNING id";
	struct team t;
	if (!dir_editable_team(c, &t))
		return;
	const char *fpr = ctx_param(c, "fingerprint");
	if (db_begin(c->db) < 0) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	sqlite3_stmt *st = db_stmt(c->db, del);
	int rc = SQLITE_ERROR;
	if (st) {
		sqlite3_bind_int64(st, 1, t.id);
		sqlite3_bind_text(st, 2, fpr, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
	}
	if (rc == SQLITE_DONE) {
		db_rollback(c->db);
		http_error(c, ERR_NOT_FOUND, NULL);
	} else if (rc != SQLITE_ROW || ctx_audit(c, "team.key_remove", "team", t.id, fpr) < 0 || db_commit(c->db) < 0) {
		db_rollback(c->db);
		http_error(c, ERR_INTERNAL, NULL);
	} else {
		directory_changed(DIR_CHANGED_RECORD);
		http_send(c, 204, "application/json; charset=utf-8", "", 0);
	}
}

const struct route key_routes[] = {
	{"POST", "/api/v1/teams/{slug}/keys", ACT_DIRECTORY_WRITE, key_add, ROUTE_API},
	{"DELETE", "/api/v1/teams/{slug}/keys/{fingerprint}", ACT_DIRECTORY_WRITE, key_remove, ROUTE_API},
	{0},
};
