/* `shisa user`: add, list, disable, enable and reset the second factor of
 * user accounts from the server's shell. A new user gets no password: the
 * command prints a one-time link with which they choose one. Every change
 * writes an audit row (request id "cli") in its transaction, and the rules
 * are the ones the pages apply (src/accounts/admin.h): the last active
 * secretariat account cannot be disabled. */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include "accounts/admin.h"
#include "auth/mfa.h"
#include "auth/reset.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/json_writer.h"
#include "mail/message.h"

static int user_cmd(int argc, char **argv);

const struct cli_cmd cli_user = {
	"user", "add, list, disable, enable users; reset their second factor",
	"usage: shisa user add --email ADDRESS --name NAME --org NAME [--role member|team_admin]\n"
	"                      [--lang ja|en] [--base-url URL]\n"
	"       shisa user list [--org NAME]\n"
	"       shisa user disable EMAIL\n"
	"       shisa user enable EMAIL\n"
	"       shisa user reset-mfa EMAIL\n"
	"  every subcommand also takes --db PATH, --config FILE and --help\n"
	"\n"
	"add        creates the user without a password and prints a one-time link\n"
	"           (valid one hour) with which they set one; give it to them privately\n"
	"           --role     member (default) or team_admin\n"
	"           --lang     the user's language (default: the instance's)\n"
	"           --base-url the address users reach the server at (default: base_url\n"
	"                      from the configuration, else http://LISTEN)\n"
	"list       prints id, email, name, organisation, role, MFA and disabled\n"
	"disable    disables the account and ends its sessions (never the last active\n"
	"           secretariat account)\n"
	"enable     enables a disabled account\n"
	"reset-mfa  removes the account's second factor and recovery codes\n"
	"\n"
	"Exit status: 0 done, 1 refused, not found or failed, 2 usage error.\n",
	user_cmd,
};

struct user_args {
	const char *sub;
	const char *email, *name, *org, *role, *lang;
	struct config cfg;
};

/* ---- add ---- */

static int add(struct user_args *a)
{
	struct db db;
	struct org o;
	struct user u;
	char link[ADMIN_LINK_MAX];
	int64_t id;
	int rc = 1;
	if (cli_open_db(&db, &a->cfg, false) < 0)
		return 1;
	int found = org_find(&db, a->org, &o);
	if (found <= 0) {
		fprintf(stderr, found < 0 ? "shisa user add: database error\n"
		                          : "shisa user add: no organisation named \"%s\"\n", a->org);
		goto out;
	}
	if (db_begin(&db) < 0)
		goto out;
	enum acct_result r = user_create(&db, o.id, a->email, a->name, a->role, a->lang, NULL, &id);
	if (r == ACCT_DUPLICATE) {
		fprintf(stderr, "shisa user add: the email address %s is already in use\n", a->email);
		goto rollback;
	}
	if (r != ACCT_OK || admin_password_link(&db, a->cfg.base_url, id, clock_now(), link, sizeof(link)) < 0 ||
	    cli_audit_write(&db, "user.create", "user", id,
	              json_pack("{s:s,s:s,s:I}", "email", a->email, "role", a->role, "org_id", (json_int_t)o.id)) < 0 ||
	    db_commit(&db) < 0) {
		fprintf(stderr, "shisa user add: database error\n");
		goto rollback;
	}
	if (user_get(&db, id, &u) != 1)
		snprintf(u.email, sizeof(u.email), "%s", a->email);
	printf("created user %s (id %lld, %s of \"%s\")\n", u.email, (long long)id, a->role, o.name);
	printf("one-time link to set the password (valid %d minutes):\n%s\n", RESET_TTL_S / 60, link);
	sodium_memzero(link, sizeof(link));
	rc = 0;
	goto out;
rollback:
	db_rollback(&db);
out:
	db_close(&db);
	return rc;
}

/* ---- list ---- */

