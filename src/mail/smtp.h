/* Hand one composed message (see message.h) to an SMTP relay through
 * libcurl. The answer says only what the mail queue needs to know: sent,
 * worth trying again later, or never going to work. */
#ifndef SHISA_MAIL_SMTP_H
#define SHISA_MAIL_SMTP_H
#include <stdbool.h>
#include <stddef.h>

#define SMTP_TIMEOUT_DEFAULT_MS 30000L

/* What smtp_send returns; callers retry only SMTP_TEMPFAIL. */
enum smtp_result {
	SMTP_SENT = 0,
	SMTP_TEMPFAIL = -1,     /* refused or lost connection, timeout, 4xx reply */
	SMTP_PERMFAIL = -2,     /* 5xx reply (e.g. unknown recipient), or bad arguments */
};

struct smtp_config {
	const char *host;       /* host name or IP address of the relay */
	int port;               /* 1..65535, e.g. 25 or 587 */
	bool starttls;          /* true: STARTTLS required (CURLUSESSL_ALL), certificate verified;
	                         * false: used when offered (CURLUSESSL_TRY), certificate not
	                         * verified (opportunistic, as between MTAs) */
	const char *username;   /* NULL: no AUTH. Without starttls, a relay that
	                         * offers no STARTTLS sees the password in clear */
	const char *password;   /* never logged, never copied into ERR */
	long timeout_ms;        /* the whole transaction; <= 0 means SMTP_TIMEOUT_DEFAULT_MS */
};

/* Send the LEN bytes at MSG (a whole RFC 5322 message, CRLF line ends) from
 * FROM_ADDR to TO_ADDR, both bare addresses that pass mail_addr_valid. The
 * caller must have called curl_global_init() before any thread calls this;
 * after that, calls may run in parallel (each uses its own easy handle and
 * no signals). Return SMTP_SENT, or SMTP_TEMPFAIL / SMTP_PERMFAIL with a
 * reason, including the server's reply code when there was one, in ERR
 * (when ERR is not NULL). Nothing is logged. */
int smtp_send(const struct smtp_config *cfg, const char *from_addr, const char *to_addr,
	const char *msg, size_t len, char *err, size_t errlen);

#endif
