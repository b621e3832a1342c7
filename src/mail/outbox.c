/* Queuing mail in the outbox and delivering it from the job runner; see
 * outbox.h. The payload is JSON so a queued message needs nothing else
 * from the database when it is finally sent. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include "core/buf.h"
#include "mail/message.h"
#include "mail/outbox.h"
#include "mail/smtp.h"

int64_t mail_queue(struct db *db, const char *to_addr, const char *to_name, const char *lang,
                   const char *subject, const char *body)
{
	json_t *p = json_pack("{s:s,s:s,s:s,s:s,s:s}", "to", to_addr, "to_name", to_name ? to_name : "",
	                      "lang", lang, "subject", subject, "body", body);
	if (!p)
		return -1;
	char *text = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	if (!text)
		return -1;
	int64_t id = jobs_enqueue(db, "mail", text, 0);
	free(text);
	return id;
}

/* The domain part of the sender, for Message-IDs. */
static const char *domain_of(const char *addr)
{
	const char *at = strrchr(addr, '@');
	return at ? at + 1 : "localhost";
}

enum job_result mail_job_run(const struct config *cfg, const char *payload, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *p = json_loads(payload, 0, &jerr);
	const char *to = NULL, *to_name = "", *lang = "ja", *subject = NULL, *body = NULL;
	if (!p || json_unpack(p, "{s:s,s?s,s?s,s:s,s:s}", "to", &to, "to_name", &to_name, "lang", &lang,
	                      "subject", &subject, "body", &body) < 0) {
		snprintf(err, errlen, "malformed mail payload");
		json_decref(p);
		return JOB_FAIL;
	}
	struct mail_msg m = {
		.from_addr = cfg->mail_from, .from_name = cfg->instance_name,
		.to_addr = to, .to_name = to_name, .subject = subject, .body_text = body,
		.message_id_domain = domain_of(cfg->mail_from), .lang = lang,
	};
	struct buf msg;
	buf_init(&msg, 4u << 20);
	enum job_result res = JOB_FAIL;
	if (mail_compose(&msg, &m, err, errlen) == 0) {
		struct smtp_config sc = {
			.host = cfg->smtp_host, .port = cfg->smtp_port, .starttls = cfg->smtp_starttls,
			.username = cfg->smtp_user[0] ? cfg->smtp_user : NULL, .password = cfg->smtp_password,
			.timeout_ms = 30000,
		};
		/* Bounces go to the envelope sender: the bounce address, when one is set. */
		const char *envelope_from = cfg->bounce_address[0] ? cfg->bounce_address : cfg->mail_from;
		int rc = smtp_send(&sc, envelope_from, to, msg.data, msg.len, err, errlen);
		res = rc == SMTP_SENT ? JOB_OK : rc == SMTP_TEMPFAIL ? JOB_RETRY : JOB_FAIL;
	}
	buf_release(&msg);
	json_decref(p);
	return res;
}