/* Columns on a terminal: East Asian wide characters take two. */
static size_t display_width(const char *s)
{
	size_t w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned cp;
		int n = utf8_seq_len(p, strlen((const char *)p));
		if (n <= 0)
			n = 1;
		cp = n == 1 ? p[0] : n == 2 ? (p[0] & 0x1Fu) << 6 | (p[1] & 0x3Fu)
		     : n == 3 ? (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu)
		              : (p[0] & 0x07u) << 18 | (p[1] & 0x3Fu) << 12 | (p[2] & 0x3Fu) << 6 | (p[3] & 0x3Fu);
		bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
		            (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
		            (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
		            (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
		w += wide ? 2 : 1;
		p += n;
	}
	return w;
}

static void cell(const char *s, size_t width)
{
	size_t w = display_width(s);
	fputs(s, stdout);
	for (size_t i = w; i < width; i++)
		putchar(' ');
	putchar(' ');
}

static void print_row(const char *id, const char *email, const char *name, const char *org, const char *role,
                      const char *mfa, const char *disabled)
{
	cell(id, 6);
	cell(email, 32);
	cell(name, 20);
	cell(org, 20);
	cell(role, 10);
	cell(mfa, 4);
	printf("%s\n", disabled);
}

struct list_state {
	int64_t last;
	int n;
};

static void list_row(const struct user *u, void *arg)
{
	struct list_state *ls = arg;
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)u->id);
	print_row(id, u->email, u->name, u->org_name, u->role, u->mfa_enabled ? "on" : "off",
	          u->disabled ? "yes" : "no");
	ls->last = u->id;
	ls->n++;
}

static int list(struct user_args *a)
{
	struct db db;
	struct org o;
	int64_t org_id = 0;
	int rc = 1;
	if (cli_open_db(&db, &a->cfg, false) < 0)
		return 1;
	if (a->org) {
		int found = org_find(&db, a->org, &o);
		if (found <= 0) {
			fprintf(stderr, found < 0 ? "shisa user list: database error\n"
			                          : "shisa user list: no organisation named \"%s\"\n", a->org);
			goto out;
		}
		org_id = o.id;
	}
	print_row("id", "email", "name", "org", "role", "mfa", "disabled");
	struct list_state ls = {0};
	int n;
	do {
		n = user_list(&db, org_id, ls.last, 500, list_row, &ls);
	} while (n == 500);
	if (n < 0) {
		fprintf(stderr, "shisa user list: database error\n");
		goto out;
	}
	rc = 0;
out:
	db_close(&db);
	return rc;
}

/* ---- disable, enable, reset-mfa ---- */

static int change(struct user_args *a)
{
	struct db db;
	struct user u;
	int rc = 1;
	const char *sub = a->sub;
	if (cli_open_db(&db, &a->cfg, false) < 0)
		return 1;
	if (db_begin(&db) < 0)
		goto out;
	int found = user_find_email(&db, a->email, &u);
	if (found <= 0) {
		fprintf(stderr, found < 0 ? "shisa user %s: database error\n" : "shisa user %s: no user with the address %s\n",
		        sub, a->email);
		goto rollback;
	}
	const char *action;
	if (!strcmp(sub, "disable")) {
		if (u.disabled) {
			printf("%s is already disabled\n", u.email);
			rc = 0;
			goto rollback;
		}
		enum acct_result r = admin_user_disable(&db, &u);
		if (r == ACCT_REFUSED) {
			fprintf(stderr, "shisa user disable: refused: %s is the last active secretariat account\n", u.email);
			goto rollback;
		}
		if (r != ACCT_OK)
			goto failed;
		action = "user.disable";
	} else if (!strcmp(sub, "enable")) {
		if (!u.disabled) {
			printf("%s is already enabled\n", u.email);
			rc = 0;
			goto rollback;
		}
		if (user_set_disabled(&db, u.id, false) != ACCT_OK)
			goto failed;
		action = "user.enable";
	} else {
		if (mfa_disable(&db, u.id) < 0)
			goto failed;
		action = "user.reset_mfa";
	}
	if (cli_audit_write(&db, action, "user", u.id, json_pack("{s:s}", "email", u.email)) < 0 || db_commit(&db) < 0)
		goto failed;
	if (!strcmp(sub, "disable"))
		printf("disabled %s (id %lld); their sessions were ended\n", u.email, (long long)u.id);
	else if (!strcmp(sub, "enable"))
		printf("enabled %s (id %lld)\n", u.email, (long long)u.id);
	else
		printf("removed the second factor of %s (id %lld)%s\n", u.email, (long long)u.id,
		       u.mfa_enabled ? "" : "; it had none enabled");
	rc = 0;
	goto out;
failed:
	fprintf(stderr, "shisa user %s: database error\n", sub);
rollback:
	db_rollback(&db);
out:
	db_close(&db);
	return rc;
}

