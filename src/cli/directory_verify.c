/* `shisa directory verify FILE`: check a signed offline snapshot (HTML or
 * JSON) against the instance's public key and say plainly whether it is
 * the file the instance signed, or what is wrong with it. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "core/clock.h"
#include "directory/snapshot_key_history.h"

static int verify_cmd(int argc, char **argv);

const struct cli_cmd cli_directory_verify = {
	"verify", "check a snapshot's signature",
	"usage: shisa directory verify FILE [--key KEY] [--db PATH] [--config FILE]\n"
	"\n"
	"Check an offline snapshot (the HTML or the JSON file, as `shisa directory\n"
	"snapshot` wrote it or as downloaded from the directory page): its last line\n"
	"must be a good Ed25519 signature, by the instance's key, over every byte\n"
	"before it. Prints OK with the instance, the time it was generated and the\n"
	"number of teams, or REFUSED and what is wrong (changed, cut short, signed by\n"
	"another key, not a snapshot).\n"
	"\n"
	"A snapshot signed by a key the instance has since replaced (`shisa directory\n"
	"rotate-key`) verifies with a note when the key was superseded and the\n"
	"snapshot says it was made before that; it is refused when it says it was\n"
	"made later, and always when the key was retired as compromised.\n"
	"\n"
	"  --key KEY      the instance's public key: a key file (as `shisa directory\n"
	"                 pubkey` prints it and /api/v1/directory/snapshot.key serves\n"
	"                 it, with the retired keys it lists), a PEM file, or the key\n"
	"                 itself (ed25519:BASE64)\n"
	"  --db PATH      without --key: use the keys of this database, current and\n"
	"                 retired (default ./var/shisa.db or $SHISA_DB)\n"
	"  --config FILE  configuration file (default ./shisa.conf when present)\n"
	"\n"
	"Exit status: 0 good, 1 refused (or unreadable), 2 usage error.\n",
	verify_cmd,
};

/* The keys from --key: a key file when one is there by that name (with
 * the retired keys it lists), else the key given as text. */
static int keys_from_option(const char *opt, struct snapkey_history *h)
{
	char text[SNAPKEY_FILE_MAX];
	size_t n = 0;
	FILE *f = fopen(opt, "r");
	if (f) {
		n = fread(text, 1, sizeof(text), f);
		bool whole = feof(f);
		fclose(f);
		if (!whole)
			return -1;
		return snapkey_history_parse(text, n, h);
	}
	return snapkey_history_parse(opt, strlen(opt), h);
}

static int keys_from_db(const struct config *cfg, struct snapkey_history *h)
{
	struct db db;
	if (cli_open_db(&db, cfg, false) < 0)
		return -1;
	int found = snapkey_load(&db, h->current, NULL);
	if (found < 0 || (found == 1 && snapkey_history_load(&db, h) < 0)) {
		fprintf(stderr, "shisa directory verify: cannot read the snapshot keys: %s\n", sqlite3_errmsg(db.h));
		found = -1;
	} else if (found == 0) {
		fprintf(stderr, "shisa directory verify: %s has no snapshot key yet: give the instance's key with --key\n",
		        cfg->db_path);
	}
	db_close(&db);
	return found == 1 ? 0 : -1;
}

static void print_ok(const char *path, const struct snapshot_header *h, const struct snapkey_retired *by)
{
	printf("OK: %s: %s\n", path, snapshot_check_text(SNAPSHOT_OK));
	printf("  instance:  %s%s%s\n", h->instance, h->url[0] ? " " : "", h->url);
	printf("  generated: %s\n", h->generated);
	printf("  contents:  %s, %lld team%s, the directory as %s see it (format %s %d)\n",
	       h->kind == SNAPSHOT_HTML ? "HTML page" : "JSON document", (long long)h->teams, h->teams == 1 ? "" : "s",
	       !strcmp(h->level, "members") ? "member teams" : h->level, SNAPSHOT_FORMAT, h->version);
	printf("  key:       %s\n", h->public_key);
	if (by) {
		char when[32];
		clock_iso_utc(by->retired_at, when, sizeof(when));
		printf("  note:      this key was superseded on %s; the snapshot was made before that.\n"
		       "             Copies made since are signed with the instance's current key.\n", when);
	}
}

/* A good signature by a retired key that is not to be trusted. */
static void print_retired_refusal(const char *path, enum snapkey_trust trust, const struct snapkey_retired *by)
{
	char when[32];
	clock_iso_utc(by->retired_at, when, sizeof(when));
	if (trust == SNAPKEY_TRUST_COMPROMISED)
		fprintf(stderr, "REFUSED: %s: it is signed with a key the instance reported compromised on %s: anyone may"
		                " have made it. Get a copy signed with the current key.\n", path, when);
	else
		fprintf(stderr, "REFUSED: %s: it is signed with a key the instance retired on %s, but says it was made"
		                " after that: the instance did not make it.\n", path, when);
}

static void print_refused(const char *path, enum snapshot_check c, const struct snapshot_header *h,
                          const unsigned char pk[SNAPKEY_PK_BYTES])
{
	fprintf(stderr, "REFUSED: %s: %s\n", path, snapshot_check_text(c));
	if (c == SNAPSHOT_OTHER_KEY) {
		char mine[SNAPKEY_TEXT_LEN + 1];
		snapkey_text(pk, mine);
		fprintf(stderr, "  the snapshot names: %s\n  the key given:      %s\n", h->public_key, mine);
	} else if (c == SNAPSHOT_NEWER_FORMAT) {
		fprintf(stderr, "  its format version is %d; this shisa knows up to %d\n", h->version, SNAPSHOT_VERSION);
	}
}

static int verify_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{"key", required_argument, NULL, 'k'}, {"db", required_argument, NULL, 'd'},
		{"config", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	struct config cfg;
	char err[512];
	const char *key = NULL;
	if (cli_config(&cfg, argc, argv) < 0)
		return 1;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'k') {
			key = optarg;
		} else if (o == 'd') {
			if (config_set(&cfg, "db", optarg, err, sizeof(err)) < 0) {
				fprintf(stderr, "shisa directory verify: %s\n", err);
				return 2;
			}
		} else if (o == 'h') {
			return cli_usage(&cli_directory_verify, true);
		} else if (o != 'c') {
			return cli_usage(&cli_directory_verify, false);
		}
	}
	if (optind + 1 != argc)
		return cli_usage(&cli_directory_verify, false);
	const char *path = argv[optind];

	struct snapkey_history keys;
	if (key && keys_from_option(key, &keys) < 0) {
		fprintf(stderr, "shisa directory verify: --key: no Ed25519 public key in \"%s\" (give the key file, or "
		                "ed25519: and the 44 characters of the key)\n", key);
		return 2;
	}
	if (!key && keys_from_db(&cfg, &keys) < 0)
		return 2;

	struct snapshot_header h;
	enum snapshot_check c;
	const struct snapkey_retired *by;
	enum snapkey_trust trust = snapkey_history_verify(&keys, path, &h, &c, &by);
	if (c == SNAPSHOT_UNREADABLE) {
		fprintf(stderr, "REFUSED: %s: cannot read it: %s\n", path,
		        errno == EINVAL ? "not a regular file" : strerror(errno));
		return 1;
	}
	if (c == SNAPSHOT_OK && (trust == SNAPKEY_TRUST_CURRENT || trust == SNAPKEY_TRUST_RETIRED)) {
		print_ok(path, &h, by);
		return 0;
	}
	if (c == SNAPSHOT_OK)
		print_retired_refusal(path, trust, by);
	else
		print_refused(path, c, &h, keys.current);
	return 1;
}
