/* The command line: git-style subcommands, one file each under src/cli/.
 * Every command that touches data takes --db PATH and --config FILE;
 * flags override the configuration file, which overrides the defaults. */
#ifndef SHISA_CLI_H
#define SHISA_CLI_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/config.h"
#include "db/db.h"

struct cli_cmd {
	const char *name;
	const char *summary;   /* one line for `shisa --help` */
	const char *usage;     /* full text for `shisa NAME --help` */
	int (*run)(int argc, char **argv);
};

/* Every subcommand, ending with NULL (defined in main.c). */
extern const struct cli_cmd *const cli_commands[];

/* Load defaults, then the configuration file (--config FILE, $SHISA_CONFIG
 * or ./shisa.conf when present). Return 0, or -1 after printing the error. */
int cli_config(struct config *cfg, int argc, char **argv);
/* Options some commands take besides --db, --config and --help. */
struct cli_more_options {
	struct {
		const char *name;       /* a switch ("dry-run", "force"), or NULL */
		bool *on;               /* set when it is given */
	} flags[2];
	bool base_url;              /* --base-url URL, into the configuration's base_url */
};

/* For commands whose options are --db, --config, --help and MORE (NULL for
 * none): load the configuration into CFG and read the options. Return -1
 * to go on (the operands start at optind; MIN_OPERANDS..MAX_OPERANDS of
 * them, MAX -1 for no limit), or the exit status to return at once (usage,
 * or an error printed as "shisa LABEL: ..."). */
int cli_db_options(struct config *cfg, int argc, char **argv, const struct cli_cmd *cmd, const char *label,
                   int min_operands, int max_operands, const struct cli_more_options *more);
/* Create the folder that will hold PATH (one level), if missing.
 * Return 0, or -1 after printing the error. */
int cli_make_parent_dir(const char *path);
/* Open the database at cfg->db_path and bring its schema up to date
 * (creating it when CREATE). Return 0, or -1 after printing the error. */
int cli_open_db(struct db *db, const struct config *cfg, bool create);
/* Print usage of CMD to stdout (when asked) or stderr (on a mistake) and
 * return the exit status to use: 0 or 2. */
int cli_usage(const struct cli_cmd *cmd, bool asked);
/* The command called NAME, or NULL. */
const struct cli_cmd *cli_find(const char *name);
/* True when stderr is a terminal (progress is shown only then). */
bool cli_interactive(void);

/* Progress of a long copy: on a terminal, one line on stderr updated in
 * place, "LABEL: 1234/5678 pages (21%)"; nothing otherwise. */
struct cli_progress {
	const char *label;
	bool open;          /* a line is shown and not yet ended */
};
/* A backup_progress_fn (db/backup.h); ARG is a struct cli_progress. */
void cli_progress(void *arg, int done, int total);
/* The same for other things than pages: "LABEL: 12/50 UNIT (24%)". */
void cli_progress_of(struct cli_progress *p, const char *unit, int done, int total);
/* End the line a copy that failed half way left open. */
void cli_progress_end(struct cli_progress *p);
/* Progress of a walk over TOTAL things called UNIT ("teams"): on a
 * terminal, "LABEL: 1234/5678 teams (21%)" updated in place about once a
 * percent; nothing otherwise. End it with cli_progress_end. */
void cli_progress_count(struct cli_progress *p, const char *unit, int64_t done, int64_t total);
/* True when S is non-empty UTF-8 text of at most MAX_CHARS characters
 * without control characters (for names and addresses given as flags). */
bool cli_text_ok(const char *s, size_t max_chars);
/* The whole of FILE ("-": standard input), at most MAX bytes, NUL-ended,
 * its length in *N; NULL after telling stderr why (naming LABEL, e.g.
 * "shisa stats import", and what to do about a file too large: TOO_BIG). */
char *cli_read_file(const char *label, const char *file, size_t max, const char *too_big, size_t *n);
/* Write an audit row for a change made from the command line (inside the
 * caller's transaction): request id "cli", no actor user, client address
 * "local", and the operating-system user added to DETAIL (a JSON object,
 * stolen; NULL for none). Return 0 or -1. */
int cli_audit_write(struct db *db, const char *action, const char *object_type, int64_t oid, json_t *detail);

/* The offline snapshot from the command line (directory_snapshot.c):
 * whether OUT is a folder this account can write in (0, or 2 after
 * printing "shisa LABEL: ..."), and writing the signed snapshot of DB into
 * it as shisa-directory-YYYYMMDD-HHMMSSZ.html and .json with the current
 * key (made on first use), progress on a terminal, the two paths on
 * stdout and a summary on stderr. Return 0, or 1 after printing the error. */
int cli_snapshot_folder(const char *out, const char *label);
int cli_snapshot_write(struct db *db, const struct config *cfg, const char *out, const char *label);

#endif
