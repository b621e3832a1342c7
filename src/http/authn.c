/* Establishing the actor of a request; see authn.h. */
#include <string.h>
#include "accounts/accounts.h"
#include "auth/session.h"
#include "core/clock.h"
#include "http/authn.h"
#include "http/respond.h"
#include "http/router.h"

static void anonymous(struct ctx *c)
{
	memset(&c->actor, 0, sizeof(c->actor));
	c->actor.role = ROLE_ANONYMOUS;
	/* Pre-session CSRF: a random cookie that forms must echo (double submit). */
	const char *cookie = form_get(&c->cookies, COOKIE_CSRF);
	if (cookie && strlen(cookie) == SECRET_TOKEN_LEN) {
		snprintf(c->csrf, sizeof(c->csrf), "%s", cookie);
	} else if (!c->is_api) {
		secret_token(c->csrf);
		c->set_csrf_cookie = true;
	}
}

static void use_principal(struct ctx *c, const struct principal *p, const char **user_lang)
{
	c->actor.user_id = p->user_id;
	c->actor.org_id = p->org_id;
	c->actor.role = policy_role_for(p->org_kind, p->role);
	c->actor.via_token = p->token_id != 0;
	c->actor.token_can_write = p->token_can_write;
	c->session_id = p->session_id;
	snprintf(c->csrf, sizeof(c->csrf), "%s", p->csrf);
	snprintf(c->user_name, sizeof(c->user_name), "%s", p->name);
	snprintf(c->user_tz, sizeof(c->user_tz), "%s", p->tz);
	*user_lang = ctx_strndup(c, p->lang, strlen(p->lang));
}

/* Why a user of a suspended or withdrawn organisation is refused. */
static const char *org_refusal(const struct principal *p)
{
	return strcmp(p->org_status, "withdrawn") == 0 ? "signin.org_withdrawn" : "signin.org_suspended";
}

enum err authn_resolve(struct ctx *c, const char **user_lang, const char **why)
{
	struct principal p;
	int64_t now = clock_now();
	*user_lang = NULL;
	*why = NULL;
	snprintf(c->user_tz, sizeof(c->user_tz), "%s", c->cfg->default_tz);

	h2o_iovec_t auth = ctx_header(c, "authorization");
	if (auth.base && c->route && (c->route->flags & ROUTE_API)) {
		if (auth.len < 8 || strncasecmp(auth.base, "Bearer ", 7) != 0 || auth.len > 7 + 200)
			return ERR_UNAUTHENTICATED;
		char *tok = ctx_strndup(c, auth.base + 7, auth.len - 7);
		int rc = apitoken_lookup(c->db, tok, now, &p);
		if (rc < 0)
			return ERR_INTERNAL;
		if (rc == 0)
			return ERR_UNAUTHENTICATED;
		if (rc == SESSION_ORG_INACTIVE) {
			/* The token is genuine: its holder may learn why it stopped working. */
			*user_lang = ctx_strndup(c, p.lang, strlen(p.lang));
			*why = org_refusal(&p);
			return ERR_FORBIDDEN;
		}
		use_principal(c, &p, user_lang);
		return ERR_OK;
	}

	const char *sess = form_get(&c->cookies, COOKIE_SESSION);
	if (sess && strlen(sess) == SECRET_TOKEN_LEN) {
		int rc = session_lookup(c->db, sess, now, c->cfg->session_idle_s, &p);
		if (rc < 0)
			return ERR_INTERNAL;
		if (rc == 1 && !p.mfa_pending) {
			use_principal(c, &p, user_lang);
			c->mfa_enrol_required = !p.mfa_enabled && setting_require_mfa(c->db);
			return ERR_OK;
		}
		if (rc == 1) {
			/* Half signed in: anonymous to the policy, but the MFA step
			 * finds its session through session_id. */
			anonymous(c);
			c->session_id = p.session_id;
			c->actor.user_id = 0;
			c->mfa_pending = true;
			snprintf(c->csrf, sizeof(c->csrf), "%s", p.csrf);
			c->set_csrf_cookie = false;
			return ERR_OK;
		}
		/* Unknown, expired, or of a suspended or withdrawn organisation
		 * (SESSION_ORG_INACTIVE; signing in again says why): it ends. */
		http_cookie(c, COOKIE_SESSION, "", -1);
	}
	anonymous(c);
	return ERR_OK;
}

bool authn_mfa_pending(const struct ctx *c)
{
	return c->mfa_pending;
}
