/* `shisa directory import FILE`: team records from an RFC 2350 document,
 * a security.txt, Trusted Introducer's teams.json or the directory's CSV
 * export (src/directory/import*.c does the work). This file reads the
 * options and the file, checks a signature with the team's keys, runs
 * the import with progress on a terminal, and prints the report: every
 * refused and every skipped line with its reason, then one summary. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli/cli.h"
#include "directory/changed.h"
#include "directory/import.h"

static int import_cmd(int argc, char **argv);

const struct cli_cmd cli_directory_import = {
	"import", "create or update teams from RFC 2350, security.txt, TI teams.json or CSV",
	"usage: shisa directory import [--format FORMAT] [--team SLUG] [--dry-run]\n"
	"                              [--db PATH] [--config FILE] FILE|-\n"
	"\n"
	"Reads team records from FILE (or standard input) and creates or updates the\n"
	"teams it describes. FORMAT is one of\n"
	"  rfc2350       an RFC 2350 document (one team)\n"
	"  securitytxt   a security.txt file, plain or clear-signed (RFC 9116; one\n"
	"                existing team: its contact addresses and numbers)\n"
	"  ti-json       Trusted Introducer's teams.json (an array of teams)\n"
	"  csv           the directory's own CSV export (/directory.csv)\n"
	"and is guessed from the content when not given (the guess is said).\n"
	"\n"
	"What the file gives is set; what it leaves out or empty is kept. Contacts\n"
	"and constituency rules of the kinds the file gives replace the team's of\n"
	"those kinds. A team is found by --team, the file's slug (csv), its short\n"
	"name, or a slug made from its short or English name; a team that does not\n"
	"exist yet is created. Every value is checked as the API checks it.\n"
	"\n"
	"All or nothing: when any value is refused, nothing is written, and every\n"
	"refused line is listed with its reason. Lines with no place in a team\n"
	"record are listed as not imported. A clear-signed file is checked against\n"
	"the team's OpenPGP keys; a signature that cannot be verified is a warning.\n"
	"\n"
	"  --format FORMAT  the file's format (default: guessed)\n"
	"  --team SLUG      the team the file describes (one-team files)\n"
	"  --dry-run        check and report; write nothing\n"
	"  --db PATH        database file (default ./var/shisa.db or $SHISA_DB)\n"
	"  --config FILE    configuration file (default ./shisa.conf when present)\n"
	"\n"
	"Exit status: 0 imported (or a clean dry run), 1 something was refused or\n"
	"failed (nothing written), 2 usage error.\n",
	import_cmd,
};

struct run {
	struct db *db;
	struct cli_progress progress;
	const char *format;
};

static int audit_team(void *arg, int64_t team_id, const char *slug, enum import_outcome outcome)
{
	struct run *r = arg;
	json_t *detail = json_pack("{s:s,s:s,s:s}", "slug", slug, "result", outcome == IMPORT_CREATED ? "created" : "updated",
	                           "format", r->format);
	return cli_audit_write(r->db, "team.import", "team", team_id, detail);
}

/* A line on a terminal for files of many teams, about every 1%. */
static void progress(void *arg, size_t done, size_t total)
{
	struct run *r = arg;
	if (total < 100 || (done != total && done % (total / 100) != 0))
		return;
	cli_progress_of(&r->progress, "teams", (int)done, (int)total);
}

static void print_issues(const struct import_doc *d, bool rejected)
{
	struct buf reason;
	buf_init(&reason, 1 << 16);
	bool first = true;
	for (size_t i = 0; i < d->nissues; i++) {
		const struct import_issue *is = &d->issues[i];
		if (is->rejected != rejected)
			continue;
		if (first)
			printf("%s\n", rejected ? "refused (nothing was written):" : "not imported:");
		first = false;
		buf_reset(&reason);
		import_issue_reason(is, LANG_EN, &reason);
		printf("  ");
		if (is->line)
			printf("line %zu", is->line);
		else
			printf("file");
		if (is->record)
			printf(" (%s %zu)", d->format == IMPORT_CSV ? "row" : "record", is->record);
		if (*is->excerpt)
			printf(": '%s'", is->excerpt);
		if (*is->field)
			printf("%s%s", *is->excerpt ? " \xE2\x86\x92 " : ": ", is->field);
		printf(": %s\n", reason.data ? reason.data : "");
	}
	buf_release(&reason);
}

