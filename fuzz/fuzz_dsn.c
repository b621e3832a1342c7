/* libFuzzer target for src/mail/dsn.c: whatever arrives at the bounce
 * address. The input is copied into a buffer of exactly its size, so ASan
 * sees a read one byte too far. Besides the sanitizers it asserts the
 * promises of dsn.h: a refusal always says why; an accepted report names
 * 1..DSN_MAX_RECIPIENTS recipients, each with a known action, a status of
 * the form class.subject.detail, addresses that are "" or plausible, and
 * a diagnostic of printable ASCII within its bound. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "mail/dsn.h"

static struct dsn_report rep;

static int printable(const char *s)
{
	for (; *s; s++)
		if (*s < 32 || *s > 126)
			return 0;
	return 1;
}

static int status_ok(const char *s)
{
	if (*s != '2' && *s != '4' && *s != '5')
		return 0;
	s++;
	for (int part = 0; part < 2; part++) {
		if (*s++ != '.')
			return 0;
		int digits = 0;
		while (*s >= '0' && *s <= '9') {
			s++;
			digits++;
		}
		if (digits < 1 || digits > 3)
			return 0;
	}
	return *s == '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *msg = malloc(size ? size : 1);
	if (!msg)
		return 0;
	memcpy(msg, data, size);
	char err[512];
	err[0] = '\0';
	if (dsn_parse(msg, size, &rep, err, sizeof(err)) < 0) {
		if (!err[0] || !memchr(err, '\0', sizeof(err)))
			abort();
		free(msg);
		return 0;
	}
	if (rep.n < 1 || rep.n > DSN_MAX_RECIPIENTS || !printable(rep.reporting_mta))
		abort();
	for (size_t i = 0; i < rep.n; i++) {
		const struct dsn_recipient *r = &rep.rcpt[i];
		if ((unsigned)r->action > DSN_EXPANDED || !status_ok(r->status))
			abort();
		if ((r->final_addr[0] && !mail_addr_valid(r->final_addr)) ||
		    (r->original_addr[0] && !mail_addr_valid(r->original_addr)))
			abort();
		if (strlen(r->diagnostic) > DSN_DIAG_MAX || !printable(r->diagnostic))
			abort();
	}
	free(msg);
	return 0;
}
