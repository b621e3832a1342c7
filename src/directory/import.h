/* Importing team records from standard formats: RFC 2350 documents,
 * security.txt files (RFC 9116, plain or clear-signed), Trusted
 * Introducer's teams.json layout, and the directory's own CSV export.
 *
 * An import runs in two steps. import_parse (pure: bytes in, no database;
 * one file per format, import_<format>.c) turns the file into records,
 * each the JSON change that PATCH /api/v1/teams/{slug} takes plus where
 * each value came from, and lists what it could not map. import_apply
 * (import_apply.c) then finds each record's team, checks every value
 * exactly as the API does (team_input_read) and writes the whole file in
 * one transaction, or nothing at all when any value was refused.
 *
 * What a file gives is set; what it leaves out (or leaves empty) is kept.
 * A list is changed only for the kinds the file gives: contacts of the
 * kinds it names replace the team's contacts of those kinds, and so on. */
#ifndef SHISA_IMPORT_H
#define SHISA_IMPORT_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/buf.h"
#include "core/i18n.h"
#include "core/json_writer.h"
#include "db/db.h"

enum import_format {
	IMPORT_RFC2350,
	IMPORT_SECURITYTXT,
	IMPORT_TI_JSON,
	IMPORT_CSV,
	IMPORT__FORMATS
};

#define IMPORT_MAX_BYTES ((size_t)32 << 20)   /* the largest file the command line reads */
#define IMPORT_MAX_ISSUES 1000                /* issues listed; more are counted */

/* "rfc2350", "securitytxt", "ti-json", "csv"; parse returns 0 or -1. */
const char *import_format_name(enum import_format f);
int import_format_parse(const char *s, enum import_format *out);
/* The format the N bytes at DATA look like: a JSON array or object is
 * ti-json, "Contact:" and "Expires:" lines (or a clear-signed text with
 * them) security.txt, a first line of comma-separated column names of
 * the export CSV, and anything else an RFC 2350 document. */
enum import_format import_guess(const char *data, size_t n);

/* Something in the file that was not imported. A rejected issue (a value
 * a validator refuses, a broken line) stops the whole file; a skipped one
 * (a section or field with no place in the team record) is only told. */
struct import_issue {
	size_t line;                 /* 1-based line of the file; 0 when none */
	size_t record;               /* record or row number, 1-based (ti-json, csv); 0 for one-team formats */
	char *excerpt;               /* the source, cut to 60 characters, made printable */
	char *field;                 /* where it would go ("contacts[3].value") or the source's name ("Expires") */
	const char *msg_key;         /* i18n key of the reason */
	const char *var_key[2];      /* placeholders of the message ({suggestion}, {max}, {name}), or NULL */
	char *var_val[2];
	bool rejected;
};

/* One team as a file describes it. */
struct import_record {
	size_t line;                 /* where it starts */
	size_t number;               /* record or row number (0 for one-team formats) */
	char *slug;                  /* the slug the file gives (csv), or NULL */
	json_t *change;              /* the fields, as PATCH /api/v1/teams/{slug} takes them */
	json_t *where;               /* path ("name.en", "contacts[2]") -> [line, excerpt] */
};

enum import_sig {
	IMPORT_SIG_NONE,             /* not signed */
	IMPORT_SIG_UNCHECKED,        /* signed; not verified (yet) */
	IMPORT_SIG_GOOD,             /* verified with one of the team's keys */
	IMPORT_SIG_BAD,              /* signed, and the signature does not match the text */
	IMPORT_SIG_UNKNOWN_KEY,      /* signed by a key the team does not have */
};

struct import_doc {
	enum import_format format;
	bool guessed;                /* the format was guessed from the content (set by the caller) */
	struct import_record *records;
	size_t nrecords, records_cap;
	struct import_issue *issues;
	size_t nissues, issues_cap;
	size_t nrejected;            /* rejected issues, listed or not */
	size_t unlisted;             /* issues past IMPORT_MAX_ISSUES */
	/* security.txt: the clear-signed block as it stands in the file */
	enum import_sig sig;
	const char *signed_text;     /* points into the parsed data; valid as long as it */
	size_t signed_len;
	size_t sig_line;
	char sig_fpr[65];            /* the signing key, when IMPORT_SIG_GOOD */
};

