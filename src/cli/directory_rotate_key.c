/* `shisa directory rotate-key`: replace the key that signs the offline
 * snapshots (snapshot_key_history.h), then write a snapshot signed with
 * the new one, so there is a copy to hand out with the new key file. A
 * running server on the same database notices the new key within a
 * second (dir_version.h) and remakes the snapshot members download. */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <unistd.h>
#include "cli/cli.h"
#include "directory/snapshot_key_history.h"

static int rotate_cmd(int argc, char **argv);

const struct cli_cmd cli_directory_rotate_key = {
	"rotate-key", "replace the key that signs the snapshots",
	"usage: shisa directory rotate-key [--compromised] [--out DIR] [--db PATH] [--config FILE]\n"
	"\n"
	"Make a new Ed25519 key to sign the offline snapshots with, and write a\n"
	"snapshot signed by it into DIR (as `shisa directory snapshot` does; the\n"
	"two paths are printed). The old secret key is deleted; its public key\n"
	"stays listed as retired in the key file (`shisa directory pubkey`,\n"
	"/api/v1/directory/snapshot.key), so `shisa directory verify` still checks\n"
	"the copies it signed before the rotation. The rotation is audited\n"
	"(snapshot.key_rotate). A running server takes the new key within seconds\n"
	"and signs its next snapshot with it. Announce the new key to the members\n"
	"as you announced the first (docs/snapshot.md).\n"
	"\n"
	"  --compromised  the old key leaked: nothing it signed is trusted any more,\n"
	"                 not even copies made before the rotation (without it, the\n"
	"                 old key is superseded: copies that say they were made\n"
	"                 before the rotation still verify)\n"
	"  --out DIR      folder for the new snapshot (default: the current folder)\n"
	"  --db PATH      database file (default ./var/shisa.db or $SHISA_DB)\n"
	"  --config FILE  configuration file (default ./shisa.conf when present)\n",
	rotate_cmd,
};

static int rotate_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{"compromised", no_argument, NULL, 'x'}, {"out", required_argument, NULL, 'o'},
		{"db", required_argument, NULL, 'd'},    {"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
	};
	static const char label[] = "directory rotate-key";
	struct config cfg;
	char err[512];
	const char *out = ".";
	enum snapkey_reason reason = SNAPKEY_SUPERSEDED;
	if (cli_config(&cfg, argc, argv) < 0)
		return 1;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'x') {
			reason = SNAPKEY_COMPROMISED;
		} else if (o == 'o') {
			out = optarg;
		} else if (o == 'd') {
			if (config_set(&cfg, "db", optarg, err, sizeof(err)) < 0) {
				fprintf(stderr, "shisa %s: %s\n", label, err);
				return 2;
			}
		} else if (o == 'h') {
			return cli_usage(&cli_directory_rotate_key, true);
		} else if (o != 'c') {
			return cli_usage(&cli_directory_rotate_key, false);
		}
	}
	if (optind < argc)
		return cli_usage(&cli_directory_rotate_key, false);
	if (cli_snapshot_folder(out, label) != 0)
		return 2;

	struct db db;
	if (cli_open_db(&db, &cfg, false) < 0)
		return 1;
	unsigned char old_pk[SNAPKEY_PK_BYTES], new_pk[SNAPKEY_PK_BYTES];
	const struct passwd *pw = getpwuid(geteuid());
	int rotated = snapkey_rotate(&db, reason, pw ? pw->pw_name : "?", old_pk, new_pk);
	if (rotated < 0) {
		fprintf(stderr, "shisa %s: cannot replace the snapshot key: %s\n", label, sqlite3_errmsg(db.h));
		db_close(&db);
		return 1;
	}
	if (rotated == 0) {
		fprintf(stderr, "shisa %s: there was no snapshot key yet: the first one is made now\n", label);
	} else {
		char old_text[SNAPKEY_TEXT_LEN + 1], new_text[SNAPKEY_TEXT_LEN + 1];
		snapkey_text(old_pk, old_text);
		snapkey_text(new_pk, new_text);
		fprintf(stderr, "shisa %s: the snapshots are now signed with %s\n", label, new_text);
		fprintf(stderr, "shisa %s: %s is retired as %s\n", label, old_text,
		        reason == SNAPKEY_COMPROMISED
		        ? "compromised: nothing it signed verifies any more"
		        : "superseded: the copies it signed before now still verify");
	}
	int rc = cli_snapshot_write(&db, &cfg, out, label);
	db_close(&db);
	if (rc == 0)
		fprintf(stderr, "shisa %s: publish the new key file (shisa directory pubkey) as you did the first\n", label);
	return rc;
}
