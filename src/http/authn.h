/* Who is asking: a Bearer token (API routes only), else the session
 * cookie, else anonymous. Fills ctx->actor, the CSRF token forms must
 * echo, and the user's language and time zone. */
#ifndef SHISA_AUTHN_H
#define SHISA_AUTHN_H
#include "core/err.h"
#include "http/ctx.h"

#define COOKIE_SESSION "shisa_session"
#define COOKIE_CSRF "shisa_csrf"
#define COOKIE_LANG "shisa_lang"

/* Return ERR_OK (possibly anonymous), ERR_UNAUTHENTICATED for a bad Bearer
 * token, ERR_FORBIDDEN for the token of a user whose organisation is
 * suspended or withdrawn (*WHY then names the i18n key that says so), or
 * ERR_INTERNAL. *USER_LANG receives the user's language setting. */
enum err authn_resolve(struct ctx *c, const char **user_lang, const char **why);
/* True when C's session has passed the password but not yet the second factor. */
bool authn_mfa_pending(const struct ctx *c);

#endif