void import_doc_init(struct import_doc *d, enum import_format f);
void import_doc_release(struct import_doc *d);
/* Read the N bytes at DATA as D->format into D's records and issues
 * (D->signed_text then points into DATA). Return 0, or -1 when memory
 * ran out. Pure: fuzzed by fuzz/fuzz_import.c. */
int import_parse(struct import_doc *d, const char *data, size_t n);
/* The reason of IS in LANG, appended to OUT. Return 0 or -1. */
int import_issue_reason(const struct import_issue *is, enum lang lang, struct buf *out);

/* Check D's signature (security.txt) against the team's keys (NKEYS
 * ASCII-armored public keys), with gpg: sets D->sig and D->sig_fpr; a
 * signature that cannot be verified adds a skipped issue, never a
 * rejected one. Runs gpg: call it off the event loop. Return 0, or -1
 * when gpg could not be run (D->sig stays IMPORT_SIG_UNCHECKED). */
int import_verify_signature(struct import_doc *d, const char *const keys[], size_t nkeys);

/* --- writing (import_apply.c) --- */

enum import_outcome { IMPORT_CREATED, IMPORT_UPDATED, IMPORT_UNCHANGED };

struct import_team {
	char slug[65];
	int64_t id;                  /* 0 for a team not yet created (dry run) */
	enum import_outcome outcome;
};

struct import_options {
	const char *team;            /* the team the file describes (--team, ?team=), or NULL */
	bool dry_run;                /* check and report, write nothing */
	int64_t now;
	/* One audit row per team created or changed, inside the transaction:
	 * return 0 or -1. */
	int (*audit)(void *arg, int64_t team_id, const char *slug, enum import_outcome outcome);
	void *audit_arg;
	/* Called as each record has been checked (and written). */
	void (*progress)(void *arg, size_t done, size_t total);
	void *progress_arg;
};

struct import_result {
	struct import_team *teams;   /* one per record, in file order (none when refused) */
	size_t nteams;
	size_t created, updated, unchanged;
	bool written;                /* committed (not a dry run, nothing rejected) */
	bool rules_changed;          /* constituency changed: the router must be rebuilt */
};

/* The keys of the team OPT_TEAM (armored, malloc'd, into *KEYS; *NKEYS
 * of them), for import_verify_signature. Return 0 (none when the team
 * does not exist), or -1. Free with import_keys_free. */
int import_team_keys(struct db *db, const char *slug, char ***keys, size_t *nkeys);
void import_keys_free(char **keys, size_t nkeys);

/* The slug of the team a one-team file (RFC 2350, security.txt) is
 * about, as import_apply will find it, into SLUG (TEAM: as given by the
 * caller, or NULL): whose keys check its signature. Return 1, 0 when it
 * names no team, or -1. */
int import_signer_slug(struct db *db, struct import_doc *d, const char *team, char slug[65]);

/* Find each record's team, check every value and, when D holds no
 * rejected issue and O->dry_run is false, create and update the teams in
 * one transaction (a team the file leaves as it was is not touched).
 * Refusals become rejected issues of D; then R lists no team. The caller
 * calls directory_changed after a write. Return 0 (see D->nrejected and
 * R->written), or -1 on a database error (nothing written). */
int import_apply(struct db *db, struct import_doc *d, const struct import_options *o, struct import_result *r);
void import_result_release(struct import_result *r);

/* The report, as members of the JSON object open in W: format,
 * guessed, dry_run, written, created, updated, unchanged (slugs),
 * rejected and skipped ([{line, record, field, text, reason}]), unlisted,
 * signature {state, fingerprint}. R may be NULL (nothing was checked
 * against the database). */
void import_report_members(const struct import_doc *d, const struct import_result *r, bool dry_run, enum lang lang,
                           struct jw *w);
/* "none", "unchecked", "good", "bad", "unknown_key". */
const char *import_sig_name(enum import_sig s);

#endif
