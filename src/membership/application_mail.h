/* The mail of an application's life, through the outbox in each
 * recipient's language: to the applicant's contact (in the application's
 * language), to the admins of one team (a sponsor), to the admins of
 * every active member team, and to the secretariat. Each kind of mail is
 * a pair of messages.tsv keys, "mail.app.KIND.subject" and ".body", filled
 * with {name} (the recipient), {org} (the applicant, in the recipient's
 * language), {link} (the application's page), {ends} (the end of the
 * community window in the recipient's time zone), {instance}, {url} and
 * the caller's own variables. Called inside the caller's transaction;
 * the services wake the outbox after committing. */
#ifndef SHISA_APPLICATION_MAIL_H
#define SHISA_APPLICATION_MAIL_H
#include <stdint.h>
#include "jobs/jobs.h"
#include "membership/application_store.h"

/* Every kind of mail, ending with NULL (the tests check their texts). */
extern const char *const app_mail_kinds[];

/* Each returns the number of messages queued, or -1. EXTRA is (key,
 * value, ..., NULL) or NULL. */
int app_mail_applicant(struct app_call *c, const struct application *a, const char *kind, const char *const extra[]);
int app_mail_team_admins(struct app_call *c, const struct application *a, int64_t team_id, const char *kind,
                         const char *const extra[]);
/* The admins of every active member team but the applicant's own. With
 * thousands of teams this is much work, so the services do not do it
 * themselves: app_mail_members_later queues one job of kind
 * "membership.mail" (in the caller's transaction), and the job runner
 * calls app_mail_job_run, which queues the mail to each admin in one
 * transaction that also marks the job done: once, whatever happens. */
int app_mail_members(struct app_call *c, const struct application *a, const char *kind, const char *const extra[]);
int app_mail_members_later(struct app_call *c, const struct application *a, const char *kind,
                           const char *const extra[]);
enum job_result app_mail_job_run(struct db *db, const struct config *cfg, int64_t job_id, const char *payload,
                                 char *err, size_t errlen);
int app_mail_secretariat(struct app_call *c, const struct application *a, const char *kind, const char *const extra[]);

/* The address-verification mail of the public form, to EMAIL in LANG,
 * with the one-time LINK. Return 0 or -1. */
int app_mail_verify(struct app_call *c, const char *email, const char *name, const char *lang, const char *org,
                    const char *link);

#endif
