/* Errors are values: one enum, one table mapping each to its API code,
 * HTTP status and translated message key. Every layer returns these; only
 * src/http maps them to responses. */
#ifndef SHISA_ERR_H
#define SHISA_ERR_H

enum err {
	ERR_OK = 0,
	ERR_BAD_REQUEST,        /* malformed request in general */
	ERR_INVALID_JSON,       /* body is not JSON, or not valid UTF-8 */
	ERR_VALIDATION,         /* well-formed but fields are wrong: see fields */
	ERR_UNAUTHENTICATED,    /* sign in first */
	ERR_FORBIDDEN,          /* signed in, but not allowed */
	ERR_CSRF,               /* missing or wrong CSRF token */
	ERR_NOT_FOUND,
	ERR_METHOD_NOT_ALLOWED,
	ERR_CONFLICT,           /* would duplicate or contradict existing data */
	ERR_TOO_LARGE,          /* body or header over the limit */
	ERR_UNSUPPORTED_MEDIA,  /* wrong Content-Type */
	ERR_RATE_LIMITED,       /* too many attempts; try later */
	ERR_LOCKED,             /* account temporarily locked */
	ERR_MFA_REQUIRED,       /* password ok, second factor needed */
	ERR_INTERNAL,
	ERR_UNAVAILABLE,        /* shutting down, or the database is busy */
	ERR__COUNT
};

struct err_info {
	const char *code;       /* stable API code, e.g. "validation_failed" */
	int status;             /* HTTP status */
	const char *msg_key;    /* i18n key of the human message */
};

const struct err_info *err_info(enum err e);

#endif
