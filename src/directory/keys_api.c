/* A team's OpenPGP keys: add one pasted ASCII-armored public key (read
 * with gpgme on the worker pool: it starts gpg), or remove one by
 * fingerprint. The API routes are here; dir_key_add and dir_key_remove do
 * the work for them and for the edit page's forms alike. Expired and
 * soon-expiring keys are flagged in every output ("status"), and invalid
 * keys are refused with a reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/json_writer.h"
#include "directory/changed.h"
#include "directory/directory_http.h"
#include "directory/pgpkey.h"
#include "directory/team.h"
#include "directory/team_store.h"
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
	enum visibility vis;
	dir_key_done_fn done;
};

static void key_job_free(struct key_job *j)
{
	pgpkey_info_release(&j->info);
	free(j->armored);
	free(j);
}

static void key_work(void *arg)
{
	struct key_job *j = arg;
	j->rc = pgpkey_parse(j->armored, j->len, j->now, &j->info, j->err, sizeof(j->err));
}

/* Back on the loop: the team may have changed hands while gpg ran, so
 * whether the actor may edit it is asked again. */
static void key_done(struct ctx *c, void *arg)
{
	struct key_job *j = arg;
	struct team t;
	if (!c || !dir_editable_team(c, &t)) {
		key_job_free(j);
		return;
	}
	struct dir_key_result r = {.err = ERR_OK, .info = &j->info, .vis = j->vis};
	if (j->rc != PGPKEY_OK) {
		ctx_field_error(c, "armored", err_keys[j->rc < PGPKEY_E__COUNT ? j->rc : PGPKEY_E_INTERNAL]);
		r.err = j->rc == PGPKEY_E_INTERNAL ? ERR_INTERNAL : ERR_VALIDATION;
	} else if (db_begin(c->db) < 0) {
		r.err = ERR_INTERNAL;
	} else {
		int rc = team_key_add(c->db, t.id, &j->info, j->vis);
		if (rc == 0) {
			db_rollback(c->db);
			ctx_field_error(c, "armored", "dir.key.duplicate");
			r.err = ERR_CONFLICT;
		} else if (rc < 0 || ctx_audit(c, "team.key_add", "team", t.id, j->info.fpr) < 0 || db_commit(c->db) < 0) {
			db_rollback(c->db);
			r.err = ERR_INTERNAL;
		} else {
			directory_changed(DIR_CHANGED_RECORD);
		}
	}
	j->done(c, &t, &r);
	key_job_free(j);
}

int dir_key_add(struct ctx *c, const char *armored, enum visibility vis, dir_key_done_fn done)
{
	struct key_job *j = calloc(1, sizeof(*j));
	if (!j || !(j->armored = strdup(armored))) {
		free(j);
		return -1;
	}
	j->len = strlen(armored);
	j->now = clock_now();
	j->vis = vis;
	j->done = done;
	if (worker_submit(c, key_work, key_done, j) < 0) {
		key_job_free(j);
		return -1;
	}
	return 0;
}

enum err dir_key_remove(struct ctx *c, const struct team *t, const char *fpr)
{
	if (db_begin(c->db) < 0)
		return ERR_INTERNAL;
	int rc = team_key_remove(c->db, t->id, fpr);
	if (rc == 0) {
		db_rollback(c->db);
		return ERR_NOT_FOUND;
	}
	if (rc < 0 || ctx_audit(c, "team.key_remove", "team", t->id, fpr) < 0 || db_commit(c->db) < 0) {
		db_rollback(c->db);
		return ERR_INTERNAL;
	}
	directory_changed(DIR_CHANGED_RECORD);
	return ERR_OK;
}

/* ---- the API ---- */

static void key_added(struct ctx *c, const struct team *t, const struct dir_key_result *r)
{
	(void)t;
	if (r->err != ERR_OK) {
		http_error(c, r->err, NULL);
		return;
	}
	struct buf b;
	struct jw w;
	buf_init(&b, 1 << 20);
	jw_init(&w, &b);
	jw_obj_begin(&w);
	jw_kstr(&w, "fingerprint", r->info->fpr);
	jw_kstr(&w, "algo", r->info->algo);
	jw_kint(&w, "created", r->info->created);
	jw_kint(&w, "expires", r->info->expires);
	jw_kstr(&w, "status", pgpkey_status_name(r->info->status));
	jw_kbool(&w, "can_encrypt", r->info->can_encrypt);
	jw_kstr(&w, "visibility", visibility_name(r->vis));
	jw_obj_end(&w);
	http_json(c, 201, &b);
	buf_release(&b);
}

static void key_add(struct ctx *c)
{
	static const char *const allowed[] = {"armored", "visibility", NULL};
	struct team t;
	if (!dir_editable_team(c, &t) || !input_json(c, allowed))
		return;
	const char *armored = input_secret(c, "armored", true);
	const char *v = input_text(c, "visibility", false, 20, false);
	enum visibility vis = VIS_PUBLIC;
	if (v && visibility_parse(v, &vis) < 0)
		ctx_field_error(c, "visibility", "field.bad_choice");
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return;
	}
	if (dir_key_add(c, armored, vis, key_added) < 0)
		http_error(c, ERR_UNAVAILABLE, NULL);
}

static void key_remove(struct ctx *c)
{
	struct team t;
	if (!dir_editable_team(c, &t))
		return;
	enum err e = dir_key_remove(c, &t, ctx_param(c, "fingerprint"));
	if (e != ERR_OK)
		http_error(c, e, NULL);
	else
		http_send(c, 204, "application/json; charset=utf-8", "", 0);
}

const struct route key_routes[] = {
	{"POST", "/api/v1/teams/{slug}/keys", ACT_DIRECTORY_WRITE, key_add, ROUTE_API},
	{"DELETE", "/api/v1/teams/{slug}/keys/{fingerprint}", ACT_DIRECTORY_WRITE, key_remove, ROUTE_API},
	{0},
};