/* ---- arguments ---- */

static const char *const subs[] = {"add", "list", "disable", "enable", "reset-mfa", NULL};

static int user_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{"email", required_argument, NULL, 'e'}, {"name", required_argument, NULL, 'n'},
		{"org", required_argument, NULL, 'o'},   {"role", required_argument, NULL, 'r'},
		{"lang", required_argument, NULL, 'l'},  {"base-url", required_argument, NULL, 'b'},
		{"db", required_argument, NULL, 'd'},    {"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
	};
	struct user_args a = {.role = "member"};
	char err[512];
	if (argc < 2 || argv[1][0] == '-')
		return cli_usage(&cli_user, argc >= 2 && !strcmp(argv[1], "--help"));
	for (size_t i = 0; subs[i]; i++)
		if (!strcmp(argv[1], subs[i]))
			a.sub = subs[i];
	if (!a.sub) {
		fprintf(stderr, "shisa user: unknown subcommand \"%s\"\n", argv[1]);
		return cli_usage(&cli_user, false);
	}
	if (cli_config(&a.cfg, argc, argv) < 0)
		return 1;
	a.lang = strcmp(a.cfg.default_lang, "en") == 0 ? "en" : "ja";
	argc--, argv++;
	bool adding = !strcmp(a.sub, "add"), listing = !strcmp(a.sub, "list");
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		const char *key = NULL;
		switch (o) {
		case 'e': a.email = optarg; break;
		case 'n': a.name = optarg; break;
		case 'o': a.org = optarg; break;
		case 'r': a.role = optarg; break;
		case 'l': a.lang = optarg; break;
		case 'b': key = "base_url"; break;
		case 'd': key = "db"; break;
		case 'c': break;
		case 'h': return cli_usage(&cli_user, true);
		default: return cli_usage(&cli_user, false);
		}
		/* Flags of another subcommand are mistakes, not silently ignored. */
		if (!adding && strchr("enorlb", o) && !(listing && o == 'o')) {
			fprintf(stderr, "shisa user %s: --%s does not apply here\n\n", a.sub,
			        o == 'e' ? "email" : o == 'n' ? "name" : o == 'o' ? "org" : o == 'r' ? "role"
			        : o == 'l' ? "lang" : "base-url");
			return cli_usage(&cli_user, false);
		}
		if (key && config_set(&a.cfg, key, optarg, err, sizeof(err)) < 0) {
			fprintf(stderr, "shisa user: %s\n", err);
			return 2;
		}
	}
	if (adding || listing) {
		if (optind < argc)
			return cli_usage(&cli_user, false);
	} else {
		if (optind + 1 != argc) {
			fprintf(stderr, "shisa user %s: give exactly one email address\n\n", a.sub);
			return cli_usage(&cli_user, false);
		}
		a.email = argv[optind];
		return change(&a);
	}
	if (listing)
		return list(&a);
	if (!a.email || !a.name || !a.org) {
		fprintf(stderr, "shisa user add: --email, --name and --org are required\n\n");
		return cli_usage(&cli_user, false);
	}
	if (!cli_text_ok(a.email, EMAIL_MAX) || !mail_addr_valid(a.email)) {
		fprintf(stderr, "shisa user add: \"%s\" is not a valid email address\n", a.email);
		return 2;
	}
	if (!cli_text_ok(a.name, USER_NAME_MAX)) {
		fprintf(stderr, "shisa user add: --name must be 1 to %d characters, no control characters\n",
		        USER_NAME_MAX);
		return 2;
	}
	if (!user_role_valid(a.role) || (strcmp(a.lang, "ja") != 0 && strcmp(a.lang, "en") != 0)) {
		fprintf(stderr, "shisa user add: --role is member or team_admin, --lang is ja or en\n");
		return 2;
	}
	if (!a.cfg.base_url[0])
		snprintf(a.cfg.base_url, sizeof(a.cfg.base_url), "http://%s", a.cfg.listen);
	return add(&a);
}
