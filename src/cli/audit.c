/* `shisa audit SUBCOMMAND`: work on the audit log. Like git's commands
 * with subcommands, this file only finds the subcommand and hands over;
 * `verify` walks the hash chain and names the first row that was changed
 * or removed. */
#include <stdio.h>
#include <string.h>
#include "audit/audit.h"
#include "cli/cli.h"

static int audit_cmd(int argc, char **argv);
static int audit_verify_cmd(int argc, char **argv);

const struct cli_cmd cli_audit = {
	"audit", "check the audit log",
	"usage: shisa audit verify [--db PATH] [--config FILE]\n"
	"\n"
	"  verify         walk the audit log's hash chain from the first row; exit 1\n"
	"                 and name the first row that was changed or removed\n"
	"  --db PATH      database file (default ./var/shisa.db or $SHISA_DB)\n"
	"  --config FILE  configuration file (default ./shisa.conf when present)\n",
	audit_cmd,
};

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} audit_subcommands[] = {
	{"verify", audit_verify_cmd},
};

static int audit_cmd(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(&cli_audit, false);
	if (!strcmp(argv[1], "--help"))
		return cli_usage(&cli_audit, true);
	for (size_t i = 0; i < sizeof(audit_subcommands) / sizeof(audit_subcommands[0]); i++)
		if (!strcmp(argv[1], audit_subcommands[i].name))
			return audit_subcommands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "shisa audit: unknown subcommand \"%s\"\n\n", argv[1]);
	return cli_usage(&cli_audit, false);
}

static int audit_verify_cmd(int argc, char **argv)
{
	struct config cfg;
	char err[512];
	int stop = cli_db_options(&cfg, argc, argv, &cli_audit, "audit verify", 0, 0, NULL);
	if (stop >= 0)
		return stop;
	/* Opened as it is: checking the log must not change the database. */
	struct db db;
	if (db_open(&db, cfg.db_path, false, err, sizeof(err)) < 0) {
		fprintf(stderr, "shisa audit verify: %s\n", err);
		return 1;
	}
	struct audit_check chk;
	int rc = audit_verify(&db, &chk);
	if (rc < 0)
		fprintf(stderr, "shisa audit verify: cannot read the audit log of %s: %s\n", cfg.db_path,
		        sqlite3_errmsg(db.h));
	else if (rc == 0)
		printf("audit log: %lld row%s, chain intact\n", (long long)chk.checked, chk.checked == 1 ? "" : "s");
	else
		printf("audit log: chain broken at row %lld (%lld row%s checked)\n", (long long)chk.first_broken_id,
		       (long long)chk.checked, chk.checked == 1 ? "" : "s");
	db_close(&db);
	return rc == 0 ? 0 : 1;
}
