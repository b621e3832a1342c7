/* Applications in the database: loading and saving one row, its history,
 * and moving it from state to state. Every move goes through app_move,
 * which asks the state machine (application_state.h), then writes the row,
 * the history row and the audit row in the caller's transaction. */
#ifndef SHISA_APPLICATION_STORE_H
#define SHISA_APPLICATION_STORE_H
#include <jansson.h>
#include <stdint.h>
#include "accounts/accounts.h"
#include "directory/team.h"
#include "membership/application_call.h"
#include "membership/application_state.h"
#include "membership/membership_rules.h"

#define APP_REASON_MAX 4000        /* characters of a reason or statement */

struct application {
	int64_t id;
	int64_t org_id;
	enum app_state state;
	char org_name[ORG_NAME_MAX + 1];
	char org_name_ja[ORG_NAME_MAX + 1];
	char org_group[ORG_NAME_MAX + 1];
	char contact_name[USER_NAME_MAX + 1];
	char contact_email[EMAIL_MAX + 1];
	char lang[3];
	char team_slug[TEAM_SLUG_MAX + 1];
	json_t *draft;                 /* the directory record as PATCH /api/v1/teams/{slug} takes it; owned */
	char rules_version[RULES_VERSION_LEN + 1];
	int64_t rules_accepted_at;     /* 0: not accepted */
	int sponsors_required;
	int64_t window_ends_at;        /* 0: no window yet */
	char *decision_reason;         /* owned; "" when none */
	int64_t team_id;               /* the team record made on approval, 0 before */
	int64_t created_at, updated_at, submitted_at, decided_at;   /* 0: not yet */
};

/* Load application ID into A (release it with application_release, also
 * after 0 or -1). 1 found, 0 not, -1 error. */
int application_load(struct db *db, int64_t id, struct application *a);
void application_release(struct application *a);
/* Insert A (state draft, times from NOW) and set a->id. Return 0 or -1. */
int application_insert(struct db *db, struct application *a, int64_t now);
/* Write every field of A back, updated_at = NOW. Return 0 or -1. */
int application_save(struct db *db, struct application *a, int64_t now);

/* Whether BY may move A by EV now: ERR_OK, or the refusal app_move
 * would give. Writes nothing. */
enum err app_can_move(struct app_call *c, const struct application *a, enum app_event ev, enum app_party by);
/* Move A by EV, caused by BY: refused with the reason (409 naming the
 * state and the event, or 403 when another party causes it) unless the
 * state machine allows it; else set a->state (and the times that go with
 * the new state), save A, and write the history row (NOTE: a reason, or
 * "") and the audit row "application.EVENT". Return ERR_OK or the error. */
enum err app_move(struct app_call *c, struct application *a, enum app_event ev, enum app_party by, const char *note);

/* One row of an application's history, as application_history_list
 * hands it out (the strings live until EACH returns). */
struct app_history_row {
	int64_t id;
	const char *from_state, *to_state, *event, *note;
	int64_t actor_user_id;         /* 0: the system */
	const char *actor_name;        /* "" for the system */
	int64_t at;
};
/* The history of application ID, oldest first. Return the number of rows or -1. */
int application_history_list(struct db *db, int64_t id, void (*each)(const struct app_history_row *r, void *arg),
                             void *arg);

#endif
