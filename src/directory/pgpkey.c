/* OpenPGP public keys for the team directory; see pgpkey.h.
 *
 * gpg does the OpenPGP work, driven through gpgme, never through a shell.
 * Every call gets a GnuPG home of its own under $TMPDIR, made with mkdtemp
 * and removed before returning, whose gpg.conf forbids starting gpg-agent:
 * a pasted private key must never reach an agent, and no request may leave
 * a daemon behind. The key is first listed straight from the input
 * (gpgme_op_keylist_from_data_start, that is gpg --import --dry-run), so
 * nothing is stored while it is judged; only a key that passed every check
 * is imported into the throw-away home and exported again with
 * export-minimal, which keeps the latest self-signatures and drops
 * third-party signatures and whatever else gpg would not import.
 *
 * Before gpg sees anything, the text itself must look like one armored
 * public key block: that refuses the common mistakes (a private key, a
 * fingerprint, half a paste) without starting a process. */
#include <ftw.h>
#include <gpgme.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/json_writer.h"
#include "directory/pgpkey.h"

#define GPGME_MIN "1.9.0"               /* gpgme_op_keylist_from_data_start */
#define GPG_MIN_MAJOR 2                 /* gpg --import-options import-show */
#define GPG_MIN_MINOR 1
#define GPG_MIN_MICRO 14

/* An armored export of a key no larger than PGPKEY_MAX_INPUT is smaller
 * still; this only bounds what we copy if gpg misbehaves. */
#define EXPORT_MAX (2 * PGPKEY_MAX_INPUT)

static const char begin_public[] = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
static const char end_public[] = "-----END PGP PUBLIC KEY BLOCK-----";
static const char *const begin_private[] = {
	"-----BEGIN PGP PRIVATE KEY BLOCK-----",
	"-----BEGIN PGP SECRET KEY BLOCK-----",         /* PGP 2 */
};

/* The private home's gpg.conf: never start gpg-agent or dirmngr, no trust
 * database checks, no lock files or random seed (the home lives for one
 * call and one gpg at a time). Not "trust-model always": gpg 2.2.40 then
 * never creates trustdb.gpg, and dies on opening it when it lists an
 * expired or revoked key. */
static const char gpg_conf[] =
	"no-autostart\n"
	"no-auto-check-trustdb\n"
	"lock-never\n"
	"no-random-seed-file\n"
	"no-permission-warning\n";

static const char *const messages[PGPKEY_E__COUNT] = {
	[PGPKEY_OK] = "",
	[PGPKEY_E_EMPTY] = "no key given: paste an ASCII-armored OpenPGP public key",
	[PGPKEY_E_TOO_LARGE] = "the key is larger than 64 KiB",
	[PGPKEY_E_NOT_ARMORED] = "not an ASCII-armored OpenPGP public key",
	[PGPKEY_E_TRUNCATED] = "the armored key is cut short: its END line is missing",
	[PGPKEY_E_PRIVATE] = "this is a private key: never upload private keys",
	[PGPKEY_E_MULTIPLE] = "contains several keys; give one key per entry",
	[PGPKEY_E_UNREADABLE] = "the armored block holds no readable OpenPGP key: it is damaged or incomplete",
	[PGPKEY_E_REVOKED] = "the key is revoked",
	[PGPKEY_E_NO_USER_ID] = "the key has no valid user id",
	[PGPKEY_E_INTERNAL] = "could not check the key: GnuPG failed",
};

static const char *const status_names[] = {
	[PGPKEY_STATUS_OK] = "ok",
	[PGPKEY_STATUS_EXPIRING] = "expiring",
	[PGPKEY_STATUS_EXPIRED] = "expired",
	[PGPKEY_STATUS_REVOKED] = "revoked",
};

/* Set once by init_once; pthread_once makes them visible to every caller. */
static pthread_once_t init_guard = PTHREAD_ONCE_INIT;
static int init_rc;
static char init_err[256];
static char tmp_base[256];

static int fail(char *err, size_t errlen, enum pgpkey_err e)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", messages[e]);
	return e;
}

