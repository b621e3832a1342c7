/* `shisa directory export`: the directory, or one team, in a standard
 * format (JSON in FIRST-style scopes, CSV, vCard, RFC 2350) to a file or
 * stdout. The operator on the machine may read every scope, but the
 * default is "members": an export file travels (mail, shared drives), so
 * secretariat-only fields leave only when --scope all names them. The
 * records come from the same code as the web exports (directory_export.c,
 * export.c); a file is written beside FILE and renamed, so FILE is never
 * half written. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "core/clock.h"
#include "directory/directory_export.h"
#include "directory/export.h"

static int export_cmd(int argc, char **argv);

const struct cli_cmd cli_directory_export = {
	"export", "write the directory as JSON, CSV, vCard or RFC 2350",
	"usage: shisa directory export [--format json|csv|vcard|rfc2350]\n"
	"                              [--scope members|public|minimal|all] [--team SLUG]\n"
	"                              [--lang ja|en] [--out FILE] [--db PATH] [--config FILE]\n"
	"\n"
	"Writes every listed team (or only --team SLUG) with the fields SCOPE may see.\n"
	"\n"
	"  --format   json (default): {\"version\",\"scope\",\"generated\",\"total\",\"data\":[...]}\n"
	"             as GET /api/v1/teams/export answers; csv: UTF-8 with a byte order\n"
	"             mark, one line per team; vcard: vCard 4.0, a card per team and per\n"
	"             point of contact; rfc2350: one RFC 2350 document per team,\n"
	"             separated by a form feed line\n"
	"  --scope    members (default): what member teams may see; public: what\n"
	"             everyone may see; minimal: names, country, website, incident\n"
	"             contacts and key fingerprints, as members see them; all: every\n"
	"             field, visibility settings and suspended or withdrawn teams too.\n"
	"             \"all\" holds secretariat-only data: ask for it by name only for a\n"
	"             file that stays with the secretariat\n"
	"  --team     only the team with this slug\n"
	"  --lang     which texts an RFC 2350 document prefers (default: default_lang)\n"
	"  --out      write to FILE (made beside it, then renamed; mode 0600) instead of\n"
	"             stdout\n"
	"  --db PATH      database file (default ./var/shisa.db or $SHISA_DB)\n"
	"  --config FILE  configuration file (default ./shisa.conf when present)\n"
	"\n"
	"On a terminal, progress is shown on stderr. Exit status 1 when the team\n"
	"is not in the directory at that scope or the export failed, 2 on a\n"
	"usage error.\n",
	export_cmd,
};

enum format { FMT_JSON, FMT_CSV, FMT_VCARD, FMT_RFC2350 };

struct export_run {
	enum format format;
	const char *lang;
	const char *slug;         /* --team, or NULL */
	char today[32];
	FILE *out;
	struct buf b;
	int64_t written;          /* teams written so far */
	bool absent;              /* --team names no listed team */
	struct cli_progress progress;
};

/* Write what the buffer holds and empty it. */
static int drain(struct buf *b, void *arg)
{
	struct export_run *r = arg;
	if (b->len && fwrite(b->data, 1, b->len, r->out) != b->len)
		return -1;
	buf_reset(b);
	return 0;
}

static int start_text(int64_t total, void *arg)
{
	struct export_run *r = arg;
	if (total == 0 && r->slug) {
		r->absent = true;
		return -1;
	}
	if (r->format == FMT_CSV && export_csv_header(&r->b) < 0)
		return -1;
	return drain(&r->b, r);
}

static int each_text(json_t *record, void *arg)
{
	struct export_run *r = arg;
	int rc;
	switch (r->format) {
	case FMT_CSV:
		rc = export_csv_row(&r->b, record);
		break;
	case FMT_VCARD:
		rc = export_vcard(&r->b, record);
		break;
	default:
		/* Form feeds separate the documents, as they separate an RFC's pages. */
		if (r->written)
			buf_adds(&r->b, "\f\n");
		rc = export_rfc2350(&r->b, record, r->lang, r->today);
		break;
	}
	r->written++;
	return rc < 0 ? -1 : drain(&r->b, r);
}

static void progress(int64_t done, int64_t total, void *arg)
{
	struct export_run *r = arg;
	cli_progress_count(&r->progress, "teams", done, total);
}

static int parse_format(const char *s, enum format *f)
{
	static const char *const names[] = {"json", "csv", "vcard", "rfc2350"};
	for (int i = 0; i < 4; i++) {
		if (!strcmp(s, names[i])) {
			*f = (enum format)i;
			return 0;
		}
	}
	return -1;
}

/* Open a file beside PATH to write into; its name goes to TMP. */
static FILE *open_beside(const char *path, char *tmp, size_t n)
{
	snprintf(tmp, n, "%s.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
	}
	return f;
}

