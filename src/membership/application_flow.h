/* An application after its draft: submitting it (and asking the
 * sponsors at once), the sponsors' answers (the window opens when all of
 * them support), the community's opinions during the window, the window's
 * end, and the secretariat's decision. Each service is one transaction
 * that moves the application through app_move (history and audit rows
 * included) and queues the mail of the step; a refused request writes
 * nothing. */
#ifndef SHISA_APPLICATION_FLOW_H
#define SHISA_APPLICATION_FLOW_H
#include <stdint.h>
#include "membership/application_call.h"

/* The applicant submits a complete draft: the rules in force accepted,
 * the record valid with a name, an address and an incident email
 * contact, and sponsors_required valid sponsors. */
enum err application_submit(struct app_call *c, int64_t id);
/* A team admin answers for a sponsor team: ANSWER "support" or
 * "decline", with a STATEMENT (required, at most APP_REASON_MAX
 * characters), once, during sponsor_review. */
enum err application_sponsor_answer(struct app_call *c, int64_t id, const char *answer, const char *statement);
/* A team admin of an active member organisation (not the applicant)
 * gives its organisation's opinion during the window: STANCE "support" or
 * "object" (then with a REASON); it may change it until the window ends. */
enum err application_opinion(struct app_call *c, int64_t id, const char *stance, const char *reason);
/* The secretariat approves: the team record is created from the draft
 * (active, joined today in the instance's time zone), the organisation
 * becomes a member, and the community is told. */
enum err application_approve(struct app_call *c, int64_t id);
/* The secretariat rejects (during sponsor review, the window or its own
 * review) or sends back to draft (during its review), with a REASON the
 * applicant is told. */
enum err application_reject(struct app_call *c, int64_t id, const char *reason);
enum err application_send_back(struct app_call *c, int64_t id, const char *reason);
/* The applicant withdraws an open application (REASON optional). */
enum err application_withdraw(struct app_call *c, int64_t id, const char *reason);

/* Move every application whose community window ended by NOW to the
 * secretariat's review and tell the secretariat; ORIGIN names the caller
 * in the audit log ("job", "cli"). EACH (may be NULL) is told of each
 * one. Return how many moved, or -1. */
int application_close_windows(struct db *db, const struct config *cfg, int64_t now, const char *origin,
                              void (*each)(int64_t id, const char *org_name, int64_t ended_at, void *arg), void *arg);

#endif