/* PGPKEY_E_INTERNAL with gpgme's reason, for the log. */
static int fail_gpgme(char *err, size_t errlen, const char *what, gpgme_error_t ge)
{
	char reason[128];
	if (gpgme_strerror_r(ge, reason, sizeof(reason)))
		snprintf(reason, sizeof(reason), "error %u", (unsigned)ge);
	if (err && errlen)
		snprintf(err, errlen, "%s (%s: %s)", messages[PGPKEY_E_INTERNAL], what, reason);
	return PGPKEY_E_INTERNAL;
}

/* True when VERSION ("2.2.40", "2.4.0-beta3") is at least MAJ.MIN.MIC. */
static bool version_at_least(const char *version, long maj, long min, long mic)
{
	long want[3] = {maj, min, mic}, have[3] = {0, 0, 0};
	const char *p = version;
	for (int i = 0; i < 3 && p && *p >= '0' && *p <= '9'; i++) {
		char *end;
		have[i] = strtol(p, &end, 10);
		p = *end == '.' ? end + 1 : NULL;
	}
	for (int i = 0; i < 3; i++)
		if (have[i] != want[i])
			return have[i] > want[i];
	return true;
}

static void init_once(void)
{
	if (!gpgme_check_version(GPGME_MIN)) {
		snprintf(init_err, sizeof(init_err), "gpgme %s or later is needed; this is %s", GPGME_MIN,
			 gpgme_check_version(NULL));
		init_rc = -1;
		return;
	}
	gpgme_engine_info_t info;
	gpgme_error_t ge = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP);
	if (!ge)
		ge = gpgme_get_engine_info(&info);
	while (!ge && info && info->protocol != GPGME_PROTOCOL_OpenPGP)
		info = info->next;
	if (ge || !info || !info->version ||
	    !version_at_least(info->version, GPG_MIN_MAJOR, GPG_MIN_MINOR, GPG_MIN_MICRO)) {
		snprintf(init_err, sizeof(init_err), "gpg %d.%d.%d or later is needed (install gnupg); found %s",
			 GPG_MIN_MAJOR, GPG_MIN_MINOR, GPG_MIN_MICRO,
			 !ge && info && info->version ? info->version : "none");
		init_rc = -1;
		return;
	}
	/* Read here, once: getenv is not safe against a concurrent setenv. */
	const char *tmp = getenv("TMPDIR");
	if (!tmp || tmp[0] != '/' || strlen(tmp) >= sizeof(tmp_base) - 32)
		tmp = "/tmp";
	snprintf(tmp_base, sizeof(tmp_base), "%s", tmp);
}

int pgpkey_init(char *err, size_t errlen)
{
	pthread_once(&init_guard, init_once);
	if (init_rc && err && errlen)
		snprintf(err, errlen, "%s", init_err);
	return init_rc;
}

void pgpkey_info_release(struct pgpkey_info *info)
{
	for (size_t i = 0; i < info->n_uids; i++) {
		free(info->uids[i].uid);
		free(info->uids[i].name);
		free(info->uids[i].email);
		free(info->uids[i].comment);
	}
	free(info->armored);
	memset(info, 0, sizeof(*info));
}

const char *pgpkey_status_name(enum pgpkey_status status)
{
	return (unsigned)status < sizeof(status_names) / sizeof(status_names[0]) ? status_names[status] : "unknown";
}

/* --- the text, before gpg sees it --- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* How many lines of the N bytes at S begin with LINE. */
static size_t count_lines(const char *s, size_t n, const char *line)
{
	size_t count = 0, ll = strlen(line);
	for (const char *p = s; (p = memmem(p, n - (size_t)(p - s), line, ll)); p += ll)
		count += p == s || p[-1] == '\n';
	return count;
}

/* Whether the N bytes at S, white space trimmed, are armored public key
 * blocks: they begin with a BEGIN line and end with an END line. Whether
 * there is exactly one key inside is gpg's to say. */