/* 1 written, 0 when --team names no listed team, -1 on failure. */
static int run_export(struct db *db, struct export_run *r, enum export_scope scope)
{
	struct export_walk w = {
		.scope = scope, .level = export_scope_level(scope, DIR_ALL), .slug = r->slug,
		.progress = progress, .arg = r,
	};
	int64_t n;
	if (r->format == FMT_JSON) {
		char now[32];
		struct jw jw;
		clock_iso_utc(clock_now(), now, sizeof(now));
		jw_init(&jw, &r->b);
		n = export_json_document(db, &w, now, &jw, drain, r);
		r->absent = r->slug && n == 0;
		if (n > 0 || (n == 0 && !r->slug))
			fputc('\n', r->out);
	} else {
		w.start = start_text;
		w.each = each_text;
		n = export_walk_run(db, &w);
	}
	cli_progress_end(&r->progress);
	return r->absent ? 0 : n < 0 ? -1 : 1;
}

/* Make FILE from what was written beside it, or remove that. */
static int finish(struct export_run *r, int rc, const char *path, const char *tmp)
{
	bool flushed = fflush(r->out) == 0;
	if (rc > 0 && !flushed)
		fprintf(stderr, "shisa directory export: cannot write: %s\n", strerror(errno));
	if (!path)
		return rc > 0 && flushed ? 0 : 1;
	bool closed = fclose(r->out) == 0;
	if (rc > 0 && flushed && closed && rename(tmp, path) == 0)
		return 0;
	if (rc > 0 && flushed)
		fprintf(stderr, "shisa directory export: cannot write %s: %s\n", path, strerror(errno));
	unlink(tmp);
	return 1;
}

static int export_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},     {"config", required_argument, NULL, 'c'},
		{"format", required_argument, NULL, 'f'}, {"scope", required_argument, NULL, 's'},
		{"team", required_argument, NULL, 't'},   {"lang", required_argument, NULL, 'l'},
		{"out", required_argument, NULL, 'o'},    {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const struct cli_cmd *cmd = &cli_directory_export;
	struct config cfg;
	char err[512];
	if (cli_config(&cfg, argc, argv) < 0)
		return 1;
	struct export_run r = {.format = FMT_JSON, .lang = cfg.default_lang, .progress = {"export", false}};
	enum export_scope scope = EXPORT_MEMBERS;
	const char *path = NULL;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'd':
			if (config_set(&cfg, "db", optarg, err, sizeof(err)) < 0) {
				fprintf(stderr, "shisa directory export: %s\n", err);
				return 2;
			}
			break;
		case 'c': break;
		case 'f':
			if (parse_format(optarg, &r.format) < 0) {
				fprintf(stderr, "shisa directory export: --format: want json, csv, vcard or rfc2350, got \"%s\"\n",
				        optarg);
				return 2;
			}
			break;
		case 's':
			if (export_scope_parse(optarg, &scope) < 0) {
				fprintf(stderr, "shisa directory export: --scope: want members, public, minimal or all, got \"%s\"\n",
				        optarg);
				return 2;
			}
			break;
		case 't': r.slug = optarg; break;
		case 'l':
			if (strcmp(optarg, "ja") != 0 && strcmp(optarg, "en") != 0) {
				fprintf(stderr, "shisa directory export: --lang: want ja or en, got \"%s\"\n", optarg);
				return 2;
			}
			r.lang = optarg;
			break;
		case 'o': path = optarg; break;
		case 'h': return cli_usage(cmd, true);
		default: return cli_usage(cmd, false);
		}
	}
	if (optind != argc)
		return cli_usage(cmd, false);

	/* Read as it is: an export must not change the database. */
	struct db db;
	if (db_open(&db, cfg.db_path, false, err, sizeof(err)) < 0) {
		fprintf(stderr, "shisa directory export: %s\n", err);
		return 1;
	}
	char tmp[1024] = "";
	r.out = path ? open_beside(path, tmp, sizeof(tmp)) : stdout;
	if (!r.out) {
		fprintf(stderr, "shisa directory export: cannot write beside %s: %s\n", path, strerror(errno));
		db_close(&db);
		return 1;
	}
	clock_iso_utc(clock_now(), r.today, sizeof(r.today));
	r.today[10] = '\0';
	buf_init(&r.b, 64u << 20);
	int rc = run_export(&db, &r, scope);
	if (rc == 0)
		fprintf(stderr, "shisa directory export: no team \"%s\" in the directory at scope %s\n", r.slug,
		        export_scope_name(scope));
	else if (rc < 0)
		fprintf(stderr, "shisa directory export: the export failed: %s\n",
		        ferror(r.out) ? strerror(errno) : sqlite3_errmsg(db.h));
	buf_release(&r.b);
	db_close(&db);
	return finish(&r, rc, path, tmp);
}
