/* The application state machine; see application_state.h. */
#include <string.h>
#include "membership/application_state.h"

static const char *const state_names[APP_STATE__COUNT] = {
	[APP_NONE] = "",
	[APP_DRAFT] = "draft",
	[APP_SUBMITTED] = "submitted",
	[APP_SPONSOR_REVIEW] = "sponsor_review",
	[APP_COMMUNITY_WINDOW] = "community_window",
	[APP_SECRETARIAT_REVIEW] = "secretariat_review",
	[APP_APPROVED] = "approved",
	[APP_REJECTED] = "rejected",
	[APP_WITHDRAWN] = "withdrawn",
};

/* Each event, who causes it, and the states it leaves (a bit per state)
 * for the one state it enters. */
#define FROM(s) (1u << (s))
#define OPEN (FROM(APP_DRAFT) | FROM(APP_SUBMITTED) | FROM(APP_SPONSOR_REVIEW) | FROM(APP_COMMUNITY_WINDOW) | \
              FROM(APP_SECRETARIAT_REVIEW))

static const struct transition {
	const char *name;
	enum app_party by;
	unsigned from;
	enum app_state to;
} transitions[APP_EV__COUNT] = {
	[APP_EV_CREATE]       = {"create", APP_BY_APPLICANT, FROM(APP_NONE), APP_DRAFT},
	[APP_EV_SUBMIT]       = {"submit", APP_BY_APPLICANT, FROM(APP_DRAFT), APP_SUBMITTED},
	[APP_EV_ASK_SPONSORS] = {"ask_sponsors", APP_BY_SYSTEM, FROM(APP_SUBMITTED), APP_SPONSOR_REVIEW},
	[APP_EV_OPEN_WINDOW]  = {"open_window", APP_BY_SYSTEM, FROM(APP_SPONSOR_REVIEW), APP_COMMUNITY_WINDOW},
	[APP_EV_CLOSE_WINDOW] = {"close_window", APP_BY_SYSTEM, FROM(APP_COMMUNITY_WINDOW), APP_SECRETARIAT_REVIEW},
	[APP_EV_APPROVE]      = {"approve", APP_BY_SECRETARIAT, FROM(APP_SECRETARIAT_REVIEW), APP_APPROVED},
	[APP_EV_REJECT]       = {"reject", APP_BY_SECRETARIAT,
	                         FROM(APP_SPONSOR_REVIEW) | FROM(APP_COMMUNITY_WINDOW) | FROM(APP_SECRETARIAT_REVIEW),
	                         APP_REJECTED},
	[APP_EV_SEND_BACK]    = {"send_back", APP_BY_SECRETARIAT, FROM(APP_SECRETARIAT_REVIEW), APP_DRAFT},
	[APP_EV_WITHDRAW]     = {"withdraw", APP_BY_APPLICANT, OPEN, APP_WITHDRAWN},
};

static const char *const party_names[APP_PARTY__COUNT] = {
	[APP_BY_APPLICANT] = "applicant",
	[APP_BY_SPONSOR] = "sponsor",
	[APP_BY_SECRETARIAT] = "secretariat",
	[APP_BY_SYSTEM] = "system",
};

enum app_step_result app_step(enum app_state from, enum app_event ev, enum app_party by, enum app_state *to)
{
	if ((unsigned)ev >= APP_EV__COUNT || (unsigned)from >= APP_STATE__COUNT)
		return APP_STEP_ILLEGAL;
	const struct transition *t = &transitions[ev];
	if (!(t->from & FROM(from)))
		return APP_STEP_ILLEGAL;
	if (t->by != by)
		return APP_STEP_NOT_YOURS;
	*to = t->to;
	return APP_STEP_OK;
}

enum app_party app_event_party(enum app_event ev)
{
	return (unsigned)ev < APP_EV__COUNT ? transitions[ev].by : APP_BY_SYSTEM;
}

bool app_state_open(enum app_state s)
{
	return (unsigned)s < APP_STATE__COUNT && (OPEN & FROM(s)) != 0;
}

const char *app_state_name(enum app_state s)
{
	return (unsigned)s < APP_STATE__COUNT ? state_names[s] : "invalid";
}

int app_state_parse(const char *s, enum app_state *out)
{
	for (int i = APP_DRAFT; i < APP_STATE__COUNT; i++) {
		if (!strcmp(s, state_names[i])) {
			*out = (enum app_state)i;
			return 0;
		}
	}
	return -1;
}

const char *app_event_name(enum app_event ev)
{
	return (unsigned)ev < APP_EV__COUNT ? transitions[ev].name : "invalid";
}

const char *app_party_name(enum app_party p)
{
	return (unsigned)p < APP_PARTY__COUNT ? party_names[p] : "invalid";
}
