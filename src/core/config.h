/* Instance configuration: built-in defaults, then the configuration file
 * (shisa.conf, "key = value" lines), then command-line flags, each
 * overriding the one before. */
#ifndef SHISA_CONFIG_H
#define SHISA_CONFIG_H
#include <stdbool.h>
#include <stddef.h>

struct config {
	char db_path[512];
	char listen[128];          /* host:port, e.g. 127.0.0.1:8080; port 0 picks one */
	char base_url[256];        /* how users reach us, for links in mail */
	int threads;               /* event loops; 0 = one per core */
	int workers;               /* worker pool threads for slow work */
	char user[64];             /* drop privileges to this user when started as root */
	size_t max_body;           /* bytes */
	size_t max_batch_body;     /* bytes, for the routes that take bulk uploads (the batch lookup) */
	size_t response_cache_bytes;  /* memory for kept directory answers; 0: none */
	size_t max_header;         /* bytes, all request headers together */
	int request_timeout_s;
	char default_lang[3];      /* ja | en */
	char default_tz[64];       /* IANA zone */
	bool trust_proxy;          /* honour X-Forwarded-For / X-Forwarded-Proto */
	bool secure_cookies;       /* always mark cookies Secure */
	bool metrics_public;       /* serve /metrics to any address, not only loopback */
	int session_idle_s;
	int session_absolute_s;
	int sponsors_required;     /* member teams that must sponsor an application */
	int community_window_days; /* how long member teams may support or object to an application */
	int reapply_lock_months;   /* a rejected organisation may apply again after this many months */
	int application_verify_hours; /* the application form's verification link works this long */
	char smtp_host[128];
	int smtp_port;
	bool smtp_starttls;
	char smtp_user[128];
	char smtp_password[128];
	char mail_from[254];
	int jobs_retry_base_s;     /* first retry delay; doubles each attempt */
	int confirm_months;        /* teams re-confirm their directory record this often */
	int reminder_lead_days;    /* the first confirmation reminder this many days before a record is due */
	int reminder_repeat_days;  /* then again this often while it stays unconfirmed */
	int reminder_max;          /* at most this many reminders per due record; 0: none */
	char bounce_address[254];  /* envelope sender of outgoing mail (where DSNs go); "" = mail_from */
	int securitytxt_expires_days; /* a team's security.txt expires this many days after it is made */
	int withdrawn_retention_days; /* a withdrawn organisation's people, contacts and users are erased after this */
	int member_target;         /* the statistics' projection: the year the association would reach this many members */
	char instance_name[128];
	char log_level[8];
};

/* Fill C with the built-in defaults. */
void config_defaults(struct config *c);
/* Apply one "key" = "value" setting. Return 0, or -1 with a message in ERR
 * naming the key and what is wrong. */
int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen);
/* Read a configuration file. A missing file is an error only if REQUIRED.
 * Return 0 or -1 (with "FILE:LINE: message" in ERR). */
int config_load_file(struct config *c, const char *path, bool required, char *err, size_t errlen);
/* Split "host:port" (IPv6 as [addr]:port). Return 0 or -1. */
int config_split_listen(const char *listen, char *host, size_t hostlen, int *port);

#endif
