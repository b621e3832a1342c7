/* The life of a membership application as a state machine, pure (no SQL,
 * no HTTP): the states, the events that move an application between them,
 * and who may cause each event. One table in application_state.c is the
 * whole truth (docs/membership.md draws it); every service asks
 * app_step() before it writes, so a transition the table does not allow
 * is refused the same way whichever door it came in by. */
#ifndef SHISA_APPLICATION_STATE_H
#define SHISA_APPLICATION_STATE_H
#include <stdbool.h>

enum app_state {
	APP_NONE,                /* before the application exists: only "create" leaves it */
	APP_DRAFT,
	APP_SUBMITTED,
	APP_SPONSOR_REVIEW,
	APP_COMMUNITY_WINDOW,
	APP_SECRETARIAT_REVIEW,
	APP_APPROVED,
	APP_REJECTED,
	APP_WITHDRAWN,
	APP_STATE__COUNT
};

enum app_event {
	APP_EV_CREATE,           /* the contact verified the address: a draft exists */
	APP_EV_SUBMIT,
	APP_EV_ASK_SPONSORS,     /* right after submit */
	APP_EV_OPEN_WINDOW,      /* when every sponsor has supported */
	APP_EV_CLOSE_WINDOW,     /* when window_ends_at has passed */
	APP_EV_APPROVE,
	APP_EV_REJECT,
	APP_EV_SEND_BACK,
	APP_EV_WITHDRAW,
	APP_EV__COUNT
};

/* Who causes an event. Sponsors cause none directly: their answers are
 * recorded, and the system opens the window once all of them support. */
enum app_party {
	APP_BY_APPLICANT,
	APP_BY_SPONSOR,
	APP_BY_SECRETARIAT,
	APP_BY_SYSTEM,
	APP_PARTY__COUNT
};

enum app_step_result {
	APP_STEP_OK = 0,
	APP_STEP_ILLEGAL,        /* no such transition from this state */
	APP_STEP_NOT_YOURS,      /* the transition exists, but another party causes it */
};

/* May BY cause EV to an application in FROM? On APP_STEP_OK *TO is the
 * state it moves to. */
enum app_step_result app_step(enum app_state from, enum app_event ev, enum app_party by, enum app_state *to);
/* The party that causes EV. */
enum app_party app_event_party(enum app_event ev);
/* Whether an application in S is still open: neither decided nor
 * withdrawn (APP_NONE is not open). */
bool app_state_open(enum app_state s);

/* Stable names ("sponsor_review", "send_back", "secretariat"), as stored
 * and as the API shows them; APP_NONE is "". Parse returns 0 or -1. */
const char *app_state_name(enum app_state s);
int app_state_parse(const char *s, enum app_state *out);
const char *app_event_name(enum app_event ev);
const char *app_party_name(enum app_party p);

#endif
