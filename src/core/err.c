/* The one table of error codes; see err.h. */
#include "core/err.h"

static const struct err_info table[ERR__COUNT] = {
	[ERR_OK]                 = {"ok", 200, "err.ok"},
	[ERR_BAD_REQUEST]        = {"bad_request", 400, "err.bad_request"},
	[ERR_INVALID_JSON]       = {"invalid_json", 400, "err.invalid_json"},
	[ERR_VALIDATION]         = {"validation_failed", 422, "err.validation"},
	[ERR_UNAUTHENTICATED]    = {"unauthenticated", 401, "err.unauthenticated"},
	[ERR_FORBIDDEN]          = {"forbidden", 403, "err.forbidden"},
	[ERR_CSRF]               = {"csrf_failed", 403, "err.csrf"},
	[ERR_NOT_FOUND]          = {"not_found", 404, "err.not_found"},
	[ERR_METHOD_NOT_ALLOWED] = {"method_not_allowed", 405, "err.method"},
	[ERR_CONFLICT]           = {"conflict", 409, "err.conflict"},
	[ERR_TOO_LARGE]          = {"too_large", 413, "err.too_large"},
	[ERR_UNSUPPORTED_MEDIA]  = {"unsupported_media_type", 415, "err.media"},
	[ERR_RATE_LIMITED]       = {"rate_limited", 429, "err.rate_limited"},
	[ERR_LOCKED]             = {"account_locked", 429, "err.locked"},
	[ERR_MFA_REQUIRED]       = {"mfa_required", 401, "err.mfa_required"},
	[ERR_INTERNAL]           = {"internal", 500, "err.internal"},
	[ERR_UNAVAILABLE]        = {"unavailable", 503, "err.unavailable"},
};

const struct err_info *err_info(enum err e)
{
	if ((unsigned)e >= ERR__COUNT)
		e = ERR_INTERNAL;
	return &table[e];
}
