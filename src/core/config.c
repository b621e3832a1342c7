/* Defaults, configuration file, and the one table of settings; see config.h. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/config.h"

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	const char *db = getenv("SHISA_DB");
	snprintf(c->db_path, sizeof(c->db_path), "%s", db && *db ? db : "var/shisa.db");
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8080");
	c->max_body = 8u << 20;
	c->max_batch_body = 64u << 20;
	c->response_cache_bytes = 64u << 20;
	c->max_header = 16u << 10;
	c->request_timeout_s = 30;
	snprintf(c->default_lang, sizeof(c->default_lang), "ja");
	snprintf(c->default_tz, sizeof(c->default_tz), "Asia/Tokyo");
	c->session_idle_s = 8 * 3600;
	c->session_absolute_s = 7 * 24 * 3600;
	c->sponsors_required = 2;
	c->community_window_days = 21;
	c->reapply_lock_months = 12;
	c->application_verify_hours = 48;
	snprintf(c->smtp_host, sizeof(c->smtp_host), "localhost");
	c->smtp_port = 25;
	snprintf(c->mail_from, sizeof(c->mail_from), "shisa@localhost");
	c->jobs_retry_base_s = 30;
	c->confirm_months = 4;
	c->reminder_lead_days = 14;
	c->reminder_repeat_days = 14;
	c->reminder_max = 4;
	c->securitytxt_expires_days = 364;
	c->withdrawn_retention_days = 365;
	c->member_target = 3000;
	snprintf(c->instance_name, sizeof(c->instance_name), "shisa");
	snprintf(c->log_level, sizeof(c->log_level), "info");
}

enum kind { K_STR, K_INT, K_SIZE, K_BOOL };

struct setting {
	const char *key;
	enum kind kind;
	size_t off;
	size_t len;       /* for strings: the field size */
	long min, max;    /* for numbers */
};

#define S(k, f) {k, K_STR, offsetof(struct config, f), sizeof(((struct config *)0)->f), 0, 0}
#define I(k, f, lo, hi) {k, K_INT, offsetof(struct config, f), 0, lo, hi}
#define Z(k, f, lo, hi) {k, K_SIZE, offsetof(struct config, f), 0, lo, hi}
#define B(k, f) {k, K_BOOL, offsetof(struct config, f), 0, 0, 1}

static const struct setting settings[] = {
	S("db", db_path),
	S("listen", listen),
	S("base_url", base_url),
	I("threads", threads, 0, 256),
	I("workers", workers, 0, 256),
	S("user", user),
	Z("max_body", max_body, 1024, 1L << 30),
	Z("max_batch_body", max_batch_body, 1024, 1L << 30),
	Z("response_cache_size", response_cache_bytes, 0, 16L << 30),
	Z("max_header", max_header, 1024, 256L << 10),
	I("request_timeout", request_timeout_s, 1, 3600),
	S("default_lang", default_lang),
	S("default_tz", default_tz),
	B("trust_proxy", trust_proxy),
	B("secure_cookies", secure_cookies),
	B("metrics_public", metrics_public),
	I("session_idle", session_idle_s, 60, 30 * 86400),
	I("session_absolute", session_absolute_s, 300, 365 * 86400),
	I("sponsors_required", sponsors_required, 1, 10),
	I("community_window_days", community_window_days, 1, 365),
	I("reapply_lock_months", reapply_lock_months, 0, 120),
	I("application_verify_hours", application_verify_hours, 1, 720),
	S("smtp_host", smtp_host),
	I("smtp_port", smtp_port, 1, 65535),
	B("smtp_starttls", smtp_starttls),
	S("smtp_user", smtp_user),
	S("smtp_password", smtp_password),
	S("mail_from", mail_from),
	I("jobs_retry_base", jobs_retry_base_s, 1, 86400),
	I("confirm_months", confirm_months, 1, 24),
	I("reminder_lead_days", reminder_lead_days, 0, 180),
	I("reminder_repeat_days", reminder_repeat_days, 1, 365),
	I("reminder_max", reminder_max, 0, 20),
	S("bounce_address", bounce_address),
	/* RFC 9116 recommends less than a year. */
	I("securitytxt_expires_days", securitytxt_expires_days, 1, 364),
	I("withdrawn_retention_days", withdrawn_retention_days, 0, 36500),
	I("member_target", member_target, 1, 10000000),
	S("instance_name", instance_name),
	S("log_level", log_level),
};

