/* Browser sessions and API tokens: who a cookie or a Bearer token stands
 * for. Tokens are random 256-bit values; only their SHA-256 is stored.
 * Sessions expire after a period of inactivity and at an absolute limit. */
#ifndef SHISA_SESSION_H
#define SHISA_SESSION_H
#include <stdbool.h>
#include <stdint.h>
#include "core/secret.h"
#include "db/db.h"

/* The signed-in user behind a session or token. */
struct principal {
	int64_t user_id;
	int64_t org_id;
	int64_t session_id;        /* 0 for API tokens */
	int64_t token_id;          /* 0 for sessions */
	bool mfa_pending;          /* password ok, second factor still to give */
	bool token_can_write;
	bool mfa_enabled;          /* the user has a second factor */
	char csrf[SECRET_TOKEN_LEN + 1];
	char role[16];             /* member | team_admin */
	char org_kind[16];         /* member | observer | applicant | secretariat */
	char org_status[16];       /* active | suspended | withdrawn */
	char name[128];
	char lang[3];
	char tz[64];
};

/* Start a session for USER_ID. TOKEN receives the cookie value (shown
 * once, never stored). Return the session id (> 0) or -1. */
int64_t session_create(struct db *db, int64_t user_id, bool mfa_pending, int64_t now, int absolute_s,
                       const char *client_addr, const char *user_agent, char token[SECRET_TOKEN_LEN + 1]);
/* What the lookups return when the session or token is sound but its
 * user's organisation is suspended or withdrawn (P->org_status says
 * which): the caller refuses it, and may say why. */
#define SESSION_ORG_INACTIVE 2

/* Look up the session for cookie TOKEN. Return 1 (filled P),
 * SESSION_ORG_INACTIVE, 0 (unknown, expired, idle too long, or user
 * disabled) or -1 on error. Refreshes the last-seen time at most once a
 * minute (not for a refused session). */
int session_lookup(struct db *db, const char *token, int64_t now, int idle_s, struct principal *p);
/* The second factor was given for session ID. */
int session_mfa_done(struct db *db, int64_t id);
/* End one session, or every session of USER_ID (optionally keeping KEEP_ID). */
int session_delete(struct db *db, int64_t id);
int session_delete_user(struct db *db, int64_t user_id, int64_t keep_id);

/* Look up Bearer TOKEN. Return 1 (filled P), SESSION_ORG_INACTIVE, 0
 * (unknown, revoked, expired, user disabled) or -1. Records the last-used
 * time at most once a minute (not for a refused token). */
int apitoken_lookup(struct db *db, const char *token, int64_t now, struct principal *p);

#endif
