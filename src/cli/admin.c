/* `shisa admin create`: the first secretariat account (or another one),
 * from the server's shell. Creates the secretariat organisation when it is
 * missing and a team admin in it with a password read from standard input
 * or asked for twice on the terminal, never from the command line (where
 * other users could see it in the process list). */
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "accounts/accounts.h"
#include "auth/password.h"
#include "cli/cli.h"
#include "core/i18n.h"
#include "mail/message.h"

static int admin_cmd(int argc, char **argv);

const struct cli_cmd cli_admin = {
	"admin", "create a secretariat account",
	"usage: shisa admin create --email ADDRESS --name NAME [--org NAME] [--password-stdin]\n"
	"                          [--db PATH] [--config FILE]\n"
	"\n"
	"Creates the secretariat organisation NAME (default \"Secretariat\") if it does\n"
	"not exist yet, and a team admin account in it, which makes a secretariat user.\n"
	"\n"
	"  --email ADDRESS    the account's sign-in address (must not be in use)\n"
	"  --name NAME        the person's name\n"
	"  --org NAME         the secretariat organisation (default \"Secretariat\")\n"
	"  --password-stdin   read the password from the first line of standard input;\n"
	"                     otherwise it is asked for twice on the terminal\n"
	"  --db PATH          database file (created when missing)\n"
	"  --config FILE      configuration file\n"
	"\n"
	"Exit status: 0 created, 1 refused or failed, 2 usage error.\n",
	admin_cmd,
};

/* The terminal settings to put back if interrupted while echo is off. */
static struct termios saved_tty;
static volatile sig_atomic_t tty_dirty;

