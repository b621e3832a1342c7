/* `shisa directory snapshot`: write the signed offline snapshot of the
 * directory (src/directory/snapshot.h) into a folder, from the database
 * directly: the same two files the server keeps for members to download,
 * named by the time they were made so that copies can sit side by side. */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/cli.h"
#include "core/clock.h"
#include "directory/snapshot.h"

static int snapshot_cmd(int argc, char **argv);

const struct cli_cmd cli_directory_snapshot = {
	"snapshot", "write the signed offline snapshot (HTML and JSON)",
	"usage: shisa directory snapshot [--out DIR] [--db PATH] [--config FILE]\n"
	"\n"
	"Write the offline snapshot of the directory, as member teams see it, for\n"
	"when the platform is down: one self-contained HTML page (printable, no\n"
	"external assets, no script) and one JSON document, both signed with the\n"
	"instance's snapshot key (made on first use and kept in the database), as\n"
	"DIR/shisa-directory-YYYYMMDD-HHMMSSZ.html and .json. Prints the two paths.\n"
	"Check a copy with `shisa directory verify FILE`; publish the key with\n"
	"`shisa directory pubkey`.\n"
	"\n"
	"  --out DIR      folder to write into (default: the current folder)\n"
	"  --db PATH      database file (default ./var/shisa.db or $SHISA_DB)\n"
	"  --config FILE  configuration file (default ./shisa.conf when present)\n",
	snapshot_cmd,
};

struct progress_line {
	bool shown;
	int last_pct;
};

/* On a terminal: "snapshot: 1200/3000 teams (40%)", redrawn when the
 * percentage moves. */
static void show_progress(void *arg, int done, int total)
{
	struct progress_line *p = arg;
	int pct = total > 0 ? (int)((int64_t)done * 100 / total) : 100;
	if (!cli_interactive() || (p->shown && pct == p->last_pct && done < total))
		return;
	fprintf(stderr, "\rsnapshot: %d/%d teams (%d%%)\033[K", done, total, pct);
	p->shown = true;
	p->last_pct = pct;
	if (done == total) {
		fputc('\n', stderr);
		p->shown = false;
	}
}

int cli_snapshot_folder(const char *out, const char *label)
{
	struct stat st;
	if (stat(out, &st) < 0 || !S_ISDIR(st.st_mode) || access(out, W_OK) < 0) {
		fprintf(stderr, "shisa %s: --out %s: not a folder this account can write in\n", label, out);
		return 2;
	}
	return 0;
}

int cli_snapshot_write(struct db *db, const struct config *cfg, const char *out, const char *label)
{
	char err[512];
	unsigned char pk[SNAPKEY_PK_BYTES], sk[SNAPKEY_SK_BYTES];
	const struct passwd *pw = getpwuid(geteuid());
	if (snapkey_ensure(db, "cli", pw ? pw->pw_name : "?", pk, sk) < 0) {
		fprintf(stderr, "shisa %s: cannot read or make the snapshot key: %s\n", label, sqlite3_errmsg(db->h));
		return 1;
	}
	int64_t now = clock_now();
	char iso[32], stamp[32], html_name[64], json_name[64];
	clock_iso_utc(now, iso, sizeof(iso));
	/* 2026-11-25T10:00:00Z -> 20261125-100000Z */
	snprintf(stamp, sizeof(stamp), "%.4s%.2s%.2s-%.2s%.2s%.2sZ", iso, iso + 5, iso + 8, iso + 11, iso + 14, iso + 17);
	snprintf(html_name, sizeof(html_name), "shisa-directory-%s.html", stamp);
	snprintf(json_name, sizeof(json_name), "shisa-directory-%s.json", stamp);
	struct progress_line pl = {0};
	struct snapshot_params p = {
		.instance = cfg->instance_name, .url = cfg->base_url, .tz = cfg->default_tz, .generated_at = now,
		/* Member teams' data: the owner and the group, nobody else. */
		.dir = out, .html_name = html_name, .json_name = json_name, .file_mode = 0640,
		.progress = show_progress, .progress_arg = &pl,
	};
	struct snapshot_result r;
	int rc = snapshot_generate(db, &p, pk, sk, &r, err, sizeof(err));
	sodium_memzero(sk, sizeof(sk));
	if (pl.shown)
		fputc('\n', stderr);
	if (rc < 0) {
		fprintf(stderr, "shisa %s: %s\n", label, err);
		return 1;
	}
	printf("%s/%s\n%s/%s\n", out, html_name, out, json_name);
	fprintf(stderr, "shisa %s: %lld team%s, signed with %s (%zu + %zu bytes)\n", label, (long long)r.header.teams,
	        r.header.teams == 1 ? "" : "s", r.header.public_key, r.html_bytes, r.json_bytes);
	return 0;
}

static int snapshot_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{"out", required_argument, NULL, 'o'}, {"db", required_argument, NULL, 'd'},
		{"config", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	struct config cfg;
	char err[512];
	const char *out = ".";
	if (cli_config(&cfg, argc, argv) < 0)
		return 1;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'o') {
			out = optarg;
		} else if (o == 'd') {
			if (config_set(&cfg, "db", optarg, err, sizeof(err)) < 0) {
				fprintf(stderr, "shisa directory snapshot: %s\n", err);
				return 2;
			}
		} else if (o == 'h') {
			return cli_usage(&cli_directory_snapshot, true);
		} else if (o != 'c') {
			return cli_usage(&cli_directory_snapshot, false);
		}
	}
	if (optind < argc)
		return cli_usage(&cli_directory_snapshot, false);
	if (cli_snapshot_folder(out, "directory snapshot") != 0)
		return 2;
	struct db db;
	if (cli_open_db(&db, &cfg, false) < 0)
		return 1;
	int rc = cli_snapshot_write(&db, &cfg, out, "directory snapshot");
	db_close(&db);
	return rc;
}
