/* Mail through the outbox: callers queue a message (in their transaction)
 * with mail_queue(); the job runner delivers it with mail_job_run() to the
 * configured SMTP relay, retrying temporary failures. */
#ifndef SHISA_OUTBOX_H
#define SHISA_OUTBOX_H
#include <stddef.h>
#include "core/config.h"
#include "db/db.h"
#include "jobs/jobs.h"

/* Queue one plain-text message to TO_ADDR. LANG ("ja"/"en") is the
 * recipient's language. Return the job id, or -1. */
int64_t mail_queue(struct db *db, const char *to_addr, const char *to_name, const char *lang,
                   const char *subject, const char *body);
/* The "mail" job handler: compose and send the payload's message. */
enum job_result mail_job_run(const struct config *cfg, const char *payload, char *err, size_t errlen);

#endif