static int import_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},    {"config", required_argument, NULL, 'c'},
		{"format", required_argument, NULL, 'f'}, {"team", required_argument, NULL, 't'},
		{"dry-run", no_argument, NULL, 'n'},      {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct config cfg;
	char err[512];
	const char *format = NULL, *team = NULL;
	bool dry_run = false;
	if (cli_config(&cfg, argc, argv) < 0)
		return 1;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'd':
			if (config_set(&cfg, "db", optarg, err, sizeof(err)) < 0) {
				fprintf(stderr, "shisa directory import: %s\n", err);
				return 2;
			}
			break;
		case 'c': break;
		case 'f': format = optarg; break;
		case 't': team = optarg; break;
		case 'n': dry_run = true; break;
		case 'h': return cli_usage(&cli_directory_import, true);
		default: return cli_usage(&cli_directory_import, false);
		}
	}
	if (optind != argc - 1)
		return cli_usage(&cli_directory_import, false);
	enum import_format f = IMPORT_RFC2350;
	if (format && import_format_parse(format, &f) < 0) {
		fprintf(stderr, "shisa directory import: unknown format \"%s\" (rfc2350, securitytxt, ti-json or csv)\n", format);
		return 2;
	}
	size_t n;
	char *data = cli_read_file("shisa directory import", argv[optind], IMPORT_MAX_BYTES, "larger than 32 MiB: split it", &n);
	if (!data)
		return 1;
	if (!format) {
		f = import_guess(data, n);
		fprintf(stderr, "shisa directory import: format %s (guessed from the content; --format chooses)\n",
		        import_format_name(f));
	}
	struct db db;
	if (cli_open_db(&db, &cfg, false) < 0) {
		free(data);
		return 1;
	}
	struct import_doc d;
	struct import_result res = {0};
	struct run run = {&db, {"importing", false}, import_format_name(f)};
	import_doc_init(&d, f);
	d.guessed = !format;
	int rc = import_parse(&d, data, n);
	if (rc == 0 && d.sig == IMPORT_SIG_UNCHECKED) {
		char slug[65], **keys = NULL;
		size_t nkeys = 0;
		int found = import_signer_slug(&db, &d, team, slug);
		rc = found < 0 || (found && import_team_keys(&db, slug, &keys, &nkeys) < 0) ? -1 : 0;
		if (rc == 0)
			import_verify_signature(&d, (const char *const *)keys, nkeys);
		import_keys_free(keys, nkeys);
	}
	struct import_options opt = {
		.team = team, .dry_run = dry_run, .now = time(NULL), .audit = audit_team, .audit_arg = &run,
		.progress = progress, .progress_arg = &run,
	};
	if (rc == 0)
		rc = import_apply(&db, &d, &opt, &res);
	cli_progress_end(&run.progress);
	if (res.written)
		directory_changed(res.rules_changed ? DIR_CHANGED_RULES | DIR_CHANGED_RECORD : DIR_CHANGED_RECORD);

	print_issues(&d, true);
	print_issues(&d, false);
	if (d.unlisted)
		printf("(%zu more not listed)\n", d.unlisted);
	if (d.sig == IMPORT_SIG_GOOD)
		printf("signature: good, by the team's key %s\n", d.sig_fpr);
	int status = 0;
	if (rc < 0) {
		fprintf(stderr, "shisa directory import: %s: nothing written\n", sqlite3_errmsg(db.h));
		status = 1;
	} else if (d.nrejected) {
		printf("%s: nothing written: %zu problem%s (listed above)\n", argv[optind], d.nrejected,
		       d.nrejected == 1 ? "" : "s");
		status = 1;
	} else {
		printf("%s%s (%s): %zu team%s created, %zu updated, %zu unchanged\n", dry_run ? "dry run, nothing written: " : "",
		       argv[optind], import_format_name(f), res.created, res.created == 1 ? "" : "s", res.updated, res.unchanged);
	}
	import_result_release(&res);
	import_doc_release(&d);
	db_close(&db);
	free(data);
	return status;
}
