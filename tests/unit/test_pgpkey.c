/* OpenPGP keys as teams paste them. The gpg command makes real keys in a
 * temporary GnuPG home: ed25519 with an encryption subkey, rsa2048 that
 * encrypts with its primary key, one expiring in 10 days, one that expired
 * in 2020 (made with a faked clock), one revoked with its own revocation
 * certificate, one with three user ids (one revoked) and a third-party
 * signature, one stripped of its user ids; then private exports, pairs of
 * keys, damaged armor and garbage. pgpkey_parse reads each, and every field
 * and error code is checked. Without gpg the suite fails: it never skips. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "core/buf.h"
#include "directory/pgpkey.h"

#define DAY 86400
#define YEAR (365 * DAY)        /* what gpg means by "1y" */
#define FAKED_2020 1577836800   /* 2020-01-01T00:00:00Z */

/* A key the fixture made: its fingerprint as gpg lists it, its armored
 * public export, and when it was made. */
struct key {
	const char *email;
	char fpr[41];
	struct buf pub;
	int64_t made_from, made_to;
};

static struct {
	char home[64];          /* GNUPGHOME where the gpg command makes keys */
	char tmp[64];           /* TMPDIR for pgpkey's private homes */
	struct key a, rsa, expiring, expired, revoked, uids, odd;
	struct buf a_secret, pair_one_block, pair_two_blocks, no_uid, binary;
} fx;

/* --- running gpg --- */

/* Run gpg on the fixture's home with the NULL-terminated arguments; its
 * output goes to OUT (may be NULL), its messages to gpg.log. Return the
 * exit status, or -1. */
static int gpg_argv(struct buf *out, const char *const *args)
{
	const char *argv[32] = {"gpg", "--homedir", fx.home, "--batch", "--no-tty"};
	size_t n = 5;
	while (*args && n < sizeof(argv) / sizeof(argv[0]) - 1)
		argv[n++] = *args++;
	argv[n] = NULL;

	char log[128];
	snprintf(log, sizeof(log), "%s/gpg.log", fx.home);
	int p[2];
	if (pipe(p))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY), err = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(in, 0);
		dup2(p[1], 1);
		dup2(err, 2);
		close(p[0]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	char chunk[4096];
	ssize_t r;
	while ((r = read(p[0], chunk, sizeof(chunk))) > 0)
		if (out && buf_add(out, chunk, (size_t)r))
			break;
	close(p[0]);
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void print_log(void)
{
	char log[128], line[512];
	snprintf(log, sizeof(log), "%s/gpg.log", fx.home);
	FILE *f = fopen(log, "r");
	while (f && fgets(line, sizeof(line), f))
		printf("  gpg: %s", line);
	if (f)
		fclose(f);
}

/* gpg, which must succeed. */
#define GPG(out, ...) gpg_ok(out, (const char *const[]){__VA_ARGS__, NULL})
static void gpg_ok(struct buf *out, const char *const *args)
{
	int rc = gpg_argv(out, args);
	if (rc != 0) {
		printf("gpg failed (exit %d):", rc);
		for (const char *const *a = args; *a; a++)
			printf(" %s", *a);
		printf("\n");
		print_log();
		fail_msg("gpg failed");
	}
}

/* Make a key for UID with gpg --quick-gen-key; FAKED is a faked system time
 * or NULL. Fill K's fingerprint and export. */
static void make_key(struct key *k, const char *uid, const char *email, const char *algo, const char *usage,
		     const char *expire, const char *faked)
{
	struct buf colons;
	buf_init(&colons, 0);
	k->email = email;
	k->made_from = time(NULL);
	if (faked)
		GPG(NULL, "--pinentry-mode", "loopback", "--passphrase", "", "--faked-system-time", faked,
		    "--quick-gen-key", uid, algo, usage, expire);
	else
		GPG(NULL, "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", uid, algo, usage, expire);
	k->made_to = time(NULL);
	GPG(&colons, "--with-colons", "--list-keys", email);
	const char *f = strstr(colons.data, "\nfpr:::::::::");
	assert_non_null(f);
	memcpy(k->fpr, f + 13, 40);
	k->fpr[40] = '\0';
	buf_release(&colons);
	buf_init(&k->pub, 0);
}

static void export_key(struct key *k)
{
	buf_reset(&k->pub);
	GPG(&k->pub, "--armor", "--export", k->fpr);
	assert_true(k->pub.len > 100);
}

/* What gpg --list-packets says about the armored text S. */
static void list_packets(const char *s, struct buf *out)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/packets.asc", fx.home);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(s, f);
	fclose(f);
	GPG(out, "--list-packets", path);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	remove(path);
	return 0;
}

