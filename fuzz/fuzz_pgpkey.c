/* libFuzzer target for src/directory/pgpkey.c: whatever a team pastes as
 * its OpenPGP key. gpg itself runs uninstrumented in a child process, so
 * what this guards is our side of it: the armor checks, the handling of
 * whatever gpg lists (several keys, none, private, odd user ids), the
 * temporary GnuPG homes, and the promises of pgpkey.h on every result:
 * a known error code with a sentence, a zeroed struct on refusal, and on
 * success a hex fingerprint, at least one valid user id, clean UTF-8 text
 * and a re-export that is armored public key text. After every call the
 * private TMPDIR must be empty again. Inputs that look like armor each
 * start gpg, so expect tens of runs a second, not thousands. */
#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/json_writer.h"
#include "directory/pgpkey.h"

#define NOW 1795000000          /* 2026-11-18: fixed, so runs repeat */

static char tmp[64];

static void remove_tmp(void)
{
	rmdir(tmp);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];
	/* gpgme writes to gpg through pipes, as in the server. */
	signal(SIGPIPE, SIG_IGN);
	snprintf(tmp, sizeof(tmp), "/tmp/shisa-fuzz-pgp-XXXXXX");
	if (!mkdtemp(tmp) || setenv("TMPDIR", tmp, 1)) {
		perror("fuzz_pgpkey: TMPDIR");
		abort();
	}
	atexit(remove_tmp);
	if (pgpkey_init(err, sizeof(err))) {
		fprintf(stderr, "fuzz_pgpkey: %s\n", err);
		abort();
	}
	return 0;
}

static bool is_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	return true;
}

/* Valid UTF-8 without C0 controls or DEL. */
static bool clean_text(const char *s)
{
	if (!s || !utf8_valid(s, strlen(s)))
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static void check_key(const struct pgpkey_info *k, int rc)
{
	if (!is_hex(k->fpr, 40) && !is_hex(k->fpr, 64))
		abort();
	if (!is_hex(k->keyid, 16) || (strlen(k->fpr) == 40 && strcmp(k->keyid, k->fpr + 24) != 0))
		abort();
	if (k->algo[0] == '\0' || k->expires < 0 || k->created < 0)
		abort();
	if ((unsigned)k->status > PGPKEY_STATUS_REVOKED)
		abort();
	if (k->can_encrypt && (k->status == PGPKEY_STATUS_EXPIRED || k->status == PGPKEY_STATUS_REVOKED))
		abort();
	if (k->n_uids > PGPKEY_MAX_UIDS || k->n_uids > k->uids_on_key ||
	    (k->uids_on_key > k->n_uids && k->n_uids != PGPKEY_MAX_UIDS))
		abort();
	for (size_t i = 0; i < k->n_uids; i++) {
		const struct pgpkey_uid *u = &k->uids[i];
		if (!clean_text(u->uid) || !clean_text(u->name) || !clean_text(u->email) || !clean_text(u->comment))
			abort();
		if ((unsigned)u->state > PGPKEY_UID_INVALID)
			abort();
	}
	if (rc == PGPKEY_E_REVOKED) {
		if (k->status != PGPKEY_STATUS_REVOKED || k->armored)
			abort();
		return;
	}
	if (k->status == PGPKEY_STATUS_REVOKED || !k->armored || strlen(k->armored) != k->armored_len ||
	    strncmp(k->armored, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n", 37) != 0)
		abort();
}

static void check_tmp_empty(void)
{
	DIR *d = opendir(tmp);
	if (!d)
		abort();
	for (struct dirent *e; (e = readdir(d));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			fprintf(stderr, "fuzz_pgpkey: left behind: %s/%s\n", tmp, e->d_name);
			abort();
		}
	closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pgpkey_info k;
	char err[256];
	/* A copy of exactly SIZE bytes, so ASan sees any read past the end. */
	char *in = malloc(size ? size : 1);
	if (!in)
		abort();
	memcpy(in, data, size);
	int rc = pgpkey_parse(in, size, NOW, &k, err, sizeof(err));
	if (rc < 0 || rc >= PGPKEY_E__COUNT || (rc == PGPKEY_OK) != (err[0] == '\0'))
		abort();
	/* Not the input's fault, so either gpg could not run or we judged a
	 * key gpg would then not import or export: both worth a look. */
	if (rc == PGPKEY_E_INTERNAL) {
		fprintf(stderr, "fuzz_pgpkey: %s\n", err);
		abort();
	}
	if (rc == PGPKEY_OK || rc == PGPKEY_E_REVOKED)
		check_key(&k, rc);
	else if (k.fpr[0] || k.n_uids || k.armored)
		abort();
	pgpkey_info_release(&k);
	free(in);
	check_tmp_empty();
	return 0;
}