int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		const struct setting *s = &settings[i];
		if (strcmp(s->key, key) != 0)
			continue;
		char *field = (char *)c + s->off;
		char *end;
		long v;
		switch (s->kind) {
		case K_STR:
			if (strlen(value) >= s->len) {
				snprintf(err, errlen, "%s: longer than %zu characters", key, s->len - 1);
				return -1;
			}
			snprintf(field, s->len, "%s", value);
			break;
		case K_INT:
		case K_SIZE:
			errno = 0;
			v = strtol(value, &end, 10);
			if (errno || end == value || *end || v < s->min || v > s->max) {
				snprintf(err, errlen, "%s: want a whole number from %ld to %ld, got \"%s\"", key,
				         s->min, s->max, value);
				return -1;
			}
			if (s->kind == K_INT)
				*(int *)field = (int)v;
			else
				*(size_t *)field = (size_t)v;
			break;
		case K_BOOL:
			if (!strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "1"))
				*(bool *)field = true;
			else if (!strcmp(value, "false") || !strcmp(value, "no") || !strcmp(value, "0"))
				*(bool *)field = false;
			else {
				snprintf(err, errlen, "%s: want true or false, got \"%s\"", key, value);
				return -1;
			}
			break;
		}
		if (!strcmp(key, "base_url")) {
			size_t n = strlen(c->base_url);
			while (n > 0 && c->base_url[n - 1] == '/')
				c->base_url[--n] = '\0';
		}
		if (!strcmp(key, "default_lang") && strcmp(value, "ja") && strcmp(value, "en")) {
			snprintf(err, errlen, "default_lang: want ja or en, got \"%s\"", value);
			return -1;
		}
		if (!strcmp(key, "default_tz") && !clock_tz_valid(value)) {
			snprintf(err, errlen, "default_tz: \"%s\" is not a known IANA time zone", value);
			return -1;
		}
		if (!strcmp(key, "log_level") && strcmp(value, "debug") && strcmp(value, "info") &&
		    strcmp(value, "warn") && strcmp(value, "error")) {
			snprintf(err, errlen, "log_level: want debug, info, warn or error");
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen, "unknown setting \"%s\"", key);
	return -1;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int config_load_file(struct config *c, const char *path, bool required, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (!required && errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char line[1024], msg[256];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *l = trim(line);
		if (*l == '#' || *l == '\0')
			continue;
		char *eq = strchr(l, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%d: want key = value", path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *v = trim(eq + 1);
		size_t vl = strlen(v);
		if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
			v[vl - 1] = '\0';
			v++;
		}
		if (config_set(c, trim(l), v, msg, sizeof(msg)) < 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

int config_split_listen(const char *listen, char *host, size_t hostlen, int *port)
{
	const char *colon;
	size_t hl;
	if (listen[0] == '[') {
		const char *rb = strchr(listen, ']');
		if (!rb || rb[1] != ':')
			return -1;
		hl = (size_t)(rb - listen - 1);
		if (hl >= hostlen)
			return -1;
		memcpy(host, listen + 1, hl);
		colon = rb + 1;
	} else {
		colon = strrchr(listen, ':');
		if (!colon)
			return -1;
		hl = (size_t)(colon - listen);
		if (hl >= hostlen)
			return -1;
		memcpy(host, listen, hl);
	}
	host[hl] = '\0';
	char *end;
	long p = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || p < 0 || p > 65535)
		return -1;
	*port = (int)p;
	return 0;
}