/* --- the fixture --- */

static int setup(void **state)
{
	char err[256];
	snprintf(fx.home, sizeof(fx.home), "/tmp/shisa-pgptest-XXXXXX");
	snprintf(fx.tmp, sizeof(fx.tmp), "/tmp/shisa-pgptmp-XXXXXX");
	if (!mkdtemp(fx.home) || !mkdtemp(fx.tmp)) {
		perror("mkdtemp");
		return -1;
	}
	if (gpg_argv(NULL, (const char *const[]){"--version", NULL}) != 0) {
		printf("test_pgpkey: FAILED: the gpg command is missing or broken; install gnupg "
		       "(scripts/deps test). These tests need real keys and never skip.\n");
		return -1;
	}
	/* pgpkey reads TMPDIR once, in pgpkey_init: its homes go to fx.tmp,
	 * where the last test checks that none is left. */
	setenv("TMPDIR", fx.tmp, 1);
	if (pgpkey_init(err, sizeof(err))) {
		printf("test_pgpkey: FAILED: pgpkey_init: %s\n", err);
		return -1;
	}

	make_key(&fx.a, "Team A <pgp@team-a.example>", "pgp@team-a.example", "ed25519", "default", "1y", NULL);
	GPG(NULL, "--pinentry-mode", "loopback", "--passphrase", "", "--quick-add-key", fx.a.fpr, "cv25519", "encr",
	    "1y");
	make_key(&fx.rsa, "Team RSA <pgp@team-rsa.example>", "pgp@team-rsa.example", "rsa2048", "sign,cert,encr",
		 "1y", NULL);
	/* Its encryption subkey expires before the key does. */
	make_key(&fx.expiring, "Team B <pgp@team-b.example>", "pgp@team-b.example", "ed25519", "default", "10d", NULL);
	GPG(NULL, "--pinentry-mode", "loopback", "--passphrase", "", "--quick-add-key", fx.expiring.fpr, "cv25519",
	    "encr", "5d");
	make_key(&fx.expired, "Team Old <pgp@team-old.example>", "pgp@team-old.example", "ed25519", "default", "1d",
		 "20200101T000000!");

	/* Revoked the way a team would: import the revocation certificate gpg
	 * stored when it made the key, minus the colon that guards it. */
	make_key(&fx.revoked, "Team R <pgp@team-r.example>", "pgp@team-r.example", "ed25519", "default", "1y", NULL);
	char path[160];
	struct buf rev;
	buf_init(&rev, 0);
	snprintf(path, sizeof(path), "%s/openpgp-revocs.d/%s.rev", fx.home, fx.revoked.fpr);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	for (char line[256]; fgets(line, sizeof(line), f);)
		buf_adds(&rev, strncmp(line, ":-----BEGIN", 11) == 0 ? line + 1 : line);
	fclose(f);
	snprintf(path, sizeof(path), "%s/revoke.asc", fx.home);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(rev.data, f);
	fclose(f);
	buf_release(&rev);
	GPG(NULL, "--import", path);

	/* Three user ids, the last revoked, and a certification by Team A. */
	make_key(&fx.uids, "Team T <pgp@team-t.example>", "pgp@team-t.example", "ed25519", "default", "1y", NULL);
	GPG(NULL, "--pinentry-mode", "loopback", "--passphrase", "", "--quick-add-uid", fx.uids.fpr,
	    "Team T (abuse desk) <abuse@team-t.example>");
	GPG(NULL, "--pinentry-mode", "loopback", "--passphrase", "", "--quick-add-uid", fx.uids.fpr,
	    "Former Name <old@team-t.example>");
	GPG(NULL, "--pinentry-mode", "loopback", "--passphrase", "", "--quick-revoke-uid", fx.uids.fpr,
	    "Former Name <old@team-t.example>");
	/* gpg lists the primary user id first; otherwise the newest. */
	GPG(NULL, "--pinentry-mode", "loopback", "--passphrase", "", "--quick-set-primary-uid", fx.uids.fpr,
	    "Team T <pgp@team-t.example>");
	GPG(NULL, "--pinentry-mode", "loopback", "--passphrase", "", "--local-user", fx.a.fpr, "--quick-sign-key",
	    fx.uids.fpr);

	/* A right-to-left override, an escape sequence and a byte that is not
	 * UTF-8: gpg takes them all. */
	make_key(&fx.odd, "Team \xE2\x80\xAE" "evil\x1B[31m\xFF <pgp@odd.example>", "pgp@odd.example", "ed25519",
		 "default", "1y", NULL);

	struct key *all[] = {&fx.a, &fx.rsa, &fx.expiring, &fx.expired, &fx.revoked, &fx.uids, &fx.odd};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		export_key(all[i]);

	buf_init(&fx.a_secret, 0);
	GPG(&fx.a_secret, "--pinentry-mode", "loopback", "--passphrase", "", "--armor", "--export-secret-keys",
	    fx.a.fpr);
	buf_init(&fx.pair_one_block, 0);
	GPG(&fx.pair_one_block, "--armor", "--export", fx.a.fpr, fx.rsa.fpr);
	buf_init(&fx.pair_two_blocks, 0);
	buf_add(&fx.pair_two_blocks, fx.a.pub.data, fx.a.pub.len);
	buf_add(&fx.pair_two_blocks, fx.rsa.pub.data, fx.rsa.pub.len);
	buf_init(&fx.no_uid, 0);
	GPG(&fx.no_uid, "--armor", "--export", "--export-filter", "keep-uid=uid=nobody", fx.a.fpr);
	buf_init(&fx.binary, 0);
	GPG(&fx.binary, "--export", fx.a.fpr);
	return 0;
}