static enum pgpkey_err check_armor(const char *s, size_t n)
{
	size_t b = 0, e = n;
	while (b < e && is_space(s[b]))
		b++;
	while (e > b && is_space(s[e - 1]))
		e--;
	if (b == e)
		return PGPKEY_E_EMPTY;
	for (size_t i = 0; i < sizeof(begin_private) / sizeof(begin_private[0]); i++)
		if (memmem(s, n, begin_private[i], strlen(begin_private[i])))
			return PGPKEY_E_PRIVATE;
	if (memchr(s, '\0', n))
		return PGPKEY_E_NOT_ARMORED;
	const size_t bl = sizeof(begin_public) - 1, el = sizeof(end_public) - 1;
	if (e - b < bl || memcmp(s + b, begin_public, bl) != 0)
		return PGPKEY_E_NOT_ARMORED;
	if (e - b == bl)
		return PGPKEY_E_TRUNCATED;
	if (s[b + bl] != '\r' && s[b + bl] != '\n')
		return PGPKEY_E_NOT_ARMORED;
	/* The END line must be the last line, and a line of its own. */
	if (e - b < bl + 1 + el || memcmp(s + e - el, end_public, el) != 0 || s[e - el - 1] != '\n')
		return memmem(s + b, e - b, end_public, el) ? PGPKEY_E_NOT_ARMORED : PGPKEY_E_TRUNCATED;
	return PGPKEY_OK;
}

/* --- what gpg says about the key --- */

/* A copy of S with invalid UTF-8, control characters (C0, DEL, C1) and the
 * bidirectional embedding, override and isolate characters, which could
 * make a name display as another, replaced by U+FFFD. Allocated; NULL when
 * memory ran out. */
static char *text_dup(const char *s)
{
	static const char repl[] = "\xEF\xBF\xBD";
	if (!s)
		s = "";
	size_t n = strlen(s), o = 0;
	char *out = malloc(3 * n + 1);
	if (!out)
		return NULL;
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		int l = utf8_seq_len(p + i, n - i);
		bool bad = l == 0 || (l == 1 && (p[i] < 0x20 || p[i] == 0x7f)) ||
			   (l == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0) ||
			   (l == 3 && p[i] == 0xE2 && p[i + 1] == 0x80 && p[i + 2] >= 0xAA && p[i + 2] <= 0xAE) ||
			   (l == 3 && p[i] == 0xE2 && p[i + 1] == 0x81 && p[i + 2] >= 0xA6 && p[i + 2] <= 0xA9);
		if (bad) {
			memcpy(out + o, repl, 3);
			o += 3;
			i += l ? (size_t)l : 1;
		} else {
			memcpy(out + o, p + i, (size_t)l);
			o += (size_t)l;
			i += (size_t)l;
		}
	}
	out[o] = '\0';
	return out;
}

/* Copy the hex string HEX, uppercased, into OUT when it has one of the
 * lengths LEN1 or LEN2; return 0, or -1 when it does not. */
static int copy_hex(char *out, const char *hex, size_t len1, size_t len2)
{
	size_t n = hex ? strlen(hex) : 0;
	if (n != len1 && n != len2)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = hex[i];
		if (c >= 'a' && c <= 'f')
			c = (char)(c - 'a' + 'A');
		else if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')))
			return -1;
		out[i] = c;
	}
	out[n] = '\0';
	return 0;
}

static void copy_algo(char *out, size_t n, gpgme_subkey_t pk)
{
	char *algo = gpgme_pubkey_algo_string(pk);
	size_t o = 0;
	for (const char *p = algo ? algo : "unknown"; *p && o + 1 < n; p++)
		out[o++] = *p > ' ' && *p < 0x7f ? *p : '?';
	out[o] = '\0';
	gpgme_free(algo);
}

static bool subkey_usable(gpgme_subkey_t sk, int64_t now)
{
	return !sk->revoked && !sk->invalid && !sk->disabled && (sk->expires <= 0 || sk->expires > now);
}

