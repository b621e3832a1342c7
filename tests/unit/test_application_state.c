/* The application state machine, walked exhaustively: every state × every
 * event × every party against the table written out below by hand (the
 * same as docs/membership.md draws). A cell is the state the event leads
 * to, or "-" where the event is refused in that state; the party row says
 * who alone may cause each event. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "membership/application_state.h"

static const char *const events[APP_EV__COUNT] = {
	"create", "submit", "ask_sponsors", "open_window", "close_window", "approve", "reject", "send_back", "withdraw",
};

static const char *const parties[APP_EV__COUNT] = {
	"applicant", "applicant", "system", "system", "system", "secretariat", "secretariat", "secretariat", "applicant",
};

/* from state: create, submit, ask_sponsors, open_window, close_window, approve, reject, send_back, withdraw */
static const struct {
	const char *from;
	const char *to[APP_EV__COUNT];
} expected[APP_STATE__COUNT] = {
	{"", {"draft", "-", "-", "-", "-", "-", "-", "-", "-"}},
	{"draft", {"-", "submitted", "-", "-", "-", "-", "-", "-", "withdrawn"}},
	{"submitted", {"-", "-", "sponsor_review", "-", "-", "-", "-", "-", "withdrawn"}},
	{"sponsor_review", {"-", "-", "-", "community_window", "-", "-", "rejected", "-", "withdrawn"}},
	{"community_window", {"-", "-", "-", "-", "secretariat_review", "-", "rejected", "-", "withdrawn"}},
	{"secretariat_review", {"-", "-", "-", "-", "-", "approved", "rejected", "draft", "withdrawn"}},
	{"approved", {"-", "-", "-", "-", "-", "-", "-", "-", "-"}},
	{"rejected", {"-", "-", "-", "-", "-", "-", "-", "-", "-"}},
	{"withdrawn", {"-", "-", "-", "-", "-", "-", "-", "-", "-"}},
};

static void names_round_trip(void **state)
{
	for (int s = APP_DRAFT; s < APP_STATE__COUNT; s++) {
		enum app_state back;
		assert_int_equal(app_state_parse(app_state_name((enum app_state)s), &back), 0);
		assert_int_equal(back, s);
	}
	enum app_state x;
	assert_int_equal(app_state_parse("", &x), -1);
	assert_int_equal(app_state_parse("Draft", &x), -1);
	assert_int_equal(app_state_parse("sponsor review", &x), -1);
	for (int e = 0; e < APP_EV__COUNT; e++)
		assert_string_equal(app_event_name((enum app_event)e), events[e]);
}

static void every_state_and_event_by_every_party(void **state)
{
	int legal = 0;
	for (int s = 0; s < APP_STATE__COUNT; s++) {
		assert_string_equal(app_state_name((enum app_state)s), expected[s].from);
		for (int e = 0; e < APP_EV__COUNT; e++) {
			const char *want = expected[s].to[e];
			for (int p = 0; p < APP_PARTY__COUNT; p++) {
				enum app_state to = APP_NONE;
				enum app_step_result r = app_step((enum app_state)s, (enum app_event)e, (enum app_party)p, &to);
				bool rightful = !strcmp(app_party_name((enum app_party)p), parties[e]);
				char where[128];
				snprintf(where, sizeof(where), "%s in \"%s\" by %s", events[e], expected[s].from,
				         app_party_name((enum app_party)p));
				if (!strcmp(want, "-")) {
					if (r != APP_STEP_ILLEGAL)
						fail_msg("%s: want refused as illegal, got %d", where, r);
				} else if (!rightful) {
					if (r != APP_STEP_NOT_YOURS)
						fail_msg("%s: want refused as not this party's, got %d", where, r);
				} else {
					if (r != APP_STEP_OK)
						fail_msg("%s: want allowed, got %d", where, r);
					if (strcmp(app_state_name(to), want) != 0)
						fail_msg("%s: want %s, got %s", where, want, app_state_name(to));
					legal++;
				}
			}
		}
	}
	assert_int_equal(legal, 15);   /* the filled cells of the table */
}

static void sponsors_cause_no_event(void **state)
{
	for (int e = 0; e < APP_EV__COUNT; e++)
		assert_int_not_equal(app_event_party((enum app_event)e), APP_BY_SPONSOR);
}

static void open_states_are_those_before_a_decision(void **state)
{
	const bool open[APP_STATE__COUNT] = {false, true, true, true, true, true, false, false, false};
	for (int s = 0; s < APP_STATE__COUNT; s++)
		assert_int_equal(app_state_open((enum app_state)s), open[s]);
}

static void out_of_range_is_illegal(void **state)
{
	enum app_state to;
	assert_int_equal(app_step(APP_STATE__COUNT, APP_EV_SUBMIT, APP_BY_APPLICANT, &to), APP_STEP_ILLEGAL);
	assert_int_equal(app_step(APP_DRAFT, APP_EV__COUNT, APP_BY_APPLICANT, &to), APP_STEP_ILLEGAL);
	assert_int_equal(app_step(APP_DRAFT, (enum app_event)-1, APP_BY_APPLICANT, &to), APP_STEP_ILLEGAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test(every_state_and_event_by_every_party),
		cmocka_unit_test(sponsors_cause_no_event),
		cmocka_unit_test(open_states_are_those_before_a_decision),
		cmocka_unit_test(out_of_range_is_illegal),
	};
	return cmocka_run_group_tests_name("application_state", tests, NULL, NULL);
}
