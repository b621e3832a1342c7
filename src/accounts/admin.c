/* Shared administration rules; see admin.h. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include "accounts/admin.h"
#include "auth/reset.h"
#include "auth/session.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "mail/outbox.h"

/* Active secretariat users other than user EXCEPT_USER and outside
 * organisation EXCEPT_ORG (0: none excepted); -1 on error. */
static int64_t secretariat_active(struct db *db, int64_t except_org, int64_t except_user)
{
	static const char sql[] =
		"SELECT count(*) FROM users u JOIN orgs o ON o.id = u.org_id"
		" WHERE o.kind = 'secretariat' AND u.disabled = 0 AND u.org_id != ? AND u.id != ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, except_org);
	sqlite3_bind_int64(st, 2, except_user);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return n;
}

enum acct_result admin_user_disable(struct db *db, const struct user *u)
{
	if (!u->disabled && strcmp(u->org_kind, "secretariat") == 0) {
		int64_t others = secretariat_active(db, 0, u->id);
		if (others < 0)
			return ACCT_ERROR;
		if (others == 0)
			return ACCT_REFUSED;
	}
	enum acct_result r = user_set_disabled(db, u->id, true);
	if (r != ACCT_OK)
		return r;
	return session_delete_user(db, u->id, 0) < 0 ? ACCT_ERROR : ACCT_OK;
}

enum acct_result admin_org_set_kind(struct db *db, const struct org *o, const char *kind)
{
	if (strcmp(o->kind, "secretariat") == 0 && strcmp(kind, "secretariat") != 0) {
		int64_t others = secretariat_active(db, o->id, 0);
		if (others < 0)
			return ACCT_ERROR;
		if (others == 0)
			return ACCT_REFUSED;
	}
	return org_set_kind(db, o->id, kind);
}

int admin_password_link(struct db *db, const char *base_url, int64_t user_id, int64_t now, char *link, size_t n)
{
	char token[SECRET_TOKEN_LEN + 1];
	if (reset_create(db, user_id, now, token) < 0)
		return -1;
	size_t blen = strlen(base_url);
	while (blen && base_url[blen - 1] == '/')
		blen--;
	int k = snprintf(link, n, "%.*s/reset/confirm?token=%s", (int)blen, base_url, token);
	sodium_memzero(token, sizeof(token));
	return k < 0 || (size_t)k >= n ? -1 : 0;
}

int admin_welcome_queue(struct db *db, const struct config *cfg, const struct user *u, int64_t now)
{
	char link[ADMIN_LINK_MAX], minutes[16];
	if (admin_password_link(db, cfg->base_url, u->id, now, link, sizeof(link)) < 0)
		return -1;
	enum lang lang = strcmp(u->lang, "en") == 0 ? LANG_EN : LANG_JA;
	snprintf(minutes, sizeof(minutes), "%d", RESET_TTL_S / 60);
	const char *vars[] = {"name", u->name, "email", u->email, "org", u->org_name, "link", link,
	                      "minutes", minutes, "instance", cfg->instance_name, "url", cfg->base_url, NULL};
	struct buf body;
	buf_init(&body, 1 << 16);
	int rc = i18n_fill(&body, i18n_get(lang, "mail.welcome.body"), vars);
	if (rc == 0 && mail_queue(db, u->email, u->name, lang_code(lang), i18n_get(lang, "mail.welcome.subject"),
	                          body.data ? body.data : "") < 0)
		rc = -1;
	sodium_memzero(link, sizeof(link));
	if (body.data)
		sodium_memzero(body.data, body.len);
	buf_release(&body);
	return rc;
}