static int teardown(void **state)
{
	pid_t pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execlp("gpgconf", "gpgconf", "--homedir", fx.home, "--kill", "gpg-agent", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	nftw(fx.home, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	nftw(fx.tmp, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	struct key *all[] = {&fx.a, &fx.rsa, &fx.expiring, &fx.expired, &fx.revoked, &fx.uids, &fx.odd};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		buf_release(&all[i]->pub);
	buf_release(&fx.a_secret);
	buf_release(&fx.pair_one_block);
	buf_release(&fx.pair_two_blocks);
	buf_release(&fx.no_uid);
	buf_release(&fx.binary);
	return 0;
}

/* --- accepted keys --- */

static int parse(const struct buf *b, int64_t now, struct pgpkey_info *info, char *err)
{
	return pgpkey_parse(b->data, b->len, now, info, err, 256);
}

static void assert_uid(const struct pgpkey_uid *u, const char *uid, const char *name, const char *comment,
		       const char *email, enum pgpkey_uid_state state)
{
	assert_string_equal(u->uid, uid);
	assert_string_equal(u->name, name);
	assert_string_equal(u->comment, comment);
	assert_string_equal(u->email, email);
	assert_int_equal(u->state, state);
}

/* The stored form is itself a key pgpkey_parse accepts, the same key. */
static void assert_reparses(const struct pgpkey_info *info, int64_t now)
{
	struct pgpkey_info again;
	char err[256];
	assert_non_null(info->armored);
	assert_int_equal(strlen(info->armored), info->armored_len);
	assert_memory_equal(info->armored, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n", 37);
	assert_non_null(strstr(info->armored, "\n-----END PGP PUBLIC KEY BLOCK-----\n"));
	assert_int_equal(pgpkey_parse(info->armored, info->armored_len, now, &again, err, sizeof(err)), PGPKEY_OK);
	assert_string_equal(again.fpr, info->fpr);
	assert_int_equal(again.n_uids, info->n_uids);
	assert_int_equal(again.status, info->status);
	assert_int_equal(again.can_encrypt, info->can_encrypt);
	assert_string_equal(again.armored, info->armored);
	pgpkey_info_release(&again);
}

static void reads_an_ed25519_key_with_encryption_subkey(void **state)
{
	struct pgpkey_info info;
	char err[256];
	int64_t now = time(NULL);
	assert_int_equal(parse(&fx.a.pub, now, &info, err), PGPKEY_OK);
	assert_string_equal(err, "");
	assert_string_equal(info.fpr, fx.a.fpr);
	assert_string_equal(info.keyid, fx.a.fpr + 24);
	assert_string_equal(info.algo, "ed25519");
	assert_int_equal(info.bits, 255);
	assert_in_range(info.created, fx.a.made_from, fx.a.made_to);
	assert_int_equal(info.expires, info.created + YEAR);
	assert_true(info.can_encrypt);
	assert_int_equal(info.status, PGPKEY_STATUS_OK);
	assert_string_equal(pgpkey_status_name(info.status), "ok");
	assert_int_equal(info.n_uids, 1);
	assert_int_equal(info.uids_on_key, 1);
	assert_uid(&info.uids[0], "Team A <pgp@team-a.example>", "Team A", "", "pgp@team-a.example",
		   PGPKEY_UID_VALID);
	assert_reparses(&info, now);
	pgpkey_info_release(&info);

	/* A year and a day later the same key is expired: still accepted. */
	assert_int_equal(parse(&fx.a.pub, now + YEAR + DAY, &info, err), PGPKEY_OK);
	assert_int_equal(info.status, PGPKEY_STATUS_EXPIRED);
	assert_false(info.can_encrypt);
	pgpkey_info_release(&info);
}

static void reads_an_rsa_key_that_encrypts_with_its_primary(void **state)
{
	struct pgpkey_info info;
	char err[256];
	int64_t now = time(NULL);
	assert_int_equal(parse(&fx.rsa.pub, now, &info, err), PGPKEY_OK);
	assert_string_equal(info.fpr, fx.rsa.fpr);
	assert_string_equal(info.keyid, fx.rsa.fpr + 24);
	assert_string_equal(info.algo, "rsa2048");
	assert_int_equal(info.bits, 2048);
	assert_in_range(info.created, fx.rsa.made_from, fx.rsa.made_to);
	assert_int_equal(info.expires, info.created + YEAR);
	assert_true(info.can_encrypt);
	assert_int_equal(info.status, PGPKEY_STATUS_OK);
	assert_uid(&info.uids[0], "Team RSA <pgp@team-rsa.example>", "Team RSA", "", "pgp@team-rsa.example",
		   PGPKEY_UID_VALID);
	assert_reparses(&info, now);
	pgpkey_info_release(&info);
}

static void flags_a_key_expiring_within_30_days(void **state)
{
	struct pgpkey_info info;
	char err[256];
	int64_t now = time(NULL);
	assert_int_equal(parse(&fx.expiring.pub, now, &info, err), PGPKEY_OK);
	assert_int_equal(info.status, PGPKEY_STATUS_EXPIRING);
	assert_string_equal(pgpkey_status_name(info.status), "expiring");
	assert_in_range(info.created, fx.expiring.made_from, fx.expiring.made_to);
	int64_t created = info.created, expires = created + 10 * DAY;
	assert_int_equal(info.expires, expires);
	assert_true(info.can_encrypt);
	assert_reparses(&info, now);
	pgpkey_info_release(&info);

	/* Thirty days before the end it is expiring; a second earlier, not. */
	assert_int_equal(parse(&fx.expiring.pub, expires - PGPKEY_EXPIRING_SECS, &info, err), PGPKEY_OK);
	assert_int_equal(info.status, PGPKEY_STATUS_EXPIRING);
	pgpkey_info_release(&info);
	assert_int_equal(parse(&fx.expiring.pub, expires - PGPKEY_EXPIRING_SECS - 1, &info, err), PGPKEY_OK);
	assert_int_equal(info.status, PGPKEY_STATUS_OK);
	pgpkey_info_release(&info);

	/* After six days the encryption subkey has expired, the key not yet. */
	assert_int_equal(parse(&fx.expiring.pub, created + 6 * DAY, &info, err), PGPKEY_OK);
	assert_int_equal(info.status, PGPKEY_STATUS_EXPIRING);
	assert_false(info.can_encrypt);
	pgpkey_info_release(&info);
	assert_int_equal(parse(&fx.expiring.pub, expires, &info, err), PGPKEY_OK);
	assert_int_equal(info.status, PGPKEY_STATUS_EXPIRED);
	pgpkey_info_release(&info);
}

static void accepts_and_flags_an_expired_key(void **state)
{
	struct pgpkey_info info;
	char err[256];
	assert_int_equal(parse(&fx.expired.pub, time(NULL), &info, err), PGPKEY_OK);
	assert_string_equal(err, "");
	assert_string_equal(info.fpr, fx.expired.fpr);
	assert_int_equal(info.created, FAKED_2020);
	assert_int_equal(info.expires, FAKED_2020 + DAY);
	assert_int_equal(info.status, PGPKEY_STATUS_EXPIRED);
	assert_string_equal(pgpkey_status_name(info.status), "expired");
	assert_false(info.can_encrypt);
	assert_uid(&info.uids[0], "Team Old <pgp@team-old.example>", "Team Old", "", "pgp@team-old.example",
		   PGPKEY_UID_VALID);
	assert_non_null(info.armored);
	pgpkey_info_release(&info);
}

static void lists_every_user_id_and_drops_third_party_signatures(void **state)
{
	struct pgpkey_info info;
	char err[256];
	int64_t now = time(NULL);
	assert_int_equal(parse(&fx.uids.pub, now, &info, err), PGPKEY_OK);
	assert_string_equal(info.fpr, fx.uids.fpr);
	assert_false(info.can_encrypt);
	assert_int_equal(info.n_uids, 3);
	assert_int_equal(info.uids_on_key, 3);
	assert_uid(&info.uids[0], "Team T <pgp@team-t.example>", "Team T", "", "pgp@team-t.example",
		   PGPKEY_UID_VALID);
	assert_uid(&info.uids[1], "Team T (abuse desk) <abuse@team-t.example>", "Team T", "abuse desk",
		   "abuse@team-t.example", PGPKEY_UID_VALID);
	assert_uid(&info.uids[2], "Former Name <old@team-t.example>", "Former Name", "", "old@team-t.example",
		   PGPKEY_UID_REVOKED);
	assert_reparses(&info, now);

	/* Team A's certification is in the paste but not in the stored form. */
	char signer[1024];
	struct buf before, after;
	buf_init(&before, 0);
	buf_init(&after, 0);
	snprintf(signer, sizeof(signer), "keyid %s", fx.a.fpr + 24);
	list_packets(fx.uids.pub.data, &before);
	list_packets(info.armored, &after);
	assert_non_null(strstr(before.data, signer));
	assert_null(strstr(after.data, signer));
	assert_non_null(strstr(after.data, "Former Name"));
	buf_release(&before);
	buf_release(&after);
	pgpkey_info_release(&info);
}

static void replaces_control_characters_in_user_ids(void **state)
{
	struct pgpkey_info info;
	char err[256];
	assert_int_equal(parse(&fx.odd.pub, time(NULL), &info, err), PGPKEY_OK);
	assert_uid(&info.uids[0], "Team \uFFFD" "evil\uFFFD[31m\uFFFD <pgp@odd.example>", "Team \uFFFD" "evil\uFFFD[31m\uFFFD",
		   "", "pgp@odd.example", PGPKEY_UID_VALID);
	pgpkey_info_release(&info);
}

static void tolerates_white_space_and_crlf(void **state)
{
	struct pgpkey_info info;
	char err[256];
	struct buf b;
	buf_init(&b, 0);
	buf_adds(&b, "\n  \r\n");
	for (size_t i = 0; i < fx.a.pub.len; i++)
		buf_adds(&b, fx.a.pub.data[i] == '\n' ? "\r\n" : (char[]){fx.a.pub.data[i], 0});
	buf_adds(&b, "\n\n\t ");
	assert_int_equal(parse(&b, time(NULL), &info, err), PGPKEY_OK);
	assert_string_equal(info.fpr, fx.a.fpr);
	assert_null(strchr(info.armored, '\r'));
	pgpkey_info_release(&info);
	buf_release(&b);
}

/* --- refused keys --- */

static void refuses_a_revoked_key_but_says_which(void **state)
{
	struct pgpkey_info info;
	char err[256];
	assert_int_equal(parse(&fx.revoked.pub, time(NULL), &info, err), PGPKEY_E_REVOKED);
	assert_string_equal(err, "the key is revoked");
	assert_string_equal(info.fpr, fx.revoked.fpr);
	assert_int_equal(info.status, PGPKEY_STATUS_REVOKED);
	assert_string_equal(pgpkey_status_name(info.status), "revoked");
	assert_false(info.can_encrypt);
	assert_int_equal(info.n_uids, 1);
	assert_string_equal(info.uids[0].email, "pgp@team-r.example");
	assert_null(info.armored);
	pgpkey_info_release(&info);
}

static void expect_refused(const char *what, const char *s, size_t n, int code, const char *message)
{
	struct pgpkey_info info;
	char err[256] = "unset";
	int rc = pgpkey_parse(s, n, time(NULL), &info, err, sizeof(err));
	if (rc != code || strcmp(err, message) != 0)
		fail_msg("%s: got %d \"%s\", want %d \"%s\"", what, rc, err, code, message);
	/* Nothing is left for the caller but a zeroed struct. */
	assert_string_equal(info.fpr, "");
	assert_int_equal(info.n_uids, 0);
	assert_null(info.armored);
	pgpkey_info_release(&info);
}

static void refuses_private_keys(void **state)
{
	const char *msg = "this is a private key: never upload private keys";
	expect_refused("secret export", fx.a_secret.data, fx.a_secret.len, PGPKEY_E_PRIVATE, msg);

	/* The same with the armor lines saying PUBLIC: gpg finds it out. */
	struct buf b;
	buf_init(&b, 0);
	const char *body = strchr(fx.a_secret.data, '\n');
	const char *end = strstr(fx.a_secret.data, "-----END PGP PRIVATE KEY BLOCK-----");
	assert_non_null(body);
	assert_non_null(end);
	buf_adds(&b, "-----BEGIN PGP PUBLIC KEY BLOCK-----");
	buf_add(&b, body, (size_t)(end - body));
	buf_adds(&b, "-----END PGP PUBLIC KEY BLOCK-----\n");
	expect_refused("secret key in public armor", b.data, b.len, PGPKEY_E_PRIVATE, msg);

	/* A public key with a private one pasted after it. */
	buf_reset(&b);
	buf_add(&b, fx.a.pub.data, fx.a.pub.len);
	buf_add(&b, fx.a_secret.data, fx.a_secret.len);
	expect_refused("public then private", b.data, b.len, PGPKEY_E_PRIVATE, msg);
	buf_release(&b);
}

static void refuses_more_than_one_key(void **state)
{
	const char *msg = "contains 2 keys; give one key per entry";
	expect_refused("two keys, one block", fx.pair_one_block.data, fx.pair_one_block.len, PGPKEY_E_MULTIPLE, msg);
	expect_refused("two blocks", fx.pair_two_blocks.data, fx.pair_two_blocks.len, PGPKEY_E_MULTIPLE, msg);
}

static void refuses_a_key_without_user_id(void **state)
{
	expect_refused("no user id", fx.no_uid.data, fx.no_uid.len, PGPKEY_E_NO_USER_ID,
		       "the key has no valid user id");
}

static void refuses_what_is_not_one_armored_key(void **state)
{
	const char *not_armored = "not an ASCII-armored OpenPGP public key";
	const char *truncated = "the armored key is cut short: its END line is missing";
	const char *unreadable = "the armored block holds no readable OpenPGP key: it is damaged or incomplete";
	const char *empty = "no key given: paste an ASCII-armored OpenPGP public key";
	const char *pub = fx.a.pub.data;
	size_t len = fx.a.pub.len;
	struct buf b;
	buf_init(&b, 0);

	expect_refused("empty", "", 0, PGPKEY_E_EMPTY, empty);
	expect_refused("white space", " \r\n\t\n", 5, PGPKEY_E_EMPTY, empty);
	expect_refused("NULL", NULL, 0, PGPKEY_E_EMPTY, empty);
	expect_refused("garbage", "hello, here is our key", 22, PGPKEY_E_NOT_ARMORED, not_armored);
	expect_refused("fingerprint", fx.a.fpr, 40, PGPKEY_E_NOT_ARMORED, not_armored);
	expect_refused("binary key", fx.binary.data, fx.binary.len, PGPKEY_E_NOT_ARMORED, not_armored);
	expect_refused("NUL bytes", "\0\0\0\0", 4, PGPKEY_E_NOT_ARMORED, not_armored);
	const char *signed_msg = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nhi\n";
	expect_refused("signed message", signed_msg, strlen(signed_msg), PGPKEY_E_NOT_ARMORED, not_armored);

	buf_adds(&b, "Here it is:\n");
	buf_add(&b, pub, len);
	expect_refused("text before", b.data, b.len, PGPKEY_E_NOT_ARMORED, not_armored);
	buf_reset(&b);
	buf_add(&b, pub, len);
	buf_adds(&b, "-- \nTeam A\n");
	expect_refused("text after", b.data, b.len, PGPKEY_E_NOT_ARMORED, not_armored);

	expect_refused("first half", pub, len / 2, PGPKEY_E_TRUNCATED, truncated);
	expect_refused("BEGIN line only", pub, 36, PGPKEY_E_TRUNCATED, truncated);

	/* Lines lost from the middle: the armor checksum catches it. */
	const char *cut_from = strchr(strchr(pub, '\n') + 1, '\n') + 1;
	cut_from = strchr(cut_from, '\n') + 1;
	const char *cut_to = strchr(strchr(cut_from, '\n') + 1, '\n') + 1;
	buf_reset(&b);
	buf_add(&b, pub, (size_t)(cut_from - pub));
	buf_add(&b, cut_to, len - (size_t)(cut_to - pub));
	expect_refused("lines missing", b.data, b.len, PGPKEY_E_UNREADABLE, unreadable);

	buf_reset(&b);
	buf_adds(&b, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\naGVsbG8gd29ybGQ=\n-----END PGP PUBLIC KEY BLOCK-----\n");
	expect_refused("garbage inside armor", b.data, b.len, PGPKEY_E_UNREADABLE, unreadable);

	buf_reset(&b);
	buf_add(&b, pub, len);
	while (b.len <= PGPKEY_MAX_INPUT)
		buf_addc(&b, '\n');
	expect_refused("over 64 KiB", b.data, b.len, PGPKEY_E_TOO_LARGE, "the key is larger than 64 KiB");
	buf_release(&b);
}

/* --- workers --- */

#define ROUNDS 3

struct job {
	const struct buf *in;
	int want;
	int got[ROUNDS];
	char fpr[ROUNDS][65];
};

static void *worker(void *arg)
{
	struct job *j = arg;
	for (int i = 0; i < ROUNDS; i++) {
		struct pgpkey_info info;
		char err[256];
		j->got[i] = pgpkey_parse(j->in->data, j->in->len, time(NULL), &info, err, sizeof(err));
		memcpy(j->fpr[i], info.fpr, sizeof(info.fpr));
		pgpkey_info_release(&info);
	}
	return NULL;
}

static void parses_from_many_threads_at_once(void **state)
{
	struct job jobs[] = {
		{.in = &fx.a.pub, .want = PGPKEY_OK}, {.in = &fx.rsa.pub, .want = PGPKEY_OK},
		{.in = &fx.uids.pub, .want = PGPKEY_OK}, {.in = &fx.expired.pub, .want = PGPKEY_OK},
		{.in = &fx.revoked.pub, .want = PGPKEY_E_REVOKED}, {.in = &fx.pair_one_block, .want = PGPKEY_E_MULTIPLE},
	};
	const char *fprs[] = {fx.a.fpr, fx.rsa.fpr, fx.uids.fpr, fx.expired.fpr, fx.revoked.fpr, ""};
	pthread_t t[6];
	for (int i = 0; i < 6; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, &jobs[i]), 0);
	for (int i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 6; i++)
		for (int k = 0; k < ROUNDS; k++) {
			assert_int_equal(jobs[i].got[k], jobs[i].want);
			assert_string_equal(jobs[i].fpr[k], fprs[i]);
		}
}

/* --- what is left behind --- */

/* True when a process runs with ARG in its command line. */
static bool process_mentions(const char *name, const char *arg)
{
	bool found = false;
	DIR *proc = opendir("/proc");
	assert_non_null(proc);
	for (struct dirent *e; !found && (e = readdir(proc));) {
		char path[300], cmd[4096];
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, cmd, sizeof(cmd) - 1);
		close(fd);
		if (n <= 0)
			continue;
		for (ssize_t i = 0; i < n; i++)
			cmd[i] = cmd[i] ? cmd[i] : ' ';
		cmd[n] = '\0';
		found = strstr(cmd, name) && strstr(cmd, arg);
	}
	closedir(proc);
	return found;
}

static void leaves_no_homes_and_starts_no_agent(void **state)
{
	DIR *d = opendir(fx.tmp);
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			fail_msg("left behind in TMPDIR: %s", e->d_name);
	closedir(d);
	assert_false(process_mentions("gpg-agent", fx.tmp));
	assert_false(process_mentions("dirmngr", fx.tmp));
}

int main(void)
{
	/* gpgme writes to gpg through pipes; the server ignores SIGPIPE too. */
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_an_ed25519_key_with_encryption_subkey),
		cmocka_unit_test(reads_an_rsa_key_that_encrypts_with_its_primary),
		cmocka_unit_test(flags_a_key_expiring_within_30_days),
		cmocka_unit_test(accepts_and_flags_an_expired_key),
		cmocka_unit_test(lists_every_user_id_and_drops_third_party_signatures),
		cmocka_unit_test(replaces_control_characters_in_user_ids),
		cmocka_unit_test(tolerates_white_space_and_crlf),
		cmocka_unit_test(refuses_a_revoked_key_but_says_which),
		cmocka_unit_test(refuses_private_keys),
		cmocka_unit_test(refuses_more_than_one_key),
		cmocka_unit_test(refuses_a_key_without_user_id),
		cmocka_unit_test(refuses_what_is_not_one_armored_key),
		cmocka_unit_test(parses_from_many_threads_at_once),
		cmocka_unit_test(leaves_no_homes_and_starts_no_agent),
	};
	return cmocka_run_group_tests_name("pgpkey", tests, setup, teardown);
}
