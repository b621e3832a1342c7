/* `shisa mail SUBCOMMAND`: the mail system's side of shisa. `bounce`
 * reads one delivery status notification on standard input, as postfix's
 * pipe(8) transport delivers mail for the bounce address (docs/mail.md),
 * and records the addresses that failed against the directory's contacts
 * and people. Its exit status follows sysexits(3), which pipe(8) reads: a
 * message that is not a DSN is refused (and returned to its sender by
 * postfix), a database that cannot be written is a temporary failure, so
 * postfix keeps the DSN and tries again. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include "cli/cli.h"
#include "core/buf.h"
#include "core/clock.h"
#include "directory/bounce.h"
#include "mail/dsn.h"

static int mail_cmd(int argc, char **argv);
static int mail_bounce_cmd(int argc, char **argv);

const struct cli_cmd cli_mail = {
	"mail", "read bounces (delivery status notifications) from the mail system",
	"usage: shisa mail bounce [--db PATH] [--config FILE] < MESSAGE\n"
	"\n"
	"  bounce         read one delivery status notification (RFC 3464: a\n"
	"                 multipart/report as an MTA returns it to the envelope\n"
	"                 sender) on standard input and record each recipient whose\n"
	"                 Action is \"failed\" as bouncing, against every team email\n"
	"                 contact and person with that address (Final-Recipient or\n"
	"                 Original-Recipient, any case), audited. Delayed recipients\n"
	"                 (temporary failures) and delivered ones are not bounces.\n"
	"                 A bounce shows on /admin/stale and on the team's page until\n"
	"                 the team confirms its record or changes the address.\n"
	"                 Prints one line per recipient: address, action and status,\n"
	"                 what was recorded.\n"
	"                 Exit status: 0 read (also when no address matched); 1 not a\n"
	"                 well-formed DSN (the reason on stderr); 2 usage; 75\n"
	"                 (EX_TEMPFAIL) the configuration or database could not be\n"
	"                 used, so that postfix tries again later.\n"
	"  --db PATH      database file (default ./var/shisa.db or $SHISA_DB)\n"
	"  --config FILE  configuration file (default ./shisa.conf when present)\n",
	mail_cmd,
};

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} mail_subcommands[] = {
	{"bounce", mail_bounce_cmd},
};

static int mail_cmd(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(&cli_mail, false);
	if (!strcmp(argv[1], "--help"))
		return cli_usage(&cli_mail, true);
	for (size_t i = 0; i < sizeof(mail_subcommands) / sizeof(mail_subcommands[0]); i++)
		if (!strcmp(argv[1], mail_subcommands[i].name))
			return mail_subcommands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "shisa mail: unknown subcommand \"%s\"\n\n", argv[1]);
	return cli_usage(&cli_mail, false);
}

/* Standard input, whole, into B (at most DSN_MAX_BYTES). Return 0, or -1
 * when it is larger or cannot be read. */
static int read_stdin(struct buf *b)
{
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (buf_add(b, chunk, n) < 0)
			return -1;
	return ferror(stdin) ? -1 : 0;
}

/* What one recorded address did, for the line printed after the commit. */
struct recorded {
	struct db *db;
	const char *addr;
	const char *status;
	struct buf *slugs;
};

static int audit_team(int64_t team_id, const char *slug, void *arg)
{
	struct recorded *r = arg;
	if (r->slugs->len)
		buf_adds(r->slugs, ", ");
	buf_adds(r->slugs, slug);
	json_t *detail = json_pack("{s:s,s:s,s:s}", "slug", slug, "address", r->addr, "status", r->status);
	return cli_audit_write(r->db, "team.contact_bounce", "team", team_id, detail);
}

/* Record the failed recipient R (both of its addresses when they differ);
 * the line for it goes to OUT. Return 0 or -1. */
static int record_failed(struct db *db, const struct dsn_recipient *rcpt, int64_t now, struct buf *out)
{
	const char *addrs[2] = {rcpt->original_addr, rcpt->final_addr};
	if (addrs[0][0] && !strcasecmp(addrs[0], addrs[1]))
		addrs[1] = "";
	struct buf slugs;
	buf_init(&slugs, 1u << 20);
	int teams = 0;
	for (int i = 0; i < 2 && teams >= 0; i++) {
		if (!addrs[i][0])
			continue;
		struct recorded r = {db, addrs[i], rcpt->status, &slugs};
		int n = bounce_record(db, addrs[i], rcpt->status, rcpt->diagnostic, now, audit_team, &r);
		teams = n < 0 ? -1 : teams + n;
	}
	const char *shown = addrs[0][0] ? addrs[0] : addrs[1][0] ? addrs[1] : "-";
	if (teams > 0)
		buf_printf(out, "%s\tfailed %s\trecorded as bouncing for %s\n", shown, rcpt->status, slugs.data);
	else if (teams == 0 && !strcmp(shown, "-"))
		buf_printf(out, "-\tfailed %s\tno Internet address to record\n", rcpt->status);
	else if (teams == 0)
		buf_printf(out, "%s\tfailed %s\tno team contact or person has this address\n", shown, rcpt->status);
	buf_release(&slugs);
	return teams < 0 ? -1 : 0;
}

static int mail_bounce_cmd(int argc, char **argv)
{
	struct config cfg;
	char err[512];
	int stop = cli_db_options(&cfg, argc, argv, &cli_mail, "mail bounce", 0, 0, NULL);
	if (stop >= 0)
		return stop == 1 ? EX_TEMPFAIL : stop;
	struct buf msg, out;
	buf_init(&msg, DSN_MAX_BYTES);
	if (read_stdin(&msg) < 0) {
		fprintf(stderr, "shisa mail bounce: the message on standard input is larger than %zu bytes or "
		        "cannot be read\n", DSN_MAX_BYTES);
		buf_release(&msg);
		return 1;
	}
	struct dsn_report *rep = malloc(sizeof(*rep));
	if (!rep || dsn_parse(msg.data, msg.len, rep, err, sizeof(err)) < 0) {
		fprintf(stderr, "shisa mail bounce: %s\n", rep ? err : "out of memory");
		free(rep);
		buf_release(&msg);
		return rep ? 1 : EX_TEMPFAIL;
	}
	buf_release(&msg);
	struct db db;
	if (cli_open_db(&db, &cfg, false) < 0) {
		free(rep);
		return EX_TEMPFAIL;
	}
	buf_init(&out, 1u << 20);
	int64_t now = clock_now();
	int rc = db_begin(&db);
	for (size_t i = 0; rc == 0 && i < rep->n; i++) {
		const struct dsn_recipient *r = &rep->rcpt[i];
		if (r->action == DSN_FAILED)
			rc = record_failed(&db, r, now, &out);
		else
			buf_printf(&out, "%s\t%s %s\tnot a bounce: nothing recorded\n",
			           r->original_addr[0] ? r->original_addr : r->final_addr[0] ? r->final_addr : "-",
			           dsn_action_name(r->action), r->status);
	}
	if (rc == 0)
		rc = db_commit(&db);
	if (rc < 0) {
		db_rollback(&db);
		fprintf(stderr, "shisa mail bounce: cannot record the bounces: %s\n", sqlite3_errmsg(db.h));
	} else if (out.data) {
		fputs(out.data, stdout);
	}
	buf_release(&out);
	db_close(&db);
	free(rep);
	return rc < 0 ? EX_TEMPFAIL : 0;
}