static void restore_tty(int sig)
{
	if (tty_dirty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Read one line of standard input into BUF (N bytes) without its line
 * end; on a terminal, show PROMPT and do not echo. Return 0, -1 at end of
 * input or on error, -2 when the line does not fit. */
static int read_line(const char *prompt, char *buf, size_t n)
{
	bool tty = isatty(STDIN_FILENO);
	struct termios quiet;
	if (tty) {
		fprintf(stderr, "%s", prompt);
		fflush(stderr);
		if (tcgetattr(STDIN_FILENO, &saved_tty) == 0) {
			quiet = saved_tty;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			signal(SIGINT, restore_tty);
			signal(SIGTERM, restore_tty);
			tty_dirty = 1;
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		}
	}
	char *r = fgets(buf, (int)n, stdin);
	if (tty && tty_dirty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
		tty_dirty = 0;
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		fputc('\n', stderr);
	}
	if (!r)
		return -1;
	size_t len = strlen(buf);
	if (len == n - 1 && buf[len - 1] != '\n')
		return -2;
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (len && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return 0;
}

/* The new password into PW: from standard input (FROM_STDIN) or asked for
 * twice on the terminal. Return 0, or 1 (refused, message printed). */
static int get_password(bool from_stdin, const char *email, char *pw, size_t n)
{
	char again[PASSWORD_MAX + 2];
	int rc;
	rc = read_line("Password: ", pw, n);
	if (rc == -1) {
		fprintf(stderr, "shisa admin: no password given\n");
		return 1;
	}
	if (rc == 0 && !from_stdin) {
		rc = read_line("Password again: ", again, sizeof(again));
		if (rc == 0 && strcmp(pw, again) != 0) {
			sodium_memzero(again, sizeof(again));
			fprintf(stderr, "shisa admin: the two passwords differ\n");
			return 1;
		}
		sodium_memzero(again, sizeof(again));
		if (rc == -1) {
			fprintf(stderr, "shisa admin: no password given\n");
			return 1;
		}
	}
	const char *bad = rc == -2 ? "pw.too_long" : password_rule_violation(pw, email);
	if (bad) {
		fprintf(stderr, "shisa admin: password refused: %s\n", i18n_get(LANG_EN, bad));
		return 1;
	}
	return 0;
}

/* Find the secretariat organisation NAME or create it (printing what was
 * done). Return its id, 0 when NAME is another kind of organisation, -1. */
static int64_t secretariat_org(struct db *db, const char *name)
{
	struct org o;
	int64_t id;
	int found = org_find(db, name, &o);
	if (found < 0)
		return -1;
	if (found) {
		if (strcmp(o.kind, "secretariat") != 0) {
			fprintf(stderr, "shisa admin: organisation \"%s\" exists but is of kind %s, not secretariat\n",
			        o.name, o.kind);
			return 0;
		}
		printf("using organisation \"%s\" (id %lld, secretariat)\n", o.name, (long long)o.id);
		return o.id;
	}
	if (org_create(db, name, "", "secretariat", &id) != ACCT_OK ||
	    cli_audit_write(db, "org.create", "org", id, json_pack("{s:s,s:s}", "name", name, "kind", "secretariat")) < 0)
		return -1;
	printf("created organisation \"%s\" (id %lld, secretariat)\n", name, (long long)id);
	return id;
}

static int create(struct config *cfg, const char *email, const char *name, const char *org_name, bool from_stdin)
{
	struct db db;
	struct user u;
	char pw[PASSWORD_MAX + 2], hash[PASSWORD_HASH_MAX];
	int64_t org_id, user_id;
	int rc = 1;
	if (cli_open_db(&db, cfg, true) < 0)
		return 1;
	/* Refuse a taken address before asking for a password. */
	int found = user_find_email(&db, email, &u);
	if (found != 0) {
		if (found > 0)
			fprintf(stderr, "shisa admin: the email address %s is already in use (user id %lld)\n", email,
			        (long long)u.id);
		else
			fprintf(stderr, "shisa admin: database error\n");
		goto out;
	}
	rc = get_password(from_stdin, email, pw, sizeof(pw));
	if (rc == 0 && password_hash(pw, hash) < 0) {
		fprintf(stderr, "shisa admin: out of memory while hashing the password\n");
		rc = 1;
	}
	sodium_memzero(pw, sizeof(pw));
	if (rc)
		goto out;
	rc = 1;
	if (db_begin(&db) < 0)
		goto out;
	org_id = secretariat_org(&db, org_name);
	if (org_id <= 0)
		goto rollback;
	const char *lang = strcmp(cfg->default_lang, "en") == 0 ? "en" : "ja";
	enum acct_result r = user_create(&db, org_id, email, name, "team_admin", lang, hash, &user_id);
	if (r == ACCT_DUPLICATE) {
		fprintf(stderr, "shisa admin: the email address %s is already in use\n", email);
		goto rollback;
	}
	if (r != ACCT_OK ||
	    cli_audit_write(&db, "user.create", "user", user_id,
	              json_pack("{s:s,s:s,s:I}", "email", email, "role", "team_admin", "org_id", (json_int_t)org_id)) < 0 ||
	    db_commit(&db) < 0)
		goto rollback;
	printf("created user %s (id %lld): a secretariat account in \"%s\"\n", email, (long long)user_id, org_name);
	rc = 0;
	goto out;
rollback:
	db_rollback(&db);
out:
	sodium_memzero(hash, sizeof(hash));
	db_close(&db);
	return rc;
}

static int admin_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{"email", required_argument, NULL, 'e'}, {"name", required_argument, NULL, 'n'},
		{"org", required_argument, NULL, 'o'},   {"password-stdin", no_argument, NULL, 'p'},
		{"db", required_argument, NULL, 'd'},    {"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
	};
	struct config cfg;
	char err[512];
	const char *email = NULL, *name = NULL, *org = "Secretariat";
	bool from_stdin = false;
	if (argc < 2 || argv[1][0] == '-') {
		bool help = argc >= 2 && !strcmp(argv[1], "--help");
		return cli_usage(&cli_admin, help);
	}
	if (strcmp(argv[1], "create") != 0) {
		fprintf(stderr, "shisa admin: unknown subcommand \"%s\"\n", argv[1]);
		return cli_usage(&cli_admin, false);
	}
	if (cli_config(&cfg, argc, argv) < 0)
		return 1;
	argc--, argv++;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'e': email = optarg; break;
		case 'n': name = optarg; break;
		case 'o': org = optarg; break;
		case 'p': from_stdin = true; break;
		case 'c': break;
		case 'd':
			if (config_set(&cfg, "db", optarg, err, sizeof(err)) < 0) {
				fprintf(stderr, "shisa admin: %s\n", err);
				return 2;
			}
			break;
		case 'h': return cli_usage(&cli_admin, true);
		default: return cli_usage(&cli_admin, false);
		}
	}
	if (optind < argc || !email || !name) {
		if (optind >= argc)
			fprintf(stderr, "shisa admin create: --email and --name are required\n\n");
		return cli_usage(&cli_admin, false);
	}
	if (!cli_text_ok(email, EMAIL_MAX) || !mail_addr_valid(email)) {
		fprintf(stderr, "shisa admin create: \"%s\" is not a valid email address\n", email);
		return 2;
	}
	if (!cli_text_ok(name, USER_NAME_MAX)) {
		fprintf(stderr, "shisa admin create: --name must be 1 to %d characters, no control characters\n",
		        USER_NAME_MAX);
		return 2;
	}
	if (!cli_text_ok(org, ORG_NAME_MAX)) {
		fprintf(stderr, "shisa admin create: --org must be 1 to %d characters, no control characters\n",
		        ORG_NAME_MAX);
		return 2;
	}
	if (!from_stdin && !isatty(STDIN_FILENO)) {
		fprintf(stderr, "shisa admin create: standard input is not a terminal: use --password-stdin\n");
		return 2;
	}
	return create(&cfg, email, name, org, from_stdin);
}
