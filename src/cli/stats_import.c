/* `shisa stats import FILE.csv`: the association's membership history
 * into member_history (src/stats/history*.c does the work). This file
 * reads the options and the file, runs the import with progress on a
 * terminal, and prints every refused row with its line and reason, then
 * one summary. All or nothing: one problem anywhere and nothing is
 * written. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "core/clock.h"
#include "stats/history.h"

static int import_cmd(int argc, char **argv);

const struct cli_cmd cli_stats_import = {
	"import", "load membership history (join dates, industries, ...) from CSV",
	"usage: shisa stats import [--replace] [--dry-run] [--db PATH] [--config FILE] FILE|-\n"
	"\n"
	"Loads the association's membership history from FILE (CSV, UTF-8, a header\n"
	"row; or standard input) so that the statistics (/stats) start with the\n"
	"association's past. One row per team that was or is a member. Columns, in\n"
	"any order, named in English or Japanese:\n"
	"  name               the team's name (required)             チーム名\n"
	"  joined             when it joined (required)              加盟日\n"
	"  left               when it left; empty while a member     退会日\n"
	"  sector             industry                               業種\n"
	"  region             region                                 地域\n"
	"  csirt_type         CSIRT type                             種別\n"
	"  established        when the team was founded              設立日\n"
	"  org_department     organising department (free text)      取り纏め部署\n"
	"  staff_at_founding  staff when founded (0-100000)          設立時の人数\n"
	"  staff_now          staff now (0-100000)                   現在の人数\n"
	"Dates are YYYY, YYYY-MM or YYYY-MM-DD (\"/\" also separates: 2017/7/1), none\n"
	"after today; a date known to the year counts from 1 January. Industry,\n"
	"region and CSIRT type are the directory's keys (ict, kanto, organisational)\n"
	"or their English or Japanese labels (情報通信, 関東, 組織内 CSIRT). Lines\n"
	"starting with # are comments.\n"
	"\n"
	"A row whose name is a directory team's name (English, Japanese or short;\n"
	"case, blanks and full-width letters aside) is linked to that team: the\n"
	"directory's record is then counted, not the row. A name may appear once in\n"
	"the file and once in the history: --replace empties the history first\n"
	"(in the same transaction), to load a corrected file again.\n"
	"\n"
	"All or nothing: when any row is refused, nothing is written, and every\n"
	"refused row is listed with its line and reason (a bad date, an unknown\n"
	"industry, a duplicate name, a missing column, text that is not UTF-8, ...).\n"
	"\n"
	"  --replace        remove the history loaded before, then load FILE\n"
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
	const char *file;
	bool replace;
};

static int audit(void *arg, const struct history_result *res)
{
	struct run *r = arg;
	json_t *detail = json_pack("{s:s,s:I,s:I,s:I,s:b}", "file", r->file, "added", (json_int_t)res->added, "linked",
	                           (json_int_t)res->linked, "removed", (json_int_t)res->removed, "replace", r->replace);
	return cli_audit_write(r->db, "stats.history_import", "member_history", 0, detail);
}

static void progress(void *arg, size_t done, size_t total)
{
	struct run *r = arg;
	cli_progress_count(&r->progress, "rows", (int64_t)done, (int64_t)total);
}

static void print_issues(const struct history_file *f)
{
	struct buf text;
	buf_init(&text, 1 << 16);
	if (f->nissues)
		printf("refused (nothing was written):\n");
	for (size_t i = 0; i < f->nissues; i++) {
		buf_reset(&text);
		history_issue_text(&f->issues[i], LANG_EN, &text);
		if (f->issues[i].line)
			printf("  line %zu: %s\n", f->issues[i].line, text.data ? text.data : "");
		else
			printf("  file: %s\n", text.data ? text.data : "");
	}
	if (f->nproblems > f->nissues)
		printf("(%zu more not listed)\n", f->nproblems - f->nissues);
	buf_release(&text);
}

static int import_cmd(int argc, char **argv)
{
	struct config cfg;
	bool replace = false, dry_run = false;
	const struct cli_more_options more = {.flags = {{"replace", &replace}, {"dry-run", &dry_run}}};
	int stop = cli_db_options(&cfg, argc, argv, &cli_stats_import, "stats import", 1, 1, &more);
	if (stop >= 0)
		return stop;
	const char *file = argv[optind];
	size_t n;
	char *data = cli_read_file("shisa stats import", file, HISTORY_MAX_BYTES, "larger than 32 MiB", &n);
	if (!data)
		return 1;
	/* "Today" in the instance's zone: no row may say it joined later. */
	char today[64];
	clock_local(clock_now(), cfg.default_tz, today, sizeof(today));
	today[10] = '\0';
	struct history_file f;
	history_file_init(&f);
	int status = 1;
	struct db db;
	bool opened = false;
	if (history_parse(&f, data, n, today) < 0) {
		fprintf(stderr, "shisa stats import: out of memory\n");
		goto out;
	}
	if (cli_open_db(&db, &cfg, false) < 0)
		goto out;
	opened = true;
	struct run run = {&db, {"importing", false}, file, replace};
	struct history_options opt = {
		.replace = replace, .dry_run = dry_run, .now = clock_now(), .audit = audit, .audit_arg = &run,
		.progress = progress, .progress_arg = &run,
	};
	struct history_result res;
	int rc = history_apply(&db, &f, &opt, &res);
	cli_progress_end(&run.progress);
	print_issues(&f);
	if (rc < 0) {
		fprintf(stderr, "shisa stats import: %s: nothing written\n", sqlite3_errmsg(db.h));
	} else if (rc > 0) {
		printf("%s: nothing written: %zu problem%s (listed above)\n", file, f.nproblems, f.nproblems == 1 ? "" : "s");
	} else {
		printf("%s%s: %zu row%s imported (%zu linked to directory teams)", dry_run ? "dry run, nothing written: " : "",
		       file, res.added, res.added == 1 ? "" : "s", res.linked);
		if (replace)
			printf(", %lld removed before", (long long)res.removed);
		printf("\n");
		status = 0;
	}
out:
	history_file_release(&f);
	if (opened)
		db_close(&db);
	free(data);
	return status;
}
