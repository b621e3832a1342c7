/* `shisa directory pubkey`: print the public key that signs the offline
 * snapshots, as the key file members keep to check them (the same text
 * the server publishes at /api/v1/directory/snapshot.key). */
#include <pwd.h>
#include <stdio.h>
#include <unistd.h>
#include "cli/cli.h"
#include "directory/snapshot_key_history.h"

static int pubkey_cmd(int argc, char **argv);

const struct cli_cmd cli_directory_pubkey = {
	"pubkey", "print the public key that signs the snapshots",
	"usage: shisa directory pubkey [--db PATH] [--config FILE]\n"
	"\n"
	"Print the key file of the key that signs this instance's offline snapshots:\n"
	"the key as ed25519:BASE64 and as a PEM block for openssl, after two comment\n"
	"lines. It is the text /api/v1/directory/snapshot.key serves; members give it\n"
	"to `shisa directory verify --key`. The key is made on first use. Only the\n"
	"public key is ever printed. After a `shisa directory rotate-key`, the keys\n"
	"used before follow, one line each with the date they were retired, so the\n"
	"same file still checks the copies they signed.\n"
	"\n"
	"  --db PATH      database file (default ./var/shisa.db or $SHISA_DB)\n"
	"  --config FILE  configuration file (default ./shisa.conf when present)\n",
	pubkey_cmd,
};

static int pubkey_cmd(int argc, char **argv)
{
	struct config cfg;
	int stop = cli_db_options(&cfg, argc, argv, &cli_directory_pubkey, "directory pubkey", 0, 0, NULL);
	if (stop >= 0)
		return stop;
	struct db db;
	if (cli_open_db(&db, &cfg, false) < 0)
		return 1;
	unsigned char pk[SNAPKEY_PK_BYTES], sk[SNAPKEY_SK_BYTES];
	const struct passwd *pw = getpwuid(geteuid());
	int rc = snapkey_ensure(&db, "cli", pw ? pw->pw_name : "?", pk, sk);
	sodium_memzero(sk, sizeof(sk));
	if (rc < 0) {
		fprintf(stderr, "shisa directory pubkey: cannot read or make the snapshot key: %s\n", sqlite3_errmsg(db.h));
		db_close(&db);
		return 1;
	}
	struct snapkey_history h;
	if (snapkey_history_load(&db, &h) < 0) {
		fprintf(stderr, "shisa directory pubkey: cannot read the retired snapshot keys: %s\n", sqlite3_errmsg(db.h));
		db_close(&db);
		return 1;
	}
	db_close(&db);
	struct buf text;
	buf_init(&text, 4096);
	snapkey_file_text(pk, cfg.instance_name, &text);
	snapkey_history_text(&h, pk, &text);
	fputs(text.data ? text.data : "", stdout);
	buf_release(&text);
	return 0;
}
