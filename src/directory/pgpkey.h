/* OpenPGP public keys that teams publish in the directory: take one
 * ASCII-armored key as pasted, decide whether it is a single usable public
 * key, and describe it (fingerprint, user ids, algorithm, dates, whether it
 * expires soon) together with a minimal re-export, which is what the
 * directory stores. GnuPG does the OpenPGP work through gpgme, in a fresh
 * temporary GnuPG home per call: ~/.gnupg is never read, and calls from
 * several worker threads share nothing. */
#ifndef SHISA_PGPKEY_H
#define SHISA_PGPKEY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PGPKEY_MAX_INPUT ((size_t)64 << 10)    /* bytes of armored text */
#define PGPKEY_MAX_UIDS 16                     /* user ids kept in pgpkey_info */
#define PGPKEY_EXPIRING_SECS (30 * 86400)      /* "expires soon" */

/* Why a key was refused: one value per reason, for callers to map to
 * translated messages. pgpkey_parse also writes an English sentence. */
enum pgpkey_err {
	PGPKEY_OK = 0,
	PGPKEY_E_EMPTY,         /* nothing but white space */
	PGPKEY_E_TOO_LARGE,     /* over PGPKEY_MAX_INPUT bytes */
	PGPKEY_E_NOT_ARMORED,   /* not a "BEGIN PGP PUBLIC KEY BLOCK" text */
	PGPKEY_E_TRUNCATED,     /* begins like one, but the END line is missing */
	PGPKEY_E_PRIVATE,       /* a private (secret) key: never upload those */
	PGPKEY_E_MULTIPLE,      /* more than one key */
	PGPKEY_E_UNREADABLE,    /* armored, but no readable key inside (damaged) */
	PGPKEY_E_REVOKED,       /* the primary key is revoked */
	PGPKEY_E_NO_USER_ID,    /* no user id that is neither revoked nor invalid */
	PGPKEY_E_INTERNAL,      /* GnuPG could not be run: not the key's fault */
	PGPKEY_E__COUNT
};

enum pgpkey_status {
	PGPKEY_STATUS_OK,
	PGPKEY_STATUS_EXPIRING, /* expires within PGPKEY_EXPIRING_SECS of now */
	PGPKEY_STATUS_EXPIRED,
	PGPKEY_STATUS_REVOKED,
};

enum pgpkey_uid_state {
	PGPKEY_UID_VALID,       /* carries a good self-signature */
	PGPKEY_UID_REVOKED,
	PGPKEY_UID_INVALID,     /* no good self-signature */
};

/* Text from the key is UTF-8 with invalid sequences, control characters
 * and bidirectional overrides replaced by U+FFFD; it is still untrusted
 * text, to be escaped on output. */
struct pgpkey_uid {
	char *uid;              /* whole: "Team A (CSIRT) <pgp@team-a.example>" */
	char *name;             /* "Team A"; "" when absent */
	char *email;            /* "pgp@team-a.example"; "" when absent */
	char *comment;          /* "CSIRT"; "" when absent */
	enum pgpkey_uid_state state;
};

struct pgpkey_info {
	char fpr[65];           /* uppercase hex: 40 digits (v4) or 64 (v5) */
	char keyid[17];         /* 16 hex digits: the fingerprint's last 16 for v4 */
	char algo[32];          /* primary key, as gpgme names it: "ed25519", "rsa4096" */
	unsigned bits;          /* primary key size (255 for ed25519) */
	int64_t created;        /* Unix seconds */
	int64_t expires;        /* Unix seconds; 0 when the key never expires */
	bool can_encrypt;       /* some key or subkey may encrypt and is neither
	                         * revoked nor expired at NOW */
	enum pgpkey_status status;
	size_t n_uids;          /* entries in uids[] */
	size_t uids_on_key;     /* user ids on the key; more than n_uids when
	                         * the key has over PGPKEY_MAX_UIDS */
	struct pgpkey_uid uids[PGPKEY_MAX_UIDS];   /* in the key's order */
	char *armored;          /* minimal re-export (self-signatures only),
	                         * NUL-terminated; what to store */
	size_t armored_len;
};

/* Check once, at startup and before any thread calls pgpkey_parse, that
 * gpgme and gpg (2.1.14 or later) are there. Safe to call again and from
 * several threads; pgpkey_parse calls it too. Return 0, or -1 after writing
 * why into ERR. */
int pgpkey_init(char *err, size_t errlen);

/* Read the LEN bytes at ARMORED, which must hold exactly one ASCII-armored
 * OpenPGP public key block (white space around it is fine), and describe
 * the key into OUT as of time NOW (Unix seconds): its status (expired or
 * expiring within PGPKEY_EXPIRING_SECS) is judged at NOW. An expired key
 * is accepted; a revoked one is refused with PGPKEY_E_REVOKED, but OUT
 * then still describes it (status PGPKEY_STATUS_REVOKED, no armored), so
 * the caller can say which key it was. OUT is always initialised, whatever
 * the result: release it with pgpkey_info_release. Return PGPKEY_OK, or an
 * enum pgpkey_err after writing an English sentence into ERR ("contains 2
 * keys; give one key per entry"). Thread-safe. */
int pgpkey_parse(const char *armored, size_t len, int64_t now, struct pgpkey_info *out, char *err,
		 size_t errlen);

/* Free what pgpkey_parse allocated in INFO and zero it. */
void pgpkey_info_release(struct pgpkey_info *info);

/* "ok", "expiring", "expired", "revoked": stable names to store or send. */
const char *pgpkey_status_name(enum pgpkey_status status);

/* What checking a clear-signed text found. */
enum pgpkey_sig {
	PGPKEY_SIG_GOOD,        /* signed by one of the given keys, and the text is as signed */
	PGPKEY_SIG_BAD,         /* the signature does not match the text */
	PGPKEY_SIG_UNKNOWN_KEY, /* signed by none of the given keys */
	PGPKEY_SIG_ERROR,       /* anything else: no signature gpg could read, an expired or
	                         * revoked key, gpg could not be run (ERR says which) */
};

/* Check the OpenPGP clear-signed text (RFC 4880 7: "BEGIN PGP SIGNED
 * MESSAGE" to "END PGP SIGNATURE"; LEN bytes at SIGNED) against the
 * NKEYS ASCII-armored public keys KEYS only, in a throw-away GnuPG home
 * like pgpkey_parse's. On PGPKEY_SIG_GOOD, FPR gets the fingerprint of
 * the signing key's primary key. Returns an enum pgpkey_sig, with an
 * English sentence in ERR for PGPKEY_SIG_ERROR. Thread-safe. */
int pgpkey_verify_clearsigned(const char *signed_text, size_t len, const char *const keys[], size_t nkeys,
			      char fpr[65], char *err, size_t errlen);

#endif