/* Fill OUT from the listed key K, as of NOW. */
static enum pgpkey_err describe(gpgme_key_t k, int64_t now, struct pgpkey_info *out)
{
	gpgme_subkey_t pk = k->subkeys;
	if (!pk || copy_hex(out->fpr, pk->fpr, 40, 64) || copy_hex(out->keyid, pk->keyid, 16, 16))
		return PGPKEY_E_UNREADABLE;
	copy_algo(out->algo, sizeof(out->algo), pk);
	out->bits = pk->length;
	out->created = pk->timestamp > 0 ? pk->timestamp : 0;
	out->expires = pk->expires > 0 ? pk->expires : 0;

	if (k->revoked)
		out->status = PGPKEY_STATUS_REVOKED;
	else if (out->expires && out->expires <= now)
		out->status = PGPKEY_STATUS_EXPIRED;
	else if (out->expires && out->expires - now <= PGPKEY_EXPIRING_SECS)
		out->status = PGPKEY_STATUS_EXPIRING;
	else
		out->status = PGPKEY_STATUS_OK;

	/* The primary key's own capabilities are on the first subkey. */
	if (out->status == PGPKEY_STATUS_OK || out->status == PGPKEY_STATUS_EXPIRING)
		for (gpgme_subkey_t sk = pk; sk; sk = sk->next)
			out->can_encrypt |= sk->can_encrypt && subkey_usable(sk, now);

	for (gpgme_user_id_t u = k->uids; u; u = u->next) {
		out->uids_on_key++;
		if (out->n_uids == PGPKEY_MAX_UIDS)
			continue;
		struct pgpkey_uid *x = &out->uids[out->n_uids++];
		x->uid = text_dup(u->uid);
		x->name = text_dup(u->name);
		x->email = text_dup(u->email);
		x->comment = text_dup(u->comment);
		if (!x->uid || !x->name || !x->email || !x->comment)
			return PGPKEY_E_INTERNAL;
		x->state = u->revoked ? PGPKEY_UID_REVOKED : u->invalid ? PGPKEY_UID_INVALID : PGPKEY_UID_VALID;
	}
	return PGPKEY_OK;
}

static bool has_valid_uid(gpgme_key_t k)
{
	for (gpgme_user_id_t u = k->uids; u; u = u->next)
		if (!u->revoked && !u->invalid)
			return true;
	return false;
}

static bool has_secret(gpgme_key_t k)
{
	if (k->secret)
		return true;
	for (gpgme_subkey_t sk = k->subkeys; sk; sk = sk->next)
		if (sk->secret)
			return true;
	return false;
}

/* --- the private GnuPG home --- */

