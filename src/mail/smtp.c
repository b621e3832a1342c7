/* SMTP delivery through libcurl; see smtp.h. The server's last reply code
 * decides what a failure means: a 5xx will not change on retry, while a 4xx
 * or no reply at all (refused, reset, timed out) may. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <curl/curl.h>
#include "mail/message.h"
#include "mail/smtp.h"

#define HOST_MAX 253

/* The part of the message libcurl has not read yet. */
struct upload {
	const char *p;
	size_t left;
};


static size_t read_message(char *dst, size_t size, size_t nmemb, void *userp)
{
	struct upload *up = userp;
	size_t n = size * nmemb;

	if (n > up->left)
		n = up->left;
	memcpy(dst, up->p, n);
	up->p += n;
	up->left -= n;
	return n;
}

/* A host that goes into the URL as it is: a name, an IPv4 address or a bare
 * IPv6 address (bracketed by the caller of this). Nothing that could end the
 * authority part or carry credentials: no '/', '@', '?', '#', '%'. */
static bool host_ok(const char *h)
{
	if (!h || !*h || strlen(h) > HOST_MAX)
		return false;
	for (; *h; h++) {
		bool alnum = (*h >= 'a' && *h <= 'z') || (*h >= 'A' && *h <= 'Z') || (*h >= '0' && *h <= '9');
		if (!alnum && *h != '.' && *h != '-' && *h != ':')
			return false;
	}
	return true;
}

int smtp_send(const struct smtp_config *cfg, const char *from_addr, const char *to_addr,
	const char *msg, size_t len, char *err, size_t errlen)
{
	CURL *curl = NULL;
	struct curl_slist *rcpt = NULL;
	struct upload up = {msg, len};
	char url[HOST_MAX + 16], from[MAIL_ADDR_MAX + 3], to[MAIL_ADDR_MAX + 3];
	char cerr[CURL_ERROR_SIZE] = "";
	char reply[32] = "no reply";
	long code = 0, timeout;
	bool v6;
	CURLcode res;
	int rc = SMTP_PERMFAIL;

	if (!cfg || !host_ok(cfg->host) || cfg->port < 1 || cfg->port > 65535) {
		mail_set_err(err, errlen, "smtp: relay host or port is not valid");
		goto out;
	}
	if (!mail_addr_valid(from_addr) || !mail_addr_valid(to_addr)) {
		mail_set_err(err, errlen, "smtp: envelope address is not plausible");
		goto out;
	}
	if (!msg || !len) {
		mail_set_err(err, errlen, "smtp: message is empty");
		goto out;
	}
	v6 = strchr(cfg->host, ':') != NULL;
	snprintf(url, sizeof(url), "smtp://%s%s%s:%d", v6 ? "[" : "", cfg->host, v6 ? "]" : "", cfg->port);
	snprintf(from, sizeof(from), "<%s>", from_addr);
	snprintf(to, sizeof(to), "<%s>", to_addr);
	timeout = cfg->timeout_ms > 0 ? cfg->timeout_ms : SMTP_TIMEOUT_DEFAULT_MS;

	rc = SMTP_TEMPFAIL;
	curl = curl_easy_init();
	rcpt = curl_slist_append(NULL, to);
	if (!curl || !rcpt) {
		mail_set_err(err, errlen, "smtp: out of memory");
		goto out;
	}
	if (curl_easy_setopt(curl, CURLOPT_URL, url) != CURLE_OK
		|| curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp") != CURLE_OK
		|| curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) != CURLE_OK
		|| curl_easy_setopt(curl, CURLOPT_USE_SSL,
			(long)(cfg->starttls ? CURLUSESSL_ALL : CURLUSESSL_TRY)) != CURLE_OK
		/* Opportunistic STARTTLS, as between MTAs: encrypt when offered but
		 * accept the relay's self-signed certificate (Debian's postfix
		 * ships one). Required STARTTLS verifies the certificate. */
		|| curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, cfg->starttls ? 1L : 0L) != CURLE_OK
		|| curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, cfg->starttls ? 2L : 0L) != CURLE_OK
		|| curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from) != CURLE_OK
		|| curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt) != CURLE_OK
		|| curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L) != CURLE_OK
		|| curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message) != CURLE_OK
		|| curl_easy_setopt(curl, CURLOPT_READDATA, &up) != CURLE_OK
		|| curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len) != CURLE_OK
		|| curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout) != CURLE_OK
		|| curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout) != CURLE_OK
		|| curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, cerr) != CURLE_OK
		|| (cfg->username && (curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->username) != CURLE_OK
			|| curl_easy_setopt(curl, CURLOPT_PASSWORD, cfg->password ? cfg->password : "") != CURLE_OK))) {
		mail_set_err(err, errlen, "smtp: libcurl refused an option");
		goto out;
	}
	res = curl_easy_perform(curl);
	if (res == CURLE_OK) {
		rc = SMTP_SENT;
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 500 && code <= 599)
		rc = SMTP_PERMFAIL;
	if (code)
		snprintf(reply, sizeof(reply), "reply %ld", code);
	mail_set_err(err, errlen, "smtp %s:%d: %s (%s)", cfg->host, cfg->port,
		cerr[0] ? cerr : curl_easy_strerror(res), reply);
out:
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(curl);
	return rc;
}