static int home_make(char *path, size_t n)
{
	char conf[PATH_MAX];
	if ((size_t)snprintf(path, n, "%s/shisa-pgp-XXXXXX", tmp_base) >= n || !mkdtemp(path)) {
		path[0] = '\0';
		return -1;
	}
	snprintf(conf, sizeof(conf), "%s/gpg.conf", path);
	int fd = open(conf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	ssize_t w = write(fd, gpg_conf, sizeof(gpg_conf) - 1);
	return close(fd) == 0 && w == (ssize_t)sizeof(gpg_conf) - 1 ? 0 : -1;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	remove(path);
	return 0;
}

static void home_remove(const char *path)
{
	nftw(path, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static gpgme_error_t ctx_open(gpgme_ctx_t *ctx, const char *home)
{
	gpgme_error_t ge = gpgme_new(ctx);
	if (ge)
		return ge;
	ge = gpgme_set_protocol(*ctx, GPGME_PROTOCOL_OpenPGP);
	if (!ge)
		ge = gpgme_ctx_set_engine_info(*ctx, GPGME_PROTOCOL_OpenPGP, NULL, home);
	if (ge) {
		gpgme_release(*ctx);
		*ctx = NULL;
		return ge;
	}
	gpgme_set_offline(*ctx, 1);
	return 0;
}

/* List the keys in the N bytes at S without storing them. *FIRST gets the
 * first key (the caller unrefs it), *COUNT how many there are, *SECRET
 * whether any of them is a private key. A listing that ends in an error is
 * the input's fault and counts what was read before it; only failing to
 * start gpg is returned as an error. */
static gpgme_error_t list_keys(gpgme_ctx_t ctx, const char *s, size_t n, gpgme_key_t *first, size_t *count,
			       bool *secret)
{
	gpgme_data_t in;
	gpgme_key_t k;
	gpgme_error_t ge = gpgme_data_new_from_mem(&in, s, n, 0);
	if (ge)
		return ge;
	ge = gpgme_op_keylist_from_data_start(ctx, in, 0);
	if (ge)
		goto out;
	while (!gpgme_op_keylist_next(ctx, &k)) {
		++*count;
		*secret |= has_secret(k);
		if (!*first)
			*first = k;
		else
			gpgme_key_unref(k);
	}
	gpgme_op_keylist_end(ctx);
out:
	gpgme_data_release(in);
	return ge;
}

/* Import the key (already checked: one public key) into the private home
 * and export it again with export-minimal into OUT->armored. */
static gpgme_error_t export_minimal(gpgme_ctx_t ctx, const char *s, size_t n, struct pgpkey_info *out)
{
	gpgme_data_t in = NULL, exported = NULL;
	gpgme_error_t ge = gpgme_data_new_from_mem(&in, s, n, 0);
	if (!ge)
		ge = gpgme_op_import(ctx, in);
	if (!ge) {
		gpgme_import_result_t r = gpgme_op_import_result(ctx);
		if (!r || r->imported != 1 || r->secret_read)
			ge = gpgme_error(GPG_ERR_NO_PUBKEY);
	}
	if (!ge)
		ge = gpgme_data_new(&exported);
	if (!ge) {
		gpgme_set_armor(ctx, 1);
		ge = gpgme_op_export(ctx, out->fpr, GPGME_EXPORT_MODE_MINIMAL, exported);
	}
	if (!ge) {
		size_t len = 0;
		char *mem = gpgme_data_release_and_get_mem(exported, &len);
		exported = NULL;
		if (!mem || len < sizeof(begin_public) - 1 || len > EXPORT_MAX ||
		    memcmp(mem, begin_public, sizeof(begin_public) - 1) != 0)
			ge = gpgme_error(GPG_ERR_NO_DATA);
		else if (!(out->armored = malloc(len + 1)))
			ge = gpgme_error(GPG_ERR_ENOMEM);
		else {
			memcpy(out->armored, mem, len);
			out->armored[len] = '\0';
			out->armored_len = len;
		}
		gpgme_free(mem);
	}
	gpgme_data_release(exported);
	gpgme_data_release(in);
	return ge;
}

/* --- the whole --- */

int pgpkey_parse(const char *armored, size_t len, int64_t now, struct pgpkey_info *out, char *err,
		 size_t errlen)
{
	char home[PATH_MAX] = "";
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t key = NULL;
	gpgme_error_t ge;
	size_t count = 0;
	bool secret = false;
	int rc;

	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	if (pgpkey_init(err, errlen))
		return PGPKEY_E_INTERNAL;
	if (!armored || len == 0)
		return fail(err, errlen, PGPKEY_E_EMPTY);
	if (len > PGPKEY_MAX_INPUT)
		return fail(err, errlen, PGPKEY_E_TOO_LARGE);
	rc = check_armor(armored, len);
	if (rc)
		return fail(err, errlen, rc);

	if (home_make(home, sizeof(home))) {
		rc = fail_gpgme(err, errlen, "temporary GnuPG home", gpgme_error_from_syserror());
		goto out;
	}
	ge = ctx_open(&ctx, home);
	if (!ge)
		ge = list_keys(ctx, armored, len, &key, &count, &secret);
	if (ge) {
		rc = fail_gpgme(err, errlen, "listing", ge);
		goto out;
	}
	if (secret) {
		rc = fail(err, errlen, PGPKEY_E_PRIVATE);
		goto out;
	}
	/* gpg reads every block, but stops at the first damaged one. */
	size_t blocks = count_lines(armored, len, begin_public);
	if (count > 1 || blocks > 1) {
		rc = PGPKEY_E_MULTIPLE;
		if (err && errlen)
			snprintf(err, errlen, "contains %zu keys; give one key per entry", count > blocks ? count : blocks);
		goto out;
	}
	if (count == 0) {
		rc = fail(err, errlen, PGPKEY_E_UNREADABLE);
		goto out;
	}
	rc = describe(key, now, out);
	if (!rc && key->revoked)
		rc = PGPKEY_E_REVOKED;
	else if (!rc && !has_valid_uid(key))
		rc = PGPKEY_E_NO_USER_ID;
	else if (!rc && key->invalid)
		rc = PGPKEY_E_UNREADABLE;
	if (rc) {
		fail(err, errlen, rc);
		goto out;
	}
	ge = export_minimal(ctx, armored, len, out);
	if (ge)
		rc = fail_gpgme(err, errlen, "minimal export", ge);
out:
	gpgme_key_unref(key);
	if (ctx)
		gpgme_release(ctx);
	if (home[0])
		home_remove(home);
	if (rc && rc != PGPKEY_E_REVOKED)
		pgpkey_info_release(out);
	return rc;
}

/* --- clear-signed texts --- */

int pgpkey_verify_clearsigned(const char *signed_text, size_t len, const char *const keys[], size_t nkeys,
			      char fpr[65], char *err, size_t errlen)
{
	char home[PATH_MAX] = "", reason[128];
	gpgme_ctx_t ctx = NULL;
	gpgme_data_t sig = NULL, plain = NULL;
	gpgme_key_t key = NULL;
	gpgme_error_t ge;
	int rc = PGPKEY_SIG_ERROR;

	fpr[0] = '\0';
	if (err && errlen)
		err[0] = '\0';
	if (pgpkey_init(err, errlen))
		return PGPKEY_SIG_ERROR;
	if (home_make(home, sizeof(home))) {
		ge = gpgme_error_from_syserror();
		goto out;
	}
	ge = ctx_open(&ctx, home);
	/* Only the team's keys are in this home: any good signature is theirs. */
	for (size_t i = 0; !ge && i < nkeys; i++) {
		gpgme_data_t k;
		ge = gpgme_data_new_from_mem(&k, keys[i], strlen(keys[i]), 0);
		if (!ge) {
			ge = gpgme_op_import(ctx, k);
			gpgme_data_release(k);
		}
	}
	if (!ge)
		ge = gpgme_data_new_from_mem(&sig, signed_text, len, 0);
	if (!ge)
		ge = gpgme_data_new(&plain);
	if (!ge)
		ge = gpgme_op_verify(ctx, sig, NULL, plain);
	if (ge)
		goto out;
	gpgme_verify_result_t vr = gpgme_op_verify_result(ctx);
	gpgme_signature_t s = vr ? vr->signatures : NULL;
	if (!s) {
		ge = gpgme_error(GPG_ERR_NO_DATA);
		goto out;
	}
	switch (gpg_err_code(s->status)) {
	case GPG_ERR_NO_ERROR:
		rc = PGPKEY_SIG_GOOD;
		if (gpgme_get_key(ctx, s->fpr, &key, 0) || !key->subkeys || copy_hex(fpr, key->subkeys->fpr, 40, 64))
			copy_hex(fpr, s->fpr, 40, 64);
		break;
	case GPG_ERR_BAD_SIGNATURE:
		rc = PGPKEY_SIG_BAD;
		break;
	case GPG_ERR_NO_PUBKEY:
		rc = PGPKEY_SIG_UNKNOWN_KEY;
		break;
	default:
		ge = s->status;
		break;
	}
out:
	if (rc == PGPKEY_SIG_ERROR && err && errlen) {
		if (gpgme_strerror_r(ge, reason, sizeof(reason)))
			snprintf(reason, sizeof(reason), "error %u", (unsigned)ge);
		snprintf(err, errlen, "the signature could not be checked: %s", reason);
	}
	gpgme_key_unref(key);
	gpgme_data_release(plain);
	gpgme_data_release(sig);
	if (ctx)
		gpgme_release(ctx);
	if (home[0])
		home_remove(home);
	return rc;
}
